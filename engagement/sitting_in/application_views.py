"""A meeting's public call for residents to sit in, on the sitting-in blueprint: the
sections it adds to the meeting's page (the call; who sat in, after the meeting), the
application form and its confirmation, and the public draw.

Applying keeps what was typed whatever happens: a refusal answers 422 with the messages by
their fields, the call closed 409 with the typing shown back, and the same form sent twice
is one application."""

from __future__ import annotations

import re

from flask import Response, abort, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.clock import utcnow
from core.errors import recovers_expired_form
from core.runner import run_for_form
from core.steps import Steps
from core.web import elder_mode, render_page
from engagement.sitting_in.forms.applications import APPLICATION_STEPS, ApplicationForm
from engagement.sitting_in.models import APPLICATION_PREFIX, Application
from engagement.sitting_in.operations.applications import (
    AlreadyApplied,
    apply_to_sit_in,
    not_taking_applications_message,
)
from engagement.sitting_in.queries.applications import (
    applications_close_at,
    draw_ranking,
    sit_in_draw,
    takes_applications_at,
    who_sat_in,
)
from engagement.sitting_in.views import bp
from extensions import db, limiter
from meetings.models import Meeting, MeetingStatus
from meetings.queries import MeetingSection, public_meeting_or_404

# Per connection, as for open days: a community centre puts a roomful behind one address.
# Only applications actually stored count.
APPLICATION_RATE_LIMIT = "60 per 10 minutes;300 per day"
REFERENCE = re.compile(rf"{APPLICATION_PREFIX}-[0-9]{{4}}-([0-9]{{6,12}})")
AFTER_THE_MEETING = (MeetingStatus.HELD, MeetingStatus.CONCLUDED)


def meeting_sections(meeting: Meeting, preview: bool) -> list[MeetingSection]:
    """The meeting page's sections (`meetings.queries.meeting_section_providers`): the call
    while the meeting is ahead, who sat in once it is over. Kept for every reader, so
    nothing here is a visitor's own: the call links to the form."""
    now = utcnow()
    status = meeting.public_status_at(now)
    if status in AFTER_THE_MEETING:
        people = who_sat_in(meeting)
        if not people:
            return []
        return [MeetingSection("sitting_in/_sat_in.html", {"people": people})]
    if not meeting.sit_in_open or status in (MeetingStatus.CANCELLED, MeetingStatus.LIVE):
        return []
    closes_at = applications_close_at(meeting)
    seeded = None if preview else sit_in_draw(meeting)
    context = {
        "meeting": meeting,
        "places": meeting.sit_in_places,
        "closes_at": closes_at,
        "open": now < closes_at,
        "draw": seeded,
        "preview": preview,
    }
    return [MeetingSection("sitting_in/_call.html", context)]


def call_or_404(meeting_id: int) -> Meeting:
    """A public meeting that calls for residents to sit in (closed or not)."""
    meeting = public_meeting_or_404(meeting_id)
    if not meeting.sit_in_open:
        abort(404)
    return meeting


def _apply_page(
    meeting: Meeting,
    form: ApplicationForm,
    status: int = 200,
    *,
    not_applied: str | None = None,
    steps: Steps | None = None,
) -> Response:
    """The form, or why nothing can be sent (`not_applied`, with what was typed). In
    elder-friendly mode the form is asked one step at a time (`steps`)."""
    now = utcnow()
    if steps is None and elder_mode():
        steps = Steps(form, APPLICATION_STEPS)
    return render_page(
        "sitting_in/apply.html",
        meeting=meeting,
        form=form,
        closes_at=applications_close_at(meeting),
        open=takes_applications_at(meeting, now),
        not_applied=not_applied,
        steps=steps,
        status=status,
    )


def _not_applied_page(meeting: Meeting) -> Response:
    return _apply_page(
        meeting,
        ApplicationForm(),
        status=409,
        not_applied=not_taking_applications_message(meeting),
    )


@bp.get("/meetings/<int:meeting_id>/sit-in/apply")
def apply_form(meeting_id: int) -> Response:
    return _apply_page(call_or_404(meeting_id), ApplicationForm(formdata=None))


def _call_closed() -> bool:
    """A closed call is answered as such, before any limit on sending."""
    meeting_id = (request.view_args or {}).get("meeting_id")
    meeting = db.session.scalar(Meeting.public().where(Meeting.id == meeting_id))
    return meeting is None or not takes_applications_at(meeting, utcnow())


def _too_many_applications(_limit: object) -> Response:
    meeting = call_or_404(request.view_args["meeting_id"])
    form = ApplicationForm()
    form.form_errors.append(
        _(
            "Too many applications from your connection just now. "
            "Please wait a few minutes and send again."
        )
    )
    return _apply_page(meeting, form, status=429)


def _expired_form() -> Response | None:
    """The form's token no longer matches: everything again with a fresh token."""
    meeting_id = (request.view_args or {}).get("meeting_id")
    meeting = db.session.scalar(Meeting.public().where(Meeting.id == meeting_id))
    if meeting is None or not meeting.sit_in_open:
        return None
    if not takes_applications_at(meeting, utcnow()):
        return _not_applied_page(meeting)
    form = ApplicationForm()
    form.form_errors.append(
        _(
            "The page had expired, so your application was not sent yet. "
            "Check it and press Send again."
        )
    )
    return _apply_page(meeting, form, status=400)


def _stored_a_new_application(response: Response) -> bool:
    # A second tap, or Back and send, lands on the first application and costs nothing.
    return response.status_code == 303 and g.get("new_application", False)


def _received_page(application: Application) -> str:
    return url_for(
        "sitting_in.application_received",
        meeting_id=application.meeting_id,
        reference=application.reference,
    )


@bp.post("/meetings/<int:meeting_id>/sit-in/apply")
@limiter.limit(
    APPLICATION_RATE_LIMIT,
    on_breach=_too_many_applications,
    deduct_when=_stored_a_new_application,
    exempt_when=_call_closed,
)
@recovers_expired_form(_expired_form)
def apply(meeting_id: int) -> Response:
    meeting = call_or_404(meeting_id)
    if not takes_applications_at(meeting, utcnow()):
        return _not_applied_page(meeting)
    form = ApplicationForm()
    steps = Steps(form, APPLICATION_STEPS)
    if steps.pressed:  # a step of the form asked one thing at a time: nothing is stored
        return _apply_page(meeting, form, status=steps.move(), steps=steps)
    if form.validate_on_submit():

        def store() -> Application:
            started = utcnow()
            application = apply_to_sit_in(
                meeting,
                name=form.name.data,
                phone=form.phone.data,
                email=form.email.data,
                community=form.community.data,
                reason=form.reason.data,
                name_public=form.name_public.data,
                consented=form.consent.data,
                locale=str(get_locale() or "zh"),
                submission_key=form.submission_key.data,
            )
            g.new_application = application.created_at >= started  # not one sent before
            return application

        try:
            stored = run_for_form(form, store, done=None, then=_received_page)
        except IntegrityError:
            # The same form arrived twice at once (the other request stored it), or the same
            # phone from two forms: the runner has rolled this one back.
            existing = db.session.scalar(
                select(Application).where(Application.submission_key == form.submission_key.data)
            )
            if existing is not None:
                return redirect(_received_page(existing), code=303)
            form.phone.errors = [*form.phone.errors, str(AlreadyApplied())]
            stored = None
        if stored is not None:
            return stored
        if not takes_applications_at(meeting, utcnow()):  # closed while it was being sent
            return _not_applied_page(meeting)
    return _apply_page(meeting, form, status=422)


@bp.get("/meetings/<int:meeting_id>/sit-in/applications/<reference>")
def application_received(meeting_id: int, reference: str) -> Response:
    """What happens next, under the application's reference; nothing personal is shown,
    so the address tells no one more than the draw's published list does."""
    meeting = call_or_404(meeting_id)
    found = REFERENCE.fullmatch(reference)
    application = db.session.get(Application, int(found.group(1))) if found else None
    if (
        application is None
        or application.meeting_id != meeting.id
        or application.reference != reference
    ):
        abort(404)
    return render_page(
        "sitting_in/apply_received.html",
        meeting=meeting,
        reference=application.reference,
        closes_at=applications_close_at(meeting),
    )


@bp.get("/meetings/<int:meeting_id>/sit-in/draw")
def draw_page(meeting_id: int) -> Response:
    """How the draw works, its seed and entries (references only), the command to run it
    again, then its result. Never a name or a phone. Not there before the seed is fixed."""
    meeting = public_meeting_or_404(meeting_id)
    seeded = sit_in_draw(meeting)
    if seeded is None:
        abort(404)
    ranking = draw_ranking(meeting) if seeded.drawn_at else []
    return render_page(
        "sitting_in/draw.html",
        meeting=meeting,
        draw=seeded,
        entries=seeded.entry_list,
        ranking=ranking,
    )
