"""Calendar feeds and downloads, read back as calendar apps read them: every rule of RFC
5545/7986 the product promises is its own assertion, on every feed, in both languages,
parsed by icalendar, by vobject (with validation) and by Mozilla's ical.js."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from bs4 import BeautifulSoup
from freezegun import freeze_time

from app import create_app
from core.accounts.models import Role
from core.clock import utcnow
from core.page_cache import page_cache
from core.review import ReviewState
from engagement.consultations import operations as consultation_operations
from extensions import db
from meetings import operations as meeting_operations
from meetings.models import AgendaItem, ChangeKind, Meeting, Visibility
from meetings.operations.bodies import update_body
from tests.conftest import config_for_tests
from tests.instruments import REQUIRED, ROOT
from tests.responses import count_queries, queries_for

OFFICE = ZoneInfo("Asia/Shanghai")
# Every character a calendar's text escaping has to get right, in one title.
AWKWARD = '逗号,分号;反斜杠\\ 引号"冒号: 表情😀 ' + "长" * 40 + "x" * 30
# Its last lines would end the event and begin another in a feed built by joining text.
LONG_REASON = (
    "因台风预警，会议取消。\n另行通知；详见公告\\附件, 谢谢"
    "\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:注入的事件"
)
FEEDS = ["/calendar.ics", "/calendar/meetings.ics", "/calendar/deadlines.ics"]
FEEDS += ["/calendar/open-days.ics"]
NODE = shutil.which("node")
ICALJS = ROOT / "node_modules" / "ical.js"
READ_ICS = Path(__file__).resolve().parents[2] / "read_ics.cjs"
requires_icaljs = pytest.mark.skipif(
    not ((NODE and ICALJS.exists()) or REQUIRED),
    reason=f"the independent check needs node and ical.js at {ICALJS} (run `npm ci`)",
)


@pytest.fixture
def archive(make_meeting, make_body, announce, approve_change, make_consultation):
    """One of each public thing a feed holds, plus a draft that no feed may show."""
    body = make_body(slug="district-executive")
    now = utcnow().replace(second=0, microsecond=0)
    awkward = make_meeting(
        title=AWKWARD,
        body=body,
        starts_at=now + timedelta(days=20),
        venue="区政府第一会议室, 3楼; 东侧",
        agenda=[
            AgendaItem(position=1, title="关于预算的议题; 含逗号, 和\\"),
            AgendaItem(
                position=2,
                title="不应出现的保密标题",
                visibility=Visibility.WITHHELD,
                withheld_basis="《政府信息公开条例》第十四条",
            ),
        ],
    )
    announce(awkward)
    postponed = announce(make_meeting(title="将延期的会议", body=body))
    approve_change(
        postponed,
        ChangeKind.POSTPONE,
        reason="场地调整",
        new_starts_at=postponed.starts_at + timedelta(days=7),
        new_ends_at=postponed.ends_at + timedelta(days=7),
    )
    cancelled = announce(make_meeting(title="将取消的会议"))
    approve_change(cancelled, ChangeKind.CANCEL, reason=LONG_REASON)
    draft = make_meeting(title="尚未公布的草稿会议")
    consultation = make_consultation()
    return {
        "awkward": awkward,
        "postponed": postponed,
        "cancelled": cancelled,
        "draft": draft,
        "consultation": consultation,
        "body": body,
    }


def every_address(archive) -> list[str]:
    addresses = [*FEEDS, f"/calendar/bodies/{archive['body'].slug}.ics"]
    addresses += [f"/meetings/{archive['awkward'].id}.ics"]
    return addresses + [f"{address}?lang=en" for address in addresses]


def fetch(client, address: str, **headers: str):
    response = client.get(address, headers=headers)
    assert response.status_code == 200, address
    return response


def parsed(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.data)


def events_of(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def event_with_uid(calendar: icalendar.Calendar, uid: str) -> icalendar.Event:
    found = [event for event in events_of(calendar) if str(event["UID"]) == uid]
    assert len(found) == 1, f"{uid}: {len(found)} events"
    return found[0]


def top_level_lines(raw: bytes) -> list[str]:
    """The calendar's own content lines (unfolded), outside any component."""
    text = raw.decode().replace("\r\n ", "").replace("\r\n\t", "")
    lines, depth = [], 0
    for line in text.split("\r\n"):
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        elif depth == 1:
            lines.append(line)
    return lines


def uid_of(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@sunshine.localhost"


# -- Every feed, every rule -------------------------------------------------------------


def after_a_while():
    """Later than every change so far by more than a second (a Last-Modified is only said
    once its second is over)."""
    return freeze_time(utcnow() + timedelta(seconds=2))


def test_every_feed_is_served_as_a_public_calendar_without_a_cookie(client, archive):
    for address in every_address(archive):
        with after_a_while():
            response = fetch(client, address)
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8", address
        assert "Set-Cookie" not in response.headers, address
        assert response.cache_control.public and response.cache_control.max_age, address
        assert response.headers.get("ETag") and response.headers.get("Last-Modified"), address
        assert response.data.startswith(b"BEGIN:VCALENDAR\r\n"), address


def test_only_the_single_meeting_is_a_download(client, archive):
    for address in every_address(archive):
        disposition = fetch(client, address).headers["Content-Disposition"]
        assert disposition.startswith("attachment" if "/meetings/" in address else "inline")


def test_every_line_ends_in_crlf_and_is_folded_within_75_octets_between_characters(client, archive):
    for address in every_address(archive):
        raw = fetch(client, address).data
        assert raw.endswith(b"\r\n"), address
        lines = raw.split(b"\r\n")[:-1]
        assert not any(b"\n" in line or b"\r" in line for line in lines), address
        for line in lines:
            assert len(line) <= 75, f"{address}: {len(line)} octets: {line[:40]!r}"
            line.decode("utf-8")  # a fold inside a character would not decode


def test_the_calendar_says_who_and_what_once_and_how_often_to_look_again(client, archive):
    for address in every_address(archive):
        lines = top_level_lines(fetch(client, address).data)
        names = [line.split(":", 1)[0].split(";", 1)[0] for line in lines]
        for once in ("VERSION", "PRODID", "NAME", "X-WR-CALNAME", "REFRESH-INTERVAL"):
            assert names.count(once) == 1, f"{address}: {once} × {names.count(once)}"
        assert "VERSION:2.0" in lines
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines, address
        assert "X-PUBLISHED-TTL:PT1H" in lines, address


def test_no_feed_or_download_carries_a_method(client, archive):
    for address in every_address(archive):
        assert "METHOD" not in parsed(fetch(client, address)), address
        assert not any(
            line.startswith("METHOD") for line in top_level_lines(fetch(client, address).data)
        )


def test_timed_events_name_the_office_zone_and_it_is_defined_exactly_once(client, archive):
    for address in every_address(archive):
        calendar = parsed(fetch(client, address))
        timed = [
            event for event in events_of(calendar) if isinstance(event.decoded("DTSTART"), datetime)
        ]
        zones = list(calendar.walk("VTIMEZONE"))
        assert len(zones) == (1 if timed else 0), address
        for event in timed:
            for part in ("DTSTART", "DTEND"):
                assert event[part].params["TZID"] == "Asia/Shanghai", address
        if zones:
            assert str(zones[0]["TZID"]) == "Asia/Shanghai"
            # No daylight saving: China has had none since 1991, and none is invented.
            assert not list(zones[0].walk("DAYLIGHT")), address
            for standard in zones[0].walk("STANDARD"):
                assert standard.decoded("TZOFFSETTO") == timedelta(hours=8)


def test_every_event_carries_what_calendar_apps_need(client, archive):
    required = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL")
    required += ("SEQUENCE", "LAST-MODIFIED", "STATUS", "TRANSP")
    seen = 0
    for address in every_address(archive):
        for event in events_of(parsed(fetch(client, address))):
            seen += 1
            for name in required:
                assert name in event, f"{address}: {event.get('UID')} has no {name}"
            assert str(event["STATUS"]) in ("CONFIRMED", "CANCELLED")
            assert str(event["URL"]).startswith("http")
            assert event.decoded("DTEND") > event.decoded("DTSTART")
            assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED")
    assert seen > 20


def test_an_independent_parser_validates_every_feed(client, archive):
    for address in every_address(archive):
        text = fetch(client, address).data.decode()
        calendar = vobject.readOne(text, validate=True)
        ours = events_of(icalendar.Calendar.from_ical(text))
        theirs = list(getattr(calendar, "vevent_list", []))
        assert [event.uid.value for event in theirs] == [str(event["UID"]) for event in ours]
        for mine, other in zip(ours, theirs, strict=True):
            assert other.summary.value == str(mine["SUMMARY"])
            assert other.description.value == str(mine["DESCRIPTION"])
            assert other.dtstart.value == mine.decoded("DTSTART")


def read_with_icaljs(text: str) -> dict:
    completed = subprocess.run(  # noqa: S603  (our own script, no shell)
        [NODE or "node", str(READ_ICS)],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"NODE_PATH": str(ROOT / "node_modules")},
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@requires_icaljs
def test_mozillas_ical_js_reads_every_feed_as_we_wrote_it(client, archive):
    for address in every_address(archive):
        text = fetch(client, address).data.decode()
        read = read_with_icaljs(text)
        assert read["properties"]["method"] is None
        ours = events_of(icalendar.Calendar.from_ical(text))
        assert [event["uid"] for event in read["events"]] == [str(e["UID"]) for e in ours]
        for mine, theirs in zip(ours, read["events"], strict=True):
            assert theirs["summary"] == str(mine["SUMMARY"])
            assert theirs["description"] == str(mine["DESCRIPTION"])
            assert theirs["sequence"] == int(mine["SEQUENCE"])
            start = mine.decoded("DTSTART")
            if isinstance(start, datetime):
                # ical.js resolves the time against our VTIMEZONE to the same instant.
                assert theirs["start"]["zone"] == "Asia/Shanghai"
                assert theirs["start"]["utc"] == start.timestamp()
            else:
                assert theirs["start"]["isDate"] and theirs["start"]["local"] == start.isoformat()


def test_text_comes_back_exactly_as_written(client, archive):
    awkward, cancelled = archive["awkward"], archive["cancelled"]
    for address in ("/calendar.ics", f"/meetings/{awkward.id}.ics"):
        text = fetch(client, address).data.decode()
        event = event_with_uid(icalendar.Calendar.from_ical(text), uid_of(awkward))
        assert str(event["SUMMARY"]) == AWKWARD
        assert str(event["LOCATION"]) == "区政府第一会议室, 3楼; 东侧"
        assert "1. 关于预算的议题; 含逗号, 和\\" in str(event["DESCRIPTION"]).split("\n")
        [other] = [e for e in vobject.readOne(text).vevent_list if e.uid.value == uid_of(awkward)]
        assert other.summary.value == AWKWARD
    text = fetch(client, "/calendar/meetings.ics").data.decode()
    feed = icalendar.Calendar.from_ical(text)
    assert LONG_REASON in str(event_with_uid(feed, uid_of(cancelled))["DESCRIPTION"])
    # The reason stays one property's text: no line of the feed was made from it.
    lines = text.splitlines()
    assert not any(line.startswith("SUMMARY:注入") for line in lines)
    assert lines.count("BEGIN:VEVENT") == len(feed.walk("VEVENT"))


# -- Cheap to poll ----------------------------------------------------------------------


def test_the_same_data_gives_the_same_bytes_whenever_it_is_asked(app, client, archive):
    app.config["PAGE_CACHE_ENABLED"] = False  # built afresh each time
    for address in every_address(archive):
        first = fetch(client, address).data
        assert fetch(client, address).data == first, address
        with freeze_time(utcnow() + timedelta(days=3, hours=5)):
            assert fetch(client, address).data == first, f"{address} changed with the clock"


def test_a_client_that_has_the_feed_gets_304_from_one_query(client, archive):
    with after_a_while():
        check_304_from_one_query(client, archive)


def check_304_from_one_query(client, archive):
    for address in every_address(archive):
        response = fetch(client, address)
        for headers in (
            {"If-None-Match": response.headers["ETag"]},
            {"If-Modified-Since": response.headers["Last-Modified"]},
        ):
            with count_queries() as statements:
                again = client.get(address, headers=headers)
            assert again.status_code == 304, (address, headers)
            assert again.data == b""
            asked = [statement for statement in statements if statement != "BEGIN"]
            # The version (a public feed's asked before the app, on a connection of its
            # own); a body's feed and a meeting's download first ask that it exists.
            assert len(asked) <= (2 if "/bodies/" in address or "/meetings/" in address else 1)
            assert "Set-Cookie" not in again.headers


def test_a_compressed_feed_is_revalidated_without_building_it(client, archive):
    """Calendar apps ask for gzip; the validator of a compressed copy names the algorithm."""
    for address in ("/calendar.ics", "/calendar/meetings.ics"):  # big enough to compress
        first = fetch(client, address, **{"Accept-Encoding": "gzip"})
        assert first.headers["ETag"].endswith(':gzip"')
        page_cache.clear()
        with count_queries() as statements:
            again = client.get(
                address, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
            )
        assert again.status_code == 304 and again.data == b"", address
        assert len([statement for statement in statements if statement != "BEGIN"]) <= 1


def test_a_publication_changes_the_validator_and_the_feed(client, archive, announce, make_meeting):
    before = fetch(client, "/calendar/meetings.ics")
    meeting = announce(make_meeting(title="新公布的会议"))
    after = client.get("/calendar/meetings.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert uid_of(meeting) in after.data.decode()


def test_a_feed_is_built_with_the_same_queries_at_any_size(client, make_meeting, announce):
    def add(count: int) -> None:
        for number in range(count):
            announce(
                make_meeting(
                    title=f"会议 {number}", starts_at=utcnow() + timedelta(days=2 + number)
                )
            )

    add(3)
    small = {address: queries_for(client, address) for address in FEEDS}
    add(30)
    assert {address: queries_for(client, address) for address in FEEDS} == small


def test_a_feed_holds_the_newest_events_up_to_its_size(app, client, make_meeting, announce):
    app.config["CALENDAR_FEED_SIZE"] = 4
    meetings = [
        announce(make_meeting(title=f"会议 {n}", starts_at=utcnow() + timedelta(days=n + 1)))
        for n in range(6)
    ]
    events = events_of(parsed(fetch(client, "/calendar/meetings.ics")))
    assert [str(event["UID"]) for event in events] == [uid_of(m) for m in meetings[2:]]


# -- What each event says ---------------------------------------------------------------


def test_a_meeting_has_the_same_uid_in_every_feed_and_its_download(client, archive):
    meeting = archive["awkward"]
    for address in (
        "/calendar.ics",
        "/calendar/meetings.ics",
        f"/calendar/bodies/{archive['body'].slug}.ics",
        f"/meetings/{meeting.id}.ics",
    ):
        event = event_with_uid(parsed(fetch(client, address)), uid_of(meeting))
        assert int(event["SEQUENCE"]) == meeting.revision == 1


def test_the_uid_does_not_change_with_the_public_address(app, client, archive):
    app.config["PAGE_CACHE_ENABLED"] = False
    meeting = archive["awkward"]
    app.config["PUBLIC_BASE_URL"] = "https://gov.example.cn/sunshine"
    event = event_with_uid(parsed(fetch(client, "/calendar.ics")), uid_of(meeting))
    assert str(event["URL"]) == f"https://gov.example.cn/sunshine/meetings/{meeting.id}"


def test_postponing_keeps_the_uid_moves_the_time_and_raises_the_sequence(client, archive):
    meeting = archive["postponed"]
    event = event_with_uid(parsed(fetch(client, "/calendar/meetings.ics")), uid_of(meeting))
    assert int(event["SEQUENCE"]) == 2
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "场地调整" in str(event["DESCRIPTION"])


def test_a_cancelled_meeting_stays_in_the_feeds_marked_cancelled(client, archive):
    meeting = archive["cancelled"]
    for address, marker in (
        ("/calendar.ics", "【已取消】"),
        ("/calendar.ics?lang=en", "[Cancelled] "),
    ):
        event = event_with_uid(parsed(fetch(client, address)), uid_of(meeting))
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 2
        assert str(event["SUMMARY"]) == f"{marker}{meeting.title}"


def test_a_withheld_item_is_listed_as_withheld_and_never_named(client, archive):
    for address in every_address(archive):
        assert "不应出现的保密标题" not in fetch(client, address).data.decode(), address
    event = event_with_uid(parsed(fetch(client, "/calendar.ics")), uid_of(archive["awkward"]))
    assert "2. 本议题不予公开" in str(event["DESCRIPTION"]).split("\n")
    assert "《政府信息公开条例》第十四条" in str(event["DESCRIPTION"])


def test_what_is_not_public_is_in_no_feed(client, archive, make_consultation):
    draft = archive["draft"]
    for address in every_address(archive):
        text = fetch(client, address).data.decode()
        assert draft.title not in text and uid_of(draft) not in text, address
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 404
    assert client.get("/calendar/bodies/no-such-body.ics").status_code == 404
    assert client.get("/calendar/all.ics").status_code == 404


def test_a_body_feed_holds_that_bodys_meetings_only(client, archive):
    calendar = parsed(fetch(client, f"/calendar/bodies/{archive['body'].slug}.ics"))
    uids = {str(event["UID"]) for event in events_of(calendar)}
    assert uids == {uid_of(archive["awkward"]), uid_of(archive["postponed"])}
    assert archive["body"].name in str(calendar["X-WR-CALNAME"])


def test_a_deadline_is_an_all_day_event_on_the_last_day_that_blocks_no_time(client, archive):
    consultation = archive["consultation"]
    event = event_with_uid(
        parsed(fetch(client, "/calendar/deadlines.ics")),
        f"comment-deadline-{consultation.id}@sunshine.localhost",
    )
    last_day = consultation.closes_at.astimezone(OFFICE).date()
    assert event.decoded("DTSTART") == last_day and not isinstance(last_day, datetime)
    assert event.decoded("DTEND") == last_day + timedelta(days=1)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert int(event["SEQUENCE"]) == consultation.revision == 1
    assert str(event["URL"]).endswith(f"/consultations/{consultation.id}")


def test_a_period_closing_at_midnight_ends_on_the_day_before(client, make_consultation):
    today = utcnow().astimezone(OFFICE).date()
    midnight = datetime.combine(today + timedelta(days=35), datetime.min.time(), OFFICE)
    consultation = make_consultation(closes_at=midnight)
    event = event_with_uid(
        parsed(fetch(client, "/calendar/deadlines.ics")),
        f"comment-deadline-{consultation.id}@sunshine.localhost",
    )
    assert event.decoded("DTSTART") == today + timedelta(days=34)


def test_an_extension_moves_the_deadline_under_the_same_uid(client, archive, reviewer):
    consultation = archive["consultation"]
    uid = f"comment-deadline-{consultation.id}@sunshine.localhost"
    before = event_with_uid(parsed(fetch(client, "/calendar/deadlines.ics")), uid)
    consultation_operations.extend_consultation(
        consultation,
        consultation.closes_at + timedelta(days=3),
        "应居民要求延长",
        actor=consultation.author,
    )
    db.session.commit()
    after = event_with_uid(parsed(fetch(client, "/calendar/deadlines.ics")), uid)
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(days=3)
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert "应居民要求延长" in str(after["DESCRIPTION"])


def test_a_cancelled_meeting_cancels_the_deadline_of_its_consultation(
    client, archive, approve_change
):
    consultation = archive["consultation"]
    uid = f"comment-deadline-{consultation.id}@sunshine.localhost"
    before = event_with_uid(parsed(fetch(client, "/calendar/deadlines.ics")), uid)
    approve_change(consultation.agenda_item.meeting, ChangeKind.CANCEL, reason="议题撤回")
    after = event_with_uid(parsed(fetch(client, "/calendar/deadlines.ics")), uid)
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_feeds_speak_the_office_language_unless_asked_for_english(client, archive):
    client.set_cookie("lang", "en")  # a browser's choice does not reach a calendar app
    chinese = parsed(fetch(client, "/calendar/meetings.ics"))
    english = parsed(fetch(client, "/calendar/meetings.ics?lang=en"))
    assert str(chinese["X-WR-CALNAME"]) != str(english["X-WR-CALNAME"])
    assert "阳光" in str(chinese["X-WR-CALNAME"])
    assert "Sunshine" in str(english["X-WR-CALNAME"])
    uid = uid_of(archive["awkward"])
    assert "议程" in str(event_with_uid(chinese, uid)["DESCRIPTION"])
    english_event = event_with_uid(english, uid)
    assert "Agenda" in str(english_event["DESCRIPTION"])
    assert str(english_event["SUMMARY"]) == AWKWARD  # what the office wrote stays


# -- Where people find them -------------------------------------------------------------


def test_the_calendar_page_offers_every_feed_in_each_app(client, archive):
    page = client.get("/calendar/").data.decode()
    for address in ("/calendar.ics", "/calendar/meetings.ics", "/calendar/deadlines.ics"):
        assert 'readonly spellcheck="false"' in page
        assert f">http://127.0.0.1:5000{address}</textarea>" in page
        assert f"webcal://127.0.0.1:5000{address}" in page
    assert "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F" in page
    assert f"/calendar/bodies/{archive['body'].slug}.ics" in page


def test_a_meeting_page_links_its_own_event_and_its_bodys_feed(client, archive):
    meeting = archive["awkward"]
    page = client.get(f"/meetings/{meeting.id}").data.decode()
    assert f'href="/meetings/{meeting.id}.ics"' in page
    assert f'href="/calendar/bodies/{archive["body"].slug}.ics"' in page


def test_other_query_strings_share_the_one_kept_feed(client, archive):
    plain = fetch(client, "/calendar.ics")
    assert fetch(client, "/calendar.ics?x=1").headers["ETag"] == plain.headers["ETag"]
    english = fetch(client, "/calendar.ics?lang=en&x=2")
    assert english.headers["ETag"] == fetch(client, "/calendar.ics?lang=en").headers["ETag"]
    assert english.headers["ETag"] != plain.headers["ETag"]


# -- Found in review ----------------------------------------------------------------------


def test_what_is_not_yet_public_stays_out_of_every_feed(
    client, archive, make_consultation, major_item
):
    pending = meeting_operations.put_item_on_agenda(
        archive["awkward"], title="尚待审核的新增议题", actor=archive["awkward"].author
    )
    db.session.commit()
    other_item = major_item  # the fixture's item already has the archive's consultation
    assert other_item.id == archive["consultation"].agenda_item_id
    for address in every_address(archive):
        text = fetch(client, address).data.decode()
        assert pending.title not in text, address
    # A consultation drafted but not approved has no deadline in any calendar.
    draft_item = AgendaItem(position=9, title="另一项重大决策", is_major_decision=True)
    archive["awkward"].agenda.append(draft_item)
    draft_item.published_at = utcnow()
    db.session.commit()
    drafted = consultation_operations.open_consultation(
        draft_item,
        actor=archive["awkward"].author,
        title="未经审核的征求意见稿",
        draft_text="稿",
        explanation="说明",
        other_channels=None,
        opens_at=utcnow(),
        closes_at=utcnow() + timedelta(days=15),
        short_period_reason="会期临近",
    )
    db.session.commit()
    text = fetch(client, "/calendar.ics").data.decode()
    assert drafted.title not in text and f"comment-deadline-{drafted.id}@" not in text


def test_an_item_taken_off_the_agenda_cancels_its_deadline(client, archive, approve_change):
    consultation = archive["consultation"]
    uid = f"comment-deadline-{consultation.id}@sunshine.localhost"
    before = event_with_uid(parsed(fetch(client, "/calendar/deadlines.ics")), uid)
    meeting = consultation.agenda_item.meeting
    meeting.agenda.append(AgendaItem(position=2, title="另一项议题", published_at=utcnow()))
    db.session.commit()  # (the last item of a meeting cannot be taken off)
    with freeze_time(utcnow() + timedelta(minutes=5)):
        approve_change(
            meeting, ChangeKind.REMOVE_ITEM, agenda_item=consultation.agenda_item, reason="撤回"
        )
    after = event_with_uid(parsed(fetch(client, "/calendar/deadlines.ics")), uid)
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")
    # Its page went with the item: the event points to the meeting, which says so.
    assert str(after["URL"]).endswith(f"/meetings/{meeting.id}")
    assert client.get(urlsplit(str(after["URL"])).path).status_code == 200


def test_renaming_a_body_revises_its_meetings_events(client, archive, make_user):
    meeting = archive["awkward"]
    before = event_with_uid(parsed(fetch(client, "/calendar/meetings.ics")), uid_of(meeting))
    body = archive["body"]
    with freeze_time(utcnow() + timedelta(minutes=5)):
        update_body(body, name="区人民政府常务会议", actor=make_user(Role.ADMIN))
        db.session.commit()
    after = event_with_uid(parsed(fetch(client, "/calendar/meetings.ics")), uid_of(meeting))
    assert "区人民政府常务会议" in str(after["DESCRIPTION"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_a_bodys_calendar_address_stays_once_it_has_announced_meetings(
    client, auth, archive, make_user, make_body
):
    auth.login(make_user(Role.ADMIN))
    body = archive["body"]
    form = {"name": body.name, "level": body.level.value, "default_venue": ""}
    response = client.post(f"/admin/bodies/{body.id}", data={**form, "slug": "renamed"})
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert f"/calendar/bodies/{body.slug}.ics" in page.find(id="slug-error").get_text()
    assert page.find("input", {"name": "slug"})["value"] == "renamed"  # what was typed
    quiet = make_body(slug="no-meetings-yet")
    form = {"name": quiet.name, "level": quiet.level.value, "default_venue": ""}
    moved = client.post(f"/admin/bodies/{quiet.id}", data={**form, "slug": "new-name"})
    assert moved.status_code == 303


def test_nothing_that_is_not_there_is_answered_304(client, archive):
    draft = archive["draft"]
    for address in (
        "/meetings/999999.ics",
        f"/meetings/{draft.id}.ics",
        "/calendar/bodies/nope.ics",
        '/calendar/bodies/a";b=c.ics',
        "/calendar/nope.ics",
    ):
        for headers in (
            {"If-None-Match": "*"},
            {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
        ):
            assert client.get(address, headers=headers).status_code == 404, (address, headers)


def test_if_modified_since_never_hides_a_change_made_in_the_same_second(
    client, archive, make_meeting, announce
):
    start = utcnow().replace(microsecond=0) + timedelta(minutes=1)
    with freeze_time(start + timedelta(milliseconds=200)):
        announce(make_meeting(title="第一次公布"))
    with freeze_time(start + timedelta(milliseconds=300)):
        during = fetch(client, "/calendar/meetings.ics")
        assert "Last-Modified" not in during.headers  # its second is not over yet
    with freeze_time(start + timedelta(milliseconds=700)):
        second = announce(make_meeting(title="同一秒内的第二次公布"))
    with freeze_time(start + timedelta(seconds=2)):
        told = fetch(client, "/calendar/meetings.ics")
        assert uid_of(second) in told.data.decode()
        since = told.headers["Last-Modified"]
        assert (
            client.get("/calendar/meetings.ics", headers={"If-Modified-Since": since}).status_code
            == 304
        )
    with freeze_time(start + timedelta(seconds=2, milliseconds=400)):
        third = announce(make_meeting(title="下一秒的公布"))
    with freeze_time(start + timedelta(seconds=4)):
        again = client.get("/calendar/meetings.ics", headers={"If-Modified-Since": since})
        assert again.status_code == 200 and uid_of(third) in again.data.decode()


def test_a_moved_site_or_a_new_release_gets_new_validators(migrated_database, archive, app):
    here = app.test_client().get("/calendar/meetings.ics")
    moved = create_app(
        config_for_tests(migrated_database, PUBLIC_BASE_URL="https://gov.example.cn")
    )
    with moved.app_context():
        there = moved.test_client().get("/calendar/meetings.ics")
        assert there.headers["ETag"] != here.headers["ETag"]
        assert "https://gov.example.cn/meetings/" in there.data.decode()
        held = {"If-None-Match": here.headers["ETag"]}
        assert moved.test_client().get("/calendar/meetings.ics", headers=held).status_code == 200


def test_a_feed_of_more_than_500_events_takes_the_same_queries(client, make_body, make_user):
    """Loaders that batch (a selectin load does so by 500) would add a query per batch."""
    body, author = make_body(), make_user(Role.EDITOR)

    def add(count: int) -> None:
        now = utcnow()
        db.session.add_all(
            Meeting(
                body=body, author=author, title=f"会议 {n}", starts_at=now + timedelta(hours=n),
                ends_at=now + timedelta(hours=n, minutes=30), review_state=ReviewState.APPROVED,
                published_at=now, revision=1, revised_at=now,
                agenda=[AgendaItem(position=1, title=f"议题 {n}", published_at=now)],
            )
            for n in range(count)
        )  # fmt: skip
        db.session.commit()

    add(3)
    small = {address: queries_for(client, address) for address in FEEDS}
    add(1_100)
    big = {address: queries_for(client, address) for address in FEEDS}
    assert big == small
    events = events_of(parsed(fetch(client, "/calendar/meetings.ics")))
    assert len(events) == 1_000  # the feed's size


def test_an_unchanged_public_feed_is_answered_before_the_app_builds_a_request(client, archive, app):
    """The 304 of a public feed comes from the version alone, before Flask: no view runs."""
    calls: list[str] = []
    for address in ("/calendar.ics", "/calendar/meetings.ics?lang=en", "/calendar/deadlines.ics"):
        held = fetch(client, address).headers["ETag"]
        calls.clear()
        app.before_request_funcs.setdefault(None, []).insert(0, lambda: calls.append("app"))
        try:
            again = client.get(address, headers={"If-None-Match": held})
        finally:
            app.before_request_funcs[None].pop(0)
        assert again.status_code == 304 and again.data == b"", address
        assert calls == [], f"{address} went through the app"
        assert again.headers["Cache-Control"] == "public, max-age=300"
    # A feed that does not exist is never answered 304, before Flask or after.
    assert client.get("/calendar/nope.ics", headers={"If-None-Match": "*"}).status_code == 404
