"""What the tests of residents' applications to sit in share: pages read as a parser
reads them, applications made through the operation the form uses, a call closed by moving
the meeting, and people marked as having sat in."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from core.clock import utcnow
from core.private_links import new_link_seed, token_hash
from engagement.sitting_in.models import (
    Application,
    Attendance,
    Invitation,
    InvitationStatus,
    Person,
)
from engagement.sitting_in.operations import applications as operations
from extensions import db

RESIDENT = {
    "name": "王建国",
    "phone": "138 0013 8000",
    "community": "幸福里社区",
    "reason": "关心老旧小区改造",
    "consent": "y",
}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def error_of(response, name: str) -> str:
    found = soup(response).find(id=f"{name}-error")
    return found.get_text(" ", strip=True) if found else ""


def typed_reason(response) -> str:
    # WTForms starts a textarea with a line break, which HTML drops.
    return soup(response).find("textarea", {"name": "reason"}).get_text().removeprefix("\r\n")


def apply(client, meeting, **fields):
    return client.post(f"/meetings/{meeting.id}/sit-in/apply", data={**RESIDENT, **fields})


def applications_of(meeting) -> list[Application]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Application).where(Application.meeting_id == meeting.id).order_by(Application.id)
        )
    )


def applicants(meeting, count: int, start: int = 0, **fields) -> list[Application]:
    """`count` applications stored through the operation, committed; phones and names are
    numbered from `start`."""
    stored = [
        operations.apply_to_sit_in(
            meeting,
            name=f"居民{number}",
            phone=f"1391234{number:04d}",
            email=None,
            community="幸福里社区",
            reason="关心议题",
            name_public=False,
            consented=True,
            locale="zh",
            **fields,
        )
        for number in range(start, start + count)
    ]
    db.session.commit()
    return stored


def eligible(meeting, count: int, actor, start: int = 0) -> list[Application]:
    stored = applicants(meeting, count, start)
    for application in stored:
        operations.mark_eligibility(application, eligible=True, reason="本区居民", actor=actor)
    db.session.commit()
    return stored


def close_the_call(meeting) -> None:
    """Move the meeting a day ahead: its call closed the day before (48 hours ahead)."""
    meeting.starts_at = utcnow() + timedelta(hours=24)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    db.session.commit()


def sat_in(meeting, *, name_public: bool = False, **person_fields) -> Invitation:
    person = Person.new(**person_fields)
    db.session.add(person)
    invitation = Invitation(
        meeting=meeting,
        person=person,
        category=person.category,
        status=InvitationStatus.ACCEPTED,
        name_public=name_public,
        link_seed=new_link_seed(),
        token_hash="",
        attendance=Attendance.PRESENT,
    )
    invitation.token_hash = token_hash(invitation.token)
    db.session.add(invitation)
    db.session.commit()
    return invitation
