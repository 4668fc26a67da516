/* ckanext-sektoral, OPD item page: while a data file is being validated,
 * ask the portal every few seconds and show the new status when it is
 * known. The page reloads by itself only when nothing was typed, so no
 * note is lost; otherwise the user gets a "reload" link (announced to
 * screen readers through the live region). */
ckan.module("sektoral-validation-poll", function ($) {
  return {
    options: { url: null, interval: 5000, done: "", reload: "" },
    initialize: function () {
      this.tries = 0;
      this.timer = window.setTimeout(this._poll.bind(this), this.options.interval);
    },
    _poll: function () {
      var self = this;
      self.tries += 1;
      $.getJSON(self.options.url).done(function (data) {
        var resources = (data.result && data.result.resources) || [];
        var pending = resources.some(function (r) { return r.validation_status === "pending"; });
        if (!pending) { self._finished(); return; }
        if (self.tries < 120) {
          self.timer = window.setTimeout(self._poll.bind(self), self.options.interval);
        }
      });
    },
    _finished: function () {
      var note = $("#submit-note");
      var typing = (note.length && note.val()) ||
        $(document.activeElement).is("input, textarea, select");
      if (!typing) { window.location.reload(); return; }
      var link = $("<a href='#'></a>").text(this.options.reload).on("click", function (e) {
        e.preventDefault(); window.location.reload();
      });
      this.el.find("[role=status]").text(this.options.done + " ").append(link);
    }
  };
});
