"""What decisions ask of the meeting's own changes: a meeting is concluded by hand only when
it has no public item; an item with a decision is not removed, nor is a meeting whose
decisions are published cancelled; an item removed may leave the meeting decided."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core.clock import utcnow
from extensions import db
from meetings.decisions.models import Decision, conclude_when_decided, items_without_decision
from meetings.models import ChangeKind, MeetingChange


def conclusion_waits_for_decisions(change: MeetingChange) -> list[str]:
    """A meeting concludes itself when the decision of each public item is published;
    staff conclude one by hand only when it has no such item (all withheld)."""
    if change.kind != ChangeKind.CONCLUDE:
        return []
    if db.session.scalar(select(items_without_decision(change.meeting_id))):
        return [
            _(
                "A meeting is concluded when the decision of each public agenda item is "
                "published; publish the missing decisions instead."
            )
        ]
    return []


def decisions_stay_on_the_record(change: MeetingChange) -> list[str]:
    """A decision belongs to its item and meeting: neither goes once it exists."""
    if change.kind == ChangeKind.REMOVE_ITEM and change.agenda_item_id is not None:
        recorded = select(Decision.id).where(Decision.agenda_item_id == change.agenda_item_id)
        if db.session.scalar(recorded.limit(1)) is not None:
            return [_("This item has a decision; it stays on the agenda.")]
    if change.kind == ChangeKind.CANCEL:
        published = select(Decision.id).where(
            Decision.meeting_id == change.meeting_id, Decision.current_version_id.is_not(None)
        )
        if db.session.scalar(published.limit(1)) is not None:
            return [_("Decisions of this meeting are published; it cannot be cancelled.")]
    return []


def conclude_after_removal(change: MeetingChange) -> None:
    """The item removed may have been the last one waiting for its decision."""
    if change.kind == ChangeKind.REMOVE_ITEM and utcnow() >= change.meeting.starts_at:
        conclude_when_decided(change.meeting, actor=change.reviewed_by, now=utcnow())
