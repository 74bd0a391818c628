"""The staff meeting list, new drafts, and a meeting's page (its draft form, agenda and
proposed changes)."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import utcnow
from core.runner import form_status, run_for_form
from core.web import content_choice, query_int, render_page
from extensions import db
from meetings import operations
from meetings.decisions.staff_queries import meeting_decisions
from meetings.forms import MeetingForm
from meetings.models import Body, Meeting, MeetingChange
from meetings.queries import agenda_notes, meeting_public_page, staff_links
from meetings.staff_views import bp, meeting_or_404, meeting_page


def _body_choices() -> list[tuple[int, str, dict[str, str]]]:
    bodies = db.session.scalars(select(Body).order_by(Body.level, Body.name))
    return [content_choice(body.id, body.name) for body in bodies]


def _meeting_fields(form: MeetingForm) -> dict[str, object]:
    return {
        "title": form.title.data.strip(),
        "session_number": form.session_number.data,
        "starts_at": form.starts_at.utc,
        "ends_at": form.ends_at.utc,
        "venue": (form.venue.data or "").strip() or None,
        "livestream_url": form.livestream_url.data or None,
        "sit_in_open": form.sit_in_open.data,
        "sit_in_places": form.sit_in_places.data or 0,
        "notes": form.notes.data or None,
    }


@bp.get("/meetings/")
@permission_required(Permission.EDIT, Permission.REVIEW)
def meetings() -> Response:
    page = db.paginate(
        select(Meeting).order_by(Meeting.starts_at.desc()),
        page=query_int("page", 1),
        per_page=30,
        error_out=False,
    )
    return render_page("meetings/staff/list.html", meetings=page)


@bp.route("/meetings/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def meeting_new() -> Response:
    form = MeetingForm()
    form.body_id.choices = _body_choices()
    if form.validate_on_submit():
        body = db.get_or_404(Body, form.body_id.data)
        created = run_for_form(
            form,
            lambda: operations.create_meeting(body, actor=current_user, **_meeting_fields(form)),
            done=_("Draft saved. Add its agenda, then submit it for review."),
            then=meeting_page,
        )
        if created:
            return created
    return render_page("meetings/staff/new.html", form=form, status=form_status(form))


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def meeting(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting)
    form.body_id.choices = _body_choices()
    if form.validate_on_submit():
        fields = {"body_id": form.body_id.data, **_meeting_fields(form)}
        saved = run_for_form(
            form,
            lambda: operations.update_meeting(meeting, actor=current_user, **fields),
            done=_("Changes saved."),
            then=meeting_page(meeting),
        )
        if saved:
            return saved
    changes = db.session.scalars(
        select(MeetingChange)
        .where(MeetingChange.meeting_id == meeting.id)
        .order_by(MeetingChange.created_at.desc())
    ).all()
    now = utcnow()
    return render_page(
        "meetings/staff/meeting.html",
        meeting=meeting,
        form=form,
        changes=changes,
        notes=agenda_notes(meeting.current_agenda, public=False),
        links=staff_links(meeting),
        decisions=meeting_decisions(meeting, now),
        # Until it is announced, the page shows what the public will see on approval.
        page=None if meeting.is_announced else meeting_public_page(meeting, now),
        now=now,
        status=form_status(form),
    )
