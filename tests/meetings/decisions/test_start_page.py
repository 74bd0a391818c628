"""The staff start page lists the decisions not yet published, the oldest meeting's first,
each against its deadline and linking to where it is recorded or to its draft; a
published one is not listed; reviewers, who cannot record one, see none of it."""

from __future__ import annotations

from datetime import timedelta

from core.accounts.models import Role
from core.clock import utcnow
from extensions import db
from meetings.decisions import operations
from meetings.models import AgendaItem
from tests.meetings.decisions.support import draft_fields
from tests.responses import start_page


def test_decisions_still_due_link_to_where_they_are_recorded(
    client, auth, make_meeting, announce, publish_decision, make_user
):
    late = announce(
        make_meeting(
            title="早先的会议",
            starts_at=utcnow() - timedelta(days=45),
            agenda=[AgendaItem(position=1, title="逾期未公开的议题")],
        )
    )
    recent = announce(
        make_meeting(
            title="昨天的会议",
            starts_at=utcnow() - timedelta(days=1),
            agenda=[
                AgendaItem(position=1, title="已公开决定的议题"),
                AgendaItem(position=2, title="已起草决定的议题"),
                AgendaItem(position=3, title="尚未录入的议题"),
            ],
        )
    )
    announce(make_meeting(title="还没开的会"))  # nothing due before a meeting starts
    published, drafted, unrecorded = recent.agenda
    publish_decision(published)
    decision = operations.record_decision(drafted, actor=recent.author, **draft_fields(drafted))
    db.session.commit()

    client.set_cookie("lang", "en")
    auth.login(recent.author)
    due = start_page(client.get("/admin/"))["decisions"]
    assert due["count"] == 3
    assert [row["label"] for row in due["rows"]] == [
        "逾期未公开的议题",
        "已起草决定的议题",
        "尚未录入的议题",
    ]
    overdue, drafted_row, unrecorded_row = due["rows"]
    assert overdue["url"] == f"/admin/decisions/items/{late.agenda[0].id}/new"
    assert "Overdue by" in overdue["text"]
    assert "早先的会议" in overdue["text"]
    assert drafted_row["url"] == f"/admin/decisions/{decision.id}"
    assert "Draft" in drafted_row["text"]
    assert unrecorded_row["url"] == f"/admin/decisions/items/{unrecorded.id}/new"
    assert "working days left" in unrecorded_row["text"]
    assert due["more"] == "/admin/decisions/"
    assert "1 is overdue" in client.get("/admin/").get_data(as_text=True)

    auth.login(make_user(Role.REVIEWER))
    assert "decisions" not in start_page(client.get("/admin/"))
