"""Calendar feeds: everything public as calendars people subscribe to (`/calendar.ics` and
narrower feeds, one per organising body), and the page that explains them (`/calendar/`).

It gathers what other features turn into events (`meetings.calendar`,
`consultations.calendar`; open days when they exist), so it sits above them; the events
themselves, their identity and the answer's validators are `core.ical`.
Files: `feeds` (which feed holds what), `views` (the page and the feeds).
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from core.ical import calendar_language
    from core.page_cache import cached_pages, versioned_pages
    from engagement.calendar import views
    from engagement.calendar.feeds import narrower_feed

    app.register_blueprint(views.bp)
    cached_pages.register(app, "calendar.subscribe")
    # The public feeds are answered 304 from the version alone, before Flask; a body's feed
    # and a meeting's download first ask that their thing exists, so they go through Flask.
    cache_control = f"public, max-age={app.config['CALENDAR_MAX_AGE']}"
    versioned_pages.register(
        app, ("calendar.everything", lambda _values, args: calendar_language(args), cache_control)
    )
    versioned_pages.register(
        app,
        (
            "calendar.feed",
            lambda values, args: calendar_language(args) if narrower_feed(values["slug"]) else None,
            cache_control,
        ),
    )
