"""The publication clock: a decision is due 20 working days after its meeting
(政府信息公开条例 Art. 26), counted on the official calendar (`core.working_days`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.clock import to_office_time
from core.working_days import DueDate, add_working_days, working_days_between

PUBLICATION_WORKING_DAYS = 20
DUE_SOON_WORKING_DAYS = 5


@dataclass(frozen=True)
class Deadline:
    """When a meeting's decisions are due, and where today stands against it."""

    due: DueDate
    working_days_left: int  # negative once overdue

    @property
    def day(self) -> date:
        return self.due.day

    @property
    def overdue(self) -> bool:
        return self.working_days_left < 0

    @property
    def due_soon(self) -> bool:
        return 0 <= self.working_days_left <= DUE_SOON_WORKING_DAYS


def publication_due(meeting_starts_at: datetime) -> DueDate:
    """The last day on which a meeting's decisions are published in time: the 20th working
    day after the day the meeting was held (that day itself not counted)."""
    return add_working_days(to_office_time(meeting_starts_at).date(), PUBLICATION_WORKING_DAYS)


def deadline(meeting_starts_at: datetime, now: datetime) -> Deadline:
    due = publication_due(meeting_starts_at)
    today = to_office_time(now).date()
    if today <= due.day:
        left = working_days_between(today, due.day)
    else:
        left = -max(working_days_between(due.day, today), 1)
    return Deadline(due, left)


def published_in_time(meeting_starts_at: datetime, published_at: datetime) -> bool:
    return to_office_time(published_at).date() <= publication_due(meeting_starts_at).day
