"""Staff accounts: roles and permissions (`models`), who may open a page (`access`),
account changes (`operations`), sign-in, sign-out and the administrators' account pages
(`views`), and `flask users` (`cli`)."""

from __future__ import annotations

from flask import Flask

from core.audit.vocabulary import audit_vocabulary
from extensions import login_manager


def register(app: Flask) -> None:
    from core.accounts import audit, cli, sessions, views

    login_manager.init_app(app)
    login_manager.user_loader(sessions.load_user)
    login_manager.unauthorized_handler(views.sign_in_again)
    login_manager.session_protection = "strong"
    sessions.register(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users_cli)
    audit_vocabulary.register(app, audit.VOCABULARY)
