"""What the tests of the directory of people share: its addresses, reading a page, counting
people and the directory's audit rows, an editor signed in (English pages), and an
invitation made directly (its own operations are tested in `test_invitations`)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from core.accounts.models import Role
from core.audit import AuditEntry
from core.private_links import link_token, new_link_seed, token_hash
from engagement.sitting_in.models import Invitation, InvitationStatus, Person
from extensions import db

PEOPLE = "/admin/sitting-in/people"
IMPORT = "/admin/sitting-in/people/import"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(element) -> str:
    """An element's text as read, whitespace collapsed (a marked name is a span of its own)."""
    return " ".join(element.get_text().split())


def people_count() -> int:
    count = db.session.scalar(select(func.count(Person.id)))
    db.session.rollback()
    return count


def audit_actions() -> list[str]:
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    db.session.rollback()
    return [action for action in actions if action.startswith("person.")]


def invite(person: Person, meeting, status=InvitationStatus.INVITED, attendance=None):
    seed = new_link_seed()
    invitation = Invitation(
        meeting=meeting,
        person=person,
        category=person.category,
        status=status,
        attendance=attendance,
        link_seed=seed,
        token_hash=token_hash(link_token("invitation", seed)),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def sign_in_an_editor(client, auth, make_user):
    """An editor, signed in, reading the pages in English."""
    user = make_user(Role.EDITOR)
    auth.login(user)
    client.set_cookie("lang", "en")
    return user
