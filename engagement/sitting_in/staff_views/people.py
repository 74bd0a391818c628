"""The directory of people to invite: the list with its search (htmx searches as one
types; without JavaScript the form filters the page), a person's page with their
invitations, adding and editing a person, and the CSV import (a preview of every row
first, then all rows or none). Personal data: editors and admins only."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.runner import form_status, run_for_form
from core.web import query_int, render_page
from engagement.sitting_in.models import Category
from engagement.sitting_in.operations import people as operations
from engagement.sitting_in.queries.people import invitations_of, search_people, tags_in_use
from engagement.sitting_in.staff_forms.people import person_form
from engagement.sitting_in.staff_forms.people_import import ImportForm
from engagement.sitting_in.staff_views import PAGE_SIZE, bp, person_or_404
from extensions import db

MAX_SEARCH_LENGTH = 50


def _list_context() -> dict[str, Any]:
    text = request.args.get("q", "")[:MAX_SEARCH_LENGTH]
    wanted = request.args.get("category", "")
    category = Category(wanted) if wanted in {c.value for c in Category} else None
    tags = tags_in_use()
    tag = request.args.get("tag", "")
    tag = tag if tag in tags else ""
    found = db.paginate(
        search_people(text, category, tag or None),
        page=query_int("page", 1),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return {
        "people": found,
        "q": text,
        "category": category.value if category else "",
        "categories": list(Category),
        "tag": tag,
        "tags": tags,
    }


@bp.get("/people")
@permission_required(Permission.EDIT)
def people() -> Response:
    return render_page(
        "sitting_in/staff/people.html", "sitting_in/staff/_people_found.html", **_list_context()
    )


@bp.route("/people/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def person_new() -> Response:
    form = person_form()
    if form.validate_on_submit():
        added = run_for_form(
            form,
            lambda: operations.create_person(actor=current_user, **form.fields_for_operation()),
            done=_("Added to the directory."),
            then=lambda person: person.staff_url(),
        )
        if added:
            return added
    return render_page(
        "sitting_in/staff/person_form.html", form=form, person=None, status=form_status(form)
    )


@bp.get("/people/<int:person_id>")
@permission_required(Permission.EDIT)
def person(person_id: int) -> Response:
    person = person_or_404(person_id)
    return render_page(
        "sitting_in/staff/person.html", person=person, invitations=invitations_of(person)
    )


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def person_edit(person_id: int) -> Response:
    person = person_or_404(person_id)
    form = person_form(person)
    if form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.update_person(
                person, actor=current_user, **form.fields_for_operation()
            ),
            done=lambda changed: _("Changes saved.") if changed else _("Nothing was changed."),
            then=person.staff_url(),
        )
        if saved:
            return saved
    return render_page(
        "sitting_in/staff/person_form.html", form=form, person=person, status=form_status(form)
    )


@bp.route("/people/import", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def people_import() -> Response:
    """Upload: every row is shown with its problems. Confirm (the preview sent back, signed):
    all rows are added in one go, or none when anything is wrong, the file imported before
    included."""
    form = ImportForm()
    preview = None
    if form.validate_on_submit() and (preview := form.preview()) is not None:
        operations.check_import(preview)
        if form.confirming and preview.ok:
            imported = run_for_form(
                form,
                lambda: operations.import_people(preview, actor=current_user),
                done=lambda count: ngettext(
                    "%(num)d person imported.", "%(num)d people imported.", count
                ),
                then=url_for("sit_in_staff.people"),
            )
            if imported:
                return imported
    failed = form.errors or (preview is not None and not preview.ok)
    return render_page(
        "sitting_in/staff/people_import.html",
        form=form,
        preview=preview,
        status=422 if failed else 200,
    )
