"""In elder-friendly mode the application to sit in asks one thing at a time (name, phone,
email, community, reason, whether to publish the name, then consent and a summary), by plain
POSTs: nothing is stored before the last step, each answer is checked on its step and all of
them again at the end, which is the one-page form's own send."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.phones import normalise_phone
from tests.engagement.sitting_in.application_support import (
    applications_of,
    close_the_call,
    error_of,
)
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
TYPED = {
    "name": "王建国",
    "phone": "138 0013 8000",
    "email": "wang@example.cn",
    "community": "幸福里社区",
    "reason": "关心老旧小区改造\n也关心加装电梯",
    "name_public": True,
}
ORDER = ["name", "phone", "email", "community", "reason", "name_public", "consent"]
# An address the email check takes (no dot at either end of its first part, none doubled).
EMAIL = r"[a-z][a-z0-9_]{0,8}(\.[a-z0-9_]{1,5})?@[a-z]{2,8}\.(cn|com)"
STEPS = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LINE = st.characters(blacklist_categories=("Cc", "Cs"))


@pytest.fixture
def calling(make_meeting, announce):
    """An announced meeting, ten days ahead, whose call for residents is open."""

    def make(places: int = 2, **overrides):
        return announce(make_meeting(sit_in_open=True, sit_in_places=places, **overrides))

    return make


@pytest.fixture
def elder(client):
    client.set_cookie("lang", "en")
    client.set_cookie("elder", "1")
    return client


def first_step(client, meeting):
    response = client.get(f"/meetings/{meeting.id}/sit-in/apply")
    assert response.status_code == 200
    return response


def step_to(client, response, steps: int, answers: dict = TYPED):
    for _ in range(steps):
        fill = {name: answers[name] for name in shown_fields(response) if name in answers}
        response = press(client, response, NEXT, fill)
        assert response.status_code == 200, error_of(response, shown_fields(response)[0])
    return response


def test_the_application_asks_one_thing_at_a_time(elder, calling):
    response = first_step(elder, calling())
    assert step_heading(response) == "Step 1 of 7 Your name"
    asked = [shown_fields(response)]
    for _ in range(6):
        response = press(elder, response, NEXT, {n: TYPED[n] for n in shown_fields(response)})
        asked.append(shown_fields(response))
    assert [names[0] for names in asked] == ORDER
    assert step_heading(response) == "Step 7 of 7 Check and send"
    assert (
        step_form(response).find("button", type="submit", attrs={"name": None}).get_text(strip=True)
        == "Send application"
    )


@STEPS
@given(
    name=st.text(LINE, min_size=1, max_size=50).filter(str.strip),
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    email=st.one_of(st.just(""), st.from_regex(EMAIL, fullmatch=True)),
    community=st.text(LINE, min_size=1, max_size=100).filter(str.strip),
    reason=st.lists(st.text(LINE, max_size=60), min_size=1, max_size=5)
    .map("\r\n".join)
    .filter(str.strip),
    name_public=st.booleans(),
)
def test_walking_every_step_stores_one_application_with_what_was_typed(
    elder, calling, name, mobile, email, community, reason, name_public
):
    meeting = calling()
    typed = {
        "name": name,
        "phone": f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}",
        "email": email,
        "community": community,
        "reason": reason,
        "name_public": name_public,
    }
    sent = walk(elder, first_step(elder, meeting), typed, CONSENT)
    assert sent.status_code == 303, sent.status_code
    [application] = applications_of(meeting)
    assert application.name == name.strip()
    assert application.phone == normalise_phone(typed["phone"]) == mobile
    assert application.email == (email or None)
    assert application.community == community.strip()
    assert application.reason == reason.replace("\r\n", "\n").strip()
    assert application.name_public is name_public
    assert application.consent_at is not None


@pytest.mark.parametrize(
    ("at", "name", "bad", "message"),
    [
        (0, "name", " ", "Enter your name."),
        (1, "phone", "010-12345678", "Enter a mainland mobile number"),
        (2, "email", "wang@", "Enter a valid email address."),
        (3, "community", "", "Enter the community"),
        (4, "reason", "长" * 1001, "1000 characters or fewer"),
    ],
)
def test_a_refused_answer_is_said_by_its_field_and_every_answer_is_kept(
    elder, calling, at, name, bad, message
):
    meeting = calling()
    refused = press(elder, step_to(elder, first_step(elder, meeting), at), NEXT, {name: bad})
    assert refused.status_code == 422
    assert message in error_of(refused, name)
    assert shown_fields(refused) == [name]
    kept = hidden_values(refused)
    for earlier in ORDER[:at]:
        assert kept[earlier] == ("13800138000" if earlier == "phone" else TYPED[earlier])
    assert applications_of(meeting) == []


def test_a_refused_consent_stays_on_the_last_step(elder, calling):
    meeting = calling()
    last = step_to(elder, first_step(elder, meeting), 6)
    refused = press(elder, last, None)
    assert refused.status_code == 422
    assert shown_fields(refused) == ["consent"]
    assert "needs your consent" in error_of(refused, "consent")
    assert step_form(refused).find(attrs={"name": "consent"}).has_attr("autofocus")
    assert applications_of(meeting) == []


def test_back_then_next_keeps_every_answer_and_the_summary_shows_them(elder, calling):
    meeting = calling()
    at_reason = step_to(elder, first_step(elder, meeting), 4)
    back = press(elder, press(elder, at_reason, BACK, {"reason": TYPED["reason"]}), BACK)
    assert shown_fields(back) == ["email"]
    assert hidden_values(back)["reason"] == TYPED["reason"]
    last = step_to(elder, back, 4)
    answers = [dd.get_text(strip=True) for dd in soup(last).select(".step-answers dt + dd")]
    assert answers == [
        "王建国",
        "13800138000",
        "wang@example.cn",
        "幸福里社区",
        "关心老旧小区改造\n也关心加装电梯",
        "Yes",
    ]
    assert press(elder, last, None, CONSENT).status_code == 303
    [application] = applications_of(meeting)
    assert application.reason == TYPED["reason"] and application.name_public


def test_sending_the_last_step_twice_stores_one_application(elder, calling):
    meeting = calling()
    last = step_to(elder, first_step(elder, meeting), 6)
    data = sent_by(last, CONSENT)
    action = step_form(last)["action"].split("#")[0]
    first, second = elder.post(action, data=data), elder.post(action, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(applications_of(meeting)) == 1


@pytest.mark.parametrize(
    ("name", "tampered", "message"),
    [
        ("phone", "12345", "Enter a mainland mobile number"),
        ("community", "", "Enter the community"),
        ("reason", "长" * 1001, "1000 characters or fewer"),
    ],
)
def test_a_hidden_answer_changed_on_its_way_is_checked_again_at_the_end(
    elder, calling, name, tampered, message
):
    meeting = calling()
    last = step_to(elder, first_step(elder, meeting), 6)
    refused = press(elder, last, None, {**CONSENT, name: tampered})
    assert refused.status_code == 422
    assert shown_fields(refused) == [name]
    assert message in error_of(refused, name)
    assert applications_of(meeting) == []


def test_a_call_closed_between_steps_is_said_with_the_typing_kept(elder, calling):
    meeting = calling()
    last = step_to(elder, first_step(elder, meeting), 6)
    close_the_call(meeting)
    refused = press(elder, last, None, CONSENT)
    assert refused.status_code == 409
    assert "was not sent" in soup(refused).find(id="send-result").get_text()
    kept = soup(refused).select_one(".kept-typing").get_text(" ", strip=True)
    assert "王建国" in kept and "幸福里社区" in kept
    assert applications_of(meeting) == []


def test_without_elder_mode_the_form_is_one_page_as_before(client, calling):
    client.set_cookie("lang", "en")
    page = soup(client.get(f"/meetings/{calling().id}/sit-in/apply"))
    assert page.find(id="step") is None
    form = page.find("form", action=lambda a: a and a.endswith("/sit-in/apply#send-result"))
    names = [t["name"] for t in form.find_all(["input", "textarea"]) if t.get("type") != "hidden"]
    assert names == ORDER
