"""What review asks of one person, for the staff start page: their own drafts and the work
returned to them with the reviewer's note, and what waits for them to review. One query
per reviewable kind for each, whatever the number of items: the first few with the
total, the records their titles need joined in."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from core.audit import AuditEntry, subject_type_of
from core.review.models import REVIEWABLE_KINDS, Reviewable, ReviewState
from core.review.operations import NOT_WORK_ON_CONTENT
from core.start_page import ROWS, StartResult, StartRow
from core.web import office_time, with_content
from extensions import db

if TYPE_CHECKING:
    from core.accounts.models import User

_EDITABLE = (ReviewState.DRAFT, ReviewState.RETURNED)


def my_work(user: User, now: datetime) -> StartResult:
    """The person's drafts and what was returned to them, across every kind: returned
    first (oldest submission first, with the note), then drafts, newest first."""
    found: list[tuple[int, Reviewable]] = []
    total = returned = 0
    for position, model in enumerate(REVIEWABLE_KINDS.values()):
        is_returned = model.review_state == ReviewState.RETURNED
        rows = db.session.execute(
            select(
                model,
                func.count().over(),
                func.sum(case((is_returned, 1), else_=0)).over(),
            )
            .where(model.author_id == user.id, model.review_state.in_(_EDITABLE))
            .options(joinedload(model.reviewed_by), *model.review_title_options())
            .order_by(case((is_returned, 0), else_=1), model.submitted_at, model.id.desc())
            .limit(ROWS)
        ).all()
        found.extend((position, item) for item, _total, _returned in rows)
        if rows:
            total += rows[0][1]
            returned += int(rows[0][2] or 0)

    def first_returned(entry: tuple[int, Reviewable]) -> tuple[float, ...]:
        position, item = entry
        if item.review_state == ReviewState.RETURNED:
            submitted = item.submitted_at.timestamp() if item.submitted_at else 0.0
            return (0, submitted, position, item.id)
        return (1, 0.0, position, -item.id)  # drafts, never submitted: newest first

    shown = [item for _position, item in sorted(found, key=first_returned)[:ROWS]]
    parts = []
    if returned:
        parts.append(
            ngettext(
                "%(num)d item was returned to you for changes.",
                "%(num)d items were returned to you for changes.",
                returned,
            )
        )
    if total - returned:
        parts.append(
            ngettext("%(num)d draft is yours.", "%(num)d drafts are yours.", total - returned)
        )
    return StartResult(total, " ".join(parts), [_my_row(item) for item in shown])


def _my_row(item: Reviewable) -> StartRow:
    if item.review_state == ReviewState.RETURNED:
        by = item.reviewed_by.display_name if item.reviewed_by else "—"
        detail = Markup(" · ").join(
            [item.review_kind_label, with_content(_("returned by %(who)s"), who=by)]
        )
        return StartRow(item.review_title, item.staff_url(), detail, note=item.review_note)
    detail = Markup(" · ").join([item.review_kind_label, item.review_state.label])
    return StartRow(item.review_title, item.staff_url(), detail)


def awaiting_my_review(user: User, now: datetime) -> StartResult:
    """What is submitted and this person may approve, oldest submission first: not what
    they wrote, submitted or changed themselves (as the item's own audit entries tell;
    approval still checks every part of the content)."""
    found: list[Reviewable] = []
    total = 0
    for model in REVIEWABLE_KINDS.values():
        worked_on = (
            select(AuditEntry.id)
            .where(
                AuditEntry.subject_type == subject_type_of(model),
                AuditEntry.subject_id == model.id,
                AuditEntry.actor_id == user.id,
                AuditEntry.action.not_in(NOT_WORK_ON_CONTENT),
            )
            .exists()
        )
        rows = db.session.execute(
            select(model, func.count().over())
            .where(
                model.review_state == ReviewState.SUBMITTED,
                model.author_id != user.id,
                ~worked_on,
            )
            .options(joinedload(model.author), *model.review_title_options())
            .order_by(model.submitted_at, model.id)
            .limit(ROWS)
        ).all()
        found.extend(item for item, _count in rows)
        total += rows[0][1] if rows else 0
    shown = sorted(found, key=lambda item: (item.submitted_at, item.id))[:ROWS]
    return StartResult(
        total,
        ngettext(
            "%(num)d item waits for your review.", "%(num)d items wait for your review.", total
        ),
        [_review_row(item) for item in shown],
        more_url=url_for("review.review_queue"),
    )


def _review_row(item: Reviewable) -> StartRow:
    detail = Markup(" · ").join(
        [
            item.review_kind_label,
            with_content(_("prepared by %(who)s"), who=item.author.display_name),
            _("submitted %(when)s", when=office_time(item.submitted_at)),
        ]
    )
    # A kind the queue shows whole is approved there and on its page; the others on their
    # page, below the preview of what the public will see.
    url = item.staff_url() if item.queue_preview else item.preview_url()
    return StartRow(item.review_title, url, detail)
