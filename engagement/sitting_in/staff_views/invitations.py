"""A meeting's invitations for staff: the places per category with live counts, choosing
people to invite, sending the mail with its progress shown, answers, resending,
withdrawing, substituting, and attendance on the day."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import utcnow
from core.outbox import batch_progress, send_queued
from core.runner import form_status, run_action, run_for_form
from core.web import is_fragment_request, render_page
from engagement.sitting_in.models import Attendance, Category, Person
from engagement.sitting_in.notices.invitations import batch_name
from engagement.sitting_in.operations import invitations as operations
from engagement.sitting_in.queries.invitations import (
    meeting_invitations,
    meetings_to_invite_to,
    places_by_category,
    quota_lines,
)
from engagement.sitting_in.queries.people import search_people
from engagement.sitting_in.staff_forms.invitations import (
    InviteForm,
    QuotaForm,
    SubstituteForm,
    WithdrawForm,
)
from engagement.sitting_in.staff_views import bp, invitation_or_404, meeting_or_404
from extensions import db
from meetings.models import Meeting, MeetingStatus

# Messages sent per request while the page shows the progress: short enough that the
# page answers within a few seconds even from a slow mail server.
SEND_PER_STEP = 5
FOUND_AT_MOST = 30


@bp.get("/")
@permission_required(Permission.EDIT)
def meetings() -> Response:
    return render_page("sitting_in/staff/meetings.html", meetings=meetings_to_invite_to())


def _invitations_context(meeting: Meeting) -> dict[str, Any]:
    now = utcnow()
    places = places_by_category(meeting)
    return {
        "meeting": meeting,
        "lines": quota_lines(meeting),
        "invitations": meeting_invitations(meeting),
        "progress": batch_progress(batch_name(meeting.id)),
        "quota_form": QuotaForm(
            data={f"places_{category.value}": number for category, number in places.items()}
        ),
        "started": meeting.public_status_at(now)
        not in (MeetingStatus.ANNOUNCED, MeetingStatus.POSTPONED),
        "open": meeting.cancelled_at is None and now < meeting.starts_at,
        "attendance": list(Attendance),
    }


@bp.get("/meetings/<int:meeting_id>")
@permission_required(Permission.EDIT)
def invitations(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    return render_page("sitting_in/staff/invitations.html", **_invitations_context(meeting))


@bp.post("/meetings/<int:meeting_id>/quotas")
@permission_required(Permission.EDIT)
def quotas(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = QuotaForm()
    if form.validate_on_submit():
        wanted = {category: form[f"places_{category.value}"].data for category in Category}
        saved = run_for_form(
            form,
            lambda: operations.set_quotas(meeting, wanted, actor=current_user),
            done=lambda changed: _("Places saved.") if changed else _("No change to save."),
            then=url_for("sit_in_staff.invitations", meeting_id=meeting.id) + "#places",
        )
        if saved:
            return saved
    context = _invitations_context(meeting) | {"quota_form": form}
    return render_page("sitting_in/staff/invitations.html", status=form_status(form), **context)


def _found(form: InviteForm, meeting: Meeting) -> list[Person]:
    text = (form.q.data or "").strip()
    query = search_people(text, None, None).where(Person.name.is_not(None))
    return list(db.session.scalars(query.limit(FOUND_AT_MOST)))


def _row_id(text: str) -> int | None:
    """An id as a form sends it, or None for anything that cannot be one."""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


def _chosen_people(ids: list[int]) -> list[Person]:
    ids = [number for number in ids if 0 < number < 1_000_000_000]
    if not ids:
        return []
    return list(db.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def _invite_context(meeting: Meeting, form: InviteForm) -> dict[str, Any]:
    chosen = _chosen_people(form.people.data or [])
    found = _found(form, meeting)
    shown = {person.id for person in found}
    invited = {invitation.person_id: invitation for invitation in meeting_invitations(meeting)}
    return {
        "meeting": meeting,
        "form": form,
        # Those ticked stay on the form when a new search shows others.
        "candidates": [person for person in chosen if person.id not in shown] + found,
        "chosen_ids": {person.id for person in chosen},
        "invited": invited,
        "lines": quota_lines(meeting, Counter(person.category for person in chosen)),
    }


@bp.route("/meetings/<int:meeting_id>/invite", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def invite(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = InviteForm(request.args) if request.method == "GET" else InviteForm()
    # A search (its button, or htmx as one types and ticks) shows the form again; any other
    # POST invites those ticked.
    inviting = (
        request.method == "POST"
        and request.form.get("action") != "search"
        and not is_fragment_request()
    )
    if inviting and form.validate_on_submit():
        chosen = _chosen_people(form.people.data or [])
        done = run_for_form(
            form,
            lambda: operations.invite_people(meeting, chosen, actor=current_user),
            done=lambda made: ngettext(
                "%(num)d person invited; the mail is being sent.",
                "%(num)d people invited; the mail is being sent.",
                len(made),
            ),
            then=url_for("sit_in_staff.invitations", meeting_id=meeting.id) + "#sending",
        )
        if done:
            return done
    context = _invite_context(meeting, form)
    return render_page(
        "sitting_in/staff/invite.html",
        fragment="sitting_in/staff/_invite_choices.html",
        status=form_status(form),
        **context,
    )


@bp.post("/meetings/<int:meeting_id>/send")
@permission_required(Permission.EDIT)
def send(meeting_id: int) -> Response:
    """Send the next few of the meeting's waiting invitation mails; the page asks again
    until none wait (htmx), or the button is pressed again without JavaScript. A bad
    address fails alone and is shown; cron's `flask send-outbox` sends what is left."""
    meeting = meeting_or_404(meeting_id)
    send_queued(batch=batch_name(meeting.id), limit=SEND_PER_STEP)
    if is_fragment_request():
        return render_page(
            "sitting_in/staff/invitations.html",
            fragment="sitting_in/staff/_sending.html",
            **_invitations_context(meeting),
        )
    return redirect(url_for("sit_in_staff.invitations", meeting_id=meeting.id) + "#sending", 303)


@bp.post("/meetings/<int:meeting_id>/invitations/<int:invitation_id>/resend")
@permission_required(Permission.EDIT)
def resend(meeting_id: int, invitation_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    invitation = invitation_or_404(meeting, invitation_id)
    return run_action(
        lambda: operations.resend_invitation(invitation, actor=current_user),
        done=_("The invitation was sent again to %(name)s.", name=invitation.person.display_name),
        then=url_for("sit_in_staff.invitations", meeting_id=meeting.id),
    )


@bp.route(
    "/meetings/<int:meeting_id>/invitations/<int:invitation_id>/withdraw",
    methods=["GET", "POST"],
)
@permission_required(Permission.EDIT)
def withdraw(meeting_id: int, invitation_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    invitation = invitation_or_404(meeting, invitation_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        done = run_for_form(
            form,
            lambda: operations.withdraw_invitation(
                invitation, reason=form.reason.data, actor=current_user
            ),
            done=_(
                "The invitation is withdrawn; %(name)s is told.",
                name=invitation.person.display_name,
            ),
            then=url_for("sit_in_staff.invitations", meeting_id=meeting.id),
        )
        if done:
            return done
    return render_page(
        "sitting_in/staff/withdraw.html",
        meeting=meeting,
        invitation=invitation,
        form=form,
        status=form_status(form),
    )


@bp.route(
    "/meetings/<int:meeting_id>/invitations/<int:invitation_id>/substitute",
    methods=["GET", "POST"],
)
@permission_required(Permission.EDIT)
def substitute(meeting_id: int, invitation_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    invitation = invitation_or_404(meeting, invitation_id)
    form = SubstituteForm(request.args) if request.method == "GET" else SubstituteForm()
    if request.method == "POST" and form.validate_on_submit():
        chosen = _row_id(form.person_id.data or "")
        person = db.session.get(Person, chosen) if chosen is not None else None
        if person is None:
            form.person_id.errors = [_("Choose the person who comes instead.")]
        else:
            done = run_for_form(
                form,
                lambda: operations.substitute(invitation, person, actor=current_user),
                done=_(
                    "%(new)s is invited in place of %(old)s; both are told.",
                    new=person.display_name,
                    old=invitation.person.display_name,
                ),
                then=url_for("sit_in_staff.invitations", meeting_id=meeting.id),
            )
            if done:
                return done
    text = (form.q.data or "").strip()
    found = (
        list(
            db.session.scalars(
                search_people(text, None, None)
                .where(Person.name.is_not(None), Person.id != invitation.person_id)
                .limit(FOUND_AT_MOST)
            )
        )
        if text
        else []
    )
    return render_page(
        "sitting_in/staff/substitute.html",
        meeting=meeting,
        invitation=invitation,
        form=form,
        found=found,
        status=422 if form.errors else 200,
    )


@bp.post("/meetings/<int:meeting_id>/attendance")
@permission_required(Permission.EDIT)
def attendance(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    marks: dict[int, Attendance | None] = {}
    for key, value in request.form.items():
        invitation_id = _row_id(key.removeprefix("attendance-"))
        if key.startswith("attendance-") and invitation_id is not None:
            marks[invitation_id] = (
                Attendance(value) if value in {a.value for a in Attendance} else None
            )
    return run_action(
        lambda: operations.mark_attendance(meeting, marks, actor=current_user),
        done=_("Attendance saved."),
        then=url_for("sit_in_staff.invitations", meeting_id=meeting.id) + "#attendance",
    )
