"""Read queries of the staff pages of decisions: a held meeting's decisions against the
clock, what is due or overdue across meetings (on the start page too), the texts being
written or reviewed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from core.clock import utcnow
from core.review import ReviewState
from core.start_page import ROWS, StartResult, StartRow
from core.web import content
from extensions import db
from meetings.decisions.deadlines import Deadline, deadline
from meetings.decisions.models import Decision, DecisionVersion, MeetingSummary
from meetings.models import AgendaItem, Meeting

if TYPE_CHECKING:
    from core.accounts.models import User


@dataclass(frozen=True)
class MeetingDecisions:
    """A held meeting's decisions as its staff page lists them: every item the public reads
    in full, with its decision if one is recorded; the deadline; the summary's versions."""

    items: list[AgendaItem]
    by_item: dict[int, Decision]
    deadline: Deadline
    summary: MeetingSummary | None  # the newest version, published or not


def meeting_decisions(meeting: Meeting, now: datetime) -> MeetingDecisions | None:
    """None before the meeting starts, or for one not announced or cancelled."""
    if not meeting.is_announced or meeting.cancelled_at is not None or now < meeting.starts_at:
        return None
    items = [item for item in meeting.public_agenda if not item.is_withheld]
    found = db.session.scalars(
        select(Decision)
        .where(Decision.meeting_id == meeting.id)
        .options(selectinload(Decision.versions))
    )
    summary = db.session.scalar(
        select(MeetingSummary)
        .where(MeetingSummary.meeting_id == meeting.id)
        .order_by(MeetingSummary.number.desc())
        .limit(1)
    )
    return MeetingDecisions(
        items,
        {decision.agenda_item_id: decision for decision in found},
        deadline(meeting.starts_at, now),
        summary,
    )


@dataclass(frozen=True)
class DueItem:
    """An agenda item whose decision is not yet published, against its deadline."""

    item: AgendaItem
    decision: Decision | None
    deadline: Deadline


def decisions_due(now: datetime | None = None) -> list[DueItem]:
    """Public items of meetings that have started whose decision is not published yet,
    the most urgent first: what the staff's list of due and overdue decisions shows. Two
    queries; the deadline is counted once per meeting."""
    now = now or utcnow()
    published = aliased(Decision)
    rows = db.session.execute(
        select(AgendaItem, Decision)
        .join(AgendaItem.meeting)
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(
            Meeting.review_state == ReviewState.APPROVED,
            Meeting.cancelled_at.is_(None),
            Meeting.concluded_at.is_(None),
            Meeting.starts_at <= now,
            AgendaItem.shown_in_full(),
            ~select(published.id)
            .where(
                published.agenda_item_id == AgendaItem.id,
                published.current_version_id.is_not(None),
            )
            .exists(),
        )
        .options(selectinload(AgendaItem.meeting), selectinload(Decision.versions))
        .order_by(Meeting.starts_at, Meeting.id, AgendaItem.position)
    ).all()
    deadlines: dict[int, Deadline] = {}
    due = []
    for item, decision in rows:
        if item.meeting_id not in deadlines:
            deadlines[item.meeting_id] = deadline(item.meeting.starts_at, now)
        due.append(DueItem(item, decision, deadlines[item.meeting_id]))
    return due


def decisions_in_review() -> list[DecisionVersion]:
    return list(
        db.session.scalars(
            select(DecisionVersion)
            .where(DecisionVersion.review_state != ReviewState.APPROVED)
            .options(selectinload(DecisionVersion.decision))
            .order_by(DecisionVersion.created_at, DecisionVersion.id)
        )
    )


def decisions_to_publish(user: User, now: datetime) -> StartResult:
    """The start page's share of `decisions_due`: the most urgent few, each linking to
    where its decision is recorded or stands, and how many in all and overdue."""
    due = decisions_due(now)
    overdue = sum(1 for row in due if row.deadline.overdue)
    summary = ngettext(
        "%(num)d decision is not yet published.",
        "%(num)d decisions are not yet published.",
        len(due),
    )
    if overdue:
        summary += " " + ngettext("%(num)d is overdue.", "%(num)d are overdue.", overdue)
    return StartResult(
        len(due),
        summary,
        [_due_row(row) for row in due[:ROWS]],
        more_url=url_for("decision_staff.decisions"),
    )


def _due_row(row: DueItem) -> StartRow:
    decision, version = row.decision, row.decision.open_version if row.decision else None
    if decision is None:
        url, state = url_for("decision_staff.decision_new", item_id=row.item.id), _("Not recorded")
    else:
        url, state = decision.staff_url(), version.review_state.label if version else ""
    parts = [deadline_words(row.deadline), content(row.item.meeting.title), state]
    detail = Markup(" · ").join(part for part in parts if part)
    return StartRow(row.item.title, url, detail, urgent=row.deadline.overdue)


def deadline_words(deadline: Deadline) -> str:
    """Where a decision stands on the clock, in the words of its staff pages
    (`decisions/staff/_deadline.html`)."""
    day, left = deadline.day.isoformat(), deadline.working_days_left
    if deadline.overdue:
        words = ngettext(
            "Overdue by %(num)d working day (due %(day)s)",
            "Overdue by %(num)d working days (due %(day)s)",
            -left,
            day=day,
        )
    elif left == 0:
        words = _("Due today (%(day)s)", day=day)
    else:
        words = ngettext(
            "Due %(day)s: %(num)d working day left",
            "Due %(day)s: %(num)d working days left",
            left,
            day=day,
        )
    return f"{words} {_('(estimated)')}" if deadline.due.estimated else words
