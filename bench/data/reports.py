"""Annual reports' share of ten busy years: the report of every year the data covers,
prepared from that year's figures by the app's own counting (`prepare_report`) and
published through review; for the current year a second edition with its note, the
one its page shows (and the first, the demo's, in its history)."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.data import Generation
from core import review
from core.accounts.models import User
from core.clock import to_office_time
from engagement.reports.operations import prepare_report
from extensions import db
from meetings.models import Meeting


def generate_reports(gen: Generation) -> None:
    editor = db.session.get(User, gen.staff["editor"].id)
    reviewer = db.session.get(User, gen.staff["reviewer"].id)
    first = db.session.scalar(select(func.min(Meeting.starts_at)))
    this_year = to_office_time(gen.now).year
    for year in range(to_office_time(first).year, this_year + 1):
        note = "按全部数据重新统计。" if year == this_year else None
        report = prepare_report(year, correction_note=note, actor=editor, now=gen.now)
        review.submit_for_review(report, actor=editor)
        review.approve(report, actor=reviewer)
        db.session.flush()
