"""Staff pages for organising bodies, meetings, agendas, proposed changes and live updates."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from meetings import operations
from meetings.clock import from_office_time, office_wall_clock
from meetings.files import UploadRefused, store_upload
from meetings.forms import (
    AgendaItemForm,
    BodyForm,
    DocumentForm,
    LiveCorrectionForm,
    LiveUpdateForm,
    MeetingForm,
    OptionalReasonForm,
    PostponeForm,
    ReasonForm,
    RetitleForm,
)
from meetings.models import (
    AgendaItem,
    Body,
    BodyLevel,
    ChangeKind,
    LiveUpdate,
    Meeting,
    MeetingChange,
    Visibility,
)
from meetings.operations import MeetingRuleBroken
from meetings.staff.access import permission_required
from meetings.staff.models import Permission
from meetings.views import agenda_notes
from meetings.web import is_fragment_request, query_int, render_page

bp = Blueprint("meeting_staff", __name__, url_prefix="/admin")


def meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(
        Meeting,
        meeting_id,
        options=[selectinload(Meeting.agenda).selectinload(AgendaItem.documents)],
    )


def item_or_404(item_id: int) -> AgendaItem:
    return db.get_or_404(AgendaItem, item_id)


def _unprocessable(template: str, **context: Any) -> Response:
    return render_page(template, status=422, **context)


def _to_meeting(meeting: Meeting, anchor: str = "") -> Response:
    return redirect(url_for("meeting_staff.meeting", meeting_id=meeting.id) + anchor, code=303)


# Bodies --------------------------------------------------------------------------------


@bp.get("/bodies/")
@permission_required(Permission.MANAGE_BODIES)
def bodies() -> Response:
    rows = db.session.scalars(select(Body).order_by(Body.level, Body.name)).all()
    return render_page("meetings/staff_bodies.html", bodies=rows)


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
        try:
            if body is None:
                operations.create_body(actor=current_user, **fields)
            else:
                operations.update_body(body, actor=current_user, **fields)
        except MeetingRuleBroken as error:
            db.session.rollback()
            form.slug.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Organising body saved."), "success")
            return redirect(url_for("meeting_staff.bodies"), code=303)
    return render_page(
        "meetings/staff_body.html", form=form, body=body, status=422 if form.errors else 200
    )


# Meetings ------------------------------------------------------------------------------


def _body_choices() -> list[tuple[int, str]]:
    return [
        (b.id, b.name) for b in db.session.scalars(select(Body).order_by(Body.level, Body.name))
    ]


def _meeting_fields(form: MeetingForm) -> dict[str, object]:
    return {
        "title": form.title.data.strip(),
        "session_number": form.session_number.data,
        "starts_at": from_office_time(form.starts_at.data),
        "ends_at": from_office_time(form.ends_at.data),
        "venue": (form.venue.data or "").strip() or None,
        "livestream_url": form.livestream_url.data or None,
        "sit_in_open": form.sit_in_open.data,
        "sit_in_places": form.sit_in_places.data or 0,
        "notes": form.notes.data or None,
    }


@bp.get("/meetings/")
@permission_required(Permission.EDIT)
def meetings() -> Response:
    page = db.paginate(
        select(Meeting).order_by(Meeting.starts_at.desc()),
        page=query_int("page", 1),
        per_page=30,
        error_out=False,
    )
    return render_page("meetings/staff_list.html", meetings=page)


@bp.route("/meetings/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def meeting_new() -> Response:
    form = MeetingForm()
    form.body_id.choices = _body_choices()
    if form.validate_on_submit():
        body = db.get_or_404(Body, form.body_id.data)
        meeting = operations.create_meeting(body, actor=current_user, **_meeting_fields(form))
        db.session.commit()
        flash(_("Draft saved. Add its agenda, then submit it for review."), "success")
        return _to_meeting(meeting)
    return render_page("meetings/staff_new.html", form=form, status=422 if form.errors else 200)


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def meeting(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = MeetingForm(
        obj=meeting,
        starts_at=office_wall_clock(meeting.starts_at),
        ends_at=office_wall_clock(meeting.ends_at),
    )
    form.body_id.choices = _body_choices()
    if form.validate_on_submit():
        try:
            operations.update_meeting(
                meeting, actor=current_user, body_id=form.body_id.data, **_meeting_fields(form)
            )
        except MeetingRuleBroken as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return _to_meeting(meeting)
    changes = db.session.scalars(
        select(MeetingChange)
        .where(MeetingChange.meeting_id == meeting.id)
        .order_by(MeetingChange.created_at.desc())
    ).all()
    return render_page(
        "meetings/staff_meeting.html",
        meeting=meeting,
        form=form,
        changes=changes,
        notes=agenda_notes(meeting.current_agenda, public=False),
        status=422 if form.errors else 200,
    )


# Agenda --------------------------------------------------------------------------------


def _item_fields(form: AgendaItemForm) -> dict[str, object]:
    return {
        "title": form.title.data.strip(),
        "summary": form.summary.data or None,
        "sponsor": form.sponsor.data or None,
        "presenter": form.presenter.data or None,
        "is_major_decision": form.is_major_decision.data,
        "visibility": Visibility(form.visibility.data),
        "withheld_basis": (form.withheld_basis.data or "").strip() or None,
    }


@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def item_new(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            item = operations.add_agenda_item(meeting, actor=current_user, **_item_fields(form))
            if meeting.is_announced:
                operations.propose_change(
                    meeting, ChangeKind.ADD_ITEM, agenda_item=item, actor=current_user
                )
        except MeetingRuleBroken as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            if meeting.is_announced:
                flash(_("Item proposed. It becomes public when its change is approved."), "success")
            else:
                flash(_("Agenda item added."), "success")
            return _to_meeting(meeting, "#agenda")
    return render_page(
        "meetings/staff_item.html",
        form=form,
        meeting=meeting,
        item=None,
        status=422 if form.errors else 200,
    )


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def item_edit(item_id: int) -> Response:
    item = item_or_404(item_id)
    form = AgendaItemForm(obj=item, visibility=item.visibility.value)
    if form.validate_on_submit():
        try:
            operations.update_agenda_item(item, actor=current_user, **_item_fields(form))
        except MeetingRuleBroken as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Agenda item saved."), "success")
            return _to_meeting(item.meeting, "#agenda")
    return render_page(
        "meetings/staff_item.html",
        form=form,
        meeting=item.meeting,
        item=item,
        document_form=DocumentForm(),
        status=422 if form.errors else 200,
    )


@bp.post("/items/<int:item_id>/delete")
@permission_required(Permission.EDIT)
def item_delete(item_id: int) -> Response:
    item = item_or_404(item_id)
    meeting = item.meeting
    try:
        operations.delete_draft_agenda_item(item, actor=current_user)
    except MeetingRuleBroken as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Agenda item deleted."), "success")
    return _to_meeting(meeting, "#agenda")


@bp.post("/items/<int:item_id>/move")
@permission_required(Permission.EDIT)
def item_move(item_id: int) -> Response:
    """Move up or down; htmx gets the agenda fragment back, others the page."""
    item = item_or_404(item_id)
    meeting = item.meeting
    direction = -1 if request.form.get("direction") == "up" else 1
    try:
        operations.move_agenda_item(item, direction, actor=current_user)
    except MeetingRuleBroken as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
    if is_fragment_request():
        meeting = meeting_or_404(meeting.id)
        return render_page(
            "meetings/_staff_agenda.html",
            meeting=meeting,
            focus_item=item.id,
            direction=direction,
            notes=agenda_notes(meeting.current_agenda, public=False),
        )
    return _to_meeting(meeting, f"#item-{item.id}")


@bp.post("/items/<int:item_id>/documents")
@permission_required(Permission.EDIT)
def document_upload(item_id: int) -> Response:
    item = item_or_404(item_id)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            stored = store_upload(form.document.data)
            document = operations.attach_document(item, stored, actor=current_user)
            if item.published_at is not None:
                operations.propose_change(
                    item.meeting,
                    ChangeKind.ADD_DOCUMENT,
                    agenda_item=item,
                    document=document,
                    actor=current_user,
                )
        except (UploadRefused, MeetingRuleBroken) as error:
            db.session.rollback()
            form.document.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Document attached."), "success")
            return redirect(
                url_for("meeting_staff.item_edit", item_id=item.id) + "#documents", code=303
            )
    item_form = AgendaItemForm(formdata=None, obj=item, visibility=item.visibility.value)
    return _unprocessable(
        "meetings/staff_item.html",
        form=item_form,
        meeting=item.meeting,
        item=item,
        document_form=form,
    )


# Changes to an announced meeting -------------------------------------------------------

CHANGE_FORMS = {
    ChangeKind.POSTPONE: PostponeForm,
    ChangeKind.CANCEL: ReasonForm,
    ChangeKind.CONCLUDE: OptionalReasonForm,
    ChangeKind.REORDER: OptionalReasonForm,
    ChangeKind.REMOVE_ITEM: ReasonForm,
    ChangeKind.RETITLE_ITEM: RetitleForm,
}


def _change_fields(kind: ChangeKind, form: Any, meeting: Meeting) -> dict[str, object]:
    fields: dict[str, object] = {"reason": form.reason.data}
    if kind == ChangeKind.POSTPONE:
        fields["new_starts_at"] = from_office_time(form.new_starts_at.data)
        fields["new_ends_at"] = from_office_time(form.new_ends_at.data)
    if kind == ChangeKind.RETITLE_ITEM:
        fields["new_title"] = form.new_title.data.strip()
    if kind == ChangeKind.REORDER:
        fields["new_order"] = _order_from_form(meeting)
    return fields


def _order_from_form(meeting: Meeting) -> list[int]:
    """Public items sorted by the positions typed in the reorder form."""

    def typed_position(item: AgendaItem) -> tuple[int, int]:
        raw = request.form.get(f"position-{item.id}", "").strip()
        return (int(raw) if re.fullmatch(r"[0-9]{1,4}", raw) else 10**4, item.position)

    return [item.id for item in sorted(meeting.public_agenda, key=typed_position)]


@bp.route("/meetings/<int:meeting_id>/propose/<kind>", methods=["GET", "POST"])
@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/propose/<kind>", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def propose(meeting_id: int, kind: str, item_id: int | None = None) -> Response:
    meeting = meeting_or_404(meeting_id)
    try:
        change_kind = ChangeKind(kind)
    except ValueError:
        abort(404)
    if change_kind not in CHANGE_FORMS:
        abort(404)
    item = item_or_404(item_id) if item_id else None
    if (change_kind in (ChangeKind.RETITLE_ITEM, ChangeKind.REMOVE_ITEM)) != (item is not None):
        abort(404)
    if item is not None and item.meeting_id != meeting.id:
        abort(404)
    form = CHANGE_FORMS[change_kind]()
    if change_kind == ChangeKind.POSTPONE and request.method == "GET":
        form.new_starts_at.data = office_wall_clock(meeting.starts_at)
        form.new_ends_at.data = office_wall_clock(meeting.ends_at)
    if form.validate_on_submit():
        try:
            operations.propose_change(
                meeting,
                change_kind,
                agenda_item=item,
                actor=current_user,
                **_change_fields(change_kind, form, meeting),
            )
        except MeetingRuleBroken as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Change proposed. Submit it for review to make it public."), "success")
            return _to_meeting(meeting, "#changes")
    return render_page(
        "meetings/staff_propose.html",
        form=form,
        meeting=meeting,
        item=item,
        kind=change_kind,
        status=422 if form.errors else 200,
    )


@bp.post("/changes/<int:change_id>/withdraw")
@permission_required(Permission.EDIT)
def change_withdraw(change_id: int) -> Response:
    change = db.get_or_404(MeetingChange, change_id)
    meeting = change.meeting
    try:
        operations.withdraw_proposal(change, actor=current_user)
    except MeetingRuleBroken as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Proposal withdrawn."), "success")
    return _to_meeting(meeting, "#changes")


# Live updates --------------------------------------------------------------------------


def _live_form(meeting: Meeting) -> LiveUpdateForm:
    form = LiveUpdateForm()
    form.agenda_item_id.choices = [(0, _("(none)"))] + [
        (item.id, f"{index}. {item.title}") for index, item in enumerate(meeting.public_agenda, 1)
    ]
    return form


def _live_desk(meeting: Meeting, form: LiveUpdateForm, status: int = 200) -> Response:
    updates = db.session.scalars(
        select(LiveUpdate)
        .where(LiveUpdate.meeting_id == meeting.id)
        .order_by(LiveUpdate.posted_at.desc(), LiveUpdate.id.desc())
    ).all()
    return render_page(
        "meetings/staff_live.html", meeting=meeting, form=form, updates=updates, status=status
    )


@bp.route("/meetings/<int:meeting_id>/live", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def live_desk(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = _live_form(meeting)
    if form.validate_on_submit():
        item = next((i for i in meeting.public_agenda if i.id == form.agenda_item_id.data), None)
        try:
            image = store_upload(form.image.data, images_only=True) if form.image.data else None
            operations.post_live_update(
                meeting, text=form.text.data, agenda_item=item, image=image, actor=current_user
            )
        except UploadRefused as error:
            form.image.errors.append(str(error))
        except MeetingRuleBroken as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Update posted."), "success")
            return redirect(url_for("meeting_staff.live_desk", meeting_id=meeting.id), code=303)
    return _live_desk(meeting, form, status=422 if form.errors else 200)


@bp.route("/live/<int:update_id>/correct", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def live_correct(update_id: int) -> Response:
    update = db.get_or_404(LiveUpdate, update_id)
    form = LiveCorrectionForm(obj=update)
    if form.validate_on_submit():
        operations.correct_live_update(update, form.text.data, actor=current_user)
        db.session.commit()
        flash(_("Update corrected; it shows as edited."), "success")
        return redirect(url_for("meeting_staff.live_desk", meeting_id=update.meeting_id), code=303)
    return render_page(
        "meetings/staff_live_correct.html",
        form=form,
        update=update,
        status=422 if form.errors else 200,
    )


@bp.post("/live/<int:update_id>/withdraw")
@permission_required(Permission.EDIT)
def live_withdraw(update_id: int) -> Response:
    update = db.get_or_404(LiveUpdate, update_id)
    operations.withdraw_live_update(update, actor=current_user)
    db.session.commit()
    flash(_("Update withdrawn from the public page."), "success")
    return redirect(url_for("meeting_staff.live_desk", meeting_id=update.meeting_id), code=303)
