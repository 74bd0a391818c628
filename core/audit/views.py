"""The audit log page, with filters by person, action, record type and office-time day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, request
from sqlalchemy import select

from core.accounts.access import permission_required
from core.accounts.models import Permission, User
from core.audit.models import AuditEntry
from core.clock import office_zone
from core.web import query_int, render_page
from extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _office_midnight(value: str | None) -> datetime | None:
    """The start of a typed day (YYYY-MM-DD) in office time, or None when it is not a date."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return datetime.combine(day, time(), tzinfo=office_zone())


@bp.get("/")
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
        "audit/staff/log.html",
        "audit/staff/_rows.html",
        entries=entries,
        filters=filters,
        actors=db.session.scalars(select(User).order_by(User.username)).all(),
        subject_types=db.session.scalars(select(AuditEntry.subject_type).distinct()).all(),
    )
