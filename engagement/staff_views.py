"""Staff pages for consultations: prepare, extend, moderate, answer, report, export."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engagement import operations
from engagement.forms import (
    AnswerForm,
    ConsultationDocumentForm,
    ConsultationForm,
    ExtendForm,
    FeedbackForm,
    StaffCommentForm,
)
from engagement.models import (
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    Disposition,
    disposition_counts,
)
from engagement.operations import ConsultationRuleBroken
from engagement.views import comment_counts
from extensions import db
from meetings.clock import from_office_time, office_wall_clock, to_office_time, utcnow
from meetings.files import UploadRefused, store_upload
from meetings.mail import OutgoingMail, send_queued
from meetings.models import AgendaItem, Meeting
from meetings.staff.access import permission_required
from meetings.staff.models import Permission
from meetings.web import is_fragment_request, query_int, render_page

bp = Blueprint("consultation_staff", __name__, url_prefix="/admin")

QUEUE_PAGE_SIZE = 50


def consultation_or_404(consultation_id: int) -> Consultation:
    return db.get_or_404(Consultation, consultation_id)


def _item_choices(current: Consultation | None) -> list[tuple[int, str]]:
    """Major-decision items of meetings that have not started, without a consultation."""
    taken = select(Consultation.agenda_item_id)
    if current is not None:
        taken = taken.where(Consultation.id != current.id)
    items = db.session.scalars(
        select(AgendaItem)
        .join(AgendaItem.meeting)
        .where(
            AgendaItem.is_major_decision.is_(True),
            AgendaItem.removed_at.is_(None),
            Meeting.starts_at > utcnow(),
            AgendaItem.id.not_in(taken),
        )
        .order_by(Meeting.starts_at, AgendaItem.position)
    ).all()
    return [(item.id, f"{item.meeting.title} · {item.title}") for item in items]


def _show_error(form: FlaskForm, error: ConsultationRuleBroken) -> None:
    """Put a rule's message next to its field (or at the top when it has none)."""
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(str(error))


def _consultation_fields(form: ConsultationForm) -> dict[str, Any]:
    return {
        "title": form.title.data.strip(),
        "draft_text": form.draft_text.data,
        "explanation": form.explanation.data,
        "other_channels": form.other_channels.data or None,
        "opens_at": from_office_time(form.opens_at.data),
        "closes_at": from_office_time(form.closes_at.data),
        "short_period_reason": (form.short_period_reason.data or "").strip() or None,
    }


@bp.get("/consultations/")
@permission_required(Permission.EDIT, Permission.REVIEW)
def consultations() -> Response:
    rows = db.session.scalars(
        select(Consultation)
        .options(selectinload(Consultation.feedback))
        .order_by(Consultation.closes_at.desc())
    ).all()
    return render_page("engagement/staff_consultations.html", consultations=rows, now=utcnow())


@bp.route("/consultations/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def consultation_new() -> Response:
    form = ConsultationForm()
    form.agenda_item_id.choices = _item_choices(None)
    if request.method == "GET" and request.args.get("item"):
        form.agenda_item_id.data = query_int("item")
    if form.validate_on_submit():
        item = db.get_or_404(AgendaItem, form.agenda_item_id.data)
        try:
            consultation = operations.open_consultation(
                item, actor=current_user, **_consultation_fields(form)
            )
        except ConsultationRuleBroken as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Consultation prepared. Submit it for review to publish it."), "success")
            return redirect(consultation.staff_url(), code=303)
    return render_page(
        "engagement/staff_consultation_form.html",
        form=form,
        consultation=None,
        status=422 if form.errors else 200,
    )


@bp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def consultation(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    form = ConsultationForm(
        obj=consultation,
        opens_at=office_wall_clock(consultation.opens_at),
        closes_at=office_wall_clock(consultation.closes_at),
    )
    form.agenda_item_id.choices = [(consultation.agenda_item_id, consultation.agenda_item.title)]
    if form.validate_on_submit():
        try:
            operations.update_consultation(
                consultation, actor=current_user, **_consultation_fields(form)
            )
        except ConsultationRuleBroken as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(consultation.staff_url(), code=303)
    return render_page(
        "engagement/staff_consultation.html",
        consultation=consultation,
        form=form,
        document_form=ConsultationDocumentForm(),
        extend_form=ExtendForm(),
        counts=comment_counts(consultation),
        now=utcnow(),
        status=422 if form.errors else 200,
    )


@bp.post("/consultations/<int:consultation_id>/documents")
@permission_required(Permission.EDIT)
def consultation_document_upload(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    form = ConsultationDocumentForm()
    if form.validate_on_submit():
        try:
            stored = store_upload(form.document.data)
            operations.attach_consultation_document(consultation, stored, actor=current_user)
        except (UploadRefused, ConsultationRuleBroken) as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Document attached."), "success")
    else:
        flash(_("Choose a file."), "error")
    return redirect(consultation.staff_url() + "#documents", code=303)


@bp.post("/consultations/<int:consultation_id>/extend")
@permission_required(Permission.EDIT)
def consultation_extend(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    form = ExtendForm()
    if form.validate_on_submit():
        try:
            operations.extend_consultation(
                consultation,
                from_office_time(form.new_closes_at.data),
                form.reason.data,
                actor=current_user,
            )
        except ConsultationRuleBroken as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The consultation now closes later; the reason is shown publicly."), "success")
            return redirect(consultation.staff_url(), code=303)
    edit_form = ConsultationForm(
        formdata=None,
        obj=consultation,
        opens_at=office_wall_clock(consultation.opens_at),
        closes_at=office_wall_clock(consultation.closes_at),
    )
    return render_page(
        "engagement/staff_consultation.html",
        consultation=consultation,
        form=edit_form,
        document_form=ConsultationDocumentForm(),
        extend_form=form,
        counts=comment_counts(consultation),
        now=utcnow(),
        status=422,
    )


# Moderation -------------------------------------------------------------------------------


def _queue_context(consultation: Consultation) -> dict[str, Any]:
    wanted = request.values.get("status", CommentStatus.RECEIVED.value)
    query = select(Comment).where(Comment.consultation_id == consultation.id)
    if wanted in {status.value for status in CommentStatus}:
        query = query.where(Comment.status == CommentStatus(wanted))
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
        "counts": comment_counts(consultation),
        "statuses": list(CommentStatus),
        "can_see_contacts": current_user.can(Permission.VIEW_CONTACTS),
    }


@bp.get("/consultations/<int:consultation_id>/comments")
@permission_required(Permission.EDIT, Permission.REVIEW)
def moderation(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    return render_page(
        "engagement/staff_moderation.html",
        "engagement/_moderation_queue.html",
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
    error = None
    if not chosen:
        error = _("Select at least one comment.")
    elif action not in ("publish", "reject"):
        error = _("Choose publish or reject.")
    else:
        try:
            operations.moderate_comments(
                chosen, action == "publish", request.form.get("reason"), actor=current_user
            )
        except ConsultationRuleBroken as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
    context = _queue_context(consultation)
    if error:
        context["error"] = error
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
        "engagement/staff_moderation.html",
        "engagement/_moderation_queue.html",
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
        try:
            operations.answer_comment(
                comment,
                reply=form.reply.data,
                disposition=Disposition(form.disposition.data) if form.disposition.data else None,
                disposition_reason=form.disposition_reason.data,
                actor=current_user,
            )
        except ConsultationRuleBroken as error:
            db.session.rollback()
            form.disposition_reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(
                url_for(
                    "consultation_staff.moderation",
                    consultation_id=comment.consultation_id,
                    status=comment.status.value,
                ),
                code=303,
            )
    return render_page(
        "engagement/staff_comment.html",
        comment=comment,
        form=form,
        can_see_contacts=current_user.can(Permission.VIEW_CONTACTS),
        status=422 if form.errors else 200,
    )


@bp.route("/consultations/<int:consultation_id>/comments/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def comment_enter(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    form = StaffCommentForm()
    if form.validate_on_submit():
        try:
            comment = operations.enter_comment(
                consultation,
                body=form.body.data,
                name=form.name.data,
                channel=Channel(form.channel.data),
                received_at=from_office_time(form.received_at.data),
                phone=form.phone.data,
                email=form.email.data,
                community=form.community.data,
                actor=current_user,
            )
        except ConsultationRuleBroken as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Comment %(receipt)s entered.", receipt=comment.receipt_number), "success")
            return redirect(
                url_for("consultation_staff.moderation", consultation_id=consultation.id), code=303
            )
    return render_page(
        "engagement/staff_comment_new.html",
        consultation=consultation,
        form=form,
        status=422 if form.errors else 200,
    )


@bp.get("/consultations/<int:consultation_id>/comments.csv")
@permission_required(Permission.EDIT, Permission.REVIEW)
def export_comments(consultation_id: int) -> Response:
    """All comments as CSV that Excel opens with Chinese intact (UTF-8 with a BOM)."""
    consultation = consultation_or_404(consultation_id)
    contacts = current_user.can(Permission.VIEW_CONTACTS)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    header = [
        _("Receipt number"),
        _("Received"),
        _("Channel"),
        _("Status"),
        _("Name"),
        _("Community"),
        _("Comment"),
        _("Reply"),
        _("Disposition"),
        _("Reason"),
    ]
    if contacts:
        header += [_("Phone"), _("Email")]
    writer.writerow(header)
    for comment in db.session.scalars(
        select(Comment).where(Comment.consultation_id == consultation.id).order_by(Comment.id)
    ):
        row = [
            comment.receipt_number,
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
        writer.writerow([_spreadsheet_safe(str(cell)) for cell in row])
    response = Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f"attachment; filename=comments-{consultation.id}.csv"
    return response


def _spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# Feedback report --------------------------------------------------------------------------


@bp.route("/consultations/<int:consultation_id>/feedback", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def feedback(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    report = consultation.feedback
    form = FeedbackForm(obj=report)
    if form.validate_on_submit():
        try:
            operations.save_feedback_report(consultation, form.summary.data, actor=current_user)
        except ConsultationRuleBroken as error:
            db.session.rollback()
            form.summary.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Feedback report saved. Submit it for review to publish it."), "success")
            return redirect(
                url_for("consultation_staff.feedback", consultation_id=consultation.id), code=303
            )
    return render_page(
        "engagement/staff_feedback.html",
        consultation=consultation,
        report=report,
        form=form,
        counts=disposition_counts(consultation.id),
        status=422 if form.errors else 200,
    )


# Outbox ----------------------------------------------------------------------------------


@bp.get("/outbox/")
@permission_required(Permission.MANAGE_STAFF)
def outbox() -> Response:
    messages = db.paginate(
        select(OutgoingMail).order_by(OutgoingMail.id.desc()),
        page=query_int("page", 1),
        per_page=50,
        error_out=False,
    )
    return render_page("engagement/staff_outbox.html", messages=messages)


@bp.post("/outbox/retry")
@permission_required(Permission.MANAGE_STAFF)
def outbox_retry() -> Response:
    sent = send_queued()
    flash(_("%(count)d messages sent.", count=sent), "success")
    return redirect(url_for("consultation_staff.outbox"), code=303)
