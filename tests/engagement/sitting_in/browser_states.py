"""What the browser tests of sitting in start from, made through the operations and copied
into plain values before the browser opens a page (the SQLite rule in
`tests/browser_support.py`), what they read back from the database, and their screenshots
(`test-artifacts/sitting-in-<name>.png`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from core.accounts.models import Role
from core.clock import utcnow
from engagement.sitting_in.models import Category, Invitation, InvitationStatus
from engagement.sitting_in.operations.invitations import answer_invitation, invite_people
from extensions import db
from tests.browser_support import assert_fits_width, settle

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import Page

DEPUTY = {"category": Category.DEPUTY, "organisation": "区人大常委会", "title": "区人大代表"}
RESIDENT = {"category": Category.RESIDENT, "organisation": None, "title": None,
            "community": "幸福里社区"}  # fmt: skip


@dataclass(frozen=True)
class MeetingRef:
    id: int
    title: str


@dataclass(frozen=True)
class Invited:
    """One invitation, with the private link and calendar address its person was sent."""

    meeting: MeetingRef
    invitation_id: int
    token: str
    feed_token: str


@dataclass(frozen=True)
class HeldMeeting:
    meeting: MeetingRef
    invitations: dict[str, int]  # invitation ids by the person's name


def meeting_without_places(make_meeting, announce, title: str) -> MeetingRef:
    """An announced meeting ten days ahead, without places for anyone yet."""
    meeting = announce(make_meeting(title=title))
    ref = MeetingRef(meeting.id, meeting.title)
    settle()
    return ref


def directory(make_person, people: dict[str, dict[str, object]]) -> None:
    for name, fields in people.items():
        make_person(name=name, **fields)
    settle()


def invited_resident(invitable_meeting, make_person, make_user: Callable) -> Invited:
    """A resident representative invited by an editor to a meeting ten days ahead."""
    meeting = invitable_meeting({Category.RESIDENT: 2}, title="2027年第4次区政府常务会议")
    person = make_person(name="陈秀兰", **RESIDENT)
    [invitation] = invite_people(meeting, [person], actor=make_user(Role.EDITOR))
    db.session.commit()
    made = Invited(
        MeetingRef(meeting.id, meeting.title),
        invitation.id,
        invitation.token,
        person.feed_token,
    )
    settle()
    return made


def held_meeting(invitable_meeting, make_person, make_user: Callable) -> HeldMeeting:
    """A meeting that ended ten minutes ago, to which a deputy, an expert and a resident
    representative (who did not agree to be named) were invited and said they would come.

    Invitations close when a meeting starts, so they are made while it is ahead and the
    meeting is then moved into the past."""
    meeting = invitable_meeting(
        {Category.DEPUTY: 1, Category.EXPERT: 1, Category.RESIDENT: 1},
        title="2026年第20次区政府常务会议",
    )
    people = [
        make_person(name="周建华", **DEPUTY),
        make_person(
            name="李娜",
            category=Category.EXPERT,
            organisation="区城市规划设计院",
            title="高级工程师",
        ),
        make_person(name="陈秀兰", **RESIDENT),
    ]
    invitations = invite_people(meeting, people, actor=make_user(Role.EDITOR))
    for invitation in invitations:
        answer_invitation(invitation, accepted=True, note=None, name_public=False)
    invitations[2].name_public = False  # the resident is listed by community only
    now = utcnow()
    meeting.starts_at = now - timedelta(hours=2)
    meeting.ends_at = now - timedelta(minutes=10)
    db.session.commit()
    held = HeldMeeting(
        MeetingRef(meeting.id, meeting.title),
        {invitation.person.name: invitation.id for invitation in invitations},
    )
    settle()
    return held


def answer_of(invitation_id: int) -> tuple[InvitationStatus, str | None]:
    db.session.expire_all()
    invitation = db.session.get(Invitation, invitation_id)
    answer = (invitation.status, invitation.answer_note)
    settle()
    return answer


def shot(page: Page, artifacts_dir: Path, name: str, *, width: int | None = None) -> None:
    """A full-page screenshot `sitting-in-<name>.png`, after checking that nothing sticks
    out sideways (at `width`, the viewport's when not given)."""
    width = width or page.viewport_size["width"]
    page.screenshot(path=artifacts_dir / f"sitting-in-{name}.png", full_page=True)
    assert_fits_width(page, width, name)
