"""Changes to the directory of people to invite: adding and editing a person, importing a
checked CSV file all at once, and the retention rule that deletes personal data once the
last meeting a person served is long enough past (`purge_people_data`, run by cron).

The audit log records names, categories, organisations and tags, never contact details or
notes: it is kept longer than they are, so it says only which of them changed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select, text

from core.audit import AuditEntry, record_change, snapshot
from core.clock import utcnow
from core.outbox import OutgoingMail, TextMessage
from core.rules import RuleBroken
from core.web import with_content
from engagement.sitting_in.models import NAMED_PUBLICLY, Invitation, Person, tags_value
from engagement.sitting_in.queries.people import people_by_phone
from engagement.sitting_in.staff_forms.people_import import ImportPreview
from extensions import db
from meetings.models import Meeting

if TYPE_CHECKING:
    from core.accounts.models import User

# What the audit log shows of a person; contact details and notes only as "changed".
PERSON_FIELDS = ("name", "category", "organisation", "title", "community", "tags", "locale")
IMPORT_LOCK = 0x5117_1D0C  # PostgreSQL advisory lock key of the directory's imports


def _refuse_a_taken_phone(phone: str | None, person: Person | None = None) -> None:
    """One person per mobile number: invitations and text messages go to it."""
    if not phone:
        return
    taken = people_by_phone([phone], except_id=person.id if person else None).get(phone)
    if taken is not None:
        message = _("This number is already in the directory, for %(name)s.")
        raise RuleBroken(with_content(message, name=taken.display_name), "phone")


def create_person(*, actor: User, tags: list[str], **fields: Any) -> Person:
    """Add someone to the directory (`fields` as `Person` stores them, tags as a list)."""
    _refuse_a_taken_phone(fields.get("phone"))
    person = Person.new(tags=tags_value(tags), **fields)
    db.session.add(person)
    record_change(
        "person.create",
        person,
        actor=actor,
        summary=person.display_name,
        after=snapshot(person, *PERSON_FIELDS),
    )
    return person


def update_person(person: Person, *, actor: User, tags: list[str], **fields: Any) -> bool:
    """Edit a person; saving the form unchanged changes nothing, not even `updated_at`.
    Returns whether anything changed."""
    fields["tags"] = tags_value(tags)
    # Empty is empty however it was stored ("" or None): an untouched field is no change.
    changed = {
        name: value
        for name, value in fields.items()
        if (getattr(person, name) or None) != (value or None)
    }
    if not changed:
        return False
    if "phone" in changed:
        _refuse_a_taken_phone(changed["phone"], person)
    before = snapshot(person, *PERSON_FIELDS)
    for name, value in changed.items():
        setattr(person, name, value)
    person.updated_at = utcnow()
    if person.purged_at is not None and (person.email or person.phone):
        person.purged_at = None  # in use again: contact details given anew
    after = snapshot(person, *PERSON_FIELDS)
    record_change(
        "person.update",
        person,
        actor=actor,
        summary=person.display_name,
        before=before,
        after={
            **after,
            "email_changed": "email" in changed or None,
            "phone_changed": "phone" in changed or None,
            "notes_changed": "notes" in changed or None,
        },
    )
    return True


def check_import(preview: ImportPreview) -> None:
    """Mark what the directory makes wrong in a file already read: the same file imported
    before, and rows whose phone number someone in the directory has."""
    preview.imported_before = db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.action == "person.import",
            AuditEntry.after["file_fingerprint"].as_string() == preview.fingerprint,
        )
        .order_by(AuditEntry.id)
        .limit(1)
    )
    taken = people_by_phone(row.values["phone"] for row in preview.rows if row.values["phone"])
    for row in preview.rows:
        row.taken_by = taken.get(row.values["phone"]) if row.values["phone"] else None


def import_people(preview: ImportPreview, *, actor: User) -> int:
    """Add every row of a checked file, or none: one problem anywhere refuses them all (the
    same file confirmed twice included). Returns how many people were added."""
    _one_import_at_a_time()
    check_import(preview)
    if preview.imported_before is not None:
        raise RuleBroken(_("This file has been imported already; nothing was imported again."))
    if not preview.ok:
        raise RuleBroken(_("Nothing was imported: correct the rows marked below and upload again."))
    people = [Person.new(**row.values) for row in preview.rows]
    db.session.add_all(people)
    db.session.flush()
    record_change(
        "person.import",
        people[0],
        actor=actor,
        summary=preview.file_name,
        after={"people_imported": len(people), "file_fingerprint": preview.fingerprint},
    )
    return len(people)


def _one_import_at_a_time() -> None:
    """Queue imports until the commit, so a file confirmed twice at once is found the
    second time. SQLite's writers queue already (BEGIN IMMEDIATE); PostgreSQL's do not."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def purge_people_data(now: datetime, *, actor: User | None = None) -> int:
    """Delete the personal data of people the office has not needed for the retention
    period (`SIT_IN_RETENTION_DAYS`): since the end of the last meeting they were invited
    to, and since they were last edited. Email, phone and notes go; so do the name,
    organisation and title of those who are not named publicly in any case (residents,
    others); the community and category stay, for the counts. Someone invited again or
    edited after a purge is purged again in time. Returns how many people were purged."""
    days = current_app.config["SIT_IN_RETENTION_DAYS"]
    cutoff = now - timedelta(days=days)
    last_meeting = (
        select(Invitation.person_id, func.max(Meeting.ends_at).label("ended_at"))
        .join(Meeting, Invitation.meeting_id == Meeting.id)
        .group_by(Invitation.person_id)
        .subquery()
    )
    ended_at = last_meeting.c.ended_at
    due = db.session.scalars(
        select(Person)
        .outerjoin(last_meeting, last_meeting.c.person_id == Person.id)
        .where(
            Person.updated_at <= cutoff,
            or_(ended_at.is_(None), ended_at <= cutoff),
            or_(
                Person.purged_at.is_(None),
                Person.purged_at < Person.updated_at,
                Person.purged_at < ended_at,
            ),
        )
        .order_by(Person.id)
    ).all()
    for person in due:
        _delete_messages_to(person)
        person.email = person.phone = person.notes = None
        if person.category not in NAMED_PUBLICLY:
            _forget_in_audit(person)
            person.name = person.organisation = person.title = None
        person.purged_at = now
    if due:
        record_change(
            "person.purge",
            due[0],
            actor=actor,
            summary="",
            after={"people_purged": len(due), "retention_days": days},
        )
    return len(due)


def _forget_in_audit(person: Person) -> None:
    """The audit rows about the person and their invitations keep what was done and when,
    no longer who they were: their name leaves the summaries, and name, organisation and
    title the snapshots."""
    named = {"Person": [person.id], "Invitation": [i.id for i in person.invitations]}
    entries = db.session.scalars(
        select(AuditEntry).where(
            or_(
                *(
                    and_(AuditEntry.subject_type == kind, AuditEntry.subject_id.in_(ids))
                    for kind, ids in named.items()
                    if ids
                )
            )
        )
    ).all()
    forgotten = {"name", "organisation", "title"}
    for entry in entries:
        if person.name:
            entry.summary = entry.summary.replace(person.name, "—")
        for column in ("before", "after"):
            kept = getattr(entry, column)
            if kept and forgotten & kept.keys():  # a new dict: the JSON column sees the change
                setattr(entry, column, {**kept, **dict.fromkeys(forgotten & kept.keys())})


def _delete_messages_to(person: Person) -> None:
    """Every mail and text message sent to the person about sitting in: each carries one of
    their private links (an invitation's, or their calendar's), so those go, and nothing
    the same address received about anything else."""
    tokens = [invitation.token for invitation in person.invitations] + [person.feed_token]
    for invitation in person.invitations:
        invitation.mail = None  # the staff page then says no mail is known
    db.session.flush()
    for model in (TextMessage, OutgoingMail):
        db.session.execute(
            delete(model).where(or_(*(model.body.contains(token) for token in tokens)))
        )
