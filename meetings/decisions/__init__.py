"""Decisions (议定事项 / 决策结果) and their policy interpretation (政策解读), the meeting
summary (会议通稿), published through review on the 20-working-day clock, searchable in
Chinese, corrected only with a public note and history.

Files: `models` (decisions, their versions, the search index, images, summaries), `text`
(how text is cut for search), `deadlines` (the publication clock), `queries`,
`operations`, `forms`, `views` (public: list, search, one decision, images, Atom feed),
`staff_views`, `api` (open data), `audit`, `demo`. It imports `meetings` and `core`;
meetings' own pages read its queries.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.accounts.models import Permission
from core.audit.vocabulary import audit_vocabulary
from core.menu import MenuEntry, staff_menu
from core.page_cache import cached_pages
from core.start_page import StartSection, start_page_sections


def register(app: Flask) -> None:
    from meetings.decisions import api, audit, staff_views, views  # noqa: F401  (api routes)
    from meetings.decisions.meeting_rules import (
        conclude_after_removal,
        conclusion_waits_for_decisions,
        decisions_stay_on_the_record,
    )
    from meetings.decisions.queries import highlight, snippet
    from meetings.decisions.staff_queries import decisions_to_publish
    from meetings.models import meeting_change_checks, meeting_change_listeners

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    for endpoint in (
        "decisions.decision_list",
        "decisions.decision_page",
        "decisions.feed",
        "api.decisions",
        "api.decision",
    ):
        cached_pages.register(app, endpoint)
    app.add_template_filter(highlight)
    app.add_template_filter(snippet)
    app.add_template_filter(atom_time)
    app.add_template_filter(xml_text)
    staff_menu.register(
        app,
        MenuEntry(
            _l("Decisions"),
            "decision_staff.decisions",
            (Permission.EDIT, Permission.REVIEW),
            order=25,
        ),
    )
    start_page_sections.register(
        app,
        StartSection(
            "decisions",
            _l("Decisions to publish"),
            decisions_to_publish,
            (Permission.EDIT,),
            order=40,
        ),
    )
    audit_vocabulary.register(app, audit.VOCABULARY)
    meeting_change_checks.register(app, conclusion_waits_for_decisions)
    meeting_change_checks.register(app, decisions_stay_on_the_record)
    meeting_change_listeners.register(app, conclude_after_removal)


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: object) -> str:
    """Text as XML 1.0 may hold it: control characters (a vertical tab pasted from a word
    processor) would make the whole feed unreadable, so they go."""
    return _NOT_XML.sub("", str(text or ""))


def atom_time(moment: datetime) -> str:
    """RFC 3339, as Atom wants it."""
    return moment.isoformat(timespec="seconds")
