"""Dates and times in words, for elder-friendly mode (长辈模式): `2026-12-09 14:00` is also
read out as 12月9日 星期三 下午2点 / "Wednesday, December 9, 2 pm".

Babel names the weekday and the month and day in the reader's language; the translation
layer orders the parts and names the time of day. Chinese names the part of the day
(凌晨, 上午, 中午, 下午, 晚上) where English says am or pm, so each part of the day has
its own message, told apart by the name of its placeholder.
"""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_datetime, format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.clock import to_office_time

# Pattern letters (CLDR) that show a day, and an hour.
DAY_LETTERS = frozenset("dEe")
HOUR_LETTERS = frozenset("HhKk")


def local(moment: datetime) -> datetime:
    """The moment on the office's wall clock (a naive time is taken as UTC, as Babel does)."""
    return to_office_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def date_words(moment: datetime) -> str:
    """The weekday and the day of the month, e.g. 12月9日 星期三 / Wednesday, December 9."""
    wall = local(moment)
    locale = get_locale()
    return _(
        "%(weekday)s, %(month_day)s",
        weekday=format_datetime(wall, "EEEE", locale=locale),
        month_day=format_skeleton("MMMMd", wall, locale=locale),
    )


def time_words(moment: datetime) -> str:
    """The time of day, e.g. 下午2点 / 2 pm, 下午2点30分 / 2:30 pm (minutes only when not
    on the hour)."""
    wall = local(moment)
    hour, minutes = wall.hour, wall.minute
    if hour == 0:
        return _("12:%(after_midnight)02d am", after_midnight=minutes) if minutes else _("midnight")
    if hour == 12:
        return _("12:%(after_noon)02d pm", after_noon=minutes) if minutes else _("noon")
    if hour < 6:
        if minutes:
            return _("%(night)d:%(minutes)02d am", night=hour, minutes=minutes)
        return _("%(night)d am", night=hour)
    if hour < 12:
        if minutes:
            return _("%(morning)d:%(minutes)02d am", morning=hour, minutes=minutes)
        return _("%(morning)d am", morning=hour)
    if hour < 18:
        if minutes:
            return _("%(afternoon)d:%(minutes)02d pm", afternoon=hour - 12, minutes=minutes)
        return _("%(afternoon)d pm", afternoon=hour - 12)
    if minutes:
        return _("%(evening)d:%(minutes)02d pm", evening=hour - 12, minutes=minutes)
    return _("%(evening)d pm", evening=hour - 12)


def moment_words(moment: datetime, pattern: str) -> str:
    """What a pattern shows of the moment, in words: the date if it shows the day, the time
    if it shows the hour, both if both; empty if neither (a year or a month alone)."""
    letters = set(pattern)
    date = date_words(moment) if letters & DAY_LETTERS else ""
    time = time_words(moment) if letters & HOUR_LETTERS else ""
    if date and time:
        return _("%(date)s, %(time)s", date=date, time=time)
    return date or time


def with_words(digits: str, moment: datetime, pattern: str) -> Markup | str:
    """The digits followed by the words, e.g. 2026-12-09 14:00（12月9日 星期三 下午2点）;
    the digits in a `time-digits` span, kept on one line, and the words in a `time-words`
    span, which breaks a line only between its parts."""
    words = moment_words(moment, pattern)
    if not words:
        return digits
    return escape(_("%(digits)s (%(words)s)")) % {
        "digits": Markup('<span class="time-digits">{}</span>').format(digits),
        "words": Markup('<span class="time-words">{}</span>').format(words),
    }
