"""Public consultation pages: the list, one consultation with its comment form, the
resident's own comment page, and the consultation's documents."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.clock import utcnow
from core.errors import recovers_expired_form
from core.files import send_stored
from core.qr import qr_svg
from core.runner import run_for_form
from core.web import query_int, render_page
from engagement.consultations import operations
from engagement.consultations.forms import CommentForm
from engagement.consultations.models import (
    MAX_COMMENT_LENGTH,
    Comment,
    Consultation,
    ConsultationDocument,
)
from engagement.consultations.queries import (
    comment_by_receipt,
    consultation_public_page,
    normalise_receipt,
    public_consultation_or_404,
    public_consultations,
)
from extensions import db, limiter

bp = Blueprint("consultations", __name__)

# Per connection: generous, because a community centre or a carrier's NAT puts a whole room
# of residents behind one address; floods are also met by the hidden field, the minimum
# typing time and the same comment sent twice being stored once.
COMMENT_RATE_LIMIT = "60 per 10 minutes;300 per day"


@bp.get("/consultations/")
def consultation_list() -> Response:
    now = utcnow()
    consultations = db.paginate(
        public_consultations(now), page=query_int("page", 1), per_page=20, error_out=False
    )
    return render_page("consultations/list.html", consultations=consultations, now=now)


def _consultation_page(
    consultation: Consultation,
    form: CommentForm,
    status: int = 200,
    *,
    not_sent: str | None = None,
):
    """The public page; `not_sent` says why what the resident sent could not be accepted
    at all (the period closed), shown with their text instead of a form."""
    return render_page(
        "consultations/consultation.html",
        consultation=consultation,
        page=consultation_public_page(consultation, utcnow()),
        form=form,
        not_sent=not_sent,
        max_comment_length=MAX_COMMENT_LENGTH,
        status=status,
    )


@bp.get("/consultations/<int:consultation_id>")
def consultation_page(consultation_id: int) -> Response:
    return _consultation_page(public_consultation_or_404(consultation_id), CommentForm())


def _closed_page(consultation: Consultation) -> Response:
    """Comments are not taken now (not open yet, closed, the meeting cancelled): say so
    first, and give back the text to keep (no form to correct)."""
    form = CommentForm()
    return _consultation_page(
        consultation,
        form,
        status=409,
        not_sent=operations.not_taking_comments_message(consultation, utcnow()),
    )


def _not_taking_comments() -> bool:
    """A closed consultation is answered as closed, before any limit on sending."""
    consultation = db.session.scalar(
        Consultation.public().where(Consultation.id == request.view_args["consultation_id"])
    )
    return consultation is None or not consultation.accepts_comments_at(utcnow())


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
    if not consultation.accepts_comments_at(utcnow()):
        return _closed_page(consultation)
    form = CommentForm()
    form.form_errors.append(
        _("The page had expired, so your comment was not sent yet. Check it and press Send again.")
    )
    return _consultation_page(consultation, form, status=400)


def _stored_a_new_comment(response: Response) -> bool:
    # Only comments actually stored count to the limit: a second tap, or Back and send,
    # lands on the first receipt and costs nothing.
    return response.status_code == 303 and g.get("new_comment", False)


def _receipt_page(comment: Comment) -> str:
    return url_for("consultations.comment_status", token=comment.token) + "#receipt"


@bp.get("/consultations/<int:consultation_id>/comments")
def comment_submit_again(consultation_id: int) -> Response:
    """Reloading the page shown after a refused send (its address is the form's): back to
    the consultation, at its form."""
    return redirect(
        url_for("consultations.consultation_page", consultation_id=consultation_id) + "#comment",
        code=303,
    )


@bp.post("/consultations/<int:consultation_id>/comments")
@limiter.limit(
    COMMENT_RATE_LIMIT,
    on_breach=_too_many_comments,
    deduct_when=_stored_a_new_comment,
    exempt_when=_not_taking_comments,
)
@recovers_expired_form(_expired_form)
def comment_submit(consultation_id: int) -> Response:
    consultation = public_consultation_or_404(consultation_id)
    if not consultation.accepts_comments_at(utcnow()):
        return _closed_page(consultation)
    form = CommentForm()
    if form.validate_on_submit():

        def store() -> Comment:
            started = utcnow()
            comment = operations.submit_comment(
                consultation,
                body=form.body.data,
                name=form.name.data,
                show_name=not form.hide_name.data,
                phone=form.phone.data,
                email=form.email.data,
                community=form.community.data,
                consented=form.consent.data,
                suspected_automation=bool(form.website.data),
                sent_too_fast=form.sent_too_fast(),
                submission_key=form.submission_key.data,
            )
            g.new_comment = comment.received_at >= started  # not one sent before
            return comment

        try:
            stored = run_for_form(form, store, done=None, then=_receipt_page)
        except IntegrityError:
            # The same form arrived twice at the same moment: the other request stored it
            # (the runner has rolled this one back).
            comment = db.session.scalar(
                select(Comment).where(Comment.submission_key == form.submission_key.data)
            )
            return redirect(_receipt_page(comment), code=303)
        if stored is not None:
            return stored
        if not consultation.accepts_comments_at(utcnow()):  # closed while it was being sent
            return _closed_page(consultation)
    return _consultation_page(consultation, form, status=422)


@bp.get("/comments/<token>")
def comment_status(token: str) -> Response:
    """The resident's own page for one comment: receipt, status, reply, disposition, and
    the private link itself to copy, bookmark or photograph as a QR code."""
    comment = db.session.scalar(select(Comment).where(Comment.token == token))
    if comment is None or len(token) < 20:
        abort(404)
    link = comment.status_url()
    response = render_page(
        "consultations/comment_status.html",
        comment=comment,
        link=link,
        qr=qr_svg(link, _("QR code of the link to this page")),
    )
    response.headers["Cache-Control"] = "private, no-store"  # a private link
    return response


@bp.get("/receipts/")
def receipt_lookup() -> Response:
    """What anyone may know about a comment from its receipt number alone: received,
    published or not, answered, its disposition. Never its text before publication, nor
    who sent it."""
    typed = request.args.get("number", "")
    number = normalise_receipt(typed)
    comment = comment_by_receipt(number) if number else None
    not_found = bool(typed.strip()) and comment is None
    return render_page(
        "consultations/receipt_lookup.html",
        typed=typed,
        comment=comment,
        not_found=not_found,
        status=404 if not_found else 200,
    )


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
