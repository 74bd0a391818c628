"""Agenda items and their documents. On a draft meeting they are edited in place; on an
announced one, adding an item or a document proposes a change that waits for review.
Staff open every document here, published or not (the previews link to it)."""

from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.files import send_stored, store_upload
from core.runner import form_status, run_action, run_for_form
from core.web import is_fragment_request, render_page, with_content
from extensions import db
from meetings import operations
from meetings.forms import AgendaItemForm, DocumentForm
from meetings.models import AgendaDocument, AgendaItem, Visibility
from meetings.queries import agenda_notes
from meetings.staff_views import bp, item_or_404, meeting_or_404, meeting_page


def _item_fields(form: AgendaItemForm) -> dict[str, object]:
    return {
        "title": form.title.data.strip(),
        "summary": form.summary.data or None,
        "sponsor": form.sponsor.data or None,
        "presenter": form.presenter.data or None,
        "is_major_decision": form.is_major_decision.data,
        "visibility": Visibility(form.visibility.data),
        "withheld_basis": (form.withheld_basis.data or "").strip() or None,
    }


@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def item_new(meeting_id: int) -> Response:
    meeting = meeting_or_404(meeting_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        added = run_for_form(
            form,
            lambda: operations.put_item_on_agenda(
                meeting, actor=current_user, **_item_fields(form)
            ),
            done=_("Item proposed. It becomes public when its change is approved.")
            if meeting.is_announced
            else _("Agenda item added."),
            then=meeting_page(meeting, "#agenda"),
        )
        if added:
            return added
    return render_page(
        "meetings/staff/item.html", form=form, meeting=meeting, item=None, status=form_status(form)
    )


def _item_page(item: AgendaItem, form: AgendaItemForm, document_form: DocumentForm) -> Response:
    status = 422 if form.errors or document_form.errors else 200
    return render_page(
        "meetings/staff/item.html",
        form=form,
        meeting=item.meeting,
        item=item,
        document_form=document_form,
        status=status,
    )


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def item_edit(item_id: int) -> Response:
    item = item_or_404(item_id)
    form = AgendaItemForm(obj=item, visibility=item.visibility.value)
    if form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.update_agenda_item(item, actor=current_user, **_item_fields(form)),
            done=_("Agenda item saved."),
            then=meeting_page(item.meeting, "#agenda"),
        )
        if saved:
            return saved
    return _item_page(item, form, DocumentForm())


@bp.route("/items/<int:item_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def item_delete(item_id: int) -> Response:
    """Asks first (GET), then deletes the draft item (POST)."""
    item = item_or_404(item_id)
    back = meeting_page(item.meeting, "#agenda")
    if request.method == "GET":
        return render_page(
            "confirm.html",
            heading=_("Delete an agenda item"),
            subject=item.title,
            question=with_content(_("Delete “%(title)s” from the draft agenda?"), title=item.title),
            consequence=_("Its text and documents are deleted; this cannot be undone."),
            action=url_for("meeting_staff.item_delete", item_id=item.id),
            confirm_label=_("Delete the item"),
            cancel=back,
        )
    return run_action(
        lambda: operations.delete_draft_agenda_item(item, actor=current_user),
        done=_("Agenda item deleted."),
        then=back,
    )


@bp.post("/items/<int:item_id>/move")
@permission_required(Permission.EDIT)
def item_move(item_id: int) -> Response:
    """Move up or down; htmx gets the agenda fragment back, others the page."""
    item = item_or_404(item_id)
    meeting = item.meeting
    direction = -1 if request.form.get("direction") == "up" else 1
    moved = run_action(
        lambda: operations.move_agenda_item(item, direction, actor=current_user),
        done=None,
        then=meeting_page(meeting, f"#item-{item.id}"),
    )
    if not is_fragment_request():
        return moved
    meeting = meeting_or_404(meeting.id)
    return render_page(
        "meetings/staff/_agenda.html",
        meeting=meeting,
        focus_item=item.id,
        direction=direction,
        notes=agenda_notes(meeting.current_agenda, public=False),
    )


@bp.post("/items/<int:item_id>/documents")
@permission_required(Permission.EDIT)
def document_upload(item_id: int) -> Response:
    item = item_or_404(item_id)
    form = DocumentForm()
    if form.validate_on_submit():
        attached = run_for_form(
            form,
            lambda: operations.attach_item_document(
                item, store_upload(form.document.data, field="document"), actor=current_user
            ),
            done=_("Document attached."),
            then=url_for("meeting_staff.item_edit", item_id=item.id) + "#documents",
        )
        if attached:
            return attached
    item_form = AgendaItemForm(formdata=None, obj=item, visibility=item.visibility.value)
    return _item_page(item, item_form, form)


@bp.get("/documents/meeting/<int:document_id>/<path:name>")
@permission_required(Permission.EDIT, Permission.REVIEW)
def document(document_id: int, name: str) -> Response:
    """An agenda document for staff, before publication too: what the reviewer opens from
    the preview. Served as the public route serves it, and never cached."""
    document = db.get_or_404(AgendaDocument, document_id)
    return send_stored(
        document.stored_name, document.content_type, document.original_name, staff_only=True
    )
