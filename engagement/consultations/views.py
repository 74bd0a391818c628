"""Public consultation pages: the list, one consultation with its comment form, the
resident's own comment page, and the consultation's documents."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.clock import utcnow
from core.files import send_stored
from core.runner import run_for_form
from core.web import query_int, recovers_expired_form, render_page
from engagement.consultations import operations
from engagement.consultations.forms import CommentForm
from engagement.consultations.models import (
    MAX_COMMENT_LENGTH,
    Comment,
    Consultation,
    ConsultationDocument,
)
from engagement.consultations.queries import (
    consultation_public_page,
    public_consultation_or_404,
    public_consultations,
)
from extensions import db, limiter

bp = Blueprint("consultations", __name__)

COMMENT_RATE_LIMIT = "5 per 10 minutes;20 per day"


@bp.get("/consultations/")
def consultation_list() -> Response:
    now = utcnow()
    consultations = db.paginate(
        public_consultations(now), page=query_int("page", 1), per_page=20, error_out=False
    )
    return render_page("consultations/list.html", consultations=consultations, now=now)


def _consultation_page(consultation: Consultation, form: CommentForm, status: int = 200):
    return render_page(
        "consultations/consultation.html",
        consultation=consultation,
        page=consultation_public_page(consultation, utcnow()),
        form=form,
        max_comment_length=MAX_COMMENT_LENGTH,
        status=status,
    )


@bp.get("/consultations/<int:consultation_id>")
def consultation_page(consultation_id: int) -> Response:
    return _consultation_page(public_consultation_or_404(consultation_id), CommentForm())


def _too_many_comments(_limit: object) -> Response:
    """Over the per-address limit: the page again with everything typed still there."""
    consultation = public_consultation_or_404(request.view_args["consultation_id"])
    form = CommentForm()
    form.form_errors.append(
        _(
            "Too many comments from your connection just now. "
            "Please wait a few minutes and send again."
        )
    )
    return _consultation_page(consultation, form, status=429)


def _expired_form() -> Response | None:
    """The form's token no longer matches (e.g. the phone's browser was restarted): show
    everything again with a fresh token, so sending once more is all it takes."""
    consultation = db.session.scalar(
        Consultation.public().where(Consultation.id == request.view_args["consultation_id"])
    )
    if consultation is None:
        return None
    form = CommentForm()
    form.form_errors.append(
        _("The page had expired, so your comment was not sent yet. Check it and press Send again.")
    )
    return _consultation_page(consultation, form, status=400)


def _sent(response: Response) -> bool:
    return response.status_code == 303  # only comments actually stored count to the limit


def _receipt_page(comment: Comment) -> str:
    return url_for("consultations.comment_status", token=comment.token) + "#receipt"


@bp.post("/consultations/<int:consultation_id>/comments")
@limiter.limit(COMMENT_RATE_LIMIT, on_breach=_too_many_comments, deduct_when=_sent)
@recovers_expired_form(_expired_form)
def comment_submit(consultation_id: int) -> Response:
    consultation = public_consultation_or_404(consultation_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            stored = run_for_form(
                form,
                lambda: operations.submit_comment(
                    consultation,
                    body=form.body.data,
                    name=form.name.data,
                    show_name=not form.hide_name.data,
                    phone=form.phone.data,
                    email=form.email.data,
                    community=form.community.data,
                    consented=form.consent.data,
                    suspected_automation=bool(form.website.data),
                    submission_key=form.submission_key.data,
                ),
                done=None,
                then=_receipt_page,
            )
        except IntegrityError:
            # The same form arrived twice at the same moment: the other request stored it
            # (the runner has rolled this one back).
            comment = db.session.scalar(
                select(Comment).where(Comment.submission_key == form.submission_key.data)
            )
            return redirect(_receipt_page(comment), code=303)
        if stored is not None:
            return stored
    return _consultation_page(consultation, form, status=422)


@bp.get("/comments/<token>")
def comment_status(token: str) -> Response:
    """The resident's own page for one comment: receipt, status, reply."""
    comment = db.session.scalar(select(Comment).where(Comment.token == token))
    if comment is None or len(token) < 20:
        abort(404)
    response = render_page("consultations/comment_status.html", comment=comment)
    response.headers["Cache-Control"] = "private, no-store"  # a private link
    return response


@bp.get("/consultation-documents/<int:document_id>/<path:name>")
def consultation_document(document_id: int, name: str) -> Response:
    document = db.session.scalar(
        select(ConsultationDocument)
        .join(ConsultationDocument.consultation)
        .where(
            ConsultationDocument.id == document_id,
            Consultation.id.in_(Consultation.public().with_only_columns(Consultation.id)),
        )
    )
    if document is None:
        abort(404)
    return send_stored(document.stored_name, document.content_type, document.original_name)
