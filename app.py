"""Sunshine: the application factory. Wires configuration, extensions and blueprints."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import load_config
from extensions import csrf, db, limiter, login_manager, migrate, prepare_engine


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
    app.json.ensure_ascii = False  # open data in readable Chinese

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path) / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    with app.app_context():
        prepare_engine(db.engine)

    from engagement import api as engagement_api  # noqa: F401  (adds routes to /api/v1)
    from engagement import staff_views as consultation_staff_views
    from engagement import views as engagement_views
    from engagement.demo import demo_cli, purge_personal_data_cli
    from meetings import admin, api, staff_views
    from meetings import views as meeting_views
    from meetings.staff import access  # noqa: F401  (registers the login loader)
    from meetings.staff import views as account_views
    from meetings.staff.cli import users_cli
    from meetings.web import register_web

    register_web(app)
    blueprints = (
        engagement_views.bp,
        consultation_staff_views.bp,
        meeting_views.bp,
        staff_views.bp,
        account_views.bp,
        admin.bp,
        api.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(purge_personal_data_cli)
    return app
