"""The administrators' outbox: every message, whether it left, and a button to retry."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.outbox.models import OutgoingMail, send_queued
from core.web import query_int, render_page
from extensions import db

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


@bp.get("/")
@permission_required(Permission.MANAGE_STAFF)
def outbox() -> Response:
    messages = db.paginate(
        select(OutgoingMail).order_by(OutgoingMail.id.desc()),
        page=query_int("page", 1),
        per_page=50,
        error_out=False,
    )
    return render_page("outbox/staff/outbox.html", messages=messages)


@bp.post("/retry")
@permission_required(Permission.MANAGE_STAFF)
def outbox_retry() -> Response:
    sent = send_queued()
    flash(_("%(count)d messages sent.", count=sent), "success")
    return redirect(url_for("outbox.outbox"), code=303)
