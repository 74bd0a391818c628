"""The forms asked one thing at a time (`core/steps.py`) in a browser, in elder-friendly
mode at 320 px, by keyboard alone, with JavaScript on and off: after each step the focus is
on the step's field (on the last step its heading), never on `<body>`; Enter goes to the
next step; nothing sticks out sideways with a long unbroken answer; axe-core, with the
enhanced (AAA) contrast rules, finds nothing. Screenshots: `test-artifacts/elder-steps-*`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from engagement.open_days.models import Registration
from engagement.sitting_in.models import Application
from extensions import db
from tests.browser_support import assert_fits_width, expect, requires_chromium, settle
from tests.instruments import AAA_TAGS, HAS_AXE, REQUIRED, assert_accessible

# isort: split
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = requires_chromium

NARROWEST = 320
LONG_WORD = "Wolfeschlegelsteinhausenbergerdorff" + "x" * 15  # 50 letters, nowhere to break


def check(page: Page, where: str) -> None:
    """axe-core (AAA contrast too) on the page as shown; without JavaScript, on a copy of
    it in a context that runs axe but refuses the page's own scripts."""
    if not HAS_AXE and not REQUIRED:
        assert_accessible(page, where, AAA_TAGS)  # warns that it was not checked
        return
    if page.evaluate("typeof window.htmx") != "undefined":
        assert_accessible(page, where, AAA_TAGS)
        return
    html = page.content()
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.route("**/*.js*", lambda route: route.abort())
        copy.route(
            page.url.split("#")[0],
            lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
        )
        copy.goto(page.url)
        assert_accessible(copy, f"{where} (without JavaScript)", AAA_TAGS)
    finally:
        context.close()


def focused(page: Page) -> str:
    """What has the focus: a field's name, else an element's id; never the body."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return "<body>";
            return el.getAttribute("name") || el.id || el.tagName;
        }"""
    )


def enter(page: Page) -> None:
    """Press Enter on what has the focus, a form's field or button, and wait for the answer."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def turn_on_elder_mode(page: Page) -> None:
    page.locator("button[name=elder][value=on]").press("Enter")
    expect(page.locator("html")).to_have_class("elder")


def answer_each_step(page: Page, answers: dict[str, str], shots: str, artifacts_dir) -> None:
    """Type each step's answer into the focused field and press Enter, until the last step."""
    number = 1
    while page.locator("#step button[value=next]").count():
        name = focused(page)
        assert name in answers, f"step {number}: focus on {name}"
        kind = page.evaluate("document.activeElement.type")
        if kind == "checkbox":
            page.keyboard.press("Space")
        else:
            page.keyboard.type(answers[name])
        if kind in ("checkbox", "textarea"):  # Enter is a new line there: on to the button
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.value") == "next"
        before = page.locator("#step-title").inner_text()
        enter(page)
        number += 1
        expect(page.locator("#step-title")).not_to_have_text(before)
        assert_fits_width(page, NARROWEST, f"step {number}")
        check(page, f"step {number}")
        page.screenshot(path=artifacts_dir / f"elder-steps-{shots}-{number}.png", full_page=True)
    assert focused(page) == "step-title", "the last step starts at its summary"


def tick_consent_and_send(page: Page) -> None:
    for _ in range(12):
        page.keyboard.press("Tab")
        if focused(page) == "consent":
            break
    assert focused(page) == "consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    enter(page)


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_registering_one_step_at_a_time_by_keyboard(
    new_page, make_open_day, javascript, artifacts_dir
):
    open_day_id = make_open_day(id_required=True).id
    settle()
    page = new_page(width=NARROWEST, height=640, java_script_enabled=javascript)
    page.goto(f"/open-days/{open_day_id}")
    turn_on_elder_mode(page)
    check(page, "the open day in elder-friendly mode")
    page.locator("#name").focus()
    mode = "js" if javascript else "no-js"

    # A refused phone: the same step, the message by the field, the focus on it.
    page.keyboard.type(LONG_WORD)
    enter(page)
    page.keyboard.type("1380013800")
    enter(page)
    expect(page.locator("#phone-error")).to_be_visible()
    assert focused(page) == "phone"
    check(page, "a refused phone number")
    page.screenshot(path=artifacts_dir / f"elder-steps-register-{mode}-refused.png")
    page.keyboard.press("Control+A")
    answers = {"phone": "138 0013 8000", "email": "", "id_number": "11010519491231002X"}
    answer_each_step(page, answers, f"register-{mode}", artifacts_dir)
    expect(page.locator(".step-answers")).to_contain_text(LONG_WORD)
    tick_consent_and_send(page)

    expect(page).to_have_url(re.compile(r"/r/"))
    registration = db.session.query(Registration).one()
    assert (registration.name, registration.phone) == (LONG_WORD, "13800138000")
    settle()


@pytest.mark.browser
def test_applying_one_step_at_a_time_without_javascript(
    new_page, make_meeting, announce, artifacts_dir
):
    meeting_id = announce(make_meeting(sit_in_open=True, sit_in_places=2)).id
    settle()
    page = new_page(width=NARROWEST, height=640, java_script_enabled=False)
    page.goto(f"/meetings/{meeting_id}/sit-in/apply")
    turn_on_elder_mode(page)
    page.locator("#name").focus()
    answers = {
        "name": "王建国",
        "phone": "13800138000",
        "email": "wang@example.cn",
        "community": "幸福里社区",
        "reason": LONG_WORD * 3,
        "name_public": "",
    }
    answer_each_step(page, answers, "apply", artifacts_dir)
    tick_consent_and_send(page)
    expect(page.locator("h1")).to_be_visible()
    application = db.session.query(Application).one()
    assert application.reason == LONG_WORD * 3 and application.name_public
    settle()
