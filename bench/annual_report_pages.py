"""The annual report's pages in the load bench: the list of years, the newest year's
report (its text, tables and charts written from the kept figures) and one of its tables
as CSV."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func

from engagement.reports.models import AnnualReport
from extensions import db


def _newest() -> tuple[int, int]:
    year, editions = db.session.execute(
        AnnualReport.public()
        .with_only_columns(AnnualReport.year, func.count())
        .group_by(AnnualReport.year)
        .order_by(AnnualReport.year.desc())
        .limit(1)
    ).one()
    return year, editions


def report_list(_client: FlaskClient) -> tuple[str, str]:
    years = db.session.scalar(
        AnnualReport.public().with_only_columns(func.count(func.distinct(AnnualReport.year)))
    )
    return "/reports/", f"{years} years published"


def newest_report(_client: FlaskClient) -> tuple[str, str]:
    year, editions = _newest()
    return f"/reports/{year}", f"{year}, {editions} edition(s)"


def newest_report_table(_client: FlaskClient) -> tuple[str, str]:
    year, _editions = _newest()
    return f"/reports/{year}/comments-by-consultation.csv", f"{year}, comments by consultation"
