"""What the 1,000-event calendar feed costs to build, against what icalendar itself needs to
serialize the same events: reported by the load bench beside its pages, never enforced.

(a) the app: `/calendar/meetings.ics` built as its view builds it, the page cache set
    aside: `build_calendar` over `public_meeting_events()`, that is the queries, the
    meetings turned into events, the icalendar components made and serialized;
(b) icalendar alone: `to_ical()` of that very `Calendar` (captured as the app serialized
    it, so the same components), made once outside the timing.

Each is timed many times in one process, each build of (a) on a fresh session as a request
would have; the medians are compared (target: a ≤ 1.5 × b). The time of (a) spent before
any icalendar work (queries and events: `public_meeting_events()` alone) is reported too.

    .venv/bin/python bench/feed_cost.py sqlite:///$PWD/bench/results/db/ten-years.sqlite3
    .venv/bin/python bench/feed_cost.py URL --profile    # and where the time of (a) goes
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only")

from flask_babel import force_locale  # noqa: E402
from icalendar import Calendar  # noqa: E402

from app import create_app  # noqa: E402
from core.ical import build_calendar, calendar_language  # noqa: E402
from engagement.calendar.feeds import FEEDS_BY_SLUG  # noqa: E402
from extensions import db  # noqa: E402

PATH = "/calendar/meetings.ics"
FEED = FEEDS_BY_SLUG["meetings"]
TARGET = 1.5  # the app's full render ≤ this × icalendar's serialization
# Each timing is repeated at least this many times, and for at least this long.
REPETITIONS, SECONDS = 7, 3.0


def build() -> bytes:
    """The feed's body as its view builds it (`engagement.calendar.views`), without the
    page cache; in a request context for `PATH`."""
    with force_locale(calendar_language()):
        return build_calendar(str(FEED.title), FEED.events(), str(FEED.contents))


def events_only() -> object:
    """What (a) does before any icalendar work: the queries and the events."""
    with force_locale(calendar_language()):
        return FEED.events()


def median_seconds(run: Callable[[], object], before: Callable[[], object] = lambda: None) -> float:
    """The median of repeated runs (`before` each one, outside the timing), after one
    run to warm up."""
    before()
    run()
    timings: list[float] = []
    started = time.perf_counter()
    while len(timings) < REPETITIONS or time.perf_counter() - started < SECONDS:
        before()
        begun = time.perf_counter()
        run()
        timings.append(time.perf_counter() - begun)
        if len(timings) >= 200:
            break
    return statistics.median(timings)


def built_calendar() -> tuple[Calendar, bytes]:
    """The `Calendar` the app builds, caught as it serializes it, with its bytes."""
    caught: list[Calendar] = []
    serialize = Calendar.to_ical

    def catch(calendar: Calendar, *args: object, **kwargs: object) -> bytes:
        if type(calendar) is Calendar:
            caught.append(calendar)
        return serialize(calendar, *args, **kwargs)

    with mock.patch.object(Calendar, "to_ical", catch):
        body = build()
    return caught[-1], body


def app_for(url: str):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "PAGE_CACHE_ENABLED": False}
    )


def measure(url: str) -> dict[str, float | int | bool]:
    """Both timings on the database at `url`, in milliseconds, and their ratio."""
    app = app_for(url)
    with app.test_request_context(PATH):
        calendar, body = built_calendar()
        if calendar.to_ical() != body:
            raise RuntimeError("the caught calendar does not serialize to the feed's body")
        fresh_session = db.session.remove
        full = median_seconds(build, before=fresh_session)
        events = median_seconds(events_only, before=fresh_session)
        serialize = median_seconds(calendar.to_ical)
        db.session.remove()
        db.engine.dispose()
    return {
        "events": body.count(b"BEGIN:VEVENT"),
        "bytes": len(body),
        "app_ms": full * 1000,
        "events_ms": events * 1000,
        "icalendar_ms": serialize * 1000,
        "ratio": full / serialize,
        "met": full <= TARGET * serialize,
    }


def profile(url: str, lines: int = 30) -> str:
    """Where the time of one full build goes (cProfile, by cumulative time)."""
    app = app_for(url)
    with app.test_request_context(PATH):
        build()  # warm
        db.session.remove()
        profiler = cProfile.Profile()
        profiler.runcall(build)
        db.engine.dispose()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="sqlite:///path or postgresql+psycopg://... URL")
    parser.add_argument("--profile", action="store_true", help="and profile one full build")
    arguments = parser.parse_args()
    found = measure(arguments.database)
    print(
        f"{PATH}: {found['events']:,} events, {found['bytes']:,} bytes; "
        f"app {found['app_ms']:.1f} ms (queries and events {found['events_ms']:.1f} ms), "
        f"icalendar's to_ical {found['icalendar_ms']:.1f} ms: {found['ratio']:.2f}× "
        f"(target ≤ {TARGET}×: {'met' if found['met'] else 'not met'})"
    )
    if arguments.profile:
        print(profile(arguments.database))


if __name__ == "__main__":
    main()
