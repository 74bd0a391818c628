"""Organising bodies, meetings, their agenda items and the items' documents."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, and_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from core.clock import UTCDateTime, utcnow
from core.labels import LabelledEnum
from core.review import ContentPart, Reviewable, ReviewState
from extensions import db, string_enum

if TYPE_CHECKING:
    from core.accounts.models import User


class BodyLevel(LabelledEnum):
    DISTRICT = "district", _l("District")
    DEPARTMENT = "department", _l("Department")
    STREET = "street", _l("Street office")


class MeetingStatus(LabelledEnum):
    """What the public sees; derived from the meeting's facts and the clock. Each label
    says what sets it apart: a meeting past its end is "held" only until staff mark it
    concluded, so the list's filter finds it under one of the two, never both."""

    DRAFT = "draft", _l("Not announced")
    ANNOUNCED = "announced", _l("Announced")
    POSTPONED = "postponed", _l("Postponed")
    LIVE = "live", _l("Live now")
    HELD = "held", _l("Held, not yet concluded")
    CONCLUDED = "concluded", _l("Concluded")
    CANCELLED = "cancelled", _l("Cancelled")


class Visibility(LabelledEnum):
    PUBLIC = "public", _l("Public")
    WITHHELD = "withheld", _l("Withheld from the public")


class Body(db.Model):
    """An organising body: the district executive meeting, a department, a street office."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[BodyLevel] = mapped_column(string_enum(BodyLevel))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    default_venue: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<Body {self.slug}>"


class Meeting(Reviewable, db.Model):
    __tablename__ = "meetings"
    # Public meetings in time order, upcoming ones by when they end: the list, the years
    # and the clock's next step each walk one of these instead of the whole archive.
    __table_args__ = (
        Index("ix_meetings_public_start", "review_state", "starts_at"),
        Index("ix_meetings_public_end", "review_state", "ends_at"),
    )
    review_kind = "meeting"
    review_kind_label = _l("Meeting announcement")

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    session_number: Mapped[int | None]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str | None] = mapped_column(String(200))
    livestream_url: Mapped[str | None] = mapped_column(String(500))
    sit_in_open: Mapped[bool] = mapped_column(default=False)
    sit_in_places: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    # Every public change increments it and sets `revised_at`; calendar feeds use them as
    # SEQUENCE and LAST-MODIFIED (`revise`).
    revision: Mapped[int] = mapped_column(default=0)
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set only by approved changes.
    original_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    postpone_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    body: Mapped[Body] = relationship(lazy="joined", innerjoin=True)
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )

    @property
    def review_title(self) -> str:
        return self.title

    def staff_url(self) -> str:
        return url_for("meeting_staff.meeting", meeting_id=self.id)

    def public_url(self) -> str:
        return url_for("meetings.meeting_page", meeting_id=self.id)

    def review_blockers(self) -> list[str]:
        if not any(item.removed_at is None for item in self.agenda):
            return [_("A meeting needs at least one agenda item before it is announced.")]
        return []

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        return [selectinload(cls.author), selectinload(cls.agenda)]

    def content_parts(self) -> list[ContentPart]:
        """The meeting, every item of its agenda and every document of those items."""
        items = select(AgendaItem.id).where(AgendaItem.meeting_id == self.id)
        return [
            (Meeting, [self.id]),
            (AgendaItem, items),
            (
                AgendaDocument,
                select(AgendaDocument.id).where(AgendaDocument.agenda_item_id.in_(items)),
            ),
        ]

    def on_published(self, actor: User) -> None:
        """Announcing publishes the agenda and documents prepared with the meeting: the
        current agenda, which is what the preview shows before approval."""
        now = utcnow()
        self.revise(now)
        for item in self.current_agenda:
            if item.published_at is None:
                item.published_at = now
        for item in self.agenda:
            for document in item.documents:
                document.published_at = document.published_at or now

    def revise(self, now: datetime) -> None:
        """A change the public sees: calendars replace their copy of the event."""
        self.revision += 1
        self.revised_at = now

    def status_at(self, now: datetime) -> MeetingStatus:
        if self.review_state != ReviewState.APPROVED:
            return MeetingStatus.DRAFT
        return self.public_status_at(now)

    def public_status_at(self, now: datetime) -> MeetingStatus:
        """The status the public reads at `now` once the meeting is announced; the
        previews ask it before approval (of the meeting, or of a change to it)."""
        if self.cancelled_at is not None:
            return MeetingStatus.CANCELLED
        if self.concluded_at is not None:
            return MeetingStatus.CONCLUDED
        if now >= self.ends_at:
            return MeetingStatus.HELD
        if now >= self.starts_at:
            return MeetingStatus.LIVE
        if self.original_starts_at is not None:
            return MeetingStatus.POSTPONED
        return MeetingStatus.ANNOUNCED

    @property
    def status(self) -> MeetingStatus:
        return self.status_at(utcnow())

    @property
    def is_announced(self) -> bool:
        return self.review_state == ReviewState.APPROVED

    @property
    def agenda_is_open(self) -> bool:
        """The agenda can still change (not concluded or cancelled)."""
        return self.concluded_at is None and self.cancelled_at is None

    @property
    def current_agenda(self) -> list[AgendaItem]:
        return [item for item in self.agenda if item.removed_at is None]

    @property
    def public_agenda(self) -> list[AgendaItem]:
        return [item for item in self.agenda if item.is_public]


class AgendaItem(db.Model):
    """An item on a meeting's agenda (议题). Public once published and not removed."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    sponsor: Mapped[str | None] = mapped_column(String(200))  # 承办单位
    presenter: Mapped[str | None] = mapped_column(String(100))
    is_major_decision: Mapped[bool] = mapped_column(default=False)
    visibility: Mapped[Visibility] = mapped_column(
        string_enum(Visibility), default=Visibility.PUBLIC
    )
    withheld_basis: Mapped[str | None] = mapped_column(Text)  # 不予公开的依据
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    documents: Mapped[list[AgendaDocument]] = relationship(
        back_populates="agenda_item", order_by="AgendaDocument.id", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.removed_at is None

    @classmethod
    def shown_in_full(cls) -> Any:
        """SQL: the item is on a public agenda with its content (published, not removed, not
        withheld), so what hangs from it (documents, a consultation) may be public too."""
        return and_(
            cls.published_at.is_not(None),
            cls.removed_at.is_(None),
            cls.visibility == Visibility.PUBLIC,
        )

    @property
    def is_withheld(self) -> bool:
        return self.visibility == Visibility.WITHHELD

    @property
    def public_documents(self) -> list[AgendaDocument]:
        return self.documents_shown()

    def documents_shown(self, *, on_publication: bool = False) -> list[AgendaDocument]:
        """The documents the public page lists under the item: none for a withheld item,
        otherwise the published ones; `on_publication` (the preview) lists every one, since
        publishing the item publishes its documents."""
        if self.is_withheld:
            return []
        return [
            document
            for document in self.documents
            if on_publication or document.published_at is not None
        ]


class AgendaDocument(db.Model):
    """A file attached to an agenda item, stored under instance/ with a generated name."""

    __tablename__ = "agenda_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="documents")

    def public_url(self) -> str:
        return url_for("meetings.document", document_id=self.id, name=self.original_name)

    def staff_url(self) -> str:
        """Where staff open it, published or not (the previews link here)."""
        return url_for("meeting_staff.document", document_id=self.id, name=self.original_name)
