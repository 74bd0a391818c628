"""The foundation every feature uses; it imports no feature.

Where things are:
- `accounts/`: staff accounts, roles and permissions, sign-in and sign-out (`views`),
  `flask users` (`cli`).
- `review/`: confidentiality review, the only way content becomes public.
- `audit/`: the audit log, and the vocabulary features register so it reads in words.
- `outbox/`: mail and text messages queued with a change, sent after the commit;
  `flask send-outbox` (`cli`) retries what failed. `sms.py`: the SMS gateway.
- `draw.py`: the public draw, reproducible from its published seed.
- `rules.py` (`RuleBroken`) and `runner.py` (run an operation for a view, commit once).
- `web.py`: `render_page`, errors, security headers, language. `markdown.py`: staff text.
- `clock.py`: office time. `labels.py`: enums people read. `forms.py`: the base form.
- `files.py`: uploads and stored-file serving. `api.py`: the `/api/v1` blueprint.
- `menu.py` and `extension_points.py`: how features add to the staff menu and to each other.
- `start_page.py`: the staff area's start page, whose sections features add
  (`start_page_sections`).
- `backup.py`: `flask backup` and `flask restore`, a consistent copy of the database taken
  while the office works, and putting one back.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.accounts.models import Permission
from core.audit.vocabulary import audit_vocabulary
from core.menu import MenuEntry, staff_menu, staff_menu_entries
from core.start_page import StartSection, start_page_sections


def register(app: Flask) -> None:
    from core import accounts, assets, page_cache, start_page, web
    from core.audit import views as audit_views
    from core.backup import backup_cli, restore_cli
    from core.outbox import views as outbox_views
    from core.outbox.cli import send_outbox_cli
    from core.outbox.staff_queries import failed_messages
    from core.review import audit as review_audit
    from core.review import views as review_views
    from core.review.staff_queries import awaiting_my_review, my_work

    web.register(app)
    assets.register(app)
    accounts.register(app)
    page_cache.register(app)
    for blueprint in (start_page.bp, review_views.bp, audit_views.bp, outbox_views.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["staff_menu_entries"] = staff_menu_entries
    app.cli.add_command(send_outbox_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(restore_cli)
    audit_vocabulary.register(app, review_audit.VOCABULARY)
    for entry in (
        MenuEntry(_l("Overview"), "start_page.dashboard", order=10),
        MenuEntry(_l("Review"), "review.review_queue", (Permission.REVIEW,), order=40),
        MenuEntry(_l("Audit log"), "audit.audit_log", (Permission.VIEW_AUDIT,), order=50),
        MenuEntry(_l("Outbox"), "outbox.outbox", (Permission.MANAGE_STAFF,), order=70),
        MenuEntry(
            _l("Staff accounts"), "accounts.staff_list", (Permission.MANAGE_STAFF,), order=80
        ),
    ):
        staff_menu.register(app, entry)
    # The start page, most pressing first: features place theirs between (open days
    # today 10, decisions 40, comments 50, periods closing 60, invitations 70, places 80).
    for section in (
        StartSection(
            "mine", _l("Your drafts and returned work"), my_work, (Permission.EDIT,), order=20
        ),
        StartSection(
            "review",
            _l("Waiting for your review"),
            awaiting_my_review,
            (Permission.REVIEW,),
            order=30,
        ),
        StartSection(
            "outbox",
            _l("Messages not sent"),
            failed_messages,
            (Permission.MANAGE_STAFF,),
            order=90,
        ),
    ):
        start_page_sections.register(app, section)


def register_api(app: Flask) -> None:
    """After every feature has added its endpoints to the one `/api/v1` blueprint."""
    from core import api

    app.register_blueprint(api.bp)
