"""Comment periods: a consultation on a major-decision item, its documents, and the rule
that a period closes before its meeting (a postponement must keep it so).

A consultation passes confidentiality review before it is public; its state (scheduled,
open, closed) follows the clock, so it opens and closes at the second without any job.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Select, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from core.accounts.models import User
from core.audit import record_change
from core.clock import UTCDateTime, to_office_time, utcnow
from core.labels import LabelledEnum
from core.review import ContentPart, Reviewable, ReviewState
from extensions import db
from meetings.models import (
    AgendaItem,
    ChangeKind,
    Meeting,
    MeetingChange,
    Visibility,
)

if TYPE_CHECKING:
    from engagement.consultations.models.comments import FeedbackReport
    from meetings.decisions.models import DecisionVersion

MIN_PERIOD_DAYS = 30  # 《重大行政决策程序暂行条例》第十五条: 一般不少于30日
MAX_COMMENT_LENGTH = 5000


def is_short_period(opens_at: datetime, closes_at: datetime) -> bool:
    """Shorter than the law's norm for a comment period."""
    return closes_at - opens_at < timedelta(days=MIN_PERIOD_DAYS)


def short_period_refusal(opens_at: datetime, closes_at: datetime, reason: str | None) -> str | None:
    """Why a period cannot go ahead as it stands: shorter than the norm without its public
    reason (Art. 15). None when it may."""
    if is_short_period(opens_at, closes_at) and not (reason or "").strip():
        return _("A period shorter than %(days)d days needs its reason.", days=MIN_PERIOD_DAYS)
    return None


class ConsultationState(LabelledEnum):
    DRAFT = "draft", _l("Not yet public")
    SCHEDULED = "scheduled", _l("Opens soon")
    OPEN = "open", _l("Open for comment")
    CLOSED = "closed", _l("Closed")
    FEEDBACK_PUBLISHED = "feedback_published", _l("Feedback published")


class Consultation(Reviewable, db.Model):
    __tablename__ = "consultations"
    review_kind = "consultation"
    review_kind_label = _l("Public consultation")

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    draft_text: Mapped[str] = mapped_column(Text)  # Markdown
    explanation: Mapped[str] = mapped_column(Text)  # 起草说明, Markdown
    other_channels: Mapped[str | None] = mapped_column(Text)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    short_period_reason: Mapped[str | None] = mapped_column(Text)
    original_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Approval and each extension increment it and set `revised_at` (`revise`): the
    # closing day's calendar event uses them as SEQUENCE and LAST-MODIFIED.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agenda_item: Mapped[AgendaItem] = relationship(lazy="joined", innerjoin=True)
    documents: Mapped[list[ConsultationDocument]] = relationship(
        back_populates="consultation", order_by="ConsultationDocument.id"
    )
    feedback: Mapped[FeedbackReport | None] = relationship(back_populates="consultation")

    @property
    def review_title(self) -> str:
        return self.title

    def staff_url(self) -> str:
        return url_for("consultation_staff.consultation", consultation_id=self.id)

    def public_url(self) -> str:
        return url_for("consultations.consultation_page", consultation_id=self.id)

    def content_parts(self) -> list[ContentPart]:
        """The consultation and its documents."""
        return [
            (Consultation, [self.id]),
            (
                ConsultationDocument,
                select(ConsultationDocument.id).where(
                    ConsultationDocument.consultation_id == self.id
                ),
            ),
        ]

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        return [selectinload(cls.author)]

    @classmethod
    def public(cls) -> Select:
        """Approved, and about a public item of an announced meeting (never a withheld one)."""
        return cls._approved_on_an_announced_meeting().where(AgendaItem.shown_in_full())

    @classmethod
    def in_calendars(cls) -> Select:
        """What calendars keep: the public ones, and those whose item has been taken off
        the agenda since (their deadline is then shown cancelled, by the title that was
        public); never one on a withheld item."""
        return cls._approved_on_an_announced_meeting().where(
            AgendaItem.published_at.is_not(None), AgendaItem.visibility == Visibility.PUBLIC
        )

    @classmethod
    def _approved_on_an_announced_meeting(cls) -> Select:
        return (
            super()
            .public()
            .join(cls.agenda_item)
            .join(AgendaItem.meeting)
            .where(Meeting.review_state == ReviewState.APPROVED)
        )

    def review_blockers(self) -> list[str]:
        item, now = self.agenda_item, utcnow()
        if not (item.meeting.is_announced and item.is_public and not item.is_withheld):
            return [_("Consult only on a public item of an announced meeting.")]
        if self.closes_at >= item.meeting.starts_at:
            return [_("The comment period must close before the meeting starts.")]
        if self.closes_at <= now:
            return [_("The closing time has already passed.")]
        # Residents get the period from now (or the opening) on, not the one on paper.
        short = short_period_refusal(
            self.opens_at_approval(now), self.closes_at, self.short_period_reason
        )
        return [short] if short else []

    def opens_at_approval(self, approved_at: datetime) -> datetime:
        """When the public period starts if approved at `approved_at`: never before anyone
        could see it (`on_published` moves it, the preview shows it)."""
        return max(self.opens_at, approved_at)

    @property
    def period_is_short(self) -> bool:
        return is_short_period(self.opens_at, self.original_closes_at or self.closes_at)

    def on_published(self, actor: User) -> None:
        """The public period starts when residents can see it: an opening time that passed
        while the consultation waited for review moves to the moment of approval."""
        if self.published_at is None:
            return
        self.revise(self.published_at)
        opens_at = self.opens_at_approval(self.published_at)
        if opens_at != self.opens_at:
            record_change(
                "consultation.open_at_approval",
                self,
                actor=actor,
                summary=self.title,
                before={"opens_at": self.opens_at.isoformat()},
                after={"opens_at": opens_at.isoformat()},
            )
            self.opens_at = opens_at

    def revise(self, now: datetime) -> None:
        """A change to the public period: calendars replace their copy of the deadline."""
        self.revision += 1
        self.revised_at = now

    def state_at(self, now: datetime) -> ConsultationState:
        if self.review_state != ReviewState.APPROVED:
            return ConsultationState.DRAFT
        return self.public_state_at(now)

    def public_state_at(
        self, now: datetime, *, opens_at: datetime | None = None, feedback_public: bool = False
    ) -> ConsultationState:
        """The state the public reads at `now` once the consultation is approved. The
        previews ask it before approval: with the opening approval would give it
        (`opens_at`), or as if its feedback report were published (`feedback_public`)."""
        if feedback_public or (self.feedback is not None and self.feedback.is_public):
            return ConsultationState.FEEDBACK_PUBLISHED
        if now < (opens_at or self.opens_at):
            return ConsultationState.SCHEDULED
        if now < self.closes_at:
            return ConsultationState.OPEN
        return ConsultationState.CLOSED

    @property
    def state(self) -> ConsultationState:
        return self.state_at(utcnow())

    def accepts_comments_at(self, now: datetime) -> bool:
        """Open from the opening second up to, not including, the closing second."""
        meeting, item = self.agenda_item.meeting, self.agenda_item
        return (
            self.review_state == ReviewState.APPROVED
            and self.opens_at <= now < self.closes_at
            and meeting.cancelled_at is None
            and item.removed_at is None
        )

    @property
    def year_of_opening(self) -> int:
        return to_office_time(self.opens_at).year


class ConsultationDocument(db.Model):
    __tablename__ = "consultation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="documents")

    def public_url(self) -> str:
        return url_for(
            "consultations.consultation_document", document_id=self.id, name=self.original_name
        )

    def staff_url(self) -> str:
        """Where staff open it before the consultation is public (the preview links here)."""
        return url_for("consultation_staff.document", document_id=self.id, name=self.original_name)


def consultations_outlast_postponement(change: MeetingChange) -> list[str]:
    """A meeting cannot move to before a consultation on one of its items closes."""
    if change.kind != ChangeKind.POSTPONE or change.new_starts_at is None:
        return []
    late = db.session.scalar(
        select(func.count(Consultation.id))
        .join(Consultation.agenda_item)
        .where(
            AgendaItem.meeting_id == change.meeting.id,  # the change may not be saved yet
            Consultation.closes_at >= change.new_starts_at,
        )
    )
    if late:
        return [_("A consultation on this meeting closes after the new start; move it first.")]
    return []


def decision_says_how_comments_were_used(version: DecisionVersion) -> list[str]:
    """A decision on an item put out for comment says how the comments were used
    (重大行政决策程序暂行条例, Art. 32)."""
    if (version.comments_used or "").strip():
        return []
    consulted = select(Consultation.id).where(
        Consultation.agenda_item_id == version.decision.agenda_item_id,
        Consultation.review_state == ReviewState.APPROVED,
    )
    if db.session.scalar(consulted.limit(1)) is None:
        return []
    return [_("This item was put out for comment: say how the public's comments were used.")]
