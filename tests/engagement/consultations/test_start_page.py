"""The staff start page lists the comments waiting for moderation by consultation, the one
waiting longest first, each linking to its moderation queue; and the comment periods
open now that close within seven days, the soonest first. Editors moderate and extend;
reviewers see neither."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.accounts.models import Role
from core.clock import utcnow
from engagement.consultations.models import CommentStatus
from extensions import db
from meetings.models import ChangeKind
from tests.responses import start_page
from tests.start_page_support import add_comments, closing_in, consultation_maker


@pytest.fixture
def make_consultation(make_meeting, announce, reviewer):
    return consultation_maker(make_meeting, announce, reviewer)


def test_comments_waiting_for_moderation_are_counted_by_consultation(
    client, auth, make_consultation, make_user
):
    quiet, busy, done = make_consultation(), make_consultation(), make_consultation()
    add_comments(busy, 4)  # received first: waiting longest
    add_comments(quiet, 2)
    add_comments(quiet, 3, CommentStatus.PUBLISHED)
    add_comments(done, 5, CommentStatus.REJECTED)

    client.set_cookie("lang", "en")
    auth.login(make_user(Role.EDITOR))
    waiting = start_page(client.get("/admin/"))["moderation"]
    assert waiting["count"] == 6
    assert [(row["label"], row["url"]) for row in waiting["rows"]] == [
        (busy.title, f"/admin/consultations/{busy.id}/comments"),
        (quiet.title, f"/admin/consultations/{quiet.id}/comments"),
    ]
    assert "4 comments waiting" in waiting["rows"][0]["text"]
    assert "2 comments waiting" in waiting["rows"][1]["text"]
    assert waiting["more"] == "/admin/consultations/"

    auth.login(make_user(Role.REVIEWER))
    assert "moderation" not in start_page(client.get("/admin/"))


def test_periods_closing_within_the_week_soonest_first(
    client, auth, make_consultation, make_user, approve_change
):
    later, sooner = closing_in(make_consultation, days=6), closing_in(make_consultation, days=1)
    add_comments(later, 3)
    add_comments(later, 1, CommentStatus.REJECTED)  # not counted as a comment so far
    closing_in(make_consultation, days=10)  # not this week
    closed = closing_in(make_consultation, days=2)
    closed.closes_at = utcnow() - timedelta(seconds=1)  # already closed
    make_consultation(approve=False, closes_at=sooner.closes_at, short_period_reason="急")  # draft
    cancelled = closing_in(make_consultation, days=3)
    db.session.commit()
    approve_change(cancelled.agenda_item.meeting, ChangeKind.CANCEL, reason="因故取消")

    client.set_cookie("lang", "en")
    auth.login(make_user(Role.EDITOR))
    closing = start_page(client.get("/admin/"))["closing"]
    assert closing["count"] == 2
    assert [(row["label"], row["url"]) for row in closing["rows"]] == [
        (sooner.title, f"/admin/consultations/{sooner.id}"),
        (later.title, f"/admin/consultations/{later.id}"),
    ]
    assert "3 comments so far" in closing["rows"][1]["text"]

    auth.login(make_user(Role.REVIEWER))
    assert "closing" not in start_page(client.get("/admin/"))
