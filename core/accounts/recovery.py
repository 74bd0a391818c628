"""Nothing a staff member typed is lost to an ended sign-in.

When a form arrives after its sender's session lapsed (idle or lifetime, see `sessions`),
what it sent is kept for that person (never a password or a file), they are asked to sign
in again, and the page with the form opens filled in with it, saying so. Work sent with a
session that was signed out, or with no session at all, is not kept.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from core.accounts.models import RecoveredForm, User
from core.accounts.sessions import RECOVERABLE_FOR
from core.clock import utcnow
from core.web import office_time
from extensions import db

SESSION_KEY = "kept_forms"


def _is_kept(name: str) -> bool:
    return name != "csrf_token" and "password" not in name.lower()


def form_page() -> str | None:
    """The page that shows the form this request came from: its own address when it also
    answers GET, else the page it was sent from (on this site)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(request.path, method="GET")
    except HTTPException:
        parts = urlsplit(request.referrer or "")
        if parts.netloc != request.host or not parts.path.startswith("/admin"):
            return None
        return parts.path
    return request.path


def keep_sent_form(user_id: int, page: str) -> RecoveredForm:
    """Keep what this request sent, for `user_id` to find on `page` after signing in."""
    fields = [[name, value] for name, value in request.form.items(multi=True) if _is_kept(name)]
    kept = RecoveredForm(user_id=user_id, path=page, fields=fields)
    db.session.add(kept)
    return kept


def offer_kept_forms(user: User) -> None:
    """After sign-in: note in the new session which pages have something kept for `user`,
    and forget what is too old to offer."""
    now = utcnow()
    db.session.execute(delete(RecoveredForm).where(RecoveredForm.sent_at < now - RECOVERABLE_FOR))
    rows = db.session.execute(
        select(RecoveredForm.path, RecoveredForm.id)
        .where(RecoveredForm.user_id == user.id)
        .order_by(RecoveredForm.id)
    ).all()
    if rows:
        session[SESSION_KEY] = {path: kept_id for path, kept_id in rows}


def kept_formdata(field_names: set[str]) -> MultiDict | None:
    """What was kept for this page, when it belongs to a form with these fields (a page with
    two forms offers it to the one it was sent from); offered once."""
    offers = session.get(SESSION_KEY)
    if not offers or request.method != "GET" or request.path not in offers:
        return None
    kept = db.session.get(RecoveredForm, offers[request.path])
    if kept is None or kept.user_id != getattr(current_user, "id", None):
        return None
    names = {name for name, _value in kept.fields}
    if not names or not names <= field_names:
        return None
    session[SESSION_KEY] = {path: i for path, i in offers.items() if path != request.path}
    flash(
        _(
            "Your sign-in had ended, so this was not saved. What you sent at %(when)s is "
            "filled in below: check it and save it again.",
            when=office_time(kept.sent_at),
        ),
        "warning",
    )
    return MultiDict(kept.fields)
