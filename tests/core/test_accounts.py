"""Staff accounts: signing in, throttling, sessions, the admin page and `flask users`."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from config import load_config
from core.accounts.models import Role, User
from core.audit import AuditEntry
from extensions import db
from tests.conftest import TEST_PASSWORD


def session_cookie(response) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("session="):
            return header
    return ""


def test_sign_in_and_out(client, auth, make_user):
    editor = make_user(Role.EDITOR)
    response = auth.login(editor)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    assert editor.display_name in client.get("/admin/").get_data(as_text=True)
    auth.logout()
    assert client.get("/admin/").status_code == 302


def test_sign_in_follows_next_only_on_this_site(client, make_user):
    editor = make_user(Role.EDITOR)
    data = {"username": editor.username, "password": TEST_PASSWORD}
    response = client.post("/login?next=/admin/meetings/", data=data)
    assert response.headers["Location"] == "/admin/meetings/"
    client.post("/logout")
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/admin/"


def test_wrong_password_keeps_the_user_name_and_says_so(client, make_user):
    editor = make_user(Role.EDITOR)
    response = client.post("/login", data={"username": editor.username, "password": "nope"})
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert page.find("input", {"name": "username"})["value"] == editor.username
    assert page.find(id="password-error").get_text(strip=True) == "用户名或密码不正确。"
    assert page.find("input", {"name": "password"}).get("value") in (None, "")


def test_empty_form_gets_messages_next_to_both_fields(client):
    response = client.post("/login", data={})
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert page.find(id="username-error") is not None
    assert page.find(id="password-error") is not None
    assert page.find(id="error-summary") is not None


def test_disabled_account_cannot_sign_in(client, auth, make_user):
    from core.clock import utcnow

    user = make_user(Role.EDITOR, disabled_at=utcnow())
    assert auth.login(user).status_code == 422


def test_session_is_renewed_at_sign_in(client, auth, make_user):
    editor = make_user(Role.EDITOR)
    with client.session_transaction() as session:
        session["planted"] = "by someone before sign-in"
    auth.login(editor)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.permanent


def test_cookie_flags(client, make_user):
    editor = make_user(Role.EDITOR)
    response = client.post("/login", data={"username": editor.username, "password": TEST_PASSWORD})
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    response = client.post(
        "/login",
        data={"username": editor.username, "password": TEST_PASSWORD},
        base_url="https://localhost",
    )
    assert "Secure" in session_cookie(response)


def test_disabled_account_is_treated_as_signed_out(client, auth, make_user):
    from core.accounts.operations import disable_user

    admin = make_user(Role.ADMIN)
    editor = make_user(Role.EDITOR)
    auth.login(editor)
    assert client.get("/admin/meetings/").status_code == 200
    disable_user(editor, actor=admin)
    db.session.commit()
    assert client.get("/admin/meetings/").status_code == 302


class TestThrottling:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True}

    def test_repeated_failures_for_one_account_are_throttled(self, client, make_user):
        editor = make_user(Role.EDITOR)
        for _ in range(5):
            response = client.post("/login", data={"username": editor.username, "password": "x"})
            assert response.status_code == 422
        response = client.post(
            "/login", data={"username": editor.username, "password": TEST_PASSWORD}
        )
        assert response.status_code == 429
        page = BeautifulSoup(response.data, "html.parser")
        assert page.find("input", {"name": "username"})["value"] == editor.username
        assert "15" in page.find(role="alert").get_text()

    def test_successful_sign_ins_do_not_count(self, client, make_user):
        editor = make_user(Role.EDITOR)
        for _ in range(8):
            response = client.post(
                "/login", data={"username": editor.username, "password": TEST_PASSWORD}
            )
            assert response.status_code == 303
            client.post("/logout")


class TestAdminPage:
    def test_admin_creates_an_account(self, client, auth, make_user):
        auth.login(make_user(Role.ADMIN))
        response = client.post(
            "/admin/staff/new",
            data={
                "username": "wang.fang",
                "display_name": "王芳",
                "email": "",
                "role": "reviewer",
                "password": "a long enough password",
                "confirm": "a long enough password",
            },
        )
        assert response.status_code == 303
        user = db.session.scalar(db.select(User).where(User.username == "wang.fang"))
        assert user.role == Role.REVIEWER
        assert user.check_password("a long enough password")  # hashed: TestPasswordHashing
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "staff.create"))
        assert entry.after["username"] == "wang.fang"
        assert "password" not in entry.after and "password_hash" not in entry.after

    def test_bad_input_keeps_what_was_typed(self, client, auth, make_user):
        auth.login(make_user(Role.ADMIN))
        response = client.post(
            "/admin/staff/new",
            data={
                "username": "Bad Name!",
                "display_name": "王芳",
                "role": "reviewer",
                "password": "short",
                "confirm": "different",
            },
        )
        assert response.status_code == 422
        page = BeautifulSoup(response.data, "html.parser")
        assert page.find("input", {"name": "display_name"})["value"] == "王芳"
        assert page.find("input", {"name": "username"})["value"] == "Bad Name!"
        assert page.find(id="username-error") and page.find(id="password-error")
        assert page.find(id="confirm-error")

    def test_duplicate_user_name_is_refused_next_to_the_field(self, client, auth, make_user):
        auth.login(make_user(Role.ADMIN))
        taken = make_user(Role.EDITOR)
        response = client.post(
            "/admin/staff/new",
            data={
                "username": taken.username,
                "display_name": "重名",
                "role": "editor",
                "password": "a long enough password",
                "confirm": "a long enough password",
            },
        )
        assert response.status_code == 422
        page = BeautifulSoup(response.data, "html.parser")
        assert taken.username in page.find(id="username-error").get_text()

    def test_disabling_ends_the_other_persons_session(self, app, auth, make_user):
        admin, editor = make_user(Role.ADMIN), make_user(Role.EDITOR)
        editor_client = app.test_client()
        editor_client.post("/login", data={"username": editor.username, "password": TEST_PASSWORD})
        assert editor_client.get("/admin/").status_code == 200
        auth.login(admin)
        account_page = BeautifulSoup(
            auth.client.get(f"/admin/staff/{editor.id}").data, "html.parser"
        )
        link = account_page.find("a", href=f"/admin/staff/{editor.id}/disable")
        question = auth.client.get(link["href"])  # the button asks first
        assert question.status_code == 200 and editor.display_name in question.get_data(True)
        assert editor_client.get("/admin/").status_code == 200
        response = auth.client.post(link["href"])
        assert response.status_code == 303
        assert editor_client.get("/admin/").status_code == 302

    def test_password_reset_ends_sessions(self, app, auth, make_user):
        admin, editor = make_user(Role.ADMIN), make_user(Role.EDITOR)
        editor_client = app.test_client()
        editor_client.post("/login", data={"username": editor.username, "password": TEST_PASSWORD})
        auth.login(admin)
        auth.client.post(
            f"/admin/staff/{editor.id}/password",
            data={"pw-password": "another long password", "pw-confirm": "another long password"},
        )
        assert editor_client.get("/admin/").status_code == 302
        db.session.refresh(editor)
        assert editor.check_password("another long password")

    def test_the_last_admin_cannot_be_demoted(self, client, auth, make_user):
        admin = make_user(Role.ADMIN)
        auth.login(admin)
        response = client.post(
            f"/admin/staff/{admin.id}",
            data={"display_name": admin.display_name, "email": "", "role": "editor"},
        )
        assert response.status_code == 422
        db.session.refresh(admin)
        assert admin.role == Role.ADMIN

    def test_admin_cannot_disable_themselves(self, client, auth, make_user):
        admin = make_user(Role.ADMIN)
        make_user(Role.ADMIN)
        auth.login(admin)
        client.post(f"/admin/staff/{admin.id}/disable")
        db.session.refresh(admin)
        assert admin.is_active


class TestPasswordHashing:
    """The tests hash cheaply (`config_for_tests`); a deployment's configuration, as
    `load_config` builds it, hashes with scrypt."""

    @pytest.fixture
    def app_config(self, tmp_path):
        production = load_config(
            tmp_path,
            env={
                "SUNSHINE_ENV": "production",
                "SECRET_KEY": "x" * 40,
                "DATABASE_URL": "sqlite://",
                "CALENDAR_UID_DOMAIN": "sunshine.example.gov.cn",
            },
        )
        return {"PASSWORD_HASH_METHOD": production["PASSWORD_HASH_METHOD"]}

    def test_production_configuration_hashes_with_scrypt(self, client, auth, make_user):
        auth.login(make_user(Role.ADMIN))
        response = client.post(
            "/admin/staff/new",
            data={
                "username": "wang.fang",
                "display_name": "王芳",
                "email": "",
                "role": "reviewer",
                "password": "a long enough password",
                "confirm": "a long enough password",
            },
        )
        assert response.status_code == 303
        user = db.session.scalar(db.select(User).where(User.username == "wang.fang"))
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("a long enough password")
        assert not user.check_password("a long enough passwort")
        auth.logout()
        assert auth.login(user, "a long enough password").status_code == 303


class TestUsersCommand:
    def run(self, app, *args, input=None):
        return app.test_cli_runner().invoke(args=["users", *args], input=input)

    def test_create_asks_for_the_password_twice(self, app):
        result = self.run(
            app,
            "create",
            "Zhao.Lei",
            "--name",
            "赵磊",
            "--role",
            "admin",
            input="a long enough password\na long enough password\n",
        )
        assert result.exit_code == 0, result.output
        user = db.session.scalar(db.select(User).where(User.username == "zhao.lei"))
        assert user.check_password("a long enough password")
        assert user.role == Role.ADMIN

    def test_short_password_is_refused(self, app):
        result = self.run(
            app, "create", "li", "--name", "李", "--role", "editor", "--password", "short"
        )
        assert result.exit_code != 0
        assert db.session.scalar(db.select(User).where(User.username == "li")) is None

    def test_disable_set_role_reset_and_list(self, app, make_user):
        make_user(Role.ADMIN)
        editor = make_user(Role.EDITOR)
        assert self.run(app, "set-role", editor.username, "reviewer").exit_code == 0
        assert (
            self.run(
                app, "reset-password", editor.username, "--password", "brand new password"
            ).exit_code
            == 0
        )
        assert self.run(app, "disable", editor.username).exit_code == 0
        listing = self.run(app, "list").output
        assert editor.username in listing and "disabled" in listing
        db.session.refresh(editor)
        assert editor.role == Role.REVIEWER and not editor.is_active
        assert editor.check_password("brand new password")
        assert self.run(app, "enable", editor.username).exit_code == 0
        assert self.run(app, "disable", "nobody").exit_code != 0
