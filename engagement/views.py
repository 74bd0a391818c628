"""The home page: what is coming, across every part of the product."""

from __future__ import annotations

from flask import Blueprint, Response

from core.clock import utcnow
from core.web import render_page
from engagement.consultations.queries import open_consultations
from engagement.open_days.queries import upcoming_open_days
from meetings.queries import upcoming_meetings

bp = Blueprint("engagement", __name__)


@bp.get("/")
def home() -> Response:
    now = utcnow()
    return render_page(
        "engagement/home.html",
        meetings=upcoming_meetings(now, limit=10),
        consultations=open_consultations(now, limit=10),
        open_days=upcoming_open_days(now, limit=5),
        now=now,
    )
