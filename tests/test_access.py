"""Every staff address sends anonymous visitors to sign in and refuses roles that may not
use it; every POST refuses a request without a CSRF token. Both walk the URL map, so a
new route is covered the day it is added.

These tests sit at the top of tests/, next to `app.py`, because they are properties of
the assembled app: the table names the endpoints of every part (core, meetings,
consultations, open days), which no single package below knows."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from core.accounts.models import Role
from tests.conftest import TEST_PASSWORD

ANY_STAFF = frozenset(Role)
EDITORS = frozenset({Role.EDITOR, Role.ADMIN})
REVIEWERS = frozenset({Role.REVIEWER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
AUDITORS = frozenset({Role.REVIEWER, Role.ADMIN})

# endpoint -> roles that may use it (or, per method, {method: roles}).
# A staff route missing here fails the suite.
ACCESS = {
    "start_page.dashboard": ANY_STAFF,
    "review.review_queue": REVIEWERS,
    "review.submit": EDITORS,
    "review.approve": REVIEWERS,
    "review.return_for_changes": REVIEWERS,
    "audit.audit_log": AUDITORS,
    "accounts.staff_list": ADMINS,
    "accounts.staff_create": ADMINS,
    "accounts.staff_edit": ADMINS,
    "accounts.staff_reset_password": ADMINS,
    "accounts.staff_disable": ADMINS,
    "accounts.staff_enable": ADMINS,
    "bodies_staff.bodies": ADMINS,
    "bodies_staff.body_form": ADMINS,
    "meeting_staff.meetings": EDITORS | REVIEWERS,
    "meeting_staff.meeting_new": EDITORS,
    "meeting_staff.meeting": {"GET": EDITORS | REVIEWERS, "POST": EDITORS},
    "meeting_staff.item_new": EDITORS,
    "meeting_staff.item_edit": {"GET": EDITORS | REVIEWERS, "POST": EDITORS},
    "meeting_staff.item_delete": EDITORS,
    "meeting_staff.item_move": EDITORS,
    "meeting_staff.document_upload": EDITORS,
    "meeting_staff.document": EDITORS | REVIEWERS,
    "meeting_staff.propose": EDITORS,
    "meeting_staff.change_withdraw": EDITORS,
    "meeting_staff.live_desk": EDITORS,
    "meeting_staff.live_correct": EDITORS,
    "meeting_staff.live_withdraw": EDITORS,
    "decision_staff.decisions": EDITORS | REVIEWERS,
    "decision_staff.decision_new": EDITORS,
    "decision_staff.decision": {"GET": EDITORS | REVIEWERS, "POST": EDITORS},
    "decision_staff.decision_correct": EDITORS,
    "decision_staff.decision_discard": EDITORS,
    "decision_staff.decision_image": EDITORS,
    "decision_staff.summary": {"GET": EDITORS | REVIEWERS, "POST": EDITORS},
    "consultation_staff.consultations": EDITORS | REVIEWERS,
    "consultation_staff.consultation_new": EDITORS,
    "consultation_staff.consultation": {"GET": EDITORS | REVIEWERS, "POST": EDITORS},
    "consultation_staff.consultation_document_upload": EDITORS,
    "consultation_staff.document": EDITORS | REVIEWERS,
    "consultation_staff.consultation_extend": EDITORS,
    "consultation_staff.moderation": EDITORS | REVIEWERS,
    "consultation_staff.moderate": EDITORS,
    "consultation_staff.comment": {"GET": EDITORS | REVIEWERS, "POST": EDITORS},
    "consultation_staff.comment_enter": EDITORS,
    "consultation_staff.export_comments": EDITORS | REVIEWERS,
    "consultation_staff.feedback": {"GET": EDITORS | REVIEWERS, "POST": EDITORS},
    "open_day_staff.open_days": EDITORS | REVIEWERS,
    "open_day_staff.new": EDITORS,
    "open_day_staff.edit": EDITORS,
    "open_day_staff.open_day": EDITORS | REVIEWERS,
    "open_day_staff.postpone": EDITORS,
    "open_day_staff.cancel": EDITORS,
    "open_day_staff.draw_seed": EDITORS,
    "open_day_staff.draw": EDITORS,
    "open_day_staff.registrations": EDITORS | REVIEWERS,
    "open_day_staff.registrations_csv": EDITORS | REVIEWERS,
    "open_day_staff.cancel_registration": EDITORS,
    "open_day_staff.check_in": EDITORS,
    "open_day_staff.no_shows": EDITORS,
    "open_day_staff.roles": EDITORS,
    "open_day_staff.seating": EDITORS,
    "open_day_staff.feedback": EDITORS | REVIEWERS,
    "open_day_staff.invite_feedback": EDITORS,
    "sit_in_staff.people": EDITORS,
    "sit_in_staff.person_new": EDITORS,
    "sit_in_staff.person": EDITORS,
    "sit_in_staff.person_edit": EDITORS,
    "sit_in_staff.people_import": EDITORS,
    # Invitations to sit in (engagement/sitting_in).
    "sit_in_staff.meetings": EDITORS,
    "sit_in_staff.invitations": EDITORS,
    "sit_in_staff.quotas": EDITORS,
    "sit_in_staff.invite": EDITORS,
    "sit_in_staff.send": EDITORS,
    "sit_in_staff.resend": EDITORS,
    "sit_in_staff.withdraw": EDITORS,
    "sit_in_staff.substitute": EDITORS,
    "sit_in_staff.attendance": EDITORS,
    # Residents' applications to sit in and the draw (engagement/sitting_in).
    "sit_in_staff.applications": EDITORS,
    "sit_in_staff.mark_application": EDITORS,
    "sit_in_staff.invite_eligible": EDITORS,
    "sit_in_staff.draw_seed": EDITORS,
    "sit_in_staff.run_draw": EDITORS,
    "report_staff.reports": EDITORS | REVIEWERS,
    "report_staff.report": EDITORS | REVIEWERS,
    "report_staff.count": EDITORS,
    "report_staff.table_csv": EDITORS | REVIEWERS,
    "outbox.outbox": ADMINS,
    "outbox.outbox_retry": ADMINS,
}

SAMPLE_ARGUMENTS = {"kind": "meeting"}  # a real review kind; ids are missing ones (404 is fine)


def staff_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def build_url(rule) -> str:
    values = {name: SAMPLE_ARGUMENTS.get(name, 987654) for name in rule.arguments}
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:>]+:)?{name}>", str(value), path)
    return path


def test_every_staff_route_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule, _ in staff_routes(app)}
    assert endpoints - ACCESS.keys() == set(), "add new staff routes to ACCESS"
    assert ACCESS.keys() - endpoints == set(), "remove routes that no longer exist"


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    for rule, method in staff_routes(app):
        url = build_url(rule)
        response = client.open(url, method=method)
        assert response.status_code == (302 if method == "GET" else 303), (method, url)
        assert response.headers["Location"].startswith("/login?next="), (method, url)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_only_what_it_may(app, client, auth, make_user, role):
    auth.login(make_user(role))
    for rule, method in staff_routes(app):
        url = build_url(rule)
        status = client.open(url, method=method).status_code
        allowed = ACCESS[rule.endpoint]
        if isinstance(allowed, dict):
            allowed = allowed[method]
        if role in allowed:
            assert status not in (302, 401, 403), (role, method, url, status)
        else:
            assert status == 403, (role, method, url, status)


class TestCSRF:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_post_route_refuses_a_request_without_a_token(self, app, client):
        post_rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
        assert len(post_rules) >= 8  # the walk really walks something
        for rule in post_rules:
            response = client.post(build_url(rule), data={"note": "x"})
            assert response.status_code == 400, rule.rule

    def test_signed_in_staff_without_a_token_are_refused_too(self, app, client, make_user):
        admin = make_user(Role.ADMIN)
        page = BeautifulSoup(client.get("/login").data, "html.parser")
        token = page.find("input", {"name": "csrf_token"})["value"]
        response = client.post(
            "/login",
            data={
                "username": admin.username,
                "password": TEST_PASSWORD,
                "csrf_token": token,
            },
        )
        assert response.status_code == 303
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods and rule.rule.startswith("/admin"):
                assert client.post(build_url(rule)).status_code == 400, rule.rule
