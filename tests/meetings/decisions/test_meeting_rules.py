"""A decision and its meeting keep each other honest: what approval publishes is still on
a public agenda, a meeting concludes exactly when its last public item is decided (and
not while an item tabled at it waits for review), and what the law asks of a consulted
item's decision is there."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import review
from core.clock import utcnow
from core.rules import RuleBroken
from extensions import db
from meetings import operations as meeting_operations
from meetings.decisions import operations
from meetings.decisions.models import DecisionImage
from meetings.decisions.staff_queries import decisions_due
from meetings.models import AgendaItem, ChangeKind, MeetingStatus
from tests.meetings.decisions.support import correct, draft_fields
from tests.responses import queries_for


@pytest.fixture
def held(make_meeting, announce):
    return announce(
        make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[AgendaItem(position=1, title="议题甲"), AgendaItem(position=2, title="议题乙")],
        )
    )


def submitted(item):
    decision = operations.record_decision(item, actor=item.meeting.author, **draft_fields(item))
    review.submit_for_review(decision.versions[0], actor=item.meeting.author)
    db.session.commit()
    return decision


def test_an_item_with_a_decision_stays_on_the_agenda(held, approve_change):
    submitted(held.agenda[0])
    with pytest.raises(RuleBroken):
        approve_change(held, ChangeKind.REMOVE_ITEM, agenda_item=held.agenda[0])
    assert held.agenda[0].is_public


def test_a_meeting_with_published_decisions_cannot_be_cancelled(
    held, approve_change, publish_decision
):
    publish_decision(held.agenda[0])
    with pytest.raises(RuleBroken):
        approve_change(held, ChangeKind.CANCEL, reason="取消")
    assert held.cancelled_at is None


def test_a_decision_of_a_meeting_cancelled_meanwhile_is_not_published(
    held, approve_change, reviewer, client
):
    decision = submitted(held.agenda[0])
    approve_change(held, ChangeKind.CANCEL, reason="会议取消")
    with pytest.raises(RuleBroken):
        review.approve(decision.versions[0], actor=reviewer)
    db.session.rollback()
    assert client.get(f"/decisions/{decision.id}").status_code == 404


def test_removing_the_last_undecided_item_concludes_the_meeting(
    held, approve_change, publish_decision
):
    publish_decision(held.agenda[0])
    assert held.status == MeetingStatus.HELD
    approve_change(held, ChangeKind.REMOVE_ITEM, agenda_item=held.agenda[1])
    assert held.status == MeetingStatus.CONCLUDED


def test_an_item_tabled_at_the_meeting_holds_the_conclusion_until_reviewed(
    held, approve_change, publish_decision, reviewer
):
    tabled = meeting_operations.put_item_on_agenda(
        held, actor=held.author, title="会上临时动议的议题"
    )
    change = next(c for c in held_changes(held) if c.kind == ChangeKind.ADD_ITEM)
    review.submit_for_review(change, actor=held.author)
    db.session.commit()
    publish_decision(held.agenda[0])
    publish_decision(held.agenda[1])
    assert held.status == MeetingStatus.HELD  # the tabled item waits for review
    review.approve(change, actor=reviewer)
    db.session.commit()
    publish_decision(tabled)
    assert held.status == MeetingStatus.CONCLUDED


def held_changes(meeting):
    from meetings.models import MeetingChange

    return db.session.scalars(
        db.select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
    ).all()


def test_a_concluded_meeting_is_not_on_the_list_of_decisions_due(
    held, publish_decisions, make_meeting, announce
):
    waiting = announce(make_meeting(starts_at=utcnow() - timedelta(days=2)))
    publish_decisions(held)
    due = {row.item.meeting_id for row in decisions_due()}
    assert waiting.id in due and held.id not in due


def test_the_list_of_decisions_due_costs_the_same_queries_for_two_or_twelve_drafts(
    client, auth, make_meeting, announce, make_user
):
    from core.accounts.models import Role

    def drafts(count: int) -> None:
        meeting = announce(
            make_meeting(
                starts_at=utcnow() - timedelta(days=1),
                agenda=[AgendaItem(position=n, title=f"议题{n}") for n in range(1, count + 1)],
            )
        )
        for item in meeting.agenda:
            operations.record_decision(item, actor=meeting.author, **draft_fields(item))
        db.session.commit()

    auth.login(make_user(Role.EDITOR))
    drafts(2)
    small = queries_for(client, "/admin/decisions/")
    drafts(10)
    assert queries_for(client, "/admin/decisions/") == small


def test_a_consulted_items_decision_says_how_the_comments_were_used(make_consultation, reviewer):
    consultation = make_consultation()
    item = consultation.agenda_item
    meeting = item.meeting
    meeting.starts_at, meeting.ends_at = (
        utcnow() - timedelta(hours=3),
        utcnow() - timedelta(hours=1),
    )
    db.session.commit()
    decision = operations.record_decision(item, actor=meeting.author, **draft_fields(item))
    with pytest.raises(RuleBroken, match="意见|comments"):
        review.submit_for_review(decision.versions[0], actor=meeting.author)
    operations.update_decision(
        decision.versions[0], actor=meeting.author, comments_used="采纳意见5条。"
    )
    review.submit_for_review(decision.versions[0], actor=meeting.author)


def image_for(decision, alt: str) -> DecisionImage:
    from core.files import StoredFile

    return operations.add_decision_image(
        decision,
        StoredFile(f"{alt.encode().hex()[:32]:0<32}.png", f"{alt}.png", "image/png", 10),
        alt=alt,
        actor=decision.meeting.author,
    )


def test_an_image_named_only_in_a_link_or_code_is_not_published(held, reviewer):
    decision = operations.record_decision(
        held.agenda[0], actor=held.author, **draft_fields(held.agenda[0])
    )
    image = image_for(decision, "未展示的图")
    operations.update_decision(
        decision.versions[0],
        actor=held.author,
        interpretation=(
            f"普通解读。\n\n[链接]({image.path})\n\n`{image.path}`\n\n[ref]: {image.path}\n"
        ),
    )
    review.submit_for_review(decision.versions[0], actor=held.author)
    review.approve(decision.versions[0], actor=reviewer)
    db.session.commit()
    assert image.published_at is None


def test_an_earlier_text_keeps_its_images_in_the_history(client, held, reviewer):
    decision = operations.record_decision(
        held.agenda[0], actor=held.author, **draft_fields(held.agenda[0])
    )
    old, new = image_for(decision, "旧示意图"), image_for(decision, "新示意图")
    operations.update_decision(
        decision.versions[0], actor=held.author, interpretation=f"![]({old.path})"
    )
    review.submit_for_review(decision.versions[0], actor=held.author)
    review.approve(decision.versions[0], actor=reviewer)
    db.session.commit()
    correct(decision, reviewer, interpretation=f"![]({new.path})", correction_note="换了示意图。")
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(f"/decisions/{decision.id}").data, "html.parser")
    current = [img["alt"] for img in page.select("article > .interpretation img")]
    earlier = [img["alt"] for img in page.select(".history details img")]
    assert current == ["新示意图"] and earlier == ["旧示意图"]


def test_the_summary_history_keeps_every_correction_note(client, held, reviewer):
    author = held.author
    first = operations.write_summary(held, text="通稿原文。", correction_note=None, actor=author)
    review.submit_for_review(first, actor=author)
    review.approve(first, actor=reviewer)
    for text, note in (("通稿第二稿。", "更正说明一"), ("通稿第三稿。", "更正说明二")):
        version = operations.write_summary(held, text=text, correction_note=note, actor=author)
        review.submit_for_review(version, actor=author)
        review.approve(version, actor=reviewer)
    db.session.commit()
    page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
    assert "更正说明一" in page and "更正说明二" in page
    assert "通稿原文。" in page and "通稿第二稿。" in page and "通稿第三稿。" in page


def test_the_feed_stays_xml_when_a_text_holds_a_control_character(client, held, publish_decision):
    import xml.etree.ElementTree as ET

    publish_decision(held.agenda[0], title="标题\x0b含控制符", text="正文\x1b含控制符\x0c。")
    feed = client.get("/decisions/feed.atom").data
    root = ET.fromstring(feed)  # noqa: S314  (our own output, the thing under test)
    assert "标题含控制符" in ET.tostring(root, encoding="unicode")
