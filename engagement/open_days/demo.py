"""Demo open days, each at its own stage: one taking registrations now (first come), one in
lottery mode whose draw has been run, and one held three weeks ago with its attendance and
feedback.

Each step is dated when the story says it happened (`DemoClock`), with the audit rows the
operations write. Registrations are stored as `operations.register` stores them, without
sending the text messages (no demo resident has a phone).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.accounts.models import User
from core.audit import record_change
from core.draw import draw
from core.review import ReviewState
from engagement.open_days import operations
from engagement.open_days.models import (
    Mode,
    OpenDay,
    Registration,
    Role,
    Status,
    VisitFeedback,
)
from engagement.open_days.operations.registrations import store_registration
from extensions import db
from meetings.demo import DemoClock

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = (
    "秀英",
    "建国",
    "丽娟",
    "志强",
    "桂兰",
    "海燕",
    "文博",
    "晓东",
    "玉梅",
    "子涵",
    "俊杰",
    "淑珍",
)

STOPS = ("区长办公室", "区政府常务会议会场", "城市管理指挥中心", "应急值守平台")
DESCRIPTION = (
    "走进区政府，看看区长在哪里办公、常务会议在哪里开、城市运行怎样调度。\n\n"
    "讲解员全程陪同，参观约两个半小时。参观后可在常务会议会场体验**模拟常务会议**："
    "居民分别担任区长、副区长和部门负责人，讨论一项真实的民生议题。"
)
ACCESSIBILITY = "全程有无障碍通道和电梯；需要轮椅或手语翻译的，请在报名后致电 010-6000 1234。"
GOOD = ("讲解很细致", "模拟常务会很有意思，第一次知道议题是怎么讨论的", "指挥中心的大屏很震撼")
SUGGESTIONS = ("希望周末也能开放", "时间可以再长一点", "建议提前发参观须知")


@dataclass(frozen=True)
class _Resident:
    name: str
    phone: str


def _resident(number: int) -> _Resident:
    name = SURNAMES[number % len(SURNAMES)] + GIVEN[(number * 7) % len(GIVEN)]
    return _Resident(name, f"1380013{number:04d}")


def _publish(open_day: OpenDay, editor: User, reviewer: User, clock: DemoClock, at: datetime):
    """Submitted one morning, approved that afternoon: the audit rows review writes."""
    with clock.at(at):
        open_day.review_state = ReviewState.SUBMITTED
        open_day.submitted_at = at
        record_change(
            "review.submit",
            open_day,
            actor=editor,
            summary=open_day.audit_title,
            after={"review_state": ReviewState.SUBMITTED.value},
        )
    approved_at = at + timedelta(hours=4)
    with clock.at(approved_at):
        open_day.review_state = ReviewState.APPROVED
        open_day.reviewed_by = reviewer
        open_day.published_at = approved_at
        open_day.revise(approved_at)
        record_change(
            "review.approve",
            open_day,
            actor=reviewer,
            summary=open_day.audit_title,
            before={"review_state": ReviewState.SUBMITTED.value},
            after={"review_state": ReviewState.APPROVED.value},
        )


def _prepare(editor: User, clock: DemoClock, at: datetime, **fields: object) -> OpenDay:
    with clock.at(at):
        return operations.create_open_day(actor=editor, stops=list(STOPS), **fields)


def _registered(
    open_day: OpenDay, clock: DemoClock, number: int, at: datetime, status: Status
) -> Registration:
    resident = _resident(number)
    with clock.at(at):
        registration = store_registration(
            open_day,
            status=status,
            name=resident.name,
            phone=resident.phone,
            email=None,
            id_number=None,
            locale="zh",
            at=at,
        )
    return registration


def _open_now(staff: dict[str, User], clock: DemoClock) -> None:
    """First come, 40 places, registration open since three days ago: 23 registered."""
    day = _prepare(
        staff["editor"],
        clock,
        clock.office_day(-6, 10),
        title="政府开放日：走进区政府常务会",
        description=DESCRIPTION,
        starts_at=clock.office_day(12, 9),
        ends_at=clock.office_day(12, 11, 30),
        meeting_point="区政府北门（人民路 1 号）访客接待处",
        capacity=40,
        registration_opens_at=clock.office_day(-3, 9),
        registration_closes_at=clock.office_day(9, 17),
        mode=Mode.FIRST_COME,
        eligibility="本区常住居民，年满 16 周岁；未成年人须由家长陪同。",
        id_required=True,
        accessibility=ACCESSIBILITY,
        simulated_meeting=True,
    )
    _publish(day, staff["editor"], staff["reviewer"], clock, clock.office_day(-5, 9))
    for number in range(23):
        at = clock.office_day(-3, 9, 0) + timedelta(minutes=3 + number * 97)
        _registered(day, clock, number, min(at, clock.now - timedelta(minutes=5)), Status.CONFIRMED)
    day.taken = 23


def _drawn(staff: dict[str, User], clock: DemoClock) -> None:
    """By lot, 30 places, 45 applied; the seed was fixed and the draw run yesterday."""
    day = _prepare(
        staff["editor2"],
        clock,
        clock.office_day(-20, 15),
        title="政府开放日：城市运行管理中心",
        description="看看全区的城市运行怎样在一块屏上调度：井盖、路灯、积水点、共享单车。",
        starts_at=clock.office_day(6, 14),
        ends_at=clock.office_day(6, 16),
        meeting_point="城市运行管理中心一层大厅（建设路 88 号）",
        capacity=30,
        registration_opens_at=clock.office_day(-15, 9),
        registration_closes_at=clock.office_day(-2, 17),
        mode=Mode.LOTTERY,
        eligibility="本区居民。报名人数超过名额时，截止后公开抽签。",
        id_required=False,
        accessibility=ACCESSIBILITY,
        simulated_meeting=False,
    )
    _publish(day, staff["editor2"], staff["reviewer"], clock, clock.office_day(-18, 9))
    entries = [
        _registered(
            day, clock, 100 + number, clock.office_day(-15, 9) + timedelta(hours=5 * number),
            Status.APPLIED,
        )
        for number in range(45)
    ]  # fmt: skip
    with clock.at(clock.office_day(-1, 9, 30)):
        day.draw_seed = secrets.token_hex(16)
        day.draw_seed_published_at = clock.office_day(-1, 9, 30)
        record_change(
            "open_day.draw_seed",
            day,
            actor=staff["editor2"],
            summary=day.title,
            after={"draw_seed": day.draw_seed, "entries": len(entries)},
        )
    by_code = {entry.confirmation_code: entry for entry in entries}
    ranking = draw(day.draw_seed, by_code)
    with clock.at(clock.office_day(-1, 10)):
        for rank, code in enumerate(ranking, start=1):
            by_code[code].draw_rank = rank
            by_code[code].status = Status.SELECTED if rank <= day.capacity else Status.NOT_SELECTED
        day.taken = day.capacity
        day.drawn_at = clock.office_day(-1, 10)
        record_change(
            "open_day.draw",
            day,
            actor=staff["editor2"],
            summary=day.title,
            after={
                "draw_seed": day.draw_seed,
                "entries": len(ranking),
                "selected": day.capacity,
                "ranking": ranking,
            },
        )


def _held(staff: dict[str, User], clock: DemoClock) -> None:
    """Held three weeks ago: 30 places taken, one cancelled and the first waiting promoted,
    26 came, 4 did not; 15 answered the survey."""
    day = _prepare(
        staff["editor"],
        clock,
        clock.office_day(-60, 10),
        title="政府开放日：应急值守平台",
        description=DESCRIPTION,
        starts_at=clock.office_day(-21, 9),
        ends_at=clock.office_day(-21, 11, 30),
        meeting_point="区政府北门（人民路 1 号）访客接待处",
        capacity=30,
        registration_opens_at=clock.office_day(-45, 9),
        registration_closes_at=clock.office_day(-24, 17),
        mode=Mode.FIRST_COME,
        eligibility="本区常住居民。",
        id_required=False,
        accessibility=ACCESSIBILITY,
        simulated_meeting=True,
    )
    _publish(day, staff["editor"], staff["reviewer"], clock, clock.office_day(-50, 9))
    people = [
        _registered(
            day, clock, 200 + number, clock.office_day(-45, 9) + timedelta(hours=7 * number),
            Status.CONFIRMED if number < 30 else Status.WAITLISTED,
        )
        for number in range(33)
    ]  # fmt: skip
    day.taken = 30
    cancelled, promoted = people[4], people[30]
    with clock.at(clock.office_day(-30, 20)):
        cancelled.status, cancelled.cancelled_at = Status.CANCELLED, clock.office_day(-30, 20)
        promoted.status, promoted.promoted_at = Status.CONFIRMED, clock.office_day(-30, 20)
    with_place = [person for person in people if person.status == Status.CONFIRMED]
    roles = [Role.DISTRICT_HEAD, Role.DEPUTY_HEAD, Role.DEPUTY_HEAD, Role.DEPARTMENT_HEAD,
             Role.DEPARTMENT_HEAD, Role.DEPARTMENT_HEAD, Role.RECORDER]  # fmt: skip
    for person, role in zip(with_place, roles, strict=False):
        person.role = role
    for index, person in enumerate(with_place):
        if index < 26:
            at = clock.office_day(-21, 8, 30) + timedelta(minutes=index)
            with clock.at(at):
                person.status, person.checked_in_at = Status.ATTENDED, at
        else:
            person.status = Status.NO_SHOW
    for index, person in enumerate(with_place[:15]):
        with clock.at(clock.office_day(-20, 10) + timedelta(minutes=37 * index)):
            person.feedback_invited_at = clock.office_day(-21, 14)
            db.session.add(
                VisitFeedback(
                    registration=person,
                    open_day_id=day.id,
                    satisfaction=5 if index % 3 else 4,
                    good=GOOD[index % len(GOOD)] if index % 2 == 0 else None,
                    suggestions=SUGGESTIONS[index % len(SUGGESTIONS)] if index % 3 == 0 else None,
                )
            )


def load_open_days_demo(staff: dict[str, User], clock: DemoClock) -> None:
    _held(staff, clock)
    _drawn(staff, clock)
    _open_now(staff, clock)
    db.session.flush()
