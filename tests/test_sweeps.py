"""Sweeps over every route of the assembled app, on the demo data with real ids and real
private links, so a route is covered the day it is added:

- reading never changes anything: every GET, by a resident and by each staff role, leaves
  every table as it was, row for row;
- every form refuses a missing, a forged (another visitor's) and a garbled form token,
  for residents and for signed-in staff, and changes nothing;
- every staff route, filled with real ids, lets in exactly the roles of the access table
  (`test_access.ACCESS`), and one person's object cannot be reached through another's:
  a registration through another open day, an invitation or application through another
  meeting, an agenda item through another meeting; nobody approves content they worked
  on, and no admin disables their own account;
- a private link (`<token>`) that is unknown, or revoked, answers 404 with the same page
  and after the same number of database queries, so no answer tells a revoked link from
  one that never existed; and a link made for one page opens no other. Revoked means: an
  invitation's link (`/rsvp/`) once the invitation is withdrawn; a person's private
  calendar once their data is purged. A comment's link and an open-day registration's
  link are never revoked (the comment is never deleted; a cancelled or purged
  registration still shows where it stands), so for them only unknown links are compared.

Tables left out of the comparison: none. Signing in writes (the staff session, the
audit entry), so each snapshot is taken after signing in; a session is touched again
only after minutes without a request (`core/accounts/sessions.py`), which a sweep never
waits for."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from core.accounts.models import Role, User
from core.clock import utcnow
from core.errors import RECOVERY_ATTRIBUTE
from core.review import REVIEWABLE_KINDS, ReviewState
from engagement.demo import load_demo
from engagement.sitting_in.models import Invitation, InvitationStatus, Person
from engagement.sitting_in.operations.invitations import withdraw_invitation
from engagement.sitting_in.operations.people import purge_people_data
from extensions import db
from meetings.models import Meeting
from tests.responses import count_queries
from tests.sweep_support import (
    ID_MODELS,
    changed_tables,
    every_request,
    fill,
    form_token,
    samples,
    sign_in,
    snapshot,
)
from tests.test_access import ACCESS

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|ALTER|DROP|CREATE)\b", re.I)
IDENTITIES = [None, "admin", "editor", "reviewer"]
ROLE_OF = {"admin": Role.ADMIN, "editor": Role.EDITOR, "reviewer": Role.REVIEWER}


@pytest.fixture
def demo(app: Flask) -> None:
    load_demo()
    db.session.commit()


def test_reading_any_page_changes_nothing(app, demo):
    for username in IDENTITIES:
        client = app.test_client()
        sign_in(client, username)
        before = snapshot()
        answered, writes = [], []
        for _rule, _method, path in every_request(app, {"GET"}):
            with count_queries() as statements:
                status = client.get(path).status_code
            assert status < 500, (username, path, status)
            answered.append(status)
            writes += [(path, sql.split()[0]) for sql in statements if WRITE.match(sql)]
        assert writes == [], username  # names the page that wrote, if one did
        assert changed_tables(before, snapshot()) == [], username  # row for row
        assert answered.count(200) > 60, username  # real pages, not only 404s


class TestFormTokens:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"WTF_CSRF_ENABLED": True}

    @pytest.mark.parametrize("username", [None, "admin"])
    def test_every_form_refuses_a_missing_forged_or_garbled_token(self, app, demo, username):
        client, other = app.test_client(), app.test_client()
        sign_in(client, username, with_token=True)
        form_token(client, "/login" if username is None else "/admin/meetings/new")
        forged = form_token(other, "/login")  # well formed, but another visitor's
        before = snapshot()
        tried, writes, refused = [], [], {True: 0, False: 0}
        for rule, _method, path in every_request(app, {"POST"}):
            for token in (None, forged, "garbage", forged[:-2] + "xx"):
                data = {"note": "x", "reason": "x", "language": "en", "answer": "accept"}
                if token is not None:
                    data["csrf_token"] = token
                with count_queries() as statements:
                    status = client.post(path, data=data).status_code
                # A closed consultation or call says so, whatever the token (nothing kept).
                closed_ok = status == 409 and hasattr(
                    app.view_functions[rule.endpoint], RECOVERY_ATTRIBUTE
                )
                assert status == 400 or closed_ok, (username, path, token, status)
                refused[status == 400] += 1
                writes += [(path, sql.split()[0]) for sql in statements if WRITE.match(sql)]
            tried.append(rule.endpoint)
        assert writes == []
        assert changed_tables(before, snapshot()) == []
        assert refused[False] < refused[True] / 20  # closed ones are the exception
        assert {
            "sit_in_staff.run_draw",
            "report_staff.count",
            "decision_staff.decision_new",
            "open_days.register",
            "sitting_in.apply",
            "sitting_in.rsvp",
        } <= set(tried)

    def test_the_same_header_token_as_htmx_sends_is_checked_too(self, app, demo):
        client, other = app.test_client(), app.test_client()
        sign_in(client, "editor", with_token=True)
        forged = form_token(other, "/login")
        meeting_id = db.session.scalar(select(Meeting.id).order_by(Meeting.id))
        before = snapshot()
        for token in (forged, "garbage"):
            sent = client.post(
                f"/admin/meetings/{meeting_id}/live",
                data={"body": "x"},
                headers={"HX-Request": "true", "X-CSRFToken": token},
            )
            assert sent.status_code == 400
        assert changed_tables(before, snapshot()) == []


def test_every_staff_route_with_real_ids_lets_in_exactly_its_roles(app, demo):
    for username in IDENTITIES:
        client = app.test_client()
        sign_in(client, username)
        for rule, method, path in every_request(app, {"GET", "POST"}, at_most=1):
            if not rule.rule.startswith("/admin"):
                continue
            status = client.open(path, method=method, data={}).status_code
            if username is None:
                assert status in (302, 303), (method, path, status)
                continue
            allowed = ACCESS[rule.endpoint]
            allowed = allowed[method] if isinstance(allowed, dict) else allowed
            if ROLE_OF[username] in allowed:
                assert status not in (302, 401, 403), (username, method, path, status)
            else:
                assert status == 403, (username, method, path, status)


def test_no_object_is_reached_through_another_ones_parent(app, client, demo):
    """`/admin/open-days/A/registrations/R/...` with R of open day B, and the same for every
    route that names an object and its parent: 404, and nothing changes."""
    sign_in(client, "admin")
    before, checked = snapshot(), set()
    for rule in app.url_map.iter_rules():
        ids = [name for name in rule.arguments if name in ID_MODELS]
        for child in ids:
            parents = [name for name in ids if name != child and hasattr(ID_MODELS[child], name)]
            if not parents:
                continue
            parent = parents[0]
            model = ID_MODELS[child]
            row = db.session.scalars(select(model).order_by(model.id)).first()
            other = db.session.scalar(
                select(ID_MODELS[parent].id).where(ID_MODELS[parent].id != getattr(row, parent))
            )
            values = {**{n: 1 for n in rule.arguments}, child: row.id, parent: other}
            if "kind" in rule.arguments:
                values["kind"] = "retitle_item"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                status = client.open(fill(rule, values), method=method, data={}).status_code
                assert status == 404, (method, rule.rule, values, status)
            checked.add(rule.endpoint)
    assert changed_tables(before, snapshot()) == []
    assert {
        "open_day_staff.cancel_registration",
        "sit_in_staff.resend",
        "sit_in_staff.withdraw",
        "sit_in_staff.substitute",
        "sit_in_staff.mark_application",
        "meeting_staff.propose",
    } <= checked


def test_nobody_approves_what_they_worked_on(app, demo):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    awaiting = []
    for kind, model in REVIEWABLE_KINDS.items():
        item = db.session.scalars(
            select(model).where(model.review_state == ReviewState.SUBMITTED)
        ).first()
        if item is not None:
            item.author_id = admin.id  # the admin wrote it
            awaiting.append((kind, model, item.id))
    db.session.commit()
    assert len(awaiting) >= 2  # the demo has work waiting for review
    client = app.test_client()
    sign_in(client, "admin")
    for kind, model, item_id in awaiting:
        client.post(f"/admin/review/{kind}/{item_id}/approve")
        assert db.session.get(model, item_id).review_state == ReviewState.SUBMITTED, kind
        db.session.rollback()
    reviewer = app.test_client()
    sign_in(reviewer, "reviewer")
    approved = 0
    for kind, model, item_id in awaiting:
        reviewer.post(f"/admin/review/{kind}/{item_id}/approve")
        approved += db.session.get(model, item_id).review_state == ReviewState.APPROVED
        db.session.rollback()
    assert approved == len(awaiting)  # another reviewer may, every kind of it


def test_no_admin_disables_their_own_account(app, client, demo, make_user):
    make_user(Role.ADMIN)  # another admin remains either way: only the own-account rule
    admin, other = (
        db.session.scalar(select(User).where(User.username == name))
        for name in ("admin", "editor2")
    )
    sign_in(client, "admin")
    client.post(f"/admin/staff/{admin.id}/disable")
    client.post(f"/admin/staff/{other.id}/disable")  # the same form does disable others
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active
    assert not db.session.get(User, other.id).is_active


PRIVATE_FAMILIES = {  # routes opened by the same link, and the endpoint whose tokens they take
    "consultations.comment_status": "comment",
    "open_days.registration_page": "registration",
    "open_days.cancel_registration": "registration",
    "open_days.feedback": "registration",
    "sitting_in.rsvp": "invitation",
    "sitting_in.private_feed": "feed",
}


def private_rules(app: Flask) -> list[Rule]:
    rules = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert {rule.endpoint for rule in rules} == PRIVATE_FAMILIES.keys(), "a new private link"
    return rules


def answer(client: FlaskClient, rule: Rule, token: str, method: str) -> tuple[int, bytes, int]:
    path = fill(rule, {"token": token})
    with count_queries() as statements:
        response = client.open(path, method=method, data={"answer": "accept", "reason": "x"})
    # The page leads back to its own address (the language switch): the link itself is
    # the one difference allowed.
    return response.status_code, response.data.replace(token.encode(), b"<token>"), len(statements)


def revoke_links() -> dict[str, str]:
    """Withdraw an invitation to a meeting still ahead, and purge the people the office has
    not needed for the retention period: their links, as the holders kept them."""
    invitation = db.session.scalars(
        select(Invitation)
        .join(Invitation.meeting)
        .where(Invitation.status != InvitationStatus.WITHDRAWN, Meeting.starts_at > utcnow())
        .order_by(Invitation.id)
    ).first()
    editor = db.session.scalar(select(User).where(User.username == "editor"))
    withdrawn = invitation.token
    withdraw_invitation(invitation, reason="改由其他居民参加", actor=editor)
    assert purge_people_data(utcnow() + timedelta(days=3650)) > 0
    purged = db.session.scalars(select(Person).where(Person.purged_at.is_not(None))).first()
    feed = purged.feed_token
    db.session.commit()
    return {"invitation": withdrawn, "feed": feed}


def test_a_revoked_private_link_answers_as_one_that_never_was(app, client, demo):
    revoked = revoke_links()
    unknown = "Q2hvc2VuQnlOb2JvZHlOb3RBVG9rZW4xMjM0NTY3"  # as long as a real one
    compared = 0
    for rule in private_rules(app):
        family = PRIVATE_FAMILIES[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer(client, rule, unknown, method)  # caches that are not per request
            never = answer(client, rule, unknown, method)
            assert never[0] == 404, (rule.rule, method)
            # A link too short to be one reads the same (it may be refused before a query:
            # its length says nothing the sender does not know).
            assert answer(client, rule, "short", method)[:2] == never[:2], (rule.rule, method)
            if family in revoked:
                assert answer(client, rule, revoked[family], method) == never, rule.rule
                compared += 1
    assert compared == 3  # the invitation's page (read and answer) and the private feed


def test_a_private_link_opens_its_own_page_and_no_other(app, client, demo):
    tokens = {family: fill_tokens(app, endpoint) for endpoint, family in PRIVATE_FAMILIES.items()}
    for rule in private_rules(app):
        family = PRIVATE_FAMILIES[rule.endpoint]
        own = client.get(fill(rule, {"token": tokens[family][0]})).status_code
        assert own in (200, 303), rule.rule  # its page, or on to it (a closed step)
        for other, theirs in tokens.items():
            if other != family:
                for token in theirs[:2]:
                    status = client.get(fill(rule, {"token": token})).status_code
                    assert status == 404, (rule.rule, other)


def fill_tokens(app: Flask, endpoint: str) -> list[str]:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    return [values["token"] for values in samples(app, rule)]


def test_every_route_is_reached_with_real_values(app, demo):
    """The sweeps above walk every route the demo's data can fill; a route they would pass
    by (no row to fill it with) is named here with its reason, or fails."""
    unfilled = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.arguments and rule.endpoint != "static" and not samples(app, rule)
    }
    # Uploaded files: the demo has none. The header sweep uploads meeting documents first;
    # every file route answers through `core.files.send_stored` (its headers there).
    files = {
        "/admin/documents/consultation/<int:document_id>/<path:name>",
        "/admin/documents/meeting/<int:document_id>/<path:name>",
        "/consultation-documents/<int:document_id>/<path:name>",
        "/decisions/images/<int:image_id>",
        "/documents/<int:document_id>/<path:name>",
    }
    assert unfilled - files == set(), "\n".join(sorted(unfilled - files))
