/* ckanext-sektoral: confirm before a state change when the form asks for it. */
ckan.module("sektoral-confirm", function ($) {
  return {
    initialize: function () {
      var message = this.el.data("message");
      this.el.on("submit", function (event) {
        if (message && !window.confirm(message)) { event.preventDefault(); }
      });
    }
  };
});
