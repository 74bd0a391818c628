"""`flask demo`: realistic demo data for one machine, loaded once and kept after that."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import func, select

from core.accounts import operations as staff_operations
from core.accounts.models import Role, User
from core.runner import run_command
from engagement.consultations.demo import load_consultations_demo
from engagement.open_days.demo import load_open_days_demo
from engagement.reports.demo import load_reports_demo
from engagement.sitting_in.demo import load_sitting_in_demo
from extensions import db
from meetings.demo import DemoClock, load_meetings_demo
from meetings.demo.content import OFFICE_SETUP_DAY

# Demo accounts exist only in demo data; a real office creates its own with `flask users`.
DEMO_STAFF = (
    ("admin", "王磊", Role.ADMIN, "demo-admin-2026"),
    ("editor", "张敏", Role.EDITOR, "demo-editor-2026"),
    ("editor2", "刘洋", Role.EDITOR, "demo-editor2-2026"),
    ("reviewer", "李静", Role.REVIEWER, "demo-review-2026"),
)


def load_demo() -> bool:
    """Load the demo data into an empty database. Returns False when data already exists.

    The data tells a year of the office's work up to now: every step is dated when the
    story says it happened (`DemoClock`), not when the demo was loaded."""
    if db.session.scalar(select(func.count(User.id))):
        return False
    clock = DemoClock()
    staff = {}
    for minute, (username, name, role, password) in enumerate(DEMO_STAFF):
        with clock.at(clock.office_day(OFFICE_SETUP_DAY, 9, minute)):
            staff[username] = staff_operations.create_user(
                username=username, display_name=name, role=role, password=password, actor=None
            )
    load_meetings_demo(staff, clock)
    load_consultations_demo(staff, clock)
    load_open_days_demo(staff, clock)
    load_sitting_in_demo(staff, clock)
    load_reports_demo(staff, clock)
    return True


@click.command("demo")
def demo_cli() -> None:
    """Load demo data the first time, then print the demo staff logins."""
    if current_app.config["SUNSHINE_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    if run_command(load_demo):
        click.echo("Demo data loaded.")
    else:
        click.echo("Data already present; nothing loaded.")
    click.echo("Demo staff logins (demo only):")
    for username, name, role, password in DEMO_STAFF:
        click.echo(f"  {username:10} {password:20} {role.value:9} {name}")
