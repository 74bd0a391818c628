"""Editions of the report: what they compare with, when they may be published, two people
starting one at once, and what the public's downloads and pages say of their names."""

from __future__ import annotations

from bs4 import BeautifulSoup

from core import review
from core.accounts.models import Role
from core.rules import RuleBroken
from engagement.reports import operations
from engagement.reports.operations import prepare_report
from extensions import db
from tests.engagement.reports.support import TAKEN_AT, at
from tests.engagement.reports.test_pages import latest, prepare, publish


def test_a_whole_year_compares_with_what_the_year_before_published(
    app, known_years, make_user, reviewer
):
    editor = make_user(Role.EDITOR)
    earlier = prepare_report(2024, correction_note=None, actor=editor, now=TAKEN_AT)
    review.submit_for_review(earlier, actor=editor)
    review.approve(earlier, actor=reviewer)
    known_years.meeting(at(2024, 9, 9))  # recorded after 2024's report was published
    report = prepare_report(2025, correction_note=None, actor=editor, now=TAKEN_AT)
    assert report.previous["meetings"]["held"] == 1  # as published, not 2
    assert report.previous == earlier.figures


def test_a_part_year_compares_with_the_same_part_of_the_year_before(app, known_years, make_user):
    report = prepare_report(
        2025, correction_note=None, actor=make_user(Role.EDITOR), now=at(2025, 7, 1)
    )
    assert report.figures["complete"] is False
    assert report.previous["complete"] is False
    assert report.previous["taken_at"] == at(2024, 7, 1).isoformat()
    assert report.previous["meetings"]["held"] == 1  # 15 June 2024
    assert report.previous["open_days"]["held"] == 1  # 1 June 2024


def test_figures_counted_before_the_year_ended_are_not_published_after_it(
    client, auth, known_years, make_user
):
    editor = make_user(Role.EDITOR)
    report = prepare_report(2025, correction_note=None, actor=editor, now=at(2025, 7, 1))
    db.session.commit()
    auth.login(editor)
    client.set_cookie("lang", "en")
    refused = client.post(f"/admin/review/annual_report/{report.id}/submit", follow_redirects=True)
    assert "count them again for the whole year" in refused.get_data(as_text=True)
    db.session.refresh(report)
    assert report.review_state.value == "draft"
    prepare(client)  # counted again now, the year being over
    step = client.post(f"/admin/review/annual_report/{report.id}/submit")
    assert step.status_code == 303
    db.session.refresh(report)
    assert report.review_state.value == "submitted"


def test_two_people_starting_an_edition_at_once_are_told_not_shown_an_error(
    client, auth, known_years, make_user, reviewer, monkeypatch
):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    # The second of two people read the edition numbers before the first one's was saved.
    monkeypatch.setattr(operations, "latest_edition_number", lambda year: 0)
    auth.login(make_user(Role.EDITOR))
    client.set_cookie("lang", "en")
    response = client.post("/admin/reports/2025/count", data={"correction_note": "全年数据"})
    assert response.status_code == 422
    assert "Someone else started an edition" in response.get_data(as_text=True)
    assert latest().number == 1
    try:
        prepare_report(2025, correction_note="全年", actor=make_user(Role.EDITOR))
    except RuleBroken:
        db.session.rollback()
    else:
        raise AssertionError("a clash on the edition number must be refused")


def test_a_kept_download_keeps_its_file_name(client, auth, known_years, make_user, reviewer):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    first = client.get("/reports/2025/overview.csv")
    again = client.get("/reports/2025/overview.csv")
    for response in (first, again):
        assert response.headers["Content-Disposition"] == (
            "attachment; filename=report-2025-overview.csv"
        )
    assert again.get_data() == first.get_data()


def test_names_the_office_wrote_are_marked_chinese_on_the_english_page(
    client, auth, known_years, make_user, reviewer
):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    client.set_cookie("lang", "en")
    page = BeautifulSoup(client.get("/reports/2025").data, "html.parser")
    title = page.select_one("#table-comments-by-consultation tbody th")
    assert title["lang"] == "zh-Hans"
    label = page.select_one("#chart-comments-by-consultation text.chart-label")
    assert label["lang"] == "zh-Hans"
    category = page.select_one("#chart-sitting-in-by-category text.chart-label")
    assert category.get_text() == "People's congress deputy"
    assert not category.has_attr("lang")
    assert page.select_one("#table-sitting-in-by-category tbody th").get("lang") is None
