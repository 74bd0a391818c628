"""Demo of sitting in (列席): a directory of deputies, CPPCC members, experts, the district's
media centre and resident representatives (these imported from the office's CSV list); the
last executive meeting held, with its invitations answered, residents' applications
decided and attendance marked, so its public page lists who sat in; and the next one, with
places per category, invitations partly answered and residents applying while its public
call is open.

Each step is dated when the story says (`DemoClock`) and goes through the operations where
the real clock still allows it. Inviting to a meeting, answering and applying close before
it starts, so for the meeting already held the demo writes what those operations wrote at
the time, rows, audit rows and messages alike (`_invited_then`, `_answered_then`,
`_applied_then`, `_selected_then`). The mail and text messages of the story are marked
sent when it sent them: the demo hands nothing to a mail server or an SMS gateway.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.outbox import OutgoingMail, TextMessage
from core.private_links import new_link_seed, token_hash
from engagement.sitting_in.demo.content import (
    DIRECTORY,
    ELIGIBLE,
    HELD_ABSENT,
    HELD_ANSWERS,
    HELD_APPLICANTS,
    HELD_INVITED,
    HELD_RESIDENTS,
    NOT_ELIGIBLE,
    QUOTAS,
    RESIDENT_KEYS,
    RESIDENTS_CSV,
    RESIDENTS_FILE,
    UPCOMING_ANSWERS,
    UPCOMING_APPLICANTS,
    UPCOMING_INVITED,
    Applicant,
)
from engagement.sitting_in.models import (
    NAMED_PUBLICLY,
    Application,
    ApplicationStatus,
    Attendance,
    Category,
    Invitation,
    InvitationStatus,
    Person,
)
from engagement.sitting_in.notices.applications import ApplicantNotice, tell_applicant
from engagement.sitting_in.notices.invitations import Notice, batch_name, tell
from engagement.sitting_in.operations.applications import apply_to_sit_in, mark_eligibility
from engagement.sitting_in.operations.invitations import (
    answer_invitation,
    invite_people,
    mark_attendance,
    set_quotas,
)
from engagement.sitting_in.operations.people import create_person, import_people
from engagement.sitting_in.staff_forms.people_import import read_people_csv
from extensions import db
from meetings.demo import DemoClock
from meetings.demo.content import OFFICE_SETUP_DAY
from meetings.models import Meeting


def load_sitting_in_demo(staff: dict[str, User], clock: DemoClock) -> None:
    first_mail, first_text = _next_id(OutgoingMail), _next_id(TextMessage)
    editor = staff["editor"]
    people = _directory(editor, clock)
    held, upcoming = _demo_meetings(clock)
    _held(held, people, editor, clock)
    _upcoming(upcoming, people, editor, clock)
    _sent_as_the_story_went(first_mail, first_text)
    db.session.flush()


def _next_id(model: type) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _directory(editor: User, clock: DemoClock) -> dict[str, Person]:
    """Deputies, members, experts and media added when the office set sitting in up; the
    residents' list imported from the street offices' file half a year ago."""
    people = {}
    for minute, person in enumerate(DIRECTORY):
        with clock.at(clock.office_day(OFFICE_SETUP_DAY + 20, 10, minute)):
            people[person.key] = create_person(
                actor=editor,
                tags=person.tags.split("、"),
                name=person.name,
                category=person.category,
                organisation=person.organisation,
                title=person.title,
                community=None,
                email=f"{person.mailbox}@example.cn",
                phone=person.phone,
                notes=None,
                locale="zh",
            )
    with clock.at(clock.office_day(-200, 15)):
        import_people(read_people_csv(RESIDENTS_CSV, RESIDENTS_FILE), actor=editor)
    imported = db.session.scalars(
        select(Person).where(Person.category == Category.RESIDENT).order_by(Person.id)
    ).all()
    people.update(zip(RESIDENT_KEYS, imported, strict=True))
    return people


def _demo_meetings(clock: DemoClock) -> tuple[Meeting, Meeting]:
    """The last executive meeting held and the next one announced, both calling for
    residents to sit in (`sit_in_open`, as the meetings demo sets the district's)."""
    calling = Meeting.public().where(Meeting.sit_in_open.is_(True), Meeting.cancelled_at.is_(None))
    held = db.session.scalars(
        calling.where(Meeting.ends_at < clock.now).order_by(Meeting.starts_at.desc())
    ).first()
    upcoming = db.session.scalars(
        calling.where(Meeting.starts_at > clock.now, Meeting.original_starts_at.is_(None))
        .order_by(Meeting.starts_at)
    ).first()  # fmt: skip
    return held, upcoming


def _held(meeting: Meeting, people: dict[str, Person], editor: User, clock: DemoClock) -> None:
    """Places set and invitations sent the afternoon it was announced, a week ahead; the
    call's eligible applicants all fit in the residents' places left, so no draw;
    attendance marked as it ended."""
    invited_on = clock.day_of(meeting.published_at)

    def day(days: int, hour: int, minute: int = 0) -> datetime:
        return clock.on(invited_on + timedelta(days=days), hour, minute)

    with clock.at(day(0, 14)):
        set_quotas(meeting, QUOTAS, actor=editor)
    keys = [*HELD_INVITED, *HELD_RESIDENTS]
    invitations = dict(
        zip(keys, _invited_then(meeting, [people[key] for key in keys], editor, clock,
                                day(0, 15)), strict=True)
    )  # fmt: skip
    for answer in HELD_ANSWERS:
        _answered_then(invitations[answer.key], clock, day(answer.days, answer.hour),
                       accepted=answer.accepted, note=answer.note,
                       name_public=answer.name_public)  # fmt: skip
    # The place of the member who declined goes to another.
    [invitations["wu"]] = _invited_then(meeting, [people["wu"]], editor, clock, day(2, 10),
                                        batch=False)  # fmt: skip
    _answered_then(invitations["wu"], clock, day(2, 14), accepted=True)
    closes = clock.day_of(meeting.starts_at) - timedelta(days=2)
    applications = [
        _applied_then(meeting, clock, day(1 + number, 20, 15), applicant)
        for number, applicant in enumerate(HELD_APPLICANTS)
    ]
    for minute, (application, applicant) in enumerate(
        zip(applications, HELD_APPLICANTS, strict=True)
    ):
        with clock.at(clock.on(closes, 9, 30 + minute)):
            mark_eligibility(application, eligible=applicant.eligible, actor=editor,
                             reason=ELIGIBLE if applicant.eligible else NOT_ELIGIBLE)  # fmt: skip
    eligible = [a for a in applications if a.status == ApplicationStatus.ELIGIBLE]
    selected = _selected_then(eligible, editor, clock, clock.on(closes, 10, 30))
    for hours, invitation in enumerate(selected):
        _answered_then(invitation, clock, clock.on(closes, 18 + hours), accepted=True,
                       name_public=invitation.name_public)  # fmt: skip
    came = [*invitations.values(), *selected]
    marks = {
        invitation.id: Attendance.ABSENT
        if invitation is invitations[HELD_ABSENT]
        else Attendance.PRESENT
        for invitation in came
        if invitation.status == InvitationStatus.ACCEPTED
    }
    with clock.at(meeting.ends_at + timedelta(minutes=10)):
        mark_attendance(meeting, marks, actor=editor)


def _upcoming(meeting: Meeting, people: dict[str, Person], editor: User, clock: DemoClock) -> None:
    """Places set the afternoon it was announced, invitations the next morning; a member
    declines and another accepts in his place; one deputy has not answered; residents
    apply while the call is open."""
    announced = clock.day_of(meeting.published_at)

    def day(days: int, hour: int, minute: int = 0) -> datetime:
        return clock.on(announced + timedelta(days=1 + days), hour, minute)

    with clock.at(clock.on(announced, 14)):
        set_quotas(meeting, QUOTAS, actor=editor)
    with clock.at(day(0, 10)):
        invited = invite_people(meeting, [people[key] for key in UPCOMING_INVITED], actor=editor)
    invitations = dict(zip(UPCOMING_INVITED, invited, strict=True))
    for answer in UPCOMING_ANSWERS:
        with clock.at(day(answer.days, answer.hour)):
            answer_invitation(invitations[answer.key], accepted=answer.accepted,
                              note=answer.note, name_public=answer.name_public)  # fmt: skip
    with clock.at(day(2, 9, 30)):
        [huang] = invite_people(meeting, [people["huang"]], actor=editor, batch=False)
    with clock.at(day(3, 15)):
        answer_invitation(huang, accepted=True, note=None, name_public=False)
    for number, applicant in enumerate(UPCOMING_APPLICANTS):
        at = day(number * 5 // 6, 9 + number * 5 % 12, 7 * number)  # in the order of the ids
        with clock.at(min(at, clock.now - timedelta(hours=2))):
            apply_to_sit_in(meeting, name=applicant.name, phone=applicant.phone,
                            email=applicant.email, community=applicant.community,
                            reason=applicant.reason, name_public=applicant.name_public,
                            consented=True, locale="zh")  # fmt: skip


# What the operations stored for the meeting already held -----------------------------------


def _invited_then(
    meeting: Meeting,
    people: list[Person],
    editor: User,
    clock: DemoClock,
    at: datetime,
    *,
    batch: bool = True,
    name_public: bool = False,
) -> list[Invitation]:
    """`invite_people` as it ran at `at`, before the meeting started."""
    invitations = []
    with clock.at(at):
        for person in people:
            invitation = Invitation(
                meeting=meeting,
                person=person,
                category=person.category,
                status=InvitationStatus.INVITED,
                name_public=name_public and person.category not in NAMED_PUBLICLY,
                link_seed=new_link_seed(),
                token_hash="",
            )
            invitation.token_hash = token_hash(invitation.token)
            db.session.add(invitation)
            db.session.flush()
            record_change(
                "invitation.create",
                invitation,
                actor=editor,
                summary=f"{meeting.title} · {person.display_name}",
                after=snapshot(invitation, "status", "category"),
            )
            tell(invitation, Notice.INVITED, batch=batch_name(meeting.id) if batch else None)
            invitations.append(invitation)
    return invitations


def _answered_then(
    invitation: Invitation,
    clock: DemoClock,
    at: datetime,
    *,
    accepted: bool,
    note: str | None = None,
    name_public: bool = False,
) -> None:
    """`answer_invitation` as the invitee answered at their link at `at`."""
    with clock.at(at):
        before = snapshot(invitation, "status", "name_public")
        invitation.status = InvitationStatus.ACCEPTED if accepted else InvitationStatus.DECLINED
        invitation.answer_note = note
        invitation.name_public = name_public and invitation.category not in NAMED_PUBLICLY
        invitation.answered_at = at
        record_change(
            "invitation.answer",
            invitation,
            actor=None,
            summary=f"{invitation.meeting.title} · {invitation.person.display_name}",
            before=before,
            after=snapshot(invitation, "status", "name_public"),
        )


def _applied_then(
    meeting: Meeting, clock: DemoClock, at: datetime, applicant: Applicant
) -> Application:
    """`apply_to_sit_in` as the resident applied at `at`, while the call was open."""
    with clock.at(at):
        application = Application(
            meeting=meeting,
            status=ApplicationStatus.APPLIED,
            name=applicant.name,
            phone=applicant.phone,
            email=applicant.email,
            community=applicant.community,
            reason=applicant.reason,
            name_public=applicant.name_public,
            consent_at=at,
            locale="zh",
            created_at=at,
        )
        db.session.add(application)
        db.session.flush()
        record_change(
            "sit_in_application.create",
            application,
            actor=None,
            summary=f"{meeting.title} · {application.reference}",
            after={"status": application.status.value},
        )
        tell_applicant(application, ApplicantNotice.RECEIVED)
    return application


def _selected_then(
    applications: list[Application], editor: User, clock: DemoClock, at: datetime
) -> list[Invitation]:
    """`invite_all_eligible` as staff ran it at `at`, after the call closed: each eligible
    applicant joins the directory and is invited, named publicly only if they asked."""
    invitations = []
    for minute, application in enumerate(applications):
        with clock.at(at + timedelta(minutes=minute)):
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
        [invitation] = _invited_then(
            application.meeting,
            [person],
            editor,
            clock,
            at + timedelta(minutes=minute),
            name_public=application.name_public,
        )
        with clock.at(at + timedelta(minutes=minute)):
            application.invitation_id = invitation.id
            application.status = ApplicationStatus.SELECTED
            record_change(
                "sit_in_application.invite",
                application,
                actor=editor,
                summary=f"{application.meeting.title} · {application.reference}",
                before={"status": ApplicationStatus.ELIGIBLE.value},
                after={"status": application.status.value},
            )
        invitations.append(invitation)
    return invitations


def _sent_as_the_story_went(first_mail: int, first_text: int) -> None:
    """Mark the demo's mail and text messages sent a minute after they were queued, as the
    story has it: none of them is ever handed to a mail server or an SMS gateway."""
    for model, first in ((OutgoingMail, first_mail), (TextMessage, first_text)):
        for message in db.session.scalars(
            select(model).where(model.id >= first, model.sent_at.is_(None))
        ):
            message.sent_at = message.created_at + timedelta(minutes=1)
            message.attempts = 1
