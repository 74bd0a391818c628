"""Demo consultations, each at its own stage: two closed with their feedback reports
published before their meetings, one closed with its report awaiting review, one open now.

Each step is taken when its story says (`DemoClock`): the consultation is reviewed before its
period opens, comments arrive within the period (receipt numbers in the order they
arrived), are moderated the next morning, answered once the period has closed, and the
feedback report is published before the meeting.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from core import review
from core.accounts.models import User
from core.audit import record_change
from core.review import ReviewState
from engagement.consultations import operations
from engagement.consultations.demo import (
    elderly_care,
    old_courtyards,
    school_places,
    water_prices,
)
from engagement.consultations.demo.story import DemoComment, DemoConsultation
from engagement.consultations.models import (
    Channel,
    Comment,
    Consultation,
    disposition_counts,
)
from extensions import db
from meetings.demo import DemoClock
from meetings.models import AgendaItem, Meeting

# In the order their periods opened.
DEMO_CONSULTATIONS: tuple[DemoConsultation, ...] = (
    elderly_care.CONSULTATION,
    old_courtyards.CONSULTATION,
    water_prices.CONSULTATION,
    school_places.CONSULTATION,
)

# How long after a letter or an email arrives, or a call ends, staff type it in.
ENTERED_AFTER = {
    Channel.LETTER: timedelta(hours=5),
    Channel.EMAIL: timedelta(hours=2),
    Channel.PHONE: timedelta(minutes=15),
}


def _days(day: date, days: int) -> date:
    return day + timedelta(days=days)


class _Story:
    """One demo consultation as it is loaded: its row and the office days of its period."""

    def __init__(self, demo: DemoConsultation, item: AgendaItem, clock: DemoClock) -> None:
        self.demo, self.item, self.clock = demo, item, clock
        meeting_day = clock.day_of(item.meeting.starts_at)
        self.opening_day = _days(meeting_day, -demo.opens_before_meeting)
        self.closing_day = _days(meeting_day, -demo.closes_before_meeting)
        self.consultation: Consultation | None = None
        self.comments: list[tuple[DemoComment, Comment]] = []

    def received_at(self, comment: DemoComment) -> datetime:
        days, hour, minute = comment.received
        return self.clock.on(_days(self.opening_day, days), hour, minute)


def _agenda_item(demo: DemoConsultation) -> AgendaItem:
    return db.session.scalars(
        select(AgendaItem)
        .join(AgendaItem.meeting)
        .where(Meeting.title == demo.meeting, AgendaItem.title.contains(demo.item))
    ).one()


def _prepare_and_publish(story: _Story, staff: dict[str, User]) -> None:
    """Drafted four days before the period opens, approved two days before.

    `review.submit_for_review` and `review.approve` judge by today's clock, by which the
    period has begun or closed; the demo records the two review steps as they happened,
    with the same audit rows. Approved before its opening, the consultation keeps it
    (`Consultation.on_published` would have nothing to move)."""
    demo, clock = story.demo, story.clock
    editor, reviewer = staff[demo.author], staff["reviewer"]
    with clock.at(clock.on(_days(story.opening_day, -4), 10)):
        consultation = operations.open_consultation(
            story.item,
            title=demo.title,
            draft_text=demo.draft_text,
            explanation=demo.explanation,
            other_channels=demo.other_channels,
            opens_at=clock.on(story.opening_day, 9),
            closes_at=clock.on(story.closing_day, 17, 30),
            short_period_reason=demo.short_period_reason,
            actor=editor,
        )
    submitted_at = clock.on(_days(story.opening_day, -3), 16)
    approved_at = clock.on(_days(story.opening_day, -2), 11)
    with clock.at(submitted_at):
        consultation.review_state = ReviewState.SUBMITTED
        consultation.submitted_at = submitted_at
        record_change(
            "review.submit",
            consultation,
            actor=editor,
            summary=consultation.audit_title,
            after={"review_state": ReviewState.SUBMITTED.value},
        )
    with clock.at(approved_at):
        consultation.review_state = ReviewState.APPROVED
        consultation.reviewed_by = reviewer
        consultation.published_at = approved_at
        consultation.revise(approved_at)
        record_change(
            "review.approve",
            consultation,
            actor=reviewer,
            summary=consultation.audit_title,
            before={"review_state": ReviewState.SUBMITTED.value},
            after={"review_state": ReviewState.APPROVED.value},
        )
    story.consultation = consultation


def _receive(story: _Story, demo: DemoComment, staff: dict[str, User]) -> Comment:
    """A comment as it arrived: sent on the website (stored as `submit_comment` stores it,
    without the acknowledgement mail), or a letter or call typed in by staff."""
    consultation, clock = story.consultation, story.clock
    received_at = story.received_at(demo)
    if demo.channel != Channel.WEB:
        with clock.at(received_at + ENTERED_AFTER[demo.channel]):
            return operations.enter_comment(
                consultation,
                body=demo.body,
                name=demo.name,
                channel=demo.channel,
                received_at=received_at,
                phone=demo.phone,
                email=None,
                community=demo.community,
                actor=staff[story.demo.author],
            )
    with clock.at(received_at):
        comment = Comment(
            consultation=consultation,
            body=demo.body,
            name=demo.name,
            show_name=demo.show_name,
            phone=demo.phone,
            community=demo.community,
            consent_at=received_at,
            channel=Channel.WEB,
            received_at=received_at,
        )
        db.session.add(comment)
        db.session.flush()
        comment.receipt_number = operations.receipt_for(comment)
        record_change(
            "comment.receive",
            comment,
            actor=None,
            summary=f"{consultation.title} · {comment.receipt_number}",
        )
    return comment


def _moderate_and_answer(story: _Story, staff: dict[str, User]) -> None:
    """Each comment is moderated the morning after it arrived; replies and dispositions
    follow the period's close when there is a feedback report, else the moderation."""
    clock, editor, feedback = story.clock, staff[story.demo.author], story.demo.feedback
    for index, (demo, comment) in enumerate(story.comments):
        if demo.awaiting:
            continue
        moderation_day = _days(clock.day_of(comment.received_at), 1)
        with clock.at(clock.on(moderation_day, 10, 2 * index)):
            operations.moderate_comments(
                [comment], demo.rejected is None, demo.rejected, actor=editor
            )
        if demo.rejected or not (demo.reply or demo.disposition):
            continue
        answer_day = _days(story.closing_day, feedback.answered) if feedback else moderation_day
        with clock.at(clock.on(answer_day, 15, 3 * index)):
            operations.answer_comment(
                comment,
                reply=demo.reply,
                disposition=demo.disposition,
                disposition_reason=demo.disposition_reason,
                actor=editor,
            )


def _report(story: _Story, staff: dict[str, User]) -> None:
    feedback, consultation, clock = story.demo.feedback, story.consultation, story.clock
    if feedback is None:
        return
    counts = disposition_counts(consultation.id)
    published = counts["received"] - counts["rejected"] - counts["awaiting"]
    with clock.at(clock.on(_days(story.closing_day, feedback.saved), 16)):
        report = operations.save_feedback_report(
            consultation,
            feedback.summary.format(**counts, published=published),
            actor=staff[story.demo.author],
        )
    if feedback.submitted is not None:
        with clock.at(clock.on(_days(story.closing_day, feedback.submitted), 9, 30)):
            review.submit_for_review(report, actor=staff[story.demo.author])
    if feedback.approved is not None:
        with clock.at(clock.on(_days(story.closing_day, feedback.approved), 15)):
            review.approve(report, actor=staff["reviewer"])


def load_consultations_demo(staff: dict[str, User], clock: DemoClock) -> None:
    """The demo consultations on the demo meetings' items (`load_meetings_demo` first)."""
    stories = [_Story(demo, _agenda_item(demo), clock) for demo in DEMO_CONSULTATIONS]
    for story in stories:
        _prepare_and_publish(story, staff)
    # Receipt numbers follow the order comments arrived in, across consultations.
    arrivals = sorted(
        (
            (story.received_at(demo), story, demo)
            for story in stories
            for demo in story.demo.comments
        ),
        key=lambda arrival: arrival[0],
    )
    for _received_at, story, demo in arrivals:
        story.comments.append((demo, _receive(story, demo, staff)))
    for story in stories:
        _moderate_and_answer(story, staff)
        _report(story, staff)
