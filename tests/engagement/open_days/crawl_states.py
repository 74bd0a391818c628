"""Open-day states the demo lacks, for the crawl of every page (`tests/test_every_page.py`):
a full first-come open day with a waiting list and a cancelled registration, a lottery
taking entries, one whose seed is published but not yet drawn, one held today at the door
(check-in open, one checked in), a postponed and a cancelled one, one purged after the
retention period, a draft and one waiting for review. With the demo's (registration open,
drawn by lot, held with feedback) every open-day page is met in each state.

Returns the addresses to start from, public and staff, including the residents' private
pages (`/r/<token>`), which no link reaches."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import review
from core.accounts.models import User
from core.clock import utcnow
from engagement.open_days import operations
from engagement.open_days.models import Mode, OpenDay, Registration, Status
from extensions import db

STOPS = ["区长办公室", "区政府常务会议会场", "城市管理指挥中心"]


def _open_day(editor: User, reviewer: User | None, title: str, **fields: object) -> OpenDay:
    """Registration open now for a visit in ten days, unless `fields` say otherwise;
    submitted and approved when a reviewer is given."""
    now = utcnow()
    values = {
        "title": title,
        "description": "参观区政府，了解政府如何运转。",
        "starts_at": now + timedelta(days=10),
        "ends_at": now + timedelta(days=10, hours=2),
        "meeting_point": "区政府北门",
        "capacity": 30,
        "registration_opens_at": now - timedelta(days=1),
        "registration_closes_at": now + timedelta(days=5),
        "mode": Mode.FIRST_COME,
        "eligibility": "本区居民",
        "id_required": False,
        "accessibility": None,
        "simulated_meeting": False,
    } | fields
    open_day = operations.create_open_day(actor=editor, stops=STOPS, **values)
    if reviewer is not None:
        review.submit_for_review(open_day, actor=editor)
        review.approve(open_day, actor=reviewer)
    return open_day


def _register(open_day: OpenDay, count: int, first: int, **fields: object) -> list[Registration]:
    return [
        operations.register(
            open_day,
            name=f"陈{number:02d}",
            phone=f"1390013{number:04d}",
            email="resident@example.cn" if number % 2 else None,
            id_number=fields.get("id_number"),
            consented=True,
            locale="zh",
        )
        for number in range(first, first + count)
    ]


def _private_pages(registrations: list[Registration]) -> list[str]:
    return [f"/r/{registration.token}" for registration in registrations]


def seed_open_day_states(editor: User, reviewer: User) -> tuple[list[str], list[str]]:
    now = utcnow()
    full = _open_day(editor, reviewer, "政府开放日：城市管理指挥中心", capacity=2,
                     id_required=True)  # fmt: skip
    people = _register(full, 5, 0, id_number="11010519491231002X")
    operations.cancel_registration(people[4])  # waiting, then cancelled

    entering = _open_day(editor, reviewer, "政府开放日：12345 热线", mode=Mode.LOTTERY)
    applied = _register(entering, 2, 10)

    seeded = _open_day(editor, reviewer, "政府开放日：政务服务中心", mode=Mode.LOTTERY)
    _register(seeded, 3, 20)
    seeded.registration_closes_at = now - timedelta(hours=1)
    operations.fix_draw_seed(seeded, actor=editor)

    today = _open_day(editor, reviewer, "政府开放日：区档案馆", simulated_meeting=True)
    at_the_door = _register(today, 3, 30)
    today.registration_closes_at = now - timedelta(hours=2)
    today.starts_at, today.ends_at = now + timedelta(hours=1), now + timedelta(hours=3)
    operations.check_in(today, at_the_door[0].confirmation_code, actor=editor)

    postponed = _open_day(editor, reviewer, "政府开放日：区应急管理局")
    told = _register(postponed, 1, 40)
    operations.postpone_open_day(
        postponed,
        starts_at=postponed.starts_at + timedelta(days=7),
        ends_at=postponed.ends_at + timedelta(days=7),
        reason="参观场地临时用于防汛会商。",
        actor=editor,
    )
    cancelled = _open_day(editor, reviewer, "政府开放日：区融媒体中心")
    told += _register(cancelled, 1, 50)
    operations.cancel_open_day(cancelled, reason="因天气原因取消。", actor=editor)

    purged = _open_day(editor, reviewer, "政府开放日：区政府常务会（已结束）")
    gone = _register(purged, 2, 60)
    purged.starts_at, purged.ends_at = now - timedelta(days=40), now - timedelta(days=40, hours=-2)
    purged.registration_opens_at = now - timedelta(days=60)
    purged.registration_closes_at = now - timedelta(days=45)
    db.session.flush()
    operations.purge_open_day_data(now, 30)

    draft = _open_day(editor, None, "政府开放日：草稿")
    waiting = _open_day(editor, None, "政府开放日：待审核")
    review.submit_for_review(waiting, actor=editor)
    db.session.flush()

    demo = _demo_registrations()
    public = ["/open-days/"]
    public += [
        f"/open-days/{open_day.id}"
        for open_day in (full, entering, seeded, today, postponed, cancelled, purged)
    ]
    public += [f"/open-days/{open_day.id}/places" for open_day in (full, entering, *demo["days"])]
    lotteries = [entering, seeded, *(day for day in demo["days"] if day.is_lottery)]
    public += [f"/open-days/{open_day.id}/draw" for open_day in lotteries]
    residents = people + applied + at_the_door + told + gone + demo["registrations"]
    public += _private_pages(residents)
    public += [f"/r/{people[0].token}/cancel", f"/r/{demo['to_answer'].token}/feedback"]
    public += [f"/r/{demo['answered'].token}/feedback"]
    staff = ["/admin/open-days/", "/admin/open-days/new", f"/admin/open-days/{draft.id}/edit"]
    for open_day in (full, seeded, today, cancelled, purged, draft, waiting, *demo["days"]):
        staff += [
            f"/admin/open-days/{open_day.id}",
            f"/admin/open-days/{open_day.id}/registrations",
        ]
    for open_day in (today, *demo["days"]):
        staff += [f"/admin/open-days/{open_day.id}/{page}"
                  for page in ("check-in", "roles", "seating", "feedback")]  # fmt: skip
    staff += [f"/admin/open-days/{full.id}/registrations?status=waitlisted&q=138"]
    staff += [f"/admin/open-days/{full.id}/registrations/{people[0].id}/cancel"]
    return public, staff


def _demo_registrations() -> dict:
    """The demo's open days, and one registration in each status they have: confirmed,
    selected and not selected in the draw, attended (with and without an answer to the
    survey) and no-show."""
    days = list(db.session.scalars(select(OpenDay).order_by(OpenDay.id).limit(3)))
    ids = [open_day.id for open_day in days]
    found: dict[Status, Registration] = {}
    for registration in db.session.scalars(
        select(Registration).where(Registration.open_day_id.in_(ids)).order_by(Registration.id)
    ):
        found.setdefault(registration.status, registration)
    attended = db.session.scalars(
        select(Registration).where(
            Registration.open_day_id.in_(ids), Registration.status == Status.ATTENDED
        )
    ).all()
    answered = next(r for r in attended if r.feedback is not None)
    to_answer = next(r for r in attended if r.feedback is None)
    return {
        "days": days,
        "registrations": list(found.values()) + [to_answer],
        "answered": answered,
        "to_answer": to_answer,
    }
