"""Decisions in the browser: a resident searching the list on a phone, with JavaScript and
without; a corrected decision with its history opened by keyboard; an editor recording a
decision that a reviewer reads in the preview and approves. Screenshots of every step go
to `test-artifacts/` (named `decisions-*`). Fixtures, helpers and the SQLite locking rule:
`browser_support`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from extensions import db
from meetings.decisions import operations
from meetings.decisions.models import Decision, DecisionOutcome
from meetings.models import AgendaItem
from tests.browser_support import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    expect,
    requires_chromium,
    screenshot_at_widths,
    settle,
    sign_in,
    staff_account,
    status_of,
)
from tests.engagement.open_days.test_browser_open_days import check_accessible
from tests.instruments import assert_accessible, assert_focus_kept

# isort: split
# The fixtures, which pytest finds under their names (page, new_page, live_server, ...).
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

pytestmark = requires_chromium

WORD = "停车"
# 100 letters with no space to break at (as the crawl in tests/test_every_page.py uses).
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2 + "abcdefghij"
PARKING = "关于居住区停车综合治理试点的决定"
ELDERLY = "关于养老服务驿站建设的决定"
LONG_TITLE = f"关于{LONG_WORD}智慧停车平台建设的决定"


@dataclass(frozen=True)
class Listed:
    """Published decisions the list shows: their ids by title."""

    parking: int
    elderly: int
    long: int


def held_meeting(make_meeting, announce, *titles: str, **fields):
    """A meeting announced and started three hours ago, with these public items."""
    return announce(
        make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[
                AgendaItem(position=number, title=title)
                for number, title in enumerate(titles, start=1)
            ],
            **fields,
        )
    )


@pytest.fixture
def listed(make_meeting, announce, publish_decision) -> Listed:
    meeting = held_meeting(
        make_meeting,
        announce,
        "关于居住区停车综合治理试点的议题",
        "关于养老服务驿站建设的议题",
        "关于智慧停车平台建设的议题",
    )
    parking = publish_decision(
        meeting.agenda[0],
        title=PARKING,
        text="会议原则同意在三个街道开展停车综合治理试点，夜间错时共享停车位。",
    )
    elderly = publish_decision(
        meeting.agenda[1],
        title=ELDERLY,
        outcome=DecisionOutcome.DEFERRED,
        text="会议决定暂缓审议，请区民政局进一步听取社区意见后再提交。",
    )
    long = publish_decision(
        meeting.agenda[2],
        title=LONG_TITLE,
        outcome=DecisionOutcome.APPROVED_WITH_CHANGES,
        text=f"平台代号{LONG_WORD}，接入全区公共停车场的空余车位信息。",
        interpretation=f"## 对居民有什么影响\n\n可以在手机上查到{LONG_WORD}的空余车位。",
    )
    ids = Listed(parking.id, elderly.id, long.id)
    settle()
    return ids


def results_titles(page):
    return page.locator("#results li.card h2")


def shot(page, artifacts_dir, name: str) -> str:
    """A full-page screenshot of the page as it is; returns its path."""
    path = artifacts_dir / f"decisions-{name}.png"
    page.screenshot(path=path, full_page=True)
    return str(path)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.mark.browser
def test_search_on_a_phone_swaps_the_results_in_place_and_back_restores_the_list(
    new_page, listed, artifacts_dir
):
    page = new_page(width=PHONE, height=800)
    page.goto("/decisions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("决策结果")
    expect(page.locator("#results-count")).to_have_text("3 项决定")
    expect(results_titles(page)).to_have_count(3)
    expect(page.locator("#results mark")).to_have_count(0)
    assert_accessible(page, "the decision list")
    assert_fits_width(page, PHONE, "the decision list with a 100-letter word")
    shot(page, artifacts_dir, "list-375-js")

    # Typed and sent with Enter: htmx swaps the results, not the page.
    page.evaluate("window.__sameDocument = true")
    search = page.get_by_label("关键词", exact=True)
    search.click()
    search.fill(WORD)
    search.press("Enter")
    expect(page.locator("#results-count")).to_have_text(f"找到 2 项包含“{WORD}”的决定")
    expect(page).to_have_url(re.compile(r"/decisions/\?"))
    assert query_of(page.url).get("q") == [WORD], page.url
    expect(page).to_have_title(re.compile(WORD))  # the tab and the history say what it is
    expect(results_titles(page)).to_have_count(2)
    expect(page.locator("#results")).not_to_contain_text(ELDERLY)
    marks = page.locator("#results mark")
    expect(marks.first).to_be_visible()
    assert set(marks.all_inner_texts()) == {WORD}
    # The title is marked too, not only the snippet.
    expect(results_titles(page).filter(has_text=PARKING).locator("mark")).to_have_text([WORD])
    assert page.evaluate("window.__sameDocument") is True, "the whole page was loaded"
    assert_focus_kept(page, "after searching")
    expect(page.get_by_label("关键词", exact=True)).to_be_focused()  # where it was
    assert_accessible(page, "the decision list after searching")
    assert_fits_width(page, PHONE, "the searched list with a 100-letter word")
    shot(page, artifacts_dir, "searched-375-js")

    # Back: the list as it was, with the filters it was chosen by (an empty search box).
    page.go_back()
    expect(page).to_have_url(re.compile(r"/decisions/$"))
    expect(page.locator("#results-count")).to_have_text("3 项决定")
    expect(results_titles(page)).to_have_count(3)
    expect(page.get_by_label("关键词", exact=True)).to_have_value("")
    expect(page.get_by_label("审议结果", exact=True)).to_have_value("")
    expect(page.locator("#results mark")).to_have_count(0)
    assert_accessible(page, "the decision list after Back")
    assert_fits_width(page, PHONE, "the decision list after Back")
    shot(page, artifacts_dir, "list-after-back-375-js")

    # The long-worded decision's own page fits the phone too.
    page.goto(f"/decisions/{listed.long}")
    expect(page.get_by_role("heading", level=1)).to_have_text(LONG_TITLE)
    assert_accessible(page, "a decision with a 100-letter word")
    assert_fits_width(page, PHONE, "a decision with a 100-letter word")
    shot(page, artifacts_dir, "long-word-375")


@pytest.mark.browser
def test_search_and_filters_work_without_javascript(new_page, listed, artifacts_dir):
    page = new_page(width=PHONE, height=800, java_script_enabled=False)
    page.goto("/decisions/")
    expect(page.locator("#results-count")).to_have_text("3 项决定")

    search = page.get_by_label("关键词", exact=True)
    search.fill(WORD)
    search.press("Enter")  # an ordinary GET form
    expect(page).to_have_url(re.compile(r"/decisions/\?"))
    assert query_of(page.url).get("q") == [WORD], page.url
    expect(page.locator("#results-count")).to_have_text(f"找到 2 项包含“{WORD}”的决定")
    expect(results_titles(page)).to_have_count(2)
    expect(page.locator("#results mark").first).to_have_text(WORD)
    expect(page.get_by_label("关键词", exact=True)).to_have_value(WORD)
    check_accessible(page, "the searched list without JavaScript")
    assert_fits_width(page, PHONE, "the searched list without JavaScript")
    shot(page, artifacts_dir, "searched-375-no-js")

    outcome = page.get_by_label("审议结果", exact=True)
    outcome.select_option(label="原则通过，需修改完善")
    expect(page.locator("#results-count")).to_have_text(f"找到 2 项包含“{WORD}”的决定")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page).to_have_url(re.compile(r"outcome=approved_with_changes"))
    assert query_of(page.url).get("q") == [WORD], page.url
    expect(page.locator("#results-count")).to_have_text(f"找到 1 项包含“{WORD}”的决定")
    expect(results_titles(page)).to_have_count(1)
    expect(results_titles(page)).to_contain_text("智慧停车平台建设的决定")
    expect(page.get_by_label("审议结果", exact=True)).to_have_value("approved_with_changes")
    expect(page.get_by_label("关键词", exact=True)).to_have_value(WORD)
    check_accessible(page, "the list filtered by outcome without JavaScript")
    assert_fits_width(page, PHONE, "the filtered list without JavaScript")
    shot(page, artifacts_dir, "filtered-375-no-js")


EARLIER = "首批整治120条街巷，年内完工。"
CORRECTED = "首批整治102条街巷，年内完工。"
NOTE = "原文“120条”有误，应为“102条”。"


@pytest.fixture
def corrected(make_meeting, announce, publish_decision, reviewer) -> int:
    meeting = held_meeting(make_meeting, announce, "关于背街小巷环境整治的议题")
    decision = publish_decision(meeting.agenda[0], title="关于背街小巷环境整治的决定", text=EARLIER)
    correction = operations.start_correction(decision, actor=meeting.author)
    operations.update_decision(
        correction, actor=meeting.author, text=CORRECTED, correction_note=NOTE
    )
    review.submit_for_review(correction, actor=meeting.author)
    review.approve(correction, actor=reviewer)
    db.session.commit()
    decision_id = decision.id
    settle()
    return decision_id


@pytest.mark.browser
def test_a_corrected_decision_shows_its_note_and_opens_its_history_by_keyboard(
    new_page, corrected, artifacts_dir
):
    page = new_page(width=PHONE, height=800)
    page.goto(f"/decisions/{corrected}")
    expect(page.get_by_role("heading", level=1)).to_have_text("关于背街小巷环境整治的决定")
    note = page.get_by_role("note")
    expect(note).to_contain_text(f"更正说明：{NOTE}")
    # Near the top: on the first screen of a phone, before the text it corrects.
    box = note.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800, f"note at {box}"
    assert page.evaluate(
        """() => {
            const note = document.querySelector('[role="note"]');
            const text = document.querySelector('.decision-text');
            return !!(note.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    ), "the correction note comes after the text it corrects"
    current = page.locator("article > .decision-text")
    expect(current).to_contain_text(CORRECTED)
    expect(current).not_to_contain_text("120条")
    assert_accessible(page, "a corrected decision")
    assert_fits_width(page, PHONE, "a corrected decision")
    shot(page, artifacts_dir, "corrected-375")

    details = page.locator(".history details")
    expect(details).to_have_count(1)
    earlier = details.get_by_text(EARLIER)
    expect(earlier).to_be_hidden()
    summary = details.locator("summary")
    summary.focus()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(earlier).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator(".history")).to_contain_text(NOTE)
    assert_accessible(page, "a corrected decision with its earlier text open")
    assert_fits_width(page, PHONE, "a corrected decision with its earlier text open")
    shot(page, artifacts_dir, "corrected-history-open-375")

    page.keyboard.press("Enter")  # and closes again the same way
    expect(earlier).to_be_hidden()


ITEM = "关于居住区停车综合治理试点的议题"
TITLE = "关于居住区停车综合治理试点的决定"
TEXT = "会议原则同意在三个街道开展停车综合治理试点，试点期六个月。"
INTERPRETATION = (
    "## 对居民有什么影响\n\n- 夜间可以在机关单位内部停车场错时停车\n- 试点街道的居民优先\n"
)


@pytest.mark.browser
def test_editor_records_a_decision_a_reviewer_approves_it_and_it_is_public(
    new_page, make_meeting, announce, make_user, artifacts_dir
):
    meeting = held_meeting(make_meeting, announce, ITEM, title="2026年第24次区政府常务会议")
    meeting_id = meeting.id
    settle()
    editor = staff_account(make_user, Role.EDITOR, display_name="张敏")
    checker = staff_account(make_user, Role.REVIEWER, display_name="李静")

    staff = new_page(width=DESKTOP)
    sign_in(staff, editor)
    staff.goto("/admin/decisions/")
    row = staff.locator("tbody tr").filter(has_text=ITEM)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("2026年第24次区政府常务会议")
    screenshot_at_widths(staff, artifacts_dir, "decisions-staff-due")
    row.get_by_role("link", name="录入决定", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("录入决定")
    expect(staff.get_by_label("名称", exact=True)).to_have_value(ITEM)  # the item's title

    # Saved without what was decided: the summary says so, and so does the field.
    staff.get_by_label("名称", exact=True).fill(TITLE)
    staff.get_by_label("审议结果", exact=True).select_option(label="原则通过，需修改完善")
    staff.get_by_label("政策解读", exact=True).fill(INTERPRETATION)
    staff.get_by_role("button", name="保存草稿", exact=True).click()
    summary = staff.get_by_role("alert")
    expect(summary).to_contain_text("请修改以下内容")
    expect(summary).to_contain_text("决定内容：请填写决定内容。")
    text = staff.get_by_label("决定内容", exact=True)
    expect(staff.locator("#text-error")).to_have_text("请填写决定内容。")
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_attribute("aria-describedby", re.compile(r"\btext-error\b"))
    # Nothing typed is lost.
    expect(staff.get_by_label("名称", exact=True)).to_have_value(TITLE)
    expect(staff.get_by_label("审议结果", exact=True)).to_have_value("approved_with_changes")
    expect(staff.get_by_label("政策解读", exact=True)).to_have_value(INTERPRETATION)
    assert_accessible(staff, "the new decision sent without its text")
    screenshot_at_widths(staff, artifacts_dir, "decisions-staff-new-error")
    # The summary's link leads to the field, ready to type in.
    summary.get_by_role("link", name="决定内容：请填写决定内容。", exact=True).click()
    expect(text).to_be_focused()

    text.fill(TEXT)
    staff.get_by_role("button", name="保存草稿", exact=True).click()
    # (The address keeps the #text the summary's link added: a redirect inherits it.)
    expect(staff).to_have_url(re.compile(r"/admin/decisions/\d+(#text)?$"))
    expect(staff.get_by_role("status")).to_contain_text("决定已保存为草稿。")
    decision_id = int(re.search(r"/admin/decisions/(\d+)", staff.url)[1])
    staff.get_by_role("button", name="提交审核", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已提交审核。")
    expect(staff.locator(".review-box .badge")).to_have_text("待审核")
    screenshot_at_widths(staff, artifacts_dir, "decisions-staff-submitted")

    resident = new_page(width=PHONE)
    assert status_of(resident, f"/decisions/{decision_id}") == 404

    version_id = db.session.get(Decision, decision_id).versions[0].id
    settle()

    # Another person reviews it, reading what residents will read.
    reviewer = new_page(width=DESKTOP)
    sign_in(reviewer, checker)
    reviewer.goto(f"/admin/decisions/{decision_id}")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text(TITLE)
    preview = reviewer.locator(f"#preview-decision-{version_id}")
    expect(preview).to_be_visible()
    expect(reviewer.get_by_role("region", name="公开预览")).to_have_count(1)
    expect(preview.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    expect(preview.locator(".decision-text")).to_contain_text(TEXT)
    expect(preview.locator(".badge-outcome")).to_have_text("原则通过，需修改完善")
    prose = preview.locator(".interpretation .prose")
    expect(prose.get_by_role("heading", name="对居民有什么影响", exact=True)).to_be_visible()
    expect(prose.locator("ul > li")).to_have_text(
        ["夜间可以在机关单位内部停车场错时停车", "试点街道的居民优先"]
    )
    expect(prose).not_to_contain_text("##")
    expect(reviewer.get_by_label("决定内容", exact=True)).to_have_count(0)  # no edit form
    assert_accessible(reviewer, "the decision's staff page with its preview")
    screenshot_at_widths(reviewer, artifacts_dir, "decisions-staff-review-preview")
    reviewer.get_by_role("button", name="审核通过并公开", exact=True).click()
    expect(reviewer.get_by_role("status")).to_contain_text("已审核通过，现已公开。")
    expect(reviewer.get_by_role("region", name="公开预览")).to_have_count(0)
    expect(reviewer.get_by_role("link", name="查看公开页面", exact=True)).to_be_visible()
    screenshot_at_widths(reviewer, artifacts_dir, "decisions-staff-approved")

    assert status_of(resident, f"/decisions/{decision_id}") == 200
    expect(resident.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(resident.locator(".decision-text")).to_contain_text(TEXT)
    interpretation = resident.locator(".interpretation")
    expect(
        interpretation.get_by_role("heading", name="对居民有什么影响", exact=True)
    ).to_be_visible()
    expect(interpretation.locator("ul > li")).to_have_count(2)
    expect(resident.get_by_role("link", name="2026年第24次区政府常务会议")).to_have_attribute(
        "href", re.compile(rf"^/meetings/{meeting_id}#item-\d+$")
    )
    assert_accessible(resident, "the approved decision's public page")
    assert_fits_width(resident, PHONE, "the approved decision's public page")
    shot(resident, artifacts_dir, "approved-public-375")
    resident.goto("/decisions/")
    expect(results_titles(resident)).to_have_text([TITLE])
