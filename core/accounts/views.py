"""Signing in and out, and the administrators' page of staff accounts."""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from limits import parse as parse_limit
from sqlalchemy import select

from core.accounts import operations, recovery
from core.accounts.access import permission_required
from core.accounts.forms import LoginForm, PasswordResetForm, StaffCreateForm, StaffDetailsForm
from core.accounts.models import Permission, Role, User
from core.runner import attempt, form_status, run_action, run_for_form
from core.web import render_page, safe_next_url, with_content
from extensions import db, limiter

bp = Blueprint("accounts", __name__)

# Failed sign-ins of one account from all addresses: past a few, every attempt on it waits
# a little longer (the right password still gets in); nobody can lock another person out.
ACCOUNT_FAILURES = parse_limit("1000 per 15 minutes")


def _failed_login(response: Response) -> bool:
    # Only attempts that did not sign in count towards the limits.
    return response.status_code != 303


def _typed_username() -> str:
    return (request.form.get("username") or "").strip().lower()


def _account_and_address_key() -> str:
    return f"login|{_typed_username()}|{get_remote_address()}"


def _throttled_login_page(_limit: object) -> Response:
    """Too many failed attempts from here: the sign-in page again, with the name kept."""
    current_app.logger.warning(
        "Sign-in refused for a while: too many failed attempts for %r from %s",
        _typed_username(),
        get_remote_address(),
    )
    form = LoginForm(formdata=None, username=request.form.get("username", ""))
    return render_page("accounts/login.html", form=form, throttled=True, status=429)


def _recent_failures(username: str) -> int:
    if not limiter.enabled:
        return 0
    stats = limiter.limiter.get_window_stats(ACCOUNT_FAILURES, "login-account", username)
    return ACCOUNT_FAILURES.amount - stats.remaining


def _slow_down(username: str) -> None:
    """Wait longer the more this account failed lately, from anywhere."""
    failures = _recent_failures(username)
    free = current_app.config["LOGIN_FAILURES_BEFORE_SLOWDOWN"]
    if failures < free:
        return
    delay = min(
        (failures - free + 1) * current_app.config["LOGIN_SLOWDOWN_STEP_SECONDS"],
        current_app.config["LOGIN_SLOWDOWN_MAX_SECONDS"],
    )
    current_app.logger.warning(
        "Sign-in for %r slowed by %.1f s after %d recent failures", username, delay, failures
    )
    time.sleep(delay)


def _note_failure(username: str) -> None:
    current_app.logger.info("Failed sign-in for %r from %s", username, get_remote_address())
    if limiter.enabled:
        limiter.limiter.hit(ACCOUNT_FAILURES, "login-account", username)


def _lapsed_message() -> str:
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    return _(
        "Your sign-in ended after %(minutes)d minutes without activity, or %(hours)d hours "
        "after you signed in. Please sign in again.",
        minutes=minutes,
        hours=current_app.config["SESSION_MAX_HOURS"],
    )


def sign_in_again() -> Response:
    """Flask-Login's answer to a staff page without a valid sign-in. When the sign-in lapsed
    while a form was being filled in, what it sent is kept for after the next sign-in."""
    lapsed_user_id = g.get("lapsed_user_id")
    page = request.full_path if request.query_string else request.path
    if lapsed_user_id is not None and request.method == "POST":
        page = recovery.form_page()
        if page is not None:
            attempt(lambda: recovery.keep_sent_form(lapsed_user_id, page))
            flash(
                _(
                    "Your sign-in had ended, so nothing was saved yet. Sign in again and what "
                    "you sent will be filled back into the form."
                ),
                "warning",
            )
        else:
            flash(_lapsed_message(), "warning")
    elif lapsed_user_id is not None:
        flash(_lapsed_message(), "warning")
    else:
        flash(_("Please sign in to see this page."), "info")
    target = url_for("accounts.login", next=page or None)
    if request.headers.get("HX-Request") == "true":
        response = Response(status=401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=303 if request.method == "POST" else 302)


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
    key_func=_account_and_address_key,
    deduct_when=_failed_login,
    on_breach=_throttled_login_page,
)
def login() -> Response:
    form = LoginForm()
    next_url = safe_next_url(request.args.get("next"), url_for("start_page.dashboard"))
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        _slow_down(username)
        user = operations.authenticate(username, form.password.data)
        if user is not None:
            # A fresh session at sign-in: nothing from before the login carries over.
            session.clear()
            attempt(lambda: operations.record_login(user))
            login_user(user)
            session.permanent = True
            recovery.offer_kept_forms(user)
            return redirect(next_url, code=303)
        _note_failure(username)
        form.password.errors.append(_("The user name or password is not right."))
    status = 422 if form.errors else 200
    return render_page("accounts/login.html", form=form, status=status)


@bp.post("/logout")
def logout() -> Response:
    secret = getattr(current_user, "session_secret", None)
    attempt(lambda: operations.record_logout(current_user, secret))
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"), code=303)


@bp.post("/session/keepalive")
def keepalive() -> Response:
    """Asked by the staff pages while someone types, so a long draft keeps its sign-in; the
    session's last use is written down before the view (`sessions.settle_session`)."""
    return Response(status=204 if current_user.is_authenticated else 401)


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


@bp.route("/admin/staff/<int:user_id>/disable", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_STAFF)
def staff_disable(user_id: int) -> Response:
    """Asks first (GET), then disables the account (POST)."""
    user = user_or_404(user_id)
    if request.method == "GET":
        return render_page(
            "confirm.html",
            heading=_("Disable an account"),
            subject=user.username,
            question=with_content(
                _("Disable the account of %(name)s (%(username)s)?"),
                name=user.display_name,
                username=user.username,
            ),
            consequence=_(
                "They are signed out everywhere at once and cannot sign in until an "
                "administrator enables the account again. Their records stay."
            ),
            action=url_for("accounts.staff_disable", user_id=user.id),
            confirm_label=_("Disable the account"),
            cancel=url_for("accounts.staff_edit", user_id=user.id),
        )
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
