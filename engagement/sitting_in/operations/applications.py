"""Residents' applications to sit in, from a meeting's public call: applying (once per
phone, the same form once), the eligibility check, and then either inviting every eligible
applicant (when they fit in the places left) or the public draw with the one draw
mechanism (`core.draw`): staff fix the seed, published at once with the entries, then run
the draw; the first `places` are invited, the others told. The retention purge empties
applicants' personal data. Every write is audited; nothing commits here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from core.audit import record_change, snapshot
from core.clock import utcnow
from core.draw import draw, new_seed
from core.outbox import OutgoingMail, TextMessage
from core.rules import RuleBroken
from core.web import office_time
from engagement.sitting_in.models import (
    Application,
    ApplicationStatus,
    Category,
    Invitation,
    Person,
    SitInDraw,
)
from engagement.sitting_in.notices.applications import ApplicantNotice, tell_applicant
from engagement.sitting_in.operations.invitations import invite_people, lock_the_meeting
from engagement.sitting_in.queries.applications import (
    applications_close_at,
    applications_of,
    call_is_public,
    resident_places_left,
    sit_in_draw,
    status_counts,
    takes_applications_at,
)
from engagement.sitting_in.queries.people import people_by_phone
from extensions import db
from meetings.models import Meeting

if TYPE_CHECKING:
    from core.accounts.models import User

# Before the seed is fixed, an application's eligibility may be marked and changed.
CHECKABLE = (ApplicationStatus.APPLIED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)


class AlreadyApplied(RuleBroken):
    """This phone has applied to sit in on this meeting already."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This phone number has already applied to sit in on this meeting. One "
                "application per person: you were sent its reference by text message."
            ),
            "phone",
        )


def not_taking_applications_message(meeting: Meeting) -> str:
    if meeting.cancelled_at is not None:
        return _("This meeting is cancelled; applications to sit in are no longer taken.")
    if not call_is_public(meeting):
        return _("This meeting takes no applications to sit in.")
    return _(
        "Applications closed at %(when)s; your application was not sent.",
        when=office_time(applications_close_at(meeting)),
    )


def _summary(application: Application) -> str:
    return f"{application.meeting.title} · {application.reference}"


def apply_to_sit_in(
    meeting: Meeting,
    *,
    name: str,
    phone: str,
    email: str | None,
    community: str,
    reason: str,
    name_public: bool,
    consented: bool,
    locale: str,
    submission_key: str | None = None,
) -> Application:
    """Store a resident's application and tell them its reference. The same form sent again
    gives back its application; the same phone again is refused (`AlreadyApplied`)."""
    if submission_key:
        already = db.session.scalar(
            select(Application).where(Application.submission_key == submission_key)
        )
        if already is not None and already.meeting_id == meeting.id:
            return already
    now = utcnow()
    if not takes_applications_at(meeting, now):
        raise RuleBroken(not_taking_applications_message(meeting))
    if not consented:
        raise RuleBroken(_("Applying needs your consent to the use of your details."), "consent")
    taken = select(Application.id).where(
        Application.meeting_id == meeting.id, Application.phone == phone
    )
    if db.session.scalar(taken) is not None:
        raise AlreadyApplied()
    application = Application(
        meeting=meeting,
        status=ApplicationStatus.APPLIED,
        name=name.strip(),
        phone=phone,
        email=(email or "").strip() or None,
        community=community.strip(),
        reason=reason.strip(),
        name_public=name_public,
        consent_at=now,
        locale=locale,
        submission_key=submission_key or None,
        created_at=now,
    )
    db.session.add(application)
    db.session.flush()
    # No personal data in the audit log: the reference names the application.
    record_change(
        "sit_in_application.create",
        application,
        actor=None,
        summary=_summary(application),
        after={"status": application.status.value},
    )
    tell_applicant(application, ApplicantNotice.RECEIVED)
    return application


def _refuse_once_seeded(meeting: Meeting) -> None:
    if sit_in_draw(meeting) is not None:
        raise RuleBroken(
            _(
                "The draw's seed and entries are fixed and published: eligibility can no "
                "longer change."
            )
        )


def mark_eligibility(
    application: Application, *, eligible: bool, reason: str, actor: User
) -> Application:
    """Mark an application eligible or not, with the reason, until the draw's seed is fixed
    or its applicants are invited. An applicant found not eligible is told the reason; one
    found eligible after all is told that too."""
    meeting = application.meeting
    lock_the_meeting(meeting)  # the seed is not fixed while this is decided
    db.session.refresh(application)
    _refuse_once_seeded(meeting)
    if application.status not in CHECKABLE:
        raise RuleBroken(
            _("This application is decided: %(status)s.", status=application.status.label)
        )
    if application.purged_at is not None:
        raise RuleBroken(_("This application's details were deleted after the meeting."))
    reason = reason.strip()
    if not reason:
        raise RuleBroken(_("Give the reason for the decision."), "reason")
    status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    if status == application.status and reason == application.eligibility_reason:
        return application
    before = snapshot(application, "status", "eligibility_reason")
    was = application.status
    application.status = status
    application.eligibility_reason = reason
    application.eligibility_marked_at = utcnow()
    record_change(
        "sit_in_application.eligibility",
        application,
        actor=actor,
        summary=_summary(application),
        before=before,
        after=snapshot(application, "status", "eligibility_reason"),
    )
    if status == ApplicationStatus.INELIGIBLE:
        tell_applicant(application, ApplicantNotice.INELIGIBLE)
    elif was == ApplicationStatus.INELIGIBLE:
        tell_applicant(application, ApplicantNotice.NOW_ELIGIBLE)
    return application


def _refuse_unless_decidable(meeting: Meeting) -> None:
    """Places are given after the call closes and every application is checked."""
    if meeting.cancelled_at is not None:
        raise RuleBroken(_("The meeting is cancelled."))
    if not call_is_public(meeting):
        raise RuleBroken(_("This meeting has no public call for residents."))
    if utcnow() < applications_close_at(meeting):
        raise RuleBroken(
            _(
                "Applications are open until %(when)s; places are given after they close.",
                when=office_time(applications_close_at(meeting)),
            )
        )
    waiting = status_counts(meeting)[ApplicationStatus.APPLIED]
    if waiting:
        raise RuleBroken(
            _(
                "%(count)d applications still wait for the eligibility check.",
                count=waiting,
            )
        )


def _invite(application: Application, *, actor: User, for_the_draw: bool = False) -> Invitation:
    """The applicant joins the directory as a resident representative (or is the one
    already there with their phone) and is invited, named in the public list only if they
    asked to be."""
    person = people_by_phone([application.phone or ""]).get(application.phone or "")
    if person is None or person.category != Category.RESIDENT:
        person = Person.new(
            category=Category.RESIDENT,
            name=application.name,
            phone=application.phone,
            email=application.email,
            community=application.community,
            locale=application.locale,
        )
        db.session.add(person)
        db.session.flush()
    [invitation] = invite_people(
        application.meeting,
        [person],
        actor=actor,
        name_public=application.name_public,
        for_the_draw=for_the_draw,
    )
    application.invitation_id = invitation.id
    return invitation


def invite_all_eligible(meeting: Meeting, *, actor: User) -> list[Invitation]:
    """Invite every eligible applicant: allowed when they fit in the residents' places
    left, so no draw is needed."""
    lock_the_meeting(meeting)
    _refuse_unless_decidable(meeting)
    if sit_in_draw(meeting) is not None:
        raise RuleBroken(_("The places are given by the draw: its seed is published."))
    eligible = db.session.scalars(applications_of(meeting, ApplicationStatus.ELIGIBLE)).all()
    if not eligible:
        raise RuleBroken(_("No application is marked eligible."))
    left = resident_places_left(meeting)
    if len(eligible) > left:
        raise RuleBroken(
            _(
                "%(count)d eligible applicants for %(places)d places: the places are drawn by lot.",
                count=len(eligible),
                places=left,
            )
        )
    invitations = []
    for application in eligible:
        invitations.append(_invite(application, actor=actor))
        application.status = ApplicationStatus.SELECTED
        record_change(
            "sit_in_application.invite",
            application,
            actor=actor,
            summary=_summary(application),
            before={"status": ApplicationStatus.ELIGIBLE.value},
            after={"status": application.status.value},
        )
    return invitations


def fix_sit_in_draw_seed(meeting: Meeting, *, actor: User) -> SitInDraw:
    """Fix the seed and the entries (the eligible applicants' references) and publish them
    at once, before the draw; neither changes afterwards, nor does eligibility."""
    lock_the_meeting(meeting)
    _refuse_unless_decidable(meeting)
    if sit_in_draw(meeting) is not None:
        raise RuleBroken(_("The seed is already fixed and published."))
    entries = [
        application.reference
        for application in db.session.scalars(applications_of(meeting, ApplicationStatus.ELIGIBLE))
    ]
    places = resident_places_left(meeting)
    if places <= 0:
        raise RuleBroken(_("No residents' places are left to draw."))
    if len(entries) <= places:
        raise RuleBroken(
            _("Every eligible applicant fits in the places left: invite them all, no draw.")
        )
    seeded = SitInDraw(
        meeting_id=meeting.id,
        places=places,
        seed=new_seed(),
        entries="\n".join(entries),
        seed_published_at=utcnow(),
    )
    db.session.add(seeded)
    db.session.flush()
    record_change(
        "sit_in_draw.seed",
        seeded,
        actor=actor,
        summary=meeting.title,
        after={"seed": seeded.seed, "places": places, "draw_entries": entries},
    )
    return seeded


def run_sit_in_draw(meeting: Meeting, *, actor: User) -> list[Application]:
    """Rank the published entries from the published seed: the first `places` are invited,
    the others told they were not selected. Returns the applications in drawn order."""
    lock_the_meeting(meeting)
    seeded = sit_in_draw(meeting)
    if seeded is None:
        raise RuleBroken(_("Fix and publish the seed first."))
    if seeded.drawn_at is not None:
        raise RuleBroken(_("The draw has already been run."))
    if meeting.cancelled_at is not None:
        raise RuleBroken(_("The meeting is cancelled."))
    entries = seeded.entry_list
    entered = {
        application.reference: application
        for application in db.session.scalars(applications_of(meeting, ApplicationStatus.ELIGIBLE))
    }
    if set(entered) != set(entries):  # eligibility is frozen with the seed; never expected
        raise RuleBroken(_("The eligible applications no longer match the published entries."))
    ranking = draw(seeded.seed, entries)
    for rank, reference in enumerate(ranking, start=1):
        application = entered[reference]
        application.draw_rank = rank
        if rank <= seeded.places:
            application.status = ApplicationStatus.SELECTED
            _invite(application, actor=actor, for_the_draw=True)
        else:
            application.status = ApplicationStatus.NOT_SELECTED
            tell_applicant(application, ApplicantNotice.NOT_SELECTED)
    seeded.drawn_at = utcnow()
    record_change(
        "sit_in_draw.run",
        seeded,
        actor=actor,
        summary=meeting.title,
        after={
            "seed": seeded.seed,
            "draw_entries": entries,
            "draw_ranking": ranking,
            "drawn_selected": ranking[: seeded.places],
        },
    )
    return [entered[reference] for reference in ranking]


def purge_application_data(now: datetime) -> int:
    """Empty applicants' names, phones, emails and reasons (and the messages sent about
    their applications) `SIT_IN_RETENTION_DAYS` after each meeting ended, keeping their
    community and outcome for the counts. Returns how many applications were purged; a
    second run finds none."""
    days = int(current_app.config["SIT_IN_RETENTION_DAYS"])
    due = db.session.scalars(
        select(Application)
        .join(Application.meeting)
        .where(Application.purged_at.is_(None), Meeting.ends_at <= now - timedelta(days=days))
        .order_by(Application.meeting_id, Application.id)
    ).all()
    by_meeting: dict[int, list[Application]] = {}
    for application in due:
        by_meeting.setdefault(application.meeting_id, []).append(application)
    for applications in by_meeting.values():
        references = [application.reference for application in applications]
        for model in (TextMessage, OutgoingMail):
            db.session.execute(
                delete(model).where(or_(*(model.body.contains(ref) for ref in references)))
            )
        for application in applications:
            application.name = None
            application.phone = None
            application.email = None
            application.reason = None
            application.purged_at = now
        meeting = applications[0].meeting
        record_change(
            "sit_in_application.purge",
            meeting,
            actor=None,
            summary=meeting.title,
            after={"applications_purged": len(applications), "application_retention_days": days},
        )
    return len(due)
