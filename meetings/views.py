"""Meeting pages: the public list and page, and the staff pages that prepare them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from extensions import db
from meetings import operations
from meetings.clock import from_office_time, to_office_time
from meetings.forms import MeetingForm
from meetings.models import Body, Meeting
from meetings.review import ReviewRefused
from meetings.staff.access import permission_required
from meetings.staff.models import Permission
from meetings.web import render_page

bp = Blueprint("meetings", __name__)


def public_meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting residents may see: approved by review, otherwise it does not exist."""
    meeting = db.session.scalar(Meeting.public().where(Meeting.id == meeting_id))
    if meeting is None:
        abort(404)
    return meeting


def meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


@bp.get("/meetings/")
def meeting_list() -> Response:
    meetings = db.paginate(Meeting.public().order_by(Meeting.starts_at.desc()), per_page=20)
    return render_page("meetings/list.html", meetings=meetings)


@bp.get("/meetings/<int:meeting_id>")
def meeting_page(meeting_id: int) -> Response:
    return render_page("meetings/meeting.html", meeting=public_meeting_or_404(meeting_id))


def _body_choices() -> list[tuple[int, str]]:
    return [(body.id, body.name) for body in db.session.scalars(select(Body).order_by(Body.id))]


def _meeting_fields(form: MeetingForm) -> dict[str, object]:
    return {
        "title": form.title.data,
        "starts_at": from_office_time(form.starts_at.data),
        "ends_at": from_office_time(form.ends_at.data),
        "venue": form.venue.data,
        "notes": form.notes.data,
    }


@bp.get("/admin/meetings/")
@permission_required(Permission.EDIT)
def staff_meeting_list() -> Response:
    meetings = db.paginate(select(Meeting).order_by(Meeting.starts_at.desc()), per_page=30)
    return render_page("meetings/staff_list.html", meetings=meetings)


@bp.route("/admin/meetings/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def staff_meeting_new() -> Response:
    form = MeetingForm()
    form.body_id.choices = _body_choices()
    if form.validate_on_submit():
        body = db.get_or_404(Body, form.body_id.data)
        meeting = operations.create_meeting(body, actor=current_user, **_meeting_fields(form))
        db.session.commit()
        flash(_("Draft saved. Submit it for review when it is ready."), "success")
        return redirect(url_for("meetings.staff_meeting", meeting_id=meeting.id), code=303)
    return render_page(
        "meetings/staff_edit.html", form=form, meeting=None, status=422 if form.errors else 200
    )


@bp.route("/admin/meetings/<int:meeting_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def staff_meeting(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = MeetingForm(
        obj=meeting,
        starts_at=to_office_time(meeting.starts_at).replace(tzinfo=None),
        ends_at=to_office_time(meeting.ends_at).replace(tzinfo=None),
    )
    form.body_id.choices = _body_choices()
    if form.validate_on_submit():
        try:
            operations.update_meeting(
                meeting, actor=current_user, body_id=form.body_id.data, **_meeting_fields(form)
            )
        except ReviewRefused as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("meetings.staff_meeting", meeting_id=meeting.id), code=303)
    return render_page(
        "meetings/staff_edit.html", form=form, meeting=meeting, status=422 if form.errors else 200
    )
