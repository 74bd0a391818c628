"""Public changes to an announced meeting (postpone, cancel, conclude, agenda and document
changes), each reviewed before it is applied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload

from core.clock import UTCDateTime, utcnow
from core.extension_points import ExtensionPoint
from core.labels import LabelledEnum
from core.review import ContentPart, Reviewable
from core.rules import Problem
from extensions import db, string_enum
from meetings.models.meetings import AgendaDocument, AgendaItem, Meeting, MeetingStatus

if TYPE_CHECKING:
    from core.accounts.models import User


class ChangeKind(LabelledEnum):
    POSTPONE = "postpone", _l("Postponed")
    CANCEL = "cancel", _l("Cancelled")
    CONCLUDE = "conclude", _l("Concluded")
    ADD_ITEM = "add_item", _l("Agenda item added")
    REMOVE_ITEM = "remove_item", _l("Agenda item removed")
    RETITLE_ITEM = "retitle_item", _l("Agenda item retitled")
    REORDER = "reorder", _l("Agenda reordered")
    ADD_DOCUMENT = "add_document", _l("Document added")


# Packages built on meetings add their own reasons to refuse a change (e.g. engagement: a
# postponement to before a consultation on the meeting closes); meetings never imports them.
meeting_change_checks: ExtensionPoint[Callable[[MeetingChange], list[str]]] = ExtensionPoint(
    "meeting_change_checks"
)


# Packages built on meetings act on an approved change (sitting in: invitees' calendars
# get the new time, or a CANCEL), in the approving transaction.
meeting_change_listeners: ExtensionPoint[Callable[[MeetingChange], None]] = ExtensionPoint(
    "meeting_change_listeners"
)


class MeetingAfterChange:
    """A meeting as the public will read it once a change is approved: its own facts with
    the change's in their place. Read-only, so nothing is written before approval."""

    def __init__(self, meeting: Meeting, facts: dict[str, Any]) -> None:
        self._meeting, self._facts = meeting, facts

    def __getattr__(self, name: str) -> Any:
        if name in self._facts:
            return self._facts[name]
        return getattr(self._meeting, name)

    def public_status_at(self, now: datetime) -> MeetingStatus:
        # The meeting's own rule, read from these facts.
        return Meeting.public_status_at(self, now)  # type: ignore[arg-type]


class MeetingChange(Reviewable, db.Model):
    """A public change to an announced meeting, applied when a reviewer approves it."""

    __tablename__ = "meeting_changes"
    review_kind = "meeting_change"
    review_kind_label = _l("Change to an announced meeting")
    queue_preview = "meetings/_change_details.html"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(string_enum(ChangeKind))
    reason: Mapped[str | None] = mapped_column(Text)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_documents.id"))
    old_title: Mapped[str | None] = mapped_column(String(300))
    new_title: Mapped[str | None] = mapped_column(String(300))
    old_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_order: Mapped[list[int] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    document: Mapped[AgendaDocument | None] = relationship()

    @property
    def review_title(self) -> str:
        return f"{self.meeting.title} · {self.kind.label}"

    @property
    def audit_title(self) -> str:
        return self.meeting.title  # the log shows the kind of change with the record

    def staff_url(self) -> str:
        return url_for("meeting_staff.meeting", meeting_id=self.meeting_id) + f"#change-{self.id}"

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        return [
            selectinload(cls.author),
            selectinload(cls.meeting).selectinload(Meeting.agenda),
            selectinload(cls.agenda_item).selectinload(AgendaItem.documents),
            selectinload(cls.document),
        ]

    @classmethod
    def review_title_options(cls) -> list[Any]:
        return [joinedload(cls.meeting, innerjoin=True)]

    def content_parts(self) -> list[ContentPart]:
        """The change; an item it adds, with that item's documents; a document it adds."""
        parts: list[ContentPart] = [(MeetingChange, [self.id])]
        if self.kind == ChangeKind.ADD_ITEM and self.agenda_item_id is not None:
            parts.append((AgendaItem, [self.agenda_item_id]))
            parts.append(
                (
                    AgendaDocument,
                    select(AgendaDocument.id).where(
                        AgendaDocument.agenda_item_id == self.agenda_item_id
                    ),
                )
            )
        if self.document_id is not None:
            parts.append((AgendaDocument, [self.document_id]))
        return parts

    def problems(self) -> list[Problem]:
        """Why this change could not be approved now, with the form field each concerns:
        checked when it is proposed and again when it is approved."""
        meeting, now = self.meeting, utcnow()
        if not meeting.is_announced:
            return [(_("The meeting has not been announced; change its draft instead."), None)]
        if not meeting.agenda_is_open:
            return [(_("The meeting is concluded or cancelled; it can no longer change."), None)]
        found: list[Problem] = []
        item = self.agenda_item
        if self.kind == ChangeKind.CONCLUDE and now < meeting.starts_at:
            found.append((_("A meeting can be concluded only after it has started."), None))
        if self.kind == ChangeKind.REMOVE_ITEM and len(meeting.public_agenda) <= 1:
            found.append(
                (_("The last agenda item cannot be removed; cancel the meeting instead."), None)
            )
        if self.kind in (ChangeKind.REMOVE_ITEM, ChangeKind.RETITLE_ITEM) and not (
            item is not None and item.meeting_id == meeting.id and item.is_public
        ):
            found.append((_("Only a public item of this meeting can be changed this way."), None))
        if self.kind == ChangeKind.POSTPONE and self.new_starts_at is not None:
            if self.new_starts_at <= now:
                found.append((_("The new time must be in the future."), "new_starts_at"))
            elif self.new_starts_at <= meeting.starts_at:
                found.append(
                    (
                        _("A postponement moves the meeting later than its current start."),
                        "new_starts_at",
                    )
                )
        if self.kind == ChangeKind.REORDER and self.new_order == [
            agenda_item.id for agenda_item in meeting.public_agenda
        ]:
            found.append((_("The new order is the same as the current one."), None))
        for check in meeting_change_checks.contributions():
            found.extend((reason, None) for reason in check(self))
        return found

    def review_blockers(self) -> list[str]:
        return [message for message, _field in self.problems()]

    def meeting_facts(self, now: datetime) -> dict[str, Any]:
        """The meeting's own facts this change sets when approved at `now`: `on_published`
        applies them, the preview shows the meeting with them (`meeting_after`)."""
        meeting = self.meeting
        if self.kind == ChangeKind.POSTPONE:
            return {
                "original_starts_at": meeting.original_starts_at or meeting.starts_at,
                "starts_at": self.new_starts_at,
                "ends_at": self.new_ends_at,
                "postpone_reason": self.reason,
            }
        if self.kind == ChangeKind.CANCEL:
            return {"cancelled_at": now, "cancel_reason": self.reason}
        if self.kind == ChangeKind.CONCLUDE:
            return {"concluded_at": now}
        return {}

    def meeting_after(self, now: datetime) -> MeetingAfterChange:
        """The meeting as the public will read it if this change is approved at `now`."""
        return MeetingAfterChange(self.meeting, self.meeting_facts(now))

    @property
    def proposed_order(self) -> list[AgendaItem]:
        """A reorder's items in their new order (the order `on_published` gives them)."""
        by_id = {item.id: item for item in self.meeting.agenda}
        return [by_id[item_id] for item_id in self.new_order or [] if item_id in by_id]

    def on_published(self, actor: User) -> None:
        """Apply the change to the meeting: only now does the public see it."""
        now = utcnow()
        meeting = self.meeting
        for field, value in self.meeting_facts(now).items():
            setattr(meeting, field, value)
        if self.kind == ChangeKind.ADD_ITEM:
            self.agenda_item.published_at = now
            for document in self.agenda_item.documents:
                document.published_at = now
        elif self.kind == ChangeKind.REMOVE_ITEM:
            self.agenda_item.removed_at = now
        elif self.kind == ChangeKind.RETITLE_ITEM:
            self.agenda_item.title = self.new_title
        elif self.kind == ChangeKind.REORDER:
            positions = {item_id: index for index, item_id in enumerate(self.new_order or [])}
            for item in meeting.agenda:
                item.position = positions.get(item.id, len(positions) + item.position)
        elif self.kind == ChangeKind.ADD_DOCUMENT:
            self.document.published_at = now
        meeting.revise(now)
        for listener in meeting_change_listeners.contributions():
            listener(self)
