"""Which feed holds what: each public feed's name, what it contains and where its events
come from (`core.ical.EventSource`). A feature with dated public things adds its source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from core.ical import EventSource
from engagement.consultations.calendar import deadline_source
from engagement.open_days.calendar import open_day_source
from meetings.calendar import meeting_source


@dataclass(frozen=True)
class Feed:
    slug: str  # its address: /calendar.ics for "all", else /calendar/<slug>.ics
    title: LazyString
    contents: LazyString
    sources: Callable[[], list[EventSource]]

    @property
    def filename(self) -> str:
        return "calendar.ics" if self.slug == "all" else f"{self.slug}.ics"


FEEDS = [
    Feed(
        "all",
        _l("Sunshine: everything public"),
        _l("Every announced meeting, comment deadline and government open day."),
        lambda: [meeting_source(), deadline_source(), open_day_source()],
    ),
    Feed(
        "meetings",
        _l("Sunshine: meetings"),
        _l(
            "Every announced meeting with its public agenda. A postponed meeting moves in "
            "your calendar; a cancelled one is struck through or marked cancelled."
        ),
        lambda: [meeting_source()],
    ),
    Feed(
        "deadlines",
        _l("Sunshine: comment deadlines"),
        _l(
            "The last day to comment on each draft decision, as an all-day event that does "
            "not mark you as busy. An extension moves it."
        ),
        lambda: [deadline_source()],
    ),
    Feed(
        "open-days",
        _l("Sunshine: government open days"),
        _l("Days when government offices open their doors to residents."),
        lambda: [open_day_source()],
    ),
]
FEEDS_BY_SLUG = {feed.slug: feed for feed in FEEDS}


def narrower_feed(slug: str) -> Feed | None:
    """The feed at `/calendar/<slug>.ics`, if there is one ("all" is `/calendar.ics`)."""
    return FEEDS_BY_SLUG.get(slug) if slug != "all" else None
