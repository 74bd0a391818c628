"""The administrators' outbox: every message, mail and text, whether it left, and a button
to send again what did not."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.outbox.models import OutgoingMail, TextMessage, send_queued, send_queued_texts
from core.sms import gateway_configured
from core.web import query_int, render_page
from extensions import db

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


def _unsent(model: type[OutgoingMail] | type[TextMessage]) -> int:
    return db.session.scalar(select(func.count(model.id)).where(model.sent_at.is_(None))) or 0


@bp.get("/")
@permission_required(Permission.MANAGE_STAFF)
def outbox() -> Response:
    """Mail by default; `?kind=texts` lists the text messages instead."""
    texts = request.args.get("kind") == "texts"
    model = TextMessage if texts else OutgoingMail
    messages = db.paginate(
        select(model).order_by(model.id.desc()),
        page=query_int("page", 1),
        per_page=50,
        error_out=False,
    )
    return render_page(
        "outbox/staff/outbox.html",
        messages=messages,
        texts=texts,
        unsent_mail=_unsent(OutgoingMail),
        unsent_texts=_unsent(TextMessage),
        gateway=gateway_configured(),
    )


@bp.post("/retry")
@permission_required(Permission.MANAGE_STAFF)
def outbox_retry() -> Response:
    sent = send_queued() + send_queued_texts()
    flash(_("%(count)d messages sent.", count=sent), "success")
    return redirect(url_for("outbox.outbox"), code=303)
