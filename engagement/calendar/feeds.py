"""Which feed holds what: each public feed's name, what it contains and its events, in
time order. A feature with dated public things adds its events here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from core.clock import office_zone
from core.ical import CalendarEvent
from engagement.consultations.calendar import public_deadline_events
from meetings.calendar import public_meeting_events


def open_day_events() -> list[CalendarEvent]:
    """Government open days: none yet; the open-days feature fills this feed."""
    return []


def _starts(item: CalendarEvent) -> datetime:
    if isinstance(item.starts, datetime):
        return item.starts
    return datetime.combine(item.starts, time(), tzinfo=office_zone())


def everything_public() -> list[CalendarEvent]:
    events = [*public_meeting_events(), *public_deadline_events(), *open_day_events()]
    return sorted(events, key=lambda item: (_starts(item), item.uid))


@dataclass(frozen=True)
class Feed:
    slug: str  # its address: /calendar.ics for "all", else /calendar/<slug>.ics
    title: LazyString
    contents: LazyString
    events: Callable[[], list[CalendarEvent]]

    @property
    def filename(self) -> str:
        return "calendar.ics" if self.slug == "all" else f"{self.slug}.ics"


FEEDS = [
    Feed(
        "all",
        _l("Sunshine: everything public"),
        _l("Every announced meeting, comment deadline and government open day."),
        everything_public,
    ),
    Feed(
        "meetings",
        _l("Sunshine: meetings"),
        _l(
            "Every announced meeting with its public agenda. A postponed meeting moves in "
            "your calendar; a cancelled one is struck through or marked cancelled."
        ),
        public_meeting_events,
    ),
    Feed(
        "deadlines",
        _l("Sunshine: comment deadlines"),
        _l(
            "The last day to comment on each draft decision, as an all-day event that does "
            "not mark you as busy. An extension moves it."
        ),
        public_deadline_events,
    ),
    Feed(
        "open-days",
        _l("Sunshine: government open days"),
        _l("Days when government offices open their doors to residents."),
        open_day_events,
    ),
]
FEEDS_BY_SLUG = {feed.slug: feed for feed in FEEDS}
