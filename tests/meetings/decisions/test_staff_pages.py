"""The staff pages of decisions, used over HTTP as editors and reviewers use them: a
decision is recorded once its meeting has started, refused with what was typed kept,
edited while a draft, read in full by the reviewer before approval, corrected only with a
public note that keeps the earlier text, illustrated with images that need their alt text
and are public only once a published text shows them; the meeting summary goes the same
way; the list shows what is still due."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from core.accounts.models import Role
from core.clock import utcnow
from core.review import ReviewState
from extensions import db
from meetings.decisions.deadlines import publication_due
from meetings.decisions.models import (
    Decision,
    DecisionImage,
    DecisionOutcome,
    DecisionVersion,
    MeetingSummary,
)
from meetings.models import AgendaItem, Visibility

PNG = bytes.fromhex(  # a 1×1 white PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c63f80f040009fb03fdfb5e6b2b0000000049454e44ae426082"
)
TEXT = "会议原则同意老旧小区综合整治方案，由区住建局牵头实施。"
CORRECTED_TEXT = "会议原则同意老旧小区综合整治方案，由区住建局和各街道共同实施。"
INTERPRETATION = "## 对居民意味着什么\n\n明年起分三批整治，每批开工前一个月张贴公告。"
FORM = {
    "title": "关于老旧小区综合整治的决定",
    "outcome": "approved",
    "text": TEXT,
    "dissent": "一位委员建议先选两个小区试点。",
    "interpretation": INTERPRETATION,
    "comments_used": "采纳了关于同步加装电梯的意见。",
    "documents": (
        "整治方案 https://example.gov.cn/plan.pdf\n资金安排 https://example.gov.cn/funds.pdf"
    ),
}
SUMMARY = "会议研究了老旧小区综合整治等事项。"
CORRECTED_SUMMARY = "会议研究了老旧小区综合整治和街道图书馆开放时间等事项。"
NOTE = "补充了实施单位。"

# What the office sees, in the interface's default language.
WRITE_WHAT_WAS_DECIDED = "请填写决定内容。"
NOT_BEFORE_THE_MEETING = "会议开始后才能录入决定。"
ONLY_PUBLIC_ITEMS = "只有向公众公开的议题才有公开的决定。"
CORRECTION_NEEDS_A_NOTE = "更正须附更正说明，写明更正的内容和原因。"
SAY_WHAT_THE_IMAGE_SHOWS = "请填写图片说明（供视障读者）。"
MEETING_SUMMARY = "会议通稿"


@pytest.fixture
def held_meeting(make_meeting, announce):
    """An announced meeting that started three hours ago, with one public item."""
    return announce(make_meeting(starts_at=utcnow() - timedelta(hours=3)))


@pytest.fixture
def item(held_meeting) -> AgendaItem:
    return held_meeting.agenda[0]


@pytest.fixture
def editor(held_meeting, auth):
    """The meeting's author, signed in."""
    auth.login(held_meeting.author)
    return held_meeting.author


@pytest.fixture
def reader(app):
    """A resident's browser: never signed in."""
    return app.test_client()


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def typed(page: BeautifulSoup, name: str) -> str:
    """What a field of the form shows, as the browser will fill it in."""
    field = page.find(attrs={"name": name})
    if field.name == "textarea":
        return field.get_text().strip()
    if field.name == "select":
        return field.find("option", selected=True)["value"]
    return field["value"]


def flashed(response, category: str) -> str:
    return " ".join(
        p.get_text(" ", strip=True) for p in html(response).select(f".flash-{category}")
    )


def record(client, item: AgendaItem, **changes: str):
    return client.post(f"/admin/decisions/items/{item.id}/new", data={**FORM, **changes})


def edit(client, decision: Decision, **changes: str):
    return client.post(f"/admin/decisions/{decision.id}", data={**FORM, **changes})


def review_step(client, thing, step: str, **data: str):
    """Submit, approve or return a reviewable thing as the signed-in person."""
    return client.post(f"/admin/review/{thing.review_kind}/{thing.id}/{step}", data=data)


def approve_as(auth, client, reviewer, thing, then_sign_in) -> None:
    auth.login(reviewer)
    assert review_step(client, thing, "approve").status_code == 303
    assert thing.review_state == ReviewState.APPROVED
    auth.login(then_sign_in)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def the_decision() -> Decision:
    return db.session.scalar(select(Decision))


def publish_over_http(client, auth, item, editor, reviewer, **changes: str) -> Decision:
    """Record, submit and approve an item's decision through the staff pages."""
    assert record(client, item, **changes).status_code == 303
    decision = the_decision()
    assert review_step(client, decision.versions[0], "submit").status_code == 303
    approve_as(auth, client, reviewer, decision.versions[0], editor)
    return decision


# Recording a decision


def test_an_editor_records_a_decision_as_a_draft_and_lands_on_its_page(client, editor, item):
    response = record(client, item)
    assert response.status_code == 303
    decision = the_decision()
    assert response.headers["Location"] == f"/admin/decisions/{decision.id}"
    (version,) = decision.versions
    assert version.review_state == ReviewState.DRAFT
    assert (version.title, version.outcome, version.text) == (
        FORM["title"],
        DecisionOutcome.APPROVED,
        TEXT,
    )
    assert version.dissent == FORM["dissent"]
    assert version.interpretation == INTERPRETATION
    assert version.comments_used == FORM["comments_used"]
    assert version.documents == [
        ["整治方案", "https://example.gov.cn/plan.pdf"],
        ["资金安排", "https://example.gov.cn/funds.pdf"],
    ]
    assert not decision.is_public
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_decision_without_its_text_is_refused_next_to_the_field_keeping_what_was_typed(
    client, editor, item
):
    response = record(client, item, text="", outcome="deferred")
    assert response.status_code == 422
    page = html(response)
    assert page.find(id="text-error").get_text(strip=True) == WRITE_WHAT_WAS_DECIDED
    assert page.find(attrs={"name": "text"})["aria-describedby"].endswith("text-error")
    assert page.find(id="error-summary") is not None
    for name in ("title", "dissent", "interpretation", "comments_used", "documents"):
        assert typed(page, name) == FORM[name].strip(), name
    assert typed(page, "outcome") == "deferred"
    assert count(Decision) == 0


def test_a_documents_line_without_an_https_address_is_refused_naming_its_line(client, editor, item):
    documents = "整治方案 https://example.gov.cn/plan.pdf\n资金安排 example.gov.cn/funds.pdf"
    response = record(client, item, documents=documents)
    assert response.status_code == 422
    page = html(response)
    assert "第 2 行" in page.find(id="documents-error").get_text()
    assert typed(page, "documents") == documents
    assert typed(page, "text") == TEXT
    assert count(Decision) == 0


def test_recording_again_for_the_same_item_opens_the_existing_decision(client, editor, item):
    first = record(client, item)
    again = record(client, item, text="另一段文字。")
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert (
        client.get(f"/admin/decisions/items/{item.id}/new").headers["Location"]
        == (first.headers["Location"])
    )
    assert count(Decision) == 1 and count(DecisionVersion) == 1
    assert the_decision().versions[0].text == TEXT


def test_no_decision_is_recorded_before_the_meeting_starts(client, auth, make_meeting, announce):
    meeting = announce(make_meeting(starts_at=utcnow() + timedelta(days=2)))
    auth.login(meeting.author)
    response = record(client, meeting.agenda[0])
    assert response.status_code == 422
    assert NOT_BEFORE_THE_MEETING in html(response).find(id="error-summary").get_text()
    assert typed(html(response), "text") == TEXT
    assert count(Decision) == 0


def test_no_decision_is_recorded_for_a_withheld_item(client, auth, make_meeting, announce):
    withheld = AgendaItem(
        position=1,
        title="关于某涉密事项的议题",
        visibility=Visibility.WITHHELD,
        withheld_basis="《政府信息公开条例》第十四条",
    )
    meeting = announce(make_meeting(starts_at=utcnow() - timedelta(hours=3), agenda=[withheld]))
    auth.login(meeting.author)
    response = record(client, meeting.agenda[0])
    assert response.status_code == 422
    assert ONLY_PUBLIC_ITEMS in html(response).find(id="error-summary").get_text()
    assert count(Decision) == 0


# Editing and review


def test_an_editor_edits_the_draft(client, editor, item):
    record(client, item)
    decision = the_decision()
    response = edit(client, decision, text=CORRECTED_TEXT, dissent="")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/decisions/{decision.id}"
    version = decision.versions[0]
    assert version.text == CORRECTED_TEXT
    assert version.dissent is None
    assert version.review_state == ReviewState.DRAFT


def test_a_submitted_decision_shows_no_edit_form_and_refuses_changes(client, editor, item):
    record(client, item)
    decision = the_decision()
    version = decision.versions[0]
    assert review_step(client, version, "submit").status_code == 303
    page = html(client.get(f"/admin/decisions/{decision.id}"))
    assert page.find(id="edit") is None
    assert page.find("textarea", attrs={"name": "text"}) is None
    response = edit(client, decision, text=CORRECTED_TEXT)
    assert response.status_code == 422
    assert version.text == TEXT
    assert version.review_state == ReviewState.SUBMITTED


def test_a_reviewer_reads_the_full_preview_before_approving(
    client, auth, editor, item, reviewer, reader
):
    record(client, item)
    decision = the_decision()
    version = decision.versions[0]
    review_step(client, version, "submit")
    assert reader.get(f"/decisions/{decision.id}").status_code == 404
    auth.login(reviewer)
    page = html(client.get(f"/admin/decisions/{decision.id}"))
    preview = page.find(id=f"preview-decision-{version.id}")
    assert preview is not None
    shown = preview.get_text(" ", strip=True)
    for words in (FORM["title"], TEXT, FORM["dissent"], "对居民意味着什么", FORM["comments_used"]):
        assert words in shown, words
    assert "明年起分三批整治，每批开工前一个月张贴公告。" in shown
    assert preview.find("a", href="https://example.gov.cn/plan.pdf") is not None
    assert review_step(client, version, "approve").status_code == 303
    public = reader.get(f"/decisions/{decision.id}")
    assert public.status_code == 200
    assert TEXT in html(public).find("main").get_text()


# Corrections


def test_a_correction_starts_as_a_draft_copy_of_the_published_text(
    client, auth, editor, item, reviewer
):
    decision = publish_over_http(client, auth, item, editor, reviewer)
    response = client.post(f"/admin/decisions/{decision.id}/correct")
    assert response.status_code == 303
    first, correction = decision.versions
    assert correction.number == 2
    assert correction.review_state == ReviewState.DRAFT
    assert correction.fields() == first.fields()
    page = html(client.get(f"/admin/decisions/{decision.id}"))
    assert typed(page, "text") == TEXT
    assert page.find(attrs={"name": "correction_note"}) is not None


def test_a_correction_without_a_note_cannot_be_submitted(client, auth, editor, item, reviewer):
    decision = publish_over_http(client, auth, item, editor, reviewer)
    client.post(f"/admin/decisions/{decision.id}/correct")
    assert edit(client, decision, text=CORRECTED_TEXT, correction_note="").status_code == 303
    correction = decision.versions[1]
    response = client.post(f"/admin/review/decision/{correction.id}/submit", follow_redirects=True)
    assert CORRECTION_NEEDS_A_NOTE in flashed(response, "error")
    assert correction.review_state == ReviewState.DRAFT


def test_an_approved_correction_shows_its_note_and_keeps_the_earlier_text(
    client, auth, editor, item, reviewer, reader
):
    decision = publish_over_http(client, auth, item, editor, reviewer)
    client.post(f"/admin/decisions/{decision.id}/correct")
    edit(client, decision, text=CORRECTED_TEXT, correction_note=NOTE)
    correction = decision.versions[1]
    assert review_step(client, correction, "submit").status_code == 303
    approve_as(auth, client, reviewer, correction, editor)

    page = html(reader.get(f"/decisions/{decision.id}")).find("main")
    in_force = page.select_one(".decision-text").get_text(" ", strip=True)
    assert CORRECTED_TEXT in in_force and TEXT not in in_force
    assert NOTE in page.select_one(".notice").get_text()
    (earlier,) = page.find_all("details")
    assert TEXT in earlier.get_text()
    assert NOTE in page.select_one(".history").get_text()


def test_a_discarded_correction_leaves_the_public_page_as_it_was(
    client, auth, editor, item, reviewer, reader
):
    decision = publish_over_http(client, auth, item, editor, reviewer)
    before = html(reader.get(f"/decisions/{decision.id}")).find("main").get_text(" ", strip=True)
    client.post(f"/admin/decisions/{decision.id}/correct")
    edit(client, decision, text=CORRECTED_TEXT, correction_note=NOTE)
    response = client.post(f"/admin/decisions/{decision.id}/discard")
    assert response.status_code == 303
    assert [version.number for version in decision.versions] == [1]
    assert decision.open_version is None
    after = html(reader.get(f"/decisions/{decision.id}")).find("main").get_text(" ", strip=True)
    assert after == before
    assert CORRECTED_TEXT not in after


# Images of the interpretation


def upload_image(client, decision: Decision, alt: str):
    return client.post(
        f"/admin/decisions/{decision.id}/images",
        data={"image": (io.BytesIO(PNG), "整治范围.png"), "alt": alt},
        content_type="multipart/form-data",
    )


def test_an_image_needs_words_for_people_who_cannot_see_it(client, editor, item):
    record(client, item)
    response = upload_image(client, the_decision(), alt="")
    assert response.status_code == 422
    assert html(response).find(id="alt-error").get_text(strip=True) == SAY_WHAT_THE_IMAGE_SHOWS
    assert count(DecisionImage) == 0


def test_an_uploaded_image_is_offered_as_a_markdown_line(client, editor, item):
    record(client, item)
    decision = the_decision()
    response = upload_image(client, decision, alt="整治范围示意图")
    assert response.status_code == 303
    image = db.session.scalar(select(DecisionImage))
    page = html(client.get(f"/admin/decisions/{decision.id}"))
    lines = [code.get_text() for code in page.find(id="images").find_all("code")]
    assert lines == [f"![整治范围示意图](/decisions/images/{image.id})"]


def test_an_image_is_public_only_once_a_published_text_shows_it(
    client, auth, editor, item, reviewer, reader
):
    record(client, item)
    decision = the_decision()
    upload_image(client, decision, alt="整治范围示意图")
    image = db.session.scalar(select(DecisionImage))
    address = f"/decisions/images/{image.id}"
    assert reader.get(address).status_code == 404

    for_staff = client.get(address)
    assert for_staff.status_code == 200
    assert for_staff.headers["Cache-Control"] == "no-store"

    edit(client, decision, interpretation=f"{INTERPRETATION}\n\n{image.markdown}")
    version = decision.versions[0]
    review_step(client, version, "submit")
    assert reader.get(address).status_code == 404  # shown by a text not yet published
    approve_as(auth, client, reviewer, version, editor)

    served = reader.get(address)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/png"
    shown = html(reader.get(f"/decisions/{decision.id}")).find("img", src=address)
    assert shown["alt"] == "整治范围示意图"


# The meeting summary


def summary_address(meeting) -> str:
    return f"/admin/decisions/meetings/{meeting.id}/summary"


def write_summary(client, meeting, text: str, note: str = ""):
    return client.post(summary_address(meeting), data={"text": text, "correction_note": note})


def newest_summary() -> MeetingSummary:
    return db.session.scalar(select(MeetingSummary).order_by(MeetingSummary.number.desc()))


def publish_summary(client, auth, meeting, editor, reviewer, text: str, note: str = ""):
    assert write_summary(client, meeting, text, note).status_code == 303
    summary = newest_summary()
    assert review_step(client, summary, "submit").status_code == 303
    approve_as(auth, client, reviewer, summary, editor)
    return summary


def test_a_meeting_summary_is_published_through_review_onto_the_meeting_page(
    client, auth, editor, held_meeting, reviewer, reader
):
    response = write_summary(client, held_meeting, SUMMARY)
    assert response.status_code == 303
    summary = newest_summary()
    assert summary.review_state == ReviewState.DRAFT
    review_step(client, summary, "submit")
    assert reader.get(f"/meetings/{held_meeting.id}").status_code == 200
    assert SUMMARY not in html(reader.get(f"/meetings/{held_meeting.id}")).get_text()
    approve_as(auth, client, reviewer, summary, editor)

    page = html(reader.get(f"/meetings/{held_meeting.id}"))
    heading = page.find(id="summary-title")
    assert heading.get_text(strip=True) == MEETING_SUMMARY
    section = heading.find_parent("section")
    assert SUMMARY in section.get_text()


def test_sending_the_published_summary_back_unchanged_starts_no_correction(
    client, auth, editor, held_meeting, reviewer
):
    publish_summary(client, auth, held_meeting, editor, reviewer, SUMMARY)
    assert write_summary(client, held_meeting, SUMMARY).status_code == 303
    assert count(MeetingSummary) == 1


def test_a_summary_correction_needs_its_note_and_keeps_the_earlier_text(
    client, auth, editor, held_meeting, reviewer, reader
):
    publish_summary(client, auth, held_meeting, editor, reviewer, SUMMARY)
    assert write_summary(client, held_meeting, CORRECTED_SUMMARY).status_code == 303
    correction = newest_summary()
    assert correction.number == 2
    refused = client.post(
        f"/admin/review/meeting_summary/{correction.id}/submit", follow_redirects=True
    )
    assert CORRECTION_NEEDS_A_NOTE in flashed(refused, "error")
    assert correction.review_state == ReviewState.DRAFT

    write_summary(client, held_meeting, CORRECTED_SUMMARY, note=NOTE)
    assert count(MeetingSummary) == 2
    assert review_step(client, correction, "submit").status_code == 303
    approve_as(auth, client, reviewer, correction, editor)

    section = html(reader.get(f"/meetings/{held_meeting.id}")).select_one(".meeting-summary")
    assert NOTE in section.select_one(".notice").get_text()
    (earlier,) = section.find_all("details")
    assert SUMMARY in earlier.get_text()
    earlier.decompose()
    assert CORRECTED_SUMMARY in section.get_text() and SUMMARY not in section.get_text()


# What is due, and who may change it


def test_the_list_shows_an_item_still_due_with_its_date_and_not_a_published_one(
    client, auth, make_meeting, announce, publish_decision
):
    meeting = announce(
        make_meeting(
            starts_at=utcnow() - timedelta(days=1),
            agenda=[
                AgendaItem(position=1, title="关于老旧小区综合整治的议题"),
                AgendaItem(position=2, title="关于街道图书馆延长开放时间的议题"),
            ],
        )
    )
    published, due = meeting.agenda
    publish_decision(published)
    auth.login(meeting.author)
    rows = html(client.get("/admin/decisions/")).select("table tbody tr")
    listed = {row.find("td").get_text(strip=True): row.get_text(" ", strip=True) for row in rows}
    assert list(listed) == [due.title]
    assert publication_due(meeting.starts_at).day.isoformat() in listed[due.title]


def test_reviewers_read_decisions_but_cannot_record_or_edit_them(
    client, auth, make_meeting, announce, make_user
):
    meeting = announce(
        make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[
                AgendaItem(position=1, title="关于老旧小区综合整治的议题"),
                AgendaItem(position=2, title="关于街道图书馆延长开放时间的议题"),
            ],
        )
    )
    recorded, unrecorded = meeting.agenda
    auth.login(meeting.author)
    record(client, recorded)
    decision = the_decision()

    auth.login(make_user(Role.REVIEWER))
    assert client.get("/admin/decisions/").status_code == 200
    page = client.get(f"/admin/decisions/{decision.id}")
    assert page.status_code == 200
    assert html(page).find("textarea", attrs={"name": "text"}) is None
    assert record(client, unrecorded).status_code == 403
    assert edit(client, decision, text=CORRECTED_TEXT).status_code == 403
    assert count(Decision) == 1
    assert decision.versions[0].text == TEXT
