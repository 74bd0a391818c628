"""Agenda documents: type and size checked, stored under a generated name, served with the
right headers, and only once public."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from extensions import db
from meetings.models import AgendaDocument, LiveUpdate, MeetingChange

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(client, item, name, data):
    return client.post(
        f"/admin/items/{item.id}/documents",
        data={"document": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def draft_item(make_meeting, auth):
    meeting = make_meeting()
    auth.login(meeting.author)
    return meeting.agenda[0]


def test_pdf_is_stored_under_a_generated_name(app, client, draft_item):
    response = upload(client, draft_item, "../../老旧小区整治方案.pdf", PDF)
    assert response.status_code == 303
    document = db.session.scalar(db.select(AgendaDocument))
    assert document.original_name == "老旧小区整治方案.pdf"
    assert document.content_type == "application/pdf"
    assert document.stored_name.endswith(".pdf") and "老旧" not in document.stored_name
    stored = Path(app.config["UPLOAD_FOLDER"]) / document.stored_name
    assert stored.read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "允许的文件类型"),
        ("fake.pdf", b"<html><script>alert(1)</script>", "文件内容与其类型"),
        ("photo.png", PDF, "文件内容与其类型"),
        ("empty.pdf", b"", "文件是空的"),
    ],
)
def test_wrong_files_are_refused_next_to_the_field(client, draft_item, name, data, message):
    response = upload(client, draft_item, name, data)
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert message in page.find(id="document-error").get_text()
    assert db.session.scalar(db.select(db.func.count(AgendaDocument.id))) == 0


def test_missing_file_is_refused(client, draft_item):
    response = client.post(f"/admin/items/{draft_item.id}/documents", data={})
    assert response.status_code == 422


def test_documents_are_public_only_with_the_announcement(client, auth, draft_item, make_user):
    upload(client, draft_item, "方案.pdf", PDF)
    upload(client, draft_item, "说明.docx", DOCX)
    pdf, docx = db.session.scalars(db.select(AgendaDocument).order_by(AgendaDocument.id)).all()
    auth.logout()
    assert client.get(f"/documents/{pdf.id}/方案.pdf").status_code == 404

    meeting = draft_item.meeting
    review.submit_for_review(meeting, actor=meeting.author)
    review.approve(meeting, actor=make_user(Role.REVIEWER))
    db.session.commit()

    response = client.get(f"/documents/{pdf.id}/方案.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "filename*=UTF-8''%E6%96%B9%E6%A1%88.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == PDF
    office = client.get(f"/documents/{docx.id}/说明.docx")
    assert office.headers["Content-Disposition"].startswith("attachment")
    assert office.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "方案.pdf" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_document_added_after_announcement_waits_for_review(client, auth, make_meeting, make_user):
    meeting = make_meeting(starts_at=utcnow() + timedelta(days=3))
    reviewer = make_user(Role.REVIEWER)
    review.submit_for_review(meeting, actor=meeting.author)
    review.approve(meeting, actor=reviewer)
    db.session.commit()
    auth.login(meeting.author)
    upload(client, meeting.agenda[0], "补充材料.pdf", PDF)
    document = db.session.scalar(db.select(AgendaDocument))
    assert document.published_at is None
    auth.logout()
    assert client.get(f"/documents/{document.id}/x.pdf").status_code == 404
    change = db.session.scalar(db.select(MeetingChange))
    review.submit_for_review(change, actor=meeting.author)
    review.approve(change, actor=reviewer)
    db.session.commit()
    assert client.get(f"/documents/{document.id}/x.pdf").status_code == 200


def test_live_update_with_an_image(client, auth, make_meeting, announce):
    meeting = announce(make_meeting(starts_at=utcnow() - timedelta(minutes=30)))
    auth.login(meeting.author)
    post = {"text": "会议现场", "agenda_item_id": "0"}
    undescribed = client.post(
        f"/admin/meetings/{meeting.id}/live",
        data={**post, "image": (io.BytesIO(PNG), "现场.png")},
        content_type="multipart/form-data",
    )
    assert undescribed.status_code == 422  # a photo needs words for who cannot see it
    html = BeautifulSoup(undescribed.data, "html.parser")
    assert html.find(id="image_alt-error").get_text(strip=True) == "请说明图片的内容。"
    response = client.post(
        f"/admin/meetings/{meeting.id}/live",
        data={**post, "image": (io.BytesIO(PNG), "现场.png"), "image_alt": "区长在会上讲话"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = BeautifulSoup(client.get(f"/meetings/{meeting.id}").data, "html.parser")
    image = page.select_one(".live-update img")
    assert image["alt"] == "区长在会上讲话"
    served = client.get(image["src"])
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/png"
    bad = client.post(
        f"/admin/meetings/{meeting.id}/live",
        data={
            **post,
            "text": "保留这段文字",
            "image": (io.BytesIO(PDF), "x.pdf"),
            "image_alt": "文件",
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    html = BeautifulSoup(bad.data, "html.parser")
    assert html.find("textarea", {"name": "text"}).get_text().strip() == "保留这段文字"
    assert html.find(id="image-error") is not None


def test_staff_open_documents_before_publication_never_cached(client, auth, draft_item, make_user):
    upload(client, draft_item, "方案.pdf", PDF)
    upload(client, draft_item, "说明.docx", DOCX)
    pdf, docx = db.session.scalars(db.select(AgendaDocument).order_by(AgendaDocument.id)).all()
    assert client.get(f"/documents/{pdf.id}/方案.pdf").status_code == 404  # not public yet

    auth.logout()
    auth.login(make_user(Role.REVIEWER))
    response = client.get(f"/admin/documents/meeting/{pdf.id}/方案.pdf")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'; sandbox"
    )
    assert response.headers["Cache-Control"] == "no-store"
    office = client.get(f"/admin/documents/meeting/{docx.id}/说明.docx")
    assert office.headers["Content-Disposition"].startswith("attachment")
    assert office.headers["Cache-Control"] == "no-store"
    assert client.get(f"/admin/documents/meeting/{docx.id + 1}/x.pdf").status_code == 404

    auth.logout()
    anonymous = client.get(f"/admin/documents/meeting/{pdf.id}/方案.pdf")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login?next=")


def test_the_item_page_and_the_preview_link_documents_to_the_staff_route(client, draft_item):
    upload(client, draft_item, "方案.pdf", PDF)
    document = db.session.scalar(db.select(AgendaDocument))
    staff_link = f"/admin/documents/meeting/{document.id}/"
    for url in (f"/admin/items/{draft_item.id}", f"/admin/meetings/{draft_item.meeting_id}"):
        page = BeautifulSoup(client.get(url).data, "html.parser")
        link = page.find("a", string="方案.pdf")
        assert link is not None and link["href"].startswith(staff_link), url


def test_photos_posted_without_a_description_are_told_apart_by_their_update(
    client, make_meeting, announce
):
    meeting = announce(make_meeting(starts_at=utcnow() - timedelta(minutes=30)))
    for text in ("会场全景。", "列席代表发言。"):
        update = LiveUpdate(
            meeting=meeting, text=text, author_id=meeting.author_id, image_name="x.png"
        )
        update.image_type = "image/png"
        db.session.add(update)  # as photos were kept before the desk asked what they show
    db.session.commit()
    page = BeautifulSoup(client.get(f"/meetings/{meeting.id}").data, "html.parser")
    alts = [image["alt"] for image in page.select(".live-update img")]
    assert alts == ["随更新发布的图片：列席代表发言。", "随更新发布的图片：会场全景。"]
