"""Public meeting pages: the list with filters, one meeting, its live updates and files.

Every query here starts from `Meeting.public()`; documents and images are served only
when everything above them is public.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from sqlalchemy import select

from core.clock import utcnow
from core.files import send_stored
from core.ical import build_calendar, calendar_answer
from core.page_cache import epoch_tag
from core.review import ReviewState
from core.web import query_int, render_page
from extensions import db
from meetings.calendar import meeting_event
from meetings.models import AgendaDocument, AgendaItem, LiveUpdate, Meeting
from meetings.queries import (
    filter_choices,
    meeting_filters,
    meeting_public_page,
    public_live_updates,
    public_meeting_exists,
    public_meeting_or_404,
    public_meetings_page,
)

bp = Blueprint("meetings", __name__)


@bp.get("/meetings/")
def meeting_list() -> Response:
    filters = meeting_filters()
    now = utcnow()
    meetings = public_meetings_page(filters, now, page=query_int("page", 1), per_page=20)
    return render_page(
        "meetings/list.html",
        "meetings/_results.html",
        meetings=meetings,
        filters=filters,
        now=now,
        choices=filter_choices(),
    )


@bp.get("/meetings/<int:meeting_id>")
def meeting_page(meeting_id: int) -> Response:
    meeting = public_meeting_or_404(meeting_id)
    return render_page(
        "meetings/meeting.html",
        meeting=meeting,
        page=meeting_public_page(meeting, utcnow()),
        updates=public_live_updates(meeting),
        live_version=live_tag(meeting.id),
    )


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int) -> Response:
    """The meeting as one event to add to a calendar: the same event (UID, SEQUENCE) as in
    every feed."""

    if not public_meeting_exists(meeting_id):  # before any 304: gone is gone
        abort(404)

    def build() -> bytes:
        meeting = public_meeting_or_404(meeting_id)
        return build_calendar(meeting.title, [meeting_event(meeting)])

    return calendar_answer(f"meeting-{meeting_id}.ics", build, download=True)


@bp.get("/meetings/<int:meeting_id>/live")
def live_updates(meeting_id: int) -> Response:
    """The live-updates fragment, polled by htmx with the tag of what it shows (`v`): while
    nothing public has changed the page cache answers 304 before this view (often before
    Flask); the feed is loaded only when something has."""
    version = live_tag(meeting_id)
    if request.args.get("v") == version:
        return Response(status=304)
    meeting = public_meeting_or_404(meeting_id)
    response = render_page(
        "meetings/live_page.html",
        "meetings/_live_updates.html",
        meeting=meeting,
        updates=public_live_updates(meeting),
        live_version=version,
    )
    response.vary.add("HX-Request")
    return response


def live_tag(meeting_id: int) -> str:
    """Changes whenever anything public changes (a live update is posted, corrected or
    withdrawn; the meeting changes) or the clock passes a boundary (it goes live, it ends)."""
    return epoch_tag("live", meeting_id)


@bp.get("/documents/<int:document_id>/<path:name>")
def document(document_id: int, name: str) -> Response:
    document = db.session.scalar(
        select(AgendaDocument)
        .join(AgendaDocument.agenda_item)
        .join(AgendaItem.meeting)
        .where(
            AgendaDocument.id == document_id,
            AgendaDocument.published_at.is_not(None),
            AgendaItem.shown_in_full(),
            Meeting.review_state == ReviewState.APPROVED,
        )
    )
    if document is None:
        abort(404)
    return send_stored(document.stored_name, document.content_type, document.original_name)


@bp.get("/live-images/<int:update_id>")
def live_image(update_id: int) -> Response:
    update = db.session.scalar(
        select(LiveUpdate)
        .join(LiveUpdate.meeting)
        .where(
            LiveUpdate.id == update_id,
            LiveUpdate.withdrawn_at.is_(None),
            LiveUpdate.image_name.is_not(None),
            Meeting.review_state == ReviewState.APPROVED,
        )
    )
    if update is None:
        abort(404)
    return send_stored(update.image_name, update.image_type, f"live-{update.id}")
