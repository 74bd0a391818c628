"""The office deciding: organising bodies, meetings, agendas, documents, live updates and
the reviewed changes of announced meetings.

Files: `models`, `queries` (reads shared by pages and open data), `operations` (every
write), `forms`, `views` (public pages), `staff_views/` (staff pages), `api` (open data),
`audit` (the audit log's words for its actions, records and fields), `demo`. It imports
`core` and never `engagement`; engagement adds to it through the extension points in
`queries.agenda_note_providers`, `queries.meeting_section_providers`,
`queries.meeting_staff_links`, `models.meeting_change_checks` and
`models.meeting_change_listeners`.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.accounts.models import Permission
from core.audit.vocabulary import audit_vocabulary
from core.menu import MenuEntry, staff_menu
from core.page_cache import cached_pages, clock_boundaries, tagged_fragments
from core.review import DirectPublication, direct_publications


def register(app: Flask) -> None:
    from meetings import api, audit, decisions, staff_views, views  # noqa: F401  (api routes)
    from meetings.queries import next_public_moment
    from meetings.staff_views import bodies

    for blueprint in (views.bp, staff_views.bp, bodies.bp):
        app.register_blueprint(blueprint)
    for endpoint in (
        "meetings.meeting_list",
        "meetings.meeting_page",
        "meetings.live_updates",
        "api.meetings",
        "api.meeting",
    ):
        cached_pages.register(app, endpoint)
    # The live feed is polled with its tag: unchanged, it is answered 304 from the version.
    tagged_fragments.register(
        app, ("meetings.live_updates", lambda values: ("live", values["meeting_id"]))
    )
    clock_boundaries.register(app, next_public_moment)
    staff_menu.register(
        app,
        MenuEntry(
            _l("Meetings"),
            "meeting_staff.meetings",
            (Permission.EDIT, Permission.REVIEW),  # reviewers read what they approve
            order=20,
        ),
    )
    staff_menu.register(
        app,
        MenuEntry(
            _l("Organising bodies"), "bodies_staff.bodies", (Permission.MANAGE_BODIES,), order=60
        ),
    )
    audit_vocabulary.register(app, audit.VOCABULARY)
    decisions.register(app)
    # Public without review: live updates cannot wait for a reviewer while the meeting runs;
    # a body's name is how every meeting of it is labelled, not content of its own.
    direct_publications.register(
        app,
        DirectPublication(
            _l("Live updates while a meeting runs: posting, correcting and withdrawing them"),
            (
                "meeting_staff.live_desk",
                "meeting_staff.live_correct",
                "meeting_staff.live_withdraw",
            ),
        ),
    )
    direct_publications.register(
        app,
        DirectPublication(
            _l("Organising bodies: their names and levels, shown with every meeting they hold"),
            ("bodies_staff.body_form",),
        ),
    )
