"""Read queries of meetings, shared by the public pages, the staff pages and open data:
one query and one sort order for each list. Every public query starts from
`Meeting.public()`."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import abort, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, and_, exists, func, literal, select, union_all
from sqlalchemy.orm import selectinload, subqueryload

from core.clock import office_zone, to_office_time
from core.extension_points import ExtensionPoint
from core.review import ReviewState
from extensions import db
from meetings.decisions.models import Decision, MeetingSummary
from meetings.decisions.queries import decisions_by_item, published_images, summary_versions
from meetings.models import (
    AgendaDocument,
    AgendaItem,
    Body,
    BodyLevel,
    LiveUpdate,
    Meeting,
    MeetingChange,
    MeetingStatus,
)

PUBLIC_STATUSES = [status for status in MeetingStatus if status != MeetingStatus.DRAFT]


@dataclass(frozen=True)
class AgendaNote:
    """A line shown under an agenda item by another part of the product."""

    text: str
    url: str | None = None
    warning: bool = False


# Packages that build on meetings (engagement: consultations and their feedback reports)
# say here what they have to say about agenda items; meetings never imports them.
AgendaNoteProvider = Callable[[list[AgendaItem], bool], dict[int, list[AgendaNote]]]
agenda_note_providers: ExtensionPoint[AgendaNoteProvider] = ExtensionPoint("agenda_notes")


@dataclass(frozen=True)
class MeetingSection:
    """A section another part of the product adds to a meeting's public page (sitting in:
    the call for applications, who sat in): its template, which reads `section.context`,
    and the headings' level is the page's `h + 1`."""

    template: str
    context: dict[str, Any]


# (meeting, preview) -> the sections to show; meetings never imports their providers.
MeetingSectionProvider = Callable[[Meeting, bool], list[MeetingSection]]
meeting_section_providers: ExtensionPoint[MeetingSectionProvider] = ExtensionPoint(
    "meeting_sections"
)


def meeting_sections(meeting: Meeting, *, preview: bool) -> list[MeetingSection]:
    return [
        section
        for provider in meeting_section_providers.contributions()
        for section in provider(meeting, preview)
    ]


# (meeting) -> (label, address) links on the meeting's staff page to other features' pages.
meeting_staff_links: ExtensionPoint[Callable[[Meeting], list[tuple[str, str]]]] = ExtensionPoint(
    "meeting_staff_links"
)


def staff_links(meeting: Meeting) -> list[tuple[str, str]]:
    return [link for provider in meeting_staff_links.contributions() for link in provider(meeting)]


def agenda_notes(items: list[AgendaItem], *, public: bool) -> dict[int, list[AgendaNote]]:
    notes: dict[int, list[AgendaNote]] = defaultdict(list)
    for provider in agenda_note_providers.contributions():
        for item_id, entries in provider(items, public).items():
            notes[item_id].extend(entries)
    return notes


def item_notes(decision: Decision) -> list[AgendaNote]:
    """The public lines under a decision's agenda item (its consultation, feedback report)."""
    return agenda_notes([decision.agenda_item], public=True).get(decision.agenda_item_id, [])


def meeting_status_condition(status: MeetingStatus, now: datetime) -> Any:
    """The SQL condition for a public status, matching `Meeting.status_at`."""
    active = and_(Meeting.cancelled_at.is_(None), Meeting.concluded_at.is_(None))
    return {
        MeetingStatus.CANCELLED: Meeting.cancelled_at.is_not(None),
        MeetingStatus.CONCLUDED: and_(
            Meeting.cancelled_at.is_(None), Meeting.concluded_at.is_not(None)
        ),
        MeetingStatus.HELD: and_(active, Meeting.ends_at <= now),
        MeetingStatus.LIVE: and_(active, Meeting.starts_at <= now, Meeting.ends_at > now),
        MeetingStatus.POSTPONED: and_(
            active, Meeting.starts_at > now, Meeting.original_starts_at.is_not(None)
        ),
        MeetingStatus.ANNOUNCED: and_(
            active, Meeting.starts_at > now, Meeting.original_starts_at.is_(None)
        ),
        MeetingStatus.DRAFT: Meeting.review_state != ReviewState.APPROVED,
    }[status]


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


def public_meetings(filters: dict[str, str], now: datetime) -> Select:
    """Public meetings narrowed by the list's filters (unknown values are ignored), in no
    order yet: `public_meetings_page` gives them in the list's order, for the page and the
    API alike."""
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


class UpcomingThenPast(SelectPagination):
    """A page of the meeting list: live and upcoming meetings first, soonest first; then
    past ones, latest first. Two queries, each walking an index in its order, instead of
    sorting the whole archive by an expression for every page."""

    def _upcoming(self) -> Select:
        return self._query_args["select"].where(Meeting.ends_at >= self._query_args["now"])

    def _query_items(self) -> list[Meeting]:
        session, now = self._query_args["session"], self._query_args["now"]
        upcoming_count = session.scalar(
            select(func.count()).select_from(self._upcoming().order_by(None).subquery())
        )
        # Both asked on every page (the one with nothing to give for no rows), so a page costs
        # the same queries whatever the archive holds.
        offset = self._query_offset
        soonest = (
            self._upcoming()
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(max(min(self.per_page, upcoming_count - offset), 0))
            .offset(min(offset, upcoming_count))
        )
        items = list(session.scalars(soonest))
        latest = (
            self._query_args["select"]
            # (starting before now too, so the index on the start serves it in its order)
            .where(Meeting.starts_at < now, Meeting.ends_at < now)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(self.per_page - len(items))
            .offset(max(offset - upcoming_count, 0))
        )
        items += session.scalars(latest)
        return items


def public_meetings_page(
    filters: dict[str, str], now: datetime, *, page: int, per_page: int
) -> UpcomingThenPast:
    return UpcomingThenPast(
        select=public_meetings(filters, now),
        session=db.session(),
        now=now,
        page=page,
        per_page=per_page,
        error_out=False,
    )


def upcoming_meetings(now: datetime, limit: int) -> list[Meeting]:
    """Public meetings that have not ended, soonest first (the home page)."""
    return db.session.scalars(
        Meeting.public().where(Meeting.ends_at >= now).order_by(Meeting.starts_at).limit(limit)
    ).all()


def years_with_meetings() -> list[int]:
    """Office-time years in which a public meeting starts, latest first (a meeting at 05:00
    on 1 January belongs to the new year): two index lookups per year, never a read of
    every meeting, so ten years of archive cost what one does."""
    public = Meeting.review_state == ReviewState.APPROVED
    # min and max asked apart: each is one step down the index, together they are a scan
    first = db.session.scalar(select(func.min(Meeting.starts_at)).where(public))
    last = db.session.scalar(select(func.max(Meeting.starts_at)).where(public))
    if first is None:
        return []
    candidates = range(to_office_time(last).year, to_office_time(first).year - 1, -1)
    zone = office_zone()
    held = [
        select(literal(year).label("year")).where(
            exists().where(
                public,
                Meeting.starts_at >= datetime(year, 1, 1, tzinfo=zone),
                Meeting.starts_at < datetime(year + 1, 1, 1, tzinfo=zone),
            )
        )
        for year in candidates
    ]
    return (
        list(db.session.scalars(union_all(*held)))
        if len(held) > 1
        else [year for year in db.session.scalars(held[0])]
    )


def newest_public_meeting_versions(limit: int, body: Body | None = None) -> list[Any]:
    """The newest public meetings by start (of one body), as the few columns that name
    each one's version and time: a choice of the data alone, never of today (the calendar
    feeds). One query on the start index."""
    query = Meeting.public().with_only_columns(
        Meeting.id,
        Meeting.revision,
        func.coalesce(Meeting.revised_at, Meeting.published_at, Meeting.created_at).label(
            "modified"
        ),
        Meeting.starts_at,
        Meeting.ends_at,
    )
    if body is not None:
        query = query.where(Meeting.body_id == body.id)
    newest = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit)
    return list(db.session.execute(newest))


def public_meetings_with_agendas(ids: list[int]) -> list[Meeting]:
    """These public meetings with their agendas: two queries however many (a selectin load
    would split the agendas into batches of 500)."""
    return list(
        db.session.scalars(
            Meeting.public().where(Meeting.id.in_(ids)).options(subqueryload(Meeting.agenda))
        )
    )


def public_meeting_exists(meeting_id: int) -> bool:
    found = Meeting.public().with_only_columns(Meeting.id).where(Meeting.id == meeting_id)
    return db.session.scalar(found) is not None


def bodies_in_order() -> list[Body]:
    """Every organising body, by level, then name: the list's filter and the calendars."""
    return list(db.session.scalars(select(Body).order_by(Body.level, Body.name)))


def body_or_404(slug: str) -> Body:
    body = db.session.scalar(select(Body).where(Body.slug == slug))
    if body is None:
        abort(404)
    return body


def filter_choices() -> dict[str, list]:
    years = sorted(years_with_meetings(), reverse=True)
    return {
        "bodies": bodies_in_order(),
        "levels": list(BodyLevel),
        "years": years,
        "statuses": PUBLIC_STATUSES,
    }


def public_changes(meeting: Meeting) -> list[MeetingChange]:
    return db.session.scalars(
        MeetingChange.public()
        .where(MeetingChange.meeting_id == meeting.id)
        .order_by(MeetingChange.published_at)
    ).all()


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda item as the public page shows it, with the documents listed under it."""

    item: AgendaItem
    documents: list[AgendaDocument]


@dataclass(frozen=True)
class MeetingPage:
    """What a meeting's public page shows (`templates/meetings/_meeting_public.html`), for
    the page itself and for the preview on the meeting's staff page, from one function
    (`meeting_public_page`) so the two cannot drift."""

    meeting: Meeting
    status: MeetingStatus
    announced_at: datetime
    agenda: list[AgendaEntry]
    notes: dict[int, list[AgendaNote]]
    changes: list[MeetingChange]
    sections: list[MeetingSection]
    preview: bool  # documents then link to the staff route, which opens them before approval
    decisions: dict[int, Decision] = field(default_factory=dict)  # published, by item id
    # their interpretations' images: decision id -> address -> alt text
    images: dict[int, dict[str, str]] = field(default_factory=dict)
    summaries: list[MeetingSummary] = field(default_factory=list)  # in force first


def meeting_public_page(meeting: Meeting, now: datetime) -> MeetingPage:
    """What the meeting's public page shows at `now`. Before the meeting is announced: what
    it will show if a reviewer approves it at `now` (the preview), i.e. the current agenda
    with every document, which is what `Meeting.on_published` publishes."""
    preview = not meeting.is_announced
    items = meeting.current_agenda if preview else meeting.public_agenda
    # Decisions are made at the meeting: none to look for before it starts.
    decided = not preview and now >= meeting.starts_at
    decisions = decisions_by_item(items) if decided else {}
    return MeetingPage(
        meeting=meeting,
        status=meeting.public_status_at(now),
        announced_at=meeting.published_at or now,
        agenda=[AgendaEntry(item, item.documents_shown(on_publication=preview)) for item in items],
        notes=agenda_notes(items, public=True),
        changes=public_changes(meeting) if meeting.is_announced else [],
        sections=meeting_sections(meeting, preview=preview),
        preview=preview,
        decisions=decisions,
        images=published_images(list(decisions.values())),
        summaries=summary_versions(meeting) if decided else [],
    )


def public_live_updates(meeting: Meeting) -> list[LiveUpdate]:
    return db.session.scalars(
        select(LiveUpdate)
        .where(LiveUpdate.meeting_id == meeting.id, LiveUpdate.withdrawn_at.is_(None))
        .order_by(LiveUpdate.posted_at.desc(), LiveUpdate.id.desc())
    ).all()


def next_public_moment(now: datetime) -> datetime | None:
    """The next moment after `now` when a public meeting starts or ends: its status (and
    every page showing it) changes then, by the clock alone."""
    announced = and_(Meeting.review_state == ReviewState.APPROVED, Meeting.cancelled_at.is_(None))
    moments = [
        db.session.scalar(select(func.min(column)).where(announced, column > now))
        for column in (Meeting.starts_at, Meeting.ends_at)
    ]
    return min((moment for moment in moments if moment is not None), default=None)
