"""Configuration read from the environment, with defaults that are safe on one machine.

Every setting a deployment may change is an environment variable; nothing secret is
ever written into the code. Local runs keep a generated secret key under `instance/`.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(RuntimeError):
    """The environment does not describe a deployment Sunshine can run in."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL whatever spelling the operator gave."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _local_secret_key(instance_path: Path) -> str:
    """A key generated once per machine, so sessions survive a restart of `make run`."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_config(instance_path: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    """Build the Flask configuration from environment variables."""
    env = dict(os.environ if env is None else env)
    deployment = env.get("SUNSHINE_ENV", "development").strip().lower()
    production = deployment == "production"

    secret_key = env.get("SECRET_KEY", "").strip()
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set when SUNSHINE_ENV=production.")
        secret_key = _local_secret_key(instance_path)

    database_url = env.get("DATABASE_URL", "").strip()
    if not database_url:
        if production:
            raise ConfigError("DATABASE_URL must be set when SUNSHINE_ENV=production.")
        database_url = f"sqlite:///{instance_path / 'sunshine.sqlite3'}"

    # Names every calendar event: each office its own, or a resident subscribed to two
    # offices' calendars would see one's events overwrite the other's.
    calendar_uid_domain = env.get("CALENDAR_UID_DOMAIN", "").strip()
    if not calendar_uid_domain:
        if production:
            raise ConfigError(
                "CALENDAR_UID_DOMAIN must be set when SUNSHINE_ENV=production "
                "(a domain of the office's, e.g. sunshine.example.gov.cn; never change it)."
            )
        calendar_uid_domain = "sunshine.localhost"

    timezone_name = env.get("OFFICE_TIMEZONE", "Asia/Shanghai").strip() or "Asia/Shanghai"
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"OFFICE_TIMEZONE={timezone_name!r} is not a known time zone.") from error

    redis_url = env.get("REDIS_URL", "").strip()
    idle_minutes = int(env.get("SESSION_IDLE_MINUTES", "30"))
    max_hours = int(env.get("SESSION_MAX_HOURS", "12"))

    return {
        "SUNSHINE_ENV": deployment,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # hide_parameters: a logged database error never carries what a person typed.
        # pool_pre_ping: a database server's restart costs no request an error (a SQLite file
        # cannot go away, so it is not pinged before every request).
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": not database_url.startswith("sqlite"),
            "hide_parameters": True,
        },
        "REDIS_URL": redis_url or None,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis unreachable: each worker counts on its own meanwhile, never a server error.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": (
            {"socket_connect_timeout": 1, "socket_timeout": 1} if redis_url else {}
        ),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Public pages are kept in a cache (core/page_cache) shared through Redis when set.
        "PAGE_CACHE_ENABLED": _flag(env.get("PAGE_CACHE_ENABLED"), default=True),
        # Text answers are compressed for clients that accept it (gzip or brotli).
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "text/calendar",
            "text/csv",
            "image/svg+xml",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), default=True),
        "OFFICE_TIMEZONE": timezone_name,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": timezone_name,
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Calendar events are named by this (UID "meeting-12@<domain>"), not by the public
        # address: set it once, to a domain of the office's, and never change it, or every
        # subscriber's calendar shows each event twice.
        "CALENDAR_UID_DOMAIN": calendar_uid_domain,
        # A proxy or app may keep a public feed this many seconds without asking again.
        "CALENDAR_MAX_AGE": int(env.get("CALENDAR_MAX_AGE", "300")),
        # Each feed holds the newest this-many events (by start), whatever today's date.
        "CALENDAR_FEED_SIZE": int(env.get("CALENDAR_FEED_SIZE", "1000")),
        "MAIL_SERVER": env.get("MAIL_SERVER", "").strip() or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_FROM": env.get("MAIL_FROM", "sunshine@localhost"),
        # Without MAIL_SERVER, messages are written here instead of sent.
        "MAIL_FOLDER": env.get("MAIL_FOLDER", "").strip() or str(instance_path / "mail"),
        # Staff sessions are kept on the server (core/accounts/sessions.py), which ends them
        # after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after sign-in.
        # The cookie lives as long as the longest session, so a lapsed sign-in is
        # recognised and what was being sent can be kept for after the next sign-in.
        "SESSION_IDLE_MINUTES": idle_minutes,
        "SESSION_MAX_HOURS": max_hours,
        # Text messages to residents' phones (core/sms.py); without a gateway they are kept
        # in the staff outbox. SMS_TEMPLATES maps our message kinds to the provider's
        # template ids, as JSON.
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL", "").strip() or None,
        "SMS_ACCESS_KEY_ID": env.get("SMS_ACCESS_KEY_ID") or None,
        "SMS_ACCESS_KEY_SECRET": env.get("SMS_ACCESS_KEY_SECRET") or None,
        "SMS_SIGN_NAME": env.get("SMS_SIGN_NAME", "").strip() or None,
        "SMS_TEMPLATES": json.loads(env.get("SMS_TEMPLATES") or "{}"),
        # Open days: registrants' names, phones, emails and ID numbers are removed this many
        # days after the open day (`flask purge-open-day-data`), keeping anonymous counts.
        # Sitting in: invitees' and applicants' personal data is kept this long after the
        # last meeting it served, as open-day registrants' is; applications close this many
        # hours before the meeting starts; reminders go this many days before.
        "SIT_IN_RETENTION_DAYS": int(env.get("SIT_IN_RETENTION_DAYS", "30")),
        "SIT_IN_APPLICATIONS_CLOSE_HOURS": int(env.get("SIT_IN_APPLICATIONS_CLOSE_HOURS", "48")),
        "SIT_IN_REMINDER_DAYS": int(env.get("SIT_IN_REMINDER_DAYS", "2")),
        "OPEN_DAY_RETENTION_DAYS": int(env.get("OPEN_DAY_RETENTION_DAYS", "30")),
        # A registration waits at most this long for the open day's lock before the
        # resident is asked to send again (PostgreSQL; SQLite waits by its busy timeout).
        "OPEN_DAY_LOCK_TIMEOUT_MS": int(env.get("OPEN_DAY_LOCK_TIMEOUT_MS", "5000")),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=max_hours),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Always Secure in production; elsewhere Secure whenever the request came over HTTPS.
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # Past this many failed sign-ins of one account in 15 minutes (from anywhere), each
        # attempt on it waits a step longer, up to the maximum; none is refused for it.
        "LOGIN_FAILURES_BEFORE_SLOWDOWN": 5,
        "LOGIN_SLOWDOWN_STEP_SECONDS": 0.5,
        "LOGIN_SLOWDOWN_MAX_SECONDS": 3.0,
        # How staff passwords are hashed (werkzeug's method string). Not read from the
        # environment, so no deployment can weaken it; the tests set a cheap method.
        "PASSWORD_HASH_METHOD": "scrypt",
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER", "").strip() or str(instance_path / "uploads"),
        # Room for the multipart overhead around the largest file (20 MB documents).
        "MAX_CONTENT_LENGTH": int(env.get("MAX_REQUEST_MB", "21")) * 1024 * 1024,
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
    }
