"""Open days' share of ten busy years: one a month (120), each with four stops and 30-50
places, registered for about one and a half times over: first come (confirmed up to the
capacity, then the waiting list, cancellations promoting the first waiting) or, for a
third of them, by lot (applied, then the seed published and the draw run with
`core.draw`). Past ones have their attendance, no-shows, roles and feedback from 40% of
those who came; the personal data of those that ended more than the retention period ago
is purged. The audit rows are those the operations write.

The newest is the bench's open day page (`bench_open_day`): first come, registration open
now, already over-subscribed. The one before is a lottery drawn an hour ago, still to
come: the latest draw (`bench_draw`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

from bench.data import Generation, between
from bench.data.texts import (
    GIVEN_NAMES,
    OPEN_DAY_DESCRIPTION,
    OPEN_DAY_MEETING_POINTS,
    OPEN_DAY_THEMES,
    SURNAMES,
    VISIT_GOOD,
    VISIT_SUGGESTIONS,
)
from core.clock import from_office_time, to_office_time
from core.draw import draw
from core.private_links import token_hash
from core.review import ReviewState
from engagement.open_days.models import (
    CONFIRMATION_PREFIX,
    HOLDS_A_PLACE,
    ItineraryStop,
    Mode,
    OpenDay,
    Registration,
    Role,
    Status,
    VisitFeedback,
    link_token,
)
from engagement.open_days.operations import OPEN_DAY_FIELDS

OPEN_DAYS = 120
OVERSUBSCRIBED = 1.5
CANCELS = 0.05
ATTENDS = 0.85
ANSWERS_SURVEY = 0.4
ROLES = (Role.DISTRICT_HEAD, Role.DEPUTY_HEAD, Role.DEPUTY_HEAD, Role.DEPARTMENT_HEAD,
         Role.DEPARTMENT_HEAD, Role.DEPARTMENT_HEAD, Role.RECORDER)  # fmt: skip
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass
class Plan:
    """One open day before it is written: its times and what has happened to it."""

    starts_at: datetime
    mode: Mode
    opens: datetime
    closes: datetime
    theme: int
    stage: str  # open (the bench's), drawn (upcoming, drawn), past
    capacity: int = 0
    id: int = 0
    registrations: list[dict] = field(default_factory=list)


def generate_open_days(gen: Generation) -> None:
    rng, now = gen.rng, gen.now
    number = gen.count(OPEN_DAYS, minimum=3)
    today = to_office_time(now).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)

    def office(days: int, hour: int) -> datetime:
        return from_office_time(today + timedelta(days=days, hours=hour))

    plans = [
        Plan(office(20, 9), Mode.FIRST_COME, office(-10, 9), office(15, 17), 0, "open"),
        Plan(office(5, 14), Mode.LOTTERY, office(-25, 9), office(-2, 17), 1, "drawn"),
    ]
    for month in range(1, number - 1):
        starts = office(-round(month * 30.44) - rng.randint(0, 6), rng.choice((9, 14)))
        mode = Mode.LOTTERY if rng.random() < 1 / 3 else Mode.FIRST_COME
        opens = from_office_time(to_office_time(starts - timedelta(days=30)).replace(hour=9))
        closes = from_office_time(to_office_time(starts - timedelta(days=3)).replace(hour=17))
        plans.append(Plan(starts, mode, opens, closes, rng.randrange(len(OPEN_DAY_THEMES)), "past"))
    for plan in reversed(plans):  # oldest first, like the ids of the real ones
        plan.capacity = 50 if plan.stage == "open" else rng.randint(30, 50)
        _open_day(gen, plan)
        gen.checkpoint()
    gen.marks["bench_open_day"], gen.marks["bench_draw"] = plans[0].id, plans[1].id


def _open_day(gen: Generation, plan: Plan) -> None:
    rng, now = gen.rng, gen.now
    theme, stops = OPEN_DAY_THEMES[plan.theme]
    title = f"政府开放日：{theme}"
    editor = rng.choice(("editor", "editor2"))
    published = plan.opens - timedelta(days=rng.randint(5, 12))
    submitted = published - timedelta(hours=4)
    created = submitted - timedelta(days=rng.randint(1, 6))
    plan.id = gen.new_id(OpenDay)
    row = {
        "id": plan.id,
        "title": title,
        "description": OPEN_DAY_DESCRIPTION.format(theme=theme),
        "starts_at": plan.starts_at,
        "ends_at": plan.starts_at + timedelta(hours=2, minutes=30),
        "meeting_point": rng.choice(OPEN_DAY_MEETING_POINTS),
        "capacity": plan.capacity,
        "taken": 0,
        "registration_opens_at": plan.opens,
        "registration_closes_at": plan.closes,
        "mode": plan.mode,
        "eligibility": "本区常住居民，年满 16 周岁；未成年人须由家长陪同。",
        "id_required": plan.stage == "open" or rng.random() < 0.5,
        "accessibility": "全程有无障碍通道和电梯。",
        "simulated_meeting": plan.theme == 0 or rng.random() < 0.3,
        "created_at": created,
        "revision": 1,
        "revised_at": published,
        "review_state": ReviewState.APPROVED,
        "submitted_at": submitted,
        "published_at": published,
        "author_id": gen.staff[editor].id,
        "reviewed_by_id": gen.staff["reviewer"].id,
    }
    _day_audit(gen, row, "open_day.create", created, editor, **_created(row, stops))
    _day_audit(gen, row, "review.submit", submitted, editor, review_state="submitted")
    _day_audit(gen, row, "review.approve", published, "reviewer", {"review_state": "submitted"},
               review_state="approved")  # fmt: skip
    last = min(plan.closes, now - timedelta(minutes=1))
    _register(gen, plan, row, last)
    if plan.mode == Mode.LOTTERY:
        _draw(gen, plan, row, editor)
    cancels_until = min(now, plan.starts_at - timedelta(days=1))
    _cancellations(gen, plan, row, cancels_until)
    row["taken"] = sum(r["status"] in HOLDS_A_PLACE for r in plan.registrations)
    if plan.stage == "past":
        _the_day(gen, plan, row, editor)
    purged = row["ends_at"] + timedelta(
        days=current_app.config["OPEN_DAY_RETENTION_DAYS"], hours=rng.randint(1, 24)
    )
    if purged < now:
        _purge(gen, plan, row, purged)
    feedback = _feedback(gen, plan, row)
    gen.add(OpenDay, **row)
    for position, name in enumerate(stops, start=1):
        gen.add(ItineraryStop, open_day_id=plan.id, position=position, name=name)
    for registration in plan.registrations:
        registration.pop("code")
        gen.add(Registration, **registration)
    for answer in feedback:
        gen.add(VisitFeedback, **answer)


def _day_audit(gen, row, action, at, actor, before=None, **after) -> None:
    """An open day's audit row as the operation writes it (summary: the title)."""
    gen.audit(action, "OpenDay", row["id"], at=at, actor=actor, summary=row["title"],
              before=before, after=after)  # fmt: skip


def _registration_audit(gen, row, registration, action, at, actor, before=None, **after):
    """A registration's audit row: named by its confirmation code, no personal data."""
    summary = f"{row['title']} · {registration['code']}"
    gen.audit(action, "Registration", registration["id"], at=at, actor=actor,
              summary=summary, before=before, after=after)  # fmt: skip


def _created(row: dict, stops: tuple[str, ...]) -> dict:
    """The `after` of `open_day.create`: the fields as `snapshot` writes them."""
    plain = {name: row[name] for name in OPEN_DAY_FIELDS}
    for name, value in plain.items():
        if isinstance(value, datetime):
            plain[name] = value.isoformat()
    return plain | {"mode": row["mode"].value, "stops": list(stops)}


def _id_number(gen: Generation) -> str:
    """A resident ID number with a valid check digit (GB 11643)."""
    rng = gen.rng
    body = f"110{rng.randint(101, 119):03d}{rng.randint(1950, 2008)}"
    body += f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def _register(gen: Generation, plan: Plan, row: dict, last: datetime) -> None:
    """The registrations as `operations.register` stores them, in the order they came: a
    rush in the first minutes for a first-come open day, spread over the window for a
    lottery."""
    rng = gen.rng
    number = round(plan.capacity * OVERSUBSCRIBED * rng.uniform(0.85, 1.15))
    year = to_office_time(plan.starts_at).year
    if plan.mode == Mode.LOTTERY:
        times = [between(rng, plan.opens, last) for _ in range(number)]
    else:
        rush = [rng.expovariate(1 / 900) for _ in range(number)]
        times = [min(plan.opens + timedelta(seconds=int(s)), last) for s in rush]
    phones = rng.sample(range(10**9), number)
    confirmed = 0
    for created, phone in zip(sorted(times), phones, strict=True):
        registration_id = gen.new_id(Registration)
        if plan.mode == Mode.LOTTERY:
            status = Status.APPLIED
        else:
            status = Status.CONFIRMED if confirmed < plan.capacity else Status.WAITLISTED
            confirmed += status == Status.CONFIRMED
        seed = secrets.token_hex(16)
        registration = {
            "id": registration_id,
            "open_day_id": plan.id,
            "status": status,
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            "phone": f"1{rng.choice('3578')}{phone:09d}",
            "email": f"resident{registration_id}@example.com" if rng.random() < 0.25 else None,
            "id_number": _id_number(gen) if row["id_required"] else None,
            "consent_at": created,
            "link_seed": seed,
            "token_hash": token_hash(link_token(seed)),
            "locale": "en" if rng.random() < 0.03 else "zh",
            "submission_key": secrets.token_urlsafe(24),
            "created_at": created,
            "code": f"{CONFIRMATION_PREFIX}-{year}-{registration_id:06d}",
        }
        plan.registrations.append(registration)
        _registration_audit(gen, row, registration, "registration.create", created, None,
                            status=status.value)  # fmt: skip


def _draw(gen: Generation, plan: Plan, row: dict, editor: str) -> None:
    """The seed fixed and published the morning after registration closed (for the bench's
    draw: yesterday), the draw run an hour later (for the bench's: an hour ago)."""
    if plan.stage == "drawn":
        seeded, drawn = gen.now - timedelta(days=1), gen.now - timedelta(hours=1)
    else:
        seeded = plan.closes + timedelta(hours=16)
        drawn = seeded + timedelta(hours=1)
    # From the run's random source, not `secrets` like `new_seed`: a draw seed is public
    # anyway, and so the same run draws the same places.
    row |= {"draw_seed": f"{gen.rng.getrandbits(128):032x}", "draw_seed_published_at": seeded}
    entries = {r["code"]: r for r in plan.registrations}
    _day_audit(gen, row, "open_day.draw_seed", seeded, editor, draw_seed=row["draw_seed"],
               entries=len(entries))  # fmt: skip
    ranking = draw(row["draw_seed"], entries)
    for rank, code in enumerate(ranking, start=1):
        entries[code]["draw_rank"] = rank
        selected = rank <= plan.capacity
        entries[code]["status"] = Status.SELECTED if selected else Status.NOT_SELECTED
    row["drawn_at"] = drawn
    _day_audit(gen, row, "open_day.draw", drawn, editor, draw_seed=row["draw_seed"],
               entries=len(ranking), selected=min(plan.capacity, len(ranking)),
               ranking=ranking)  # fmt: skip


def _cancellations(gen: Generation, plan: Plan, row: dict, until: datetime) -> None:
    """A few cancel (from their page) before the day; a place given back goes to the first
    waiting: the draw's order, then arrival (`promote_first_waiting`)."""
    rng = gen.rng
    start = row.get("drawn_at") or plan.opens
    cancels = sorted(
        (between(rng, max(start, r["created_at"]), until), index)
        for index, r in enumerate(plan.registrations)
        if rng.random() < CANCELS and max(start, r["created_at"]) < until
    )
    waiting = sorted(
        (r for r in plan.registrations if r["status"] in (Status.WAITLISTED, Status.NOT_SELECTED)),
        key=lambda r: (r.get("draw_rank") or 0, r["id"]),
    )
    for at, index in cancels:
        registration = plan.registrations[index]
        if registration["status"] in (Status.CANCELLED, Status.APPLIED):
            continue
        held = registration["status"] in HOLDS_A_PLACE
        _change(gen, row, registration, "registration.cancel", Status.CANCELLED, at, None)
        registration["cancelled_at"] = at
        if registration in waiting:
            waiting.remove(registration)
        if held and waiting:
            first = waiting.pop(0)
            _change(gen, row, first, "registration.promote", Status.CONFIRMED, at, None)
            first["promoted_at"] = at


def _change(gen, row, registration, action, status, at, actor) -> None:
    before = {"status": registration["status"].value}
    _registration_audit(gen, row, registration, action, at, actor, before, status=status.value)
    registration["status"] = status


def _the_day(gen: Generation, plan: Plan, row: dict, editor: str) -> None:
    """Reminded the day before, roles assigned, checked in at the door (the rest marked
    no-show after the start), attendees asked for feedback that afternoon."""
    rng, starts = gen.rng, plan.starts_at
    holders = [r for r in plan.registrations if r["status"] in HOLDS_A_PLACE]
    for registration in holders:
        registration["reminded_at"] = starts - timedelta(hours=rng.randint(20, 24))
    if row["simulated_meeting"]:
        for registration, role in zip(holders, ROLES, strict=False):
            at = starts - timedelta(days=1, hours=rng.randint(1, 6))
            _registration_audit(gen, row, registration, "registration.role", at, editor,
                                {"role": None}, role=role.value)  # fmt: skip
            registration["role"] = role
    no_shows = 0
    for registration in holders:
        if rng.random() < ATTENDS:
            at = starts - timedelta(seconds=rng.randint(-900, 2400))
            _change(gen, row, registration, "registration.check_in", Status.ATTENDED, at, editor)
            registration["checked_in_at"] = at
        else:
            registration["status"] = Status.NO_SHOW
            no_shows += 1
    _day_audit(gen, row, "open_day.no_shows", starts + timedelta(minutes=20), editor,
               no_shows=no_shows)  # fmt: skip
    invited = row["ends_at"] + timedelta(hours=2)
    attended = [r for r in holders if r["status"] == Status.ATTENDED]
    for registration in attended:
        registration["feedback_invited_at"] = invited
    _day_audit(gen, row, "open_day.feedback_invited", invited, editor, invited=len(attended))


def _feedback(gen: Generation, plan: Plan, row: dict) -> list[dict]:
    """What 40% of those who came answered (no audit row: a resident's survey answer)."""
    rng, asked = gen.rng, row["ends_at"] + timedelta(hours=2)
    return [
        {
            "registration_id": registration["id"],
            "open_day_id": plan.id,
            "satisfaction": rng.choices((5, 4, 3, 2, 1), (55, 30, 10, 3, 2))[0],
            "good": rng.choice(VISIT_GOOD) if rng.random() < 0.6 else None,
            "suggestions": rng.choice(VISIT_SUGGESTIONS) if rng.random() < 0.4 else None,
            "created_at": asked + timedelta(minutes=rng.randint(5, 4 * 24 * 60)),
        }
        for registration in plan.registrations
        if registration["status"] == Status.ATTENDED and rng.random() < ANSWERS_SURVEY
    ]


def _purge(gen: Generation, plan: Plan, row: dict, at: datetime) -> None:
    """The retention purge (`purge_open_day_data`): no name, phone, email or ID number."""
    for registration in plan.registrations:
        registration |= {"name": None, "phone": None, "email": None, "id_number": None}
    row["purged_at"] = at
    _day_audit(gen, row, "open_day.purge", at, None,
               registrations_purged=len(plan.registrations),
               retention_days=current_app.config["OPEN_DAY_RETENTION_DAYS"])  # fmt: skip
