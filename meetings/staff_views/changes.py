"""Proposed changes to an announced meeting: postpone, cancel, conclude, reorder, remove
or retitle an item. Each waits for review; withdrawing drops a proposal."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.runner import form_status, run_action, run_for_form
from core.web import render_page
from extensions import db
from meetings import operations
from meetings.forms import (
    OptionalReasonForm,
    PostponeForm,
    ReasonForm,
    RetitleForm,
)
from meetings.models import AgendaItem, ChangeKind, Meeting, MeetingChange
from meetings.staff_views import bp, item_or_404, meeting_or_404, meeting_page

CHANGE_FORMS = {
    ChangeKind.POSTPONE: PostponeForm,
    ChangeKind.CANCEL: ReasonForm,
    ChangeKind.CONCLUDE: OptionalReasonForm,
    ChangeKind.REORDER: OptionalReasonForm,
    ChangeKind.REMOVE_ITEM: ReasonForm,
    ChangeKind.RETITLE_ITEM: RetitleForm,
}


def _change_fields(kind: ChangeKind, form: Any, meeting: Meeting) -> dict[str, object]:
    fields: dict[str, object] = {"reason": form.reason.data}
    if kind == ChangeKind.POSTPONE:
        fields["new_starts_at"] = form.new_starts_at.utc
        fields["new_ends_at"] = form.new_ends_at.utc
    if kind == ChangeKind.RETITLE_ITEM:
        fields["new_title"] = form.new_title.data.strip()
    if kind == ChangeKind.REORDER:
        fields["new_order"] = _order_from_form(meeting)
    return fields


def _order_from_form(meeting: Meeting) -> list[int]:
    """Public items sorted by the positions typed in the reorder form."""

    def typed_position(item: AgendaItem) -> tuple[int, int]:
        raw = request.form.get(f"position-{item.id}", "").strip()
        return (int(raw) if re.fullmatch(r"[0-9]{1,4}", raw) else 10**4, item.position)

    return [item.id for item in sorted(meeting.public_agenda, key=typed_position)]


def _change_kind_or_404(kind: str, meeting: Meeting, item: AgendaItem | None) -> ChangeKind:
    """Only the kinds proposed on this page, with an item exactly when the kind needs one."""
    try:
        change_kind = ChangeKind(kind)
    except ValueError:
        abort(404)
    if change_kind not in CHANGE_FORMS:
        abort(404)
    if (change_kind in (ChangeKind.RETITLE_ITEM, ChangeKind.REMOVE_ITEM)) != (item is not None):
        abort(404)
    if item is not None and item.meeting_id != meeting.id:
        abort(404)
    return change_kind


@bp.route("/meetings/<int:meeting_id>/propose/<kind>", methods=["GET", "POST"])
@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/propose/<kind>", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def propose(meeting_id: int, kind: str, item_id: int | None = None) -> Response:
    meeting = meeting_or_404(meeting_id)
    item = item_or_404(item_id) if item_id else None
    change_kind = _change_kind_or_404(kind, meeting, item)
    form = CHANGE_FORMS[change_kind]()
    if change_kind == ChangeKind.POSTPONE and request.method == "GET":
        form.new_starts_at.process_data(meeting.starts_at)
        form.new_ends_at.process_data(meeting.ends_at)
    if form.validate_on_submit():
        fields = _change_fields(change_kind, form, meeting)
        proposed = run_for_form(
            form,
            lambda: operations.propose_change(
                meeting, change_kind, agenda_item=item, actor=current_user, **fields
            ),
            done=_("Change proposed. Submit it for review to make it public."),
            then=meeting_page(meeting, "#changes"),
        )
        if proposed:
            return proposed
    return render_page(
        "meetings/staff/propose.html",
        form=form,
        meeting=meeting,
        item=item,
        kind=change_kind,
        status=form_status(form),
    )


@bp.post("/changes/<int:change_id>/withdraw")
@permission_required(Permission.EDIT)
def change_withdraw(change_id: int) -> Response:
    change = db.get_or_404(MeetingChange, change_id)
    back = meeting_page(change.meeting, "#changes")
    return run_action(
        lambda: operations.withdraw_proposal(change, actor=current_user),
        done=_("Proposal withdrawn."),
        then=back,
    )
