"""The Atom feed of published decisions (RFC 4287), read back with an XML parser: the
elements Atom requires, RFC 3339 times, only published decisions, one entry per decision
that a correction updates in place (same id, later `updated`, its note), newest first,
and whatever the office typed escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from freezegun import freeze_time

from core import review
from core.clock import utcnow
from extensions import db
from meetings.decisions import operations
from meetings.models import AgendaItem
from tests.meetings.decisions.support import correct, draft_fields

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/decisions/feed.atom"
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
PARKING = "关于规范老旧小区停车管理的议题"
LIBRARY = "关于街道图书馆延长开放时间的议题"
MARKET = "关于农贸市场改造的议题"
NOTE = "更正了实施单位的名称。"


@pytest.fixture
def held_meeting(make_meeting, announce):
    """An announced meeting that started three hours ago, with three public items."""
    meeting = make_meeting(
        starts_at=utcnow() - timedelta(hours=3),
        agenda=[
            AgendaItem(position=n, title=t) for n, t in enumerate((PARKING, LIBRARY, MARKET), 1)
        ],
    )
    return announce(meeting)


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314  (our own output, the thing under test)


def read_feed(client) -> ET.Element:
    response = client.get(FEED)
    assert response.status_code == 200
    return parse(response.data)


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def child(element: ET.Element, name: str) -> str:
    found = element.find(f"{ATOM}{name}")
    assert found is not None, f"no {name} in {element.tag}"
    return found.text or ""


def moment(text: str) -> datetime:
    """An Atom date: RFC 3339, with its offset."""
    assert RFC_3339.fullmatch(text), text
    parsed = datetime.fromisoformat(text)
    assert parsed.utcoffset() is not None, text
    return parsed


def alternate(entry: ET.Element) -> str:
    (link,) = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    return link.get("href")


def test_the_feed_is_atom_served_as_atom(client, held_meeting, publish_decision):
    publish_decision(held_meeting.agenda[0])
    response = client.get(FEED)
    assert response.mimetype == "application/atom+xml"
    feed = parse(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert child(feed, "id").startswith("tag:")
    assert child(feed, "title").strip()
    moment(child(feed, "updated"))
    selves = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [urlsplit(link.get("href")).path for link in selves] == [FEED]


def test_a_feed_without_decisions_is_still_valid_atom(client):
    feed = read_feed(client)
    assert feed.tag == f"{ATOM}feed"
    assert entries(feed) == []
    moment(child(feed, "updated"))  # Atom requires it even with no entry


def test_every_entry_has_what_atom_requires_and_links_to_its_decision(
    client, held_meeting, publish_decision
):
    published = [publish_decision(item) for item in held_meeting.agenda]
    feed = read_feed(client)
    assert len(entries(feed)) == len(published)
    ids = set()
    for entry in entries(feed):
        ids.add(child(entry, "id"))
        assert child(entry, "title").strip()
        assert moment(child(entry, "published")) <= moment(child(entry, "updated"))
        path = urlsplit(alternate(entry)).path
        assert re.fullmatch(r"/decisions/\d+", path)
        assert client.get(path).status_code == 200
    assert len(ids) == len(published)
    linked = {urlsplit(alternate(entry)).path for entry in entries(feed)}
    assert linked == {f"/decisions/{decision.id}" for decision in published}


def test_drafts_and_submitted_decisions_are_not_in_the_feed(client, held_meeting, publish_decision):
    parking, library, market = held_meeting.agenda
    published = publish_decision(parking)
    author = held_meeting.author
    operations.record_decision(library, actor=author, **draft_fields(library))
    submitted = operations.record_decision(market, actor=author, **draft_fields(market))
    review.submit_for_review(submitted.versions[0], actor=author)
    db.session.commit()
    feed = read_feed(client)
    assert [child(entry, "title") for entry in entries(feed)] == [PARKING]
    assert urlsplit(alternate(entries(feed)[0])).path == f"/decisions/{published.id}"


def test_a_correction_updates_the_entry_in_place_with_its_note(
    client, held_meeting, publish_decision, reviewer
):
    decision = publish_decision(held_meeting.agenda[0])
    (before,) = entries(read_feed(client))
    with freeze_time(utcnow() + timedelta(hours=1)):
        correct(
            decision, reviewer, text="会议同意，由区住建局和各街道共同实施。", correction_note=NOTE
        )
    feed = read_feed(client)
    (after,) = entries(feed)
    assert child(after, "id") == child(before, "id")
    assert child(after, "published") == child(before, "published")
    assert moment(child(after, "updated")) > moment(child(before, "updated"))
    assert child(feed, "updated") == child(after, "updated")
    assert NOTE in child(after, "summary")
    assert "各街道共同实施" in child(after, "summary")


def test_entries_are_newest_updated_first(client, held_meeting, publish_decision, reviewer):
    parking, library, _market = held_meeting.agenda
    start = utcnow()
    with freeze_time(start + timedelta(hours=1)):
        parking_decision = publish_decision(parking)
    with freeze_time(start + timedelta(hours=2)):
        publish_decision(library)
    assert [child(e, "title") for e in entries(read_feed(client))] == [LIBRARY, PARKING]
    with freeze_time(start + timedelta(hours=3)):
        correct(parking_decision, reviewer, text="会议同意，分两批实施。", correction_note=NOTE)
    feed = entries(read_feed(client))
    assert [child(e, "title") for e in feed] == [PARKING, LIBRARY]
    times = [moment(child(e, "updated")) for e in feed]
    assert times == sorted(times, reverse=True)


def test_titles_with_markup_characters_are_escaped(client, held_meeting, publish_decision):
    title = "关于<停车>收费 & \"错时\" '共享'的决定]]>"
    publish_decision(held_meeting.agenda[0], title=title, text="同意 <b>试行</b> & 评估。")
    response = client.get(FEED)
    assert b"<\xe5\x81\x9c" not in response.data  # "<停" only ever appears escaped
    (entry,) = entries(parse(response.data))
    assert child(entry, "title") == title
    assert "同意 <b>试行</b> & 评估。" in child(entry, "summary")
