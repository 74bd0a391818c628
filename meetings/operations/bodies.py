"""Organising bodies: created and renamed by administrators."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.clock import utcnow
from core.review import ReviewState
from core.rules import RuleBroken
from extensions import db
from meetings.models import (
    Body,
    BodyLevel,
    Meeting,
)
from meetings.operations.rules import (
    BODY_FIELDS,
)


def create_body(
    *, name: str, level: BodyLevel, slug: str, default_venue: str | None, actor: User
) -> Body:
    if db.session.scalar(select(Body.id).where(Body.slug == slug)) is not None:
        raise RuleBroken(_("The address name %(slug)s is already used.", slug=slug), "slug")
    body = Body(name=name.strip(), level=level, slug=slug, default_venue=default_venue or None)
    db.session.add(body)
    db.session.flush()
    record_change(
        "body.create",
        body,
        actor=actor,
        summary=body.name,
        after=snapshot(body, *BODY_FIELDS),
    )
    return body


def update_body(body: Body, *, actor: User, **changes: object) -> None:
    slug = changes.get("slug")
    if slug and slug != body.slug:
        if db.session.scalar(select(Body.id).where(Body.slug == slug)):
            raise RuleBroken(_("The address name %(slug)s is already used.", slug=slug), "slug")
        if _has_announced_meetings(body):
            raise RuleBroken(
                _(
                    "The address name stays once the body has announced meetings: residents "
                    "subscribe to its calendar at /calendar/bodies/%(slug)s.ics.",
                    slug=body.slug,
                ),
                "slug",
            )
    before = snapshot(body, *BODY_FIELDS)
    for field, value in changes.items():
        setattr(body, field, value)
    if any(before[field] != snapshot(body, field)[field] for field in ("name", "level")):
        # Every announced meeting of the body reads differently now: calendars replace them.
        now = utcnow()
        db.session.execute(
            update(Meeting)
            .where(Meeting.body_id == body.id, Meeting.review_state == ReviewState.APPROVED)
            .values(revision=Meeting.revision + 1, revised_at=now)
        )
    record_change(
        "body.update",
        body,
        actor=actor,
        summary=body.name,
        before=before,
        after=snapshot(body, *BODY_FIELDS),
    )


def _has_announced_meetings(body: Body) -> bool:
    announced = Meeting.public().with_only_columns(Meeting.id).where(Meeting.body_id == body.id)
    return db.session.scalar(announced.limit(1)) is not None


def save_body(body: Body | None, *, actor: User, **fields: object) -> Body:
    """Create a body (`body` None) or change an existing one, from the same form."""
    if body is None:
        return create_body(actor=actor, **fields)
    update_body(body, actor=actor, **fields)
    return body
