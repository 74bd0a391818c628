"""The staff start page's own sections: each person's drafts and what was returned to them
with the reviewer's note, what waits for their review (never what they worked on), and
the messages that failed to leave; the page is never blank."""

from __future__ import annotations

from datetime import timedelta

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from core.outbox import OutgoingMail, TextMessage
from extensions import db
from meetings.models import AgendaItem
from tests.responses import start_page, text_of


def test_an_editor_finds_what_was_returned_first_with_the_note_then_drafts(
    client, auth, make_user, make_meeting, reviewer
):
    editor = make_user(Role.EDITOR)
    draft = make_meeting(author=editor, title="第20次常务会议")
    returned = make_meeting(author=editor, title="第19次常务会议")
    review.submit_for_review(returned, actor=editor)
    review.return_for_changes(returned, "议题名称请写完整。", actor=reviewer)
    submitted = make_meeting(author=editor, title="第18次常务会议")
    review.submit_for_review(submitted, actor=editor)  # with the reviewer: not the editor's move
    make_meeting(title="别人的草稿")  # someone else's
    db.session.commit()

    client.set_cookie("lang", "en")
    auth.login(editor)
    page = start_page(client.get("/admin/"))

    mine = page["mine"]
    assert mine["count"] == 2
    assert [row["label"] for row in mine["rows"]] == ["第19次常务会议", "第20次常务会议"]
    assert [row["url"] for row in mine["rows"]] == [
        f"/admin/meetings/{returned.id}",
        f"/admin/meetings/{draft.id}",
    ]
    assert "议题名称请写完整。" in mine["rows"][0]["text"]
    assert reviewer.display_name in mine["rows"][0]["text"]
    assert "Draft" in mine["rows"][1]["text"]
    assert "review" not in page  # an editor cannot approve
    assert "outbox" not in page


def test_my_work_lists_every_kind_and_counts_past_the_rows_shown(
    client, auth, make_user, make_meeting, make_open_day
):
    editor = make_user(Role.EDITOR)
    for number in range(6):
        make_meeting(author=editor, title=f"会议{number}")
    open_day = make_open_day(approve=False)
    open_day.author = editor
    db.session.commit()

    auth.login(editor)
    mine = start_page(client.get("/admin/"))["mine"]
    assert mine["count"] == 7
    assert len(mine["rows"]) == 5


def test_a_reviewer_sees_what_waits_but_not_what_they_wrote_or_submitted(
    client, auth, make_user, make_meeting
):
    admin = make_user(Role.ADMIN)
    editor = make_user(Role.EDITOR)
    theirs = make_meeting(author=editor, title="编辑的会议")
    review.submit_for_review(theirs, actor=editor)
    own = make_meeting(author=admin, title="管理员写的会议")
    review.submit_for_review(own, actor=admin)
    # Written by an editor, but the administrator changed it and submitted it.
    changed = make_meeting(author=editor, title="管理员改过的会议")
    review.submit_for_review(changed, actor=admin)
    db.session.commit()

    auth.login(admin)
    page = start_page(client.get("/admin/"))
    waiting = page["review"]
    assert waiting["count"] == 1
    (row,) = waiting["rows"]
    assert row["label"] == "编辑的会议"
    assert row["url"] == f"/admin/meetings/{theirs.id}#preview-meeting-{theirs.id}"
    assert editor.display_name in row["text"]
    assert waiting["more"] == "/admin/review/"


def test_a_proposed_change_links_to_where_it_is_approved(
    client, auth, make_meeting, announce, reviewer
):
    from meetings import operations
    from meetings.models import ChangeKind

    meeting = announce(make_meeting(agenda=[AgendaItem(position=1, title="议题")]))
    change = operations.propose_change(
        meeting, ChangeKind.CANCEL, reason="因故取消", actor=meeting.author
    )
    review.submit_for_review(change, actor=meeting.author)
    db.session.commit()

    auth.login(reviewer)
    (row,) = start_page(client.get("/admin/"))["review"]["rows"]
    assert row["url"] == f"/admin/meetings/{meeting.id}#change-{change.id}"
    assert meeting.title in row["label"]


def test_an_administrator_sees_the_messages_that_failed(client, auth, make_user):
    now = utcnow()
    db.session.add_all(
        [
            OutgoingMail(
                recipient="deputy@example.cn",
                subject="列席邀请",
                body="…",
                attempts=2,
                last_error="SMTPRecipientsRefused: no such user",
                created_at=now - timedelta(hours=2),
            ),
            OutgoingMail(recipient="a@example.cn", subject="已发送", body="…", sent_at=now),
            OutgoingMail(recipient="b@example.cn", subject="排队中", body="…"),
            TextMessage(
                phone="13800001234",
                kind="open_day.confirmed",
                params="{}",
                body="报名成功",
                attempts=1,
                last_error="GatewayRefused: 403",
                created_at=now - timedelta(hours=1),
            ),
        ]
    )
    db.session.commit()

    auth.login(make_user(Role.ADMIN))
    failed = start_page(client.get("/admin/"))["outbox"]
    assert failed["count"] == 2
    assert [row["url"] for row in failed["rows"]] == ["/admin/outbox/?kind=texts", "/admin/outbox/"]
    assert "138****1234" in failed["rows"][0]["text"]
    assert "13800001234" not in failed["rows"][0]["text"]
    assert failed["rows"][1]["label"] == "列席邀请"
    assert "no such user" in failed["rows"][1]["text"]


def test_the_page_is_never_blank(client, auth, make_user):
    client.set_cookie("lang", "en")
    for role in Role:
        auth.login(make_user(role))
        response = client.get("/admin/")
        page = start_page(response)
        assert set(page) == {"clear"}
        assert "Nothing needs you now." in text_of(response)
        assert page["clear"]["titles"]
        auth.logout()
