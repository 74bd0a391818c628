"""The official Chinese working-day calendar, and counting on it for the publication clock.

政府信息公开条例 Art. 26 gives 20 working days to disclose proactively. A working day there is
a day of the State Council's calendar: a weekday that is not a public holiday, or a weekend day
the year's notice turns into a make-up working day (调休). This module owns that calendar and
the counting; the notices themselves come from the `holidays` library. For a year whose notice
the library does not hold, it counts with the statutory holidays and weekends alone and says so
(`DueDate.estimated`), so the app can warn staff instead of presenting a guess as the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

# A notice's New Year arrangement reaches back into the previous December: the 2002 notice made
# 29-30 Dec 2001 working days, the 2008 and 2019 ones gave 31 Dec off. So the last week of a
# year also waits on the next year's notice.
_NEW_YEARS_REACH = 7


@dataclass(frozen=True)
class DueDate:
    day: date  # the last working day of the period
    estimated: bool  # some day counted lies in a year whose official schedule is not known
    unknown_years: tuple[int, ...]  # those years, sorted


@lru_cache(maxsize=1)
def official_schedule_years() -> tuple[int, int]:
    """The first and last year whose State Council holiday notice the library holds.

    Read from the library's data, so upgrading it moves the bound: the CN calendar keeps each
    notice in `special_public_holidays` (year -> entries), writing a make-up working day as a
    substituted day off, an entry of four or five items (month, day, from month, from day[,
    from year]). The years with such entries are the years with a notice; any other year is
    only the statute and the weekend rule.
    """
    notices = holidays.country_holidays("CN").special_public_holidays
    years = [
        year
        for year, entries in notices.items()
        # A year holds one entry tuple or a tuple of them.
        if any(len(e) >= 4 for e in (entries if isinstance(entries[0], tuple) else (entries,)))
    ]
    return min(years), max(years)


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    # Public holidays only: the half-day ones (Women's Day, Youth Day, ...) are for some people
    # and do not stop the clock. Make-up days a later notice put in this year are included:
    # the library loads every notice's cross-year ones into each object.
    return holidays.country_holidays("CN", years=year, expand=False)


def is_working_day(day: date) -> bool:
    """A weekday that is not a public holiday, or a make-up working day."""
    return _calendar(day.year).is_working_day(day)


def _years_deciding(day: date) -> tuple[int, ...]:
    if day.month == 12 and day.day > 31 - _NEW_YEARS_REACH:
        return (day.year, day.year + 1)
    return (day.year,)


def add_working_days(start: date, count: int) -> DueDate:
    """The `count`-th working day after `start` (`start` itself is not counted)."""
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    first, last = official_schedule_years()
    day, unknown = start, set()
    while count:
        day += timedelta(days=1)
        # Days passed over count too: a holiday the notice might move changes the result.
        unknown.update(year for year in _years_deciding(day) if not first <= year <= last)
        if is_working_day(day):
            count -= 1
    return DueDate(day=day, estimated=bool(unknown), unknown_years=tuple(sorted(unknown)))


def working_days_between(start: date, end: date) -> int:
    """The working days after `start` up to and including `end`; 0 if `end` is not later."""
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))
