"""Registering, as a resident's phone sends it: a mainland mobile number and a resident ID
number checked as the standard defines them, with what was typed kept on every refusal;
one registration per phone, the same form sent twice registered once, a closed window and
a busy database each said as they are."""

from __future__ import annotations

import random
import sqlite3
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import create_engine, event, select, text

from core.clock import utcnow
from core.phones import normalise_phone
from engagement.open_days.forms import id_number_problem
from engagement.open_days.models import Registration, Status
from extensions import db
from tests.responses import text_of

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
RESIDENT = {"name": "王建国", "phone": "13800138000", "consent": "y"}


def with_check_character(first_17: str) -> str:
    """A resident ID number completed as GB 11643 says (computed here independently)."""
    return first_17 + CHECK[sum(int(d) * w for d, w in zip(first_17, WEIGHTS, strict=True)) % 11]


def random_id_number(rng: random.Random) -> str:
    born = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 90))
    region = f"{rng.randrange(110000, 659999):06d}"
    return with_check_character(f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}")


def registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def register(client, open_day, **fields):
    return client.post(f"/open-days/{open_day.id}/register", data={**RESIDENT, **fields})


def field_value(response, name: str) -> str:
    return BeautifulSoup(response.data, "html.parser").find("input", {"name": name})["value"]


def error_of(response, name: str) -> str:
    found = BeautifulSoup(response.data, "html.parser").find(id=f"{name}-error")
    return found.get_text(" ", strip=True) if found else ""


@pytest.fixture
def en(client):
    client.set_cookie("lang", "en")
    return client


class TestPhone:
    @pytest.mark.parametrize(
        "typed",
        [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+8613800138000",
            "0086 13800138000",
            "86-138-0013-8000",
            " 13800138000 ",
        ],
    )
    def test_mainland_mobile_numbers_as_people_type_them_are_kept_as_11_digits(
        self, client, make_open_day, typed
    ):
        assert normalise_phone(typed) == "13800138000"
        response = register(client, make_open_day(), phone=typed)
        assert response.status_code == 303
        assert [r.phone for r in registrations()] == ["13800138000"]

    @pytest.mark.parametrize("good", ["13012345678", "15912345678", "19912345678", "17700000000"])
    def test_every_mobile_prefix_from_13_to_19_is_accepted(self, good):
        assert normalise_phone(good) == good

    @pytest.mark.parametrize(
        "bad",
        [
            "",
            "1380013800",  # 10 digits
            "138001380001",  # 12 digits
            "12800138000",  # 12… is no mobile prefix
            "23800138000",
            "010-12345678",  # a landline
            "+1 415 555 0100",
            "1380013800a",
            "＋86 13800138000x",
        ],
    )
    def test_other_numbers_are_refused_next_to_the_field_and_kept(self, en, make_open_day, bad):
        response = register(en, make_open_day(), phone=bad, name="李四")
        assert response.status_code == 422
        assert "mobile number" in error_of(response, "phone")
        assert field_value(response, "phone") == bad.strip() or bad == ""
        assert field_value(response, "name") == "李四"
        assert registrations() == []


class TestIdNumber:
    def test_valid_numbers_pass_and_every_single_character_change_is_refused(self, app):
        rng = random.Random(11643)
        for _ in range(40):
            number = random_id_number(rng)
            assert id_number_problem(number) is None, number
            for position in range(18):
                for replacement in "0123456789X":
                    if replacement == number[position]:
                        continue
                    if position < 17 and replacement == "X":
                        continue
                    changed = number[:position] + replacement + number[position + 1 :]
                    # One changed character always changes the weighted sum modulo 11
                    # (weights are never a multiple of 11), or breaks the birth date.
                    assert id_number_problem(changed) is not None, (number, changed)

    @pytest.mark.parametrize(
        "bad",
        [
            "11010519491231002",  # 17 characters
            "1101051949123100211",  # 19
            "11010519491331002X",  # month 13
            "11010518991231002X",  # before 1900
            "A1010519491231002X",
        ],
    )
    def test_malformed_numbers_are_refused(self, app, bad):
        assert id_number_problem(bad) is not None

    def test_a_future_birth_date_is_refused(self, app):
        born = date.today() + timedelta(days=400)
        assert id_number_problem(with_check_character(f"110105{born:%Y%m%d}002")) is not None

    def test_asked_only_when_the_open_day_requires_it(self, client, make_open_day):
        without = BeautifulSoup(client.get(f"/open-days/{make_open_day().id}").data, "html.parser")
        assert without.find("input", {"name": "id_number"}) is None
        required = make_open_day(id_required=True)
        page = BeautifulSoup(client.get(f"/open-days/{required.id}").data, "html.parser")
        assert page.find("input", {"name": "id_number"}) is not None

    def test_lower_case_x_is_accepted_and_stored_upper_case(self, client, make_open_day):
        number = with_check_character("11010519491231002")
        assert number.endswith("X")
        open_day = make_open_day(id_required=True)
        response = register(client, open_day, id_number=number.lower())
        assert response.status_code == 303
        assert registrations()[0].id_number == number

    def test_a_wrong_number_is_refused_with_everything_kept(self, en, make_open_day):
        open_day = make_open_day(id_required=True)
        wrong = "110105194912310021"
        response = register(en, open_day, id_number=wrong, email="wang@example.cn")
        assert response.status_code == 422
        assert "does not add up" in error_of(response, "id_number")
        assert field_value(response, "id_number") == wrong
        assert field_value(response, "email") == "wang@example.cn"
        assert registrations() == []

    def test_missing_when_required_is_refused(self, en, make_open_day):
        response = register(en, make_open_day(id_required=True))
        assert response.status_code == 422 and "ID number" in error_of(response, "id_number")

    def test_not_stored_when_the_open_day_does_not_ask_for_it(self, client, make_open_day):
        register(client, make_open_day(), id_number=with_check_character("11010519491231002"))
        assert registrations()[0].id_number is None


class TestOtherFields:
    @pytest.mark.parametrize("good", ["wang@example.cn", "a.b+c@mail.gov.cn", ""])
    def test_an_optional_valid_email_is_accepted(self, client, make_open_day, good):
        assert register(client, make_open_day(), email=good).status_code == 303
        assert registrations()[0].email == (good or None)

    @pytest.mark.parametrize("bad", ["wang", "wang@", "@example.cn", "wang@@example.cn"])
    def test_an_invalid_email_is_refused(self, en, make_open_day, bad):
        response = register(en, make_open_day(), email=bad)
        assert response.status_code == 422 and "email" in error_of(response, "email").lower()
        assert field_value(response, "email") == bad

    def test_name_is_required_and_at_most_50_characters(self, client, make_open_day):
        open_day = make_open_day()
        assert register(client, open_day, name="").status_code == 422
        assert register(client, open_day, name="张" * 51).status_code == 422
        assert register(client, open_day, name="张" * 50).status_code == 303

    def test_consent_is_required_and_says_purpose_and_retention(self, en, app, make_open_day):
        app.config["OPEN_DAY_RETENTION_DAYS"] = 45
        open_day = make_open_day()
        page = text_of(en.get(f"/open-days/{open_day.id}"))
        assert "Purpose:" in page and "45 days after the open day" in page
        response = register(en, open_day, consent="")
        assert response.status_code == 422 and error_of(response, "consent")
        assert registrations() == []


class TestOnePerPhone:
    def test_a_second_registration_with_the_same_phone_is_offered_the_link(self, en, make_open_day):
        open_day = make_open_day()
        assert register(en, open_day).status_code == 303
        again = register(en, open_day, name="另一个人", phone="138 0013 8000")
        assert again.status_code == 422
        assert "already registered" in error_of(again, "phone")
        page = BeautifulSoup(again.data, "html.parser")
        offer = page.find("form", id="send-link-offer")
        assert offer["action"] == f"/open-days/{open_day.id}/send-link"
        assert offer.find("input", {"name": "phone"})["value"] == "13800138000"
        assert page.find("button", attrs={"form": "send-link-offer"}) is not None
        assert len(registrations()) == 1

    def test_send_link_answers_the_same_whatever_the_number(self, en, make_open_day):
        open_day = make_open_day()
        register(en, open_day, email="wang@example.cn")
        answers = []
        for phone in ("13800138000", "13900139000", "nonsense"):
            response = en.post(
                f"/open-days/{open_day.id}/send-link", data={"phone": phone}, follow_redirects=True
            )
            answers.append(response.status_code)
            assert "If this phone is registered for this open day" in text_of(response)
        assert answers == [200, 200, 200]
        assert registrations()[0].link_sent_at is not None


class TestSentOnce:
    def test_the_same_form_sent_twice_is_one_registration(self, client, make_open_day):
        open_day = make_open_day()
        first = register(client, open_day, submission_key="k" * 22)
        again = register(client, open_day, submission_key="k" * 22)
        assert first.status_code == again.status_code == 303
        assert again.headers["Location"] == first.headers["Location"]
        assert len(registrations()) == 1

    def test_reloading_the_form_address_goes_back_to_the_form(self, client, make_open_day):
        open_day = make_open_day()
        response = client.get(f"/open-days/{open_day.id}/register")
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/open-days/{open_day.id}#register")


class TestNotOpen:
    def test_after_the_window_closes_the_send_gets_409_with_the_typed_text(self, en, make_open_day):
        open_day = make_open_day()
        with freeze_time(open_day.registration_closes_at + timedelta(seconds=1)):
            response = register(en, open_day, name="赵六", email="zhao@example.cn")
        assert response.status_code == 409
        page = text_of(response)
        assert "You are not registered" in page and "Registration closed at" in page
        assert "赵六" in page and "zhao@example.cn" in page and "13800138000" in page
        assert registrations() == []

    def test_a_cancelled_open_day_says_so(self, en, make_open_day):
        open_day = make_open_day(cancelled_at=utcnow(), cancel_reason="天气原因")
        response = register(en, open_day)
        assert response.status_code == 409 and "cancelled" in text_of(response)

    def test_before_it_opens_there_is_no_form_and_a_send_gets_409(self, en, make_open_day):
        open_day = make_open_day(registration_opens_at=utcnow() + timedelta(days=1))
        page = BeautifulSoup(en.get(f"/open-days/{open_day.id}").data, "html.parser")
        assert page.find("form", attrs={"data-registration-form": True}) is None
        assert register(en, open_day).status_code == 409


@contextmanager
def another_writer_holds(app, open_day):
    """Another transaction holds what a registration must write first, longer than the app
    waits: SQLite's write lock (`BEGIN IMMEDIATE` on a connection of its own, the app's
    busy timeout shortened), or on PostgreSQL the open day's row (`OPEN_DAY_LOCK_TIMEOUT_MS`
    shortened)."""
    open_day_id = open_day.id
    db.session.commit()
    if db.engine.dialect.name == "sqlite":

        def short_wait(dbapi_connection, _record) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=100")

        db.engine.dispose()
        event.listen(db.engine, "connect", short_wait)
        holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
            event.remove(db.engine, "connect", short_wait)
            db.engine.dispose()
    else:
        app.config["OPEN_DAY_LOCK_TIMEOUT_MS"] = 100
        other = create_engine(db.engine.url)
        try:
            with other.connect() as connection, connection.begin():
                connection.execute(
                    text("SELECT id FROM open_days WHERE id = :id FOR UPDATE"), {"id": open_day_id}
                )
                yield
        finally:
            other.dispose()


class TestBusy:
    def test_a_database_busy_past_its_wait_answers_503_with_everything_kept(
        self, app, en, make_open_day
    ):
        open_day = make_open_day(id_required=True)
        number = with_check_character("11010519491231002")
        typed = {"name": "钱七", "email": "qian@example.cn", "id_number": number}
        url = f"/open-days/{open_day.id}/register"
        with another_writer_holds(app, open_day):
            response = en.post(url, data={**RESIDENT, **typed, "submission_key": "b" * 22})
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert "Many people are registering right now" in text_of(response)
        assert "Nothing was saved yet" in text_of(response)
        for name, value in {**typed, "phone": "13800138000", "submission_key": "b" * 22}.items():
            assert field_value(response, name) == value
        assert registrations() == []
        # Sending the kept form again registers once.
        assert register(en, open_day, submission_key="b" * 22, **typed).status_code == 303
        assert len(registrations()) == 1

    def test_asking_for_the_link_while_busy_answers_503_with_the_phone_kept(
        self, app, en, make_open_day
    ):
        open_day = make_open_day()
        register(en, open_day)
        url = f"/open-days/{open_day.id}/send-link"
        with another_writer_holds(app, open_day):
            response = en.post(url, data={"phone": "138 0013 8000"})
        if db.engine.dialect.name != "sqlite":
            return  # on PostgreSQL asking for the link waits for no lock on the open day
        assert response.status_code == 503 and "Retry-After" in response.headers
        assert field_value(response, "phone") == "138 0013 8000"


class TestExpiredForm:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_an_expired_token_gives_the_form_back_with_a_fresh_one(self, en, make_open_day):
        open_day = make_open_day()
        en.get(f"/open-days/{open_day.id}")
        response = register(en, open_day, csrf_token="stale", name="孙八")
        assert response.status_code == 400
        assert field_value(response, "name") == "孙八"
        assert field_value(response, "phone") == "13800138000"
        assert "not sent yet" in text_of(response)
        token = field_value(response, "csrf_token")
        again = register(en, open_day, csrf_token=token, name="孙八")
        assert again.status_code == 303
        assert [r.name for r in registrations()] == ["孙八"]


def test_a_full_open_day_puts_the_next_on_the_waiting_list(client, make_open_day):
    open_day = make_open_day(capacity=1)
    register(client, open_day)
    register(client, open_day, phone="13900139000")
    assert [r.status for r in registrations()] == [Status.CONFIRMED, Status.WAITLISTED]


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True}

    def test_only_stored_registrations_count_and_the_limit_keeps_what_was_typed(
        self, en, make_open_day
    ):
        open_day = make_open_day(capacity=100)
        for _ in range(70):  # the same form again and again lands on one registration
            assert register(en, open_day, submission_key="s" * 22).status_code == 303
        for number in range(59):
            assert register(en, open_day, phone=f"139{number:08d}").status_code == 303
        over = register(en, open_day, phone="13700137000", name="周九")
        assert over.status_code == 429
        assert field_value(over, "name") == "周九" and field_value(over, "phone") == "13700137000"
        assert "Too many registrations" in text_of(over)
        assert len(registrations()) == 60

    def test_a_closed_window_is_said_before_any_limit(self, en, make_open_day):
        open_day = make_open_day()
        for number in range(60):
            register(en, open_day, phone=f"139{number:08d}")
        with freeze_time(open_day.registration_closes_at + timedelta(seconds=1)):
            assert register(en, open_day, phone="13700137000").status_code == 409
