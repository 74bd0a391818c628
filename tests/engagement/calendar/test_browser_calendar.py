"""The calendars in a real browser, at 1280 and 375 px, with JavaScript on and off: every
feed on `/calendar/` offers its address, a webcal:// link and a Google Calendar link that
all name the same feed, and each address answers with a calendar; the copy button appears
only with JavaScript and copies the address; a meeting page's "In your calendar" section
downloads the meeting and links its organising body's feed. Screenshots go to
`test-artifacts/`. Fixtures, helpers and the SQLite locking rule: `browser_support`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar

from core.clock import utcnow
from meetings.models import BodyLevel
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WIDTHS,
    MeetingRef,
    expect,
    public_meeting,
    requires_chromium,
    settle,
)

# isort: split
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

if TYPE_CHECKING:
    from playwright.sync_api import APIResponse, Locator, Page

pytestmark = requires_chromium

# A department's slug as long as real ones get, so its address is long on a phone.
BODY_SLUG = "qu-zhufang-he-chengxiang-jianshe-weiyuanhui-bangonghui"
BODY_NAME = "区住房和城乡建设委员会主任办公会"
MEETING_TITLE = "2026年第7次区住房和城乡建设委员会主任办公会"
FEED_PATHS = {
    "/calendar.ics",
    "/calendar/meetings.ics",
    "/calendar/deadlines.ics",
    "/calendar/open-days.ics",
}


@dataclass(frozen=True)
class Published:
    """What the public can see: a department's meeting, and an open comment period on
    another body's meeting (the deadlines feed is not empty)."""

    meeting: MeetingRef
    consultation_meeting_title: str


@pytest.fixture
def published(make_meeting, make_user, make_body, make_consultation) -> Published:
    consultation = make_consultation()
    consultation_meeting_title = consultation.agenda_item.meeting.title
    body = make_body(name=BODY_NAME, level=BodyLevel.DEPARTMENT, slug=BODY_SLUG)
    meeting = public_meeting(
        make_meeting,
        make_user,
        body=body,
        title=MEETING_TITLE,
        starts_at=utcnow() + timedelta(days=6),
    )
    settle()
    return Published(meeting, consultation_meeting_title)


def as_webcal(address: str) -> str:
    return re.sub(r"^https?://", "webcal://", address)


def local(address: str) -> str:
    """The path and query of a public address, to ask the test server (the page names the
    configured public site, PUBLIC_BASE_URL)."""
    parts = urlsplit(address)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fits_width(page: Page, name: str) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{name} overflows horizontally: {widths[0]}px > {widths[1]}px"


def within_viewport(page: Page, locator: Locator, name: str) -> None:
    """Each element ends inside the visible width: a long address wraps, it is not cut."""
    client_width = page.evaluate("document.documentElement.clientWidth")
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box is not None, f"{name} #{index} is not laid out"
        assert box["x"] >= 0, f"{name} #{index} starts left of the page"
        assert box["x"] + box["width"] <= client_width + 0.5, (
            f"{name} #{index} ends at {box['x'] + box['width']}px, past {client_width}px"
        )


def feed_cards(page: Page) -> Locator:
    cards = page.locator(".calendar-feeds > li")
    expect(cards).to_have_count(len(FEED_PATHS))
    return cards


def calendar_answer(page: Page, path: str) -> tuple[APIResponse, Calendar]:
    response = page.request.get(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert response.headers["content-type"].startswith("text/calendar"), path
    body = response.body()
    assert body.startswith(b"BEGIN:VCALENDAR"), path
    return response, Calendar.from_ical(body)


def summaries(calendar: Calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def check_feed_card(card: Locator) -> str:
    """The card's field, webcal link and Google link name one feed; returns its address."""
    field = card.locator("textarea.address-field")
    expect(field).to_be_visible()
    address = field.input_value()
    assert re.match(r"^https?://", address), address
    webcal = as_webcal(address)
    subscribe = card.locator('a[href^="webcal:"]')
    expect(subscribe).to_have_count(1)
    expect(subscribe).to_be_visible()
    expect(subscribe).to_have_attribute("href", webcal)
    google = card.locator('a[href^="https://calendar.google.com/"]')
    expect(google).to_have_count(1)
    expect(google).to_be_visible()
    href = urlsplit(google.get_attribute("href"))
    assert (href.netloc, href.path) == ("calendar.google.com", "/calendar/render")
    assert parse_qs(href.query)["cid"] == [webcal]
    return address


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_feed_offers_one_address_three_ways_and_fits_the_screen(
    new_page, published, width, javascript, artifacts_dir
):
    page = new_page(width=width, java_script_enabled=javascript)
    response = page.goto("/calendar/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("nav a[aria-current=page][href='/calendar/']")).to_have_count(1)
    page.screenshot(
        path=artifacts_dir / f"calendar-{width}-{'js' if javascript else 'no-js'}.png",
        full_page=True,
    )
    fits_width(page, f"/calendar/ at {width}px")
    cards = feed_cards(page)
    addresses = [check_feed_card(cards.nth(index)) for index in range(cards.count())]
    assert {urlsplit(address).path for address in addresses} == FEED_PATHS
    within_viewport(page, page.locator(".calendar-feeds textarea.address-field"), "address field")
    within_viewport(page, page.locator(".subscribe-actions > :visible"), "feed action")
    within_viewport(page, page.locator(".body-feeds code.address"), "body feed address")


@pytest.mark.browser
def test_headings_go_in_order(page, published):
    page.goto("/calendar/")
    levels = page.eval_on_selector_all(
        "main h1, main h2, main h3, main h4", "(all) => all.map((h) => Number(h.tagName[1]))"
    )
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"a heading skips a level: {levels}"


@pytest.mark.browser
def test_with_javascript_the_copy_button_copies_the_address(new_page, published):
    page = new_page(width=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page.goto("/calendar/")
    cards = feed_cards(page)
    for index in range(cards.count()):
        card = cards.nth(index)
        address = card.locator("textarea.address-field").input_value()
        button = card.locator("button[data-copy]")
        expect(button).to_be_visible()
        button.click()
        note = card.locator("[aria-live=polite]")
        expect(note).not_to_be_empty()
        assert page.evaluate("navigator.clipboard.readText()") == address
        # Only the feed just copied says so.
        expect(page.locator("[data-copied-note]:not(:empty)")).to_have_count(1)


@pytest.mark.browser
def test_without_javascript_the_address_is_there_to_select_and_copy(new_page, published):
    page = new_page(width=PHONE, java_script_enabled=False)
    page.goto("/calendar/")
    cards = feed_cards(page)
    for index in range(cards.count()):
        card = cards.nth(index)
        expect(card.locator("button[data-copy]")).to_be_hidden()
        field = card.locator("textarea.address-field")
        expect(field).to_be_visible()
        expect(field).to_have_attribute("readonly", "")
        expect(field).not_to_be_editable()
        expect(card.locator('a[href^="webcal:"]')).to_be_visible()
        expect(card.locator('a[href^="https://calendar.google.com/"]')).to_be_visible()


@pytest.mark.browser
def test_every_address_on_the_page_answers_with_a_calendar(page, published):
    page.goto("/calendar/")
    cards = feed_cards(page)
    feeds = {}
    for index in range(cards.count()):
        address = cards.nth(index).locator("textarea.address-field").input_value()
        feeds[urlsplit(address).path] = calendar_answer(page, local(address))[1]
    assert MEETING_TITLE in summaries(feeds["/calendar.ics"])
    assert published.consultation_meeting_title in summaries(feeds["/calendar.ics"])
    assert MEETING_TITLE in summaries(feeds["/calendar/meetings.ics"])
    assert len(summaries(feeds["/calendar/deadlines.ics"])) == 1
    assert summaries(feeds["/calendar/open-days.ics"]) == []

    bodies = page.locator(".body-feeds li")
    expect(bodies).to_have_count(2)  # the department's and the consultation meeting's body
    for index in range(bodies.count()):
        body = bodies.nth(index)
        address = body.locator("code.address").inner_text().strip()
        expect(body.locator("a")).to_have_attribute("href", as_webcal(address))
        calendar = calendar_answer(page, local(address))[1]
        if urlsplit(address).path == f"/calendar/bodies/{BODY_SLUG}.ics":
            assert summaries(calendar) == [MEETING_TITLE]
        else:
            assert summaries(calendar) == [published.consultation_meeting_title]


@pytest.mark.browser
def test_in_english_the_addresses_ask_for_english_labels(new_page, live_server, published):
    page = new_page()
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page.goto("/calendar/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    cards = feed_cards(page)
    for index in range(cards.count()):
        address = check_feed_card(cards.nth(index))
        assert parse_qs(urlsplit(address).query) == {"lang": ["en"]}, address
        calendar_answer(page, local(address))
    for code in page.locator(".body-feeds code.address").all():
        assert code.inner_text().strip().endswith("?lang=en")


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_meeting_page_downloads_the_meeting_and_links_its_bodys_feed(
    new_page, published, javascript, artifacts_dir
):
    meeting_id = published.meeting.id
    page = new_page(width=PHONE, java_script_enabled=javascript)
    page.goto(f"/meetings/{meeting_id}")
    section = page.locator("section[aria-labelledby=calendar-title]")
    expect(section.locator("h2#calendar-title")).to_be_visible()
    section.scroll_into_view_if_needed()
    page.screenshot(
        path=artifacts_dir / f"meeting-in-calendar-375-{'js' if javascript else 'no-js'}.png",
        full_page=True,
    )
    fits_width(page, "the meeting page at 375px")
    within_viewport(page, section.locator("li"), "an 'In your calendar' line")

    download_link = section.locator("a[download]")
    expect(download_link).to_have_attribute("href", f"/meetings/{meeting_id}.ics")
    response, single = calendar_answer(page, f"/meetings/{meeting_id}.ics")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment"), disposition
    assert f'filename="meeting-{meeting_id}.ics"' in disposition
    assert summaries(single) == [MEETING_TITLE]
    with page.expect_download() as arrived:
        download_link.click()
    assert arrived.value.suggested_filename == f"meeting-{meeting_id}.ics"

    feed_link = section.locator(f'a[href="/calendar/bodies/{BODY_SLUG}.ics"]')
    expect(feed_link).to_be_visible()
    feed = calendar_answer(page, f"/calendar/bodies/{BODY_SLUG}.ics")[1]
    # The same event in the download and in the body's feed: a calendar app merges them.
    [downloaded] = single.walk("VEVENT")
    [subscribed] = feed.walk("VEVENT")
    assert str(downloaded["UID"]) == str(subscribed["UID"])
    expect(section.locator('a[href="/calendar/#bodies-title"]')).to_be_visible()


@pytest.mark.browser
def test_the_meeting_page_in_your_calendar_fits_the_desktop(new_page, published, artifacts_dir):
    page = new_page(width=DESKTOP)
    page.goto(f"/meetings/{published.meeting.id}")
    expect(page.locator("section[aria-labelledby=calendar-title]")).to_be_visible()
    page.screenshot(path=artifacts_dir / "meeting-in-calendar-1280.png", full_page=True)
    fits_width(page, "the meeting page at 1280px")
