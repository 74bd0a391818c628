"""The public taking part: consultations and comments (`consultations/`), and what
gathers every part of the product: the home page (`views`) and the demo loader (`demo`).
Government open days are in `open_days/`. Calendar feeds (`calendar/`) gather the
others' events; the annual report (`reports/`) counts across all of them.

It may import `meetings` and `core`; neither imports it.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from core.page_cache import cached_pages
    from engagement import calendar, consultations, demo, open_days, reports, sitting_in, views

    app.register_blueprint(views.bp)
    cached_pages.register(app, "engagement.home")
    app.cli.add_command(demo.demo_cli)
    consultations.register(app)
    open_days.register(app)
    sitting_in.register(app)
    calendar.register(app)
    reports.register(app)
