"""Staff pages of the annual report: the years, and one year's edition being prepared or
reviewed, read as the public will read it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import to_office_time, utcnow
from core.runner import form_status, run_for_form
from core.spreadsheets import csv_download
from core.web import render_page
from engagement.reports import operations
from engagement.reports.forms import PrepareForm
from engagement.reports.models import AnnualReport, open_edition, published_editions
from engagement.reports.queries import editions_by_year, report_page
from engagement.reports.tables import TABLE_KEYS

bp = Blueprint("report_staff", __name__, url_prefix="/admin/reports")


@bp.get("/")
@permission_required(Permission.EDIT, Permission.REVIEW)
def reports() -> Response:
    this_year = to_office_time(utcnow()).year
    editions = editions_by_year()
    years = sorted({this_year, this_year - 1, *editions}, reverse=True)
    return render_page("reports/staff/list.html", years=years, editions=editions)


@bp.get("/<int:year>")
@permission_required(Permission.EDIT, Permission.REVIEW)
def report(year: int) -> Response:
    current = _year_or_404(year)
    form = PrepareForm(formdata=None)
    if current is not None:
        form.correction_note.data = current.correction_note
    return _report_page(year, current, form)


@bp.post("/<int:year>/count")
@permission_required(Permission.EDIT)
def count(year: int) -> Response:
    """Count the year's figures into the edition being prepared (or a new one)."""
    current = _year_or_404(year)
    form = PrepareForm()
    if form.validate_on_submit():
        counted = run_for_form(
            form,
            lambda: operations.prepare_report(
                year, correction_note=form.correction_note.data, actor=current_user
            ),
            done=_("Figures counted. Read the report below, then submit it for review."),
            then=url_for(".report", year=year),
        )
        if counted:
            return counted
    return _report_page(year, current, form)


def _year_or_404(year: int) -> AnnualReport | None:
    if not operations.reportable_year(year, utcnow()):
        abort(404)
    return open_edition(year)


def _report_page(year: int, current: AnnualReport | None, form: PrepareForm) -> Response:
    published = published_editions(year)
    return render_page(
        "reports/staff/report.html",
        year=year,
        form=form,
        current=current,
        page=report_page(current, published) if current else None,
        published=published,
        now=utcnow(),
        status=form_status(form),
    )


@bp.get("/<int:year>/<key>.csv")
@permission_required(Permission.EDIT, Permission.REVIEW)
def table_csv(year: int, key: str) -> Response:
    """A table of the edition being prepared (the public's CSV starts at publication)."""
    current = open_edition(year)
    if key not in TABLE_KEYS or current is None:
        abort(404)
    table = report_page(current).table(key)
    return csv_download(f"report-{year}-{current.number}-{key}.csv", table.columns, table.rows)
