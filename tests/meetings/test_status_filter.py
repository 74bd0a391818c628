"""The public list's status filter: every status it offers finds the meetings whose badge
reads that status, and no two read alike."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup

from core.clock import utcnow
from meetings.models import ChangeKind


def test_every_status_offered_finds_the_meetings_showing_it(
    client, make_meeting, announce, approve_change, publish_decisions
):
    now = utcnow()
    starts = {
        "announced": now + timedelta(days=5),
        "postponed": now + timedelta(days=6),
        "live": now - timedelta(minutes=30),
        "held": now - timedelta(days=1),
        "concluded": now - timedelta(days=2),
        "cancelled": now + timedelta(days=7),
    }
    meetings = {
        state: announce(make_meeting(title=f"会议-{state}", starts_at=start))
        for state, start in starts.items()
    }
    later = now + timedelta(days=20)
    approve_change(
        meetings["postponed"],
        ChangeKind.POSTPONE,
        new_starts_at=later,
        new_ends_at=later + timedelta(hours=2),
        reason="时间冲突。",
    )
    publish_decisions(meetings["concluded"])
    approve_change(meetings["cancelled"], ChangeKind.CANCEL, reason="议题并入下次会议。")

    page = BeautifulSoup(client.get("/meetings/").data, "html.parser")
    offered = [
        (option["value"], option.get_text(strip=True))
        for option in page.find("select", id="f-status").find_all("option")
        if option["value"]
    ]
    assert [value for value, _ in offered] == list(starts)
    assert len({label for _, label in offered}) == len(offered)
    for value, label in offered:
        found = BeautifulSoup(client.get(f"/meetings/?status={value}").data, "html.parser")
        cards = found.select("#results article.meeting-card")
        assert [card.find("a").get_text(strip=True) for card in cards] == [f"会议-{value}"]
        assert cards[0].select_one(".badge").get_text(strip=True) == label
