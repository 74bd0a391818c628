"""Invitations to sit in: inviting within each category's places, answers at the private
link, resending, withdrawing, substituting, reminders, attendance, and what a change to
the meeting sends to its invitees. Every write is audited; nothing commits here."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from core.audit import record_change, snapshot
from core.clock import utcnow
from core.page_cache.models import bump_public_version
from core.private_links import new_link_seed, token_hash
from core.rules import RuleBroken
from engagement.sitting_in.models import (
    HOLDS_A_PLACE,
    NAMED_PUBLICLY,
    Attendance,
    Category,
    Invitation,
    InvitationStatus,
    Person,
    Quota,
)
from engagement.sitting_in.notices.invitations import Notice, batch_name, tell
from engagement.sitting_in.queries.invitations import (
    places_by_category,
    places_held_for_the_draw,
    taken_by_category,
)
from extensions import db
from meetings.models import ChangeKind, Meeting, MeetingChange
from meetings.models import MeetingStatus as Status

if TYPE_CHECKING:
    from core.accounts.models import User


def lock_the_meeting(meeting: Meeting) -> None:
    """Hold the meeting's row until the commit (a write lock on both databases), so two
    staff inviting at once cannot both take the last place of a category."""
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(sit_in_places=Meeting.sit_in_places)
        .execution_options(synchronize_session=False)
    )


def _refuse_unless_invitable(meeting: Meeting) -> None:
    if meeting.cancelled_at is not None:
        raise RuleBroken(_("The meeting is cancelled: no one can be invited to it."))
    if utcnow() >= meeting.starts_at:
        raise RuleBroken(_("The meeting has started: invitations are closed."))


def invite_people(
    meeting: Meeting,
    people: list[Person],
    *,
    actor: User | None,
    name_public: bool = False,
    substitute_for: Invitation | None = None,
    batch: bool = True,
    for_the_draw: bool = False,
) -> list[Invitation]:
    """Invite `people` to sit in, each within their category's places, and queue each
    their mail (in the meeting's batch, sent with its progress shown) and text message.
    Someone who declined or was withdrawn is invited again; someone invited already is
    refused by name. The residents' places a published draw holds are not free, except
    to the draw's winners (`for_the_draw`)."""
    lock_the_meeting(meeting)
    _refuse_unless_invitable(meeting)
    if not people:
        raise RuleBroken(_("Choose at least one person to invite."), "people")
    existing = {
        invitation.person_id: invitation
        for invitation in db.session.scalars(
            select(Invitation).where(
                Invitation.meeting_id == meeting.id,
                Invitation.person_id.in_([person.id for person in people]),
            )
        )
    }
    problems = []
    for person in people:
        if not (person.email or person.phone):
            problems.append(
                _("%(name)s has no email address or phone number to invite them by.",
                  name=person.display_name)
            )  # fmt: skip
        held = existing.get(person.id)
        if held is not None and held.holds_a_place:
            problems.append(_("%(name)s is invited already.", name=person.display_name))
    if problems:
        raise RuleBroken.all_of([(problem, "people") for problem in problems])
    _refuse_over_quota(meeting, [person.category for person in people], for_the_draw=for_the_draw)
    invitations = []
    for person in people:
        invitation = existing.get(person.id)
        before = None
        if invitation is None:
            seed = new_link_seed()
            invitation = Invitation(
                meeting=meeting,
                person=person,
                category=person.category,
                link_seed=seed,
                token_hash="",
            )
            invitation.token_hash = token_hash(invitation.token)
            db.session.add(invitation)
        else:  # declined or withdrawn before: the same link works again
            before = snapshot(invitation, "status")
            invitation.category = person.category
            invitation.answered_at = None
            invitation.answer_note = None
            invitation.withdrawn_at = None
            invitation.withdraw_reason = None
            invitation.reminded_at = None
        invitation.status = InvitationStatus.INVITED
        invitation.name_public = name_public and person.category not in NAMED_PUBLICLY
        invitation.substitute_for = substitute_for
        db.session.flush()
        record_change(
            "invitation.create",
            invitation,
            actor=actor,
            summary=f"{meeting.title} · {person.display_name}",
            before=before,
            after=snapshot(invitation, "status", "category"),
        )
        tell(invitation, Notice.INVITED, batch=batch_name(meeting.id) if batch else None)
        invitations.append(invitation)
    return invitations


def _taken_and_held(meeting: Meeting, *, for_the_draw: bool = False) -> Counter[Category]:
    """Places taken per category, with the residents' places a published draw holds for
    its winners (unless these invitations are the draw's own)."""
    taken = taken_by_category(meeting)
    if not for_the_draw:
        taken[Category.RESIDENT] += places_held_for_the_draw(meeting)
    return taken


def _places_free(meeting: Meeting, category: Category) -> int:
    return places_by_category(meeting)[category] - _taken_and_held(meeting)[category]


def _refuse_over_quota(
    meeting: Meeting, categories: list[Category], *, for_the_draw: bool = False
) -> None:
    places = places_by_category(meeting)
    taken = _taken_and_held(meeting, for_the_draw=for_the_draw)
    problems = []
    for category in dict.fromkeys(categories):
        wanted = categories.count(category)
        free = places[category] - taken[category]
        if wanted > free:
            problems.append(
                _(
                    "%(category)s: %(places)d places, %(taken)d taken; %(wanted)d more do not fit.",
                    category=category.label,
                    places=places[category],
                    taken=taken[category],
                    wanted=wanted,
                )
            )
    if problems:
        raise RuleBroken.all_of([(problem, "people") for problem in problems])


def set_quotas(meeting: Meeting, places: dict[Category, int], *, actor: User) -> bool:
    """Set the places per category; never below those already invited. False if nothing
    changed (no audit row)."""
    lock_the_meeting(meeting)
    current = places_by_category(meeting)
    taken = _taken_and_held(meeting)
    problems = [
        (
            _(
                "%(category)s: %(taken)d are invited already or held for the draw; the "
                "places cannot be fewer.",
                category=category.label,
                taken=taken[category],
            ),
            f"places_{category.value}",
        )
        for category, number in places.items()
        if number < taken[category]
    ]
    if problems:
        raise RuleBroken.all_of(problems)
    changed = {
        category: number for category, number in places.items() if current[category] != number
    }
    if not changed:
        return False
    for category, number in changed.items():
        quota = db.session.get(Quota, (meeting.id, category))
        if quota is None:
            db.session.add(Quota(meeting_id=meeting.id, category=category, places=number))
        else:
            quota.places = number
    db.session.flush()
    record_change(
        "invitation.quotas",
        meeting,
        actor=actor,
        summary=meeting.title,
        before={"places": {c.value: current[c] for c in changed}},
        after={"places": {c.value: n for c, n in changed.items()}},
    )
    return True


def answer_invitation(
    invitation: Invitation, *, accepted: bool, note: str | None, name_public: bool
) -> bool:
    """The invitee's answer at their link, until the meeting starts. False if the answer
    is what they had already said (nothing changes, no audit row)."""
    if not invitation.may_answer_at(utcnow()):
        raise RuleBroken(_("Answers are closed: the meeting has started or is cancelled."))
    status = InvitationStatus.ACCEPTED if accepted else InvitationStatus.DECLINED
    note = (note or "").strip() or None
    name_public = name_public and invitation.category not in NAMED_PUBLICLY
    if (invitation.status, invitation.answer_note, invitation.name_public) == (
        status,
        note,
        name_public,
    ):
        return False
    if status == InvitationStatus.ACCEPTED and not invitation.holds_a_place:
        # Declining gave the place back; staff may have given it to someone else since.
        lock_the_meeting(invitation.meeting)
        if _places_free(invitation.meeting, invitation.category) < 1:
            raise RuleBroken(
                _(
                    "After you declined, your place was given to someone else. Please "
                    "contact the office if you would still like to come."
                )
            )
    before = snapshot(invitation, "status", "name_public")
    invitation.status = status
    invitation.answer_note = note
    invitation.name_public = name_public
    invitation.answered_at = utcnow()
    record_change(
        "invitation.answer",
        invitation,
        actor=None,
        summary=f"{invitation.meeting.title} · {invitation.person.display_name}",
        before=before,
        after=snapshot(invitation, "status", "name_public"),
    )
    return True


def resend_invitation(invitation: Invitation, *, actor: User) -> None:
    """The invitation mail and text again, with the same link, sent at once."""
    if not invitation.holds_a_place:
        raise RuleBroken(_("Only a current invitation can be sent again."))
    _refuse_unless_invitable(invitation.meeting)
    tell(invitation, Notice.INVITED)
    record_change(
        "invitation.resend",
        invitation,
        actor=actor,
        summary=f"{invitation.meeting.title} · {invitation.person.display_name}",
    )


def withdraw_invitation(invitation: Invitation, *, reason: str, actor: User) -> None:
    """Withdraw one invitation: its link stops working and the person is sent a CANCEL."""
    if invitation.status == InvitationStatus.WITHDRAWN:
        raise RuleBroken(_("This invitation is withdrawn already."))
    if utcnow() >= invitation.meeting.starts_at:
        raise RuleBroken(_("The meeting has started: invitations can no longer be withdrawn."))
    before = snapshot(invitation, "status")
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.withdrawn_at = utcnow()
    invitation.withdraw_reason = reason.strip() or None
    record_change(
        "invitation.withdraw",
        invitation,
        actor=actor,
        summary=f"{invitation.meeting.title} · {invitation.person.display_name}",
        before=before,
        after={"status": invitation.status.value, "withdraw_reason": invitation.withdraw_reason},
    )
    tell(invitation, Notice.WITHDRAWN)


def substitute(invitation: Invitation, person: Person, *, actor: User) -> Invitation:
    """Invite `person` in place of the invitee of `invitation`, whose invitation is
    withdrawn (they are told); the place moves, so the quota is checked for the new one."""
    if person.id == invitation.person_id:
        raise RuleBroken(_("Choose someone else to substitute."), "person_id")
    withdraw_invitation(
        invitation,
        reason=_("%(name)s takes your place.", name=person.display_name),
        actor=actor,
    )
    (new,) = invite_people(
        invitation.meeting, [person], actor=actor, substitute_for=invitation, batch=False
    )
    return new


def mark_attendance(meeting: Meeting, marks: dict[int, Attendance | None], *, actor: User) -> int:
    """Who sat in and who did not, once the meeting has started. Returns how many marks
    changed; the public list of who sat in follows them."""
    if meeting.public_status_at(utcnow()) in (Status.ANNOUNCED, Status.POSTPONED):
        raise RuleBroken(_("Attendance is marked once the meeting has started."))
    invitations = db.session.scalars(
        select(Invitation).where(
            Invitation.meeting_id == meeting.id,
            Invitation.id.in_(marks),
            Invitation.status.in_(HOLDS_A_PLACE),
        )
    ).all()
    changed = 0
    for invitation in invitations:
        mark = marks[invitation.id]
        if invitation.attendance == mark:
            continue
        before = snapshot(invitation, "attendance")
        invitation.attendance = mark
        invitation.attendance_marked_at = utcnow()
        record_change(
            "invitation.attendance",
            invitation,
            actor=actor,
            summary=f"{meeting.title} · {invitation.person.display_name}",
            before=before,
            after=snapshot(invitation, "attendance"),
        )
        changed += 1
    if changed:
        bump_public_version(db.session)  # the meeting's list of who sat in
    return changed


def remind_invitees(now: datetime, *, days: int | None = None) -> int:
    """Remind, once, everyone invited or accepted to a meeting that starts within `days`
    (SIT_IN_REMINDER_DAYS). Returns how many were reminded."""
    days = current_app.config["SIT_IN_REMINDER_DAYS"] if days is None else days
    due = db.session.scalars(
        select(Invitation)
        .join(Invitation.meeting)
        .where(
            Invitation.status.in_(HOLDS_A_PLACE),
            Invitation.reminded_at.is_(None),
            Meeting.cancelled_at.is_(None),
            Meeting.starts_at > now,
            Meeting.starts_at <= now + timedelta(days=days),
        )
        .order_by(Invitation.id)
    ).all()
    for invitation in due:
        invitation.reminded_at = now
        tell(invitation, Notice.REMINDER)
    if due:
        record_change(
            "invitation.remind",
            due[0].meeting,
            actor=None,
            summary=", ".join(sorted({invitation.meeting.title for invitation in due})),
            after={"reminded": len(due), "days": days},
        )
    return len(due)


def tell_invitees_of_change(change: MeetingChange) -> None:
    """An approved change reaches the invitees' calendars: a postponement as an updated
    REQUEST (higher SEQUENCE), a cancellation as a CANCEL. (`meeting_change_listeners`)"""
    notice = {ChangeKind.POSTPONE: Notice.UPDATED, ChangeKind.CANCEL: Notice.CANCELLED}.get(
        change.kind
    )
    if notice is None:
        return
    for invitation in db.session.scalars(
        select(Invitation)
        .where(
            Invitation.meeting_id == change.meeting_id,
            Invitation.status.in_(HOLDS_A_PLACE),
        )
        .order_by(Invitation.id)
    ):
        if notice is Notice.UPDATED:
            invitation.reminded_at = None  # reminded again before the new date
        tell(invitation, notice)
