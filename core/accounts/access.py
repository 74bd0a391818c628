"""Who may see a staff page: the login loader and the permission decorator."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort, request
from flask_login import current_user

from core.accounts.models import Permission
from extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")


def permission_required(
    *permissions: Permission, to_change: Permission | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Send anonymous visitors to sign in; refuse staff who hold none of `permissions`.

    With `to_change`, reading (GET) needs any of `permissions` and every other method
    needs `to_change`: reviewers read what they approve on the editors' pages.
    """

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            needed = permissions
            if to_change is not None and request.method not in ("GET", "HEAD"):
                needed = (to_change,)
            if not any(current_user.can(permission) for permission in needed):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def staff_required(view: Callable[P, R]) -> Callable[P, R]:
    """Any signed-in staff member, whatever the role."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped
