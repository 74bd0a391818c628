"""Comments on a consultation: the moderation queue, replies and dispositions, comments
received by letter or phone, and the CSV export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import to_office_time
from core.rules import RuleBroken
from core.runner import attempt, form_status, run_for_form
from core.spreadsheets import csv_download
from core.web import is_fragment_request, query_int, render_page
from engagement.consultations import operations
from engagement.consultations.forms import (
    AnswerForm,
    StaffCommentForm,
)
from engagement.consultations.models import (
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    Disposition,
)
from engagement.consultations.queries import comment_counts
from engagement.consultations.staff_views import QUEUE_PAGE_SIZE, bp, consultation_or_404
from extensions import db

# Moderation -------------------------------------------------------------------------------


def _queue_context(consultation: Consultation) -> dict[str, Any]:
    wanted = request.values.get("status", CommentStatus.RECEIVED.value)
    query = select(Comment).where(Comment.consultation_id == consultation.id)
    shown = _("All comments")
    if wanted in {status.value for status in CommentStatus}:
        query = query.where(Comment.status == CommentStatus(wanted))
        shown = CommentStatus(wanted).label
    comments = db.paginate(
        query.order_by(Comment.received_at, Comment.id),
        page=query_int("page", 1),
        per_page=QUEUE_PAGE_SIZE,
        error_out=False,
    )
    return {
        "consultation": consultation,
        "comments": comments,
        "wanted": wanted,
        "shown": shown,  # what the list holds, as its heading says
        "counts": comment_counts(consultation),
        "statuses": list(CommentStatus),
        "can_see_contacts": current_user.can(Permission.VIEW_CONTACTS),
    }


@bp.get("/consultations/<int:consultation_id>/comments")
@permission_required(Permission.EDIT, Permission.REVIEW)
def moderation(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    return render_page(
        "consultations/staff/moderation.html",
        "consultations/staff/_moderation_queue.html",
        focus="tab",
        **_queue_context(consultation),
    )


@bp.post("/consultations/<int:consultation_id>/comments/moderate")
@permission_required(Permission.EDIT)
def moderate(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    ids = [int(v) for v in request.form.getlist("comment") if re.fullmatch(r"[0-9]{1,9}", v)]
    chosen = db.session.scalars(
        select(Comment).where(Comment.consultation_id == consultation.id, Comment.id.in_(ids))
    ).all()
    action = request.form.get("action")
    error, error_field = None, None
    if not chosen:
        error, error_field = _("Select at least one comment."), "comment"
    elif action not in ("publish", "reject"):
        error = _("Choose publish or reject.")
    else:
        try:
            attempt(
                lambda: operations.moderate_comments(
                    chosen, action == "publish", request.form.get("reason"), actor=current_user
                )
            )
        except RuleBroken as refused:
            error, error_field = str(refused), refused.field
    context = _queue_context(consultation)
    context["focus"] = "heading"
    if error:
        context["error"] = error
        context["error_field"] = error_field
        context["focus"] = error_field or "heading"
        context["selected"] = set(ids)
        context["reason"] = request.form.get("reason", "")
    else:
        done = _("%(count)d comments updated.", count=len(chosen))
        if not is_fragment_request():
            flash(done, "success")
            return redirect(
                url_for(
                    "consultation_staff.moderation",
                    consultation_id=consultation.id,
                    status=context["wanted"],
                ),
                code=303,
            )
        context["done"] = done
    return render_page(
        "consultations/staff/moderation.html",
        "consultations/staff/_moderation_queue.html",
        status=422 if error else 200,
        **context,
    )


@bp.route("/comments/<int:comment_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def comment(comment_id: int) -> Response:
    comment = db.get_or_404(Comment, comment_id)
    form = AnswerForm(
        obj=comment, disposition=comment.disposition.value if comment.disposition else ""
    )
    if form.validate_on_submit():
        disposition = Disposition(form.disposition.data) if form.disposition.data else None
        answered = run_for_form(
            form,
            lambda: operations.answer_comment(
                comment,
                reply=form.reply.data,
                disposition=disposition,
                disposition_reason=form.disposition_reason.data,
                actor=current_user,
            ),
            done=_("Saved."),
            then=url_for(
                "consultation_staff.moderation",
                consultation_id=comment.consultation_id,
                status=comment.status.value,
            ),
        )
        if answered:
            return answered
    return render_page(
        "consultations/staff/comment.html",
        comment=comment,
        form=form,
        can_see_contacts=current_user.can(Permission.VIEW_CONTACTS),
        status=form_status(form),
    )


@bp.route("/consultations/<int:consultation_id>/comments/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def comment_enter(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    form = StaffCommentForm()
    if form.validate_on_submit():
        entered = run_for_form(
            form,
            lambda: operations.enter_comment(
                consultation,
                body=form.body.data,
                name=form.name.data,
                channel=Channel(form.channel.data),
                received_at=form.received_at.utc,
                phone=form.phone.data,
                email=form.email.data,
                community=form.community.data,
                actor=current_user,
            ),
            done=lambda comment: _("Comment %(receipt)s entered.", receipt=comment.receipt_number),
            then=url_for("consultation_staff.moderation", consultation_id=consultation.id),
        )
        if entered:
            return entered
    return render_page(
        "consultations/staff/comment_new.html",
        consultation=consultation,
        form=form,
        status=form_status(form),
    )


@bp.get("/consultations/<int:consultation_id>/comments.csv")
@permission_required(Permission.EDIT, Permission.REVIEW)
def export_comments(consultation_id: int) -> Response:
    """All comments as CSV that Excel opens with Chinese intact (UTF-8 with a BOM)."""
    consultation = consultation_or_404(consultation_id)
    contacts = current_user.can(Permission.VIEW_CONTACTS)
    header = [
        _("Receipt number"),
        _("Received"),
        _("Channel"),
        _("Status"),
        _("Full name"),
        _("Community"),
        _("Comment"),
        _("Reply"),
        _("Disposition"),
        _("Reason"),
    ]
    if contacts:
        header += [_("Phone"), _("Email")]

    def rows() -> Iterator[list[object]]:
        for comment in db.session.scalars(
            select(Comment).where(Comment.consultation_id == consultation.id).order_by(Comment.id)
        ):
            yield _comment_row(comment, contacts)

    return csv_download(f"comments-{consultation.id}.csv", header, rows())


def _comment_row(comment: Comment, contacts: bool) -> list[object]:
    row = [
        comment.receipt_number or "",
        to_office_time(comment.received_at).strftime("%Y-%m-%d %H:%M:%S"),
        comment.channel.label,
        comment.status.label,
        comment.name,
        comment.community or "",
        comment.body,
        comment.reply or "",
        comment.disposition.label if comment.disposition else "",
        comment.disposition_reason or comment.rejection_reason or "",
    ]
    if contacts:
        row += [comment.phone or "", comment.email or ""]
    return row
