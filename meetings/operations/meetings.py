"""Meetings: drafts, and the proposed changes that are the only way an announced meeting changes."""

from __future__ import annotations

from flask_babel import gettext as _

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.review import ReviewState
from core.rules import Problem, RuleBroken, refuse_if_any
from extensions import db
from meetings.models import (
    Body,
    ChangeKind,
    Meeting,
    MeetingChange,
)
from meetings.operations.rules import (
    CHANGE_FIELDS,
    MEETING_FIELDS,
    check_times,
    ensure_draft,
)


def create_meeting(body: Body, *, actor: User, **fields: object) -> Meeting:
    check_times(fields["starts_at"], fields["ends_at"])
    if not fields.get("venue"):
        fields["venue"] = body.default_venue
    meeting = Meeting(body=body, author=actor, **fields)
    db.session.add(meeting)
    db.session.flush()
    record_change(
        "meeting.create",
        meeting,
        actor=actor,
        summary=meeting.title,
        after=snapshot(meeting, *MEETING_FIELDS),
    )
    return meeting


def update_meeting(meeting: Meeting, *, actor: User, **changes: object) -> None:
    """Change a draft (or returned) meeting; announced ones change through `propose_change`."""
    ensure_draft(meeting)
    check_times(
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
        summary=meeting.title,
        before=before,
        after=snapshot(meeting, *MEETING_FIELDS),
    )


def propose_change(
    meeting: Meeting, kind: ChangeKind, *, actor: User, **fields: object
) -> MeetingChange:
    """Prepare a public change of an announced meeting; it waits for review. A change that
    review would refuse is refused now, with every reason at once."""
    reason = (fields.get("reason") or "").strip()
    problems: list[Problem] = []
    if kind in (ChangeKind.POSTPONE, ChangeKind.CANCEL) and not reason:
        problems.append((_("Give the reason; it is shown to the public."), "reason"))
    if kind == ChangeKind.POSTPONE:
        if fields["new_ends_at"] <= fields["new_starts_at"]:
            problems.append((_("The end must be after the start."), "new_ends_at"))
        fields["old_starts_at"] = meeting.starts_at
    item = fields.get("agenda_item")
    if kind == ChangeKind.RETITLE_ITEM and item is not None:
        if item.is_withheld:
            problems.append(
                (_("A withheld item's title is not public and needs no notice."), "new_title")
            )
        if not (fields.get("new_title") or "").strip():
            problems.append((_("Enter the new title."), "new_title"))
        fields["old_title"] = item.title
    change = MeetingChange(meeting=meeting, kind=kind, author=actor, **fields)
    change.reason = reason or None
    refuse_if_any(change.problems() + problems)
    db.session.add(change)
    db.session.flush()
    record_change(
        "meeting_change.propose",
        change,
        actor=actor,
        summary=change.audit_title,
        after=snapshot(change, *CHANGE_FIELDS),
    )
    return change


def withdraw_proposal(change: MeetingChange, *, actor: User) -> None:
    """Drop a proposal that was never approved (an added item goes with it)."""
    if change.review_state == ReviewState.APPROVED:
        raise RuleBroken(_("An approved change cannot be withdrawn."))
    record_change(
        "meeting_change.withdraw",
        change,
        actor=actor,
        summary=change.audit_title,
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
