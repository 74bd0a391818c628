"""Government open days (政府开放日): residents register to visit the offices and tour
them, sometimes role-playing an executive meeting.

Files: `models`, `queries`, `operations/` (open days, registrations under the open day's
lock, the draw, the day itself), `notices` (what residents are told, by text message and
mail), `forms`, `views` (public pages and the resident's own page), `staff_views/`,
`staff_queries` (what the staff start page shows of them), `api`, `calendar`, `audit`,
`demo`, `cli` (reminders and the retention purge).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.accounts.models import Permission
from core.audit.vocabulary import audit_vocabulary
from core.menu import MenuEntry, staff_menu
from core.review import DirectPublication, direct_publications
from core.start_page import StartSection, start_page_sections


def register(app: Flask) -> None:
    from core.page_cache import cached_pages, clock_boundaries, tagged_fragments, visitor_parts
    from engagement.open_days import api, audit, cli, staff_views, views  # noqa: F401
    from engagement.open_days.queries import next_public_moment
    from engagement.open_days.staff_queries import open_days_filling_up, open_days_today

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
    staff_menu.register(
        app,
        MenuEntry(
            _l("Open days"),
            "open_day_staff.open_days",
            (Permission.EDIT, Permission.REVIEW),
            order=40,
        ),
    )
    # Today's check-in leads the start page; places running out come after the paperwork.
    for section in (
        StartSection(
            "open-days-today", _l("Open days today"), open_days_today, (Permission.EDIT,), order=10
        ),
        StartSection(
            "open-days-filling",
            _l("Open days filling up"),
            open_days_filling_up,
            (Permission.EDIT,),
            order=80,
        ),
    ):
        start_page_sections.register(app, section)
    for endpoint in (
        "open_days.open_day_list",
        "open_days.open_day_page",
        "open_days.places",
        "open_days.draw_page",
        "api.open_days",
        "api.open_day",
    ):
        cached_pages.register(app, endpoint)
    clock_boundaries.register(app, next_public_moment)
    # The forms' token and key are each visitor's own, on a page kept for all; the places
    # are polled with their tag, so an unchanged poll is answered 304 from the version.
    visitor_parts.register(app, ("open-day-registration-form", views.fresh_form_hidden_tag))
    visitor_parts.register(app, ("open-day-send-link-form", views.fresh_send_link_hidden_tag))
    tagged_fragments.register(
        app, ("open_days.places", lambda values: ("places", values["open_day_id"]))
    )
    audit_vocabulary.register(app, audit.VOCABULARY)
    # Public at once: a postponement or a cancellation must reach registrants now, and the
    # draw's seed must be public before the draw (both recorded with who did it).
    for label, endpoints in (
        (
            _l("Postponing or cancelling an open day, with its public reason"),
            ("open_day_staff.postpone", "open_day_staff.cancel"),
        ),
        (
            _l("The draw for an open day: its seed, then its result"),
            ("open_day_staff.draw_seed", "open_day_staff.draw"),
        ),
    ):
        direct_publications.register(app, DirectPublication(label, endpoints))
