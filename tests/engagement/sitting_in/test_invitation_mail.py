"""Invitation mail over real SMTP (a server started in the test), read back as a calendar
app reads it: multipart text and HTML with a `text/calendar; method=REQUEST` part whose
event is the meeting's public one (same UID as the public feed), an updated REQUEST with
a higher SEQUENCE when the meeting moves, a CANCEL when it is cancelled or one invitation
is withdrawn; a bad address fails alone; no private token reaches a log line."""

from __future__ import annotations

import logging
import re
import threading
import urllib.request
from datetime import timedelta

import pytest
from icalendar import Calendar
from werkzeug.serving import make_server

from core.accounts.models import Role
from core.clock import utcnow
from core.outbox import OutgoingMail, batch_progress, send_queued
from engagement.sitting_in.models import Category, Invitation, InvitationStatus
from engagement.sitting_in.notices.invitations import batch_name
from engagement.sitting_in.operations.invitations import (
    invite_people,
    withdraw_invitation,
)
from extensions import db
from meetings.models import ChangeKind


def calendar_part(message):
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0], Calendar.from_ical(parts[0].get_content())


def the_event(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def public_feed_event(client, meeting):
    answer = client.get("/calendar/meetings.ics")
    assert answer.status_code == 200
    for event in Calendar.from_ical(answer.data).walk("VEVENT"):
        if str(event["URL"]).endswith(f"/meetings/{meeting.id}"):
            return event
    raise AssertionError("the meeting is not in the public feed")


@pytest.fixture
def invited(app, invitable_meeting, make_person, make_user, smtp_inbox):
    meeting = invitable_meeting()
    editor = make_user(Role.EDITOR)
    people = [
        make_person(name="王建国", email="wang@example.cn"),
        make_person(name="Li Hua", category=Category.EXPERT, email="li@example.cn", locale="en"),
    ]
    invitations = invite_people(meeting, people, actor=editor)
    db.session.commit()
    send_queued(batch=batch_name(meeting.id))
    return meeting, invitations, editor


def test_the_invitation_is_a_request_for_the_public_event(app, client, invited, smtp_inbox):
    meeting, (wang, li), _editor = invited
    (message,) = smtp_inbox.to("wang@example.cn")
    assert message.get_content_type() == "multipart/alternative"
    types = [part.get_content_type() for part in message.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    part, calendar = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    event = the_event(calendar)
    organizer = event["ORGANIZER"]
    assert str(organizer) == f"mailto:{app.config['MAIL_FROM']}"
    assert organizer.params["CN"] == meeting.body.name
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:wang@example.cn"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["CN"] == "王建国"
    public = public_feed_event(client, meeting)
    assert str(event["UID"]) == str(public["UID"])
    assert event["SEQUENCE"] == public["SEQUENCE"]
    assert event.decoded("DTSTART") == public.decoded("DTSTART")
    # The link to answer is in both the text and the HTML, and opens the invitation.
    link = f"/rsvp/{wang.token}"
    assert link in message.get_body(("plain",)).get_content()
    assert link in message.get_body(("html",)).get_content()
    assert client.get(link).status_code == 200


def test_each_invitee_is_written_to_in_their_language(invited, smtp_inbox):
    (chinese,) = smtp_inbox.to("wang@example.cn")
    (english,) = smtp_inbox.to("li@example.cn")
    assert "列席" in chinese["Subject"]
    for part in (("plain",), ("html",)):
        shown = chinese.get_body(part).get_content()
        words = re.sub(r"<[^>]*>|https?://\S+", " ", shown)  # what a reader reads
        assert "时间" in words and "地点" in words
        assert not re.search(r"\b(When|Where|Accept|calendar|meeting)\b", words), words
    assert english["Subject"].startswith("Invitation to sit in")
    assert "Accept or decline" in english.get_body(("plain",)).get_content()


def test_a_postponement_sends_an_update_with_a_higher_sequence(
    app, client, invited, smtp_inbox, approve_change
):
    meeting, _invitations, _editor = invited
    (first,) = smtp_inbox.to("wang@example.cn")
    before = the_event(calendar_part(first)[1])
    start = meeting.starts_at + timedelta(days=2)
    approve_change(
        meeting,
        ChangeKind.POSTPONE,
        reason="领导出差",
        new_starts_at=start,
        new_ends_at=start + timedelta(hours=2),
    )
    send_queued()  # the approving request sends after its commit
    (update,) = smtp_inbox.to("wang@example.cn")[1:]
    part, calendar = calendar_part(update)
    assert part.get_param("method") == "REQUEST"
    event = the_event(calendar)
    assert str(event["UID"]) == str(before["UID"])
    assert event["SEQUENCE"] > before["SEQUENCE"]
    assert event.decoded("DTSTART") == start.replace(microsecond=0)
    public = public_feed_event(client, meeting)
    assert event["SEQUENCE"] == public["SEQUENCE"]


def test_a_cancelled_meeting_sends_a_cancel_with_the_same_uid(invited, smtp_inbox, approve_change):
    meeting, _invitations, _editor = invited
    (first,) = smtp_inbox.to("li@example.cn")
    before = the_event(calendar_part(first)[1])
    approve_change(meeting, ChangeKind.CANCEL, reason="议题调整")
    send_queued()
    cancel = smtp_inbox.to("li@example.cn")[-1]
    part, calendar = calendar_part(cancel)
    assert part.get_param("method") == "CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL"
    event = the_event(calendar)
    assert str(event["UID"]) == str(before["UID"])
    assert event["SEQUENCE"] > before["SEQUENCE"]
    assert str(event["STATUS"]) == "CANCELLED"


def test_withdrawing_one_invitation_cancels_it_for_that_person_only(invited, smtp_inbox):
    meeting, (wang, li), editor = invited
    sent = the_event(calendar_part(smtp_inbox.to("wang@example.cn")[0])[1])
    withdraw_invitation(wang, reason="人选调整", actor=editor)
    db.session.commit()
    send_queued()
    cancel = smtp_inbox.to("wang@example.cn")[-1]
    part, calendar = calendar_part(cancel)
    assert part.get_param("method") == "CANCEL"
    event = the_event(calendar)
    assert str(event["UID"]) == str(sent["UID"])
    assert event["SEQUENCE"] > sent["SEQUENCE"]
    assert len(smtp_inbox.to("li@example.cn")) == 1  # the other invitee hears nothing


def test_a_bad_address_fails_alone_and_the_page_says_which(
    app, client, auth, invitable_meeting, make_person, make_user, smtp_inbox
):
    meeting = invitable_meeting()
    editor = make_user(Role.EDITOR)
    smtp_inbox.refuse.add("nobody@example.cn")
    people = [make_person(email=f"ok{n}@example.cn") for n in range(3)]
    bad = make_person(name="错地址", category=Category.CPPCC, email="nobody@example.cn")
    invite_people(meeting, [*people, bad], actor=editor)
    db.session.commit()
    auth.login(editor)
    # The page sends a few at a time and shows where it stands until none wait.
    for _step in range(3):
        answer = client.post(
            f"/admin/sitting-in/meetings/{meeting.id}/send", headers={"HX-Request": "true"}
        )
        assert answer.status_code == 200
    # The last step's answer also brings the table, whose mail column says which failed.
    step = answer.get_data(as_text=True)
    assert 'id="invited" data-hx-swap-oob="true"' in step
    assert step.count(">未能发出<") == 1 and "<html" not in step
    progress = batch_progress(batch_name(meeting.id))
    assert (progress.total, progress.sent, progress.failed, progress.waiting) == (4, 3, 1, 0)
    assert len(smtp_inbox.messages) == 3
    page = client.get(f"/admin/sitting-in/meetings/{meeting.id}").get_data(as_text=True)
    assert "共 4 封，已发送 3 封" in page
    failed = db.session.get(
        OutgoingMail,
        db.session.scalar(db.select(Invitation.mail_id).where(Invitation.person_id == bad.id)),
    )
    assert failed.sent_at is None and failed.attempts == 1 and "550" in failed.last_error


def test_no_private_token_reaches_a_log_line(app, invited, caplog):
    meeting, (wang, _li), _editor = invited
    feed = wang.person.feed_token
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.DEBUG):
            for path in (f"/rsvp/{wang.token}", f"/calendar/private/{feed}.ics"):
                with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}") as answer:
                    assert answer.status == 200
                    assert answer.headers["Referrer-Policy"] == "no-referrer"
            app.logger.warning("Opened %s", f"/rsvp/{wang.token}")
    finally:
        server.shutdown()
    assert caplog.records
    for token in (wang.token, feed):
        assert token not in caplog.text


def test_the_private_feed_holds_current_invitations_with_the_public_uids(
    client, invited, invitable_meeting
):
    meeting, (wang, _li), editor = invited
    later = invitable_meeting(starts_at=utcnow() + timedelta(days=20))
    other = invite_people(later, [wang.person], actor=editor)[0]
    db.session.commit()
    feed = client.get(f"/calendar/private/{wang.person.feed_token}.ics")
    assert feed.status_code == 200
    assert feed.headers["Cache-Control"] == "no-store"
    uids = {str(event["UID"]) for event in Calendar.from_ical(feed.data).walk("VEVENT")}
    public = str(public_feed_event(client, meeting)["UID"])
    assert public in uids and len(uids) == 2
    other.status = InvitationStatus.DECLINED
    db.session.commit()
    feed = client.get(f"/calendar/private/{wang.person.feed_token}.ics")
    assert {str(e["UID"]) for e in Calendar.from_ical(feed.data).walk("VEVENT")} == {public}
    assert client.get("/calendar/private/not-a-token.ics").status_code == 404


def test_a_change_after_a_withdrawal_and_a_new_invitation_still_raises_the_sequence(
    invited, smtp_inbox, approve_change
):
    meeting, (wang, _li), editor = invited
    withdraw_invitation(wang, reason="人选调整", actor=editor)
    invite_people(meeting, [wang.person], actor=editor, batch=False)
    db.session.commit()
    send_queued()
    before = the_event(calendar_part(smtp_inbox.to("wang@example.cn")[-1])[1])
    start = meeting.starts_at + timedelta(days=1)
    approve_change(
        meeting,
        ChangeKind.POSTPONE,
        reason="场地调整",
        new_starts_at=start,
        new_ends_at=start + timedelta(hours=2),
    )
    send_queued()
    update = the_event(calendar_part(smtp_inbox.to("wang@example.cn")[-1])[1])
    assert update["SEQUENCE"] > before["SEQUENCE"]
    assert update.decoded("DTSTART") == start.replace(microsecond=0)


def test_two_pages_sending_the_same_batch_send_each_mail_once(
    app, invitable_meeting, make_person, make_user, smtp_inbox
):
    """Two staff with the meeting's page open both send its batch: each mail leaves once."""
    meeting = invitable_meeting()
    editor = make_user(Role.EDITOR)
    invite_people(meeting, [make_person() for _ in range(3)], actor=editor)
    db.session.commit()
    ids = list(db.session.scalars(db.select(OutgoingMail.id).order_by(OutgoingMail.id)))
    batch = batch_name(meeting.id)  # read here: the threads touch no object of this session
    start = threading.Barrier(2)

    def send() -> None:
        with app.app_context():
            start.wait()
            send_queued(batch=batch)
            db.session.remove()

    db.session.commit()
    senders = [threading.Thread(target=send) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=30)
    assert sorted(message["To"] for message in smtp_inbox.messages) == sorted(
        db.session.get(OutgoingMail, message_id).recipient for message_id in ids
    )
    assert batch_progress(batch).sent == 3
