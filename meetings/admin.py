"""The staff area's shared pages: the start page, the review queue and the audit log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from meetings import review
from meetings.audit import AuditEntry
from meetings.clock import office_zone
from meetings.staff.access import permission_required, staff_required
from meetings.staff.models import Permission, User
from meetings.web import query_int, render_page, safe_next_url

bp = Blueprint("office", __name__, url_prefix="/admin")


@bp.get("/")
@staff_required
def dashboard() -> Response:
    return render_page("admin/dashboard.html", awaiting=review.awaiting_review())


@bp.get("/review/")
@permission_required(Permission.REVIEW)
def review_queue() -> Response:
    return render_page("admin/review_queue.html", items=review.awaiting_review())


def reviewable_or_404(kind: str, item_id: int) -> review.Reviewable:
    model = review.REVIEWABLE_KINDS.get(kind)
    if model is None:
        abort(404)
    return db.get_or_404(model, item_id)


def _back_to(item: review.Reviewable) -> Response:
    return redirect(safe_next_url(request.form.get("next"), item.staff_url()), code=303)


def _review_step(step, item: review.Reviewable, done_message: str, **arguments) -> Response:
    try:
        step(item, actor=current_user, **arguments)
    except review.ReviewRefused as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done_message, "success")
    return _back_to(item)


@bp.post("/review/<kind>/<int:item_id>/submit")
@permission_required(Permission.EDIT)
def submit(kind: str, item_id: int) -> Response:
    item = reviewable_or_404(kind, item_id)
    return _review_step(review.submit_for_review, item, _("Submitted for review."))


@bp.post("/review/<kind>/<int:item_id>/approve")
@permission_required(Permission.REVIEW)
def approve(kind: str, item_id: int) -> Response:
    item = reviewable_or_404(kind, item_id)
    return _review_step(review.approve, item, _("Approved; it is now public."))


@bp.post("/review/<kind>/<int:item_id>/return")
@permission_required(Permission.REVIEW)
def return_for_changes(kind: str, item_id: int) -> Response:
    item = reviewable_or_404(kind, item_id)
    note = request.form.get("note", "")
    return _review_step(
        review.return_for_changes, item, _("Returned to its author with your note."), note=note
    )


def _office_midnight(value: str | None) -> datetime | None:
    """The start of a typed day (YYYY-MM-DD) in office time, or None when it is not a date."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return datetime.combine(day, time(), tzinfo=office_zone())


@bp.get("/audit/")
@permission_required(Permission.VIEW_AUDIT)
def audit_log() -> Response:
    filters = {
        key: request.args.get(key, "").strip()
        for key in ("actor", "action", "subject", "from", "to")
    }
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if (actor_id := query_int("actor")) is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if filters["action"]:
        query = query.where(AuditEntry.action.startswith(filters["action"]))
    if filters["subject"]:
        query = query.where(AuditEntry.subject_type == filters["subject"])
    if (start := _office_midnight(filters["from"])) is not None:
        query = query.where(AuditEntry.at >= start)
    if (end := _office_midnight(filters["to"])) is not None:
        query = query.where(AuditEntry.at < end + timedelta(days=1))
    entries = db.paginate(query, page=query_int("page", 1), per_page=50, error_out=False)
    return render_page(
        "admin/audit.html",
        "admin/_audit_rows.html",
        entries=entries,
        filters=filters,
        actors=db.session.scalars(select(User).order_by(User.username)).all(),
        subject_types=db.session.scalars(select(AuditEntry.subject_type).distinct()).all(),
    )
