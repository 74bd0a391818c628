"""The demo's annual report: the year most of the story happened in, counted just before
the demo was loaded and published through review (the figures of the whole year when it
is over by then, as a report published in January has)."""

from __future__ import annotations

from datetime import timedelta

from core import review
from core.accounts.models import User
from engagement.reports.figures import year_bounds
from engagement.reports.operations import prepare_report
from meetings.demo import DemoClock


def load_reports_demo(staff: dict[str, User], clock: DemoClock) -> None:
    year = clock.day_of(clock.office_day(-150, 12)).year
    prepared = clock.now - timedelta(minutes=10)
    year_end = year_bounds(year)[1]
    if prepared < year_end <= clock.now:
        prepared = year_end  # the year ended minutes before loading: counted whole
    with clock.at(prepared):
        report = prepare_report(year, correction_note=None, actor=staff["editor"], now=prepared)
    step = min(timedelta(seconds=20), (clock.now - prepared) / 3)
    with clock.at(prepared + step):
        review.submit_for_review(report, actor=staff["editor"])
    with clock.at(prepared + 2 * step):
        review.approve(report, actor=staff["reviewer"])
