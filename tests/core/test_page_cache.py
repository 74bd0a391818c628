"""Anonymous readers cost almost nothing and never see stale public content: no session or
cookie for someone who only reads; pages kept by address, language and the public-data
version; 304 after one query; per-visitor parts of a kept page filled for each visitor;
the next request after any public change (or the clock passing a boundary) is fresh; the
cache is shared by workers through Redis."""

from __future__ import annotations

import secrets
import socket
import threading
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from core import review
from core.clock import utcnow
from core.page_cache import page_cache
from engagement.consultations import operations as consultation_operations
from engagement.consultations.models import Comment, Consultation
from engagement.demo import load_demo
from extensions import db
from meetings import operations as meeting_operations
from meetings.models import ChangeKind, LiveUpdate, Meeting
from tests.responses import count_queries, text_of


def noop(*_args: object) -> None:
    """A WSGI start_response that keeps nothing."""


def cookies_set(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def queries_for(client, url: str, **kwargs) -> tuple[object, int]:
    """The answer and how many queries it took (SQLite's BEGIN is not a query)."""
    with count_queries() as statements:
        response = client.get(url, **kwargs)
    return response, len([s for s in statements if not s.startswith("BEGIN")])


@pytest.fixture
def demo(app):
    load_demo()
    db.session.commit()


def public_addresses() -> list[str]:
    meetings = db.session.scalars(Meeting.public().with_only_columns(Meeting.id)).all()
    consultations = db.session.scalars(
        Consultation.public().with_only_columns(Consultation.id)
    ).all()
    return [
        "/",
        "/meetings/",
        "/meetings/?year=2026",
        *(f"/meetings/{number}" for number in meetings),
        "/consultations/",
        *(f"/consultations/{number}" for number in consultations),
        "/receipts/",
        "/api/v1/meetings",
        "/api/v1/consultations",
    ]


class TestReaders:
    def test_a_reader_gets_no_cookie_except_with_a_form_to_send(self, client, demo):
        for url in public_addresses():
            response = client.get(url)
            assert response.status_code == 200, url
            has_form = b"data-comment-form" in response.data
            if has_form:
                # the form's token is this visitor's own, so this answer is private
                assert response.headers["Cache-Control"] == "private, no-store"
                assert "ETag" not in response.headers
            else:
                assert cookies_set(response) == [], url
                assert b"csrf_token" not in response.data, url
                assert response.headers.get("ETag"), url

    def test_a_kept_page_costs_one_query_and_a_revalidation_none_to_build(self, client, demo):
        for url in ("/", "/meetings/", "/consultations/", "/api/v1/meetings"):
            first, built = queries_for(client, url)
            again, served = queries_for(client, url)
            assert again.data == first.data and served == 1 < built, url
            unchanged, checked = queries_for(
                client, url, headers={"If-None-Match": first.headers["ETag"]}
            )
            assert unchanged.status_code == 304 and unchanged.data == b"" and checked <= 1

    def test_an_unchanged_page_is_answered_before_the_app_in_a_servers_thread(
        self, app, client, demo
    ):
        """A server's worker thread holds no application context of its own (the suite's
        tests otherwise run inside one): the 304 still comes before the app builds a
        request, for a page and a calendar feed alike."""
        shortcut = app.wsgi_app
        for url in ("/", "/meetings/", "/calendar.ics"):
            etag = client.get(url).headers["ETag"]
            environ = EnvironBuilder(path=url, headers={"If-None-Match": etag}).get_environ()
            answered: list[object] = []
            thread = threading.Thread(
                target=lambda e=environ, out=answered: out.append(shortcut(e, noop))
            )
            thread.start()
            thread.join()
            assert answered == [[b""]], url  # the shortcut's empty 304, not the app's answer

    def test_a_compressed_copy_is_revalidated_as_cheaply(self, client, demo):
        """Browsers ask for compressed pages, whose validator names the algorithm: a client
        holding one is answered 304 from the version, without building or fetching it."""
        for url in ("/", "/meetings/", "/api/v1/meetings"):
            first = client.get(url, headers={"Accept-Encoding": "gzip"})
            assert first.headers["Content-Encoding"] == "gzip", url
            assert first.headers["ETag"].endswith(':gzip"'), url
            page_cache.clear()  # a rebuild would take many queries, not one
            unchanged, checked = queries_for(
                client,
                url,
                headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]},
            )
            assert unchanged.status_code == 304 and unchanged.data == b"", url
            assert checked <= 1, url

    @pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
    def test_each_visitor_gets_their_own_form_keys_on_a_kept_page(self, app, open_consultation):
        url = f"/consultations/{open_consultation.id}"
        first, second = app.test_client(), app.test_client()
        one = BeautifulSoup(first.get(url).data, "html.parser")
        other, served = queries_for(second, url)
        two = BeautifulSoup(other.data, "html.parser")
        assert served == 1  # the page came from the cache; the keys were made for this visitor
        for name in ("csrf_token", "submission_key"):
            mine = one.find("input", {"name": name})["value"]
            theirs = two.find("input", {"name": name})["value"]
            assert mine and theirs and mine != theirs, name
        assert two.find("input", {"name": "opened"})["value"]  # when this visitor opened it
        assert "sunshine-visitor" not in other.get_data(as_text=True)

    def test_languages_and_fragments_are_kept_apart(self, client, demo):
        chinese = client.get("/meetings/")
        client.set_cookie("lang", "en")
        english = client.get("/meetings/")
        fragment = client.get("/meetings/", headers={"HX-Request": "true"})
        assert "会议" in text_of(chinese) and "Meetings" in text_of(english)
        assert b"<html" in english.data and b"<html" not in fragment.data


class TestFreshness:
    def test_an_approval_is_public_on_the_next_request(self, client, make_meeting, reviewer):
        meeting = make_meeting(title="第二十三次区政府常务会议")
        assert "第二十三次" not in text_of(client.get("/meetings/"))
        review.submit_for_review(meeting, actor=meeting.author)
        review.approve(meeting, actor=reviewer)
        db.session.commit()
        assert "第二十三次" in text_of(client.get("/meetings/"))

    def test_a_cancellation_is_public_on_the_next_request(
        self, client, make_meeting, announce, approve_change
    ):
        meeting = announce(make_meeting())
        page = f"/meetings/{meeting.id}"
        assert "已取消" not in text_of(client.get(page))
        approve_change(meeting, ChangeKind.CANCEL, reason="因台风预警取消")
        shown = text_of(client.get(page))
        assert "因台风预警取消" in shown

    def test_a_withdrawn_live_update_leaves_on_the_next_request(
        self, client, make_meeting, announce
    ):
        meeting = announce(make_meeting(starts_at=utcnow() - timedelta(minutes=10)))
        update = meeting_operations.post_live_update(
            meeting, text="会议开始，区长主持。", agenda_item=None, image=None, actor=meeting.author
        )
        db.session.commit()
        page = f"/meetings/{meeting.id}"
        assert "区长主持" in text_of(client.get(page))
        meeting_operations.withdraw_live_update(update, actor=meeting.author)
        db.session.commit()
        assert db.session.get(LiveUpdate, update.id).withdrawn_at is not None
        assert "区长主持" not in text_of(client.get(page))

    def test_a_published_comment_shows_on_the_next_request(self, client, open_consultation):
        page = f"/consultations/{open_consultation.id}"
        client.post(
            f"{page}/comments", data={"body": "建议增加助餐点。", "name": "王芳", "consent": "y"}
        )
        assert "建议增加助餐点" not in text_of(client.get(page))
        comment = db.session.scalar(select(Comment))
        consultation_operations.moderate_comments(
            [comment], True, None, actor=open_consultation.author
        )
        db.session.commit()
        assert "建议增加助餐点" in text_of(client.get(page))

    def test_a_period_that_closes_by_the_clock_shows_closed_at_its_second(
        self, client, make_consultation
    ):
        consultation = make_consultation()
        page = f"/consultations/{consultation.id}"
        with freeze_time(consultation.closes_at - timedelta(seconds=1)):
            assert b"data-comment-form" in client.get(page).data
            listed = client.get("/consultations/")
        with freeze_time(consultation.closes_at):
            assert b"data-comment-form" not in client.get(page).data
            assert client.get("/consultations/").data != listed.data

    def test_an_old_validator_gets_the_new_page_after_a_publication(
        self, client, make_meeting, reviewer, announce
    ):
        announce(make_meeting(title="第一次会议"))
        first = client.get("/meetings/")
        meeting = make_meeting(title="第二次会议")
        review.submit_for_review(meeting, actor=meeting.author)
        review.approve(meeting, actor=reviewer)
        db.session.commit()
        again = client.get("/meetings/", headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 200 and "第二次会议" in text_of(again)

    def test_staff_revalidating_a_public_page_get_it_built(
        self, client, auth, make_user, make_meeting, announce
    ):
        from core.accounts.models import Role

        announce(make_meeting(title="第一次会议"))
        etag = client.get("/meetings/").headers["ETag"]
        auth.login(make_user(Role.EDITOR))
        assert client.get("/meetings/", headers={"If-None-Match": etag}).status_code == 200

    def test_staff_always_see_live_data(self, client, auth, make_user, demo):
        from core.accounts.models import Role

        auth.login(make_user(Role.EDITOR))
        _first, built = queries_for(client, "/meetings/")
        _again, rebuilt = queries_for(client, "/meetings/")
        assert rebuilt == built > 1


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


requires_redis = pytest.mark.skipif(
    not redis_is_running(), reason="needs Redis on 127.0.0.1:6379 (REDIS_URL)"
)


@requires_redis
class TestSharedByWorkers:
    @pytest.fixture
    def app_config(self):
        prefix = f"test-{secrets.token_hex(6)}:"
        return {
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "PAGE_CACHE_KEY_PREFIX": prefix,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_ENABLED": True,
        }

    @pytest.fixture
    def second_worker(self, app, app_config):
        from app import create_app
        from tests.conftest import IsolatedRequestClient, config_for_tests

        other = create_app(config_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], **app_config))
        other.test_client_class = IsolatedRequestClient
        return other

    @staticmethod
    def on(worker, do):
        """`do(client)` on another worker's app, the test's own transaction ended first."""
        db.session.commit()
        with worker.app_context():
            return do(worker.test_client())

    def test_a_page_built_by_one_worker_is_served_by_another_and_stays_fresh(
        self, app, client, second_worker, make_meeting, reviewer, announce
    ):
        announce(make_meeting(title="第一次会议"))
        built = client.get("/meetings/")
        self.on(second_worker, lambda other: other.get("/"))  # it learns the clock's next step
        served, count = self.on(second_worker, lambda other: queries_for(other, "/meetings/"))
        assert served.data == built.data and count == 1
        meeting = make_meeting(title="第二次会议")
        review.submit_for_review(meeting, actor=meeting.author)
        review.approve(meeting, actor=reviewer)
        db.session.commit()
        fresh = self.on(second_worker, lambda other: other.get("/meetings/"))
        assert "第二次会议" in text_of(fresh)

    def test_rate_limits_are_counted_across_workers(self, app, client, second_worker, make_user):
        from core.accounts.models import Role

        owner = make_user(Role.EDITOR)
        attempt = {"username": owner.username, "password": "wrong"}
        address = {"REMOTE_ADDR": "198.51.100.77"}

        def fail(worker_client):
            return worker_client.post("/login", data=attempt, environ_base=address).status_code

        for number in range(5):  # this pair's five, split between the two workers
            status = fail(client) if number % 2 == 0 else self.on(second_worker, fail)
            assert status == 422
        assert self.on(second_worker, fail) == 429
