"""Decisions (议定事项 / 决策结果) on agenda items, with their policy interpretation
(政策解读), and the meeting summary (会议通稿).

A decision is published through review, and corrected only through review with a note
saying what changed: each text is a version (`DecisionVersion`, the reviewed thing), the
decision (`Decision`) is the permanent record the public address names, pointing at the
version in force. Earlier versions stay, as the correction history. The meeting summary
keeps its versions the same way, one row each (`MeetingSummary`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    delete,
    exists,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload

from core.audit import record_change, snapshot
from core.clock import UTCDateTime, utcnow
from core.extension_points import ExtensionPoint
from core.labels import LabelledEnum
from core.markdown import render_markdown
from core.review import ContentPart, Reviewable, ReviewState
from extensions import db, string_enum
from meetings.decisions.search_index import DecisionTerm, DecisionText, search_rows
from meetings.models import AgendaItem, ChangeKind, Meeting, MeetingChange

if TYPE_CHECKING:
    from core.accounts.models import User


class DecisionOutcome(LabelledEnum):
    APPROVED = "approved", _l("Approved")
    APPROVED_WITH_CHANGES = "approved_with_changes", _l("Approved in principle, with changes")
    DEFERRED = "deferred", _l("Deferred")
    NOT_APPROVED = "not_approved", _l("Not approved")
    FOR_INFORMATION = "for_information", _l("For information")


# Packages built on meetings add their reasons a decision's text is not ready for review
# (consultations: say how the public's comments were used); meetings never imports them.
decision_checks: ExtensionPoint[Callable[[DecisionVersion], list[str]]] = ExtensionPoint(
    "decision_checks"
)

# Where an uploaded image of an interpretation is served; the Markdown names it so.
IMAGE_PATH = re.compile(r'src="/decisions/images/(\d+)"')
TITLE_WEIGHT = 5  # a word in the title ranks a decision above one that only mentions it


class Decision(db.Model):
    """The decision on one agenda item: the permanent record behind `/decisions/<id>`.
    Public once a version of it has been approved (`current_version_id`)."""

    __tablename__ = "decisions"
    __table_args__ = (
        Index("ix_decisions_published", "first_published_at"),
        Index("ix_decisions_last_published", "last_published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision_versions.id", use_alter=True)
    )
    # Kept from the version in force, so the list filters and sorts without joining it.
    title: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[DecisionOutcome | None] = mapped_column(string_enum(DecisionOutcome, 24))
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship()
    meeting: Mapped[Meeting] = relationship()
    current_version: Mapped[DecisionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[DecisionVersion]] = relationship(
        back_populates="decision",
        foreign_keys="DecisionVersion.decision_id",
        order_by="DecisionVersion.number",
    )

    @property
    def is_public(self) -> bool:
        return self.current_version_id is not None

    @property
    def open_version(self) -> DecisionVersion | None:
        """The version being written or reviewed, if any (one at a time)."""
        for version in self.versions:
            if version.review_state != ReviewState.APPROVED:
                return version
        return None

    @property
    def published_versions(self) -> list[DecisionVersion]:
        return [v for v in self.versions if v.review_state == ReviewState.APPROVED]

    def public_url(self) -> str:
        return url_for("decisions.decision_page", decision_id=self.id)

    def staff_url(self) -> str:
        return url_for("decision_staff.decision", decision_id=self.id)

    def reindex(self, version: DecisionVersion) -> None:
        """Search reads the version in force: its words replace the previous ones."""
        text, rows = search_rows(self.id, version)
        db.session.execute(delete(DecisionTerm).where(DecisionTerm.decision_id == self.id))
        db.session.execute(delete(DecisionText).where(DecisionText.decision_id == self.id))
        db.session.execute(insert(DecisionText).values(decision_id=self.id, text=text))
        if rows:
            db.session.execute(insert(DecisionTerm), rows)


class DecisionVersion(Reviewable, db.Model):
    """One text of a decision: the first, or a correction with its note. What a reviewer
    approves; approved versions never change."""

    __tablename__ = "decision_versions"
    __table_args__ = (UniqueConstraint("decision_id", "number"),)
    review_kind = "decision"
    review_kind_label = _l("Decision and policy interpretation")

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[DecisionOutcome] = mapped_column(string_enum(DecisionOutcome, 24))
    text: Mapped[str] = mapped_column(Text)
    dissent: Mapped[str | None] = mapped_column(Text)  # recorded at the meeting (Art. 30)
    interpretation: Mapped[str] = mapped_column(Text, default="")  # Markdown
    comments_used: Mapped[str | None] = mapped_column(Text)  # how public comments were used
    # Final documents: [[name, address], ...]
    documents: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    correction_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="versions", foreign_keys=[decision_id])

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    @property
    def review_title(self) -> str:
        if self.is_correction:
            return _("%(title)s (correction)", title=self.title)
        return self.title

    @property
    def audit_title(self) -> str:
        return self.title

    def staff_url(self) -> str:
        return url_for("decision_staff.decision", decision_id=self.decision_id)

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        return [selectinload(cls.author), selectinload(cls.decision)]

    def content_parts(self) -> list[ContentPart]:
        """The version, the decision it belongs to and the images its text can show."""
        return [
            (DecisionVersion, [self.id]),
            (Decision, [self.decision_id]),
            (
                DecisionImage,
                select(DecisionImage.id).where(DecisionImage.decision_id == self.decision_id),
            ),
        ]

    def fields(self) -> dict[str, Any]:
        """What a reader reads of this version: a correction must change some of it."""
        return {
            "title": self.title,
            "outcome": self.outcome,
            "text": self.text,
            "dissent": self.dissent,
            "interpretation": self.interpretation,
            "comments_used": self.comments_used,
            "documents": [list(pair) for pair in self.documents or []],
        }

    def review_blockers(self) -> list[str]:
        blockers = []
        item, meeting = self.decision.agenda_item, self.decision.meeting
        if meeting.cancelled_at is not None or not (item.is_public and not item.is_withheld):
            blockers.append(_("The agenda item is no longer public, or its meeting was cancelled."))
        if not self.text.strip():
            blockers.append(_("Write what was decided."))
        blockers.extend(
            reason for check in decision_checks.contributions() for reason in check(self)
        )
        if self.is_correction:
            if not (self.correction_note or "").strip():
                blockers.append(_("A correction needs a note saying what was corrected and why."))
            current = self.decision.current_version
            if current is not None and current.fields() == self.fields():
                blockers.append(_("The correction changes nothing in the published text."))
        return blockers

    def image_ids(self) -> set[int]:
        """The uploads of its decision this text shows: what the rendered text holds, so an
        address in a link, a code span or a reference does not publish an image."""
        images = {
            image.path: image.alt
            for image in db.session.scalars(
                select(DecisionImage).where(DecisionImage.decision_id == self.decision_id)
            )
        }
        if not images:
            return set()
        shown = render_markdown(self.interpretation, images=images)
        return {int(found) for found in IMAGE_PATH.findall(str(shown))}

    def on_published(self, actor: User) -> None:
        """The version is now the decision's text in force; a meeting whose every public
        item has a published decision is concluded."""
        decision, now = self.decision, self.published_at or utcnow()
        decision.current_version = self
        decision.title, decision.outcome = self.title, self.outcome
        decision.first_published_at = decision.first_published_at or now
        decision.last_published_at = now
        decision.reindex(self)
        for image in db.session.scalars(
            select(DecisionImage).where(
                DecisionImage.decision_id == decision.id,
                DecisionImage.id.in_(self.image_ids()),
                DecisionImage.published_at.is_(None),
            )
        ):
            image.published_at = now
        db.session.flush()
        conclude_when_decided(decision.meeting, actor=actor, now=now)


def items_without_decision(meeting_id: int) -> Any:
    """SQL: the meeting's items shown in full to the public with no published decision."""
    published = exists(
        select(Decision.id).where(
            Decision.agenda_item_id == AgendaItem.id, Decision.current_version_id.is_not(None)
        )
    )
    return (
        select(AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.shown_in_full(), ~published)
        .exists()
    )


def conclude_when_decided(meeting: Meeting, *, actor: User, now: datetime) -> None:
    """A held meeting is concluded when each of its public items has a published decision
    (a withheld item is public only as its legal basis, and has none), unless an item
    tabled at the meeting still waits for review. The meeting's row is locked first, so
    two last decisions approved at once cannot each see the other as missing."""
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    if meeting.concluded_at is not None or meeting.cancelled_at is not None:
        return
    if db.session.scalar(select(items_without_decision(meeting.id))):
        return
    pending_item = select(MeetingChange.id).where(
        MeetingChange.meeting_id == meeting.id,
        MeetingChange.kind == ChangeKind.ADD_ITEM,
        MeetingChange.review_state != ReviewState.APPROVED,
    )
    if db.session.scalar(pending_item.limit(1)) is not None:
        return
    meeting.concluded_at = now
    meeting.revise(now)
    record_change(
        "meeting.concluded_by_decisions",
        meeting,
        actor=actor,
        summary=meeting.title,
        after=snapshot(meeting, "concluded_at"),
    )


class DecisionImage(db.Model):
    """An image in a policy interpretation, with what it shows for people who cannot see
    it. Public once a published version's text shows it."""

    __tablename__ = "decision_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    alt: Mapped[str] = mapped_column(String(300))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def path(self) -> str:
        return f"/decisions/images/{self.id}"

    @property
    def markdown(self) -> str:
        return f"![{self.alt}]({self.path})"


class MeetingSummary(Reviewable, db.Model):
    """One version of a meeting's summary (会议通稿): the first, or a correction with its
    note. The public reads the latest approved one, and the earlier ones as its history."""

    __tablename__ = "meeting_summaries"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)
    review_kind = "meeting_summary"
    review_kind_label = _l("Meeting summary")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    text: Mapped[str] = mapped_column(Text)  # Markdown
    correction_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    @property
    def review_title(self) -> str:
        return _("Summary: %(title)s", title=self.meeting.title)

    @property
    def audit_title(self) -> str:
        return self.meeting.title

    def staff_url(self) -> str:
        return url_for("decision_staff.summary", meeting_id=self.meeting_id)

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        return [selectinload(cls.author), selectinload(cls.meeting)]

    @classmethod
    def review_title_options(cls) -> list[Any]:
        return [joinedload(cls.meeting, innerjoin=True)]

    def review_blockers(self) -> list[str]:
        blockers = []
        if not self.text.strip():
            blockers.append(_("Write the summary."))
        if self.is_correction:
            if not (self.correction_note or "").strip():
                blockers.append(_("A correction needs a note saying what was corrected and why."))
            if published_summary_text(self.meeting_id) == self.text:
                blockers.append(_("The correction changes nothing in the published text."))
        return blockers


def latest_summary_number(meeting_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(MeetingSummary.number), 0)).where(
            MeetingSummary.meeting_id == meeting_id
        )
    )


def published_summary_text(meeting_id: int) -> str | None:
    """The text of the meeting's summary in force, if one is published."""
    return db.session.scalar(
        select(MeetingSummary.text)
        .where(
            MeetingSummary.meeting_id == meeting_id,
            MeetingSummary.review_state == ReviewState.APPROVED,
        )
        .order_by(MeetingSummary.number.desc())
        .limit(1)
    )
