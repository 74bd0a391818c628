"""Features add to each other through extension points registered per app: building
another app (as every test and every gunicorn worker does) never doubles a contribution."""

from __future__ import annotations

from app import create_app
from core.extension_points import ExtensionPoint
from core.menu import staff_menu
from core.start_page import start_page_sections
from meetings.decisions.models import decision_checks
from meetings.models import meeting_change_checks, meeting_change_listeners
from meetings.queries import agenda_note_providers, meeting_section_providers, meeting_staff_links


def test_each_app_has_each_contribution_once(app, migrated_database):
    from tests.conftest import config_for_tests

    other = create_app(config_for_tests(migrated_database))
    for built in (app, other):
        with built.app_context():
            assert len(agenda_note_providers.contributions()) == 1
            # core (2 review, outbox), decisions, consultations (2), sitting in, open days (2)
            names = [section.name for section in start_page_sections.contributions()]
            assert len(names) == len(set(names)) == 9
            assert len(meeting_change_checks.contributions()) == 3  # consultations, decisions (2)
            endpoints = [entry.endpoint for entry in staff_menu.contributions()]
            assert len(endpoints) == len(set(endpoints)) == 12
            assert len(meeting_change_listeners.contributions()) == 2  # sitting in, decisions
            assert len(decision_checks.contributions()) == 1  # consultations
            assert len(meeting_section_providers.contributions()) == 1
            assert len(meeting_staff_links.contributions()) == 1


def test_contributions_belong_to_the_app_they_were_registered_on(app, migrated_database):
    from tests.conftest import config_for_tests

    point: ExtensionPoint[str] = ExtensionPoint("test-only")
    other = create_app(config_for_tests(migrated_database))
    point.register(other, "for the other app")
    assert point.contributions() == []
    with other.app_context():
        assert point.contributions() == ["for the other app"]
