"""Read queries for the staff start page: the open days held today, with how many of those
expected have not checked in yet, and those whose places are running out while
registration is open. One query each, whatever the number: the first few with the totals."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from core.clock import from_office_time, to_office_time
from core.review import ReviewState
from core.start_page import ROWS, StartResult, StartRow
from core.web import office_time
from engagement.open_days.models import Mode, OpenDay, Registration, Status
from extensions import db

if TYPE_CHECKING:
    from core.accounts.models import User

# Expected at the door: holding a place, not yet checked in.
EXPECTED = (Status.CONFIRMED, Status.SELECTED)
# Filling up: at most a fifth of the places left, or at most this many (a small open day's
# fifth is one or two places, too late to tell anyone).
FEW_PLACES = 5


def open_days_today(user: User, now: datetime) -> StartResult:
    """Public open days starting on the office's today, not cancelled, each with how many
    registrations are still expected at the door, linking to its check-in."""
    today = to_office_time(now).date()
    day_starts = from_office_time(datetime.combine(today, time()))
    day_ends = from_office_time(datetime.combine(today + timedelta(days=1), time()))
    expected = func.count(Registration.id).filter(Registration.status.in_(EXPECTED))
    rows = db.session.execute(
        select(
            OpenDay.id,
            OpenDay.title,
            OpenDay.starts_at,
            expected,
            func.count().over(),
            func.sum(expected).over(),
        )
        .outerjoin(Registration, Registration.open_day_id == OpenDay.id)
        .where(
            OpenDay.review_state == ReviewState.APPROVED,
            OpenDay.cancelled_at.is_(None),
            OpenDay.starts_at >= day_starts,
            OpenDay.starts_at < day_ends,
        )
        .group_by(OpenDay.id, OpenDay.title, OpenDay.starts_at)
        .order_by(OpenDay.starts_at, OpenDay.id)
        .limit(ROWS)
    ).all()
    days, waiting = (rows[0][4], int(rows[0][5] or 0)) if rows else (0, 0)
    if waiting:
        summary = ngettext(
            "%(num)d registration is not checked in yet.",
            "%(num)d registrations are not checked in yet.",
            waiting,
        )
    else:
        summary = _("Everyone expected has checked in.")
    return StartResult(
        days,
        summary,
        [
            StartRow(
                title,
                url_for("open_day_staff.check_in", open_day_id=open_day_id),
                " · ".join(
                    [
                        _("starts %(when)s", when=office_time(starts_at, "HH:mm")),
                        ngettext("%(num)d not checked in", "%(num)d not checked in", count),
                    ]
                ),
            )
            for open_day_id, title, starts_at, count, _days, _waiting in rows
        ],
        more_url=url_for("open_day_staff.open_days"),
    )


def open_days_filling_up(user: User, now: datetime) -> StartResult:
    """First-come open days taking registrations now with few places left (or none: new
    registrations wait), the fewest left first. A lottery's places are not taken until
    its draw, so it never fills up."""
    left = OpenDay.capacity - OpenDay.taken
    rows = db.session.execute(
        select(
            OpenDay.id,
            OpenDay.title,
            OpenDay.capacity,
            left,
            OpenDay.registration_closes_at,
            func.count().over(),
        )
        .where(
            OpenDay.review_state == ReviewState.APPROVED,
            OpenDay.cancelled_at.is_(None),
            OpenDay.mode == Mode.FIRST_COME,
            OpenDay.registration_opens_at <= now,
            OpenDay.registration_closes_at > now,
            OpenDay.starts_at > now,
            or_(left * 5 <= OpenDay.capacity, left <= FEW_PLACES),
        )
        .order_by(left, OpenDay.registration_closes_at, OpenDay.id)
        .limit(ROWS)
    ).all()
    total = rows[0][5] if rows else 0
    return StartResult(
        total,
        ngettext(
            "%(num)d open day has few places left.",
            "%(num)d open days have few places left.",
            total,
        ),
        [
            StartRow(
                title,
                url_for("open_day_staff.registrations", open_day_id=open_day_id),
                " ".join(
                    [
                        _places(capacity, places_left),
                        _("Registration closes %(when)s.", when=office_time(closes_at)),
                    ]
                ),
            )
            for open_day_id, title, capacity, places_left, closes_at, _total in rows
        ],
        more_url=url_for("open_day_staff.open_days"),
    )


def _places(capacity: int, places_left: int) -> str:
    if places_left:
        return ngettext(
            "%(num)d place left of %(capacity)d.",
            "%(num)d places left of %(capacity)d.",
            places_left,
            capacity=capacity,
        )
    return ngettext("The %(num)d place is taken.", "All %(num)d places are taken.", capacity)
