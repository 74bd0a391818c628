"""Live updates (微直播): posted while a meeting runs, public at once, every version audited."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from core.accounts.models import User
from core.audit import record_change
from core.clock import utcnow
from core.files import StoredFile
from core.rules import RuleBroken
from extensions import db
from meetings.models import (
    AgendaItem,
    LiveUpdate,
    Meeting,
)

LIVE_UPDATES_OPEN_BEFORE = timedelta(minutes=30)


def post_live_update(
    meeting: Meeting,
    *,
    text: str,
    agenda_item: AgendaItem | None,
    image: StoredFile | None,
    actor: User,
    image_alt: str | None = None,
) -> LiveUpdate:
    if meeting.cancelled_at is not None or not meeting.is_announced:
        raise RuleBroken(_("Live updates are for announced meetings that take place."))
    if utcnow() < meeting.starts_at - LIVE_UPDATES_OPEN_BEFORE or meeting.concluded_at is not None:
        raise RuleBroken(
            _(
                "Live updates can be posted from %(minutes)d minutes before the start until it is "
                "concluded.",
                minutes=LIVE_UPDATES_OPEN_BEFORE // timedelta(minutes=1),
            )
        )
    update = LiveUpdate(
        meeting=meeting,
        text=text.strip(),
        agenda_item=agenda_item,
        image_name=image.stored_name if image else None,
        image_type=image.content_type if image else None,
        image_alt=(image_alt or "").strip() or None if image else None,
        author_id=actor.id,
    )
    db.session.add(update)
    db.session.flush()
    record_change(
        "live.post",
        update,
        actor=actor,
        summary=meeting.title,
        after={
            "text": update.text,
            "agenda_item_id": update.agenda_item_id,
            "image_alt": update.image_alt,
        },
    )
    return update


def correct_live_update(update: LiveUpdate, text: str, *, actor: User) -> None:
    if text.strip() == update.text:
        return  # nothing corrected: it must not show as edited
    before = {"text": update.text}
    update.text = text.strip()
    update.edited_at = utcnow()
    record_change(
        "live.correct",
        update,
        actor=actor,
        summary=update.meeting.title,
        before=before,
        after={"text": update.text},
    )


def withdraw_live_update(update: LiveUpdate, *, actor: User) -> None:
    """Take a post off the public page; the audit log keeps what it said."""
    update.withdrawn_at = utcnow()
    record_change(
        "live.withdraw",
        update,
        actor=actor,
        summary=update.meeting.title,
        before={"text": update.text},
        after={"withdrawn": True},
    )
