"""Residents' applications to sit in on a meeting: the list with each application's
eligibility (marked with a reason, told to the applicant when not eligible), then either
inviting every eligible applicant or the public draw in two steps, each published at once:
fixing the seed with the entries, and running it."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import utcnow
from core.runner import run_action, run_for_form
from core.web import query_int, render_page
from engagement.sitting_in.models import Application, ApplicationStatus
from engagement.sitting_in.operations.applications import (
    CHECKABLE,
    fix_sit_in_draw_seed,
    invite_all_eligible,
    mark_eligibility,
    run_sit_in_draw,
)
from engagement.sitting_in.queries.applications import (
    applications_close_at,
    applications_of,
    resident_places_left,
    sit_in_draw,
    status_counts,
)
from engagement.sitting_in.staff_forms.applications import EligibilityForm
from engagement.sitting_in.staff_views import PAGE_SIZE, bp, meeting_or_404
from extensions import db
from meetings.models import Meeting


def application_or_404(meeting: Meeting, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or application.meeting_id != meeting.id:
        abort(404)
    return application


def eligibility_form(application: Application, **kwargs: Any) -> EligibilityForm:
    """Each application's own form on the one page: its fields' ids carry its id."""
    form = EligibilityForm(prefix=f"a{application.id}", **kwargs)
    if kwargs.get("formdata", True) is None and application.eligibility_reason:
        form.reason.data = application.eligibility_reason
        form.decision.data = (
            "eligible" if application.status == ApplicationStatus.ELIGIBLE else "ineligible"
        )
    return form


def _page_url(meeting: Meeting, anchor: str = "") -> str:
    return url_for("sit_in_staff.applications", meeting_id=meeting.id) + anchor


def applications_page(
    meeting: Meeting, failed: tuple[Application, EligibilityForm] | None = None
) -> Response:
    """The list; with a form that failed, that form's messages by its application."""
    now = utcnow()
    wanted = request.args.get("status", "")
    status = ApplicationStatus(wanted) if wanted in {s.value for s in ApplicationStatus} else None
    found = db.paginate(
        applications_of(meeting, status),
        page=query_int("page", 1),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    seeded = sit_in_draw(meeting)
    checkable = seeded is None
    forms = {
        application.id: eligibility_form(application, formdata=None)
        for application in found.items
        if checkable and application.status in CHECKABLE and application.purged_at is None
    }
    if failed is not None:
        forms[failed[0].id] = failed[1]
    counts = status_counts(meeting)
    return render_page(
        "sitting_in/staff/applications.html",
        meeting=meeting,
        applications=found,
        forms=forms,
        counts=counts,
        total=sum(counts.values()),
        statuses=list(ApplicationStatus),
        wanted=status.value if status else "",
        places_left=resident_places_left(meeting),
        closes_at=applications_close_at(meeting),
        closed=now >= applications_close_at(meeting),
        started=now >= meeting.starts_at,
        draw=seeded,
        ApplicationStatus=ApplicationStatus,
        status=422 if failed else 200,
    )


@bp.get("/meetings/<int:meeting_id>/applications")
@permission_required(Permission.EDIT)
def applications(meeting_id: int) -> Response:
    return applications_page(meeting_or_404(meeting_id))


@bp.post("/meetings/<int:meeting_id>/applications/<int:application_id>/eligibility")
@permission_required(Permission.EDIT)
def mark_application(meeting_id: int, application_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    application = application_or_404(meeting, application_id)
    form = eligibility_form(application)
    if form.validate_on_submit():
        marked = run_for_form(
            form,
            lambda: mark_eligibility(
                application, eligible=form.eligible, reason=form.reason.data, actor=current_user
            ),
            done=_("Eligibility of %(reference)s saved.", reference=application.reference),
            then=_page_url(meeting, f"#application-{application.id}"),
        )
        if marked:
            return marked
    return applications_page(meeting, failed=(application, form))


@bp.post("/meetings/<int:meeting_id>/applications/invite")
@permission_required(Permission.EDIT)
def invite_eligible(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    return run_action(
        lambda: invite_all_eligible(meeting, actor=current_user),
        done=_("Every eligible applicant is invited; their invitations are on their way."),
        then=_page_url(meeting, "#places-given"),
    )


@bp.post("/meetings/<int:meeting_id>/applications/draw/seed")
@permission_required(Permission.EDIT)
def draw_seed(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    return run_action(
        lambda: fix_sit_in_draw_seed(meeting, actor=current_user),
        done=_("The seed is fixed and published with the list of entries. Now run the draw."),
        then=_page_url(meeting, "#places-given"),
    )


@bp.post("/meetings/<int:meeting_id>/applications/draw")
@permission_required(Permission.EDIT)
def run_draw(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    return run_action(
        lambda: run_sit_in_draw(meeting, actor=current_user),
        done=_("The draw is done and published: those selected are invited, the others are told."),
        then=_page_url(meeting, "#places-given"),
    )
