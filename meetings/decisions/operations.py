"""Every write of decisions and meeting summaries: record, edit, correct, add an image.

Each takes the acting user, flushes, writes the audit log and leaves the commit to the
caller. Publication is review's (`core.review.approve` → `on_published`)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.clock import utcnow
from core.files import StoredFile
from core.review import ReviewState
from core.rules import RuleBroken
from extensions import db
from meetings.decisions.models import (
    Decision,
    DecisionImage,
    DecisionVersion,
    MeetingSummary,
    latest_summary_number,
    published_summary_text,
)
from meetings.models import AgendaItem, Meeting

VERSION_FIELDS = (
    "title",
    "outcome",
    "text",
    "dissent",
    "interpretation",
    "comments_used",
    "documents",
    "correction_note",
)


def ensure_meeting_held(meeting: Meeting) -> None:
    """Decisions are made at the meeting: not before it starts, never for a cancelled one."""
    if not meeting.is_announced or meeting.cancelled_at is not None:
        raise RuleBroken(_("Only an announced meeting that took place has decisions."))
    if utcnow() < meeting.starts_at:
        raise RuleBroken(_("Decisions are recorded once the meeting has started."))


def ensure_item_public(item: AgendaItem) -> None:
    if not item.is_public or item.is_withheld:
        raise RuleBroken(_("Only an agenda item the public can read has a published decision."))


def record_decision(item: AgendaItem, *, actor: User, **fields: Any) -> Decision:
    """Write the first text of an item's decision, as a draft for review."""
    ensure_meeting_held(item.meeting)
    ensure_item_public(item)
    if db.session.scalar(select(Decision.id).where(Decision.agenda_item_id == item.id)):
        raise RuleBroken(_("This item already has a decision; open it to edit or correct it."))
    decision = Decision(agenda_item=item, meeting=item.meeting)
    version = DecisionVersion(decision=decision, number=1, author=actor, **fields)
    db.session.add_all([decision, version])
    db.session.flush()
    record_change(
        "decision.create",
        version,
        actor=actor,
        summary=version.title,
        after=snapshot(version, *VERSION_FIELDS),
    )
    return decision


def _ensure_editable(version: DecisionVersion | MeetingSummary) -> None:
    if not version.is_editable:
        raise RuleBroken(_("This text is under review or published; it can no longer be edited."))


def update_decision(version: DecisionVersion, *, actor: User, **changes: Any) -> None:
    """Edit a draft or returned text (the first, or a correction)."""
    _ensure_editable(version)
    if not version.is_correction:
        changes.pop("correction_note", None)
    before = snapshot(version, *VERSION_FIELDS)
    for field, value in changes.items():
        setattr(version, field, value)
    after = snapshot(version, *VERSION_FIELDS)
    if after == before:
        return
    record_change(
        "decision.update",
        version,
        actor=actor,
        summary=version.title,
        before=before,
        after=after,
    )


def start_correction(decision: Decision, *, actor: User) -> DecisionVersion:
    """A published decision changes only by a new version, reviewed, with a note: it starts
    as a copy of the text in force."""
    current = decision.current_version
    if current is None:
        raise RuleBroken(_("Only a published decision can be corrected."))
    if decision.open_version is not None:
        raise RuleBroken(_("A correction of this decision is already being written."))
    version = DecisionVersion(
        decision=decision,
        number=max(v.number for v in decision.versions) + 1,
        author=actor,
        **current.fields(),
    )
    db.session.add(version)
    db.session.flush()
    record_change(
        "decision.correct",
        version,
        actor=actor,
        summary=version.title,
        after={"number": version.number},
    )
    return version


def discard_correction(version: DecisionVersion, *, actor: User) -> None:
    """Drop a correction that was never published; the text in force stays."""
    _ensure_editable(version)
    if not version.is_correction:
        raise RuleBroken(_("Only a correction can be discarded."))
    record_change("decision.discard_correction", version, actor=actor, summary=version.title)
    db.session.delete(version)
    db.session.flush()


def add_decision_image(
    decision: Decision, stored: StoredFile, *, alt: str, actor: User
) -> DecisionImage:
    """An image for the interpretation, with what it shows (its alt text), required."""
    if not alt.strip():
        raise RuleBroken(_("Say what the image shows, for people who cannot see it."), "alt")
    image = DecisionImage(decision_id=decision.id, alt=alt.strip(), **stored.columns())
    db.session.add(image)
    db.session.flush()
    record_change(
        "decision.add_image",
        image,
        actor=actor,
        summary=decision.title or decision.agenda_item.title,
        after={"alt": image.alt, "original_name": image.original_name},
    )
    return image


def open_summary(meeting: Meeting) -> MeetingSummary | None:
    return db.session.scalar(
        select(MeetingSummary)
        .where(
            MeetingSummary.meeting_id == meeting.id,
            MeetingSummary.review_state != ReviewState.APPROVED,
        )
        .limit(1)
    )


def write_summary(
    meeting: Meeting, *, text: str, correction_note: str | None, actor: User
) -> MeetingSummary | None:
    """Write or edit the meeting's summary. Once one is published, writing again starts a
    correction, which needs its note before review."""
    ensure_meeting_held(meeting)
    summary = open_summary(meeting)
    if summary is None and text == published_summary_text(meeting.id):
        return None  # the published text sent back unchanged starts no correction
    if summary is None:
        number = latest_summary_number(meeting.id) + 1
        summary = MeetingSummary(meeting=meeting, number=number, text=text, author=actor)
        summary.correction_note = correction_note if number > 1 else None
        db.session.add(summary)
        db.session.flush()
        record_change(
            "meeting_summary.create",
            summary,
            actor=actor,
            summary=meeting.title,
            after=snapshot(summary, "number", "text", "correction_note"),
        )
        return summary
    _ensure_editable(summary)
    before = snapshot(summary, "text", "correction_note")
    summary.text = text
    summary.correction_note = correction_note if summary.is_correction else None
    after = snapshot(summary, "text", "correction_note")
    if after != before:
        record_change(
            "meeting_summary.update",
            summary,
            actor=actor,
            summary=meeting.title,
            before=before,
            after=after,
        )
    return summary
