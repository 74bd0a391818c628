"""The generator's run: every call in time order, the directory, the nightly purge and the
morning reminders (the shape of the whole is in the package's docstring)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bench.data import Generation, between
from bench.data.sitting_in.applications import _applications
from bench.data.sitting_in.base import (
    ABSENT,
    EXPERT_INVITED,
    INVITED_AHEAD,
    MEDIA_INVITED,
    ORGANISATIONS,
    POOL,
    RE_ELECTED,
    REMINDER_DAYS,
    TAGS,
    TERM,
    TERM_SEATS,
    C,
    Call,
    D,
    E,
    History,
    Identity,
    M,
    R,
    _choose,
    _directory_entry,
    _invite,
)
from bench.data.texts import COMMUNITIES, GIVEN_NAMES, SURNAMES
from core.review import ReviewState
from engagement.sitting_in.models import (
    HOLDS_A_PLACE,
    Application,
    Attendance,
    Category,
    Invitation,
    Person,
    Quota,
)
from engagement.sitting_in.models import InvitationStatus as Answered
from extensions import db
from meetings.models import Meeting


def generate_sitting_in(gen: Generation) -> None:
    history = History()
    meetings = db.session.execute(
        select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.ends_at,
               Meeting.published_at, Meeting.sit_in_places)
        .where(Meeting.id >= gen.first_id(Meeting), Meeting.sit_in_open.is_(True),
               Meeting.review_state == ReviewState.APPROVED, Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id)
    ).mappings().all()  # fmt: skip
    identities = _identities(gen, [meeting["starts_at"] for meeting in meetings])
    calls = [_call(gen, history, identities, dict(meeting)) for meeting in meetings]
    _nightly_purges(gen, history)
    _morning_reminders(gen, history)
    for row in history.people:
        row.pop("needed_until")
        gen.add(Person, **row)
    gen.checkpoint()
    for call in calls:
        for model, row in call.keyed:
            gen.buffers[model].append(row)  # keyed by the meeting: no id of their own
        for invitation in call.invitations:
            gen.add(Invitation, **invitation)
        for application in call.applications:
            application.pop("reference")
            gen.add(Application, **application)
        gen.checkpoint()


def _identities(gen: Generation, starts: list[datetime]) -> dict[Category, list[Identity]]:
    """Deputies and members for two terms (some re-elected), experts and media throughout,
    resident representatives for two to four years each."""
    rng, now = gen.rng, gen.now
    first = (starts[0] if starts else now) - timedelta(days=60)
    later_seats = TERM_SEATS - round(TERM_SEATS * RE_ELECTED)
    phones = iter(rng.sample(range(10**9), 2 * (TERM_SEATS + later_seats) + sum(POOL.values())))

    def person(category: Category, active: tuple[datetime, datetime]) -> Identity:
        resident = category == R
        organisation, title = (None, None) if resident else rng.choice(ORGANISATIONS[category])
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        community = rng.choice(COMMUNITIES) if resident else None
        phone = f"1{rng.choice('3578')}{next(phones):09d}"
        tags = rng.sample(TAGS, rng.choice((0, 1, 1, 2)))
        return Identity(category, name, organisation, title, community, phone, tags, active)

    found: dict[Category, list[Identity]] = {}
    turn = now - TERM
    for category in (D, C):
        earlier = [person(category, (first, turn)) for _ in range(TERM_SEATS)]
        for identity in rng.sample(earlier, TERM_SEATS - later_seats):
            identity.active = (first, now + TERM)
        found[category] = earlier + [
            person(category, (turn, now + TERM)) for _ in range(later_seats)
        ]
    for category in (E, M):
        found[category] = [person(category, (first, now + TERM)) for _ in range(POOL[category])]
    found[R] = []
    for _ in range(POOL[R]):
        joined = between(rng, first, now)
        found[R].append(person(R, (joined, joined + timedelta(days=rng.randint(700, 1500)))))
    return found


def _call(gen: Generation, history: History, identities, meeting: dict) -> Call:
    """Places, invitations and their answers, the public call, reminders, attendance."""
    rng, now = gen.rng, gen.now
    call = Call(meeting)
    starts = meeting["starts_at"]
    wanted = {D: 3, C: 3, E: int(rng.random() < EXPERT_INVITED),
              M: int(rng.random() < MEDIA_INVITED)}  # fmt: skip
    places = {category: number for category, number in wanted.items() if number}
    for category, number in places.items():
        row = {"meeting_id": meeting["id"], "category": category, "places": number}
        call.keyed.append((Quota, row))
    gen.audit("invitation.quotas", "Meeting", meeting["id"], actor="editor",
              at=meeting["published_at"] + timedelta(hours=rng.randint(1, 5)),
              summary=meeting["title"], before={"places": {c.value: 0 for c in places}},
              after={"places": {c.value: n for c, n in places.items()}})  # fmt: skip
    invite_at = max(meeting["published_at"] + timedelta(hours=3), starts - INVITED_AHEAD)
    if invite_at < now:
        chosen = _choose(gen, identities, wanted | {R: rng.choice((0, 0, 1, 2))}, invite_at, [])
        for identity in list(chosen):
            person = _directory_entry(gen, history, identity, invite_at)
            invitation = _invite(gen, call, person, invite_at)
            if invitation["status"] != Answered.DECLINED:
                continue
            again = invitation["answered_at"] + timedelta(hours=rng.randint(2, 24))
            if again < min(starts - timedelta(hours=2), now):  # another in their place
                for other in _choose(gen, identities, {identity.category: 1}, again, chosen):
                    chosen.append(other)
                    _invite(gen, call, _directory_entry(gen, history, other, again), again)
    _applications(gen, history, call)
    for invitation in call.invitations:
        if invitation["status"] in HOLDS_A_PLACE:
            due = max(starts - timedelta(days=REMINDER_DAYS), invitation["created_at"])
            moment = history.run_after(due, 8)
            if moment < min(starts, now):
                invitation["reminded_at"] = moment
                history.reminded[moment].append(meeting)
    _attendance(gen, call)
    return call


def _attendance(gen: Generation, call: Call) -> None:
    """Marked as the meeting ends: most of those who accepted came (`mark_attendance`)."""
    marked = call.meeting["ends_at"] + timedelta(minutes=gen.rng.randint(5, 60))
    if marked >= gen.now:
        return
    for invitation in call.invitations:
        if invitation["status"] != Answered.ACCEPTED:
            continue
        mark = Attendance.ABSENT if gen.rng.random() < ABSENT else Attendance.PRESENT
        invitation |= {"attendance": mark, "attendance_marked_at": marked}
        summary = f"{call.meeting['title']} · {call.names[invitation['id']]}"
        gen.audit("invitation.attendance", "Invitation", invitation["id"], at=marked,
                  actor="editor", summary=summary, before={"attendance": None},
                  after={"attendance": mark.value})  # fmt: skip


def _nightly_purges(gen: Generation, history: History) -> None:
    """What is still kept at the end and no longer needed is purged too; one audit row per
    night the purge emptied entries (`purge_people_data`)."""
    for row in history.people:
        if row.get("purged_at") is None and history.purge_moment(row) < gen.now:
            history.purge(row)
    days = history.retention.days
    for at, ids in sorted(history.purged.items()):
        gen.audit("person.purge", "Person", min(ids), at=at, actor=None, summary="",
                  after={"people_purged": len(ids), "retention_days": days})  # fmt: skip


def _morning_reminders(gen: Generation, history: History) -> None:
    """One audit row per morning the reminders went out (`remind_invitees`)."""
    for at, meetings in sorted(history.reminded.items()):
        titles = sorted({meeting["title"] for meeting in meetings})
        gen.audit("invitation.remind", "Meeting", meetings[0]["id"], at=at, actor=None,
                  summary=", ".join(titles),
                  after={"reminded": len(meetings), "days": REMINDER_DAYS})  # fmt: skip
