"""The public meeting list and meeting page run the same number of SQL queries whatever
the amount of data (no query per row)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from core.clock import utcnow
from meetings import operations
from meetings.models import AgendaDocument, AgendaItem, ChangeKind, MeetingChange
from tests.responses import queries_for


def agenda_of(items: int, documents_each: int) -> list[AgendaItem]:
    """`items` agenda items with `documents_each` documents each."""
    return [
        AgendaItem(
            position=i,
            title=f"议题{i}",
            documents=[
                AgendaDocument(
                    original_name=f"文件{i}.pdf",
                    stored_name=f"{secrets.token_hex(8)}.pdf",
                    content_type="application/pdf",
                    size=100,
                )
                for _ in range(documents_each)
            ],
        )
        for i in range(1, items + 1)
    ]


def build(make_meeting, announce, approve_change, meetings: int, items: int) -> int:
    """Announced meetings, each with items, documents, a live update and an approved change."""
    last = None
    for number in range(meetings):
        agenda = agenda_of(items, documents_each=2)
        meeting = announce(
            make_meeting(
                title=f"会议{number}",
                agenda=agenda,
                starts_at=utcnow() - timedelta(minutes=10, days=number),
            )
        )
        operations.post_live_update(
            meeting, text="开始", agenda_item=agenda[0], image=None, actor=meeting.author
        )
        approve_change(meeting, ChangeKind.RETITLE_ITEM, agenda_item=agenda[-1], new_title="新名称")
        last = meeting
    return last.id


def test_meeting_list_query_count_does_not_grow(client, make_meeting, announce, approve_change):
    build(make_meeting, announce, approve_change, meetings=2, items=2)
    small = queries_for(client, "/meetings/")
    build(make_meeting, announce, approve_change, meetings=18, items=2)  # 10x the meetings
    assert queries_for(client, "/meetings/") == small
    assert queries_for(client, "/api/v1/meetings?per_page=100") == queries_for(
        client, "/api/v1/meetings"
    )


def test_meeting_page_query_count_does_not_grow(
    client, make_meeting, announce, approve_change, publish_decisions
):
    from extensions import db
    from meetings.models import Meeting

    small_id = build(make_meeting, announce, approve_change, meetings=1, items=2)
    large_id = build(make_meeting, announce, approve_change, meetings=1, items=20)  # 10x items
    for meeting_id in (small_id, large_id):  # each item with its published decision
        publish_decisions(db.session.get(Meeting, meeting_id))
    small = queries_for(client, f"/meetings/{small_id}")
    assert queries_for(client, f"/meetings/{large_id}") == small
    assert queries_for(client, f"/api/v1/meetings/{large_id}") == queries_for(
        client, f"/api/v1/meetings/{small_id}"
    )
    # the page's 8, then the decisions with their texts, and the summary (and, when an
    # interpretation shows images, their alt texts)
    assert small <= 11, small


def draft_with_items(make_meeting, items: int):
    return make_meeting(agenda=agenda_of(items, documents_each=1))


def test_staff_meeting_page_with_its_preview_query_count_does_not_grow(
    client, auth, make_meeting, reviewer
):
    small, large = draft_with_items(make_meeting, 2), draft_with_items(make_meeting, 20)
    auth.login(reviewer)
    assert queries_for(client, f"/admin/meetings/{large.id}") == queries_for(
        client, f"/admin/meetings/{small.id}"
    )


def test_review_queue_with_proposed_changes_query_count_does_not_grow(
    client, auth, make_meeting, announce, make_user
):
    from core import review
    from core.accounts.models import Role
    from core.files import StoredFile
    from extensions import db

    def propose(count: int) -> None:
        for _ in range(count):
            meeting = announce(make_meeting())
            author = meeting.author
            item = operations.put_item_on_agenda(meeting, actor=author, title="新增议题")

            def stored() -> StoredFile:
                return StoredFile(f"{secrets.token_hex(8)}.pdf", "补充.pdf", "application/pdf", 9)

            operations.attach_item_document(meeting.agenda[0], stored(), actor=author)
            later = meeting.starts_at + timedelta(days=3)
            operations.propose_change(
                meeting,
                ChangeKind.POSTPONE,
                new_starts_at=later,
                new_ends_at=later + timedelta(hours=2),
                reason="延期",
                actor=author,
            )
            operations.attach_document(item, stored(), actor=author)
            for change in db.session.scalars(
                db.select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
            ):
                review.submit_for_review(change, actor=author)
        db.session.commit()

    propose(1)
    auth.login(make_user(Role.REVIEWER))
    small = queries_for(client, "/admin/review/")
    propose(10)
    assert queries_for(client, "/admin/review/") == small


def test_an_unchanged_live_feed_is_answered_without_building_anything(
    client, make_meeting, announce, approve_change
):
    from bs4 import BeautifulSoup

    from tests.responses import count_queries

    for items in (2, 20):
        meeting_id = build(make_meeting, announce, approve_change, meetings=1, items=items)
        page = BeautifulSoup(client.get(f"/meetings/{meeting_id}").data, "html.parser")
        poll = page.find(id="live-updates")["data-hx-get"]
        client.get(poll)  # a worker learns the clock's next step once
        with count_queries() as statements:
            unchanged = client.get(poll, headers={"HX-Request": "true"})
        assert unchanged.status_code == 304
        # answered before Flask, on a bare connection: no query of the app's own
        assert [s for s in statements if not s.startswith("BEGIN")] == []


def test_the_year_filter_reads_no_more_for_more_meetings(
    client, make_meeting, announce, approve_change
):
    from meetings.queries import years_with_meetings
    from tests.responses import count_queries

    build(make_meeting, announce, approve_change, meetings=2, items=1)
    with count_queries() as few:
        years = years_with_meetings()
    build(make_meeting, announce, approve_change, meetings=20, items=1)
    with count_queries() as many:
        assert years_with_meetings() == years
    assert len(many) == len(few) == 3
