"""Review steps: submit, approve (publish), return. Each flushes, writes the audit log and
never commits. Whoever changed the content cannot approve it: the audit log says who."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from core.accounts.models import Permission
from core.audit import AuditEntry, record_change, subject_type_of
from core.clock import utcnow
from core.review.models import REVIEWABLE_KINDS, Reviewable, ReviewState
from core.rules import RuleBroken
from extensions import db

if TYPE_CHECKING:
    from core.accounts.models import User


# Audit entries on content that are not work on it: reviewing it, or signing in.
NOT_WORK_ON_CONTENT = ("review.approve", "review.return", "staff.login")


def contributors(item: Reviewable) -> set[int]:
    """Ids of staff who changed the content or any of its parts, from the audit log: one
    query, with one condition per kind of part (`Reviewable.content_parts`)."""
    parts = or_(
        *(
            and_(AuditEntry.subject_type == subject_type_of(model), AuditEntry.subject_id.in_(ids))
            for model, ids in item.content_parts()
        )
    )
    rows = db.session.scalars(
        select(AuditEntry.actor_id).where(
            parts,
            AuditEntry.actor_id.is_not(None),
            AuditEntry.action.not_in(NOT_WORK_ON_CONTENT),
        )
    )
    return set(rows) | {item.author_id}


def _refuse_if_not_ready(item: Reviewable) -> None:
    blockers = item.review_blockers()
    if blockers:
        raise RuleBroken(" ".join(blockers))


def submit_for_review(item: Reviewable, *, actor: User) -> None:
    if not actor.can(Permission.EDIT):
        raise RuleBroken(_("Your role cannot submit content for review."))
    if not item.is_editable:
        raise RuleBroken(_("Only a draft or returned item can be submitted."))
    _refuse_if_not_ready(item)
    item.review_state = ReviewState.SUBMITTED
    item.submitted_at = utcnow()
    record_change(
        "review.submit",
        item,
        actor=actor,
        summary=item.audit_title,
        after={"review_state": item.review_state.value},
    )


def approve(item: Reviewable, *, actor: User) -> None:
    """Approve and publish. Refused to anyone who changed or submitted the content."""
    if not actor.can(Permission.REVIEW):
        raise RuleBroken(_("Your role cannot approve content."))
    if item.review_state != ReviewState.SUBMITTED:
        raise RuleBroken(_("Only content awaiting review can be approved."))
    if actor.id in contributors(item):
        raise RuleBroken(_("You worked on this content, so another reviewer must approve it."))
    _refuse_if_not_ready(item)
    item.review_state = ReviewState.APPROVED
    item.reviewed_by = actor
    item.review_note = None
    item.published_at = utcnow()
    item.on_published(actor)
    record_change(
        "review.approve",
        item,
        actor=actor,
        summary=item.audit_title,
        before={"review_state": ReviewState.SUBMITTED.value},
        after={"review_state": item.review_state.value},
    )


def return_for_changes(item: Reviewable, note: str, *, actor: User) -> None:
    if not actor.can(Permission.REVIEW):
        raise RuleBroken(_("Your role cannot review content."))
    if item.review_state != ReviewState.SUBMITTED:
        raise RuleBroken(_("Only content awaiting review can be returned."))
    if not note.strip():
        raise RuleBroken(_("Say what needs to change."))
    item.review_state = ReviewState.RETURNED
    item.reviewed_by = actor
    item.review_note = note.strip()
    record_change(
        "review.return",
        item,
        actor=actor,
        summary=item.audit_title,
        before={"review_state": ReviewState.SUBMITTED.value},
        after={"review_state": item.review_state.value, "note": item.review_note},
    )


def awaiting_review() -> list[Reviewable]:
    """Everything submitted, oldest first, across every reviewable kind."""
    items: list[Reviewable] = []
    for model in REVIEWABLE_KINDS.values():
        items.extend(
            db.session.scalars(
                select(model)
                .where(model.review_state == ReviewState.SUBMITTED)
                .options(*model.review_queue_options())
            )
        )
    return sorted(items, key=lambda item: item.submitted_at or utcnow())
