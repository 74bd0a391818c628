"""Outgoing mail: queued in the database with the change that causes it, sent after commit.

`queue_mail` adds an `OutgoingMail` row inside the caller's transaction; after the view
commits it calls `send_queued`. A failure is recorded on the row (and shown on the staff
outbox page, where it can be retried); it never undoes what the resident sent. Without
MAIL_SERVER (development), messages are written as .eml files to MAIL_FOLDER
(default instance/mail/).
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import UTCDateTime, utcnow
from core.logs import redact
from extensions import db


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"
    shows_publicly = False  # mail leaving changes no public page

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # Optional alternatives to the plain text: the same words as HTML, and an iTIP
    # calendar object (its METHOD, REQUEST or CANCEL, goes on the part's content type).
    html: Mapped[str | None] = mapped_column(Text)
    calendar: Mapped[str | None] = mapped_column(Text)
    # Messages sent together (e.g. one meeting's invitations): a page shows their progress.
    batch: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


QUEUED = "sunshine.queued_mail"


def queue_mail(
    recipient: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    calendar: bytes | None = None,
    batch: str | None = None,
) -> OutgoingMail:
    """Add a message to the outbox in the caller's transaction. Alone, it is sent after the
    commit (`core.runner.attempt` sends what the operation queued); in a `batch`, it waits
    for the page that sends the batch and shows its progress (`send_batch`), or for
    `flask send-outbox`. `html` and `calendar` (an iTIP object) are alternatives to the
    plain text."""
    message = OutgoingMail(
        recipient=recipient,
        subject=subject,
        body=body,
        html=html,
        calendar=calendar.decode() if calendar is not None else None,
        batch=batch,
    )
    db.session.add(message)
    db.session.flush()
    if batch is None:
        db.session.info.setdefault(QUEUED, []).append(message.id)
    return message


def take_queued_mail() -> list[int]:
    """The ids of the messages queued since the last call (forgotten after a rollback)."""
    return db.session.info.pop(QUEUED, [])


def _as_email(message: OutgoingMail) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="sunshine.local")
    email.set_content(message.body)
    if message.html is not None:
        email.add_alternative(message.html, subtype="html")
    if message.calendar is not None:
        # The iTIP part: calendar apps read its METHOD from the content type (RFC 6047).
        method = "REQUEST"
        for line in message.calendar.splitlines():
            if line.startswith("METHOD:"):
                method = line.split(":", 1)[1].strip()
                break
        email.add_alternative(message.calendar, subtype="calendar", params={"method": method})
    return email


def forget_mail_files() -> int:
    """Without MAIL_SERVER each message was also written to MAIL_FOLDER: remove the files of
    messages no longer in the outbox (a retention purge deleted them). Run after the commit.
    Returns how many files were removed."""
    folder = Path(current_app.config["MAIL_FOLDER"])
    files = {int(path.stem): path for path in folder.glob("*.eml") if path.stem.isdigit()}
    if not files:
        return 0
    ids = sorted(files)
    kept: set[int] = set()
    for start in range(0, len(ids), 500):  # a query's parameters are limited (SQLite)
        chunk = ids[start : start + 500]
        kept.update(db.session.scalars(select(OutgoingMail.id).where(OutgoingMail.id.in_(chunk))))
    db.session.rollback()
    for message_id in files.keys() - kept:
        files[message_id].unlink(missing_ok=True)
    return len(files.keys() - kept)


def _deliver(email: EmailMessage, message_id: int) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        folder = Path(config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message_id:06d}.eml").write_bytes(bytes(email))
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def send_queued(
    ids: list[int] | None = None, *, batch: str | None = None, limit: int | None = None
) -> int:
    """Send unsent messages (all, those given, or up to `limit` of a batch not tried yet)
    and commit each outcome: a bad address fails alone. Returns how many were sent."""
    query = select(OutgoingMail).where(OutgoingMail.sent_at.is_(None))
    if ids is not None:
        if not ids:
            return 0
        query = query.where(OutgoingMail.id.in_(ids))
    if batch is not None:
        query = query.where(OutgoingMail.batch == batch, OutgoingMail.attempts == 0)
    if limit is not None:
        query = query.limit(limit)
    outgoing = [
        (message.id, message.attempts, _as_email(message))
        for message in db.session.scalars(query.order_by(OutgoingMail.id))
    ]
    # End the read before talking to the mail server: no transaction (and on SQLite no
    # write lock) stays open during network I/O; each outcome is saved on its own.
    db.session.rollback()
    sent = 0
    for message_id, attempts, email in outgoing:
        if not _claim(message_id, attempts):
            continue  # another sender (a second page, cron) took it meanwhile
        error_text = None
        try:
            _deliver(email, message_id)
        except (OSError, smtplib.SMTPException) as error:
            error_text = f"{type(error).__name__}: {error}"[:1000]
            # Neither the address nor the server's words (which may repeat it) are logged:
            # the outbox page shows staff both.
            current_app.logger.warning("Mail %s failed: %s", message_id, type(error).__name__)
        message = db.session.get(OutgoingMail, message_id)
        message.last_error = error_text
        if error_text is None:
            message.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent


def _claim(message_id: int, attempts: int) -> bool:
    """Count the attempt before making it, only if no one else has since: of two senders
    working through the same messages, one sends each."""
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == message_id,
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.attempts == attempts,
        )
        .values(attempts=attempts + 1, last_error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


@dataclass(frozen=True)
class BatchProgress:
    total: int
    sent: int
    failed: int  # tried, refused, not sent (kept on the outbox page to retry)

    @property
    def waiting(self) -> int:
        return self.total - self.sent - self.failed


def batch_progress(batch: str) -> BatchProgress:
    """Where a batch stands, in one query."""
    total, sent, failed = db.session.execute(
        select(
            func.count(OutgoingMail.id),
            func.count(OutgoingMail.sent_at),
            func.count(OutgoingMail.id).filter(
                OutgoingMail.sent_at.is_(None), OutgoingMail.last_error.is_not(None)
            ),
        ).where(OutgoingMail.batch == batch)
    ).one()
    return BatchProgress(total, sent, failed)


class TextMessage(db.Model):
    """A text message to a phone, queued like mail and sent after the commit through the
    SMS gateway (`core.sms`); without a gateway it stays here, readable by staff."""

    __tablename__ = "text_messages"
    shows_publicly = False

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text)  # JSON: the template's parameters
    body: Mapped[str] = mapped_column(Text)  # the same words as staff read them
    locale: Mapped[str] = mapped_column(String(10), default="zh")  # the body's language
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    @property
    def masked_phone(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:] if len(self.phone) > 7 else "****"

    @property
    def body_for_staff(self) -> str:
        """The words as the outbox page shows them: the resident's private link hidden."""
        return redact(self.body)


QUEUED_TEXTS = "sunshine.queued_texts"


def queue_text(
    phone: str, kind: str, params: dict[str, str], body: str, *, locale: str = "zh"
) -> TextMessage:
    """Add a text message in the caller's transaction; it leaves after the commit."""
    message = TextMessage(
        phone=phone,
        kind=kind,
        params=json.dumps(params, ensure_ascii=False),
        body=body,
        locale=locale,
    )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(QUEUED_TEXTS, []).append(message.id)
    return message


def take_queued_texts() -> list[int]:
    return db.session.info.pop(QUEUED_TEXTS, [])


def send_queued_texts(ids: list[int] | None = None) -> int:
    """Send unsent text messages (all, or those given) and commit each outcome. Without a
    gateway they stay unsent in the outbox. Returns how many the gateway accepted."""
    from core.sms import GatewayRefused, Text, gateway_configured, send_text

    if not gateway_configured() or (ids is not None and not ids):
        return 0
    query = select(TextMessage).where(TextMessage.sent_at.is_(None))
    if ids is not None:
        query = query.where(TextMessage.id.in_(ids))
    outgoing = [
        (message.id, Text(message.phone, message.kind, json.loads(message.params)))
        for message in db.session.scalars(query.order_by(TextMessage.id))
    ]
    db.session.rollback()  # no transaction stays open while the gateway answers
    sent = 0
    for message_id, text in outgoing:
        error_text = None
        try:
            send_text(text, timestamp=utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"))
        except (OSError, ValueError, GatewayRefused) as error:
            error_text = f"{type(error).__name__}: {error}"[:1000]
            current_app.logger.warning("Text message %s failed: %s", message_id, error_text)
        message = db.session.get(TextMessage, message_id)
        message.attempts += 1
        message.last_error = error_text
        if error_text is None:
            message.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent
