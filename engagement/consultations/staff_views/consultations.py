"""Preparing a consultation, its documents (opened by staff before publication too) and
extension, and its feedback report."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import utcnow
from core.files import send_stored, store_upload
from core.runner import form_status, run_action, run_for_form
from core.web import content_choice, query_int, render_page
from engagement.consultations import operations
from engagement.consultations.forms import (
    ConsultationDocumentForm,
    ConsultationForm,
    ExtendForm,
    FeedbackForm,
)
from engagement.consultations.models import (
    Consultation,
    ConsultationDocument,
    disposition_counts,
)
from engagement.consultations.queries import (
    comment_counts,
    consultation_public_page,
    items_awaiting_consultation,
)
from engagement.consultations.staff_views import bp, consultation_or_404
from extensions import db
from meetings.models import AgendaItem


def _item_choices() -> list[tuple[int, str, dict[str, str]]]:
    items = items_awaiting_consultation(utcnow())
    return [content_choice(item.id, f"{item.meeting.title} · {item.title}") for item in items]


def _consultation_fields(form: ConsultationForm) -> dict[str, Any]:
    return {
        "title": form.title.data.strip(),
        "draft_text": form.draft_text.data,
        "explanation": form.explanation.data,
        "other_channels": form.other_channels.data or None,
        "opens_at": form.opens_at.utc,
        "closes_at": form.closes_at.utc,
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
    return render_page("consultations/staff/list.html", consultations=rows, now=utcnow())


@bp.route("/consultations/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def consultation_new() -> Response:
    form = ConsultationForm()
    form.agenda_item_id.choices = _item_choices()
    if request.method == "GET" and request.args.get("item"):
        form.agenda_item_id.data = query_int("item")
    if form.validate_on_submit():
        item = db.get_or_404(AgendaItem, form.agenda_item_id.data)
        prepared = run_for_form(
            form,
            lambda: operations.open_consultation(
                item, actor=current_user, **_consultation_fields(form)
            ),
            done=_("Consultation prepared. Submit it for review to publish it."),
            then=lambda consultation: consultation.staff_url(),
        )
        if prepared:
            return prepared
    return render_page(
        "consultations/staff/consultation_form.html",
        form=form,
        consultation=None,
        status=form_status(form),
    )


@bp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def consultation(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    form = ConsultationForm(obj=consultation)
    form.agenda_item_id.choices = [
        content_choice(consultation.agenda_item_id, consultation.agenda_item.title)
    ]
    if form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.update_consultation(
                consultation, actor=current_user, **_consultation_fields(form)
            ),
            done=_("Changes saved."),
            then=consultation.staff_url(),
        )
        if saved:
            return saved
    return _consultation_page(consultation, form, ExtendForm())


def _consultation_page(
    consultation: Consultation, form: ConsultationForm, extend_form: ExtendForm
) -> Response:
    now = utcnow()
    return render_page(
        "consultations/staff/consultation.html",
        consultation=consultation,
        form=form,
        document_form=ConsultationDocumentForm(),
        extend_form=extend_form,
        counts=comment_counts(consultation),
        now=now,
        # Until it is approved, the page shows what the public will see on approval.
        page=None if consultation.is_public else consultation_public_page(consultation, now),
        status=422 if form.errors or extend_form.errors else 200,
    )


@bp.post("/consultations/<int:consultation_id>/documents")
@permission_required(Permission.EDIT)
def consultation_document_upload(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    form = ConsultationDocumentForm()
    back = consultation.staff_url() + "#documents"
    if not form.validate_on_submit():
        flash(_("Choose a file."), "error")
        return redirect(back, code=303)
    return run_action(
        lambda: operations.attach_consultation_document(
            consultation, store_upload(form.document.data, field="document"), actor=current_user
        ),
        done=_("Document attached."),
        then=back,
    )


@bp.get("/documents/consultation/<int:document_id>/<path:name>")
@permission_required(Permission.EDIT, Permission.REVIEW)
def document(document_id: int, name: str) -> Response:
    """A consultation's document for staff, before publication too: what the reviewer opens
    from the preview. Served as the public route serves it, and never cached."""
    document = db.get_or_404(ConsultationDocument, document_id)
    return send_stored(
        document.stored_name, document.content_type, document.original_name, staff_only=True
    )


@bp.post("/consultations/<int:consultation_id>/extend")
@permission_required(Permission.EDIT)
def consultation_extend(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    form = ExtendForm()
    if form.validate_on_submit():
        extended = run_for_form(
            form,
            lambda: operations.extend_consultation(
                consultation,
                form.new_closes_at.utc,
                form.reason.data,
                actor=current_user,
            ),
            done=_("The consultation now closes later; the reason is shown publicly."),
            then=consultation.staff_url(),
        )
        if extended:
            return extended
    edit_form = ConsultationForm(formdata=None, obj=consultation)
    return _consultation_page(consultation, edit_form, form)


# Feedback report --------------------------------------------------------------------------


@bp.route("/consultations/<int:consultation_id>/feedback", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def feedback(consultation_id: int) -> Response:
    consultation = consultation_or_404(consultation_id)
    report = consultation.feedback
    form = FeedbackForm(obj=report)
    if form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.save_feedback_report(
                consultation, form.summary.data, actor=current_user
            ),
            done=_("Feedback report saved. Submit it for review to publish it."),
            then=url_for("consultation_staff.feedback", consultation_id=consultation.id),
        )
        if saved:
            return saved
    now = utcnow()
    unpublished = report is not None and not report.is_public
    return render_page(
        "consultations/staff/feedback.html",
        consultation=consultation,
        report=report,
        form=form,
        counts=disposition_counts(consultation.id),
        now=now,
        # Until the report is approved, what the consultation's page will show once it is.
        page=consultation_public_page(consultation, now, with_feedback=True)
        if unpublished
        else None,
        status=form_status(form),
    )
