"""Agenda items and their documents."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.files import StoredFile
from core.rules import RuleBroken
from extensions import db
from meetings.models import (
    AgendaDocument,
    AgendaItem,
    ChangeKind,
    Meeting,
)
from meetings.operations.meetings import propose_change
from meetings.operations.rules import (
    ITEM_FIELDS,
    check_visibility,
    ensure_agenda_open,
    ensure_draft,
    ensure_not_under_review,
)


def add_agenda_item(meeting: Meeting, *, actor: User, **fields: object) -> AgendaItem:
    """Add an item. On a draft it is part of the announcement; on an announced meeting it
    stays unpublished until its `add_item` change is approved."""
    ensure_agenda_open(meeting)
    if not meeting.is_announced:
        ensure_draft(meeting)
    check_visibility(fields)
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(meeting=meeting, position=(last or 0) + 1, **fields)
    db.session.add(item)
    db.session.flush()
    record_change(
        "agenda.add",
        item,
        actor=actor,
        summary=f"{meeting.title} · {item.title}",
        after=snapshot(item, "meeting_id", "position", *ITEM_FIELDS),
    )
    return item


def update_agenda_item(item: AgendaItem, *, actor: User, **changes: object) -> None:
    """Edit an unpublished item (a draft meeting's, or a proposed addition)."""
    ensure_agenda_open(item.meeting)
    if item.published_at is not None:
        raise RuleBroken(_("This item is public; propose a new title or its removal instead."))
    ensure_not_under_review(item)
    check_visibility({**snapshot(item, "visibility", "withheld_basis"), **changes})
    before = snapshot(item, *ITEM_FIELDS)
    for field, value in changes.items():
        setattr(item, field, value)
    record_change(
        "agenda.update",
        item,
        actor=actor,
        summary=item.title,
        before=before,
        after=snapshot(item, *ITEM_FIELDS),
    )


def delete_draft_agenda_item(item: AgendaItem, *, actor: User) -> None:
    """Remove an item that was never public (a public one is removed by a change)."""
    if item.published_at is not None:
        raise RuleBroken(_("This item is public; propose its removal instead."))
    meeting = item.meeting
    if meeting.is_announced:
        raise RuleBroken(_("This item is a proposal; withdraw the proposal instead."))
    ensure_agenda_open(meeting)
    ensure_draft(meeting)
    # Recorded against the meeting: once the item is gone, the meeting is what the
    # reviewer approves, and whoever deleted from it worked on it.
    record_change(
        "agenda.delete",
        meeting,
        actor=actor,
        summary=f"{meeting.title} · {item.title}",
        before={"agenda_item_id": item.id, **snapshot(item, *ITEM_FIELDS)},
    )
    meeting.agenda.remove(item)
    db.session.flush()


def move_agenda_item(item: AgendaItem, direction: int, *, actor: User) -> None:
    """Swap the item with its neighbour on a draft meeting's agenda (-1 up, +1 down)."""
    meeting = item.meeting
    ensure_draft(meeting)
    ensure_agenda_open(meeting)
    items = meeting.current_agenda
    index = items.index(item)
    other_index = index + direction
    if not 0 <= other_index < len(items):
        return
    other = items[other_index]
    item.position, other.position = other.position, item.position
    record_change(
        "agenda.move",
        item,
        actor=actor,
        summary=item.title,
        before={"position": other.position},
        after={"position": item.position},
    )
    db.session.flush()
    db.session.expire(meeting, ["agenda"])


def attach_document(item: AgendaItem, stored: StoredFile, *, actor: User) -> AgendaDocument:
    """Attach a file. Public with the announcement, or through an `add_document` change."""
    ensure_agenda_open(item.meeting)
    ensure_not_under_review(item)
    document = AgendaDocument(agenda_item=item, **stored.columns())
    db.session.add(document)
    db.session.flush()
    record_change(
        "document.attach",
        document,
        actor=actor,
        summary=f"{item.title} · {stored.original_name}",
        after={"agenda_item_id": item.id, "name": stored.original_name, "size": stored.size},
    )
    return document


def put_item_on_agenda(meeting: Meeting, *, actor: User, **fields: object) -> AgendaItem:
    """What staff do when they add an item: on a draft it joins the announcement; on an
    announced meeting it is proposed, and stays unpublished until the change is approved."""
    item = add_agenda_item(meeting, actor=actor, **fields)
    if meeting.is_announced:
        propose_change(meeting, ChangeKind.ADD_ITEM, agenda_item=item, actor=actor)
    return item


def attach_item_document(item: AgendaItem, stored: StoredFile, *, actor: User) -> AgendaDocument:
    """What staff do when they upload: a document of a public item is proposed as a change;
    otherwise it is public with the item."""
    document = attach_document(item, stored, actor=actor)
    if item.published_at is not None:
        propose_change(
            item.meeting,
            ChangeKind.ADD_DOCUMENT,
            agenda_item=item,
            document=document,
            actor=actor,
        )
    return document
