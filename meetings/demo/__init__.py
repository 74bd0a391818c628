"""Demo organising bodies and a year of meetings, loaded by `flask demo` through the same
operations and review steps staff use, each at the time the story gives it (`DemoClock`),
so the public pages and the audit log read as they would after a year of real use."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import review
from core.accounts.models import User
from extensions import db
from meetings import operations
from meetings.decisions.demo import load_meeting_decisions
from meetings.demo.clock import DemoClock
from meetings.demo.content import (
    CANCEL_REASON,
    DEMO_BODIES,
    DEMO_MEETINGS,
    ITEMS,
    OFFICE_SETUP_DAY,
    POSTPONE_REASON,
    WITHHELD_BASIS,
    DemoMeeting,
)
from meetings.models import Body, ChangeKind, Meeting, Visibility

__all__ = ["DemoClock", "load_meetings_demo"]

MEETING_LENGTH = timedelta(hours=2, minutes=30)


def _add_item(meeting: Meeting, key: str, editor: User) -> None:
    if key == "secret":
        operations.add_agenda_item(
            meeting,
            title="关于某重点工程安全保卫方案的议题",
            visibility=Visibility.WITHHELD,
            withheld_basis=WITHHELD_BASIS,
            sponsor="区应急管理局",
            actor=editor,
        )
        return
    title, summary, sponsor, presenter, major = ITEMS[key]
    operations.add_agenda_item(
        meeting,
        title=title,
        summary=summary,
        sponsor=sponsor,
        presenter=presenter,
        is_major_decision=major,
        actor=editor,
    )


def _approve_change(
    meeting: Meeting,
    kind: ChangeKind,
    *,
    editor: User,
    reviewer: User,
    clock: DemoClock,
    proposed: datetime,
    approved: datetime,
    **fields: object,
) -> None:
    with clock.at(proposed):
        change = operations.propose_change(meeting, kind, actor=editor, **fields)
    with clock.at(proposed + timedelta(minutes=10)):
        review.submit_for_review(change, actor=editor)
    with clock.at(approved):
        review.approve(change, actor=reviewer)


def _load_meeting(
    demo: DemoMeeting, bodies: dict[str, Body], staff: dict[str, User], clock: DemoClock
) -> None:
    street = demo.body == "shichahai-street"
    editor, reviewer = staff["editor2" if street else "editor"], staff["reviewer"]
    starts_at = clock.office_day(demo.day, 14 if street else 9)
    with clock.at(clock.office_day(demo.drafted, 10)):
        meeting = operations.create_meeting(
            bodies[demo.body],
            title=demo.title,
            session_number=demo.number,
            starts_at=starts_at,
            ends_at=starts_at + MEETING_LENGTH,
            livestream_url="https://live.example.gov.cn/xicheng"
            if demo.body == "district-executive"
            else None,
            sit_in_open=demo.body == "district-executive",
            sit_in_places=6 if demo.body == "district-executive" else 0,
            actor=editor,
        )
    for position, key in enumerate(demo.items, start=1):
        with clock.at(clock.office_day(demo.drafted, 10, 5 * position)):
            _add_item(meeting, key, editor)
    if demo.submitted is None:
        return
    with clock.at(clock.office_day(demo.submitted, 16, 30)):
        review.submit_for_review(meeting, actor=editor)
    if demo.announced is None:
        return
    with clock.at(clock.office_day(demo.announced, 11)):
        review.approve(meeting, actor=reviewer)
    for minutes, text in demo.live:
        with clock.at(starts_at + timedelta(minutes=minutes)):
            operations.post_live_update(
                meeting, text=text, agenda_item=None, image=None, actor=editor
            )
    change = {"editor": editor, "reviewer": reviewer, "clock": clock}
    if demo.fate == "concluded":
        load_meeting_decisions(
            meeting, demo.day, demo.items, editor=editor, reviewer=reviewer, clock=clock
        )
    elif demo.fate == "cancelled":
        _approve_change(
            meeting,
            ChangeKind.CANCEL,
            proposed=clock.office_day(demo.changed, 9, 30),
            approved=clock.office_day(demo.changed, 15),
            reason=CANCEL_REASON,
            **change,
        )
    elif demo.fate == "postponed":
        new_starts_at = clock.office_day(demo.day + 7, 9)
        _approve_change(
            meeting,
            ChangeKind.POSTPONE,
            proposed=clock.office_day(demo.changed, 9, 30),
            approved=clock.office_day(demo.changed, 15),
            reason=POSTPONE_REASON,
            new_starts_at=new_starts_at,
            new_ends_at=new_starts_at + MEETING_LENGTH,
            **change,
        )


def load_meetings_demo(staff: dict[str, User], clock: DemoClock) -> dict[str, Body]:
    """The organising bodies, set up when the office started, and the meetings' stories."""
    bodies = {}
    for minute, (name, level, slug, venue) in enumerate(DEMO_BODIES):
        with clock.at(clock.office_day(OFFICE_SETUP_DAY + 1, 10, minute)):
            bodies[slug] = operations.create_body(
                name=name, level=level, slug=slug, default_venue=venue, actor=staff["admin"]
            )
    for demo in DEMO_MEETINGS:
        _load_meeting(demo, bodies, staff, clock)
    db.session.flush()
    return bodies
