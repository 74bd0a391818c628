"""Rules found by review: what a reviewer reads cannot change under them, changes only
touch public items, withheld titles stay private, and bad input never becomes a 500."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from core.files import StoredFile
from core.rules import RuleBroken
from extensions import db
from meetings import operations
from meetings.models import AgendaItem, ChangeKind, MeetingChange, Visibility

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def announced(make_meeting, announce):
    meeting = make_meeting(
        agenda=[
            AgendaItem(position=1, title="公开议题"),
            AgendaItem(position=2, title="另一公开议题"),
            AgendaItem(
                position=3,
                title="保密工程名称",
                visibility=Visibility.WITHHELD,
                withheld_basis="依法不予公开",
            ),
        ]
    )
    return announce(meeting)


def test_withheld_item_cannot_be_retitled_in_public(announced):
    withheld = announced.agenda[2]
    with pytest.raises(RuleBroken):
        operations.propose_change(
            announced,
            ChangeKind.RETITLE_ITEM,
            agenda_item=withheld,
            new_title="新的保密名称",
            actor=announced.author,
        )


def test_changes_only_touch_public_items(client, auth, announced, reviewer):
    proposed = operations.add_agenda_item(announced, title="未审核议题", actor=announced.author)
    operations.propose_change(
        announced, ChangeKind.ADD_ITEM, agenda_item=proposed, actor=announced.author
    )
    db.session.commit()
    with pytest.raises(RuleBroken):
        operations.propose_change(
            announced,
            ChangeKind.REMOVE_ITEM,
            agenda_item=proposed,
            reason="x",
            actor=announced.author,
        )
    auth.login(announced.author)
    url = f"/admin/meetings/{announced.id}/items/{proposed.id}/propose/remove_item"
    response = client.post(url, data={"reason": "撤销"})
    assert response.status_code == 422
    assert "未审核议题" not in client.get(f"/meetings/{announced.id}").get_data(as_text=True)


def test_item_of_another_meeting_is_not_found(client, auth, announced, make_meeting):
    other = make_meeting()
    auth.login(announced.author)
    url = f"/admin/meetings/{announced.id}/items/{other.agenda[0].id}/propose/retitle_item"
    assert client.get(url).status_code == 404


def test_nothing_changes_while_the_reviewer_reads_it(make_meeting, app):
    meeting = make_meeting()
    item = meeting.agenda[0]
    review.submit_for_review(meeting, actor=meeting.author)
    stored = StoredFile("x.pdf", "x.pdf", "application/pdf", 10)
    with pytest.raises(RuleBroken):
        operations.attach_document(item, stored, actor=meeting.author)
    with pytest.raises(RuleBroken):
        operations.update_agenda_item(item, title="偷改", actor=meeting.author)
    with pytest.raises(RuleBroken):
        operations.add_agenda_item(meeting, title="偷加", actor=meeting.author)


def test_proposed_item_is_frozen_while_its_addition_is_reviewed(announced):
    item = operations.add_agenda_item(announced, title="新增议题", actor=announced.author)
    change = operations.propose_change(
        announced, ChangeKind.ADD_ITEM, agenda_item=item, actor=announced.author
    )
    review.submit_for_review(change, actor=announced.author)
    with pytest.raises(RuleBroken):
        operations.update_agenda_item(
            item, visibility=Visibility.PUBLIC, title="改过", actor=announced.author
        )


def test_whoever_deleted_an_item_cannot_approve_the_meeting(make_meeting, make_user):
    admin = make_user(Role.ADMIN)
    meeting = make_meeting()
    extra = operations.add_agenda_item(meeting, title="多余的议题", actor=meeting.author)
    db.session.commit()
    operations.delete_draft_agenda_item(extra, actor=admin)
    review.submit_for_review(meeting, actor=meeting.author)
    with pytest.raises(RuleBroken):
        review.approve(meeting, actor=admin)


def test_postponement_into_the_past_cannot_be_approved_later(announced, reviewer):
    start = announced.starts_at + timedelta(days=1)
    change = operations.propose_change(
        announced,
        ChangeKind.POSTPONE,
        reason="延期",
        new_starts_at=start,
        new_ends_at=start + timedelta(hours=1),
        actor=announced.author,
    )
    review.submit_for_review(change, actor=announced.author)
    change.new_starts_at = utcnow() - timedelta(minutes=1)  # the reviewer came back late
    with pytest.raises(RuleBroken):
        review.approve(change, actor=reviewer)


def test_live_updates_only_around_the_meeting(announced):
    with pytest.raises(RuleBroken):
        operations.post_live_update(
            announced, text="太早了", agenda_item=None, image=None, actor=announced.author
        )


def test_withdrawn_document_proposal_takes_its_document_along(client, auth, announced):
    auth.login(announced.author)
    item = announced.agenda[0]
    client.post(
        f"/admin/items/{item.id}/documents",
        data={"document": (io.BytesIO(PDF), "补充.pdf")},
        content_type="multipart/form-data",
    )
    change = db.session.scalar(db.select(MeetingChange))
    client.post(f"/admin/changes/{change.id}/withdraw")
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).documents == []


def test_pdf_named_docx_is_refused(client, auth, make_meeting):
    meeting = make_meeting()
    auth.login(meeting.author)
    response = client.post(
        f"/admin/items/{meeting.agenda[0].id}/documents",
        data={"document": (io.BytesIO(PDF), "伪装.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422


def test_failed_upload_keeps_the_items_saved_flags(client, auth, make_meeting):
    meeting = make_meeting()
    item = meeting.agenda[0]
    item.is_major_decision = True
    db.session.commit()
    auth.login(meeting.author)
    response = client.post(
        f"/admin/items/{item.id}/documents",
        data={"document": (io.BytesIO(b"nope"), "x.pdf")},
        content_type="multipart/form-data",
    )
    page = BeautifulSoup(response.data, "html.parser")
    assert page.find("input", {"name": "is_major_decision"}).has_attr("checked")


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/?year=99999",
        "/meetings/?year=0",
        "/meetings/?year=²",
        "/meetings/?page=100000000000000000000",
        "/api/v1/meetings?year=99999&page=100000000000000000000&per_page=99999999999999",
        "/admin/meetings/?page=100000000000000000000",
        "/admin/audit/?actor=100000000000000000000&page=99999999999999999999",
        "/meetings/99999999999999999999",
    ],
)
def test_absurd_query_strings_are_not_errors(client, auth, make_user, url):
    auth.login(make_user(Role.ADMIN))
    # 422: a filter form that says, next to the field, that no such person is listed.
    assert client.get(url).status_code in (200, 404, 422)


def test_year_one_in_a_form_is_a_field_error(client, auth, make_user, make_body):
    body = make_body()
    auth.login(make_user(Role.EDITOR))
    response = client.post(
        "/admin/meetings/new",
        data={
            "body_id": body.id,
            "title": "古代会议",
            "starts_at": "0001-01-01T00:00",
            "ends_at": "0001-01-01T02:00",
            "sit_in_places": "0",
        },
    )
    assert response.status_code == 422
    assert BeautifulSoup(response.data, "html.parser").find(id="starts_at-error")


def test_reorder_with_odd_numbers_is_not_an_error(client, auth, announced):
    auth.login(announced.author)
    first, second = announced.agenda[0], announced.agenda[1]
    response = client.post(
        f"/admin/meetings/{announced.id}/propose/reorder",
        data={f"position-{first.id}": "²", f"position-{second.id}": "1", "reason": ""},
    )
    assert response.status_code == 303
    change = db.session.scalar(db.select(MeetingChange))
    assert change.new_order[0] == second.id


def test_a_started_meeting_with_a_change_waiting_shows_its_staff_page(
    client, auth, announced, make_user
):
    operations.propose_change(
        announced,
        ChangeKind.REMOVE_ITEM,
        agenda_item=announced.agenda[1],
        reason="改期另议",
        actor=announced.author,
    )
    db.session.commit()
    meeting_id, started = announced.id, announced.starts_at + timedelta(minutes=5)
    editor = make_user(Role.EDITOR)
    with freeze_time(started):
        auth.login(editor)
        response = client.get(f"/admin/meetings/{meeting_id}")
    assert response.status_code == 200
    assert "改期另议" in response.get_data(as_text=True)
