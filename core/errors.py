"""Error pages in the reader's language, leading back to where they came from, and the
recovery of a form whose token expired (a resident's comment after a phone restart)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.files import MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES
from core.web import safe_next_url
from extensions import db

ERROR_TITLES = {
    400: lambda: _("The request could not be understood"),
    403: lambda: _("You do not have access to this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not available here"),
    413: lambda: _("The upload is too large"),
    422: lambda: _("Some of what was sent could not be accepted"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Something went wrong on our side"),
}

ERROR_ADVICE = {
    400: lambda: _("Go back, reload the page and try again."),
    403: lambda: _("If you think you should have access, ask an administrator."),
    404: lambda: _("The address may be mistyped, or the page has moved."),
    405: lambda: _("Go back and use the buttons on the page."),
    413: lambda: _(
        "Documents can be at most %(document)d MB and images %(image)d MB. Go back to the "
        "form, choose a smaller file and send it again.",
        document=MAX_DOCUMENT_BYTES // 2**20,
        image=MAX_IMAGE_BYTES // 2**20,
    ),
    422: lambda: _("Go back, correct the form and send it again."),
    429: lambda: _("Please wait a few minutes before trying again."),
    500: lambda: _("The problem has been logged. Please try again in a few minutes."),
}


def render_error(code: int, detail: str | None = None) -> Response:
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        response = jsonify(error=code, message=str(ERROR_TITLES[code]()))
        response.status_code = code
        return response
    response = make_response(
        render_template(
            "errors/error.html",
            code=code,
            title=ERROR_TITLES[code](),
            advice=detail or ERROR_ADVICE[code](),
            back=came_from(),
        ),
        code,
    )
    return response


def came_from() -> str | None:
    """The page on this site the request was sent from (a form), to lead the person back."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or parts.path == request.path:
        return None
    return safe_next_url(parts.path + (f"?{parts.query}" if parts.query else ""), "") or None


def handle_http_error(error: HTTPException) -> Response | HTTPException:
    code = error.code or 500
    if error.response is not None:  # the raiser built its own page (e.g. the login throttle)
        return error.response
    if code not in ERROR_TITLES:
        return error
    if code == 500:
        db.session.rollback()
    return render_error(code)


RECOVERY_ATTRIBUTE = "recover_expired_form"
V = TypeVar("V", bound=Callable[..., Any])


def recovers_expired_form(recover: Callable[[], Response | None]) -> Callable[[V], V]:
    """Mark a view whose senders must never lose their text (a resident's comment after a
    phone restart): when its form token has expired, `recover` shows the form again with
    what was typed instead of the generic error page."""

    def mark(view: V) -> V:
        setattr(view, RECOVERY_ATTRIBUTE, recover)
        return view

    return mark


def handle_csrf_error(error: CSRFError) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    recover = getattr(view, RECOVERY_ATTRIBUTE, None)
    recovered = recover() if recover is not None else None
    if recovered is not None:
        return recovered
    return render_error(
        400, _("The form had expired or was sent from elsewhere. Reload the page and try again.")
    )
