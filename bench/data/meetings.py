"""Meetings' share of ten busy years: more organising bodies, 5,000 meetings over the last
ten years (most announced and concluded, some postponed or cancelled, a few upcoming or
still in preparation), 50,000 agenda items (some withheld, some with documents), live
updates, the approved changes each history implies, and their audit rows.

The latest concluded meeting is the bench's meeting page: a district executive meeting
three days ago with a full agenda, documents, live updates and an approved change, and,
like the demo's latest concluded meeting, no consultation on its items (so the page does
the same work at both sizes, only with more rows around it); it is marked
`bench_meeting`. Three days before it, `consulted_meeting` has a major decision first on
its agenda, for the consultations step to put the bench's consultation on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from bench.data import Generation, between
from bench.data.meeting_parts import history, live_updates, meeting_title, write_items
from bench.data.texts import DEMO_BODY_TITLES, EXTRA_BODIES
from core.clock import from_office_time, to_office_time
from core.review import ReviewState
from extensions import db
from meetings.models import (
    Body,
    BodyLevel,
    Meeting,
)

MEETINGS = 5_000
AGENDA_ITEMS = 50_000
YEARS_DAYS = 3652
BENCH_MEETING_ITEMS = 12


@dataclass
class BodyInfo:
    id: int
    slug: str
    level: BodyLevel
    venue: str | None
    short: str
    kind: str


@dataclass
class Plan:
    """One meeting before it is written: what happens to it, and when."""

    body: BodyInfo
    starts_at: datetime
    fate: str  # concluded, postponed, cancelled, held, upcoming, upcoming-postponed,
    # submitted, draft; and the two the bench loads: bench (its meeting page), consulted
    # (the meeting of its consultation page)
    items: int
    session_number: int = 0
    id: int = 0
    changes: list[dict] = field(default_factory=list)


def _bodies(gen: Generation) -> list[BodyInfo]:
    """The demo's bodies and a district's worth more: departments and street offices."""
    bodies = [
        BodyInfo(body.id, body.slug, body.level, body.default_venue, *_titles(body))
        for body in db_bodies()
    ]
    for organiser, short, kind, level, slug in EXTRA_BODIES:
        venue = f"{short}会议室"
        body_id = gen.add(Body, name=organiser + kind, level=level, slug=slug, default_venue=venue)
        gen.audit(
            "body.create",
            "Body",
            body_id,
            at=gen.now - timedelta(days=YEARS_DAYS + 30),
            actor="admin",
            summary=f"Created organising body {organiser + kind}",
        )
        bodies.append(BodyInfo(body_id, slug, level, venue, short, kind))
    return bodies


def db_bodies() -> list[Body]:
    return list(db.session.scalars(select(Body).order_by(Body.id)))


def _titles(body: Body) -> tuple[str, str]:
    return DEMO_BODY_TITLES.get(body.slug, (body.name, "会议"))


def _office_slot(moment: datetime, afternoon: bool) -> datetime:
    """The same office day at 09:00 or 14:30."""
    day = to_office_time(moment).replace(tzinfo=None)
    wall = day.replace(hour=14 if afternoon else 9, minute=30 if afternoon else 0, second=0)
    return from_office_time(wall.replace(microsecond=0))


def _plans(gen: Generation, bodies: list[BodyInfo]) -> list[Plan]:
    rng, now = gen.rng, gen.now
    district = next(body for body in bodies if body.level == BodyLevel.DISTRICT)
    others = [body for body in bodies if body is not district]
    total = gen.count(MEETINGS)
    fates = (
        ["upcoming"] * gen.count(30)
        + ["upcoming-postponed"] * gen.count(4)
        + ["submitted"] * gen.count(6)
        + ["draft"] * gen.count(10)
    )
    for _ in range(max(0, total - 2 - len(fates))):
        draw = rng.random()
        fates.append(
            "cancelled"
            if draw < 0.03
            else "postponed"
            if draw < 0.05
            else "held"
            if draw < 0.06
            else "concluded"
        )
    plans = []
    for fate in fates:
        body = district if rng.random() < 0.06 else rng.choice(others)
        if fate.startswith("upcoming") or fate in ("draft", "submitted"):
            low = 10 if fate == "upcoming-postponed" else 1
            moment = between(rng, now + timedelta(days=low), now + timedelta(days=60))
        else:
            moment = between(rng, now - timedelta(days=YEARS_DAYS), now - timedelta(days=4))
        starts = _office_slot(moment, afternoon=body.level == BodyLevel.STREET)
        plans.append(Plan(body, starts, fate, rng.randint(4, 16)))
    for days, fate in ((6, "consulted"), (3, "bench")):
        starts = _office_slot(now - timedelta(days=days), afternoon=False)
        plans.append(Plan(district, starts, fate, BENCH_MEETING_ITEMS))
    _fit_item_total(gen, plans[:-2], gen.count(AGENDA_ITEMS) - 2 * BENCH_MEETING_ITEMS)
    plans.sort(key=lambda plan: plan.starts_at)
    # Session numbers run on from the demo's meetings of the same body and year.
    numbers: dict[tuple[int, int], int] = {}
    for body_id, starts_at, number in db.session.execute(
        select(Meeting.body_id, Meeting.starts_at, Meeting.session_number)
    ):
        key = (body_id, to_office_time(starts_at).year)
        numbers[key] = max(numbers.get(key, 0), number or 0)
    for plan in plans:
        key = (plan.body.id, to_office_time(plan.starts_at).year)
        numbers[key] = plan.session_number = numbers.get(key, 0) + 1
    return plans


def _fit_item_total(gen: Generation, plans: list[Plan], total: int) -> None:
    """Agendas of 4 to 16 items, adjusted one item at a time to the exact total."""
    difference = total - sum(plan.items for plan in plans)
    while difference and plans:
        plan = gen.rng.choice(plans)
        step = 1 if difference > 0 else -1
        if 1 <= plan.items + step <= 20:
            plan.items += step
            difference -= step


def generate_meetings(gen: Generation) -> None:
    bodies = _bodies(gen)
    for plan in _plans(gen, bodies):
        _write_meeting(gen, plan)
        gen.checkpoint()


def _write_meeting(gen: Generation, plan: Plan) -> None:
    rng, now = gen.rng, gen.now
    author = "editor2" if plan.body.level == BodyLevel.STREET else "editor"
    # Announced two to three months ahead, in time for a 30-day comment period on its
    # major decisions to open after the announcement and close before the meeting.
    created = min(plan.starts_at - timedelta(days=rng.randint(60, 90)), now - timedelta(days=6))
    submitted = created + timedelta(hours=rng.randint(2, 72))
    published = submitted + timedelta(hours=rng.randint(2, 30))
    ends = plan.starts_at + timedelta(hours=2, minutes=30)
    state = {"draft": ReviewState.DRAFT, "submitted": ReviewState.SUBMITTED}.get(
        plan.fate, ReviewState.APPROVED
    )
    public = state == ReviewState.APPROVED
    plan.id = meeting_id = gen.new_id(Meeting)
    if plan.fate in ("bench", "consulted"):
        gen.marks[f"{plan.fate}_meeting"] = meeting_id
    title = meeting_title(plan)
    district = plan.body.level == BodyLevel.DISTRICT
    row = {
        "id": meeting_id,
        "body_id": plan.body.id,
        "title": title,
        "session_number": plan.session_number,
        "starts_at": plan.starts_at,
        "ends_at": ends,
        "venue": plan.body.venue,
        "livestream_url": "https://live.example.gov.cn/xicheng" if district else None,
        "sit_in_open": district,
        "sit_in_places": 6 if district else 0,
        "notes": None,
        "revision": 0,
        "revised_at": None,
        "created_at": created,
        "original_starts_at": None,
        "postpone_reason": None,
        "cancelled_at": None,
        "cancel_reason": None,
        "concluded_at": None,
        "review_state": state,
        "review_note": None,
        "submitted_at": submitted if state != ReviewState.DRAFT else None,
        "published_at": published if public else None,
        "author_id": gen.staff[author].id,
        "reviewed_by_id": gen.staff["reviewer"].id if public else None,
    }
    gen.add(Meeting, **row)
    row = gen.buffers[Meeting][-1]  # the buffered row, completed below
    gen.audit(
        "meeting.create",
        "Meeting",
        meeting_id,
        at=created,
        actor=author,
        summary=f"Created meeting draft: {title}",
        after={"title": title, "starts_at": plan.starts_at.isoformat()},
    )
    items = write_items(gen, plan, author, created, published if public else None)
    if state != ReviewState.DRAFT:
        gen.audit(
            "review.submit",
            "Meeting",
            meeting_id,
            at=submitted,
            actor=author,
            summary=f"Submitted for review: {title}",
            after={"review_state": "submitted"},
        )
    if public:
        row["revision"], row["revised_at"] = 1, published  # `Meeting.revise` on approval
        gen.audit(
            "review.approve",
            "Meeting",
            meeting_id,
            at=published,
            actor="reviewer",
            summary=f"Approved and published: {title}",
            before={"review_state": "submitted"},
            after={"review_state": "approved"},
        )
        history(gen, plan, row, items, author)
        if plan.fate == "bench" or (
            district and plan.fate in ("concluded", "postponed") and rng.random() < 0.6
        ):
            live_updates(gen, plan, items, author)
