"""The rules of meetings that several operations apply, each in one function."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from core.review import ReviewState
from core.rules import RuleBroken
from extensions import db
from meetings.models import (
    AgendaItem,
    ChangeKind,
    Meeting,
    MeetingChange,
    Visibility,
)

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


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise RuleBroken(_("The end must be after the start."))


def ensure_draft(meeting: Meeting) -> None:
    if not meeting.is_editable:
        if meeting.review_state == ReviewState.SUBMITTED:
            raise RuleBroken(
                _("The meeting is awaiting review; ask the reviewer to return it to change it.")
            )
        raise RuleBroken(_("The meeting is announced; propose a change instead of editing it."))


def ensure_agenda_open(meeting: Meeting) -> None:
    if meeting.concluded_at is not None:
        raise RuleBroken(_("The meeting is concluded; its agenda can no longer be edited."))
    if meeting.cancelled_at is not None:
        raise RuleBroken(_("The meeting is cancelled; its agenda can no longer be edited."))


def ensure_not_under_review(item: AgendaItem) -> None:
    """Refuse changes to what a reviewer is reading: the submitted meeting, or an item
    whose addition is awaiting review."""
    meeting = item.meeting
    if meeting.review_state == ReviewState.SUBMITTED:
        ensure_draft(meeting)
    pending = db.session.scalar(
        select(MeetingChange.id).where(
            MeetingChange.agenda_item_id == item.id,
            MeetingChange.kind == ChangeKind.ADD_ITEM,
            MeetingChange.review_state == ReviewState.SUBMITTED,
        )
    )
    if pending is not None:
        raise RuleBroken(
            _("This item is awaiting review; ask the reviewer to return it to change it.")
        )


def check_visibility(fields: dict[str, object]) -> None:
    if (
        fields.get("visibility") == Visibility.WITHHELD
        and not (fields.get("withheld_basis") or "").strip()
    ):
        raise RuleBroken(_("Give the legal basis for withholding the item."))
