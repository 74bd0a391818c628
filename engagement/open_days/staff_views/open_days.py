"""Preparing an open day (it becomes public through review), and what staff do to a public
one at once: postpone or cancel it with a public reason, fix the draw's seed and run the
draw."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import utcnow
from core.runner import form_status, run_action, run_for_form
from core.web import render_page
from engagement.open_days import operations
from engagement.open_days.models import (
    HOLDS_A_PLACE,
    OpenDay,
    OpenDayState,
    Registration,
    Status,
)
from engagement.open_days.queries import status_counts
from engagement.open_days.staff_forms import (
    cancel_form,
    open_day_form,
    postpone_form,
)
from engagement.open_days.staff_views import bp, open_day_or_404
from extensions import db
from meetings.forms import PostponeForm, ReasonForm


@bp.get("/")
@permission_required(Permission.EDIT, Permission.REVIEW)
def open_days() -> Response:
    rows = db.session.scalars(
        select(OpenDay).order_by(OpenDay.starts_at.desc(), OpenDay.id.desc())
    ).all()
    # Registrations by open day and status, for every row: one query.
    counted: dict[int, dict[Status, int]] = {}
    for open_day_id, status, count in db.session.execute(
        select(Registration.open_day_id, Registration.status, func.count(Registration.id)).group_by(
            Registration.open_day_id, Registration.status
        )
    ):
        counted.setdefault(open_day_id, {})[status] = count
    return render_page(
        "open_days/staff/list.html",
        open_days=rows,
        counts=counted,
        now=utcnow(),
        Status=Status,
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def new() -> Response:
    form = open_day_form()
    if form.validate_on_submit():
        created = run_for_form(
            form,
            lambda: operations.create_open_day(actor=current_user, **form.fields_for_operation()),
            done=_("Open day prepared. Submit it for review to publish it."),
            then=lambda open_day: open_day.staff_url(),
        )
        if created:
            return created
    return render_page(
        "open_days/staff/form.html", form=form, open_day=None, status=form_status(form)
    )


@bp.route("/<int:open_day_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def edit(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    form = open_day_form(open_day)
    if form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.update_open_day(
                open_day, actor=current_user, **form.fields_for_operation()
            ),
            done=_("Changes saved."),
            then=open_day.staff_url(),
        )
        if saved:
            return saved
    return render_page(
        "open_days/staff/form.html", form=form, open_day=open_day, status=form_status(form)
    )


@bp.get("/<int:open_day_id>")
@permission_required(Permission.EDIT, Permission.REVIEW)
def open_day(open_day_id: int) -> Response:
    return open_day_page(open_day_or_404(open_day_id))


def open_day_page(
    open_day: OpenDay,
    postponing: PostponeForm | None = None,
    cancelling: ReasonForm | None = None,
) -> Response:
    """The staff page of an open day; with a form that failed, that form's messages."""
    now = utcnow()
    open_day = db.session.scalar(
        select(OpenDay).where(OpenDay.id == open_day.id).options(selectinload(OpenDay.stops))
    )
    counts = status_counts(open_day)
    state = open_day.state_at(now)
    failed = postponing is not None or cancelling is not None
    return render_page(
        "open_days/staff/open_day.html",
        open_day=open_day,
        state=state,
        counts=counts,
        holding=sum(counts[status] for status in HOLDS_A_PLACE),
        to_mark_absent=counts[Status.CONFIRMED] + counts[Status.SELECTED],
        changeable=open_day.is_public
        and open_day.cancelled_at is None
        and now < open_day.starts_at,
        drawable=open_day.is_lottery
        and open_day.is_public
        and open_day.cancelled_at is None
        and now >= open_day.registration_closes_at,
        started=now >= open_day.starts_at,
        postpone_form=postponing or postpone_form(formdata=None),
        cancel_form=cancelling or cancel_form(formdata=None),
        now=now,
        OpenDayState=OpenDayState,
        status=422 if failed else 200,
    )


@bp.post("/<int:open_day_id>/postpone")
@permission_required(Permission.EDIT)
def postpone(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    form = postpone_form()
    if form.validate_on_submit():
        postponed = run_for_form(
            form,
            lambda: operations.postpone_open_day(
                open_day,
                starts_at=form.new_starts_at.utc,
                ends_at=form.new_ends_at.utc,
                reason=form.reason.data,
                actor=current_user,
            ),
            done=lambda told: _(
                "The open day is postponed; the new time and its reason are public. "
                "%(count)d registrants are told by text message.",
                count=told,
            ),
            then=open_day.staff_url(),
        )
        if postponed:
            return postponed
    return open_day_page(open_day, postponing=form)


@bp.post("/<int:open_day_id>/cancel")
@permission_required(Permission.EDIT)
def cancel(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    form = cancel_form()
    if form.validate_on_submit():
        cancelled = run_for_form(
            form,
            lambda: operations.cancel_open_day(
                open_day, reason=form.reason.data, actor=current_user
            ),
            done=lambda told: _(
                "The open day is cancelled and its reason is public. "
                "%(count)d registrants are told by text message.",
                count=told,
            ),
            then=open_day.staff_url(),
        )
        if cancelled:
            return cancelled
    return open_day_page(open_day, cancelling=form)


@bp.post("/<int:open_day_id>/draw/seed")
@permission_required(Permission.EDIT)
def draw_seed(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    return run_action(
        lambda: operations.fix_draw_seed(open_day, actor=current_user),
        done=_("The seed is fixed and published with the list of entries. Now run the draw."),
        then=url_for("open_day_staff.open_day", open_day_id=open_day.id) + "#draw",
    )


@bp.post("/<int:open_day_id>/draw")
@permission_required(Permission.EDIT)
def draw(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    return run_action(
        lambda: operations.run_draw(open_day, actor=current_user),
        done=_("The draw is done and published; everyone in it is told the result."),
        then=url_for("open_day_staff.open_day", open_day_id=open_day.id) + "#draw",
    )
