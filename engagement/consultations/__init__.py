"""Pre-disclosure (预公开): comment periods on major decisions, residents' comments with
receipt numbers, moderation, replies, dispositions and the reviewed feedback report.

Files: `models`, `queries`, `operations`, `forms`, `views` (public pages),
`staff_views/` (staff pages), `staff_queries` (what the staff start page shows of them),
`api` (open data), `audit` (the audit log's words), `demo`, `cli` (the retention purge).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.accounts.models import Permission
from core.audit.vocabulary import audit_vocabulary
from core.menu import MenuEntry, staff_menu
from core.review import DirectPublication, direct_publications
from core.start_page import StartSection, start_page_sections
from meetings.decisions.models import decision_checks
from meetings.models import meeting_change_checks
from meetings.queries import agenda_note_providers


def register(app: Flask) -> None:
    from core.page_cache import cached_pages, clock_boundaries, visitor_parts
    from engagement.consultations import api, audit, cli, staff_views, views  # noqa: F401
    from engagement.consultations.forms import CommentForm
    from engagement.consultations.models import (
        MIN_PERIOD_DAYS,
        consultations_outlast_postponement,
        decision_says_how_comments_were_used,
    )
    from engagement.consultations.queries import consultation_notes, next_public_moment
    from engagement.consultations.staff_queries import (
        comments_to_moderate,
        consultations_closing,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    app.cli.add_command(cli.purge_personal_data_cli)
    app.jinja_env.globals["min_period_days"] = MIN_PERIOD_DAYS
    staff_menu.register(
        app,
        MenuEntry(
            _l("Consultations"),
            "consultation_staff.consultations",
            (Permission.EDIT, Permission.REVIEW),
            order=30,
        ),
    )
    for section in (
        StartSection(
            "moderation",
            _l("Comments to moderate"),
            comments_to_moderate,
            (Permission.EDIT,),
            order=50,
        ),
        StartSection(
            "closing",
            _l("Comment periods closing this week"),
            consultations_closing,
            (Permission.EDIT,),
            order=60,
        ),
    ):
        start_page_sections.register(app, section)
    agenda_note_providers.register(app, consultation_notes)
    for endpoint in (
        "consultations.consultation_list",
        "consultations.consultation_page",
        "consultations.receipt_lookup",
        "api.consultations",
        "api.consultation",
    ):
        cached_pages.register(app, endpoint)
    clock_boundaries.register(app, next_public_moment)
    # The comment form's token and keys are each visitor's own, on a page kept for all.
    visitor_parts.register(app, ("comment-form", lambda: CommentForm(formdata=None).hidden_tag()))
    meeting_change_checks.register(app, consultations_outlast_postponement)
    decision_checks.register(app, decision_says_how_comments_were_used)
    audit_vocabulary.register(app, audit.VOCABULARY)
    # Public without review: residents' own words are moderated, not approved; the office
    # answers them as it goes; an extension cannot wait while the period runs out.
    for label, endpoint in (
        (_l("Moderating residents' comments: publishing them or not"), "moderate"),
        (_l("The office's replies to comments"), "comment"),
        (_l("Extensions of a comment period, with their reason"), "consultation_extend"),
    ):
        direct_publications.register(
            app, DirectPublication(label, (f"consultation_staff.{endpoint}",))
        )
