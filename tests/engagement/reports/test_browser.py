"""The annual report in the browser: an editor counts the figures and submits, a reviewer
approves from the preview, a resident reads it on a phone with and without JavaScript,
and it prints as A4. Screenshots go to `test-artifacts/` (named `report-*`)."""

from __future__ import annotations

import re

import pytest

from core.accounts.models import Role
from tests.browser_support import (
    PHONE,
    approve_in_queue,
    expect,
    requires_chromium,
    screenshot_at_widths,
    settle,
    sign_in,
    sign_out,
    staff_account,
)
from tests.engagement.open_days.test_browser_open_days import check_accessible

# isort: split
# The fixtures, which pytest finds under their names (page, new_page, live_server, ...).
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

pytestmark = [requires_chromium, pytest.mark.browser]


def test_prepared_reviewed_and_read_on_a_phone_and_on_paper(
    new_page, known_years, make_user, artifacts_dir
):
    editor = staff_account(make_user, Role.EDITOR)
    reviewer = staff_account(make_user, Role.REVIEWER)
    settle()
    page = new_page()
    sign_in(page, editor)
    page.get_by_role("navigation", name="工作人员区").get_by_role("link", name="年度报告").click()
    page.get_by_role("link", name="2025年度报告").click()
    page.get_by_role("button", name="统计数据", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("数据已统计")
    preview = page.locator(".public-preview")
    expect(preview).to_contain_text("2025年，共公开召开会议3次（区政府1次、部门1次、街道1次）。")
    check_accessible(page, "report preview")
    screenshot_at_widths(page, artifacts_dir, "report-staff-preview")
    page.get_by_role("button", name="提交审核", exact=True).click()
    sign_out(page)

    sign_in(page, reviewer)
    approve_in_queue(page, "2025年政务公开年度报告")
    sign_out(page)

    for javascript in (True, False):
        phone = new_page(width=PHONE, java_script_enabled=javascript)
        phone.goto("/")
        phone.get_by_role("link", name="政府信息公开工作年度报告").click()
        phone.get_by_role("link", name="2025年度报告").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text(
            "2025年政府信息公开工作年度报告：会议公开情况"
        )
        expect(phone.locator("body")).to_contain_text("收到意见建议13条")
        chart = phone.locator("#chart-meetings-by-month svg")
        expect(chart).to_have_attribute("role", "img")
        check_accessible(phone, f"report on a phone, JavaScript {javascript}")
        name = "report-phone" + ("" if javascript else "-no-js")
        phone.screenshot(path=artifacts_dir / f"{name}-375.png", full_page=True)
        download = phone.locator("#table-overview + p a")
        expect(download).to_have_attribute("href", re.compile(r"/reports/2025/overview\.csv$"))
        phone.context.close()

    paper = new_page()
    paper.goto("/reports/2025")
    paper.emulate_media(media="print")
    expect(paper.locator(".site-header")).to_be_hidden()
    expect(paper.locator(".table-download").first).to_be_hidden()
    paper.screenshot(path=artifacts_dir / "report-print.png", full_page=True)
    pdf = paper.pdf(path=artifacts_dir / "report-print.pdf", format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 2 <= pages <= 8, pages
    paper.set_extra_http_headers({"Cookie": "lang=en"})
    paper.context.add_cookies([{"name": "lang", "value": "en", "url": paper.url}])
    paper.goto("/reports/2025")
    paper.emulate_media(media="screen")
    expect(paper.locator("body")).to_contain_text("In 2025, 3 meetings were held openly")
    screenshot_at_widths(paper, artifacts_dir, "report-en")
