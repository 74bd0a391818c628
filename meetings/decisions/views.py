"""Public decision pages: the searchable list, one decision with its correction history,
the images of interpretations and the Atom feed of newly published decisions."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user

from core.accounts.models import Permission
from core.files import send_stored
from core.web import public_link, query_int, render_page
from extensions import db
from meetings.decisions.models import DecisionImage, DecisionOutcome
from meetings.decisions.queries import (
    decision_filters,
    decision_public_page,
    decision_years,
    newest_published,
    public_decision_or_404,
    search_decisions,
)
from meetings.decisions.text import query_terms
from meetings.queries import bodies_in_order, item_notes

bp = Blueprint("decisions", __name__)

FEED_LENGTH = 50
# The feed's own time while it has no entry (Atom requires one; it must not move).
FEED_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@bp.get("/decisions/")
def decision_list() -> Response:
    filters = decision_filters()
    decisions = search_decisions(filters, page=query_int("page", 1), per_page=20)
    return render_page(
        "decisions/list.html",
        "decisions/_results.html",
        decisions=decisions,
        filters=filters,
        terms=query_terms(filters["q"]),
        choices={
            "bodies": bodies_in_order(),
            "years": decision_years(),
            "outcomes": list(DecisionOutcome),
        },
    )


@bp.get("/decisions/<int:decision_id>")
def decision_page(decision_id: int) -> Response:
    decision = public_decision_or_404(decision_id)
    return render_page(
        "decisions/decision.html", page=decision_public_page(decision, item_notes(decision))
    )


@bp.get("/decisions/images/<int:image_id>")
def image(image_id: int) -> Response:
    """An image of a published interpretation; staff also open one before publication (the
    preview shows it), never kept by any cache."""
    image = db.get_or_404(DecisionImage, image_id)
    if image.published_at is not None:
        return send_stored(image.stored_name, image.content_type, image.original_name)
    if current_user.is_authenticated and (
        current_user.can(Permission.EDIT) or current_user.can(Permission.REVIEW)
    ):
        return send_stored(
            image.stored_name, image.content_type, image.original_name, staff_only=True
        )
    abort(404)


@bp.get("/decisions/feed.atom")
def feed() -> Response:
    """Newly published and corrected decisions (RFC 4287): each entry's id is the
    decision's own, so a correction updates the entry instead of adding one."""
    decisions = newest_published(FEED_LENGTH)
    body = render_template(
        "decisions/feed.atom.xml",
        decisions=decisions,
        updated=decisions[0].last_published_at if decisions else FEED_EPOCH,
        id_domain=current_app.config["CALENDAR_UID_DOMAIN"],
        public_link=public_link,
    )
    return Response(body, mimetype="application/atom+xml")
