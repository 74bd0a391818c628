"""What the sitting-in generator's parts share: its sizes and words, the people it
knows (`Identity`), a meeting's call as it is built (`Call`), the whole run's `History`,
and writing a directory entry and an invitation."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

from bench.data import Generation
from core.clock import from_office_time, to_office_time
from core.private_links import link_token, token_hash
from engagement.sitting_in.models import (
    NAMED_PUBLICLY,
    Category,
    Invitation,
    Person,
)
from engagement.sitting_in.models import InvitationStatus as Answered

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
