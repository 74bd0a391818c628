"""The day itself: check-in at the door (a phone: the code typed, or scanned with the
camera where JavaScript and a camera are there), no-shows afterwards, the roles of the
simulated executive meeting with its printable seating list and role cards, and the
feedback attendees gave."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import utcnow
from core.rules import RuleBroken
from core.runner import attempt, form_status, run_action, run_for_form, show_refusal
from core.web import render_page
from engagement.open_days import operations
from engagement.open_days.models import HOLDS_A_PLACE, OpenDay, Registration, Role, Status
from engagement.open_days.operations.door import DOORS_OPEN_BEFORE, CheckIn
from engagement.open_days.queries import feedback_summary, status_counts
from engagement.open_days.staff_forms import CheckInForm, roles_form
from engagement.open_days.staff_views import bp, open_day_or_404
from extensions import db

# The camera is allowed on the check-in page only (every other page refuses it).
CAMERA_ALLOWED = "camera=(self), microphone=(), geolocation=()"
ROLE_ORDER = {role: position for position, role in enumerate(Role)}


def _door_counts(open_day: OpenDay) -> dict[str, int]:
    counts = status_counts(open_day)
    return {
        "attended": counts[Status.ATTENDED],
        "expected": counts[Status.CONFIRMED] + counts[Status.SELECTED] + counts[Status.ATTENDED],
    }


@bp.route("/<int:open_day_id>/check-in", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def check_in(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    form = CheckInForm()
    result: CheckIn | None = None
    if form.validate_on_submit():
        try:
            result = attempt(
                lambda: operations.check_in(open_day, form.code.data, actor=current_user)
            )
        except RuleBroken as refusal:
            show_refusal(form, refusal)
        else:
            form = CheckInForm(formdata=None)  # empty again for the next person
    now = utcnow()
    response = render_page(
        "open_days/staff/check_in.html",
        open_day=open_day,
        form=form,
        result=result,
        doors_open_at=open_day.starts_at - DOORS_OPEN_BEFORE,
        now=now,
        status=form_status(form),
        **_door_counts(open_day),
    )
    response.headers["Permissions-Policy"] = CAMERA_ALLOWED
    return response


@bp.post("/<int:open_day_id>/no-shows")
@permission_required(Permission.EDIT)
def no_shows(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    return run_action(
        lambda: operations.mark_no_shows(open_day, actor=current_user),
        done=_("Everyone with a place who did not check in is marked as not having come."),
        then=open_day.staff_url(),
    )


def _with_places(open_day: OpenDay) -> list[Registration]:
    """Everyone with a place, by confirmation code."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.open_day_id == open_day.id,
                Registration.status.in_(HOLDS_A_PLACE),
            )
            .order_by(Registration.id)
        )
    )


@bp.route("/<int:open_day_id>/roles", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def roles(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    people = _with_places(open_day) if open_day.simulated_meeting else []
    form = roles_form(people)
    if people and form.validate_on_submit():

        def assign() -> None:
            for registration in people:
                operations.assign_role(registration, form.role_of(registration), actor=current_user)

        saved = run_for_form(
            form,
            assign,
            done=_("Roles saved."),
            then=url_for("open_day_staff.roles", open_day_id=open_day.id),
        )
        if saved:
            return saved
    return render_page(
        "open_days/staff/roles.html",
        open_day=open_day,
        people=people,
        form=form,
        status=form_status(form),
    )


@bp.get("/<int:open_day_id>/seating")
@permission_required(Permission.EDIT)
def seating(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    people = [r for r in _with_places(open_day) if r.status != Status.NO_SHOW]
    with_roles = sorted(
        (r for r in people if r.role is not None), key=lambda r: (ROLE_ORDER[r.role], r.id)
    )
    return render_page(
        "open_days/staff/seating.html",
        open_day=open_day,
        with_roles=with_roles,
        others=[r for r in people if r.role is None],
    )


@bp.get("/<int:open_day_id>/feedback")
@permission_required(Permission.EDIT, Permission.REVIEW)
def feedback(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    not_asked = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.open_day_id == open_day.id,
            Registration.status == Status.ATTENDED,
            Registration.feedback_invited_at.is_(None),
        )
    )
    return render_page(
        "open_days/staff/feedback.html",
        open_day=open_day,
        summary=feedback_summary(open_day),
        not_asked=not_asked or 0,
        started=utcnow() >= open_day.starts_at,
    )


@bp.post("/<int:open_day_id>/feedback/invite")
@permission_required(Permission.EDIT)
def invite_feedback(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    return run_action(
        lambda: operations.invite_feedback(open_day, actor=current_user),
        done=_("The attendees not asked yet are sent the link to the survey."),
        then=url_for("open_day_staff.feedback", open_day_id=open_day.id),
    )
