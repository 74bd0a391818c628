"""The annual openness report (政府信息公开工作年度报告), its meeting-openness section:
written from the year's figures as text, tables and charts, in Chinese and English,
published through review and kept as it was published.

Files: `figures` (the counts), `models` (an edition with its kept figures), `prose`,
`tables`, `charts` (what the page shows of them), `queries`, `operations` (prepare),
`forms`, `views` (public: the years, a report, its tables as CSV), `staff_views`, `audit`,
`demo`. It counts across meetings, decisions, consultations, sitting in and open days, so
it sits above them in `engagement`.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.accounts.models import Permission
from core.audit.vocabulary import audit_vocabulary
from core.menu import MenuEntry, staff_menu
from core.page_cache import cached_pages


def register(app: Flask) -> None:
    from engagement.reports import audit, staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    for endpoint in ("reports.report_list", "reports.report", "reports.table_csv"):
        cached_pages.register(app, endpoint)
    staff_menu.register(
        app,
        MenuEntry(
            _l("Annual reports"),
            "report_staff.reports",
            (Permission.EDIT, Permission.REVIEW),
            order=48,
        ),
    )
    audit_vocabulary.register(app, audit.VOCABULARY)
