"""Flooding a public form stops at its limit, and only for the sender: staff sign-in, a
comment on a consultation, an open-day registration, an application to sit in and an
invitee's answer at their invitation link each take so many sendings from one connection;
the next is refused (429) on the form's own page, in the sender's language, with what they
typed still there, while a resident at another address (as the office's proxy reports it)
still gets through. An invitation link also takes only so many answers from anywhere.

With several workers the count is one: with `REDIS_URL` set, the limits are counted in
Redis, and sendings to a second worker (its own process, as gunicorn's) count on the first.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from core.accounts.models import Role
from engagement.sitting_in.models import Category
from engagement.sitting_in.operations.invitations import invite_people
from extensions import db
from tests.engagement.sitting_in.conftest import invitable_meeting, make_person  # noqa: F401
from tests.rate_limit_support import (
    Form,
    SecondWorker,
    Send,
    in_process,
    over_http,
    page_text,
    worker_config,
)

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
requires_redis = pytest.mark.skipif(
    not REDIS_URL, reason="set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to count across workers"
)
FORMS = ["sign-in", "comment", "registration", "application", "answer"]
OTHER_RESIDENT = "203.0.113.99"


def sign_in(make_user) -> Form:
    # A name of its own: the account's failures are counted without the key prefix.
    user = make_user(Role.EDITOR, username=f"limits-{secrets.token_hex(4)}")
    return Form(
        name="sign-in",
        path=lambda _n: "/login",
        fill=lambda n: {"username": user.username, "password": f"wrong-{n}"},
        allowed=5,
        passes=422,
        refusal={"zh": "登录尝试次数过多", "en": "Too many attempts to sign in"},
        kept=user.username,
    )


def comment(consultation) -> Form:
    return Form(
        name="comment",
        path=lambda _n: f"/consultations/{consultation.id}/comments",
        fill=lambda n: {"body": f"关于驿站的第{n}条意见", "name": "王建国", "consent": "y"},
        allowed=60,
        passes=303,
        refusal={"zh": "提交的意见过多", "en": "Too many comments"},
        kept="关于驿站的第60条意见",
    )


def registration(open_day) -> Form:
    return Form(
        name="registration",
        path=lambda _n: f"/open-days/{open_day.id}/register",
        fill=lambda n: {"name": "王建国", "phone": f"139{n:08d}", "consent": "y"},
        allowed=60,
        passes=303,
        refusal={"zh": "提交的报名过多", "en": "Too many registrations"},
        kept=f"139{60:08d}",
    )


def application(meeting) -> Form:
    def fill(n: int) -> dict[str, str]:
        return {
            "name": "王建国",
            "phone": f"137{n:08d}",
            "community": "幸福里社区",
            "reason": f"关心老旧小区改造（第{n}份）",
            "consent": "y",
        }

    return Form(
        name="application",
        path=lambda _n: f"/meetings/{meeting.id}/sit-in/apply",
        fill=fill,
        allowed=60,
        passes=303,
        refusal={"zh": "提交的申请过多", "en": "Too many applications"},
        kept="关心老旧小区改造（第60份）",
    )


def answer(tokens: list[str], per_link: int) -> Form:
    """Answers spread over several invitations, `per_link` to each, so that the limit on
    the connection is reached before any invitation's own."""
    return Form(
        name="answer",
        path=lambda n: f"/rsvp/{tokens[n // per_link]}",
        fill=lambda n: {"answer": "accept" if n % 2 else "decline", "note": f"第{n}次回复"},
        allowed=60,
        passes=303,
        refusal={"zh": "请稍等几分钟后再试", "en": "Please wait a few minutes"},
        kept=f"第{60}次回复",
    )


def invitation_tokens(invitable_meeting, make_person, make_user, count: int) -> list[str]:  # noqa: F811
    meeting = invitable_meeting({Category.DEPUTY: count})
    people = [make_person() for _ in range(count)]
    invitations = invite_people(meeting, people, actor=make_user(Role.EDITOR))
    db.session.commit()
    return [invitation.token for invitation in invitations]


@pytest.fixture
def make_form(
    request,
    make_user,
    make_meeting,
    announce,
    invitable_meeting,  # noqa: F811
    make_person,  # noqa: F811
) -> Callable[[str], Form]:
    def make(name: str) -> Form:
        if name == "sign-in":
            return sign_in(make_user)
        if name == "comment":
            return comment(request.getfixturevalue("open_consultation"))
        if name == "registration":
            return registration(request.getfixturevalue("make_open_day")(capacity=100))
        if name == "application":
            return application(announce(make_meeting(sit_in_open=True, sit_in_places=2)))
        tokens = invitation_tokens(invitable_meeting, make_person, make_user, 7)
        return answer(tokens, per_link=10)

    return make


def exhaust(form: Form, sends: list[Send], address: str) -> None:
    """The form's allowed sendings from `address`, taking turns over `sends`."""
    for number in range(form.allowed):
        send = sends[number % len(sends)]
        status, html = send(form.path(number), form.fill(number), address, "zh")
        assert status == form.passes, f"{form.name} #{number}: {status} {page_text(html)[:300]}"


def assert_refused(form: Form, send: Send, address: str, language: str) -> None:
    number = form.allowed
    status, html = send(form.path(number), form.fill(number), address, language)
    assert status == 429, f"{form.name}: {status} {page_text(html)[:300]}"
    assert form.refusal[language] in page_text(html)
    assert form.kept in html  # what was typed is still on the page


class TestEachForm:
    @pytest.fixture
    def app_config(self, tmp_path: Path) -> dict[str, object]:
        return worker_config("", "", str(tmp_path))

    @pytest.mark.parametrize("name", FORMS)
    def test_a_flood_from_one_connection_is_refused_in_the_senders_language(
        self, client, make_form, name
    ):
        form = make_form(name)
        send = in_process(client)
        exhaust(form, [send], "198.51.100.7")
        assert_refused(form, send, "198.51.100.7", "zh")
        assert_refused(form, send, "198.51.100.7", "en")
        # A resident behind another address is not held back by the flood.
        number = form.allowed
        status, _html = send(form.path(number), form.fill(number), OTHER_RESIDENT, "zh")
        assert status == form.passes

    def test_an_invitation_link_takes_ten_answers_from_anywhere(
        self,
        client,
        invitable_meeting,  # noqa: F811
        make_person,  # noqa: F811
        make_user,
    ):
        tokens = invitation_tokens(invitable_meeting, make_person, make_user, 2)
        send = in_process(client)
        form = answer(tokens, per_link=10)
        for number in range(10):  # from ten addresses
            status, _html = send(form.path(0), form.fill(number), f"192.0.2.{number}", "zh")
            assert status == 303
        refused, html = send(form.path(0), form.fill(60), "192.0.2.200", "zh")
        assert refused == 429 and "请稍等几分钟后再试" in page_text(html)
        assert "第60次回复" in html  # the answer as sent, to send again later
        # The same connection may still answer another invitation.
        assert send(f"/rsvp/{tokens[1]}", form.fill(1), "192.0.2.200", "zh")[0] == 303
        # Reading the invitation is never limited.
        assert (
            client.get(form.path(0), headers={"X-Forwarded-For": "192.0.2.200"}).status_code == 200
        )


@requires_redis
class TestSharedByWorkers:
    @pytest.fixture(scope="class")
    def prefix(self) -> Iterator[str]:
        import redis

        prefix = f"test-limits-{secrets.token_hex(6)}"
        yield prefix
        connection = redis.Redis.from_url(REDIS_URL)
        for pattern in (f"*{prefix}*", "*login-account/limits-*"):
            for key in connection.scan_iter(match=pattern):
                connection.delete(key)
        connection.close()

    @pytest.fixture(scope="class")
    def second_worker(self, migrated_database, prefix, tmp_path_factory) -> Iterator[Send]:
        folder = tmp_path_factory.mktemp("second-worker")
        worker = SecondWorker(migrated_database, REDIS_URL, prefix, folder)
        send = over_http(worker.port)

        def after_commit(*args: object) -> tuple[int, str]:
            db.session.commit()  # the worker sees what this test made
            return send(*args)

        yield after_commit
        worker.stop()

    @pytest.fixture
    def app_config(self, prefix: str, tmp_path: Path) -> dict[str, object]:
        return worker_config(REDIS_URL, prefix, str(tmp_path))

    @pytest.mark.parametrize("name", FORMS)
    def test_sendings_to_one_worker_count_on_the_other(
        self, app: Flask, client, make_form, second_worker, name
    ):
        form = make_form(name)
        address = f"198.51.100.{FORMS.index(name) + 20}"
        here = in_process(client)
        exhaust(form, [here, second_worker], address)  # each worker took half
        assert_refused(form, second_worker, address, "zh")
        assert_refused(form, here, address, "en")
