"""Sunshine: the application factory. Wires configuration, extensions and blueprints."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import load_config
from core.input import accept_input_without_nul
from extensions import compress, csrf, db, limiter, migrate, prepare_engine


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: a positive id that fits the database's integer."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002  (werkzeug's name)
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = DatabaseIdConverter
    accept_input_without_nul(app)
    app.json.ensure_ascii = False  # open data in readable Chinese

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path) / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    with app.app_context():
        prepare_engine(db.engine)

    import core
    import engagement
    import meetings
    from core import logs

    # Each part wires its own pages, menu entries, hooks and commands; lower parts first.
    for feature in (core, meetings, engagement):
        feature.register(app)
    core.register_api(app)
    logs.register(app)  # knows the private routes only once every route is added
    return app
