"""What the report's pages read: the published editions, and one report's page (its text,
tables and charts from the figures an edition keeps), the same for the public page and
the reviewer's preview."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import func, select

from engagement.reports.charts import Chart, report_charts
from engagement.reports.models import AnnualReport, published_editions
from engagement.reports.prose import Part, coverage, report_prose
from engagement.reports.tables import Table, report_tables
from extensions import db


@dataclass
class ReportPage:
    report: AnnualReport
    coverage: str
    parts: list[Part]
    tables: list[Table]
    charts: dict[str, Chart]
    history: list[AnnualReport]  # published editions, the one in force first

    @property
    def earlier(self) -> list[tuple[AnnualReport, Table]]:
        """The published editions other than this one, each with its figures' overview."""
        return [
            (edition, report_tables(edition.figures, edition.previous)[0])
            for edition in self.history
            if edition.id != self.report.id
        ]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def report_page(report: AnnualReport, history: list[AnnualReport] | None = None) -> ReportPage:
    figures, previous = report.figures, report.previous
    return ReportPage(
        report=report,
        coverage=coverage(figures),
        parts=report_prose(figures, previous),
        tables=report_tables(figures, previous),
        charts={chart.key: chart for chart in report_charts(figures, previous)},
        history=history or [],
    )


def published_report_or_404(year: int) -> ReportPage:
    editions = published_editions(year)
    if not editions:
        abort(404)
    return report_page(editions[0], editions)


def published_years() -> list[tuple[int, int]]:
    """Each year with a published report, newest first, with its number of editions."""
    return list(
        db.session.execute(
            AnnualReport.public()
            .with_only_columns(AnnualReport.year, func.count())
            .group_by(AnnualReport.year)
            .order_by(AnnualReport.year.desc())
        ).all()
    )


def editions_by_year() -> dict[int, list[AnnualReport]]:
    """Every edition, by year, newest first (staff)."""
    years: dict[int, list[AnnualReport]] = {}
    for report in db.session.scalars(
        select(AnnualReport).order_by(AnnualReport.year.desc(), AnnualReport.number.desc())
    ):
        years.setdefault(report.year, []).append(report)
    return years
