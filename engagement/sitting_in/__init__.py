"""Sitting in (列席): people's-congress deputies, CPPCC members, experts, resident
representatives and media invited to an executive meeting, and residents who apply in its
public call, with places drawn by lot when eligible applicants outnumber them.

Files: `models`, `queries`, `operations/` (people and their CSV import, invitations and
their answers, applications and the draw), `notices` (the invitation mail with its
iTIP calendar part, and text messages), `forms`, `staff_forms`, `views` (the invitee's
`/rsvp/<token>` and private feed, the public call and the draw), `staff_views/`, `audit`,
`demo`, `cli` (reminders, the retention purge).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.accounts.models import Permission
from core.audit.vocabulary import audit_vocabulary
from core.menu import MenuEntry, staff_menu
from core.review import DirectPublication, direct_publications
from core.start_page import StartSection, start_page_sections

if TYPE_CHECKING:
    from meetings.models import Meeting


def register(app: Flask) -> None:
    from engagement.sitting_in import audit, cli, staff_views, views
    from engagement.sitting_in.operations.invitations import tell_invitees_of_change
    from engagement.sitting_in.queries.invitations import unanswered_invitations
    from meetings.models import meeting_change_listeners
    from meetings.queries import meeting_staff_links

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    for command in cli.COMMANDS:
        app.cli.add_command(command)
    # An approved postponement or cancellation reaches invitees' calendars.
    meeting_change_listeners.register(app, tell_invitees_of_change)
    meeting_staff_links.register(app, _staff_links)
    # Marking who sat in lists them on the meeting's public page at once.
    direct_publications.register(
        app,
        DirectPublication(
            _l("Who sat in on a meeting, as attendance is marked"),
            ("sit_in_staff.attendance",),
        ),
    )
    for vocabulary in (audit.PEOPLE, audit.INVITATIONS, audit.APPLICATIONS):
        audit_vocabulary.register(app, vocabulary)
    # One entry: its pages (meetings, people to invite, applications) share a blueprint,
    # and the entry is lit on every page of it; the directory is linked from its page.
    staff_menu.register(
        app, MenuEntry(_l("Sitting in"), "sit_in_staff.meetings", (Permission.EDIT,), order=45)
    )
    start_page_sections.register(
        app,
        StartSection(
            "invitations",
            _l("Invitations without an answer"),
            unanswered_invitations,
            (Permission.EDIT,),
            order=70,
        ),
    )
    _register_applications(app)


def _register_applications(app: Flask) -> None:
    """The public call on the meeting's page (and who sat in, after it), the moment the
    call closes, the draw's cached page, and the draw's two steps published at once."""
    from core.page_cache import cached_pages, clock_boundaries
    from engagement.sitting_in.application_views import meeting_sections
    from engagement.sitting_in.queries.applications import next_call_moment
    from meetings.queries import meeting_section_providers

    meeting_section_providers.register(app, meeting_sections)
    clock_boundaries.register(app, next_call_moment)
    cached_pages.register(app, "sitting_in.draw_page")
    direct_publications.register(
        app,
        DirectPublication(
            _l("The draw for residents' places to sit in: its seed, then its result"),
            ("sit_in_staff.draw_seed", "sit_in_staff.run_draw"),
        ),
    )


def _staff_links(meeting: Meeting) -> list[tuple[str, str]]:
    """The meeting's staff page links to its invitations, and to its residents'
    applications when it calls for them, once it is announced."""
    from flask import url_for
    from flask_babel import gettext as _
    from flask_login import current_user

    from core.review import ReviewState

    if meeting.review_state != ReviewState.APPROVED or not current_user.can(Permission.EDIT):
        return []
    links = [(_("Sitting in"), url_for("sit_in_staff.invitations", meeting_id=meeting.id))]
    if meeting.sit_in_open:
        link = url_for("sit_in_staff.applications", meeting_id=meeting.id)
        links.append((_("Residents' applications to sit in"), link))
    return links
