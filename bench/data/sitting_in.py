"""Sitting in's share of ten busy years, on every announced district executive meeting the
meetings step wrote (about 300; their calls are open to residents, six places each):
places per category set the day it was announced; two weeks ahead, three deputies, three
CPPCC members, usually an expert and the media, and now and then a resident
representative from the directory invited, answering within days (a member who declines
is replaced by another); residents applying in the public call until 48 hours before,
checked for eligibility, then all invited when they fit in the residents' places left or
drawn by lot with `core.draw`; everyone still holding a place reminded two days ahead;
attendance marked as the meeting ends. The audit rows are those the operations write.

The directory holds about 500 people over the years: deputies and members for their
five-year terms (some re-elected), experts, the media, resident representatives for a few
years each. The retention purge (`SIT_IN_RETENTION_DAYS`, run nightly) deletes the contact
details of everyone not needed for that long, and of applicants and those selected from
them; as the operations stand, a purged person cannot be invited again, so someone needed
again after a purge is added to the directory again (a new row, as staff would have to).

Upcoming meetings have their invitations out once two weeks away, some not yet answered
(the bench's `/rsvp/<token>`), and their calls take applications until they close. The
bench's meeting page (`bench_meeting`, held three days ago) lists who sat in, as the demo's
latest meeting does. Mail and text messages are not generated: no public page reads them.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from bench.data import Generation, between
from bench.data.texts import COMMUNITIES, GIVEN_NAMES, SURNAMES
from core.clock import from_office_time, to_office_time
from core.draw import draw
from core.private_links import link_token, token_hash
from core.review import ReviewState
from engagement.sitting_in.models import (
    APPLICATION_PREFIX,
    HOLDS_A_PLACE,
    NAMED_PUBLICLY,
    Application,
    ApplicationStatus,
    Attendance,
    Category,
    Invitation,
    Person,
    Quota,
    SitInDraw,
)
from engagement.sitting_in.models import InvitationStatus as Answered
from extensions import db
from meetings.models import Meeting

D, C, E, M, R = (Category.DEPUTY, Category.CPPCC, Category.EXPERT, Category.MEDIA,
                 Category.RESIDENT)  # fmt: skip
TERM = timedelta(days=5 * 365)
TERM_SEATS = 100  # deputies (and as many members) in the directory per five-year term
RE_ELECTED = 0.3
POOL = {E: 40, M: 15, R: 100}
INVITED_AHEAD = timedelta(days=14)
DECLINES, NEVER_ANSWERS, STILL_TO_ANSWER, ABSENT = 0.12, 0.03, 0.3, 0.07
EXPERT_INVITED, MEDIA_INVITED = 0.7, 0.6
ELIGIBLE, NAME_PUBLIC = 0.85, 0.5
REMINDER_DAYS = 2
ORGANISATIONS = {
    D: (("区第一实验中学", "副校长"), ("区人民医院", "主任医师"), ("区个体劳动者协会", "副会长"),
        ("新街口街道西里社区居委会", "主任"), ("北京华信建设工程有限公司", "总工程师"),
        ("区消防救援支队", "副支队长"), ("区公交客运分公司", "驾驶员")),
    C: (("区工商业联合会", "副主席"), ("民进区委", "副主委"), ("区中医医院", "副院长"),
        ("北京明理律师事务所", "合伙人律师"), ("区第二实验小学", "高级教师"),
        ("区文化馆", "馆长")),
    E: (("京华大学建筑与城市规划学院", "教授"), ("首都教育发展研究院", "研究员"),
        ("市环境卫生科学研究所", "高级工程师"), ("京华大学公共管理学院", "副教授"),
        ("市交通规划设计研究院", "高级工程师")),
    M: (("区融媒体中心", "记者"), ("区融媒体中心", "摄像记者"), ("北京日报社", "记者")),
}  # fmt: skip
TAGS = ("百人建议代表团", "教育", "养老", "城市规划", "营商环境", "医疗卫生", "社区治理",
        "视频连线")  # fmt: skip
NOTES = ("通过视频连线参加。", "会前可以提供相关调研材料。", "可能晚到十分钟。")
DECLINE_NOTES = ("当天另有公务，无法参加。", "在外地出差，抱歉。", "身体不适，请另行安排。")
REASONS = (
    "想了解这项政策是怎么定的。",
    "我是楼门长，有些实际情况想反映。",
    "关心老旧小区改造，想来旁听。",
    "想看看常务会议是怎么开的，回社区讲给邻居听。",
)
NOT_ELIGIBLE = ("居住地和户籍均不在本区。", "报名信息不完整，经电话联系未能补全。")


@dataclass(eq=False)
class Identity:
    """Someone the office invites over the years; `rows` are their directory entries."""

    category: Category
    name: str
    organisation: str | None
    title: str | None
    community: str | None
    phone: str
    tags: list[str]
    active: tuple[datetime, datetime]
    rows: list[dict] = field(default_factory=list)


@dataclass
class Call:
    """One meeting's sitting in, as it is written."""

    meeting: dict
    invitations: list[dict] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # invitation id -> the person's name
    applications: list[dict] = field(default_factory=list)
    keyed: list[tuple[type, dict]] = field(default_factory=list)  # quotas, the draw


class History:
    """What runs across meetings: the directory's entries, and the nightly purge and the
    morning reminders, whose audit rows are one per run."""

    def __init__(self) -> None:
        self.retention = timedelta(days=current_app.config["SIT_IN_RETENTION_DAYS"])
        self.close = timedelta(hours=current_app.config["SIT_IN_APPLICATIONS_CLOSE_HOURS"])
        self.people: list[dict] = []
        self.purged: dict[datetime, list[int]] = defaultdict(list)
        self.reminded: dict[datetime, list[dict]] = defaultdict(list)  # a meeting per person

    @staticmethod
    def run_after(moment: datetime, hour: int) -> datetime:
        """The first run of a daily `flask` command at `hour` office time after `moment`."""
        wall = to_office_time(moment).replace(tzinfo=None)
        run = wall.replace(hour=hour, minute=0, second=0, microsecond=0)
        return from_office_time(run if run >= wall else run + timedelta(days=1))

    def purge_moment(self, row: dict) -> datetime:
        """When the purge empties an entry no meeting needs any more (`purge_people_data`)."""
        return self.run_after(max(row["needed_until"], row["updated_at"]) + self.retention, 3)

    def purge(self, row: dict) -> None:
        at = self.purge_moment(row)
        row |= {"email": None, "phone": None, "notes": None, "purged_at": at}
        if row["category"] not in NAMED_PUBLICLY:
            row |= {"name": None, "organisation": None, "title": None}
        self.purged[at].append(row["id"])


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


def _choose(gen, identities, wanted: dict[Category, int], at: datetime, taken: list) -> list:
    """People of each category serving at `at`, none of them `taken` already."""
    chosen = []
    for category, number in wanted.items():
        serving = [i for i in identities[category]
                   if i.active[0] <= at < i.active[1] and i not in taken]  # fmt: skip
        chosen += gen.rng.sample(serving, min(number, len(serving)))
    return chosen


def _directory_entry(gen: Generation, history: History, identity: Identity, at: datetime) -> dict:
    """The person's current entry; added again, by staff shortly before `at`, when there
    is none yet or the purge has emptied it (a purged entry is never invited again)."""
    if identity.rows and history.purge_moment(identity.rows[-1]) > at:
        return identity.rows[-1]
    if identity.rows:
        history.purge(identity.rows[-1])
    added = at - timedelta(hours=gen.rng.randint(2, 30))
    row = _person(gen, history, identity, added)
    identity.rows.append(row)
    after = {key: row[key] for key in ("name", "organisation", "title", "community", "tags")}
    after |= {"category": identity.category.value, "locale": "zh"}
    gen.audit("person.create", "Person", row["id"], at=added, actor="editor",
              summary=row["name"], after=after)  # fmt: skip
    return row


def _person(gen: Generation, history: History, identity: Identity, added: datetime) -> dict:
    seed = secrets.token_hex(16)
    row = {
        "id": gen.new_id(Person),
        "name": identity.name,
        "category": identity.category,
        "organisation": identity.organisation,
        "title": identity.title,
        "community": identity.community,
        "email": f"sitin{len(history.people) + 1}@example.cn" if gen.rng.random() < 0.8 else None,
        "phone": identity.phone,
        "tags": "," + "".join(f"{tag}," for tag in identity.tags),
        "locale": "zh",
        "feed_seed": seed,
        "feed_token_hash": token_hash(link_token("invitee-feed", seed)),
        "created_at": added,
        "updated_at": added,
        "needed_until": added,
    }
    history.people.append(row)
    return row


def _invite(gen: Generation, call: Call, person: dict, at: datetime,
            name_public: bool | None = None) -> dict:  # fmt: skip
    """An invitation as `invite_people` writes it, answered as the invitee did (or not yet;
    some never do). Residents choose whether the public list names them."""
    rng, now, meeting = gen.rng, gen.now, call.meeting
    person["needed_until"] = max(person["needed_until"], meeting["ends_at"])
    category = person["category"]
    seed = secrets.token_hex(16)
    invitation = {
        "id": gen.new_id(Invitation), "meeting_id": meeting["id"], "person_id": person["id"],
        "category": category, "status": Answered.INVITED, "name_public": False,
        "link_seed": seed, "token_hash": token_hash(link_token("invitation", seed)),
        "sequence_sent": 1, "created_at": at,
    }  # fmt: skip
    call.invitations.append(invitation)
    call.names[invitation["id"]] = person["name"]
    summary = f"{meeting['title']} · {person['name']}"
    gen.audit("invitation.create", "Invitation", invitation["id"], at=at, actor="editor",
              summary=summary, after={"status": "invited", "category": category.value})  # fmt: skip
    answered = at + timedelta(minutes=rng.randint(20, 4 * 24 * 60))
    answered = min(answered, meeting["starts_at"] - timedelta(hours=1))
    unanswered = STILL_TO_ANSWER if meeting["starts_at"] > now else NEVER_ANSWERS
    if answered >= now or answered <= at or rng.random() < unanswered:
        return invitation
    declined = category in (D, C) and rng.random() < DECLINES
    if name_public is None:
        name_public = rng.random() < NAME_PUBLIC
    note = None
    if declined:
        note = rng.choice(DECLINE_NOTES)
    elif rng.random() < 0.15:
        note = rng.choice(NOTES)
    invitation |= {
        "status": Answered.DECLINED if declined else Answered.ACCEPTED,
        "answer_note": note,
        "answered_at": answered,
        "name_public": name_public and category not in NAMED_PUBLICLY,
    }
    gen.audit("invitation.answer", "Invitation", invitation["id"], at=answered, actor=None,
              summary=summary, before={"status": "invited", "name_public": False},
              after={"status": invitation["status"].value,
                     "name_public": invitation["name_public"]})  # fmt: skip
    return invitation


def _applications(gen: Generation, history: History, call: Call) -> None:
    """The public call: applications until it closes, eligibility checked after, then the
    places given; applicants' personal data purged after the retention period."""
    rng, now, meeting = gen.rng, gen.now, call.meeting
    title, year = meeting["title"], to_office_time(meeting["starts_at"]).year
    closes = meeting["starts_at"] - history.close
    last = min(closes, now) - timedelta(minutes=1)
    number = round(rng.lognormvariate(2.2, 0.6))
    if last <= meeting["published_at"] or not number:
        return
    times = sorted(between(rng, meeting["published_at"], last) for _ in range(number))
    for created, phone in zip(times, rng.sample(range(10**9), number), strict=True):
        application = {
            "id": gen.new_id(Application), "meeting_id": meeting["id"],
            "status": ApplicationStatus.APPLIED,
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            "phone": f"1{rng.choice('3578')}{phone:09d}",
            "email": f"lx{phone}@example.cn" if rng.random() < 0.3 else None,
            "community": rng.choice(COMMUNITIES), "reason": rng.choice(REASONS),
            "name_public": rng.random() < NAME_PUBLIC, "consent_at": created, "locale": "zh",
            "submission_key": secrets.token_urlsafe(24), "created_at": created,
        }  # fmt: skip
        application["reference"] = f"{APPLICATION_PREFIX}-{year}-{application['id']:06d}"
        call.applications.append(application)
        gen.audit("sit_in_application.create", "Application", application["id"], at=created,
                  actor=None, summary=f"{title} · {application['reference']}",
                  after={"status": "applied"})  # fmt: skip
    checked = closes + timedelta(minutes=rng.randint(30, 150))
    if checked < now:
        for minute, application in enumerate(call.applications):
            _eligibility(gen, call, application, checked + timedelta(minutes=minute))
        _places_given(gen, history, call, checked + timedelta(hours=1))
    purged = history.run_after(meeting["ends_at"] + history.retention, 3)
    if purged < now:
        for application in call.applications:
            application |= {"name": None, "phone": None, "email": None, "reason": None,
                            "purged_at": purged}  # fmt: skip
        after = {"applications_purged": len(call.applications),
                 "application_retention_days": history.retention.days}  # fmt: skip
        gen.audit("sit_in_application.purge", "Meeting", meeting["id"], at=purged, actor=None,
                  summary=title, after=after)  # fmt: skip


def _eligibility(gen: Generation, call: Call, application: dict, at: datetime) -> None:
    eligible = gen.rng.random() < ELIGIBLE
    reason = "本区常住居民，材料齐全。" if eligible else gen.rng.choice(NOT_ELIGIBLE)
    status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    application |= {"status": status, "eligibility_reason": reason, "eligibility_marked_at": at}
    gen.audit("sit_in_application.eligibility", "Application", application["id"], at=at,
              actor="editor", summary=f"{call.meeting['title']} · {application['reference']}",
              before={"status": "applied", "eligibility_reason": None},
              after={"status": status.value, "eligibility_reason": reason})  # fmt: skip


def _places_given(gen: Generation, history: History, call: Call, at: datetime) -> None:
    """Every eligible applicant invited when they fit in the residents' places left, else
    the seed and entries published and the draw run an hour later; each selected applicant
    joins the directory and is invited (`invite_all_eligible`, `run_sit_in_draw`)."""
    if at >= gen.now:
        return
    meeting, title = call.meeting, call.meeting["title"]
    eligible = [a for a in call.applications if a["status"] == ApplicationStatus.ELIGIBLE]
    held = sum(i["category"] == R and i["status"] in HOLDS_A_PLACE for i in call.invitations)
    left = max(0, meeting["sit_in_places"] - held)
    if not eligible or not left:
        return
    selected = eligible
    if len(eligible) > left:
        seed, entries = f"{gen.rng.getrandbits(128):032x}", [a["reference"] for a in eligible]
        ranking, drawn = draw(seed, entries), at + timedelta(hours=1)
        if drawn >= gen.now:
            return
        call.keyed.append((SitInDraw, {
            "meeting_id": meeting["id"], "places": left, "seed": seed,
            "entries": "\n".join(entries), "seed_published_at": at, "drawn_at": drawn,
        }))  # fmt: skip
        gen.audit("sit_in_draw.seed", "SitInDraw", None, at=at, actor="editor", summary=title,
                  after={"seed": seed, "places": left, "draw_entries": entries})  # fmt: skip
        by_reference = {a["reference"]: a for a in eligible}
        for rank, reference in enumerate(ranking, start=1):
            by_reference[reference] |= {"draw_rank": rank,
                                        "status": ApplicationStatus.NOT_SELECTED}  # fmt: skip
        selected = [by_reference[reference] for reference in ranking[:left]]
        at = drawn
        gen.audit("sit_in_draw.run", "SitInDraw", None, at=at, actor="editor", summary=title,
                  after={"seed": seed, "draw_entries": entries, "draw_ranking": ranking,
                         "drawn_selected": ranking[:left]})  # fmt: skip
    for second, application in enumerate(selected):
        moment = at + timedelta(seconds=second)
        applicant = Identity(R, application["name"], None, None, application["community"],
                             application["phone"], [], (moment, moment))  # fmt: skip
        person = _person(gen, history, applicant, moment)
        invitation = _invite(gen, call, person, moment, name_public=application["name_public"])
        application |= {"status": ApplicationStatus.SELECTED, "invitation_id": invitation["id"]}
        if "draw_rank" not in application:
            gen.audit("sit_in_application.invite", "Application", application["id"], at=moment,
                      actor="editor", summary=f"{title} · {application['reference']}",
                      before={"status": "eligible"}, after={"status": "selected"})  # fmt: skip


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
