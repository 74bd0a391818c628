"""Nothing of a decision is public before review; a published decision changes only by a
reviewed correction with a note, and every earlier text stays on its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from core.rules import RuleBroken
from extensions import db
from meetings.decisions import operations
from meetings.decisions.models import DecisionOutcome
from meetings.models import AgendaItem


@pytest.fixture
def held(make_meeting, announce):
    return announce(
        make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[AgendaItem(position=1, title="关于居住区停车综合治理试点的议题")],
        )
    )


def record(item, **fields):
    values = {
        "title": item.title,
        "outcome": DecisionOutcome.APPROVED,
        "text": "会议原则同意在三个街道开展停车治理试点。",
        "dissent": None,
        "interpretation": "## 对居民有什么影响\n\n夜间可以共享停车。",
        "comments_used": None,
        "documents": [],
        **fields,
    }
    decision = operations.record_decision(item, actor=item.meeting.author, **values)
    db.session.commit()
    return decision


def public_text(client, path: str) -> str | None:
    response = client.get(path)
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return BeautifulSoup(response.data, "html.parser").select_one("main").get_text(" ")


def test_a_decision_is_nowhere_public_until_a_reviewer_approves_it(client, held, reviewer):
    decision = record(held.agenda[0], text="草稿里的决定内容-甲")
    version = decision.versions[0]
    places = ["/decisions/", f"/meetings/{held.id}", "/decisions/?q=决定内容"]

    def shown_anywhere() -> bool:
        texts = [public_text(client, path) or "" for path in places]
        feed = client.get("/decisions/feed.atom").get_data(as_text=True)
        api = client.get("/api/v1/decisions").get_data(as_text=True)
        return any("决定内容-甲" in text for text in [*texts, feed, api])

    assert public_text(client, f"/decisions/{decision.id}") is None
    assert not shown_anywhere()
    review.submit_for_review(version, actor=held.author)
    db.session.commit()
    assert public_text(client, f"/decisions/{decision.id}") is None
    assert not shown_anywhere()
    review.approve(version, actor=reviewer)
    db.session.commit()
    assert "决定内容-甲" in public_text(client, f"/decisions/{decision.id}")
    assert shown_anywhere()


def test_whoever_wrote_the_decision_cannot_approve_it(held, make_user):
    decision = record(held.agenda[0])
    version = decision.versions[0]
    review.submit_for_review(version, actor=held.author)
    held.author.role = Role.ADMIN  # even an admin who wrote it
    with pytest.raises(RuleBroken):
        review.approve(version, actor=held.author)


def test_the_decision_page_h1_is_its_title_and_it_links_its_meeting(client, held, reviewer):
    decision = record(held.agenda[0], title="关于停车治理试点的决定")
    review.submit_for_review(decision.versions[0], actor=held.author)
    review.approve(decision.versions[0], actor=reviewer)
    db.session.commit()
    page = BeautifulSoup(client.get(f"/decisions/{decision.id}").data, "html.parser")
    assert page.select("h1")[0].get_text(strip=True) == "关于停车治理试点的决定"
    assert page.select_one(f'a[href^="/meetings/{held.id}"]') is not None


def publish(version, author, reviewer):
    review.submit_for_review(version, actor=author)
    review.approve(version, actor=reviewer)
    db.session.commit()


def test_a_correction_keeps_the_public_text_until_approved_then_shows_the_history(
    client, held, reviewer
):
    decision = record(held.agenda[0], text="首批整治120条街巷。")
    publish(decision.versions[0], held.author, reviewer)
    correction = operations.start_correction(decision, actor=held.author)
    operations.update_decision(
        correction,
        actor=held.author,
        text="首批整治102条街巷。",
        correction_note="原文“120条”有误，应为“102条”。",
    )
    review.submit_for_review(correction, actor=held.author)
    db.session.commit()
    before = public_text(client, f"/decisions/{decision.id}")
    assert "120条" in before and "102条" not in before and "更正" not in before

    review.approve(correction, actor=reviewer)
    db.session.commit()
    page = BeautifulSoup(client.get(f"/decisions/{decision.id}").data, "html.parser")
    current = page.select_one(".decision-text").get_text()
    assert "102条" in current and "120条" not in current
    assert "原文“120条”有误" in page.select_one(".notice").get_text()
    history = page.select_one(".history")
    assert "原文“120条”有误" in history.get_text()
    earlier = history.select_one("details")
    assert "首批整治120条街巷。" in earlier.get_text()
    meeting = public_text(client, f"/meetings/{held.id}")
    assert "102条" in meeting and "120条" not in meeting


def test_a_correction_needs_a_note_and_a_change(held, reviewer):
    decision = record(held.agenda[0])
    publish(decision.versions[0], held.author, reviewer)
    correction = operations.start_correction(decision, actor=held.author)
    with pytest.raises(RuleBroken, match="更正|correct"):
        review.submit_for_review(correction, actor=held.author)  # no note, no change
    operations.update_decision(correction, actor=held.author, correction_note="修改措辞。")
    with pytest.raises(RuleBroken):
        review.submit_for_review(correction, actor=held.author)  # a note, but no change
    operations.update_decision(correction, actor=held.author, text="新的措辞。")
    review.submit_for_review(correction, actor=held.author)


def test_only_one_correction_at_a_time_and_a_discarded_one_leaves_the_text(client, held, reviewer):
    decision = record(held.agenda[0], text="原来的决定。")
    publish(decision.versions[0], held.author, reviewer)
    correction = operations.start_correction(decision, actor=held.author)
    with pytest.raises(RuleBroken):
        operations.start_correction(decision, actor=held.author)
    operations.update_decision(correction, actor=held.author, text="草拟的更正。")
    operations.discard_correction(correction, actor=held.author)
    db.session.commit()
    assert [v.number for v in decision.versions] == [1]
    text = public_text(client, f"/decisions/{decision.id}")
    assert "原来的决定。" in text and "草拟的更正" not in text


def test_a_text_under_review_or_published_cannot_be_edited(held, reviewer):
    decision = record(held.agenda[0])
    version = decision.versions[0]
    review.submit_for_review(version, actor=held.author)
    with pytest.raises(RuleBroken):
        operations.update_decision(version, actor=held.author, text="偷偷修改")
    review.approve(version, actor=reviewer)
    with pytest.raises(RuleBroken):
        operations.update_decision(version, actor=held.author, text="偷偷修改")


def test_no_decision_before_the_meeting_nor_for_a_withheld_item(make_meeting, announce):
    upcoming = announce(make_meeting())
    with pytest.raises(RuleBroken):
        record(upcoming.agenda[0])
    held = announce(
        make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[
                AgendaItem(
                    position=1, title="涉密议题", visibility="withheld", withheld_basis="依法"
                )
            ],
        )
    )
    with pytest.raises(RuleBroken):
        record(held.agenda[0])


def test_the_meeting_page_shows_each_items_decision_and_interpretation(
    client, held, publish_decision
):
    publish_decision(
        held.agenda[0],
        outcome=DecisionOutcome.APPROVED_WITH_CHANGES,
        text="会议原则同意试点方案，要求修改后印发。",
        dissent="一位副区长对收费标准保留意见。",
        interpretation="## 对居民有什么影响\n\n- 夜间共享车位\n- 电子收费",
        comments_used="采纳意见12条。",
    )
    page = BeautifulSoup(client.get(f"/meetings/{held.id}").data, "html.parser")
    item = page.select_one(f"#item-{held.agenda[0].id}")
    text = item.get_text(" ")
    for expected in ("会议原则同意试点方案", "保留意见", "夜间共享车位", "采纳意见12条"):
        assert expected in text
    assert item.select_one(".interpretation li") is not None  # the Markdown, rendered
    assert "已结束" in page.get_text() or "Concluded" in page.get_text()
