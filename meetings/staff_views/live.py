"""The live desk: post, correct and withdraw live updates while a meeting runs. Live
updates go public at once, without review (the desk says so)."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.files import store_upload
from core.runner import form_status, run_action, run_for_form
from core.web import content_choice, render_page
from extensions import db
from meetings import operations
from meetings.forms import LiveCorrectionForm, LiveUpdateForm
from meetings.models import LiveUpdate, Meeting
from meetings.staff_views import bp, meeting_or_404


def _live_form(meeting: Meeting) -> LiveUpdateForm:
    form = LiveUpdateForm()
    form.agenda_item_id.choices = [(0, _("(none)"))] + [
        content_choice(item.id, f"{index}. {item.title}")
        for index, item in enumerate(meeting.public_agenda, 1)
    ]
    return form


def _desk(meeting_id: int) -> str:
    return url_for("meeting_staff.live_desk", meeting_id=meeting_id)


@bp.route("/meetings/<int:meeting_id>/live", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def live_desk(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = _live_form(meeting)
    if form.validate_on_submit():
        item = next((i for i in meeting.public_agenda if i.id == form.agenda_item_id.data), None)

        def post() -> LiveUpdate:
            image = form.image.data
            stored = store_upload(image, field="image", images_only=True) if image else None
            return operations.post_live_update(
                meeting,
                text=form.text.data,
                agenda_item=item,
                image=stored,
                image_alt=form.image_alt.data,
                actor=current_user,
            )

        posted = run_for_form(form, post, done=_("Update posted."), then=_desk(meeting.id))
        if posted:
            return posted
    updates = db.session.scalars(
        select(LiveUpdate)
        .where(LiveUpdate.meeting_id == meeting.id)
        .order_by(LiveUpdate.posted_at.desc(), LiveUpdate.id.desc())
    ).all()
    return render_page(
        "meetings/staff/live.html",
        meeting=meeting,
        form=form,
        updates=updates,
        status=form_status(form),
    )


@bp.route("/live/<int:update_id>/correct", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def live_correct(update_id: int) -> Response:
    update = db.get_or_404(LiveUpdate, update_id)
    form = LiveCorrectionForm(obj=update)
    if form.validate_on_submit():
        corrected = run_for_form(
            form,
            lambda: operations.correct_live_update(update, form.text.data, actor=current_user),
            done=_("Update corrected; it shows as edited."),
            then=_desk(update.meeting_id),
        )
        if corrected:
            return corrected
    return render_page(
        "meetings/staff/live_correct.html", form=form, update=update, status=form_status(form)
    )


@bp.post("/live/<int:update_id>/withdraw")
@permission_required(Permission.EDIT)
def live_withdraw(update_id: int) -> Response:
    update = db.get_or_404(LiveUpdate, update_id)
    return run_action(
        lambda: operations.withdraw_live_update(update, actor=current_user),
        done=_("Update withdrawn from the public page."),
        then=_desk(update.meeting_id),
    )
