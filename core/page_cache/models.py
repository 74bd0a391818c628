"""The public-data version: one number that every change to what the public can see
increases, in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, insert, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.clock import UTCDateTime, utcnow
from extensions import db

BUMPED = "sunshine.public_version_bumped"


class PublicState(db.Model):
    """A single row (id 1): `version` names the state of everything public."""

    __tablename__ = "public_state"
    shows_publicly = False

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _can_show_publicly(instance: object) -> bool:
    # Every model may, unless it says it never does (the audit log, mail, staff sessions):
    # a new feature's pages are fresh without anyone remembering to say so.
    return getattr(type(instance), "shows_publicly", True)


def bump_public_version(session: Session) -> None:
    """Mark what the public sees as changed: once per transaction, whatever changes."""
    if session.info.get(BUMPED):
        return
    session.info[BUMPED] = True
    bumped = session.execute(
        update(PublicState)
        .where(PublicState.id == 1)
        .values(version=PublicState.version + 1, changed_at=utcnow())
    )
    if bumped.rowcount == 0:  # the row is made by the migration; a wiped table gets it back
        session.execute(insert(PublicState).values(id=1, version=1, changed_at=utcnow()))


@event.listens_for(Session, "before_flush")
def _bump_when_public_things_change(session: Session, _context: object, _instances: object):
    touched = [*session.new, *session.deleted]
    touched += [obj for obj in session.dirty if session.is_modified(obj)]
    if any(_can_show_publicly(obj) for obj in touched):
        bump_public_version(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_the_bump(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:  # the outermost transaction ended
        session.info.pop(BUMPED, None)
