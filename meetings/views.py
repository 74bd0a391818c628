"""Public meeting pages: the list with filters, one meeting, its live updates and files.

Every query here starts from `Meeting.public()`; documents and images are served only
when everything above them is public.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, abort, request, send_file
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from extensions import db
from meetings.clock import office_zone, to_office_time, utcnow
from meetings.files import is_inline, stored_path
from meetings.models import (
    AgendaDocument,
    AgendaItem,
    Body,
    BodyLevel,
    LiveUpdate,
    Meeting,
    MeetingChange,
    MeetingStatus,
    Visibility,
    meeting_status_condition,
)
from meetings.review import ReviewState
from meetings.web import query_int, render_page

bp = Blueprint("meetings", __name__)

PUBLIC_STATUSES = [status for status in MeetingStatus if status != MeetingStatus.DRAFT]


@dataclass(frozen=True)
class AgendaNote:
    """A line shown under an agenda item by another part of the product."""

    text: str
    url: str | None = None
    warning: bool = False


# Packages that build on meetings (engagement: consultations and their feedback reports)
# register here what they have to say about agenda items; meetings never imports them.
AgendaNoteProvider = Callable[[list[AgendaItem], bool], dict[int, list[AgendaNote]]]
agenda_note_providers: list[AgendaNoteProvider] = []


def agenda_notes(items: list[AgendaItem], *, public: bool) -> dict[int, list[AgendaNote]]:
    notes: dict[int, list[AgendaNote]] = defaultdict(list)
    for provider in agenda_note_providers:
        for item_id, entries in provider(items, public).items():
            notes[item_id].extend(entries)
    return notes


def public_meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting residents may see: approved by review, otherwise it does not exist."""
    meeting = db.session.scalar(
        Meeting.public()
        .where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.agenda).selectinload(AgendaItem.documents))
    )
    if meeting is None:
        abort(404)
    return meeting


def meeting_filters() -> dict[str, str]:
    return {
        key: request.args.get(key, "").replace("\x00", "").strip()
        for key in ("body", "level", "year", "status")
    }


def filtered_public_meetings(filters: dict[str, str], now: datetime):
    """The public meeting query narrowed by the list's filters (unknown values are ignored)."""
    query = Meeting.public()
    if filters["body"]:
        query = query.join(Meeting.body).where(Body.slug == filters["body"])
    if filters["level"] in {level.value for level in BodyLevel}:
        query = query.where(Meeting.body.has(Body.level == BodyLevel(filters["level"])))
    if re.fullmatch(r"(19|20|21)[0-9]{2}", filters["year"]):
        local_start = datetime(int(filters["year"]), 1, 1, tzinfo=office_zone())
        local_end = datetime(int(filters["year"]) + 1, 1, 1, tzinfo=office_zone())
        query = query.where(Meeting.starts_at >= local_start, Meeting.starts_at < local_end)
    if filters["status"] in {status.value for status in PUBLIC_STATUSES}:
        query = query.where(meeting_status_condition(MeetingStatus(filters["status"]), now))
    return query


def upcoming_first(now: datetime) -> tuple:
    """Live and upcoming meetings first, soonest first; then past ones, latest first."""
    upcoming_start = case((Meeting.ends_at >= now, Meeting.starts_at), else_=None)
    return (upcoming_start.asc().nulls_last(), Meeting.starts_at.desc(), Meeting.id.desc())


def filter_choices() -> dict[str, list]:
    # Years in office time (a meeting at 05:00 on 1 January belongs to the new year).
    starts = db.session.scalars(
        select(Meeting.starts_at).where(Meeting.review_state == ReviewState.APPROVED)
    )
    years = sorted({to_office_time(start).year for start in starts}, reverse=True)
    return {
        "bodies": db.session.scalars(select(Body).order_by(Body.level, Body.name)).all(),
        "levels": list(BodyLevel),
        "years": years,
        "statuses": PUBLIC_STATUSES,
    }


@bp.get("/meetings/")
def meeting_list() -> Response:
    filters = meeting_filters()
    now = utcnow()
    meetings = db.paginate(
        filtered_public_meetings(filters, now).order_by(*upcoming_first(now)),
        page=query_int("page", 1),
        per_page=20,
        error_out=False,
    )
    return render_page(
        "meetings/list.html",
        "meetings/_results.html",
        meetings=meetings,
        filters=filters,
        now=now,
        choices=filter_choices(),
    )


def public_changes(meeting: Meeting) -> list[MeetingChange]:
    return db.session.scalars(
        MeetingChange.public()
        .where(MeetingChange.meeting_id == meeting.id)
        .order_by(MeetingChange.published_at)
    ).all()


def public_live_updates(meeting: Meeting) -> list[LiveUpdate]:
    return db.session.scalars(
        select(LiveUpdate)
        .where(LiveUpdate.meeting_id == meeting.id, LiveUpdate.withdrawn_at.is_(None))
        .order_by(LiveUpdate.posted_at.desc(), LiveUpdate.id.desc())
    ).all()


def live_version(meeting: Meeting) -> str:
    """Changes whenever the public live feed would look different."""
    row = db.session.execute(
        select(
            func.count(LiveUpdate.id),
            func.max(LiveUpdate.posted_at),
            func.max(LiveUpdate.edited_at),
            func.max(LiveUpdate.withdrawn_at),
        ).where(LiveUpdate.meeting_id == meeting.id)
    ).one()
    seed = f"{meeting.id}|{meeting.revision}|{meeting.status.value}|{row}"
    return hashlib.sha256(seed.encode()).hexdigest()[:20]


@bp.get("/meetings/<int:meeting_id>")
def meeting_page(meeting_id: int) -> Response:
    meeting = public_meeting_or_404(meeting_id)
    return render_page(
        "meetings/meeting.html",
        meeting=meeting,
        changes=public_changes(meeting),
        updates=public_live_updates(meeting),
        live_version=live_version(meeting),
        notes=agenda_notes(meeting.public_agenda, public=True),
    )


@bp.get("/meetings/<int:meeting_id>/live")
def live_updates(meeting_id: int) -> Response:
    """The live-updates fragment, polled by htmx; 304 when nothing has changed."""
    meeting = public_meeting_or_404(meeting_id)
    version = live_version(meeting)
    if request.args.get("v") == version or version in request.if_none_match:
        response = Response(status=304)
    else:
        response = render_page(
            "meetings/live_page.html",
            "meetings/_live_updates.html",
            meeting=meeting,
            updates=public_live_updates(meeting),
            live_version=version,
        )
    response.set_etag(version)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("HX-Request")
    return response


def send_stored(stored_name: str, content_type: str, download_name: str) -> Response:
    path = stored_path(stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=not is_inline(content_type),
        download_name=download_name,
        conditional=True,
        max_age=300,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/documents/<int:document_id>/<path:name>")
def document(document_id: int, name: str) -> Response:
    document = db.session.scalar(
        select(AgendaDocument)
        .join(AgendaDocument.agenda_item)
        .join(AgendaItem.meeting)
        .where(
            AgendaDocument.id == document_id,
            AgendaDocument.published_at.is_not(None),
            AgendaItem.published_at.is_not(None),
            AgendaItem.removed_at.is_(None),
            AgendaItem.visibility == Visibility.PUBLIC,
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
