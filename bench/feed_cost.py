"""What the 1,000-event calendar feed costs to build, against what icalendar itself needs to
serialize the same events: reported by the load bench beside its pages, never enforced.

(a) the app: `/calendar/meetings.ics` built as its view builds it when its kept bytes are
    out of date, i.e. after a publication: the versions query, the kept text of every
    unchanged event, the changed event (one here) loaded and serialized, the calendar put
    together (`core.ical.build_feed`);
(a') the same with nothing kept (a new release, an empty cache): every event loaded,
    made into icalendar components and serialized;
(b) icalendar alone: `to_ical()` of a `Calendar` holding the same components (its time
    zone and every event), made once outside the timing.

Each is timed many times in one process, each build on a fresh session as a request would
have; the medians are compared (target: a ≤ 1.5 × b; a' is reported beside it).

    .venv/bin/python bench/feed_cost.py sqlite:///$PWD/bench/results/db/ten-years.sqlite3
    .venv/bin/python bench/feed_cost.py URL --profile    # and where the time of (a') goes
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only")

from flask_babel import force_locale  # noqa: E402
from icalendar import Calendar  # noqa: E402

from app import create_app  # noqa: E402
from core.ical import (  # noqa: E402
    as_vevent,
    build_calendar,
    build_feed,
    calendar_language,
    kept_text_key,
)
from core.page_cache import page_cache  # noqa: E402
from engagement.calendar.feeds import FEEDS_BY_SLUG  # noqa: E402
from extensions import db  # noqa: E402

PATH = "/calendar/meetings.ics"
FEED = FEEDS_BY_SLUG["meetings"]
TARGET = 1.5  # the app's full render ≤ this × icalendar's serialization
# Each timing is repeated at least this many times, and for at least this long.
REPETITIONS, SECONDS = 7, 3.0


def build() -> bytes:
    """The feed's body as its view builds it (`engagement.calendar.views`), without the
    feed's own kept bytes; in a request context for `PATH`."""
    with force_locale(calendar_language()):
        return build_feed(str(FEED.title), FEED.sources(), str(FEED.contents))


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


def same_components() -> Calendar:
    """A `Calendar` of the feed's own components: its time zone and every event."""
    with force_locale(calendar_language()):
        versions = [version for source in FEED.sources() for version in source.versions()]
        versions.sort(key=lambda version: version.sort_key)
        events = {
            item.uid: item
            for source in FEED.sources()
            for item in source.events([version.ref for version in source.versions()])
        }
        calendar = Calendar.from_ical(build_calendar(str(FEED.title), [], str(FEED.contents)))
        zone = Calendar.from_ical(build_feed(str(FEED.title), FEED.sources(), ""))
        for component in zone.walk("VTIMEZONE"):
            calendar.add_component(component)
        for version in versions:
            calendar.add_component(as_vevent(events[version.uid]))
    return calendar


def app_for(url: str, *, keep: bool):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "PAGE_CACHE_ENABLED": keep}
    )


def measure(url: str) -> dict[str, float | int | bool]:
    """The timings on the database at `url`, in milliseconds, and the ratio."""
    timings: dict[str, float] = {}
    for keep in (False, True):
        app = app_for(url, keep=keep)
        with app.test_request_context(PATH):
            body = build()
            newest = max(
                (v for source in FEED.sources() for v in source.versions()),
                key=lambda version: version.sort_key,
                default=None,
            )

            def after_a_publication(keep: bool = keep, newest: object = newest) -> None:
                db.session.remove()
                if keep and newest is not None:  # the one event that changed
                    page_cache.delete(kept_text_key(newest))

            timings["kept" if keep else "cold"] = median_seconds(build, before=after_a_publication)
            if not keep:
                calendar = same_components()
                if calendar.to_ical() != body:
                    raise RuntimeError("icalendar's calendar is not the feed's body")
                timings["icalendar"] = median_seconds(calendar.to_ical)
            elif build() != body:
                raise RuntimeError("the feed built from kept events differs from a fresh one")
            db.session.remove()
            db.engine.dispose()
    return {
        "events": body.count(b"BEGIN:VEVENT"),
        "bytes": len(body),
        "app_ms": timings["kept"] * 1000,
        "cold_ms": timings["cold"] * 1000,
        "icalendar_ms": timings["icalendar"] * 1000,
        "ratio": timings["kept"] / timings["icalendar"],
        "cold_ratio": timings["cold"] / timings["icalendar"],
        "met": timings["kept"] <= TARGET * timings["icalendar"],
    }


def profile(url: str, lines: int = 30) -> str:
    """Where the time of one full build goes (cProfile, by cumulative time)."""
    app = app_for(url, keep=False)
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
        f"after a publication {found['app_ms']:.1f} ms, with nothing kept "
        f"{found['cold_ms']:.1f} ms; icalendar's to_ical {found['icalendar_ms']:.1f} ms: "
        f"{found['ratio']:.2f}× (target ≤ {TARGET}×: {'met' if found['met'] else 'not met'}), "
        f"{found['cold_ratio']:.2f}× with nothing kept"
    )
    if arguments.profile:
        print(profile(arguments.database))


if __name__ == "__main__":
    main()
