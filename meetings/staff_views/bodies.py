"""Administrators' pages for organising bodies (district, departments, street offices)."""

from __future__ import annotations

from flask import Blueprint, Response, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.runner import form_status, run_for_form
from core.web import render_page
from extensions import db
from meetings import operations
from meetings.forms import BodyForm
from meetings.models import Body, BodyLevel

bp = Blueprint("bodies_staff", __name__, url_prefix="/admin")


@bp.get("/bodies/")
@permission_required(Permission.MANAGE_BODIES)
def bodies() -> Response:
    rows = db.session.scalars(select(Body).order_by(Body.level, Body.name)).all()
    return render_page("meetings/staff/bodies.html", bodies=rows)


@bp.route("/bodies/new", methods=["GET", "POST"])
@bp.route("/bodies/<int:body_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_BODIES)
def body_form(body_id: int | None = None) -> Response:
    body = db.get_or_404(Body, body_id) if body_id else None
    form = BodyForm(obj=body, level=body.level.value if body else None)
    if form.validate_on_submit():
        fields = {
            "name": form.name.data,
            "level": BodyLevel(form.level.data),
            "slug": form.slug.data,
            "default_venue": form.default_venue.data,
        }
        saved = run_for_form(
            form,
            lambda: operations.save_body(body, actor=current_user, **fields),
            done=_("Organising body saved."),
            then=url_for("bodies_staff.bodies"),
        )
        if saved:
            return saved
    return render_page("meetings/staff/body.html", form=form, body=body, status=form_status(form))
