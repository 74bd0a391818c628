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
    from core.page_cache import cached_pages
    from engagement.calendar import views

    app.register_blueprint(views.bp)
    cached_pages.register(app, "calendar.subscribe")
