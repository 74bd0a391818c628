"""Every resident journey, by keyboard alone, in both languages, under each condition the
site promises to work in (`CONDITIONS`): with JavaScript at 320 px in elder-friendly mode;
without JavaScript at 375 px in elder-friendly mode (screenshots of each step go to
`test-artifacts/journeys/`); without JavaScript at 200% zoom. The journeys: commenting on
a consultation, registering for an open day, cancelling a registration, checking one,
answering an invitation, applying to sit in and subscribing to a calendar; and the
header's switch to elder-friendly mode and back.

At every step axe-core finds nothing, the page fits the screen and has one h1
(`Journey.check`). Each form that takes input is sent empty once (the errors are next to
the fields, focus is on them), and one that asks consent is sent once without it (what was
typed is all kept). How a journey moves, and the demo data it runs on:
`tests/journey_support.py`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from engagement.open_days.models import Status
from engagement.sitting_in.models import InvitationStatus
from tests.browser_support import expect, requires_chromium
from tests.conftest import POSTGRES_URL
from tests.journey_support import (
    CONDITIONS,
    ID_NUMBER,
    LANGUAGES,
    STEP_FORM,
    Condition,
    assert_errors_beside_fields,
    assert_kept,
    fill_and_send,
    private_path,
    send_empty,
)

# isort: split
# The fixtures, which pytest finds under their names.
from tests.browser_support import browser_fixture  # noqa: F401
from tests.journey_support import demo_site_fixture, journey_for_fixture  # noqa: F401

pytestmark = [
    requires_chromium,
    pytest.mark.browser,
    pytest.mark.skipif(
        bool(POSTGRES_URL),
        reason="the journeys exercise the pages, not the database; they run in the SQLite suite",
    ),
]

each_condition = pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: c.name)
each_language = pytest.mark.parametrize("language", LANGUAGES)


@each_condition
@each_language
def test_commenting_on_a_consultation(journey_for, condition, language):
    journey = journey_for(condition, language, "comment")
    page, site = journey.page, journey.site
    journey.open("/consultations/", "consultations")
    to_it = page.locator(f"main a[href='/consultations/{site.consultation_id}']").first
    journey.press(to_it, "consultation")

    form = "form[data-comment-form]"
    body = f"建议驿站增加助餐服务（{language}，{condition.name}）。"
    typed = {
        "body": body,
        "name": "李秀英",
        "phone": site.phone(),
        "email": "li@example.com",
        "community": "什刹海社区",
    }
    fill_and_send(journey, form, typed | {"consent": True}, "receipt")
    expect(page).to_have_url(re.compile(r"/comments/[\w-]{20,}#receipt$"))
    receipt = page.locator("h1 .receipt").inner_text()
    assert site.comments_saying(body) == 1

    # Back, and the same comment sent again: the same receipt, one comment.
    page.go_back()
    journey.check("back")
    fill_and_send(journey, form, typed | {"consent": True}, "receipt-again")
    expect(page.locator("h1 .receipt")).to_have_text(receipt)
    assert site.comments_saying(body) == 1

    # Back again, and the next comment goes wrong twice: sent empty, then without consent.
    # (Back after a refused send would meet the browser's "confirm resubmission": a page
    # holding what a resident typed is never kept, for the next person at the computer.)
    page.go_back()
    journey.check("back-again")
    send_empty(journey, form, "sent-empty")
    typed |= {"body": f"另一条意见：{body}", "phone": site.phone()}
    fill_and_send(journey, form, typed, "sent-without-consent")
    assert_errors_beside_fields(journey, "consent")
    assert_kept(journey, typed)
    assert site.comments_saying(typed["body"]) == 0


@each_condition
@each_language
def test_registering_for_an_open_day(journey_for, condition, language):
    journey = journey_for(condition, language, "register")
    page, site = journey.page, journey.site
    journey.open("/open-days/", "open-days")
    journey.press(page.locator(f"main a[href='/open-days/{site.open_day_id}']").first, "open-day")

    form = f"form[data-registration-form], {STEP_FORM}"
    send_empty(journey, form, "sent-empty")
    phone = site.phone()
    typed = {"name": "王建国", "phone": phone, "email": "wang@example.com", "id_number": ID_NUMBER}
    fill_and_send(journey, form, typed, "sent-without-consent")
    assert_errors_beside_fields(journey, "consent")
    assert_kept(journey, typed)
    fill_and_send(journey, form, typed | {"consent": True}, "registered")
    expect(page).to_have_url(re.compile(r"/r/[\w-]{20,}#status$"))
    expect(page.locator(".confirmation-code")).to_have_text(re.compile(r"KF-\d{4}-\d{6}"))
    assert site.registration_status(phone) == Status.CONFIRMED


@each_condition
@each_language
def test_cancelling_a_registration(journey_for, condition, language):
    journey = journey_for(condition, language, "cancel")
    page, site = journey.page, journey.site
    registered = site.registration("赵雪", language)
    own = f"/r/{registered.token}"
    journey.open(own, "registration")  # from the text message's link
    journey.press(page.locator(f"main a[href='{own}/cancel']"), "are-you-sure")
    expect(page.locator("main")).to_contain_text(registered.code)
    assert site.registration_status(registered.phone) == Status.CONFIRMED  # asking is not doing
    journey.press(page.locator("main form.confirm-actions button[type=submit]"), "cancelled")
    expect(page).to_have_url(re.compile(rf"{own}#status$"))
    expect(page.locator(".confirmation-code")).to_have_text(registered.code)
    expect(page.locator("main a[href$='/cancel']")).to_have_count(0)
    assert site.registration_status(registered.phone) == Status.CANCELLED


@each_condition
@each_language
def test_checking_a_registration_after_losing_its_link(journey_for, condition, language):
    journey = journey_for(condition, language, "check")
    page, site = journey.page, journey.site
    registered = site.registration("钱进", language)
    journey.open(f"/open-days/{site.open_day_id}", "open-day")

    # "Already registered? Get the link again": opened with Enter, the phone typed.
    ask = page.locator("main details.send-link")
    journey.tab_to(ask.locator("summary"))
    page.keyboard.press("Enter")
    expect(ask).to_have_attribute("open", "")
    journey.check("asking")
    journey.type_into(ask.locator("input[name=phone]"), registered.phone)
    journey.press(ask.locator("button[type=submit]"), "asked")
    expect(page.locator(".flashes")).to_be_visible()

    # The text message brings the private link: the registration, where it stands.
    own = private_path(site.latest_text_to(registered.phone), "/r")
    assert own == f"/r/{registered.token}"
    journey.open(own, "registration")
    expect(page.locator(".confirmation-code")).to_have_text(registered.code)
    expect(page.locator("#status strong")).not_to_be_empty()
    expect(page.locator("figure.qr svg")).to_be_visible()
    expect(page.locator(f"main a[href='{own}/cancel']")).to_have_count(1)


@each_condition
@each_language
def test_answering_an_invitation(journey_for, condition, language):
    journey = journey_for(condition, language, "rsvp")
    page, site = journey.page, journey.site
    token = site.invitation("高秀英", language)
    journey.open(f"/rsvp/{token}", "invitation")  # from the invitation's link

    form = "main form[method=post]"
    send_empty(journey, form, "sent-empty")
    assert site.invitation_status(token) == InvitationStatus.INVITED.value
    fill_and_send(journey, form, {"answer": True, "note": "我会准时参加。"}, "answered")
    expect(page.locator(".flashes")).to_be_visible()
    expect(page.locator("main [name=answer]").first).to_be_checked()
    assert site.invitation_status(token) == InvitationStatus.ACCEPTED.value

    # The private calendar of their invitations answers with a calendar.
    feed = page.locator("main a[href^='/calendar/private/']")
    journey.tab_to(feed)
    answer = page.request.get(feed.get_attribute("href"))
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")


@each_condition
@each_language
def test_applying_to_sit_in(journey_for, condition, language):
    journey = journey_for(condition, language, "apply")
    page, site = journey.page, journey.site
    meeting = site.sit_in_meeting_id
    journey.open(f"/meetings/{meeting}", "meeting")
    journey.press(page.locator(f"main a[href='/meetings/{meeting}/sit-in/apply']"), "form")

    form = "main form[method=post]"
    send_empty(journey, form, "sent-empty")
    phone = site.phone()
    typed = {
        "name": "刘桂兰",
        "phone": phone,
        "email": "liu@example.com",
        "community": "幸福里社区",
        "reason": "关心老旧小区加装电梯的议题。",
    }
    fill_and_send(journey, form, typed, "sent-without-consent")
    assert_errors_beside_fields(journey, "consent")
    assert_kept(journey, typed)
    fill_and_send(journey, form, typed | {"consent": True}, "received")
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting}/sit-in/applications/LX-"))
    expect(page.locator("main .receipt-number")).to_have_text(re.compile(r"LX-\d{4}-\d{6,}"))
    assert site.applications_from(phone) == 1


@each_condition
@each_language
def test_subscribing_to_a_calendar(journey_for, condition, language):
    journey = journey_for(condition, language, "calendar")
    page = journey.page
    journey.open("/", "home")
    journey.press(page.locator("header nav a[href='/calendar/']"), "calendars")

    card = page.locator("main .calendar-feeds > li").first
    field = card.locator("textarea.address-field")
    journey.tab_to(field)
    address = field.input_value()
    assert re.match(r"^https?://", address), address
    if condition.javascript:
        journey.tab_to(card.locator("button[data-copy]"))
        page.keyboard.press("Enter")
        expect(card.locator("[data-copied-note]")).not_to_be_empty()
        assert page.evaluate("navigator.clipboard.readText()") == address
        journey.focus_kept("after copying")
        journey.check("copied")
    else:  # the address is there to select and copy
        page.keyboard.press("ControlOrMeta+a")
        selected = field.evaluate("(f) => f.value.slice(f.selectionStart, f.selectionEnd)")
        assert selected == address
        journey.check("selected")
    subscribe = card.locator("a[href^='webcal:']")
    journey.tab_to(subscribe)
    assert subscribe.get_attribute("href") == re.sub(r"^https?://", "webcal://", address)

    parts = urlsplit(address)
    answer = page.request.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert answer.body().startswith(b"BEGIN:VCALENDAR")


STANDARD_375 = Condition("nojs-375", javascript=False, elder=False, width=375, height=740)
FONT_SIZE = "() => parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)"


@each_language
def test_the_display_switch_turns_elder_mode_on_and_off(journey_for, language):
    journey = journey_for(STANDARD_375, language, "display")
    page = journey.page
    journey.open("/", "standard")
    standard = page.evaluate(FONT_SIZE)
    switch = page.locator("header .display-switch button")

    journey.press(switch, "larger")
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    assert page.evaluate(FONT_SIZE) >= 18, "elder-friendly mode's text is at least 18 px"
    assert page.evaluate(FONT_SIZE) > standard

    journey.press(switch, "standard-again")
    expect(page.locator("html")).not_to_have_class(re.compile(r"\belder\b"))
    assert page.evaluate(FONT_SIZE) == standard
