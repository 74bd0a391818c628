"""Residents' comments (never deleted; public only after moderation) and the feedback
report (意见采纳情况), reviewed like everything else public."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload

from core.clock import UTCDateTime, utcnow
from core.labels import LabelledEnum
from core.review import ContentPart, Reviewable
from core.web import public_link
from engagement.consultations.models.consultations import Consultation
from extensions import db, string_enum


class CommentStatus(LabelledEnum):
    RECEIVED = "received", _l("Received, awaiting moderation")
    PUBLISHED = "published", _l("Published")
    REJECTED = "rejected", _l("Not published")


class Channel(LabelledEnum):
    WEB = "web", _l("This website")
    LETTER = "letter", _l("Letter")
    PHONE = "phone", _l("Phone")
    EMAIL = "email", _l("Email")


class Disposition(LabelledEnum):
    ADOPTED = "adopted", _l("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _l("Partly adopted")
    NOT_ADOPTED = "not_adopted", _l("Not adopted")
    OUT_OF_SCOPE = "out_of_scope", _l("Outside the scope of the draft")


def new_comment_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits: the resident's private link


class Comment(db.Model):
    """A comment (意见). Never deleted: moderation publishes or rejects it with a reason."""

    __tablename__ = "comments"
    # The published list of a consultation, in its order, and its counts by status, read
    # from the index alone at any number of comments.
    __table_args__ = (
        Index("ix_comments_listing", "consultation_id", "status", "received_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    receipt_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_comment_token)
    body: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(100))
    show_name: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    community: Mapped[str | None] = mapped_column(String(100))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[Channel] = mapped_column(string_enum(Channel), default=Channel.WEB)
    status: Mapped[CommentStatus] = mapped_column(
        string_enum(CommentStatus), default=CommentStatus.RECEIVED, index=True
    )
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disposition: Mapped[Disposition | None] = mapped_column(string_enum(Disposition, length=20))
    disposition_reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    suspected_automation: Mapped[bool] = mapped_column(Boolean, default=False)
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What the resident sent, hashed: the same comment sent again (Back and send) is one.
    content_digest: Mapped[str | None] = mapped_column(String(64), index=True)

    consultation: Mapped[Consultation] = relationship()

    @property
    def public_name(self) -> str:
        return self.name if self.show_name and self.name else _("A resident")

    def status_url(self) -> str:
        return public_link("consultations.comment_status", token=self.token)


class FeedbackReport(Reviewable, db.Model):
    """意见采纳情况: counts by disposition (fixed when published) and an editable summary."""

    __tablename__ = "feedback_reports"
    review_kind = "feedback_report"
    review_kind_label = _l("Feedback report")

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), unique=True)
    summary: Mapped[str] = mapped_column(Text)  # Markdown
    counts: Mapped[dict[str, int] | None] = mapped_column(JSON)

    consultation: Mapped[Consultation] = relationship(back_populates="feedback")

    @property
    def review_title(self) -> str:
        return f"{self.consultation.title} · {self.review_kind_label}"

    @property
    def audit_title(self) -> str:
        return self.consultation.title

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        return [selectinload(cls.author), selectinload(cls.consultation)]

    @classmethod
    def review_title_options(cls) -> list[Any]:
        return [joinedload(cls.consultation, innerjoin=True)]

    def content_parts(self) -> list[ContentPart]:
        """The report and every comment: moderating or answering one shapes the report."""
        return [
            (FeedbackReport, [self.id]),
            (Comment, select(Comment.id).where(Comment.consultation_id == self.consultation_id)),
        ]

    def staff_url(self) -> str:
        return url_for("consultation_staff.feedback", consultation_id=self.consultation_id)

    def review_blockers(self) -> list[str]:
        consultation = self.consultation
        if utcnow() < consultation.closes_at:
            return [_("The feedback report can be published only after the period closes.")]
        counts = disposition_counts(consultation.id)
        if counts["awaiting"]:
            return [_("Moderate every comment first.")]
        if counts["undecided"]:
            return [_("Every published comment needs a disposition first.")]
        return []

    def on_published(self, actor: object) -> None:
        self.counts = disposition_counts(self.consultation_id)


def disposition_counts(consultation_id: int) -> dict[str, int]:
    """Published comments counted by disposition, plus received/rejected totals."""
    rows = db.session.execute(
        select(Comment.status, Comment.disposition, func.count(Comment.id))
        .where(Comment.consultation_id == consultation_id)
        .group_by(Comment.status, Comment.disposition)
    ).all()
    counts = {d.value: 0 for d in Disposition} | {
        "undecided": 0,
        "received": 0,
        "rejected": 0,
        "awaiting": 0,
    }
    for status, disposition, number in rows:
        counts["received"] += number
        if status == CommentStatus.RECEIVED:
            counts["awaiting"] += number
        elif status == CommentStatus.REJECTED:
            counts["rejected"] += number
        elif status == CommentStatus.PUBLISHED:
            counts[disposition.value if disposition else "undecided"] += number
    return counts
