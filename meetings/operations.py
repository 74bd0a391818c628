"""Changes to bodies, meetings, agendas and live updates.

Each operation takes the acting user, flushes, writes the audit log and leaves the commit
to the caller. A draft meeting and its agenda change directly; once the meeting is
announced, public changes are proposed as `MeetingChange`s and applied on approval.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from extensions import db
from meetings.audit import record_change, snapshot
from meetings.clock import utcnow
from meetings.files import StoredFile
from meetings.models import (
    AgendaDocument,
    AgendaItem,
    Body,
    BodyLevel,
    ChangeKind,
    LiveUpdate,
    Meeting,
    MeetingChange,
    Visibility,
)
from meetings.review import ReviewState
from meetings.staff.models import User

MEETING_FIELDS = (
    "body_id",
    "title",
    "session_number",
    "starts_at",
    "ends_at",
    "venue",
    "livestream_url",
    "sit_in_open",
    "sit_in_places",
    "notes",
)
ITEM_FIELDS = (
    "title",
    "summary",
    "sponsor",
    "presenter",
    "is_major_decision",
    "visibility",
    "withheld_basis",
)
BODY_FIELDS = ("name", "level", "slug", "default_venue")
CHANGE_FIELDS = ("kind", "reason", "agenda_item_id", "new_title", "new_starts_at", "new_ends_at")


LIVE_UPDATES_OPEN_BEFORE = timedelta(minutes=30)


class MeetingRuleBroken(ValueError):
    """A change that breaks a rule of meetings; the message is for the person making it."""


# Bodies -------------------------------------------------------------------------------


def create_body(
    *, name: str, level: BodyLevel, slug: str, default_venue: str | None, actor: User
) -> Body:
    if db.session.scalar(select(Body.id).where(Body.slug == slug)) is not None:
        raise MeetingRuleBroken(_("The address name %(slug)s is already used.", slug=slug))
    body = Body(name=name.strip(), level=level, slug=slug, default_venue=default_venue or None)
    db.session.add(body)
    db.session.flush()
    record_change(
        "body.create",
        body,
        actor=actor,
        summary=f"Created body {name}",
        after=snapshot(body, *BODY_FIELDS),
    )
    return body


def update_body(body: Body, *, actor: User, **changes: object) -> None:
    slug = changes.get("slug")
    taken = (
        slug and slug != body.slug and db.session.scalar(select(Body.id).where(Body.slug == slug))
    )
    if taken:
        raise MeetingRuleBroken(_("The address name %(slug)s is already used.", slug=slug))
    before = snapshot(body, *BODY_FIELDS)
    for field, value in changes.items():
        setattr(body, field, value)
    record_change(
        "body.update",
        body,
        actor=actor,
        summary=f"Updated body {body.name}",
        before=before,
        after=snapshot(body, *BODY_FIELDS),
    )


# Meetings -----------------------------------------------------------------------------


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise MeetingRuleBroken(_("The end must be after the start."))


def create_meeting(body: Body, *, actor: User, **fields: object) -> Meeting:
    _check_times(fields["starts_at"], fields["ends_at"])
    if not fields.get("venue"):
        fields["venue"] = body.default_venue
    meeting = Meeting(body=body, author=actor, **fields)
    db.session.add(meeting)
    db.session.flush()
    record_change(
        "meeting.create",
        meeting,
        actor=actor,
        summary=f"Created meeting draft: {meeting.title}",
        after=snapshot(meeting, *MEETING_FIELDS),
    )
    return meeting


def _ensure_draft(meeting: Meeting) -> None:
    if not meeting.is_editable:
        if meeting.review_state == ReviewState.SUBMITTED:
            raise MeetingRuleBroken(
                _("The meeting is awaiting review; ask the reviewer to return it to change it.")
            )
        raise MeetingRuleBroken(
            _("The meeting is announced; propose a change instead of editing it.")
        )


def update_meeting(meeting: Meeting, *, actor: User, **changes: object) -> None:
    """Change a draft (or returned) meeting; announced ones change through `propose_change`."""
    _ensure_draft(meeting)
    _check_times(
        changes.get("starts_at", meeting.starts_at), changes.get("ends_at", meeting.ends_at)
    )
    before = snapshot(meeting, *MEETING_FIELDS)
    for field, value in changes.items():
        if field not in MEETING_FIELDS:
            raise TypeError(f"Unknown meeting field {field}")
        setattr(meeting, field, value)
    db.session.flush()
    record_change(
        "meeting.update",
        meeting,
        actor=actor,
        summary=f"Edited meeting draft: {meeting.title}",
        before=before,
        after=snapshot(meeting, *MEETING_FIELDS),
    )


# Agenda -------------------------------------------------------------------------------


def _ensure_agenda_open(meeting: Meeting) -> None:
    if meeting.concluded_at is not None:
        raise MeetingRuleBroken(_("The meeting is concluded; its agenda can no longer be edited."))
    if meeting.cancelled_at is not None:
        raise MeetingRuleBroken(_("The meeting is cancelled; its agenda can no longer be edited."))


def _ensure_not_under_review(item: AgendaItem) -> None:
    """Refuse changes to what a reviewer is reading: the submitted meeting, or an item
    whose addition is awaiting review."""
    meeting = item.meeting
    if meeting.review_state == ReviewState.SUBMITTED:
        _ensure_draft(meeting)
    pending = db.session.scalar(
        select(MeetingChange.id).where(
            MeetingChange.agenda_item_id == item.id,
            MeetingChange.kind == ChangeKind.ADD_ITEM,
            MeetingChange.review_state == ReviewState.SUBMITTED,
        )
    )
    if pending is not None:
        raise MeetingRuleBroken(
            _("This item is awaiting review; ask the reviewer to return it to change it.")
        )


def _check_visibility(fields: dict[str, object]) -> None:
    if (
        fields.get("visibility") == Visibility.WITHHELD
        and not (fields.get("withheld_basis") or "").strip()
    ):
        raise MeetingRuleBroken(_("Give the legal basis for withholding the item."))


def add_agenda_item(meeting: Meeting, *, actor: User, **fields: object) -> AgendaItem:
    """Add an item. On a draft it is part of the announcement; on an announced meeting it
    stays unpublished until its `add_item` change is approved."""
    _ensure_agenda_open(meeting)
    if not meeting.is_announced:
        _ensure_draft(meeting)
    _check_visibility(fields)
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
        summary=f"Added agenda item to {meeting.title}: {item.title}",
        after=snapshot(item, "meeting_id", "position", *ITEM_FIELDS),
    )
    return item


def update_agenda_item(item: AgendaItem, *, actor: User, **changes: object) -> None:
    """Edit an unpublished item (a draft meeting's, or a proposed addition)."""
    _ensure_agenda_open(item.meeting)
    if item.published_at is not None:
        raise MeetingRuleBroken(
            _("This item is public; propose a new title or its removal instead.")
        )
    _ensure_not_under_review(item)
    _check_visibility({**snapshot(item, "visibility", "withheld_basis"), **changes})
    before = snapshot(item, *ITEM_FIELDS)
    for field, value in changes.items():
        setattr(item, field, value)
    record_change(
        "agenda.update",
        item,
        actor=actor,
        summary=f"Edited agenda item: {item.title}",
        before=before,
        after=snapshot(item, *ITEM_FIELDS),
    )


def delete_draft_agenda_item(item: AgendaItem, *, actor: User) -> None:
    """Remove an item that was never public (a public one is removed by a change)."""
    if item.published_at is not None:
        raise MeetingRuleBroken(_("This item is public; propose its removal instead."))
    meeting = item.meeting
    if meeting.is_announced:
        raise MeetingRuleBroken(_("This item is a proposal; withdraw the proposal instead."))
    _ensure_agenda_open(meeting)
    _ensure_draft(meeting)
    # Recorded against the meeting: once the item is gone, the meeting is what the
    # reviewer approves, and whoever deleted from it worked on it.
    record_change(
        "agenda.delete",
        meeting,
        actor=actor,
        summary=f"Deleted agenda item from {meeting.title}: {item.title}",
        before={"agenda_item_id": item.id, **snapshot(item, *ITEM_FIELDS)},
    )
    meeting.agenda.remove(item)
    db.session.flush()


def move_agenda_item(item: AgendaItem, direction: int, *, actor: User) -> None:
    """Swap the item with its neighbour on a draft meeting's agenda (-1 up, +1 down)."""
    meeting = item.meeting
    _ensure_draft(meeting)
    _ensure_agenda_open(meeting)
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
        summary=f"Moved agenda item {'up' if direction < 0 else 'down'}: {item.title}",
        before={"position": other.position},
        after={"position": item.position},
    )
    db.session.flush()
    db.session.expire(meeting, ["agenda"])


def attach_document(item: AgendaItem, stored: StoredFile, *, actor: User) -> AgendaDocument:
    """Attach a file. Public with the announcement, or through an `add_document` change."""
    _ensure_agenda_open(item.meeting)
    _ensure_not_under_review(item)
    document = AgendaDocument(agenda_item=item, **stored.columns())
    db.session.add(document)
    db.session.flush()
    record_change(
        "document.attach",
        document,
        actor=actor,
        summary=f"Attached {stored.original_name} to {item.title}",
        after={"agenda_item_id": item.id, "name": stored.original_name, "size": stored.size},
    )
    return document


# Changes to an announced meeting -------------------------------------------------------


def propose_change(
    meeting: Meeting, kind: ChangeKind, *, actor: User, **fields: object
) -> MeetingChange:
    """Prepare a public change of an announced meeting; it waits for review."""
    if not meeting.is_announced:
        raise MeetingRuleBroken(_("The meeting has not been announced; edit its draft instead."))
    _ensure_agenda_open(meeting)
    reason = (fields.get("reason") or "").strip()
    if kind in (ChangeKind.POSTPONE, ChangeKind.CANCEL) and not reason:
        raise MeetingRuleBroken(_("Give the reason; it is shown to the public."))
    if kind == ChangeKind.POSTPONE:
        _check_times(fields["new_starts_at"], fields["new_ends_at"])
        if fields["new_starts_at"] <= utcnow():
            raise MeetingRuleBroken(_("The new time must be in the future."))
        fields["old_starts_at"] = meeting.starts_at
    item = fields.get("agenda_item")
    if kind in (ChangeKind.RETITLE_ITEM, ChangeKind.REMOVE_ITEM) and not (
        item is not None and item.meeting_id == meeting.id and item.is_public
    ):
        raise MeetingRuleBroken(_("Only a public item of this meeting can be changed this way."))
    if kind == ChangeKind.RETITLE_ITEM:
        if item.is_withheld:
            raise MeetingRuleBroken(_("A withheld item's title is not public and needs no notice."))
        if not (fields.get("new_title") or "").strip():
            raise MeetingRuleBroken(_("Enter the new title."))
        fields["old_title"] = item.title
    change = MeetingChange(meeting=meeting, kind=kind, author=actor, **fields)
    change.reason = reason or None
    db.session.add(change)
    db.session.flush()
    record_change(
        "meeting_change.propose",
        change,
        actor=actor,
        summary=f"Proposed {kind.value} for {meeting.title}",
        after=snapshot(change, *CHANGE_FIELDS),
    )
    return change


def withdraw_proposal(change: MeetingChange, *, actor: User) -> None:
    """Drop a proposal that was never approved (an added item goes with it)."""
    if change.review_state == ReviewState.APPROVED:
        raise MeetingRuleBroken(_("An approved change cannot be withdrawn."))
    record_change(
        "meeting_change.withdraw",
        change,
        actor=actor,
        summary=f"Withdrew proposed {change.kind.value} for {change.meeting.title}",
        before=snapshot(change, *CHANGE_FIELDS),
    )
    item = change.agenda_item if change.kind == ChangeKind.ADD_ITEM else None
    document = change.document if change.kind == ChangeKind.ADD_DOCUMENT else None
    db.session.delete(change)
    if item is not None and item.published_at is None:
        item.meeting.agenda.remove(item)
    if document is not None and document.published_at is None:
        document.agenda_item.documents.remove(document)
    db.session.flush()


# Live updates --------------------------------------------------------------------------


def post_live_update(
    meeting: Meeting,
    *,
    text: str,
    agenda_item: AgendaItem | None,
    image: StoredFile | None,
    actor: User,
) -> LiveUpdate:
    if meeting.cancelled_at is not None or not meeting.is_announced:
        raise MeetingRuleBroken(_("Live updates are for announced meetings that take place."))
    if utcnow() < meeting.starts_at - LIVE_UPDATES_OPEN_BEFORE or meeting.concluded_at is not None:
        raise MeetingRuleBroken(
            _("Live updates can be posted from 30 minutes before the start until it is concluded.")
        )
    update = LiveUpdate(
        meeting=meeting,
        text=text.strip(),
        agenda_item=agenda_item,
        image_name=image.stored_name if image else None,
        image_type=image.content_type if image else None,
        author_id=actor.id,
    )
    db.session.add(update)
    db.session.flush()
    record_change(
        "live.post",
        update,
        actor=actor,
        summary=f"Posted live update on {meeting.title}",
        after={"text": update.text, "agenda_item_id": update.agenda_item_id},
    )
    return update


def correct_live_update(update: LiveUpdate, text: str, *, actor: User) -> None:
    before = {"text": update.text}
    update.text = text.strip()
    update.edited_at = utcnow()
    record_change(
        "live.correct",
        update,
        actor=actor,
        summary="Corrected a live update",
        before=before,
        after={"text": update.text},
    )


def withdraw_live_update(update: LiveUpdate, *, actor: User) -> None:
    """Take a post off the public page; the audit log keeps what it said."""
    update.withdrawn_at = utcnow()
    record_change(
        "live.withdraw",
        update,
        actor=actor,
        summary="Withdrew a live update",
        before={"text": update.text},
        after={"withdrawn": True},
    )
