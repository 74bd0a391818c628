"""The review queue and the three review steps (submit, approve, return) for every kind."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from core import review
from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import utcnow
from core.runner import run_action
from core.web import render_page, safe_next_url
from extensions import db

bp = Blueprint("review", __name__, url_prefix="/admin/review")


@bp.get("/")
@permission_required(Permission.REVIEW)
def review_queue() -> Response:
    return render_page(
        "review/staff/queue.html",
        items=review.awaiting_review(),
        reviewed_kinds=[model.review_kind_label for model in review.REVIEWABLE_KINDS.values()],
        direct=review.direct_publications.contributions(),
        now=utcnow(),
    )


def reviewable_or_404(kind: str, item_id: int) -> review.Reviewable:
    model = review.REVIEWABLE_KINDS.get(kind)
    if model is None:
        abort(404)
    return db.get_or_404(model, item_id)


def _back_to(item: review.Reviewable) -> str:
    return safe_next_url(request.form.get("next"), item.staff_url())


@bp.post("/<kind>/<int:item_id>/submit")
@permission_required(Permission.EDIT)
def submit(kind: str, item_id: int) -> Response:
    item = reviewable_or_404(kind, item_id)
    return run_action(
        lambda: review.submit_for_review(item, actor=current_user),
        done=_("Submitted for review."),
        then=_back_to(item),
    )


@bp.post("/<kind>/<int:item_id>/approve")
@permission_required(Permission.REVIEW)
def approve(kind: str, item_id: int) -> Response:
    item = reviewable_or_404(kind, item_id)
    return run_action(
        lambda: review.approve(item, actor=current_user),
        done=_("Approved; it is now public."),
        then=_back_to(item),
    )


@bp.post("/<kind>/<int:item_id>/return")
@permission_required(Permission.REVIEW)
def return_for_changes(kind: str, item_id: int) -> Response:
    item = reviewable_or_404(kind, item_id)
    note = request.form.get("note", "")
    return run_action(
        lambda: review.return_for_changes(item, note, actor=current_user),
        done=_("Returned to its author with your note."),
        then=_back_to(item),
    )
