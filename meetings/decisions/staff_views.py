"""Staff pages of decisions: what is due on the 20-working-day clock, recording a
decision, its review with the full preview, corrections, images; the meeting summary."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import utcnow
from core.files import store_upload
from core.runner import form_status, run_action, run_for_form
from core.web import render_page
from extensions import db
from meetings.decisions import operations
from meetings.decisions.deadlines import deadline
from meetings.decisions.forms import DecisionForm, DecisionImageForm, SummaryForm
from meetings.decisions.models import Decision
from meetings.decisions.queries import (
    decision_images,
    decision_or_404,
    decision_public_page,
    summary_versions,
)
from meetings.decisions.staff_queries import decisions_due, decisions_in_review
from meetings.models import AgendaItem, Meeting
from meetings.queries import item_notes

bp = Blueprint("decision_staff", __name__, url_prefix="/admin/decisions")


@bp.get("/")
@permission_required(Permission.EDIT, Permission.REVIEW)
def decisions() -> Response:
    now = utcnow()
    return render_page(
        "decisions/staff/list.html",
        due=decisions_due(now),
        in_review=decisions_in_review(),
        now=now,
    )


@bp.route("/items/<int:item_id>/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def decision_new(item_id: int) -> Response:
    item = db.get_or_404(AgendaItem, item_id)
    existing = db.session.scalar(db.select(Decision.id).where(Decision.agenda_item_id == item.id))
    if existing:
        return redirect(url_for(".decision", decision_id=existing), code=303)
    form = DecisionForm(data={"title": item.title})
    if form.validate_on_submit():
        recorded = run_for_form(
            form,
            lambda: operations.record_decision(
                item, actor=current_user, **form.values(correction=False)
            ),
            done=_("Decision saved as a draft. Submit it for review to publish it."),
            then=lambda decision: decision.staff_url(),
        )
        if recorded:
            return recorded
    return render_page(
        "decisions/staff/new.html",
        form=form,
        item=item,
        deadline=deadline(item.meeting.starts_at, utcnow()),
        status=form_status(form),
    )


@bp.route("/<int:decision_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def decision(decision_id: int) -> Response:
    decision = decision_or_404(decision_id)
    version = decision.open_version
    form = DecisionForm(obj=version) if version else None
    if version and form and form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.update_decision(
                version, actor=current_user, **form.values(correction=version.is_correction)
            ),
            done=_("Changes saved."),
            then=decision.staff_url(),
        )
        if saved:
            return saved
    return _decision_page(decision, form, DecisionImageForm(formdata=None))


def _decision_page(
    decision: Decision, form: DecisionForm | None, image_form: DecisionImageForm
) -> Response:
    now = utcnow()
    version = decision.open_version
    return render_page(
        "decisions/staff/decision.html",
        decision=decision,
        version=version,
        form=form,
        image_form=image_form,
        images=decision_images(decision),
        deadline=deadline(decision.meeting.starts_at, now),
        preview=decision_public_page(decision, item_notes(decision), version) if version else None,
        now=now,
        status=422 if (form and form.errors) or image_form.errors else 200,
    )


@bp.post("/<int:decision_id>/correct")
@permission_required(Permission.EDIT)
def decision_correct(decision_id: int) -> Response:
    decision = decision_or_404(decision_id)
    return run_action(
        lambda: operations.start_correction(decision, actor=current_user),
        done=_("A correction is started from the published text. Say what you corrected."),
        then=decision.staff_url() + "#edit",
    )


@bp.post("/<int:decision_id>/discard")
@permission_required(Permission.EDIT)
def decision_discard(decision_id: int) -> Response:
    decision = decision_or_404(decision_id)
    version = decision.open_version
    if version is None:
        flash(_("There is no correction to discard."), "error")
        return redirect(decision.staff_url(), code=303)
    return run_action(
        lambda: operations.discard_correction(version, actor=current_user),
        done=_("Correction discarded; the published text stays."),
        then=decision.staff_url(),
    )


@bp.post("/<int:decision_id>/images")
@permission_required(Permission.EDIT)
def decision_image(decision_id: int) -> Response:
    decision = decision_or_404(decision_id)
    form = DecisionImageForm()
    if form.validate_on_submit() and form.image.data:
        added = run_for_form(
            form,
            lambda: operations.add_decision_image(
                decision,
                store_upload(form.image.data, field="image", images_only=True),
                alt=form.alt.data,
                actor=current_user,
            ),
            done=_("Image added. Put it in the interpretation with the line shown below."),
            then=decision.staff_url() + "#images",
        )
        if added:
            return added
    elif not form.image.data:
        form.image.errors = [*form.image.errors, _("Choose an image.")]
    version = decision.open_version
    edit_form = DecisionForm(formdata=None, obj=version) if version else None
    return _decision_page(decision, edit_form, form)


@bp.route("/meetings/<int:meeting_id>/summary", methods=["GET", "POST"])
@permission_required(Permission.EDIT, Permission.REVIEW, to_change=Permission.EDIT)
def summary(meeting_id: int) -> Response:
    meeting = db.get_or_404(Meeting, meeting_id)
    published = summary_versions(meeting)
    current = operations.open_summary(meeting)
    form = SummaryForm(obj=current or (published[0] if published else None))
    if current is None and published:
        form.correction_note.data = form.correction_note.data if form.is_submitted() else ""
    if form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.write_summary(
                meeting,
                text=form.text.data,
                correction_note=form.correction_note.data or None,
                actor=current_user,
            ),
            done=lambda saved: (
                _("Summary saved. Submit it for review to publish it.")
                if saved
                else _("Nothing changed: the published summary stays as it is.")
            ),
            then=url_for(".summary", meeting_id=meeting.id),
        )
        if saved:
            return saved
    return render_page(
        "decisions/staff/summary.html",
        meeting=meeting,
        form=form,
        current=current,
        published=published,
        correcting=bool(published) and (current is None or current.is_correction),
        now=utcnow(),
        status=form_status(form),
    )
