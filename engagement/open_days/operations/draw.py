"""The lottery for an open day in lottery mode, with the one draw mechanism (`core.draw`):
after registration closes staff fix the seed, which is published at once with the list of
entries; then the draw ranks the entries, the first `capacity` are selected, the others
wait in drawn order, and everyone is told."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.models import User
from core.audit import record_change
from core.clock import utcnow
from core.draw import draw, new_seed
from core.rules import RuleBroken
from engagement.open_days.models import OpenDay, Registration, Status
from engagement.open_days.notices import Notice, tell
from engagement.open_days.operations.registrations import lock_the_open_day
from extensions import db


def entries(open_day: OpenDay):
    """The draw's entries, in the order they are published (by confirmation code)."""
    return (
        select(Registration)
        .where(Registration.open_day_id == open_day.id, Registration.status == Status.APPLIED)
        .order_by(Registration.id)
    )


def _ensure_drawable(open_day: OpenDay) -> None:
    if not open_day.is_lottery:
        raise RuleBroken(_("This open day gives its places first come, not by lot."))
    if open_day.cancelled_at is not None:
        raise RuleBroken(_("This open day is cancelled."))
    if utcnow() < open_day.registration_closes_at:
        raise RuleBroken(_("The draw is run after registration closes."))
    if open_day.drawn_at is not None:
        raise RuleBroken(_("The draw has already been run."))


def fix_draw_seed(open_day: OpenDay, *, actor: User) -> str:
    """Fix and publish the seed before the draw; it never changes afterwards."""
    lock_the_open_day(open_day)
    _ensure_drawable(open_day)
    if open_day.draw_seed is not None:
        raise RuleBroken(_("The seed is already fixed and published."))
    open_day.draw_seed = new_seed()
    open_day.draw_seed_published_at = utcnow()
    count = len(db.session.scalars(entries(open_day)).all())
    record_change(
        "open_day.draw_seed",
        open_day,
        actor=actor,
        summary=open_day.title,
        after={"draw_seed": open_day.draw_seed, "entries": count},
    )
    return open_day.draw_seed


def run_draw(open_day: OpenDay, *, actor: User) -> list[Registration]:
    """Rank the entries from the published seed; the first `capacity` are selected."""
    lock_the_open_day(open_day)
    _ensure_drawable(open_day)
    if open_day.draw_seed is None:
        raise RuleBroken(_("Fix and publish the seed first."))
    applied = {r.confirmation_code: r for r in db.session.scalars(entries(open_day))}
    ranking = draw(open_day.draw_seed, applied)
    selected = ranking[: open_day.capacity]
    for rank, code in enumerate(ranking, start=1):
        registration = applied[code]
        registration.draw_rank = rank
        registration.status = Status.SELECTED if rank <= open_day.capacity else Status.NOT_SELECTED
        tell(
            registration,
            Notice.SELECTED if registration.status == Status.SELECTED else Notice.NOT_SELECTED,
        )
    open_day.taken = len(selected)
    open_day.drawn_at = utcnow()
    record_change(
        "open_day.draw",
        open_day,
        actor=actor,
        summary=open_day.title,
        after={
            "draw_seed": open_day.draw_seed,
            "entries": len(ranking),
            "selected": len(selected),
            "ranking": ranking,
        },
    )
    return [applied[code] for code in ranking]
