"""Elder-friendly mode (长辈模式, issue 17): a header switch that works without JavaScript
and is remembered in a cookie; every kept public page has its own elder copy, as cacheable
as the standard one, which it leaves alone; dates and times read out in words after the
digits; nothing refreshes by itself (the live updates and the places left wait for the
reader's button); and, in a browser at phone widths, large text, 44-pixel targets, one
column that fits, and axe-core clean with the AAA contrast rule.
"""

from __future__ import annotations

import calendar
import re
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from babel.dates import format_datetime
from bs4 import BeautifulSoup
from flask_babel import refresh
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from core import review
from core.accounts.models import User
from core.clock import to_office_time, utcnow
from core.page_cache import cached_pages
from core.web import office_time, shown_office_time
from engagement.consultations.models import Consultation, ConsultationState
from engagement.demo import load_demo
from engagement.open_days.models import OpenDay
from extensions import db
from meetings import operations as meeting_operations
from meetings.models import Body, Meeting
from tests.browser_support import expect, requires_chromium, settle
from tests.engagement.sitting_in.crawl_states import seed_sitting_in_states
from tests.instruments import AAA_TAGS, assert_accessible, requires_axe, requires_vnu, validate_html
from tests.responses import count_queries

# isort: split
# The browser fixtures, which pytest finds under their names.
from tests.browser_support import (  # noqa: F401
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
)

FROM_THIS_SITE = {"Origin": "http://localhost"}
ELDER_ON = {"elder": "on"}
STARTS = ["/", "/meetings/", "/consultations/", "/open-days/", "/decisions/", "/reports/"]
STARTS += ["/calendar/", "/receipts/", "/api/v1/meetings", "/api/v1/decisions"]
STARTS += ["/api/v1/consultations", "/api/v1/open-days"]
# An API item has no link in the pages: its id is that of the public page of the same thing.
API_ITEMS = {
    "api.meeting": ("meetings.meeting_page", "meeting_id"),
    "api.decision": ("decisions.decision_page", "decision_id"),
    "api.consultation": ("consultations.consultation_page", "consultation_id"),
    "api.open_day": ("open_days.open_day_page", "open_day_id"),
}
LINK = re.compile(r'(?:href|data-hx-get)="(/[^"#]*)"')


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def site(app) -> dict[str, int]:
    """The demo, with what it lacks for these pages: a meeting going on now with a live
    update, and sitting in's published draw. Returns the ids the tests visit."""
    load_demo()
    editor, reviewer = user("editor"), user("reviewer")
    body = db.session.scalar(select(Body).where(Body.slug == "district-executive"))
    now = utcnow()
    live = meeting_operations.create_meeting(
        body,
        title="2026年第21次区政府常务会议",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
        actor=editor,
    )
    meeting_operations.add_agenda_item(live, title="关于区级民生实事项目的议题", actor=editor)
    review.submit_for_review(live, actor=editor)
    review.approve(live, actor=reviewer)
    meeting_operations.post_live_update(
        live, text="会议开始，区长主持会议。", agenda_item=None, image=None, actor=editor
    )
    seed_sitting_in_states(editor, reviewer)
    consultation = next(
        c for c in db.session.scalars(select(Consultation)) if c.state_at(now).value == "open"
    )
    open_day = next(
        day
        for day in db.session.scalars(OpenDay.public())
        if day.public_state_at(now).value == "open" and not day.is_lottery
    )
    ids = {"meeting": live.id, "consultation": consultation.id, "open_day": open_day.id}
    assert consultation.state_at(now) == ConsultationState.OPEN
    db.session.commit()
    return ids


def elder_client(app, language: str = "zh"):
    client = app.test_client()
    client.set_cookie("elder", "1")
    if language == "en":
        client.set_cookie("lang", "en")
    return client


def is_elder(response) -> bool:
    root = BeautifulSoup(response.data, "html.parser").find("html")
    return root is not None and "elder" in (root.get("class") or [])


def kept_urls(app, client) -> dict[str, str]:
    """One address for each endpoint the page cache keeps, found by following the links
    of the public pages (and `data-hx-get`, for the places polled on an open day)."""
    adapter = app.url_map.bind("localhost")
    kept = set(cached_pages.contributions())
    found: dict[str, str] = {}
    args_of: dict[str, dict] = {}
    queue, seen = deque(STARTS), set()
    while queue and len(seen) < 250 and not kept <= set(found):
        path = urlsplit(queue.popleft()).path  # no query: the polled tag `v` goes too
        if path in seen:
            continue
        seen.add(path)
        try:
            endpoint, args = adapter.match(path, method="GET")
        except HTTPException:
            continue
        if endpoint in kept and endpoint not in found:
            found[endpoint] = path
            args_of[endpoint] = args
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            queue.extend(LINK.findall(response.get_data(as_text=True)))
    for endpoint, (page, name) in API_ITEMS.items():
        if endpoint in kept and page in args_of:
            found[endpoint] = adapter.build(endpoint, {"id": args_of[page][name]})
    assert kept <= set(found), f"no address found for {sorted(kept - set(found))}"
    return found


def queries_to_serve(client, url: str) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200, url
    return len([s for s in statements if not s.startswith("BEGIN")])


class TestSwitch:
    def test_on_then_off_by_plain_posts(self, client, site):
        for page in ("/", "/meetings/", f"/meetings/{site['meeting']}", "/open-days/"):
            turned_on = client.post(
                "/display", data={**ELDER_ON, "next": page}, headers=FROM_THIS_SITE
            )
            assert turned_on.status_code == 303 and turned_on.location == page
            cookie = client.get_cookie("elder")
            assert cookie is not None and cookie.value == "1" and cookie.http_only
            shown = client.get(page)
            assert is_elder(shown), page
            form = BeautifulSoup(shown.data, "html.parser").select_one("form.display-switch")
            assert form.find("button", {"name": "elder"})["value"] == "off"
            assert form.find("input", {"name": "next"})["value"] == page

            turned_off = client.post(
                "/display", data={"elder": "off", "next": page}, headers=FROM_THIS_SITE
            )
            assert turned_off.status_code == 303 and turned_off.location == page
            assert client.get_cookie("elder") is None
            shown = client.get(page)
            assert not is_elder(shown), page
            form = BeautifulSoup(shown.data, "html.parser").select_one("form.display-switch")
            assert form.find("button", {"name": "elder"})["value"] == "on"

    def test_refused_from_another_site_or_from_nowhere(self, client):
        for headers in ({"Origin": "https://evil.example"}, {}):
            refused = client.post("/display", data=ELDER_ON, headers=headers)
            assert refused.status_code == 400
            assert client.get_cookie("elder") is None
        assert not is_elder(client.get("/"))

    def test_goes_back_only_to_this_site(self, client):
        for elsewhere in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
            answer = client.post(
                "/display", data={**ELDER_ON, "next": elsewhere}, headers=FROM_THIS_SITE
            )
            assert answer.status_code == 303 and answer.location == "/"


class TestKeptPages:
    def test_every_kept_page_has_its_own_elder_copy_and_both_stay_cacheable(self, app, site):
        reader = app.test_client()
        elder = elder_client(app)
        for endpoint, url in kept_urls(app, reader).items():
            standard, larger = reader.get(url), elder.get(url)
            assert standard.status_code == larger.status_code == 200, url
            if standard.mimetype == "text/html":
                assert is_elder(larger) and not is_elder(standard), url
            else:  # data, feeds and CSV files read the same in either mode
                assert larger.data == standard.data, url
            assert larger.headers["Cache-Control"] == standard.headers["Cache-Control"], url
            assert "Cookie" in larger.headers["Vary"], url
            if standard.headers.get("ETag"):
                mine, theirs = larger.headers["ETag"], standard.headers["ETag"]
                assert mine != theirs, url
                assert elder.get(url, headers={"If-None-Match": mine}).status_code == 304, url
                assert reader.get(url, headers={"If-None-Match": theirs}).status_code == 304
                # the elder copy's validator never passes for the standard copy
                crossed = reader.get(url, headers={"If-None-Match": mine})
                assert crossed.status_code == 200 and crossed.headers["ETag"] == theirs, url
            else:  # a page with a form: private for each visitor, but kept on the server
                assert standard.headers["Cache-Control"] == "private, no-store", url
            assert queries_to_serve(elder, url) <= 1, f"{endpoint}: the elder copy is not kept"
            again = reader.get(url)
            assert again.headers.get("ETag") == standard.headers.get("ETag"), url
            if standard.mimetype == "text/html":
                assert not is_elder(again), url

    def test_no_public_page_refreshes_by_itself_in_elder_mode(self, app, site):
        elder = elder_client(app)
        for url in kept_urls(app, app.test_client()).values():
            response = elder.get(url)
            if response.mimetype != "text/html":
                continue
            page = BeautifulSoup(response.data, "html.parser")
            for element in page.select("[data-hx-trigger]"):
                assert "every" not in element["data-hx-trigger"], (url, str(element)[:200])
            assert not page.find("meta", {"http-equiv": re.compile("refresh", re.I)}), url


@requires_vnu
def test_elder_pages_are_valid_html(app, site, tmp_path):
    urls = kept_urls(app, app.test_client())
    files = []
    for language in ("zh", "en"):
        elder = elder_client(app, language)
        for endpoint, url in urls.items():
            response = elder.get(url)
            if response.mimetype == "text/html":
                files.append(tmp_path / f"{language}-{endpoint}.html")
                files[-1].write_bytes(response.data)
    errors, _warnings = validate_html(files)
    assert not errors, "\n".join(error.describe() for error in errors)


class TestRefreshByButton:
    def test_live_updates_wait_for_the_button(self, app, client, site):
        meeting_url = f"/meetings/{site['meeting']}"
        fragment_url = f"{meeting_url}/live"
        polls = BeautifulSoup(client.get(meeting_url).data, "html.parser")
        assert polls.select_one("#live-updates")["data-hx-trigger"] == "every 5s"

        elder = elder_client(app)
        for url, headers in (
            (meeting_url, {}),
            (fragment_url, {}),
            (fragment_url, {"HX-Request": "true"}),
        ):
            page = BeautifulSoup(elder.get(url, headers=headers).data, "html.parser")
            region = page.select_one("#live-updates")
            assert not region.has_attr("data-hx-trigger"), url
            button = region.select_one("a#live-updates-refresh")
            assert button.get_text(strip=True) == "查看新消息", url
            # without JavaScript: the live updates page afresh (no fragment: a real load)
            assert button["href"] == fragment_url
            # with htmx: the fragment into the region, with the tag of what is shown
            assert button["data-hx-get"].startswith(fragment_url + "?seen=")
            assert button["data-hx-target"] == "#live-updates"
            assert "会议开始" in region.get_text()

        asked = BeautifulSoup(elder.get(meeting_url).data, "html.parser").select_one(
            "#live-updates-refresh"
        )["data-hx-get"]
        unchanged = elder.get(asked, headers={"HX-Request": "true"})
        assert unchanged.status_code == 200  # not 304: it says so
        assert "暂时没有新消息" in unchanged.get_data(as_text=True)
        meeting = db.session.get(Meeting, site["meeting"])
        meeting_operations.post_live_update(
            meeting, text="第一项议题开始讨论。", agenda_item=None, image=None, actor=user("editor")
        )
        db.session.commit()
        changed = elder.get(asked, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "第一项议题开始讨论" in changed and "暂时没有新消息" not in changed

    def test_places_wait_for_the_button(self, app, client, site):
        day_url = f"/open-days/{site['open_day']}"
        places_url = f"{day_url}/places"
        polls = BeautifulSoup(client.get(day_url).data, "html.parser")
        assert polls.select_one("#places")["data-hx-trigger"] == "every 15s"

        elder = elder_client(app, "en")
        for url, headers in ((day_url, {}), (places_url, {}), (places_url, {"HX-Request": "true"})):
            page = BeautifulSoup(elder.get(url, headers=headers).data, "html.parser")
            places = page.select_one("#places")
            assert not places.has_attr("data-hx-trigger"), url
            button = places.select_one("a#places-refresh")
            assert button.get_text(strip=True) == "Check places again", url
            assert button["href"] == places_url
            assert button["data-hx-get"].startswith(places_url + "?seen=")
            assert button["data-hx-target"] == "#places"
        asked = button["data-hx-get"]
        again = elder.get(asked, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "No change since you last looked." in again


@contextmanager
def reading(app, cookie: str) -> Iterator[None]:
    """A request with these cookies, its language chosen afresh (the test's application
    context, which the request shares, would keep the first one's)."""
    with app.test_request_context(headers={"Cookie": cookie}):
        refresh()
        yield


def plain(shown: str) -> str:
    return BeautifulSoup(str(shown), "html.parser").get_text()


def words_of(shown: str) -> str:
    found = re.search(r'<span class="time-words">(.*?)</span>', str(shown))
    assert found, shown
    return found.group(1)


ZH_WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
ZH_PERIODS = {"凌晨": (0, 5), "上午": (6, 11), "中午": (12, 12), "下午": (13, 17), "晚上": (18, 23)}


def zh_clock(words: str) -> tuple[int, int]:
    """The hour (0-23) and minutes that Chinese words name, checking the part of the day."""
    found = re.search(r"(凌晨|上午|中午|下午|晚上)(\d{1,2})点(?:(\d{2})分)?$", words)
    assert found, words
    period, hour, minutes = found.group(1), int(found.group(2)), int(found.group(3) or 0)
    if period in ("下午", "晚上"):
        hour += 12
    low, high = ZH_PERIODS[period]
    assert low <= hour <= high, words
    assert found.group(3) != "00", words  # minutes only when not on the hour
    return hour, minutes


def en_clock(words: str) -> tuple[int, int]:
    if words.endswith("midnight"):
        return 0, 0
    if words.endswith("noon"):
        return 12, 0
    found = re.search(r"(\d{1,2})(?::(\d{2}))? (am|pm)$", words)
    assert found, words
    hour, minutes = int(found.group(1)), int(found.group(2) or 0)
    assert 1 <= hour <= 12 and found.group(2) != "00", words
    return hour % 12 + (12 if found.group(3) == "pm" else 0), minutes


MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)


class TestDatesInWords:
    @settings(
        max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(moment=MOMENTS)
    def test_the_words_name_the_same_day_and_time_as_the_digits(self, app, moment):
        wall = to_office_time(moment)
        weekday = wall.weekday()  # Python's own count, not Babel's
        for language, clock in (("zh", zh_clock), ("en", en_clock)):
            cookie = f"elder=1; lang={language}"
            with reading(app, cookie):
                shown = shown_office_time(moment)
                digits = office_time(moment)
                assert plain(shown).startswith(digits)
                words = words_of(shown)
                babel_weekday = format_datetime(wall, "EEEE", locale=language)
                assert babel_weekday in words
                if language == "zh":
                    assert babel_weekday == ZH_WEEKDAYS[weekday]
                    assert words.startswith(f"{wall.month}月{wall.day}日 {babel_weekday} ")
                else:
                    assert babel_weekday == calendar.day_name[weekday]
                    month = calendar.month_name[wall.month]
                    assert words.startswith(f"{babel_weekday}, {month} {wall.day}, ")
                assert clock(words) == (wall.hour, wall.minute)
                # a time alone gives the time alone, a date alone the date alone
                assert clock(words_of(shown_office_time(moment, "HH:mm"))) == (
                    wall.hour,
                    wall.minute,
                )
                day_only = words_of(shown_office_time(moment, "yyyy-MM-dd"))
                assert babel_weekday in day_only and not re.search(r"点|am|pm|noon|night", day_only)
            with reading(app, f"lang={language}"):
                assert shown_office_time(moment) == digits  # standard mode: digits only

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("zh", "2026-12-09 14:30（12月9日 星期三 下午2点30分）"),
            ("en", "2026-12-09 14:30 (Wednesday, December 9, 2:30 pm)"),
        ],
    )
    def test_a_meeting_time_reads_out(self, app, language, expected):
        moment = datetime(2026, 12, 9, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai
        with reading(app, f"elder=1; lang={language}"):
            text = plain(shown_office_time(moment))
        assert text == expected

    def test_machines_get_no_words(self, app, site):
        elder = elder_client(app)
        meeting_url = f"/meetings/{site['meeting']}"
        page = BeautifulSoup(elder.get(meeting_url).data, "html.parser")
        times = page.find_all("time")
        assert times and page.select(".time-words")
        for moment in times:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", moment["datetime"])
        for url in (f"{meeting_url}.ics", "/calendar.ics", f"/api/v1/meetings/{site['meeting']}"):
            text = elder.get(url).get_data(as_text=True)
            assert not re.search(r"星期|（\d+月\d+日", text), url


# --- In a browser ----------------------------------------------------------------------

MEASURE = """() => {
  const visible = (e) => {
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden"
      && !e.closest(".visually-hidden, .trap, [hidden]");
  };
  const body = getComputedStyle(document.body);
  const small = [...document.querySelectorAll("body *")]
    .filter((e) => visible(e) && [...e.childNodes].some(
      (n) => n.nodeType === 3 && n.textContent.trim()))
    .filter((e) => parseFloat(getComputedStyle(e).fontSize) < 18)
    .map((e) => `${e.tagName}.${e.className}: ${getComputedStyle(e).fontSize}`);
  const targets = [...document.querySelectorAll(
      "nav a, button, .button, input:not([type=hidden]), select, textarea, summary")]
    .filter(visible)
    .map((e) => ({what: `${e.tagName}#${e.id}.${e.className} ${e.textContent.trim().slice(0, 30)}`,
                  height: e.getBoundingClientRect().height,
                  width: e.getBoundingClientRect().width}))
    .filter((t) => t.height < 44 || t.width < 44);
  return {
    fontSize: parseFloat(body.fontSize),
    lineHeight: parseFloat(body.lineHeight) / parseFloat(body.fontSize),
    small, targets,
    scrollWidth: document.documentElement.scrollWidth,
    classes: document.documentElement.className,
    polling: [...document.querySelectorAll("[data-hx-trigger]")]
      .map((e) => e.dataset.hxTrigger).filter((t) => t.includes("every")),
  };
}"""


def elder_page(new_page, live_server: str, width: int, language: str, **options):
    page = new_page(width=width, height=740, **options)
    cookies = [{"name": "elder", "value": "1", "url": live_server}]
    if language == "en":
        cookies.append({"name": "lang", "value": "en", "url": live_server})
    page.context.add_cookies(cookies)
    return page


@pytest.mark.parametrize("language", ["zh", "en"])
@requires_chromium
@requires_axe
@pytest.mark.browser
def test_elder_pages_are_large_calm_one_column_and_aaa_at_phone_widths(
    site, new_page, live_server, artifacts_dir, language
):
    settle()
    pages = {
        "home": "/",
        "meeting": f"/meetings/{site['meeting']}",
        "consultation": f"/consultations/{site['consultation']}",
        "open-day": f"/open-days/{site['open_day']}",
    }
    for width in (375, 320):
        page = elder_page(new_page, live_server, width, language)
        for name, path in pages.items():
            page.goto(path)
            where = f"{name} at {width} px ({language})"
            found = page.evaluate(MEASURE)
            assert "elder" in found["classes"].split(), where
            assert found["fontSize"] >= 18 and found["lineHeight"] >= 1.5, (where, found)
            assert found["small"] == [], (where, found["small"][:10])
            assert found["targets"] == [], (where, found["targets"][:10])
            assert found["scrollWidth"] <= width, (where, found["scrollWidth"])
            assert found["polling"] == [], where
            assert_accessible(page, where, AAA_TAGS)
            if width == 375:
                page.screenshot(
                    path=artifacts_dir / f"elder-{name}-375-{language}.png", full_page=True
                )


@requires_chromium
@pytest.mark.browser
def test_the_buttons_bring_what_is_new_and_keep_focus(app, site, new_page, live_server):
    settle()
    page = elder_page(new_page, live_server, 375, "zh")
    page.goto(f"/meetings/{site['meeting']}")
    button = page.locator("#live-updates-refresh")
    button.focus()
    meeting = db.session.get(Meeting, site["meeting"])
    meeting_operations.post_live_update(
        meeting, text="第一项议题开始讨论。", agenda_item=None, image=None, actor=user("editor")
    )
    settle()
    page.keyboard.press("Enter")
    expect(page.locator("#live-updates")).to_contain_text("第一项议题开始讨论")
    expect(page.locator("#live-status")).to_contain_text("第一项议题开始讨论")
    expect(page.locator("#live-updates-refresh")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#live-updates")).to_contain_text("暂时没有新消息")
    expect(page.locator("#live-updates-refresh")).to_be_focused()

    page.goto(f"/open-days/{site['open_day']}")
    page.locator("#places-refresh").click()
    expect(page.locator("#places")).to_contain_text("与上次查看时相比没有变化")
    expect(page.locator("#places-refresh")).to_be_focused()

    without_js = elder_page(new_page, live_server, 375, "zh", java_script_enabled=False)
    without_js.goto(f"/meetings/{site['meeting']}")
    without_js.locator("#live-updates-refresh").click()
    expect(without_js).to_have_url(re.compile(rf"/meetings/{site['meeting']}/live$"))
    expect(without_js.locator("#live-updates")).to_contain_text("第一项议题开始讨论")
    without_js.locator("#live-updates-refresh").click()  # the same page again, afresh
    expect(without_js).to_have_url(re.compile(rf"/meetings/{site['meeting']}/live$"))
