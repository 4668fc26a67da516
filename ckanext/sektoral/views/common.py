"""What every page module needs: the action context of the request and
the access check that turns a refusal into a translated 403."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk


def context() -> dict[str, Any]:
    return {"user": tk.g.user}


def require(auth: str, data: Optional[dict[str, Any]] = None) -> None:
    """Abort with 403 (translated) unless ``auth`` allows the user."""
    try:
        tk.check_access(auth, context(), data or {})
    except tk.NotAuthorized:
        if not tk.g.user:
            tk.abort(403, tk._("Please log in to see this page."))
        tk.abort(403, tk._("You are not allowed to see this page."))


def may(auth: str, data: Optional[dict[str, Any]] = None) -> bool:
    try:
        tk.check_access(auth, context(), data or {})
        return True
    except tk.NotAuthorized:
        return False


def register_error_handlers(app: Any) -> None:
    """A page whose code lets an action's ``ObjectNotFound``,
    ``NotAuthorized`` or ``ValidationError`` escape answers 404, 403 or
    400, not 500.

    Some core pages do (``/dataset/changes_multiple`` without its
    parameters, or with an activity the caller may not read or that does
    not exist); with the datasets a
    caller may not read answering as missing (``logic/existence.py``) the
    404 is also what they would answer for an id that exists nowhere.
    """
    from werkzeug import exceptions

    def not_found(error: Exception) -> Any:
        return app.handle_http_exception(
            exceptions.NotFound(tk._("Not found")))

    def not_authorized(error: Exception) -> Any:
        return app.handle_http_exception(exceptions.Forbidden(
            tk._("You are not allowed to see this page.")))

    def bad_request(error: Exception) -> Any:
        return app.handle_http_exception(exceptions.BadRequest(
            tk._("Bad request")))

    app.register_error_handler(tk.ValidationError, bad_request)
    app.register_error_handler(tk.ObjectNotFound, not_found)
    app.register_error_handler(tk.NotAuthorized, not_authorized)
