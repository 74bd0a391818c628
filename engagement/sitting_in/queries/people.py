"""Reading the directory of people to invite: the one search the directory page and the
invitation page share (`search_people`, one query, one order), the tags in use, a person's
invitations, and the lookups the import and the forms check against."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Select, or_, select

from engagement.sitting_in.models import Category, Invitation, Person
from extensions import db
from meetings.models import Meeting

# Digits typed in a search are looked for in phone numbers from this many on.
MIN_PHONE_DIGITS = 3


def search_people(text: str, category: Category | None, tag: str | None) -> Select:
    """People matching every word of `text` (each in their name, organisation, title,
    community or tags, or as digits of their phone), of `category` and carrying `tag`
    when given; by name (people whose name was deleted last), then by id."""
    query = select(Person)
    for word in text.split():
        matches = [
            column.icontains(word, autoescape=True)
            for column in (
                Person.name,
                Person.organisation,
                Person.title,
                Person.community,
                Person.tags,
            )
        ]
        digits = re.sub(r"\D", "", word)
        if len(digits) >= MIN_PHONE_DIGITS:
            matches.append(Person.phone.contains(digits, autoescape=True))
        query = query.where(or_(*matches))
    if category is not None:
        query = query.where(Person.category == category)
    if tag:
        query = query.where(Person.tags.contains(f",{tag},", autoescape=True))
    return query.order_by(Person.name.is_(None), Person.name, Person.id)


def tags_in_use() -> list[str]:
    """Every tag someone in the directory carries, sorted: one query."""
    stored = db.session.scalars(select(Person.tags).distinct())
    return sorted({tag for value in stored for tag in value.split(",") if tag})


def invitations_of(person: Person) -> list[Invitation]:
    """A person's invitations with their meetings, the latest meeting first: one query."""
    return list(
        db.session.scalars(
            select(Invitation)
            .join(Invitation.meeting)
            .where(Invitation.person_id == person.id)
            .order_by(Meeting.starts_at.desc(), Invitation.id.desc())
        ).unique()
    )


def people_by_phone(phones: Iterable[str], *, except_id: int | None = None) -> dict[str, Person]:
    """Who in the directory has one of `phones` (each once, the first by id)."""
    wanted = set(phones)
    if not wanted:
        return {}
    query = select(Person).where(Person.phone.in_(wanted)).order_by(Person.id)
    if except_id is not None:
        query = query.where(Person.id != except_id)
    found: dict[str, Person] = {}
    for person in db.session.scalars(query):
        found.setdefault(person.phone, person)
    return found
