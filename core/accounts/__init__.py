"""Staff accounts: roles and permissions (`models`), who may open a page (`access`),
account changes (`operations`), sign-in, sign-out and the administrators' account pages
(`views`), and `flask users` (`cli`)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.audit.vocabulary import audit_vocabulary
from extensions import login_manager


def register(app: Flask) -> None:
    from core.accounts import access, audit, cli, views

    login_manager.init_app(app)
    login_manager.user_loader(access.load_user)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users_cli)
    audit_vocabulary.register(app, audit.VOCABULARY)
