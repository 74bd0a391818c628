"""Fixtures for sitting in: people in the directory, an announced meeting that takes
invitations, and a real SMTP server that keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from engagement.sitting_in.models import Category, Person, Quota, tags_value
from extensions import db
from meetings.models import Meeting


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()  # addresses this server refuses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server in this process; the app sends to it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def make_person(app: Flask) -> Callable[..., Person]:
    counter = iter(range(1, 10_000))

    def make(**overrides: object) -> Person:
        number = next(counter)
        fields = {
            "name": f"代表{number}",
            "category": Category.DEPUTY,
            "organisation": "区人大常委会",
            "title": "区人大代表",
            "email": f"person{number}@example.cn",
            "phone": f"1380000{number:04d}",
            **overrides,
        }
        tags = fields.pop("tags", [])
        person = Person.new(**fields, tags=tags_value(tags))
        db.session.add(person)
        db.session.commit()
        return person

    return make


@pytest.fixture
def invitable_meeting(make_meeting, announce) -> Callable[..., Meeting]:
    """An announced meeting with places set per category (3 deputies, 3 CPPCC members,
    2 experts by default)."""

    def make(places: dict[Category, int] | None = None, **overrides: object) -> Meeting:
        meeting = announce(make_meeting(**overrides))
        for category, number in (
            places or {Category.DEPUTY: 3, Category.CPPCC: 3, Category.EXPERT: 2}
        ).items():
            db.session.add(Quota(meeting_id=meeting.id, category=category, places=number))
        db.session.commit()
        return meeting

    return make
