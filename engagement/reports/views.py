"""The public report pages: the list of published years, a year's report, and each of its
tables as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from core.spreadsheets import csv_download
from core.web import render_page
from engagement.reports.queries import published_report_or_404, published_years
from engagement.reports.tables import TABLE_KEYS

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/")
def report_list() -> Response:
    return render_page("reports/list.html", years=published_years())


@bp.get("/<int:year>")
def report(year: int) -> Response:
    return render_page("reports/report.html", page=published_report_or_404(year))


@bp.get("/<int:year>/<key>.csv")
def table_csv(year: int, key: str) -> Response:
    if key not in TABLE_KEYS:
        abort(404)
    table = published_report_or_404(year).table(key)
    return csv_download(f"report-{year}-{key}.csv", table.columns, table.rows)
