"""The figures of a year's openness report, counted from the database.

Everything is counted over one calendar year on the office's clock. A meeting or open day
counts in the year it was held (its start), and only once it has been held by the time
the figures are taken; a consultation counts in the year its comment period opened.
The result is plain data (numbers, names as written, enum values) that the report keeps
as it was when prepared, so the published report does not move as the data does.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select

from core.clock import office_zone, to_office_time
from core.review import ReviewState
from engagement.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    Disposition,
    FeedbackReport,
)
from engagement.open_days.models import OpenDay, Registration, Status, VisitFeedback
from engagement.sitting_in.models import (
    Application,
    ApplicationStatus,
    Attendance,
    Category,
    Invitation,
)
from extensions import db
from meetings.decisions.deadlines import published_in_time
from meetings.decisions.models import Decision
from meetings.models import AgendaItem, Body, BodyLevel, Meeting, Visibility
from meetings.models.live import LiveUpdate

# What the kept figures hold: raised when a key is added or changes meaning, so a page can
# read an older edition's figures as they were counted.
FIGURES_VERSION = 1
# Registrations that were given a place (whether or not the person came).
GIVEN_A_PLACE = (Status.CONFIRMED, Status.SELECTED, Status.ATTENDED, Status.NO_SHOW)
SATISFIED = 4  # 4 "satisfied" and 5 "very satisfied" count as satisfied


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year on the office's clock, as aware UTC: [1 January 00:00, next 1 January)."""
    zone = office_zone()
    return (
        datetime(year, 1, 1, tzinfo=zone).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC),
    )


def count_year(year: int, now: datetime) -> dict[str, Any]:
    """Every figure of the report for `year`, as things stand at `now`."""
    start, end = year_bounds(year)
    until = min(end, now)
    return {
        "version": FIGURES_VERSION,
        "year": year,
        "taken_at": now.isoformat(),
        "complete": now >= end,
        "meetings": _meetings(start, until),
        "consultations": _consultations(start, until),
        "sitting_in": _sitting_in(start, until),
        "decisions": _decisions(start, until),
        "open_days": _open_days(start, until),
    }


def _held_meetings(start: datetime, until: datetime) -> Any:
    """Announced (approved), not cancelled meetings that started in the window."""
    return (
        Meeting.public()
        .where(Meeting.cancelled_at.is_(None))
        .where(Meeting.starts_at >= start, Meeting.starts_at < until)
    )


def _public_items(meetings: Any) -> Any:
    return select(AgendaItem.id).where(
        AgendaItem.meeting_id.in_(meetings.with_only_columns(Meeting.id)),
        AgendaItem.published_at.is_not(None),
        AgendaItem.removed_at.is_(None),
    )


def _meetings(start: datetime, until: datetime) -> dict[str, Any]:
    held = _held_meetings(start, until)
    rows = db.session.execute(
        held.with_only_columns(Meeting.id, Meeting.starts_at, Body.name, Body.level)
        .join(Body, Body.id == Meeting.body_id)
        .order_by(Meeting.starts_at)
    ).all()
    by_month = [0] * 12
    by_body: Counter[tuple[str, str]] = Counter()
    for _id, starts_at, body, level in rows:
        by_month[to_office_time(starts_at).month - 1] += 1
        by_body[(body, level.value)] += 1
    levels = Counter({level.value: 0 for level in BodyLevel})
    for (_body, level), count in by_body.items():
        levels[level] += count
    items = _public_items(held)
    visibility = dict(
        db.session.execute(
            select(AgendaItem.visibility, func.count())
            .where(AgendaItem.id.in_(items))
            .group_by(AgendaItem.visibility)
        ).all()
    )
    # Followed live: a meeting with a live broadcast or live updates on its page; its
    # public (not withheld) items with it.
    live = (
        held.with_only_columns(Meeting.id)
        .where(
            or_(
                Meeting.livestream_url.is_not(None),
                select(LiveUpdate.id)
                .where(LiveUpdate.meeting_id == Meeting.id, LiveUpdate.withdrawn_at.is_(None))
                .exists(),
            )
        )
        .subquery()
    )
    meetings_live = db.session.scalar(select(func.count()).select_from(live))
    followed_live = db.session.scalar(
        select(func.count()).where(
            AgendaItem.id.in_(items),
            AgendaItem.meeting_id.in_(select(live.c.id)),
            AgendaItem.visibility == Visibility.PUBLIC,
        )
    )
    return {
        "held": len(rows),
        "by_month": by_month,
        "by_body": [
            {"name": name, "level": level, "count": count}
            for (name, level), count in sorted(by_body.items(), key=_body_order)
        ],
        "by_level": dict(levels),
        "items_public": visibility.get(Visibility.PUBLIC, 0),
        "items_withheld": visibility.get(Visibility.WITHHELD, 0),
        "items_followed_live": followed_live or 0,
        "meetings_followed_live": meetings_live or 0,
    }


_LEVELS = [level.value for level in BodyLevel]


def _body_order(row: tuple[tuple[str, str], int]) -> tuple[int, int, str]:
    """District first, then departments, then street offices; the busiest first in each."""
    (name, level), count = row
    return _LEVELS.index(level), -count, name


def _consultations(start: datetime, until: datetime) -> dict[str, Any]:
    """Consultations whose comment period opened in the window, on an item that was on a
    public agenda (taken off it since or not: its comments were real). Comments caught
    by the trap for automated sending are not counted as sent. How comments were used is
    counted as the published feedback reports tell it: published comments of
    consultations whose feedback report is published."""
    opened = Consultation.in_calendars().where(
        Consultation.opens_at >= start, Consultation.opens_at < until
    )
    consultations = db.session.execute(
        opened.with_only_columns(
            Consultation.id, Consultation.title, Meeting.starts_at, Meeting.cancelled_at
        ).order_by(Consultation.opens_at, Consultation.id)
    ).all()
    ids = [row.id for row in consultations]
    sent = Comment.consultation_id.in_(ids), Comment.suspected_automation.is_(False)
    per = {
        (consultation_id, status): count
        for consultation_id, status, count in db.session.execute(
            select(Comment.consultation_id, Comment.status, func.count())
            .where(*sent)
            .group_by(Comment.consultation_id, Comment.status)
        ).all()
    }
    feedback = dict(
        db.session.execute(
            select(FeedbackReport.consultation_id, FeedbackReport.published_at).where(
                FeedbackReport.consultation_id.in_(ids),
                FeedbackReport.review_state == ReviewState.APPROVED,
            )
        ).all()
    )
    dispositions = dict(
        db.session.execute(
            select(Comment.disposition, func.count())
            .where(
                *sent,
                Comment.consultation_id.in_(list(feedback)),
                Comment.status == CommentStatus.PUBLISHED,
                Comment.disposition.is_not(None),
            )
            .group_by(Comment.disposition)
        ).all()
    )
    per_consultation = []
    for row in consultations:
        counts = {status: per.get((row.id, status), 0) for status in CommentStatus}
        per_consultation.append(
            {
                "title": row.title,
                "received": sum(counts.values()),
                "published": counts[CommentStatus.PUBLISHED],
            }
        )
    before_meeting = sum(
        1
        for row in consultations
        if row.id in feedback and row.cancelled_at is None and feedback[row.id] < row.starts_at
    )
    rejected = sum(per.get((row.id, CommentStatus.REJECTED), 0) for row in consultations)
    received = sum(row["received"] for row in per_consultation)
    published = sum(row["published"] for row in per_consultation)
    return {
        "items_pre_disclosed": len(consultations),
        "comments_received": received,
        "comments_published": published,
        "comments_not_published": rejected,
        "comments_awaiting_moderation": received - published - rejected,
        "dispositions": {member.value: dispositions.get(member, 0) for member in Disposition},
        "per_consultation": per_consultation,
        "feedback_reports": len(feedback),
        "feedback_before_meeting": before_meeting,
    }


def _sitting_in(start: datetime, until: datetime) -> dict[str, Any]:
    meetings = _held_meetings(start, until).with_only_columns(Meeting.id)
    present = dict(
        db.session.execute(
            select(Invitation.category, func.count())
            .where(
                Invitation.meeting_id.in_(meetings),
                Invitation.attendance == Attendance.PRESENT,
            )
            .group_by(Invitation.category)
        ).all()
    )
    applications = dict(
        db.session.execute(
            select(Application.status, func.count())
            .where(Application.meeting_id.in_(meetings))
            .group_by(Application.status)
        ).all()
    )
    people = db.session.scalar(
        select(func.count(func.distinct(Invitation.person_id))).where(
            Invitation.meeting_id.in_(meetings), Invitation.attendance == Attendance.PRESENT
        )
    )
    return {
        "by_category": {member.value: present.get(member, 0) for member in Category},
        "sat_in": sum(present.values()),
        "people": people or 0,
        "applications": sum(applications.values()),
        "applicants_selected": applications.get(ApplicationStatus.SELECTED, 0),
    }


def _decisions(start: datetime, until: datetime) -> dict[str, Any]:
    held = _held_meetings(start, until)
    items = _public_items(held).where(AgendaItem.visibility == Visibility.PUBLIC)
    expected = db.session.scalar(select(func.count()).select_from(items.subquery()))
    published = db.session.execute(
        select(Meeting.starts_at, Decision.first_published_at)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(
            Decision.agenda_item_id.in_(items),
            Decision.first_published_at.is_not(None),
        )
    ).all()
    in_time = sum(1 for starts_at, first in published if published_in_time(starts_at, first))
    return {
        "items_to_decide": expected or 0,
        "published": len(published),
        "published_in_time": in_time,
    }


def _open_days(start: datetime, until: datetime) -> dict[str, Any]:
    """Open days that started in the window and were over by its end. A place counts as
    taken by whoever holds it (confirmed, drawn, came or did not), and everyone holding a
    place who was not checked in at the door did not come, marked so or not."""
    held = db.session.execute(
        OpenDay.public()
        .with_only_columns(OpenDay.id, OpenDay.title, OpenDay.capacity)
        .where(OpenDay.cancelled_at.is_(None))
        .where(OpenDay.starts_at >= start, OpenDay.starts_at < until, OpenDay.ends_at <= until)
        .order_by(OpenDay.starts_at, OpenDay.id)
    ).all()
    ids = [row.id for row in held]
    per = {
        (open_day_id, status): count
        for open_day_id, status, count in db.session.execute(
            select(Registration.open_day_id, Registration.status, func.count())
            .where(Registration.open_day_id.in_(ids))
            .group_by(Registration.open_day_id, Registration.status)
        ).all()
    }
    spread = dict(
        db.session.execute(
            select(VisitFeedback.satisfaction, func.count())
            .where(VisitFeedback.open_day_id.in_(ids))
            .group_by(VisitFeedback.satisfaction)
        ).all()
    )
    taken = {row.id: sum(per.get((row.id, status), 0) for status in GIVEN_A_PLACE) for row in held}
    given = sum(taken.values())
    attended = sum(per.get((row.id, Status.ATTENDED), 0) for row in held)
    return {
        "held": len(held),
        "places": sum(row.capacity for row in held),
        "registrations": sum(per.values()),
        "given_a_place": given,
        "attended": attended,
        "no_shows": given - attended,
        "feedback_answers": sum(spread.values()),
        "satisfied": sum(count for score, count in spread.items() if score >= SATISFIED),
        "satisfaction_total": sum(score * count for score, count in spread.items()),
        "per_open_day": [
            {"title": row.title, "places": row.capacity, "taken": taken[row.id]} for row in held
        ],
    }
