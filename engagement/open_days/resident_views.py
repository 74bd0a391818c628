"""The resident's own registration, from its private link `/r/<token>`: where it stands,
the QR code for the door, cancelling after a confirmation step, and the survey after the
visit. Private pages: never kept by a cache, never leading anywhere with the link."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from core.errors import recovers_expired_form
from core.qr import qr_svg
from core.runner import run_action, run_for_form
from core.web import render_page
from engagement.open_days import operations
from engagement.open_days.forms import MAX_FEEDBACK_LENGTH, ConfirmForm, FeedbackForm
from engagement.open_days.models import Registration, Status
from engagement.open_days.operations.registrations import registration_by_token
from engagement.open_days.queries import waiting_position
from engagement.open_days.views import RETRY_AFTER_SECONDS, bp, is_busy
from extensions import db


def registration_or_404(token: str) -> Registration:
    registration = registration_by_token(token)
    if registration is None:
        abort(404)
    return registration


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"  # a private link
    return response


def _registration_url(registration: Registration, token: str) -> str:
    return url_for("open_days.registration_page", token=token)


@bp.get("/r/<token>")
def registration_page(token: str) -> Response:
    registration = registration_or_404(token)
    code = registration.confirmation_code
    return _private(
        render_page(
            "open_days/registration.html",
            registration=registration,
            open_day=registration.open_day,
            token=token,
            position=waiting_position(registration),
            qr=qr_svg(
                code,
                _("QR code of your confirmation code %(code)s", code=code),
                scale=8,  # big enough for a phone at the door to read from the screen
                micro=False,
            ),
            feedback_due=registration.status == Status.ATTENDED and registration.feedback is None,
        )
    )


def _cancel_page(registration: Registration, token: str, status: int = 200) -> Response:
    return _private(
        render_page(
            "open_days/cancel.html",
            registration=registration,
            open_day=registration.open_day,
            token=token,
            form=ConfirmForm(),
            status=status,
        )
    )


def _expired_cancel() -> Response | None:
    """The confirmation step's token expired: the same question again, with a fresh one."""
    registration = registration_by_token((request.view_args or {}).get("token", ""))
    if registration is None:
        return None
    flash(_("The page had expired, so nothing was cancelled yet. Press the button again."), "error")
    return _cancel_page(registration, request.view_args["token"], status=400)


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
@recovers_expired_form(_expired_cancel)
def cancel_registration(token: str) -> Response:
    """The confirmation step, then the cancelling. Sent twice (a double tap, Back and send)
    the second finds it cancelled and says so, no error."""
    registration = registration_or_404(token)
    back = _registration_url(registration, token) + "#status"
    if request.method == "GET":
        if not registration.may_cancel:  # already cancelled, or too late: the page says which
            return redirect(back, code=303)
        return _cancel_page(registration, token)
    if registration.status == Status.CANCELLED:
        flash(_("Your registration is cancelled."), "success")
        return redirect(back, code=303)
    try:
        return run_action(
            lambda: operations.cancel_registration(registration),
            done=_("Your registration is cancelled."),
            then=back,
        )
    except OperationalError as error:  # the open day's lock not had in time (a rush)
        db.session.rollback()
        if not is_busy(error):
            raise
        busy = render_page("open_days/busy_cancel.html", token=token, status=503)
        busy.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return _private(busy)


@bp.route("/r/<token>/feedback", methods=["GET", "POST"])
def feedback(token: str) -> Response:
    """The short survey after the visit: for those who came, once."""
    registration = registration_or_404(token)
    form = FeedbackForm()
    may_answer = registration.status == Status.ATTENDED and registration.feedback is None
    if may_answer and form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.submit_feedback(
                registration,
                satisfaction=form.satisfaction.data,
                good=form.good.data,
                suggestions=form.suggestions.data,
            ),
            done=None,
            then=url_for("open_days.feedback", token=token),
        )
        if saved is not None:
            return saved
    status = 422 if form.errors else (409 if form.is_submitted() and not may_answer else 200)
    return _private(
        render_page(
            "open_days/feedback.html",
            registration=registration,
            open_day=registration.open_day,
            token=token,
            form=form,
            may_answer=may_answer,
            max_length=MAX_FEEDBACK_LENGTH,
            status=status,
        )
    )
