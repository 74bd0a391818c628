"""Signing in and out, and the administrators' page of staff accounts."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from core.accounts import operations
from core.accounts.access import permission_required
from core.accounts.forms import LoginForm, PasswordResetForm, StaffCreateForm, StaffDetailsForm
from core.accounts.models import Permission, Role, User
from core.runner import attempt, form_status, run_action, run_for_form
from core.web import render_page, safe_next_url
from extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _failed_login(response: Response) -> bool:
    # Only attempts that did not sign in count towards the limits.
    return response.status_code != 303


def _username_key() -> str:
    return "login|" + (request.form.get("username") or "").strip().lower()


def _throttled_login_page(_limit: object) -> Response:
    """Too many failed attempts: the sign-in page again, with the name kept and a message."""
    form = LoginForm(formdata=None, username=request.form.get("username", ""))
    return render_page("accounts/login.html", form=form, throttled=True, status=429)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    "20 per 10 minutes",
    methods=["POST"],
    deduct_when=_failed_login,
    on_breach=_throttled_login_page,
)
@limiter.limit(
    "5 per 15 minutes",
    methods=["POST"],
    key_func=_username_key,
    deduct_when=_failed_login,
    on_breach=_throttled_login_page,
)
def login() -> Response:
    form = LoginForm()
    next_url = safe_next_url(request.args.get("next"), url_for("start_page.dashboard"))
    if form.validate_on_submit():
        user = operations.find_user(form.username.data)
        if user is not None and user.is_active and user.check_password(form.password.data):
            # A fresh session at sign-in: nothing from before the login carries over.
            session.clear()
            login_user(user)
            session.permanent = True
            attempt(lambda: operations.record_login(user))
            return redirect(next_url, code=303)
        form.password.errors.append(_("The user name or password is not right."))
    status = 422 if form.errors else 200
    return render_page("accounts/login.html", form=form, status=status)


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"), code=303)


def user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("/admin/staff/")
@permission_required(Permission.MANAGE_STAFF)
def staff_list() -> Response:
    users = db.session.scalars(select(User).order_by(User.disabled_at.is_not(None), User.username))
    return render_page("accounts/staff/list.html", users=list(users))


@bp.route("/admin/staff/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_STAFF)
def staff_create() -> Response:
    form = StaffCreateForm()
    if form.validate_on_submit():
        created = run_for_form(
            form,
            lambda: operations.create_user(
                username=form.username.data,
                display_name=form.display_name.data,
                email=form.email.data,
                role=Role(form.role.data),
                password=form.password.data,
                actor=current_user,
            ),
            done=lambda user: _("Account %(name)s created.", name=user.username),
            then=url_for("accounts.staff_list"),
        )
        if created:
            return created
    return render_page("accounts/staff/new.html", form=form, status=form_status(form))


def _account_page(user: User, form: StaffDetailsForm, password_form: PasswordResetForm):
    return render_page(
        "accounts/staff/edit.html",
        user=user,
        form=form,
        password_form=password_form,
        status=422 if form.errors or password_form.errors else 200,
    )


@bp.route("/admin/staff/<int:user_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_STAFF)
def staff_edit(user_id: int) -> Response:
    user = user_or_404(user_id)
    form = StaffDetailsForm(obj=user, role=user.role.value)
    if form.validate_on_submit():
        saved = run_for_form(
            form,
            lambda: operations.update_user(
                user,
                display_name=form.display_name.data,
                email=form.email.data,
                role=Role(form.role.data),
                actor=current_user,
            ),
            done=_("Changes saved."),
            then=url_for("accounts.staff_edit", user_id=user.id),
        )
        if saved:
            return saved
    return _account_page(user, form, PasswordResetForm(prefix="pw"))


@bp.post("/admin/staff/<int:user_id>/password")
@permission_required(Permission.MANAGE_STAFF)
def staff_reset_password(user_id: int) -> Response:
    user = user_or_404(user_id)
    password_form = PasswordResetForm(prefix="pw")
    if password_form.validate_on_submit():
        reset = run_for_form(
            password_form,
            lambda: operations.reset_password(
                user, password_form.password.data, actor=current_user
            ),
            done=_("New password set; the account's sessions have ended."),
            then=url_for("accounts.staff_edit", user_id=user.id),
        )
        if reset:
            return reset
    return _account_page(user, StaffDetailsForm(obj=user, role=user.role.value), password_form)


@bp.post("/admin/staff/<int:user_id>/disable")
@permission_required(Permission.MANAGE_STAFF)
def staff_disable(user_id: int) -> Response:
    user = user_or_404(user_id)
    return run_action(
        lambda: operations.disable_user(user, actor=current_user),
        done=_("Account %(name)s disabled; its sessions have ended.", name=user.username),
        then=url_for("accounts.staff_edit", user_id=user.id),
    )


@bp.post("/admin/staff/<int:user_id>/enable")
@permission_required(Permission.MANAGE_STAFF)
def staff_enable(user_id: int) -> Response:
    user = user_or_404(user_id)
    return run_action(
        lambda: operations.enable_user(user, actor=current_user),
        done=_("Account %(name)s enabled.", name=user.username),
        then=url_for("accounts.staff_edit", user_id=user.id),
    )
