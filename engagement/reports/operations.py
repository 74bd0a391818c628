"""Preparing an edition of the annual report: count the figures and keep them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.accounts.models import User
from core.audit import record_change
from core.clock import to_office_time, utcnow
from core.review import ReviewState
from core.rules import RuleBroken
from engagement.reports.figures import count_year
from engagement.reports.models import (
    AnnualReport,
    latest_edition_number,
    open_edition,
    published_editions,
)
from extensions import db

FIRST_YEAR = 2000  # before the Regulations on Open Government Information (2008) in force


def reportable_year(year: int, now: datetime) -> bool:
    """A year a report can be prepared for: begun, and not before the practice."""
    return FIRST_YEAR <= year <= to_office_time(now).year


def saw_anything(figures: dict[str, Any]) -> bool:
    """Whether the year held anything the report counts (then it is worth comparing)."""
    return bool(
        figures["meetings"]["held"]
        or figures["consultations"]["items_pre_disclosed"]
        or figures["open_days"]["held"]
    )


def prepare_report(
    year: int, *, correction_note: str | None, actor: User, now: datetime | None = None
) -> AnnualReport:
    """Count the year's figures into the edition being prepared, starting one if none is
    (a new edition once one is published, which then needs a note). A submitted edition
    is counted again only after it is returned: the reviewer approves what they read."""
    now = now or utcnow()
    if not reportable_year(year, now):
        raise RuleBroken(_("There is no report for %(year)d.", year=year))
    report = open_edition(year, lock=True)
    if report is not None and report.review_state == ReviewState.SUBMITTED:
        raise RuleBroken(
            _("This edition is waiting for review; it can be counted again once returned.")
        )
    figures = count_year(year, now)
    previous = year_before(year, figures, now)
    note = (correction_note or "").strip() or None
    if report is None:
        report = _new_edition(year, figures, actor)
        report.previous, report.prepared_at = previous, now
        report.correction_note = note if report.is_correction else None
        after = {"number": report.number, "correction_note": report.correction_note}
        record_change("annual_report.create", report, actor=actor, summary=str(year), after=after)
        return report
    report.figures, report.previous, report.prepared_at = figures, previous, now
    report.correction_note = note if report.is_correction else None
    after = {"number": report.number, "correction_note": report.correction_note}
    record_change("annual_report.recount", report, actor=actor, summary=str(year), after=after)
    return report


def _new_edition(year: int, figures: dict[str, Any], actor: User) -> AnnualReport:
    """A new edition, numbered after the last; two people starting one at the same moment
    meet at the (year, number) constraint, and the second is told so."""
    number = latest_edition_number(year) + 1
    report = AnnualReport(year=year, number=number, figures=figures, author=actor)
    try:
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
    except IntegrityError as clash:
        raise RuleBroken(
            _(
                "Someone else started an edition of this report at the same moment. Open "
                "the page again to see it."
            )
        ) from clash
    return report


def year_before(year: int, figures: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """What the report compares with, when the year before saw anything it counts: for a
    whole year, the figures the year before's report published (counted again when it has
    none); for a year not yet over, the same part of the year before."""
    if figures["complete"]:
        published = published_editions(year - 1)
        if published and published[0].figures.get("complete"):
            return published[0].figures
        previous = count_year(year - 1, now)
    else:
        previous = count_year(year - 1, same_moment_a_year_before(now))
    return previous if saw_anything(previous) else None


def same_moment_a_year_before(moment: datetime) -> datetime:
    """The same office-clock moment a year earlier (28 February for a 29th)."""
    local = to_office_time(moment)
    day = min(local.day, 28) if (local.month, local.day) == (2, 29) else local.day
    return local.replace(year=local.year - 1, day=day).astimezone(UTC)
