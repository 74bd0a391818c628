"""Public pages of the public taking part: the home page, consultations and comments."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from engagement import operations
from engagement.forms import CommentForm
from engagement.models import (
    MAX_COMMENT_LENGTH,
    Comment,
    CommentStatus,
    Consultation,
    ConsultationDocument,
)
from extensions import db, limiter
from meetings.clock import utcnow
from meetings.mail import send_queued
from meetings.models import AgendaItem, Meeting
from meetings.review import ReviewState
from meetings.views import AgendaNote, agenda_note_providers, send_stored
from meetings.web import csrf_recovery_views, query_int, render_page

bp = Blueprint("engagement", __name__)

COMMENTS_PER_PAGE = 50
COMMENT_RATE_LIMIT = "5 per 10 minutes;20 per day"


@bp.get("/")
def home() -> Response:
    now = utcnow()
    upcoming = db.session.scalars(
        Meeting.public().where(Meeting.ends_at >= now).order_by(Meeting.starts_at).limit(10)
    ).all()
    open_consultations = db.session.scalars(
        Consultation.public()
        .where(Consultation.closes_at > now)
        .options(selectinload(Consultation.feedback))
        .order_by(Consultation.closes_at)
        .limit(10)
    ).all()
    return render_page(
        "engagement/home.html", meetings=upcoming, consultations=open_consultations, now=now
    )


def public_consultation_or_404(consultation_id: int) -> Consultation:
    consultation = db.session.scalar(
        Consultation.public()
        .where(Consultation.id == consultation_id)
        .options(selectinload(Consultation.documents), selectinload(Consultation.feedback))
    )
    if consultation is None:
        abort(404)
    return consultation


@bp.get("/consultations/")
def consultation_list() -> Response:
    now = utcnow()
    still_open = case((Consultation.closes_at > now, 0), else_=1)
    consultations = db.paginate(
        Consultation.public()
        .options(selectinload(Consultation.feedback))
        .order_by(still_open, Consultation.closes_at.desc()),
        page=query_int("page", 1),
        per_page=20,
        error_out=False,
    )
    return render_page("engagement/consultations.html", consultations=consultations, now=now)


def published_comments(consultation: Consultation):
    return db.paginate(
        select(Comment)
        .where(
            Comment.consultation_id == consultation.id,
            Comment.status == CommentStatus.PUBLISHED,
        )
        .order_by(Comment.received_at, Comment.id),
        page=query_int("page", 1),
        per_page=COMMENTS_PER_PAGE,
        error_out=False,
    )


def comment_counts_for(consultation_ids: list[int]) -> dict[int, dict[str, int]]:
    """Comments by status for several consultations, in one query."""
    counts = {
        consultation_id: {status.value: 0 for status in CommentStatus} | {"total": 0}
        for consultation_id in consultation_ids
    }
    rows = db.session.execute(
        select(Comment.consultation_id, Comment.status, func.count(Comment.id))
        .where(Comment.consultation_id.in_(consultation_ids))
        .group_by(Comment.consultation_id, Comment.status)
    ).all()
    for consultation_id, status, number in rows:
        counts[consultation_id][status.value] = number
        counts[consultation_id]["total"] += number
    return counts


def comment_counts(consultation: Consultation) -> dict[str, int]:
    return comment_counts_for([consultation.id])[consultation.id]


def _consultation_page(consultation: Consultation, form: CommentForm, status: int = 200):
    return render_page(
        "engagement/consultation.html",
        consultation=consultation,
        form=form,
        comments=published_comments(consultation),
        max_comment_length=MAX_COMMENT_LENGTH,
        counts=comment_counts(consultation),
        now=utcnow(),
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


csrf_recovery_views["engagement.comment_submit"] = _expired_form


def _sent(response: Response) -> bool:
    return response.status_code == 303  # only comments actually stored count to the limit


@bp.post("/consultations/<int:consultation_id>/comments")
@limiter.limit(COMMENT_RATE_LIMIT, on_breach=_too_many_comments, deduct_when=_sent)
def comment_submit(consultation_id: int) -> Response:
    consultation = public_consultation_or_404(consultation_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment, mail = operations.submit_comment(
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
            )
            db.session.commit()
        except operations.ConsultationRuleBroken as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        except IntegrityError:
            # The same form arrived twice at the same moment: the other request stored it.
            db.session.rollback()
            comment = db.session.scalar(
                select(Comment).where(Comment.submission_key == form.submission_key.data)
            )
            receipt_page = url_for("engagement.comment_status", token=comment.token)
            return redirect(receipt_page + "#receipt", code=303)
        else:
            if mail is not None:
                send_queued([mail.id])
            receipt_page = url_for("engagement.comment_status", token=comment.token)
            return redirect(receipt_page + "#receipt", code=303)
    return _consultation_page(consultation, form, status=422)


@bp.get("/comments/<token>")
def comment_status(token: str) -> Response:
    """The resident's own page for one comment: receipt, status, reply."""
    comment = db.session.scalar(select(Comment).where(Comment.token == token))
    if comment is None or len(token) < 20:
        abort(404)
    response = render_page("engagement/comment_status.html", comment=comment)
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


def consultation_notes(items: list[AgendaItem], public: bool) -> dict[int, list[AgendaNote]]:
    """Under each agenda item with a consultation: a link to it and, for its meeting, whether
    the feedback report exists (an item is not ready for its meeting until it does)."""
    query = select(Consultation).where(Consultation.agenda_item_id.in_([i.id for i in items]))
    if public:
        query = query.where(Consultation.review_state == ReviewState.APPROVED)
    notes: dict[int, list[AgendaNote]] = {}
    for consultation in db.session.scalars(query.options(selectinload(Consultation.feedback))):
        url = consultation.public_url() if public else consultation.staff_url()
        entries = [
            AgendaNote(_("Public consultation: %(state)s", state=consultation.state.label), url)
        ]
        if consultation.feedback is not None and consultation.feedback.is_public:
            entries.append(AgendaNote(_("Feedback report on the comments"), f"{url}#feedback"))
        elif not public:
            entries.append(
                AgendaNote(
                    _("Not ready for the meeting: no published feedback report yet"), warning=True
                )
            )
        notes[consultation.agenda_item_id] = entries
    return notes


agenda_note_providers.append(consultation_notes)
