"""Staff sessions are kept on the server: signing out, the idle limit and the absolute
lifetime end them whatever the cookie says; typing keeps them alive; work sent after a
sign-in lapsed is filled back in after the next sign-in; nobody can lock another person
out, and the time a sign-in takes does not tell whether a name exists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from core.accounts.models import RecoveredForm, Role, StaffSession
from core.clock import utcnow
from extensions import db
from meetings.models import Meeting
from tests.conftest import TEST_PASSWORD
from tests.responses import text_of


def session_cookie_value(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def textarea_value(page: BeautifulSoup, name: str) -> str:
    # HTML drops the one line break that WTForms writes after <textarea>; html.parser keeps it
    return page.find("textarea", {"name": name}).get_text().removeprefix("\r\n")


def sessions_of(user) -> list[StaffSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(StaffSession).where(StaffSession.user_id == user.id)))


def age_session(user, *, idle: timedelta = timedelta(0), since_start: timedelta = timedelta(0)):
    """Move the open session of `user` into the past, as if time had passed."""
    (open_session,) = [s for s in sessions_of(user) if s.ended_at is None]
    now = utcnow()
    open_session.last_seen_at = now - idle
    open_session.started_at = now - max(idle, since_start)
    db.session.commit()


class TestSigningOut:
    def test_a_copied_cookie_opens_nothing_after_sign_out(self, app, auth, make_user):
        editor = make_user(Role.EDITOR)
        auth.login(editor)
        stolen = session_cookie_value(auth.client)
        assert auth.client.get("/admin/meetings/").status_code == 200
        auth.logout()

        other_computer = app.test_client()
        other_computer.set_cookie("session", stolen)
        response = other_computer.get(
            "/admin/meetings/", environ_base={"REMOTE_ADDR": "203.0.113.9"}
        )
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
        (ended,) = sessions_of(editor)
        assert ended.end_reason == "signed_out"

    def test_signing_out_ends_only_that_session(self, app, make_user):
        editor = make_user(Role.EDITOR)
        desk, laptop = app.test_client(), app.test_client()
        for client in (desk, laptop):
            client.post("/login", data={"username": editor.username, "password": TEST_PASSWORD})
        desk.post("/logout")
        assert desk.get("/admin/").status_code == 302
        assert laptop.get("/admin/").status_code == 200


class TestLimits:
    def test_idle_session_ends_on_the_server(self, auth, make_user):
        editor = make_user(Role.EDITOR)
        auth.login(editor)
        age_session(editor, idle=timedelta(minutes=31))
        response = auth.client.get("/admin/", follow_redirects=True)
        assert "30" in text_of(response)  # says why: 30 minutes without activity
        assert sessions_of(editor)[0].end_reason == "idle"

    def test_activity_keeps_a_session_but_not_beyond_its_lifetime(self, auth, make_user):
        editor = make_user(Role.EDITOR)
        auth.login(editor)
        age_session(editor, idle=timedelta(minutes=29), since_start=timedelta(hours=11))
        assert auth.client.get("/admin/").status_code == 200
        (kept,) = sessions_of(editor)
        assert utcnow() - kept.last_seen_at < timedelta(minutes=1)  # the request counted

        age_session(editor, idle=timedelta(minutes=2), since_start=timedelta(hours=12))
        assert auth.client.get("/admin/").status_code == 302
        assert sessions_of(editor)[0].end_reason == "lifetime"

    def test_typing_in_a_form_keeps_the_session_alive(self, auth, make_user):
        editor = make_user(Role.EDITOR)
        auth.login(editor)
        age_session(editor, idle=timedelta(minutes=25))
        assert auth.client.post("/session/keepalive").status_code == 204
        assert utcnow() - sessions_of(editor)[0].last_seen_at < timedelta(minutes=1)

    def test_keepalive_says_when_the_session_has_ended(self, client):
        assert client.post("/session/keepalive").status_code == 401

    def test_staff_pages_ask_for_keepalive_while_typing(self, auth, make_user):
        auth.login(make_user(Role.EDITOR))
        page = BeautifulSoup(auth.client.get("/admin/meetings/new").data, "html.parser")
        script = page.find("script", src=lambda src: src and "staff" in src)
        assert script is not None
        assert page.find("meta", {"name": "keepalive-url"})["content"].endswith("/keepalive")

    def test_disabling_and_password_reset_end_every_session(self, app, make_user):
        from core.accounts.operations import disable_user

        admin, editor = make_user(Role.ADMIN), make_user(Role.EDITOR)
        clients = [app.test_client() for _ in range(2)]
        for client in clients:
            client.post("/login", data={"username": editor.username, "password": TEST_PASSWORD})
        disable_user(editor, actor=admin)
        db.session.commit()
        assert [c.get("/admin/").status_code for c in clients] == [302, 302]
        assert {s.end_reason for s in sessions_of(editor)} == {"account_changed"}

    def test_the_cookie_holds_no_more_than_a_session_secret(self, auth, make_user):
        editor = make_user(Role.EDITOR)
        auth.login(editor)
        (row,) = sessions_of(editor)
        with auth.client.session_transaction() as session:
            user_id, _, secret = session["_user_id"].partition(":")
        assert int(user_id) == editor.id
        assert len(secret) >= 32 and secret not in row.secret_digest  # stored only hashed


class TestWorkSentAfterTheSignInLapsed:
    def meeting_form(self, auth, meeting) -> dict[str, str]:
        page = BeautifulSoup(auth.client.get(f"/admin/meetings/{meeting.id}").data, "html.parser")
        form = page.find("input", {"name": "title"}).find_parent("form")
        data = {}
        for control in form.find_all(["input", "textarea", "select"]):
            name = control.get("name")
            if not name or control.get("type") == "checkbox" and not control.has_attr("checked"):
                continue
            if control.name == "select":
                chosen = control.find("option", selected=True) or control.find("option")
                data[name] = chosen["value"]
            elif control.name == "textarea":
                data[name] = control.get_text().removeprefix("\r\n")
            else:
                data[name] = control.get("value", "")
        return data

    def test_a_long_draft_is_filled_back_in_after_signing_in_again(
        self, auth, make_user, make_meeting
    ):
        meeting = make_meeting()
        editor = meeting.author
        auth.login(editor)
        data = self.meeting_form(auth, meeting)
        age_session(editor, idle=timedelta(minutes=45))
        data["notes"] = "半小时写成的会议说明：" + "长" * 3000

        response = auth.client.post(f"/admin/meetings/{meeting.id}", data=data)
        assert response.status_code == 303
        assert f"next=/admin/meetings/{meeting.id}" in response.headers["Location"]
        db.session.expire_all()
        assert db.session.get(Meeting, meeting.id).notes is None  # nothing saved unseen

        login_page = auth.client.get(response.headers["Location"])
        assert "filled back" in text_of(login_page) or "填回" in text_of(login_page)
        signed_in = auth.client.post(
            response.headers["Location"],
            data={"username": editor.username, "password": TEST_PASSWORD},
        )
        assert signed_in.headers["Location"] == f"/admin/meetings/{meeting.id}"
        page = BeautifulSoup(auth.client.get(f"/admin/meetings/{meeting.id}").data, "html.parser")
        assert textarea_value(page, "notes") == data["notes"]
        assert page.find(class_="flash-warning") is not None

        again = BeautifulSoup(auth.client.get(f"/admin/meetings/{meeting.id}").data, "html.parser")
        assert textarea_value(again, "notes") == ""  # offered once

    def test_what_was_kept_is_offered_to_its_author_only(self, app, auth, make_user, make_meeting):
        meeting = make_meeting()
        auth.login(meeting.author)
        data = self.meeting_form(auth, meeting) | {"notes": "只给本人看的草稿"}
        age_session(meeting.author, idle=timedelta(hours=1))
        auth.client.post(f"/admin/meetings/{meeting.id}", data=data)

        colleague = make_user(Role.EDITOR)
        auth.login(colleague)
        page = auth.client.get(f"/admin/meetings/{meeting.id}")
        assert "只给本人看的草稿" not in page.get_data(as_text=True)

    def test_passwords_are_never_kept(self, auth, make_user):
        admin, other = make_user(Role.ADMIN), make_user(Role.EDITOR)
        auth.login(admin)
        age_session(admin, idle=timedelta(hours=1))
        auth.client.post(
            f"/admin/staff/{other.id}/password",
            data={"pw-password": "a new long password", "pw-confirm": "a new long password"},
            headers={"Referer": f"http://localhost/admin/staff/{other.id}"},
        )
        kept = db.session.scalars(select(RecoveredForm)).all()
        assert all("password" not in name for row in kept for name, _value in row.fields)

    def test_a_signed_out_cookie_keeps_nothing(self, auth, make_user, make_meeting):
        meeting = make_meeting()
        auth.login(meeting.author)
        stolen = session_cookie_value(auth.client)
        auth.logout()
        auth.client.set_cookie("session", stolen)
        auth.client.post(f"/admin/meetings/{meeting.id}", data={"title": "forged"})
        assert db.session.scalars(select(RecoveredForm)).all() == []


class TestThrottling:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "LOGIN_SLOWDOWN_STEP_SECONDS": 0.01}

    def attempt(self, client, user, password, address):
        return client.post(
            "/login",
            data={"username": user.username, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )

    def test_an_attacker_cannot_lock_the_owner_out(self, client, make_user):
        owner = make_user(Role.EDITOR)
        for attacker in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
            for _ in range(6):
                self.attempt(client, owner, "guess", attacker)
        assert self.attempt(client, owner, "guess", "198.51.100.1").status_code == 429
        assert self.attempt(client, owner, TEST_PASSWORD, "192.0.2.10").status_code == 303

    def test_failures_slow_the_account_down_without_refusing_it(
        self, client, make_user, monkeypatch
    ):
        import core.accounts.views as views

        waits: list[float] = []
        monkeypatch.setattr(views.time, "sleep", waits.append)
        owner = make_user(Role.EDITOR)
        for number in range(8):
            self.attempt(client, owner, "guess", f"198.51.100.{number}")
        assert waits == sorted(waits) and len(waits) >= 3 and waits[-1] > waits[0]
        assert self.attempt(client, owner, TEST_PASSWORD, "192.0.2.10").status_code == 303

    def test_throttling_is_logged(self, client, make_user, caplog):
        owner = make_user(Role.EDITOR)
        for _ in range(6):
            self.attempt(client, owner, "guess", "198.51.100.7")
        assert any(
            "too many failed" in r.getMessage() and owner.username in r.getMessage()
            for r in caplog.records
        )


def test_an_unknown_name_costs_the_same_password_check(client, make_user, monkeypatch):
    import core.accounts.models as models

    checks: list[str] = []
    real_check = models.check_password_hash

    def counting(hashed: str, password: str) -> bool:
        checks.append(hashed.split("$")[0])
        return real_check(hashed, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    known = make_user(Role.EDITOR)
    client.post("/login", data={"username": known.username, "password": "wrong"})
    client.post("/login", data={"username": "nobody-here", "password": "wrong"})
    disabled = make_user(Role.EDITOR, disabled_at=utcnow())
    client.post("/login", data={"username": disabled.username, "password": TEST_PASSWORD})
    assert len(checks) == 3 and len(set(checks)) == 1  # one check each, the same method
