"""Public open-day pages: the list, one open day with its registration form, its places
left (polled), its calendar event and its draw; registering and asking for the link again.
The resident's own page (`/r/<token>`) is in `resident_views`, on the same blueprint.

Registering is the rush: a refusal keeps what was typed (422, or 409 when registration is
not open), a database too busy to take it in time says so and keeps it too (503), and the
same form sent twice is one registration."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from core.clock import utcnow
from core.errors import recovers_expired_form
from core.ical import build_calendar, calendar_answer
from core.page_cache import epoch_tag
from core.phones import normalise_phone
from core.runner import attempt, run_for_form
from core.steps import Steps
from core.web import elder_mode, query_int, render_page
from engagement.open_days import operations
from engagement.open_days.calendar import open_day_event
from engagement.open_days.forms import REGISTRATION_STEPS, RegistrationForm, SendLinkForm
from engagement.open_days.models import OpenDay, Registration
from engagement.open_days.operations.draw import entries
from engagement.open_days.queries import public_open_day_or_404, upcoming_and_past
from extensions import db, limiter

bp = Blueprint("open_days", __name__)

# Per connection, as for comments: a community centre or a carrier's NAT puts a roomful of
# residents behind one address. Only registrations actually stored count.
REGISTRATION_RATE_LIMIT = "60 per 10 minutes;300 per day"
SEND_LINK_RATE_LIMIT = "20 per 10 minutes"
# What a database answers when a lock was not had in time: PostgreSQL's lock_not_available
# (OPEN_DAY_LOCK_TIMEOUT_MS), a deadlock or a serialization failure; SQLite's busy timeout.
BUSY_SQLSTATES = {"55P03", "40P01", "40001"}
RETRY_AFTER_SECONDS = 5


def registration_form(open_day: OpenDay, **kwargs: Any) -> RegistrationForm:
    return RegistrationForm.for_open_day(open_day.id_required, **kwargs)


def fresh_form_hidden_tag() -> str:
    """The registration form's token and key, each visitor's own (`visitor_parts`)."""
    return RegistrationForm(formdata=None).hidden_tag()


def fresh_send_link_hidden_tag() -> str:
    return SendLinkForm(formdata=None).hidden_tag()


def places_tag(open_day_id: int) -> str:
    """Changes with anything public (a registration, a cancellation) and at the clock's
    boundaries, so an unchanged poll of the places is answered 304."""
    return epoch_tag("places", open_day_id)


@bp.get("/open-days/")
def open_day_list() -> Response:
    now = utcnow()
    upcoming, past = upcoming_and_past(now)
    past_page = db.paginate(past, page=query_int("page", 1), per_page=20, error_out=False)
    return render_page("open_days/list.html", upcoming=upcoming, past=past_page, now=now)


def _open_day_page(
    open_day: OpenDay,
    form: RegistrationForm,
    status: int = 200,
    *,
    not_registered: str | None = None,
    already_registered: bool = False,
    steps: Steps | None = None,
) -> Response:
    """The public page; `not_registered` says why what the resident sent could not be taken
    at all (registration closed, the open day cancelled), shown with what they typed. In
    elder-friendly mode the form is asked one step at a time (`steps`)."""
    if steps is None and elder_mode():
        steps = Steps(form, REGISTRATION_STEPS)
    return render_page(
        "open_days/open_day.html",
        open_day=open_day,
        now=utcnow(),
        form=form,
        not_registered=not_registered,
        already_registered=already_registered,
        places_version=places_tag(open_day.id),
        steps=steps,
        status=status,
    )


@bp.get("/open-days/<int:open_day_id>")
def open_day_page(open_day_id: int) -> Response:
    open_day = public_open_day_or_404(open_day_id)
    return _open_day_page(open_day, registration_form(open_day, formdata=None))


@bp.get("/open-days/<int:open_day_id>/places")
def places(open_day_id: int) -> Response:
    """The places left, polled by htmx with the tag of what it shows (`v`) while
    registration is open; an unchanged poll is answered 304 before the view."""
    version = places_tag(open_day_id)
    if request.args.get("v") == version:
        return Response(status=304)
    open_day = public_open_day_or_404(open_day_id)
    return render_page(
        "open_days/places_page.html",
        "open_days/_places.html",
        open_day=open_day,
        now=utcnow(),
        places_version=version,
    )


@bp.get("/open-days/<int:open_day_id>.ics")
def open_day_ics(open_day_id: int) -> Response:
    """The open day as one event: the same event (UID, SEQUENCE) as in every feed."""
    if db.session.scalar(OpenDay.public().where(OpenDay.id == open_day_id)) is None:
        abort(404)  # before any 304: gone is gone

    def build() -> bytes:
        open_day = public_open_day_or_404(open_day_id)
        return build_calendar(open_day.title, [open_day_event(open_day)])

    return calendar_answer(f"open-day-{open_day_id}.ics", build, download=True)


def draw_ranking(open_day: OpenDay) -> list[Registration]:
    """The draw's result as published: every ranked entry, in drawn order."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.open_day_id == open_day.id, Registration.draw_rank.is_not(None))
            .order_by(Registration.draw_rank)
        )
    )


@bp.get("/open-days/<int:open_day_id>/draw")
def draw_page(open_day_id: int) -> Response:
    """How the draw works, its seed and entries by confirmation code, then its result:
    enough for anyone to run it again. Never a name or a phone."""
    open_day = public_open_day_or_404(open_day_id)
    if not open_day.is_lottery:
        abort(404)
    ranking = draw_ranking(open_day) if open_day.drawn_at else []
    listed = (
        sorted(ranking, key=lambda r: r.id)
        if ranking
        else db.session.scalars(entries(open_day)).all()
    )
    return render_page(
        "open_days/draw.html",
        open_day=open_day,
        now=utcnow(),
        codes=[registration.confirmation_code for registration in listed],
        ranking=ranking,
    )


# Registering


def is_busy(error: OperationalError) -> bool:
    original = error.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return state in BUSY_SQLSTATES or "database is locked" in str(original)


def _busy_page(open_day_id: int, form: Any, template: str) -> Response:
    """The database did not give the lock in time: nothing was saved; everything typed is
    on the page to send again. Built without the database, which is busy."""
    response = render_page(template, open_day_id=open_day_id, form=form, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def answers_busy(
    form_class: Callable[[], Any], template: str
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """A view whose database work may wait for a lock answers "busy, send again" (503) with
    what was typed when the wait ran out, never a server error."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        def guarded(**values: Any) -> Response:
            try:
                return view(**values)
            except OperationalError as error:
                db.session.rollback()
                if not is_busy(error):
                    raise
                current_app.logger.warning("Open day %s: database busy", values["open_day_id"])
                return _busy_page(values["open_day_id"], form_class(), template)

        return guarded

    return decorate


def _typed_registration() -> RegistrationForm:
    """What was sent, as typed, without asking the database (busy) what the open day needs."""
    return RegistrationForm.for_open_day("id_number" in request.form)


def _public_open_day_or_none() -> OpenDay | None:
    open_day_id = (request.view_args or {}).get("open_day_id")
    return db.session.scalar(OpenDay.public().where(OpenDay.id == open_day_id))


def _not_taking_registrations() -> bool:
    """Registration not open is answered as such, before any limit on sending."""
    try:
        open_day = _public_open_day_or_none()
    except OperationalError:
        db.session.rollback()
        return False  # the view answers that the database is busy
    return open_day is None or not open_day.takes_registrations_at(utcnow())


def _not_registered_page(open_day: OpenDay) -> Response:
    """Registration is not open (yet, any more, or the open day is cancelled): say so
    first, with what was typed, to keep."""
    return _open_day_page(
        open_day,
        registration_form(open_day),
        status=409,
        not_registered=operations.registrations.not_taking_registrations_message(open_day),
    )


def _too_many_registrations(_limit: object) -> Response:
    open_day = public_open_day_or_404(request.view_args["open_day_id"])
    form = registration_form(open_day)
    form.form_errors.append(
        _(
            "Too many registrations from your connection just now. "
            "Please wait a few minutes and send again."
        )
    )
    return _open_day_page(open_day, form, status=429)


def _expired_form() -> Response | None:
    """The form's token no longer matches (the phone's browser was restarted): everything
    again with a fresh token, so sending once more is all it takes."""
    open_day = _public_open_day_or_none()
    if open_day is None:
        return None
    if not open_day.takes_registrations_at(utcnow()):
        return _not_registered_page(open_day)
    form = registration_form(open_day)
    form.form_errors.append(
        _(
            "The page had expired, so your registration was not sent yet. "
            "Check it and press Send again."
        )
    )
    return _open_day_page(open_day, form, status=400)


def _stored_a_new_registration(response: Response) -> bool:
    # A second tap, or Back and send, lands on the first registration and costs nothing.
    return response.status_code == 303 and g.get("new_registration", False)


def _status_page(registration: Registration) -> str:
    return url_for("open_days.registration_page", token=registration.token) + "#status"


@bp.get("/open-days/<int:open_day_id>/register")
def register_again(open_day_id: int) -> Response:
    """Reloading the page shown after a refused send (its address is the form's): back to
    the open day, at its form."""
    return redirect(
        url_for("open_days.open_day_page", open_day_id=open_day_id) + "#register", code=303
    )


@bp.post("/open-days/<int:open_day_id>/register")
@limiter.limit(
    REGISTRATION_RATE_LIMIT,
    on_breach=_too_many_registrations,
    deduct_when=_stored_a_new_registration,
    exempt_when=_not_taking_registrations,
)
@recovers_expired_form(_expired_form)
@answers_busy(_typed_registration, "open_days/busy.html")
def register(open_day_id: int) -> Response:
    open_day = public_open_day_or_404(open_day_id)
    if not open_day.takes_registrations_at(utcnow()):
        return _not_registered_page(open_day)
    form = registration_form(open_day)
    steps = Steps(form, REGISTRATION_STEPS)
    if steps.pressed:  # a step of the form asked one thing at a time: nothing is stored
        return _open_day_page(open_day, form, status=steps.move(), steps=steps)
    if form.validate_on_submit():

        def store() -> Registration:
            started = utcnow()
            try:
                registration = operations.register(
                    open_day,
                    name=form.name.data,
                    phone=form.phone.data,
                    email=form.email.data,
                    id_number=form.id_number.data if open_day.id_required else None,
                    consented=form.consent.data,
                    locale=str(get_locale() or "zh"),
                    submission_key=form.submission_key.data,
                )
            except operations.AlreadyRegistered:
                g.already_registered = True
                raise
            g.new_registration = registration.created_at >= started  # not one sent before
            return registration

        try:
            stored = run_for_form(form, store, done=None, then=_status_page)
        except IntegrityError:
            # The same form arrived twice at once (the other request stored it), or the same
            # phone from two forms: the runner has rolled this one back.
            existing = db.session.scalar(
                select(Registration).where(Registration.submission_key == form.submission_key.data)
            )
            if existing is not None:
                return redirect(_status_page(existing), code=303)
            form.phone.errors = [*form.phone.errors, _already_registered_message()]
            g.already_registered = True
            stored = None
        if stored is not None:
            return stored
        if not open_day.takes_registrations_at(utcnow()):  # closed while it was being sent
            return _not_registered_page(open_day)
    return _open_day_page(
        open_day, form, status=422, already_registered=g.get("already_registered", False)
    )


def _already_registered_message() -> str:
    return _(
        "This phone number is already registered for this open day. We can send "
        "the link to your registration again, to the phone (and email) given then."
    )


@bp.post("/open-days/<int:open_day_id>/send-link")
@limiter.limit(SEND_LINK_RATE_LIMIT)
@answers_busy(SendLinkForm, "open_days/busy_send_link.html")
def send_link(open_day_id: int) -> Response:
    """The link again, only to where the registration was made from; the answer is the same
    whatever was typed, so it tells no one whether a phone is registered."""
    open_day = public_open_day_or_404(open_day_id)
    form = SendLinkForm()
    phone = normalise_phone(form.phone.data) if form.validate_on_submit() else None
    if phone is not None:
        attempt(lambda: operations.send_link_again(open_day, phone))
    flash(
        _(
            "If this phone is registered for this open day, we have sent the link to it "
            "(and to the email given then)."
        ),
        "success",
    )
    return redirect(url_for("open_days.open_day_page", open_day_id=open_day.id), code=303)


from engagement.open_days import resident_views  # noqa: E402, F401  (its routes join bp)
