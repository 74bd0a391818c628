"""The outbox (`core/outbox/`): mail leaves after the commit over real SMTP, a failure never
loses the comment, and without a mail server messages are written to a folder."""

from __future__ import annotations

import socket
import sqlite3
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from core.accounts.models import Role
from core.outbox import OutgoingMail, send_queued
from engagement.consultations import operations
from engagement.consultations.models import Comment
from extensions import db
from tests.conftest import POSTGRES_URL


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


COMMENT = {"body": "建议错时共享停车。", "name": "赵敏", "consent": "y", "email": "zhao@example.cn"}


def test_receipt_mail_arrives_with_the_number_and_link(app, client, smtp_server, open_consultation):
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    response = client.post(f"/consultations/{open_consultation.id}/comments", data=COMMENT)
    assert response.status_code == 303
    comment = db.session.scalar(db.select(Comment))
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == "zhao@example.cn"
    assert comment.receipt_number in mail["Subject"]
    body = mail.get_content()
    assert comment.receipt_number in body and f"/comments/{comment.token}" in body
    assert db.session.scalar(db.select(OutgoingMail)).sent_at is not None


def test_smtp_failure_keeps_the_comment_and_can_be_retried(
    app, client, smtp_server, open_consultation, auth, make_user
):
    controller, inbox = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    response = client.post(f"/consultations/{open_consultation.id}/comments", data=COMMENT)
    assert response.status_code == 303  # the resident still gets the receipt page
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1
    queued = db.session.scalar(db.select(OutgoingMail))
    assert queued.sent_at is None and queued.attempts == 1 and "Connection" in queued.last_error

    app.config.update(MAIL_PORT=controller.port)
    auth.login(make_user(Role.ADMIN))
    assert "未发送" in client.get("/admin/outbox/").get_data(as_text=True)
    client.post("/admin/outbox/retry")
    db.session.refresh(queued)
    assert queued.sent_at is not None and len(inbox.messages) == 1


def test_without_a_mail_server_messages_are_written_to_a_folder(app, open_consultation):
    app.config.update(MAIL_SERVER=None)
    comment = operations.submit_comment(
        open_consultation,
        body="写入文件夹",
        name="钱",
        show_name=True,
        phone=None,
        email="qian@example.cn",
        community=None,
        consented=True,
    )
    db.session.commit()
    mail = db.session.scalar(
        select(OutgoingMail).where(OutgoingMail.recipient == "qian@example.cn")
    )
    assert send_queued([mail.id]) == 1
    written = Path(app.config["MAIL_FOLDER"]) / f"{mail.id:06d}.eml"
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert comment.receipt_number in message["Subject"]
    assert comment.receipt_number in message.get_content()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's single write lock is what is at stake")
def test_no_write_lock_is_held_while_the_mail_server_answers(app, client, open_consultation):
    """A slow mail server must not stall every other writer: while a message is being
    delivered, another connection can still take SQLite's write lock."""
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    outcomes: list[str] = []

    class WritingInbox(Inbox):
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            other = sqlite3.connect(database, timeout=0.5, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                outcomes.append("writable")
            except sqlite3.OperationalError as error:
                outcomes.append(str(error))
            finally:
                other.close()
            return await super().handle_DATA(server, session, envelope)

    controller = Controller(WritingInbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        response = client.post(f"/consultations/{open_consultation.id}/comments", data=COMMENT)
    finally:
        controller.stop()
    assert response.status_code == 303
    assert outcomes == ["writable"]
