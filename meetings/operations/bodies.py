"""Organising bodies: created and renamed by administrators."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.rules import RuleBroken
from extensions import db
from meetings.models import (
    Body,
    BodyLevel,
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
    taken = (
        slug and slug != body.slug and db.session.scalar(select(Body.id).where(Body.slug == slug))
    )
    if taken:
        raise RuleBroken(_("The address name %(slug)s is already used.", slug=slug), "slug")
    before = snapshot(body, *BODY_FIELDS)
    for field, value in changes.items():
        setattr(body, field, value)
    record_change(
        "body.update",
        body,
        actor=actor,
        summary=body.name,
        before=before,
        after=snapshot(body, *BODY_FIELDS),
    )


def save_body(body: Body | None, *, actor: User, **fields: object) -> Body:
    """Create a body (`body` None) or change an existing one, from the same form."""
    if body is None:
        return create_body(actor=actor, **fields)
    update_body(body, actor=actor, **fields)
    return body
