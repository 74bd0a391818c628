"""The report's tables, built from its kept figures: the page shows them beside the
charts, and each downloads as CSV with the same rows. Headings are in the reader's
language; names (bodies, consultations, open days) as they were written."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from babel.dates import get_month_names
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _

from engagement.consultations.models import Disposition
from engagement.sitting_in.models import Category
from meetings.models import BodyLevel

TABLE_KEYS = (
    "overview",
    "meetings-by-month",
    "meetings-by-body",
    "comments-by-consultation",
    "sitting-in-by-category",
    "open-days",
)


@dataclass
class Table:
    key: str
    caption: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # Columns holding names as staff wrote them (marked with the content's language).
    content_columns: tuple[int, ...] = ()


def share(part: int, whole: int) -> str:
    """A share as the reader's locale writes percentages, to a tenth and rounded down (so
    100% means all of them); a dash when there is no whole."""
    if not whole:
        return "—"
    return format_percent(math.floor(part * 1000 / whole) / 1000, format="#,##0.#%")


def average(total: int, count: int) -> str:
    return format_decimal(total / count, format="0.0") if count else "—"


def month_name(month: int) -> str:
    """The month as a chart's axis names it: 1月 / Jan."""
    return get_month_names("abbreviated", context="stand-alone", locale=get_locale())[month]


def overview_rows(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    """The headline figures: (label, value), in the order the prose tells them."""
    meetings = figures["meetings"]
    comments = figures["consultations"]
    dispositions = comments["dispositions"]
    sitting = figures["sitting_in"]
    decisions = figures["decisions"]
    open_days = figures["open_days"]
    return [
        (_("Meetings held openly"), meetings["held"]),
        (_("Meetings followed live"), meetings["meetings_followed_live"]),
        (_("Agenda items made public"), meetings["items_public"]),
        (_("Agenda items withheld, with their legal basis"), meetings["items_withheld"]),
        (_("Public agenda items of meetings followed live"), meetings["items_followed_live"]),
        (_("Agenda items pre-disclosed for comment"), comments["items_pre_disclosed"]),
        (_("Comments received"), comments["comments_received"]),
        (_("Comments published"), comments["comments_published"]),
        (_("Comments adopted"), dispositions[Disposition.ADOPTED.value]),
        (_("Comments partly adopted"), dispositions[Disposition.PARTLY_ADOPTED.value]),
        (_("Comments not adopted"), dispositions[Disposition.NOT_ADOPTED.value]),
        (
            _("Comments outside the scope of the draft"),
            dispositions[Disposition.OUT_OF_SCOPE.value],
        ),
        (_("Feedback reports published"), comments["feedback_reports"]),
        (_("Feedback reports published before the meeting"), comments["feedback_before_meeting"]),
        (_("Times invited guests sat in"), sitting["sat_in"]),
        (_("People who sat in"), sitting.get("people", 0)),
        (_("Residents' applications to sit in"), sitting["applications"]),
        (_("Applicants chosen to sit in"), sitting["applicants_selected"]),
        (_("Public agenda items to decide"), decisions["items_to_decide"]),
        (_("Decisions published"), decisions["published"]),
        (_("Decisions published within 20 working days"), decisions["published_in_time"]),
        (_("Government open days held"), open_days["held"]),
        (_("Open-day places"), open_days["places"]),
        (_("Open-day registrations"), open_days["registrations"]),
        (_("Registrations given a place"), open_days["given_a_place"]),
        (_("Residents who came to an open day"), open_days["attended"]),
        (_("Residents given a place who did not come"), open_days["no_shows"]),
        (_("Visitors who answered the survey"), open_days["feedback_answers"]),
        (_("Satisfied or very satisfied visitors"), open_days["satisfied"]),
    ]


def report_tables(figures: dict[str, Any], previous: dict[str, Any] | None) -> list[Table]:
    year, before = figures["year"], previous["year"] if previous else None
    this_year, last_year = str(year), str(before)

    overview = Table("overview", _("The year in figures"), [_("Figure"), this_year])
    if previous:
        overview.columns += [last_year, _("Change")]
        for (label, value), (_label, earlier) in zip(
            overview_rows(figures), overview_rows(previous), strict=True
        ):
            overview.rows.append([label, value, earlier, value - earlier])
    else:
        overview.rows = [[label, value] for label, value in overview_rows(figures)]

    months = Table(
        "meetings-by-month", _("Meetings held openly, by month"), [_("Month"), this_year]
    )
    if previous:
        months.columns.append(last_year)
    for index, count in enumerate(figures["meetings"]["by_month"]):
        row = [month_name(index + 1), count]
        if previous:
            row.append(previous["meetings"]["by_month"][index])
        months.rows.append(row)

    bodies = Table(
        "meetings-by-body",
        _("Meetings held openly, by body"),
        [_("Body"), _("Level"), _("Meetings")],
        [
            [row["name"], BodyLevel(row["level"]).label, row["count"]]
            for row in figures["meetings"]["by_body"]
        ],
        content_columns=(0,),
    )

    consultations = Table(
        "comments-by-consultation",
        _("Comments, by consultation"),
        [_("Consultation"), _("Comments received"), _("Comments published")],
        [
            [row["title"], row["received"], row["published"]]
            for row in figures["consultations"]["per_consultation"]
        ],
        content_columns=(0,),
    )

    categories = Table(
        "sitting-in-by-category",
        _("Times invited guests sat in, by category"),
        [_("Category"), this_year] + ([last_year] if previous else []),
    )
    for member in Category:
        row = [member.label, figures["sitting_in"]["by_category"][member.value]]
        if previous:
            row.append(previous["sitting_in"]["by_category"][member.value])
        categories.rows.append(row)

    open_days = Table(
        "open-days",
        _("Government open days: places taken"),
        [_("Open day"), _("Places"), _("Places taken"), _("Fill rate")],
        [
            [row["title"], row["places"], row["taken"], share(row["taken"], row["places"])]
            for row in figures["open_days"]["per_open_day"]
        ],
        content_columns=(0,),
    )
    return [overview, months, bodies, consultations, categories, open_days]
