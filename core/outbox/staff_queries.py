"""Messages that failed to leave, for the staff start page: mail and text messages the
server or the gateway refused and no later attempt sent. Two queries, whatever the
number: the newest few of each kind with their totals."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from core.outbox.models import OutgoingMail, TextMessage
from core.start_page import ROWS, StartResult, StartRow
from core.web import office_time
from extensions import db

if TYPE_CHECKING:
    from core.accounts.models import User

ERROR_SHOWN = 120  # characters of the last error a row shows; the outbox has it all


def failed_messages(user: User, now: datetime) -> StartResult:
    """Unsent messages whose last attempt failed, newest first."""
    found: list[tuple[datetime, StartRow]] = []
    total = 0
    for model, columns in (
        (OutgoingMail, (OutgoingMail.recipient, OutgoingMail.subject)),
        (TextMessage, (TextMessage.phone,)),
    ):
        rows = db.session.execute(
            select(model, func.count().over())
            .where(model.sent_at.is_(None), model.last_error.is_not(None))
            .options(
                load_only(
                    model.created_at, model.attempts, model.last_error, *columns, raiseload=True
                )
            )
            .order_by(model.id.desc())
            .limit(ROWS)
        ).all()
        total += rows[0][1] if rows else 0
        found.extend((message.created_at, _failed_row(message)) for message, _count in rows)
    rows_shown = [row for _created, row in sorted(found, key=lambda f: f[0], reverse=True)]
    texts_only = all(row.url.endswith("kind=texts") for row in rows_shown)
    return StartResult(
        total,
        ngettext("%(num)d message was not sent.", "%(num)d messages were not sent.", total),
        rows_shown[:ROWS],
        more_url=url_for("outbox.outbox", kind="texts" if texts_only and found else None),
    )


def _failed_row(message: OutgoingMail | TextMessage) -> StartRow:
    tried = ngettext(
        "tried %(num)d time, last error: %(error)s",
        "tried %(num)d times, last error: %(error)s",
        message.attempts,
        error=(message.last_error or "")[:ERROR_SHOWN],
    )
    created = _("created %(when)s", when=office_time(message.created_at))
    if isinstance(message, OutgoingMail):
        return StartRow(
            message.subject,
            url_for("outbox.outbox"),
            " · ".join([_("Mail to %(recipient)s", recipient=message.recipient), created, tried]),
        )
    return StartRow(
        _("Text message to %(phone)s", phone=message.masked_phone),
        url_for("outbox.outbox", kind="texts"),
        " · ".join([created, tried]),
    )
