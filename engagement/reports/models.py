"""The annual openness report's meeting-openness section (政府信息公开工作年度报告), one
row per edition: the figures counted when staff prepared it, published through review.

An edition keeps the figures it was prepared with, so the published report does not move
as the data does. A later edition (the full year's figures, a mistake found) goes through
review again with a note the public reads; earlier editions stay as the history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, selectinload

from core.clock import UTCDateTime, utcnow
from core.review import Reviewable, ReviewState
from engagement.reports.figures import year_bounds
from extensions import db


class AnnualReport(Reviewable, db.Model):
    __tablename__ = "annual_reports"
    __table_args__ = (UniqueConstraint("year", "number"),)
    review_kind = "annual_report"
    review_kind_label = _l("Annual openness report")

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int] = mapped_column(default=1)  # the edition
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The year before, counted at the same moment, when it saw any of what the report
    # counts; the report then compares the two.
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    correction_note: Mapped[str | None] = mapped_column(Text)

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    @property
    def review_title(self) -> str:
        return _("Annual openness report %(year)s", year=self.year)

    @property
    def audit_title(self) -> str:
        return str(self.year)

    def staff_url(self) -> str:
        return url_for("report_staff.report", year=self.year)

    def public_url(self) -> str:
        return url_for("reports.report", year=self.year)

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        return [selectinload(cls.author)]

    def review_blockers(self) -> list[str]:
        blockers = []
        if self.is_correction and not (self.correction_note or "").strip():
            blockers.append(_("A new edition needs a note saying what changed and why."))
        if not self.figures.get("complete") and utcnow() >= year_bounds(self.year)[1]:
            blockers.append(
                _(
                    "The figures were counted before the year was over: count them again "
                    "for the whole year before it is published."
                )
            )
        return blockers


def latest_edition_number(year: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(AnnualReport.number), 0)).where(AnnualReport.year == year)
    )


def published_editions(year: int) -> list[AnnualReport]:
    """The year's published editions, the one in force first."""
    return list(
        db.session.scalars(
            AnnualReport.public()
            .where(AnnualReport.year == year)
            .order_by(AnnualReport.number.desc())
            .options(selectinload(AnnualReport.reviewed_by))
        )
    )


def open_edition(year: int, *, lock: bool = False) -> AnnualReport | None:
    """The edition being prepared or reviewed, if any (one at a time); `lock` holds its row
    until the commit, so a submit cannot slip in while its figures are counted again."""
    query = (
        select(AnnualReport)
        .where(AnnualReport.year == year, AnnualReport.review_state != ReviewState.APPROVED)
        .order_by(AnnualReport.number.desc())
        .limit(1)
    )
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)
