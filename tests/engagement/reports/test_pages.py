"""The report as staff prepare it, a reviewer publishes it and the public reads it: the
figures in the prose, tables, charts and CSV are the counted ones; nothing is public
before approval; a published report does not move with the data; a new edition needs a
note and keeps the earlier one."""

from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup

from core.accounts.models import Role
from core.clock import utcnow
from engagement.reports.models import AnnualReport
from engagement.reports.tables import TABLE_KEYS
from extensions import db
from tests.engagement.reports.support import at
from tests.responses import queries_for, text_of


def prepare(client, year=2025, **data):
    return client.post(f"/admin/reports/{year}/count", data=data, follow_redirects=True)


def step(client, report, name, **data):
    return client.post(f"/admin/review/annual_report/{report.id}/{name}", data=data)


def latest(year=2025) -> AnnualReport:
    return db.session.scalars(
        db.select(AnnualReport)
        .where(AnnualReport.year == year)
        .order_by(AnnualReport.number.desc())
    ).first()


def publish(client, auth, editor, reviewer, year=2025, **data):
    auth.login(editor)
    assert prepare(client, year, **data).status_code == 200
    report = latest(year)
    step(client, report, "submit")
    auth.logout()
    auth.login(reviewer)
    step(client, report, "approve")
    auth.logout()
    db.session.refresh(report)
    return report


def tables_of(response) -> dict[str, list[list[str]]]:
    page = BeautifulSoup(response.data, "html.parser")
    tables = {}
    for holder in page.select("div.table-scroll[id^=table-]"):
        rows = [
            [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in holder.find_all("tr")
        ]
        tables[holder["id"].removeprefix("table-")] = rows
    return tables


def test_staff_prepare_a_reviewer_publishes_and_the_public_reads_it(
    client, auth, known_years, make_user, reviewer
):
    editor = make_user(Role.EDITOR)
    auth.login(editor)
    client.set_cookie("lang", "en")
    response = prepare(client)
    assert response.status_code == 200
    report = latest()
    assert report.review_state.value == "draft"
    preview = text_of(response)
    assert "In 2025, 3 meetings were held openly" in preview
    auth.logout()
    assert client.get("/reports/2025").status_code == 404
    assert client.get("/reports/2025/overview.csv").status_code == 404
    assert "2025" not in text_of(client.get("/reports/"))

    auth.login(editor)
    step(client, report, "submit")
    step(client, report, "approve")  # whoever prepared it cannot approve it
    db.session.refresh(report)
    assert report.review_state.value == "submitted"
    auth.logout()
    auth.login(reviewer)
    step(client, report, "approve")
    db.session.refresh(report)
    assert report.review_state.value == "approved"
    auth.logout()

    page = client.get("/reports/2025")
    assert page.status_code == 200
    assert "/reports/2025" in client.get("/reports/").get_data(as_text=True)


def test_the_prose_tells_every_figure_in_english(client, auth, known_years, make_user, reviewer):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    client.set_cookie("lang", "en")
    text = text_of(client.get("/reports/2025"))
    for sentence in (
        "In 2025, 3 meetings were held openly (1 of the district government, 1 of departments, "
        "1 of street offices).",
        "Their agendas put 6 items before the public. 1 more item was withheld, with its legal "
        "basis stated.",
        "2 meetings were followed live on their pages, with 5 public agenda items.",
        "4 agenda items were pre-disclosed: their drafts were put out for public comment",
        "Residents and organisations sent 13 comments, 9 of them published.",
        "adopted 2; partly adopted 1; not adopted 1, each with its reason; outside the scope "
        "of the draft 1.",
        "published for 2 consultations, 1 of them before the meeting.",
        "Invited guests sat in on the meetings 5 times: 3 by people's congress deputies, 1 by "
        "CPPCC members, and 1 by resident representatives. They were 4 different people.",
        "Residents sent 4 applications to sit in; the eligibility check and the draw chose 1 "
        "of the applicants to invite.",
        "The meetings held had 6 public agenda items to decide; 4 decisions were published, 3 "
        "of them (75%) within 20 working days",
        "2 government open days were held, with 50 places.",
        "Registrations: 59; given a place: 48; came: 42; given a place but did not come: 6.",
        "Of 7 visitors who answered the survey, 71.4% (5) were satisfied or very satisfied; "
        "the average score was 4.0 out of 5.",
        "The figures cover the whole of 2025",
        "2024, for comparison (2025 in brackets): meetings held openly 1 (3); comments "
        "received 2 (13)",
    ):
        assert sentence in text, sentence


def test_the_prose_tells_every_figure_in_chinese(client, auth, known_years, make_user, reviewer):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    text = text_of(client.get("/reports/2025"))
    for sentence in (
        "2025年，共公开召开会议3次（区政府1次、部门1次、街道1次）",
        "收到意见建议13条",
        "采纳2条、部分采纳1条、未采纳1条",
        "列席会议5人次，其中人大代表3人次、政协委员1人次和居民代表1人次。共4人。",
        "公开决策结果4项",
        "举办政府开放日活动2场",
    ):
        assert sentence in text, sentence


def test_every_table_lists_the_counted_figures_and_downloads_as_the_same_csv(
    client, auth, known_years, make_user, reviewer
):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    client.set_cookie("lang", "en")
    tables = tables_of(client.get("/reports/2025"))
    assert set(tables) == set(TABLE_KEYS)
    overview = {row[0]: row[1:] for row in tables["overview"][1:]}
    assert overview["Meetings held openly"] == ["3", "1", "2"]
    assert overview["Comments received"] == ["13", "2", "11"]
    assert overview["Decisions published within 20 working days"] == ["3", "0", "3"]
    assert overview["Residents who came to an open day"] == ["42", "10", "32"]
    assert overview["Residents given a place who did not come"] == ["6", "0", "6"]
    assert overview["Times invited guests sat in"] == ["5", "0", "5"]
    assert overview["People who sat in"] == ["4", "0", "4"]
    assert tables["meetings-by-month"][3] == ["Mar", "1", "0"]
    assert tables["meetings-by-month"][6] == ["Jun", "0", "1"]
    assert tables["meetings-by-body"][1:] == [
        ["区政府常务会议", "District", "1"],
        ["区民政局局务会", "Department", "1"],
        ["什刹海街道办事处主任办公会", "Street office", "1"],
    ]
    assert tables["comments-by-consultation"][1] == ["《养老服务驿站实施意见》征求意见", "8", "4"]
    assert tables["sitting-in-by-category"][1] == ["People's congress deputy", "3", "0"]
    assert tables["open-days"][1:] == [
        ["政府开放日：走进区政府", "30", "28", "93.3%"],
        ["政府开放日：应急值守平台", "20", "20", "100%"],
    ]
    for key, rows in tables.items():
        download = client.get(f"/reports/2025/{key}.csv")
        assert download.status_code == 200
        assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert (
            list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff")))) == rows
        )


def test_charts_are_images_with_a_title_a_description_and_the_counted_values(
    client, auth, known_years, make_user, reviewer
):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    client.set_cookie("lang", "en")
    page = BeautifulSoup(client.get("/reports/2025").data, "html.parser")
    charts = page.select("figure.report-chart svg")
    assert len(charts) == 4
    for svg in charts:
        assert svg["role"] == "img"
        for labelled in svg["aria-labelledby"].split():
            assert page.find(id=labelled) is not None and page.find(id=labelled).get_text(
                strip=True
            )
    months = page.select_one("#chart-meetings-by-month svg")
    # one column per month with meetings, this year and the year before (hatched, so it is
    # told apart without colour), and a square of each in the legend
    assert len(months.select("rect.chart-series-0")) == 3 + 1
    hatched = months.select("rect.chart-series-1")
    assert len(hatched) == 1 + 1
    assert all(rect["fill"] == "url(#chart-meetings-by-month-hatch)" for rect in hatched)
    assert months.select_one("pattern#chart-meetings-by-month-hatch") is not None
    assert months.find("desc").get_text() == (
        "Highest: Mar, Jul, and Dec, 1. The table below gives every figure."
    )
    people = page.select_one("#chart-sitting-in-by-category svg")
    assert [t.get_text() for t in people.select("text.chart-value")] == [
        "3",
        "1",
        "0",
        "1",
        "0",
        "0",
    ]
    fill = page.select_one("#chart-open-days svg")
    assert [t.get_text() for t in fill.select("text.chart-value")] == ["93.3%", "100%"]
    widths = [float(rect["width"]) for rect in fill.select("rect")]
    assert widths[1] > widths[0]


def test_a_published_report_keeps_its_figures_when_the_data_changes(
    client, auth, known_years, make_user, reviewer
):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    client.set_cookie("lang", "en")
    known_years.meeting(at(2025, 8, 8))
    text = text_of(client.get("/reports/2025"))
    assert "In 2025, 3 meetings were held openly" in text


def test_a_new_edition_needs_a_note_and_keeps_the_earlier_one(
    client, auth, known_years, make_user, reviewer
):
    editor = make_user(Role.EDITOR)
    publish(client, auth, editor, reviewer)
    known_years.meeting(at(2025, 8, 8))
    auth.login(editor)
    prepare(client)
    second = latest()
    assert second.number == 2
    refused = client.post(f"/admin/review/annual_report/{second.id}/submit", follow_redirects=True)
    assert "needs a note" in text_of(refused) or "说明" in text_of(refused)
    db.session.refresh(second)
    assert second.review_state.value == "draft"
    prepare(client, correction_note="全年数据：补录8月会议。")
    step(client, second, "submit")
    auth.logout()
    client.set_cookie("lang", "en")
    assert "In 2025, 3 meetings" in text_of(client.get("/reports/2025"))  # until approval
    auth.login(reviewer)
    step(client, second, "approve")
    auth.logout()
    text = text_of(client.get("/reports/2025"))
    assert "In 2025, 4 meetings were held openly" in text
    assert "全年数据：补录8月会议。" in text
    assert "Edition 1, published" in text


def test_a_submitted_edition_is_not_counted_again(client, auth, known_years, make_user):
    editor = make_user(Role.EDITOR)
    auth.login(editor)
    prepare(client)
    report = latest()
    step(client, report, "submit")
    client.set_cookie("lang", "en")
    response = client.post("/admin/reports/2025/count", data={})
    assert response.status_code == 422
    assert "waiting for review" in text_of(response)


def test_no_comparison_without_a_year_before(client, auth, make_user, reviewer, builder):
    builder.meeting(at(2025, 3, 3))
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    client.set_cookie("lang", "en")
    response = client.get("/reports/2025")
    tables = tables_of(response)
    assert tables["overview"][0] == ["Figure", "2025"]
    assert "Compared with the year before" not in text_of(response)


def test_years_outside_the_practice_have_no_report(client, auth, make_user):
    auth.login(make_user(Role.EDITOR))
    next_year = utcnow().year + 2
    assert client.get(f"/admin/reports/{next_year}").status_code == 404
    assert client.post(f"/admin/reports/{next_year}/count").status_code == 404
    assert client.get("/admin/reports/1999").status_code == 404
    assert client.get("/reports/1999").status_code == 404
    assert client.get("/reports/2025/nonsense.csv").status_code == 404


def test_the_public_report_costs_the_same_queries_however_much_it_counts(
    client, auth, known_years, make_user, reviewer
):
    publish(client, auth, make_user(Role.EDITOR), reviewer)
    small = queries_for(client, "/reports/2025")
    for day in range(1, 20):
        known_years.meeting(at(2025, 2, day))
    auth.login(make_user(Role.EDITOR))
    prepare(client, correction_note="补录")
    second = latest()
    step(client, second, "submit")
    auth.logout()
    auth.login(reviewer)
    step(client, second, "approve")
    auth.logout()
    assert queries_for(client, "/reports/2025") == small


def test_staff_read_the_preview_and_download_its_tables_before_publication(
    client, auth, known_years, make_user, reviewer
):
    auth.login(make_user(Role.EDITOR))
    prepare(client)
    step(client, latest(), "submit")
    auth.logout()
    auth.login(reviewer)
    client.set_cookie("lang", "en")
    page = client.get("/admin/reports/2025")
    assert "What the public will see" in text_of(page)
    assert "Approve and publish" in text_of(page)
    download = client.get("/admin/reports/2025/overview.csv")
    assert download.status_code == 200
    assert "Meetings held openly,3" in download.get_data(as_text=True)
    listing = BeautifulSoup(client.get("/admin/reports/").data, "html.parser")
    row = next(row for row in listing.select("tbody tr") if "2025" in row.th.get_text())
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
    assert cells == ["Annual report 2025", "—", "Awaiting review"]
