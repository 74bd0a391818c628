"""The demo's decisions: for each meeting held, its decisions recorded the day after and
published through review within the 20-working-day clock, with the meeting summary, so
those meetings are concluded by their decisions; one decision later corrected. The last
two meetings are still on the clock: one decision awaits review, another is a draft."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import review
from core.accounts.models import User
from meetings.decisions import operations
from meetings.decisions.demo.content import CORRECTIONS, DECISIONS, SUMMARIES
from meetings.decisions.models import Decision, DecisionOutcome
from meetings.demo.clock import DemoClock
from meetings.models import Meeting

# Written the day after the meeting, approved two days later: well within 20 working days.
RECORDED_AFTER = timedelta(days=1)
APPROVED_AFTER = timedelta(days=3)
CORRECTED_AFTER = timedelta(days=20)
# (meeting day, item key) whose decision is not yet published when the demo is loaded.
AWAITING_REVIEW = (-12, "elderly")
STILL_A_DRAFT = (-25, "community")


def load_meeting_decisions(
    meeting: Meeting,
    day: int,
    keys: tuple[str, ...],
    *,
    editor: User,
    reviewer: User,
    clock: DemoClock,
) -> None:
    """Record, submit and approve the decisions of a held meeting, and its summary."""
    written = meeting.ends_at + RECORDED_AFTER
    published = meeting.ends_at + APPROVED_AFTER
    by_position = {item.position: item for item in meeting.public_agenda}
    for minute, key in enumerate(keys):
        content = DECISIONS.get((day, key))  # none for the withheld item
        item = by_position.get(minute + 1)
        if content is None or item is None:
            continue
        with clock.at(written + timedelta(minutes=10 * minute)):
            decision = operations.record_decision(
                item,
                actor=editor,
                title=item.title,
                outcome=DecisionOutcome(content.outcome),
                text=content.text,
                dissent=content.dissent,
                interpretation=content.interpretation,
                comments_used=content.comments_used,
                documents=[list(pair) for pair in content.documents],
            )
        if (day, key) == STILL_A_DRAFT:
            continue
        version = decision.versions[0]
        with clock.at(written + timedelta(minutes=10 * minute + 5)):
            review.submit_for_review(version, actor=editor)
        if (day, key) == AWAITING_REVIEW:
            continue
        with clock.at(published + timedelta(minutes=minute)):
            review.approve(version, actor=reviewer)
        if (day, key) in CORRECTIONS:
            _correct(decision, CORRECTIONS[(day, key)], editor, reviewer, clock, published)
    if day in SUMMARIES:
        with clock.at(written + timedelta(hours=2)):
            summary = operations.write_summary(
                meeting, text=SUMMARIES[day], correction_note=None, actor=editor
            )
            review.submit_for_review(summary, actor=editor)
        with clock.at(published + timedelta(hours=1)):
            review.approve(summary, actor=reviewer)


def _correct(
    decision: Decision,
    correction: tuple[str, str],
    editor: User,
    reviewer: User,
    clock: DemoClock,
    published: datetime,
) -> None:
    note, text = correction
    with clock.at(published + CORRECTED_AFTER):
        version = operations.start_correction(decision, actor=editor)
        operations.update_decision(version, actor=editor, text=text, correction_note=note)
        review.submit_for_review(version, actor=editor)
    with clock.at(published + CORRECTED_AFTER + timedelta(hours=3)):
        review.approve(version, actor=reviewer)
