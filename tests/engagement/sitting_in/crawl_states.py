"""Sitting-in states the demo lacks, for the crawl of every page (`tests/test_every_page.py`):
a call whose draw is published and run, one whose seed is published but not yet drawn,
and invitations to a meeting moved and to one cancelled after they were answered. With the
demo's (the next meeting: invitations partly answered and the call open; the last one
held: attendance marked and who sat in listed) every sitting-in page is met in each state.

Returns the addresses to start from, public and staff, including the pages no link
reaches: invitees' own pages (`/rsvp/<token>`, one per meeting: two invitations to one
meeting share their page title) and an application's receipt. The mail the seeding queues
is marked sent, so no staff page is sending while the crawl reads it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core import review
from core.accounts.models import User
from core.clock import utcnow
from core.outbox import OutgoingMail, TextMessage
from engagement.sitting_in.models import (
    Application,
    Attendance,
    Category,
    Invitation,
    InvitationStatus,
    Person,
)
from engagement.sitting_in.operations import applications as application_operations
from engagement.sitting_in.operations.invitations import (
    answer_invitation,
    invite_people,
    set_quotas,
)
from extensions import db
from meetings import operations as meeting_operations
from meetings.models import Body, ChangeKind, Meeting


def _calling_meeting(editor: User, reviewer: User, title: str, days: int) -> Meeting:
    """An announced executive meeting `days` ahead that calls for two residents."""
    body = db.session.scalar(select(Body).where(Body.slug == "district-executive"))
    starts = utcnow() + timedelta(days=days)
    meeting = meeting_operations.create_meeting(
        body, title=title, starts_at=starts, ends_at=starts + timedelta(hours=2), actor=editor
    )
    meeting_operations.add_agenda_item(meeting, title="关于老旧小区加装电梯的议题", actor=editor)
    meeting.sit_in_open, meeting.sit_in_places = True, 2
    review.submit_for_review(meeting, actor=editor)
    review.approve(meeting, actor=reviewer)
    return meeting


def _draw_seeded(editor: User, reviewer: User, title: str, first: int) -> Meeting:
    """Five residents applied, four found eligible for two places; the call has closed
    (the meeting moved to tomorrow, as the call closes 48 hours ahead) and the seed and
    entries are published."""
    meeting = _calling_meeting(editor, reviewer, title, days=12)
    applications = [
        application_operations.apply_to_sit_in(
            meeting,
            name=f"居民{number:02d}",
            phone=f"1392000{number:04d}",
            email=None,
            community="什刹海社区",
            reason="关心加装电梯",
            name_public=number % 2 == 0,
            consented=True,
            locale="zh",
        )  # fmt: skip
        for number in range(first, first + 5)
    ]
    meeting.starts_at = utcnow() + timedelta(days=1)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    for application in applications:
        eligible = application is not applications[-1]
        application_operations.mark_eligibility(
            application,
            eligible=eligible,
            reason="本区常住居民" if eligible else "非本区居民",
            actor=editor,
        )
    application_operations.fix_sit_in_draw_seed(meeting, actor=editor)
    return meeting


def _answered_then_changed(
    editor: User, reviewer: User, person: Person, title: str, kind: ChangeKind
) -> Invitation:
    """An invitation accepted with a note, then the meeting moved a week or cancelled."""
    meeting = _calling_meeting(editor, reviewer, title, days=8)
    set_quotas(meeting, {person.category: 1}, actor=editor)
    [invitation] = invite_people(meeting, [person], actor=editor)
    answer_invitation(
        invitation, accepted=True, note="需要无障碍通道，我坐轮椅。", name_public=False
    )
    fields = {"reason": "议题材料需补充完善。"} if kind == ChangeKind.POSTPONE else {}
    if kind == ChangeKind.POSTPONE:
        fields |= {
            "new_starts_at": meeting.starts_at + timedelta(days=7),
            "new_ends_at": meeting.ends_at + timedelta(days=7),
        }
    else:
        fields["reason"] = "因工作安排调整，本次会议取消。"
    change = meeting_operations.propose_change(meeting, kind, actor=editor, **fields)
    review.submit_for_review(change, actor=editor)
    review.approve(change, actor=reviewer)
    return invitation


def _demo_invitation(*conditions: object) -> Invitation:
    return db.session.scalars(
        select(Invitation).join(Invitation.meeting).where(*conditions).order_by(Invitation.id)
    ).first()


def seed_sitting_in_states(editor: User, reviewer: User) -> tuple[list[str], list[str]]:
    now = utcnow()
    first_mail = db.session.scalar(select(func.max(OutgoingMail.id))) or 0
    first_text = db.session.scalar(select(func.max(TextMessage.id))) or 0

    drawn = _draw_seeded(editor, reviewer, "2026年第22次区政府常务会议", 0)
    application_operations.run_sit_in_draw(drawn, actor=editor)
    seeded = _draw_seeded(editor, reviewer, "2026年第23次区政府常务会议", 10)

    deputies = db.session.scalars(
        select(Person).where(Person.category == Category.DEPUTY).order_by(Person.id)
    ).all()
    moved = _answered_then_changed(editor, reviewer, deputies[0], "2026年第24次区政府常务会议",
                                   ChangeKind.POSTPONE)  # fmt: skip
    cancelled = _answered_then_changed(editor, reviewer, deputies[1],
                                       "2026年第25次区政府常务会议", ChangeKind.CANCEL)  # fmt: skip

    # The demo's next meeting (someone has not answered) and its last one held.
    waiting = _demo_invitation(
        Meeting.starts_at > now, Invitation.status == InvitationStatus.INVITED
    )
    came = _demo_invitation(Invitation.attendance == Attendance.PRESENT)
    application = db.session.scalars(
        select(Application)
        .where(Application.meeting_id == waiting.meeting_id)
        .order_by(Application.id)
    ).first()

    for model, first in ((OutgoingMail, first_mail), (TextMessage, first_text)):
        for message in db.session.scalars(
            select(model).where(model.id > first, model.sent_at.is_(None))
        ):
            message.sent_at, message.attempts = now, 1
    db.session.flush()

    public = [f"/rsvp/{invitation.token}" for invitation in (waiting, came, moved, cancelled)]
    public += [
        f"/meetings/{waiting.meeting_id}/sit-in/applications/{application.reference}",
        f"/meetings/{drawn.id}",
        f"/meetings/{drawn.id}/sit-in/draw",
        f"/meetings/{seeded.id}/sit-in/draw",
    ]
    staff = [
        f"/admin/sitting-in/meetings/{waiting.meeting_id}",  # answers, with the actions
        f"/admin/sitting-in/meetings/{waiting.meeting_id}/invite?q=代表",
        f"/admin/sitting-in/meetings/{drawn.id}/applications",
        f"/admin/sitting-in/meetings/{seeded.id}/applications",
        f"/admin/sitting-in/meetings/{waiting.meeting_id}/invitations/{waiting.id}/substitute?q=区",
    ]
    return public, staff
