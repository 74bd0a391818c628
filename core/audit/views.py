"""The audit log page, in the reader's language and office time, with filters by person,
action, record type and office-time day."""

from __future__ import annotations

from flask import Blueprint, Response, request
from sqlalchemy import select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.audit.forms import filter_form
from core.audit.models import AuditEntry
from core.audit.reading import read_entries
from core.audit.vocabulary import vocabulary
from core.web import query_int, render_page
from extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.get("/")
@permission_required(Permission.VIEW_AUDIT)
def audit_log() -> Response:
    words = vocabulary()
    form = filter_form(request.args, words)
    entries = lines = None
    if form.validate():
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        entries = db.paginate(
            form.apply(query), page=query_int("page", 1), per_page=50, error_out=False
        )
        lines = read_entries(entries.items, words)
    return render_page(
        "audit/staff/log.html",
        "audit/staff/_log.html",
        status=200 if entries is not None else 422,
        form=form,
        entries=entries,
        lines=lines,
        filters=form.query_args(),
    )
