"""Public pages that gather from every part: the home page of what is coming."""

from __future__ import annotations

from flask import Blueprint, Response

from extensions import db
from meetings.clock import utcnow
from meetings.models import Meeting
from meetings.web import render_page

bp = Blueprint("engagement", __name__)


@bp.get("/")
def home() -> Response:
    now = utcnow()
    upcoming = db.session.scalars(
        Meeting.public().where(Meeting.ends_at >= now).order_by(Meeting.starts_at).limit(10)
    ).all()
    return render_page("engagement/home.html", meetings=upcoming, now=now)
