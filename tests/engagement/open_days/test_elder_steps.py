"""In elder-friendly mode the registration asks one thing at a time (name, phone, email, the
ID number when the open day asks for it, then consent and a summary of the answers), by
plain POSTs: nothing is stored before the last step, every step's answer is checked where
it is asked and the whole form again at the end, and the end is the one-page form's own
send (one registration however often it is sent, the deadline kept by the server)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.phones import normalise_phone
from engagement.open_days.models import Registration
from extensions import db
from tests.engagement.open_days.test_registration_form import with_check_character
from tests.steps_support import (
    BACK,
    NEXT,
    hidden_values,
    press,
    sent_by,
    shown_fields,
    soup,
    step_form,
    step_heading,
    walk,
)

CONSENT = {"consent": True}
TYPED = {"name": "王建国", "phone": "138 0013 8000", "email": "wang@example.cn"}
ID_NUMBER = with_check_character("11010519491231002")
# A mobile number as people type it.
SPACINGS = (
    lambda m: m,
    lambda m: f"{m[:3]} {m[3:7]} {m[7:]}",
    lambda m: f"+86 {m}",
    lambda m: f"{m[:3]}-{m[3:7]}-{m[7:]}",
)
# An address the email check takes (no dot at either end of its first part, none doubled).
EMAIL = r"[a-z][a-z0-9_]{0,8}(\.[a-z0-9_]{1,5})?@[a-z]{2,8}\.(cn|com)"
STEPS = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def error_of(response, name: str) -> str:
    found = soup(response).find(id=f"{name}-error")
    return found.get_text(" ", strip=True) if found else ""


def value_of(response, name: str) -> str:
    return soup(response).find("input", {"name": name})["value"]


@pytest.fixture
def elder(client):
    client.set_cookie("lang", "en")
    client.set_cookie("elder", "1")
    return client


def first_step(client, open_day):
    response = client.get(f"/open-days/{open_day.id}")
    assert response.status_code == 200
    return response


def step_to(client, response, steps: int, answers: dict = TYPED):
    """Answer and press "Next step" `steps` times."""
    for _ in range(steps):
        fill = {name: answers[name] for name in shown_fields(response) if name in answers}
        response = press(client, response, NEXT, fill)
        assert response.status_code == 200, error_of(response, shown_fields(response)[0])
    return response


def test_the_form_asks_one_thing_at_a_time(elder, make_open_day):
    page = first_step(elder, make_open_day())
    assert step_heading(page) == "Step 1 of 4 Your name"
    assert shown_fields(page) == ["name"]
    assert soup(page).find("form", attrs={"data-registration-form": True}) is None
    assert set(hidden_values(page)) >= {"submission_key", "step", "phone", "email"}
    assert "autofocus" not in step_form(page).decode()  # arriving, the page starts at its top
    asked = []
    response = page
    for _ in range(3):
        response = press(elder, response, NEXT, {n: TYPED[n] for n in shown_fields(response)})
        asked.append((step_heading(response), shown_fields(response)))
    assert asked == [
        ("Step 2 of 4 Your phone", ["phone"]),
        ("Step 3 of 4 Email", ["email"]),
        ("Step 4 of 4 Check and send", ["consent"]),
    ]
    assert registrations() == []  # nothing stored before the last step
    last = step_form(response)
    assert [b.get_text(strip=True) for b in last.find_all("button", type="submit")][-2:] == [
        "Send registration",
        "Back",
    ]


def test_the_id_number_is_a_step_when_the_open_day_asks_for_it(elder, make_open_day):
    response = step_to(elder, first_step(elder, make_open_day(id_required=True)), 3)
    assert step_heading(response) == "Step 4 of 5 ID card"
    assert shown_fields(response) == ["id_number"]


@STEPS
@given(
    name=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=50).filter(
        lambda s: s.strip()
    ),
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    spacing=st.sampled_from(SPACINGS),
    email=st.one_of(st.just(""), st.from_regex(EMAIL, fullmatch=True)),
    id_required=st.booleans(),
    born=st.dates(date(1930, 1, 1), date(2005, 12, 31)),
)
def test_walking_every_step_stores_one_registration_with_what_was_typed(
    elder, make_open_day, name, mobile, spacing, email, id_required, born
):
    open_day = make_open_day(id_required=id_required)
    id_number = with_check_character(f"110105{born:%Y%m%d}002")
    typed = {
        "name": name,
        "phone": spacing(mobile),
        "email": email,
        "id_number": id_number.lower(),  # an x typed small is the same number
    }
    sent = walk(elder, first_step(elder, open_day), typed, CONSENT)
    assert sent.status_code == 303, error_of(sent, "name") or sent.status_code
    stored = [r for r in registrations() if r.open_day_id == open_day.id]
    assert len(stored) == 1
    [registration] = stored
    assert registration.name == name.strip()
    assert registration.phone == normalise_phone(typed["phone"]) == mobile
    assert registration.email == (email or None)
    assert registration.id_number == (id_number if id_required else None)
    assert sent.headers["Location"].endswith("#status")


@pytest.mark.parametrize(
    ("at", "name", "bad", "message"),
    [
        (0, "name", "", "Enter your name."),
        (0, "name", "长" * 51, "50"),
        (1, "phone", "12345", "Enter a mainland mobile number"),
        (2, "email", "not an address", "Enter a valid email address."),
        (3, "id_number", "11010519491231002", "18 characters"),
    ],
)
def test_a_refused_answer_is_said_by_its_field_and_every_answer_is_kept(
    elder, make_open_day, at, name, bad, message
):
    response = step_to(elder, first_step(elder, make_open_day(id_required=True)), at)
    refused = press(elder, response, NEXT, {name: bad})
    assert refused.status_code == 422
    assert message in error_of(refused, name)
    assert shown_fields(refused) == [name]  # the same step again
    assert value_of(refused, name) == bad
    field = step_form(refused).find(attrs={"name": name})
    assert field.has_attr("autofocus") and field["aria-invalid"] == "true"
    kept = hidden_values(refused)
    for earlier in ("name", "phone", "email")[:at]:
        assert kept[earlier] == (TYPED[earlier] if earlier != "phone" else "13800138000")
    summary = soup(refused).find(id="error-summary")
    assert summary.find("a", href=f"#{name}") is not None
    assert registrations() == []


def test_back_then_next_keeps_every_answer(elder, make_open_day):
    at_email = step_to(elder, first_step(elder, make_open_day()), 2)
    # Typed but not yet sent on with "Next step": Back keeps it, unchecked.
    back = press(elder, at_email, BACK, {"email": "half typed"})
    assert back.status_code == 200 and shown_fields(back) == ["phone"]
    assert value_of(back, "phone") == "13800138000"
    assert hidden_values(back)["email"] == "half typed"
    back = press(elder, back, BACK)
    assert shown_fields(back) == ["name"] and value_of(back, "name") == TYPED["name"]
    assert BACK not in [b.get("value") for b in step_form(back).find_all("button")]
    again = press(elder, press(elder, back, NEXT), NEXT)
    assert shown_fields(again) == ["email"] and value_of(again, "email") == "half typed"
    last = press(elder, again, NEXT, {"email": TYPED["email"]})
    assert press(elder, last, None, CONSENT).status_code == 303
    [registration] = registrations()
    assert (registration.name, registration.email) == (TYPED["name"], TYPED["email"])


def test_the_last_step_sums_up_the_answers_and_each_can_be_changed(elder, make_open_day):
    last = step_to(
        elder,
        first_step(elder, make_open_day(id_required=True)),
        4,
        {**TYPED, "id_number": ID_NUMBER},
    )
    heading = soup(last).find(id="step-title")
    assert heading.has_attr("autofocus")  # the summary is read from its top
    answers = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in soup(last).select(".step-answers dt")
    }
    assert answers == {
        "Your name": "王建国",
        "Mobile phone": "13800138000",
        "Email (optional)": "wang@example.cn",
        "Resident ID number": ID_NUMBER,
    }
    change = step_form(last).find("button", value="change-1")
    assert change.get_text(" ", strip=True) == "Change answer : Mobile phone"
    changing = press(elder, last, "change-1", CONSENT)
    assert shown_fields(changing) == ["phone"] and value_of(changing, "phone") == "13800138000"
    assert hidden_values(changing)["consent"] == "y"  # the ticked box is kept too
    back_at_end = step_to(
        elder, changing, 3, {"phone": "139 0000 0000", "email": "", "id_number": ID_NUMBER}
    )
    assert press(elder, back_at_end, None).status_code == 303  # consent carried, still ticked
    [registration] = registrations()
    assert (registration.phone, registration.email) == ("13900000000", None)


def test_sending_the_last_step_twice_stores_one_registration(elder, make_open_day):
    last = step_to(elder, first_step(elder, make_open_day()), 3)
    data = sent_by(last, CONSENT)
    action = step_form(last)["action"].split("#")[0]
    first, second = elder.post(action, data=data), elder.post(action, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(registrations()) == 1


@pytest.mark.parametrize(
    ("name", "tampered", "message"),
    [
        ("phone", "12345", "Enter a mainland mobile number"),
        ("name", "  ", "Enter your name."),
        ("email", "x@", "Enter a valid email address."),
        ("id_number", ID_NUMBER[:17] + ("1" if ID_NUMBER[17] == "0" else "0"), "does not add up"),
    ],
)
def test_a_hidden_answer_changed_on_its_way_is_checked_again_at_the_end(
    elder, make_open_day, name, tampered, message
):
    answers = {**TYPED, "id_number": ID_NUMBER}
    last = step_to(elder, first_step(elder, make_open_day(id_required=True)), 4, answers)
    refused = press(elder, last, None, {**CONSENT, name: tampered})
    assert refused.status_code == 422
    assert registrations() == []
    assert shown_fields(refused) == [name]  # the step whose answer was refused
    assert message in error_of(refused, name)
    assert step_form(refused).find(attrs={"name": name}).has_attr("autofocus")
    assert hidden_values(refused)["consent"] == "y"


def test_a_step_pressed_after_registration_closed_says_so_and_keeps_the_typing(
    elder, make_open_day
):
    open_day = make_open_day()
    at_email = step_to(elder, first_step(elder, open_day), 2)
    with freeze_time(open_day.registration_closes_at + timedelta(seconds=1)):
        refused = press(elder, at_email, NEXT, {"email": "wang@example.cn"})
    assert refused.status_code == 409
    result = soup(refused).find(id="send-result")
    assert "Registration closed at" in result.get_text()
    kept = soup(refused).select_one(".kept-typing").get_text(" ", strip=True)
    assert "王建国" in kept and "13800138000" in kept and "wang@example.cn" in kept
    assert registrations() == []


def test_the_last_step_sent_after_registration_closed_is_refused_as_ever(elder, make_open_day):
    open_day = make_open_day()
    last = step_to(elder, first_step(elder, open_day), 3)
    with freeze_time(open_day.registration_closes_at + timedelta(seconds=1)):
        refused = press(elder, last, None, CONSENT)
    assert refused.status_code == 409
    assert "Registration closed at" in soup(refused).find(id="send-result").get_text()
    assert "王建国" in soup(refused).select_one(".kept-typing").get_text()
    assert registrations() == []


def test_a_phone_already_registered_goes_back_to_its_step_with_the_offer(elder, make_open_day):
    open_day = make_open_day()
    assert walk(elder, first_step(elder, open_day), TYPED, CONSENT).status_code == 303
    again = walk(elder, first_step(elder, open_day), {**TYPED, "name": "王二"}, CONSENT)
    assert again.status_code == 422
    assert shown_fields(again) == ["phone"]
    assert "already registered" in error_of(again, "phone")
    offer = step_form(again).find("button", attrs={"form": "send-link-offer"})
    assert offer is not None and soup(again).find("form", id="send-link-offer") is not None
    assert len(registrations()) == 1


def test_what_was_typed_is_escaped_in_the_hidden_answers(elder, make_open_day):
    typed = '"><script>alert(1)</script>&amp;' + "长" * 10
    at_phone = press(elder, first_step(elder, make_open_day()), NEXT, {"name": typed})
    assert at_phone.status_code == 200
    assert hidden_values(at_phone)["name"] == typed
    assert b"<script>alert(1)" not in at_phone.data
    last = step_to(elder, at_phone, 2)
    assert press(elder, last, None, CONSENT).status_code == 303
    assert registrations()[0].name == typed


def test_the_steps_carry_nothing_in_the_address(elder, make_open_day):
    open_day = make_open_day()
    response = first_step(elder, open_day)
    for _ in range(4):
        assert step_form(response)["action"] == f"/open-days/{open_day.id}/register"
        assert step_form(response)["method"] == "post"
        if shown_fields(response) != ["consent"]:
            response = step_to(elder, response, 1)


def test_without_elder_mode_the_form_is_one_page_as_before(client, make_open_day):
    client.set_cookie("lang", "en")
    page = soup(client.get(f"/open-days/{make_open_day(id_required=True).id}"))
    form = page.find("form", attrs={"data-registration-form": True})
    names = [t["name"] for t in form.find_all(["input"]) if t.get("type") != "hidden"]
    assert names == ["name", "phone", "email", "id_number", "consent"]
    assert page.find(id="step") is None and page.find("button", value=NEXT) is None


def test_a_step_pressed_without_elder_mode_stores_nothing(client, make_open_day):
    open_day = make_open_day()
    answer = client.post(
        f"/open-days/{open_day.id}/register",
        data={**TYPED, "consent": "y", "step": "0", "step_action": NEXT},
    )
    assert answer.status_code == 200
    assert registrations() == []
    assert soup(answer).find("form", attrs={"data-registration-form": True}) is not None


class TestWithFormTokensAndLimits:
    """As deployed: every POST carries its token, and registrations are counted per
    connection; pressing a step's button is not a registration."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True}

    def test_the_walk_carries_the_form_token_and_its_presses_are_not_counted(
        self, elder, make_open_day
    ):
        open_day = make_open_day()
        response = first_step(elder, open_day)
        assert hidden_values(response)["csrf_token"]
        for _ in range(31):  # 62 presses, more than REGISTRATION_RATE_LIMIT's 60
            response = press(elder, press(elder, response, NEXT, {"name": "王建国"}), BACK)
            assert response.status_code == 200
        sent = walk(elder, response, TYPED, CONSENT)
        assert sent.status_code == 303
        assert len(registrations()) == 1
