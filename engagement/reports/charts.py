"""The report's charts as geometry for server-drawn SVG (`templates/reports/_chart.html`):
no JavaScript, a title and a description for screen readers, and the same figures in the
table beside each chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from engagement.reports.tables import month_name, share
from engagement.sitting_in.models import Category

WIDTH = 400  # the drawing's units; on a phone 1 unit is about 0.85 px, on a desk 1.25
LABEL_CHARS = 26  # a longer name is cut in the drawing; the table beside has it whole


@dataclass
class Mark:
    label: str
    value: float
    text: str  # the value as written on the chart
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    series: int = 0  # 0 this year, 1 the year before


@dataclass
class Chart:
    key: str
    title: str
    description: str
    kind: str  # "columns" (months) or "bars" (named rows)
    marks: list[Mark] = field(default_factory=list)
    labels: list[Mark] = field(default_factory=list)  # axis labels (columns)
    height: float = 0
    legend: list[str] = field(default_factory=list)
    content_labels: bool = False  # the labels are names the office wrote, not words of ours

    @property
    def empty(self) -> bool:
        return not any(mark.value for mark in self.marks)


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _highest(pairs: list[tuple[str, float, str]], name_them: bool = True) -> str:
    """What a screen reader hears for the chart: the highest (all of them when tied), by
    name when the names are ours (a month, a category); names the office wrote are read
    in the table below, marked in their language."""
    top = max((value for _label, value, _text in pairs), default=0)
    if not top:
        return _("Nothing to show this year.")
    tied = [(label, text) for label, value, text in pairs if value == top]
    if not name_them:
        return _(
            "Highest: %(value)s. The table below names each with its figure.", value=tied[0][1]
        )
    return _(
        "Highest: %(label)s, %(value)s. The table below gives every figure.",
        label=format_list([label for label, _text in tied], locale=get_locale()),
        value=tied[0][1],
    )


def columns(
    key: str, title: str, values: list[int], before: list[int] | None, years: tuple[int, int]
) -> Chart:
    """Twelve months as columns; the year before beside each, lighter, when given."""
    names = [month_name(month) for month in range(1, 13)]
    chart = Chart(
        key,
        title,
        _highest([(n, v, str(v)) for n, v in zip(names, values, strict=True)]),
        "columns",
    )
    top, plot, left = 40, 150, 4
    chart.height = top + plot + 24
    slot = (WIDTH - 2 * left) / 12
    series = [values] + ([before] if before else [])
    peak = max(max(s) for s in series) or 1
    width = slot * (0.6 if before is None else 0.36)
    for index, name in enumerate(names):
        for number, counts in enumerate(series):
            value = counts[index]
            height = plot * value / peak
            x = left + slot * index + (slot - width * len(series)) / 2 + width * number
            chart.marks.append(
                Mark(name, value, str(value), x, top + plot - height, width, height, number)
            )
        chart.labels.append(Mark(name, 0, name, left + slot * index + slot / 2, top + plot + 18))
    if before:
        chart.legend = [str(years[0]), str(years[1])]
    return chart


def bars(
    key: str,
    title: str,
    rows: list[tuple[str, float, str]],
    scale: float | None = None,
    content_labels: bool = True,
) -> Chart:
    """Named rows as horizontal bars, the name above each bar and the value after it."""
    description = _highest(rows, name_them=not content_labels)
    chart = Chart(key, title, description, "bars", content_labels=content_labels)
    row_height, label_width = 44, WIDTH - 60
    peak = scale or max((value for _l, value, _t in rows), default=0) or 1
    for index, (label, value, text) in enumerate(rows):
        y = index * row_height
        chart.marks.append(
            Mark(_cut(label), value, text, 0, y + 22, label_width * value / peak, 16)
        )
    chart.height = len(rows) * row_height + 6
    return chart


def report_charts(figures: dict[str, Any], previous: dict[str, Any] | None) -> list[Chart]:
    year = figures["year"]
    consultations = figures["consultations"]["per_consultation"]
    sitting = figures["sitting_in"]["by_category"]
    open_days = figures["open_days"]["per_open_day"]
    return [
        columns(
            "meetings-by-month",
            _("Meetings held openly, by month"),
            figures["meetings"]["by_month"],
            previous["meetings"]["by_month"] if previous else None,
            (year, year - 1),
        ),
        bars(
            "comments-by-consultation",
            _("Comments received, by consultation"),
            [(row["title"], row["received"], str(row["received"])) for row in consultations],
        ),
        bars(
            "sitting-in-by-category",
            _("Times invited guests sat in, by category"),
            [
                (str(member.label), sitting[member.value], str(sitting[member.value]))
                for member in Category
            ],
            content_labels=False,
        ),
        bars(
            "open-days",
            _("Government open days: share of places taken"),
            [
                (
                    row["title"],
                    row["taken"] / row["places"] if row["places"] else 0,
                    share(row["taken"], row["places"]),
                )
                for row in open_days
            ],
            scale=1,
        ),
    ]
