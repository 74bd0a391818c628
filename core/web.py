"""The web layer every page shares: layout helpers, language, security headers, health.
Error pages are in `core.errors`; what every input may hold in `core.input`.

Both packages render through `render_page`, so the htmx fragment-or-page decision and
the `Vary` header are made in one place.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    has_request_context,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_babel import format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from core.clock import to_office_time
from core.markdown import render_markdown
from core.time_words import with_words
from extensions import babel, csrf, db

bp = Blueprint("site", __name__)

LANGUAGE_COOKIE = "lang"
LANGUAGES = {"zh": "中文", "en": "English"}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
# Elder-friendly mode (长辈模式): larger text, stronger contrast, calmer pages. Remembered
# in its own cookie, which only chooses the kept copy of a page (`page_variant`).
ELDER_COOKIE = "elder"
ELDER_ON = "1"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


CONTENT_LANG = HTML_LANG["zh"]


def current_language() -> str:
    locale = str(get_locale() or "zh")
    return "en" if locale.startswith("en") else "zh"


def content_lang_attribute() -> Markup:
    """` lang="zh-Hans"` for an element that holds what the office wrote, when the
    interface is in another language; nothing otherwise."""
    if current_language() == "zh":
        return Markup("")
    return Markup(' lang="{}"').format(CONTENT_LANG)


CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def content(text: object) -> object:
    """What the office wrote, inside a sentence of the interface: marked as Chinese when
    it is (it holds Chinese characters) and the interface is in another language."""
    if current_language() == "zh" or not CHINESE.search(str(text or "")):
        return text
    return Markup('<span lang="{}">{}</span>').format(CONTENT_LANG, text)


def with_content(message: str, **values: object) -> Markup:
    """A translated sentence whose placeholders are left to fill (`_("… %(title)s …")`),
    filled with what the office wrote, each part marked with its language (`content`)."""
    return escape(message) % {name: content(value) for name, value in values.items()}


def content_choice(value: object, label: str) -> tuple[object, str, dict[str, str]]:
    """A select's choice whose label the office wrote (an option holds text only, so it
    carries the language itself)."""
    marked = current_language() != "zh" and CHINESE.search(label)
    return (value, label, {"lang": CONTENT_LANG} if marked else {})


def select_locale() -> str:
    if not has_request_context():
        return "zh"
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else "zh"


def elder_mode() -> bool:
    """The reader turned on elder-friendly mode (长辈模式)."""
    return has_request_context() and request.cookies.get(ELDER_COOKIE) == ELDER_ON


def page_variant(cookies: Any) -> str:
    """What, besides its address, chooses which copy of a public page a reader gets: the
    language and elder-friendly mode, read from the cookies as sent (the page cache keys
    pages by it, before Flask too)."""
    language = cookies.get(LANGUAGE_COOKIE, "")
    language = language if language in LANGUAGES else ""
    return language + ("+elder" if cookies.get(ELDER_COOKIE) == ELDER_ON else "")


def is_fragment_request() -> bool:
    """htmx asked for a piece of a page. A boosted request wants the whole page, and so
    does htmx restoring a page from history that it no longer holds (after Back)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(
    template: str, fragment: str | None = None, status: int = 200, **context: Any
) -> Response:
    """Render the whole page, or only `fragment` when htmx asked for it; a fragment knows
    it is swapped in (`swapped`), to say what changed out of band and where focus goes."""
    swapped = bool(fragment) and is_fragment_request()
    name = fragment if swapped else template
    response = make_response(render_template(name, swapped=swapped, **context), status)
    response.vary.add("HX-Request")
    return response


def query_int(
    name: str, default: int | None = None, *, minimum: int = 1, maximum: int = 10**6
) -> int | None:
    """A whole number from the query string within bounds, else `default` (never an error)."""
    raw = request.args.get(name, "")
    if re.fullmatch(r"[0-9]{1,7}", raw) and minimum <= int(raw) <= maximum:
        return int(raw)
    return default


def public_link(endpoint: str, **values: object) -> str:
    """An absolute address on the public site for mail and feeds (PUBLIC_BASE_URL), which
    works outside a request too, e.g. from a command."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"] + path


def safe_next_url(target: str | None, default: str) -> str:
    """Only follow `next` to a path on this site, never to another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def office_time(moment: datetime | None, pattern: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored UTC time as the office's wall clock (Flask-Babel knows the zone)."""
    if moment is None:
        return ""
    return format_datetime(moment, pattern)


def shown_office_time(moment: datetime | None, pattern: str = "yyyy-MM-dd HH:mm") -> Markup | str:
    """The `office_time` filter of the pages: in elder-friendly mode the date and time are
    read out in words after the digits (`core.time_words`). Mail, feeds and the API call
    `office_time` itself, and `<time datetime>` takes `datetime_attribute`: no words."""
    shown = office_time(moment, pattern)
    if moment is None or not elder_mode():
        return shown
    return with_words(shown, moment, pattern)


def office_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the office's offset, for `<time datetime>` and the API."""
    return to_office_time(moment).isoformat() if moment else None


def datetime_attribute(moment: datetime | None) -> str | None:
    """A moment for `<time datetime>`: office time to the second, as HTML allows (the API's
    `office_iso` keeps microseconds)."""
    return to_office_time(moment).isoformat(timespec="seconds") if moment else None


def time_left(remaining: timedelta) -> str:
    """A duration in words, e.g. 12 days 3 hours, for comment periods."""
    seconds = max(int(remaining.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(days)d days %(hours)d hours", days=days, hours=hours)
    return _("%(hours)d hours %(minutes)d minutes", hours=hours, minutes=rest // 60)


def filesize(size: int) -> str:
    return (
        format_decimal(size / 1024, "#,##0") + " KB"
        if size < 1024 * 1024
        else (format_decimal(size / 1024 / 1024, "#,##0.0") + " MB")
    )


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith(("/admin", "/login")):
        response.headers.setdefault("Cache-Control", "no-store")
    if request.view_args and "token" in request.view_args:
        # A private link must not travel on to another site, nor sit in a shared cache.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means not healthy
        current_app.logger.exception("Health check failed")
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


def sent_from_this_site() -> bool:
    """The browser says the request came from one of this site's pages (Origin, or the
    Referer when a browser sends no Origin): a CSRF defence that needs no session."""
    origin = request.headers.get("Origin") or request.referrer or ""
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc == request.host


@bp.post("/language")
@csrf.exempt
def choose_language() -> Response:
    """Remember the chosen language in a cookie and go back to the page.

    On every page, so it carries no form token (a reader who only reads gets no session):
    it is refused unless the browser says it was sent from this site."""
    response = back_to_the_page()
    language = request.form.get("language", "")
    if language in LANGUAGES:
        remember_choice(response, LANGUAGE_COOKIE, language)
    return response


def back_to_the_page() -> Response:
    """A reader's display choice (language, elder-friendly mode) leads back to the page it
    was made on. It carries no form token, so it is refused unless the browser says it was
    sent from this site."""
    if not sent_from_this_site():
        abort(400)
    back = safe_next_url(request.form.get("next"), request.script_root + "/")
    return redirect(back, code=303)


def remember_choice(response: Response, cookie: str, value: str) -> None:
    """Keep a reader's display choice for a year (it only picks a kept copy of a page)."""
    response.set_cookie(
        cookie,
        value,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )


@bp.post("/display")
@csrf.exempt
def choose_display() -> Response:
    """Turn elder-friendly mode on or off (`elder`: "on" or "off") and go back to the page.
    Like the language switch it is on every page, so it carries no form token and is
    refused unless the browser says it was sent from this site."""
    response = back_to_the_page()
    choice = request.form.get("elder", "")
    if choice == "on":
        remember_choice(response, ELDER_COOKIE, ELDER_ON)
    elif choice == "off":
        response.delete_cookie(ELDER_COOKIE, httponly=True, samesite="Lax")
    return response


def register(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.after_request(set_security_headers)
    from core import unavailable
    from core.errors import handle_csrf_error, handle_http_error

    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    unavailable.register(app)  # an unreachable database: 503, never a server error
    app.add_template_filter(shown_office_time, name="office_time")
    app.add_template_filter(datetime_attribute)
    app.add_template_filter(filesize)
    app.add_template_filter(time_left)
    app.add_template_filter(render_markdown, name="markdown")

    app.add_template_filter(content)

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        language = current_language()
        return {
            "languages": LANGUAGES,
            "current_language": language,
            "html_lang": HTML_LANG[language],
            "content_lang": content_lang_attribute(),
            "elder_mode": elder_mode(),
        }
