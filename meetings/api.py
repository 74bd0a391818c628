"""Open data about meetings: the response models (serializer and schema at once) and the
`/api/v1/meetings` endpoints.

Only what the public pages show is here; the same `Meeting.public()` query feeds both.
Times are ISO 8601 in office time with their offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self

from flask import Response
from pydantic import Field

from core.api import (
    PAGE,
    PER_PAGE,
    ApiModel,
    OfficeTime,
    Page,
    Parameter,
    Url,
    absolute,
    endpoint,
    json_response,
    one_of,
    page_size,
)
from core.clock import utcnow
from core.web import query_int
from meetings import models
from meetings.decisions.models import Decision
from meetings.decisions.queries import decisions_by_item
from meetings.models import BodyLevel, ChangeKind
from meetings.queries import (
    PUBLIC_STATUSES,
    meeting_filters,
    public_changes,
    public_live_updates,
    public_meeting_or_404,
    public_meetings_page,
)

PublicStatus = one_of(PUBLIC_STATUSES)


class Body(ApiModel):
    """The organising body of a meeting."""

    slug: str
    name: str
    level: BodyLevel

    @classmethod
    def from_body(cls, body: models.Body) -> Self:
        return cls(slug=body.slug, name=body.name, level=body.level)


class MeetingSummary(ApiModel):
    """An announced meeting, as listed."""

    id: int
    title: str
    session_number: int | None
    body: Body
    status: PublicStatus
    starts_at: OfficeTime
    ends_at: OfficeTime
    original_starts_at: OfficeTime | None
    postpone_reason: str | None
    cancel_reason: str | None
    venue: str | None
    livestream_url: str | None
    revision: int = Field(ge=1)
    announced_at: OfficeTime
    url: Url

    @classmethod
    def fields_of(cls, meeting: models.Meeting, now: datetime) -> dict[str, object]:
        return {
            "id": meeting.id,
            "title": meeting.title,
            "session_number": meeting.session_number,
            "body": Body.from_body(meeting.body),
            "status": meeting.status_at(now),
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "original_starts_at": meeting.original_starts_at,
            "postpone_reason": meeting.postpone_reason,
            "cancel_reason": meeting.cancel_reason,
            "venue": meeting.venue,
            "livestream_url": meeting.livestream_url,
            "revision": meeting.revision,
            "announced_at": meeting.published_at,
            "url": absolute("meetings.meeting_page", meeting_id=meeting.id),
        }

    @classmethod
    def from_meeting(cls, meeting: models.Meeting, now: datetime) -> Self:
        return cls(**cls.fields_of(meeting, now))


class Document(ApiModel):
    """A published document of an agenda item."""

    id: int
    name: str
    content_type: str
    size: int
    url: Url

    @classmethod
    def from_document(cls, document: models.AgendaDocument) -> Self:
        return cls(
            id=document.id,
            name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            url=absolute("meetings.document", document_id=document.id, name=document.original_name),
        )


class AgendaItem(ApiModel):
    """An agenda item. A withheld item shows only its number, basis and whether it is a
    major decision. `decision_id` names its published decision (`/decisions/{id}`), if any."""

    id: int
    number: int = Field(ge=1)
    withheld: bool
    withheld_basis: str | None
    title: str | None
    summary: str | None
    sponsor: str | None
    presenter: str | None
    is_major_decision: bool
    documents: list[Document]
    decision_id: int | None

    @classmethod
    def from_item(
        cls, item: models.AgendaItem, number: int, decisions: dict[int, Decision]
    ) -> Self:
        """`decisions`: the meeting's published decisions by item id (`decisions_by_item`)."""
        withheld = item.is_withheld
        decision = None if withheld else decisions.get(item.id)
        return cls(
            id=item.id,
            number=number,
            withheld=withheld,
            withheld_basis=item.withheld_basis if withheld else None,
            title=None if withheld else item.title,
            summary=None if withheld else item.summary,
            sponsor=None if withheld else item.sponsor,
            presenter=None if withheld else item.presenter,
            is_major_decision=item.is_major_decision,
            documents=[Document.from_document(d) for d in item.public_documents],
            decision_id=decision.id if decision else None,
        )


class Change(ApiModel):
    """A reviewed change to an announced meeting."""

    kind: ChangeKind
    published_at: OfficeTime
    reason: str | None
    agenda_item_id: int | None
    old_title: str | None
    new_title: str | None
    old_starts_at: OfficeTime | None
    new_starts_at: OfficeTime | None

    @classmethod
    def from_change(cls, change: models.MeetingChange) -> Self:
        return cls(
            kind=change.kind,
            published_at=change.published_at,
            reason=change.reason,
            agenda_item_id=change.agenda_item_id,
            old_title=change.old_title,
            new_title=change.new_title,
            old_starts_at=change.old_starts_at,
            new_starts_at=change.new_starts_at,
        )


class LiveUpdate(ApiModel):
    """A line posted while the meeting is under way."""

    id: int
    posted_at: OfficeTime
    edited_at: OfficeTime | None
    text: str
    agenda_item_id: int | None
    image_url: Url | None

    @classmethod
    def from_update(cls, update: models.LiveUpdate) -> Self:
        return cls(
            id=update.id,
            posted_at=update.posted_at,
            edited_at=update.edited_at,
            text=update.text,
            agenda_item_id=update.agenda_item_id,
            image_url=absolute("meetings.live_image", update_id=update.id)
            if update.image_name
            else None,
        )


class Meeting(MeetingSummary):
    """One meeting with its agenda, changes and live updates."""

    notes: str | None
    agenda: list[AgendaItem]
    changes: list[Change]
    live_updates: list[LiveUpdate]

    @classmethod
    def from_meeting(cls, meeting: models.Meeting, now: datetime) -> Self:
        items = meeting.public_agenda
        decisions = decisions_by_item(items)
        return cls(
            **cls.fields_of(meeting, now),
            notes=meeting.notes,
            agenda=[AgendaItem.from_item(i, n, decisions) for n, i in enumerate(items, 1)],
            changes=[Change.from_change(change) for change in public_changes(meeting)],
            live_updates=[LiveUpdate.from_update(u) for u in public_live_updates(meeting)],
        )


class MeetingPage(Page[MeetingSummary]):
    """A page of announced meetings."""


@endpoint(
    "/meetings",
    operation_id="listMeetings",
    summary="Announced meetings: live and upcoming soonest first, then past ones",
    response=MeetingPage,
    parameters=(
        PAGE,
        PER_PAGE,
        Parameter("body", str, "An organising body's slug"),
        Parameter("level", BodyLevel),
        Parameter("year", int, "Meetings starting in this year (office time)"),
        Parameter("status", PublicStatus),
    ),
)
def meetings() -> Response:
    now = utcnow()
    result = public_meetings_page(
        meeting_filters(), now, page=query_int("page", 1), per_page=page_size()
    )
    items = [MeetingSummary.from_meeting(meeting, now) for meeting in result.items]
    return json_response(MeetingPage.of(result, items))


@endpoint(
    "/meetings/<int:id>",
    operation_id="getMeeting",
    summary="One meeting with its agenda, changes and live updates",
    response=Meeting,
    not_found="No public meeting with this id",
)
def meeting(id: int) -> Response:  # noqa: A002  (the document's name for it)
    return json_response(Meeting.from_meeting(public_meeting_or_404(id), utcnow()))
