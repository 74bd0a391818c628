"""Residents' personal data stays out of the logs and out of messages that should not hold it.

Every flow a resident's details pass through is run as people use it, over Werkzeug's own
server (`personal_data_support.run_every_flow`): a comment, an open-day registration with an
ID number (seen, the link asked for again, cancelled), an application to sit in, a resident
representative put in the directory, invited and answering at the invitation link, the
private calendar; the staff lists, CSV downloads, outbox and audit pages; cron's reminders
and `flask send-outbox`, also when the mail server and the SMS gateway cannot be reached.

What is checked:
- No log line (every logger at DEBUG, Werkzeug's request log included) and nothing cron's
  commands print holds any person's name, phone, email, ID number or private link.
- Messages: no mail or text message, to anyone, holds an ID number; a message goes to one
  person and holds none of another person's details or links (a text or mail may carry
  the recipient's own reference and link, which is how they reach their page). The staff
  outbox page shows no private link and no ID number.
- The audit log (summaries and before/after snapshots) holds no phone number, ID number or
  private link.
"""

from __future__ import annotations

import logging
import socket
import urllib.parse

import pytest

from core.audit.models import AuditEntry
from core.outbox import OutgoingMail, TextMessage
from extensions import db
from tests.engagement.sitting_in.conftest import invitable_meeting, make_person  # noqa: F401
from tests.personal_data_support import (
    Browser,
    Story,
    expect,
    prepare_story,
    run,
    run_every_flow,
    served,
)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture
def app_config() -> dict[str, object]:
    # Texts are tried at once and fail: the failure is logged, as a real outage would be.
    return {"SMS_GATEWAY_URL": f"http://127.0.0.1:{closed_port()}/", "PAGE_CACHE_ENABLED": False}


@pytest.fixture
def story(
    app,
    caplog,
    make_user,
    make_consultation,
    make_open_day,
    invitable_meeting,  # noqa: F811
) -> tuple[Story, list[str]]:
    """The story run with every logger at DEBUG; then a mail outage: the commenter sends
    another comment, and neither its receipt nor cron's send-outbox reaches the mail server."""
    root = logging.getLogger()
    if caplog.handler not in root.handlers:  # the migrations' logging setup replaced it
        root.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    # Every statement, as `echo=True` writes them: their values are hidden by the engine's
    # configuration. (At DEBUG SQLAlchemy also writes the rows it reads, by design: that
    # is a diagnostic no deployment of ours turns on.)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    story = prepare_story(make_user, make_consultation, make_open_day, invitable_meeting)
    with served(app) as base:
        run_every_flow(app, base, story)
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port())
        commenter = story.people["commenter"]
        second = {
            "body": "停电时写的第二条意见。",
            "name": commenter.name,
            "email": commenter.email,
            "phone": commenter.phone,
            "consent": "y",
        }
        expect(Browser(base).post(f"/consultations/{story.consultation.id}/comments", second), 303)
        story.outputs.append(run(app.test_cli_runner(), ["send-outbox"]))
    lines = [record.getMessage() for record in caplog.records]
    lines += [record.exc_text or "" for record in caplog.records]
    assert any(record.name == "werkzeug" for record in caplog.records)  # the request log
    assert any(line.startswith("Mail") and "failed" in line for line in lines)  # the outage
    return story, lines + story.outputs


def test_no_log_line_holds_personal_data_or_a_private_link(story):
    story, lines = story
    for person in story.people.values():
        # An applicant has a public reference (the draw lists it), no private link.
        assert person.tokens or person.key == "applicant", f"no link found for {person.key}"
        for what, value in person.sentinels.items():
            # As typed, and as an address carries it (a search, percent-encoded).
            forms = {value, urllib.parse.quote(value), urllib.parse.quote_plus(value)}
            found = [line for line in lines if any(form in line for form in forms)]
            assert not found, f"the {person.key}'s {what} is in the log: {found[0][:300]}"


def words_of(mail: OutgoingMail) -> str:
    return " ".join(filter(None, (mail.subject, mail.body, mail.html, mail.calendar)))


def test_messages_hold_only_their_recipients_own_details(story):
    story, _lines = story
    db.session.expire_all()
    messages = [
        (
            mail.recipient,
            " ".join(filter(None, (mail.subject, mail.body, mail.html, mail.calendar))),
        )
        for mail in db.session.scalars(db.select(OutgoingMail))
    ] + [
        (text.phone, f"{text.body} {text.params}")
        for text in db.session.scalars(db.select(TextMessage))
    ]
    assert len(messages) >= 8
    people = story.people.values()
    for recipient, words in messages:
        for person in people:
            own = recipient in (person.email, person.phone)
            if person.id_number:
                assert person.id_number not in words, f"an ID number in a message to {recipient}"
            if own:
                continue
            for what, value in person.sentinels.items():
                assert value not in words, f"the {person.key}'s {what} in a message to {recipient}"


def test_the_staff_outbox_page_shows_no_private_link_or_id_number(story, app, client, auth):
    story, _lines = story
    auth.login(story.staff, password="correct horse battery")
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert story.people["invitee"].name in page or story.people["invitee"].email in page
    for person in story.people.values():
        secrets_of = person.tokens + ([person.id_number] if person.id_number else [])
        assert not [value for value in secrets_of if value in page], person.key


def test_the_audit_log_holds_no_phone_id_number_or_link(story):
    story, _lines = story
    entries = db.session.scalars(db.select(AuditEntry)).all()
    assert entries
    for entry in entries:
        written = " ".join(
            str(getattr(entry, column.key)) for column in AuditEntry.__table__.columns
        )
        for person in story.people.values():
            for what, value in person.sentinels.items():
                if what in ("name", "email"):
                    continue
                assert value not in written, f"the {person.key}'s {what} in {entry.action}"
