"""The staff area's start page: what needs each person now."""

from __future__ import annotations

from flask import Blueprint, Response

from core import review
from core.accounts.access import staff_required
from core.web import render_page

bp = Blueprint("start_page", __name__, url_prefix="/admin")


@bp.get("/")
@staff_required
def dashboard() -> Response:
    return render_page("start_page/staff/dashboard.html", awaiting=review.awaiting_review())
