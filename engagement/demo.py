"""`flask demo`: realistic demo data for one machine, loaded once and kept after that."""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask import current_app
from sqlalchemy import func, select

from extensions import db
from meetings import operations as meeting_operations
from meetings import review
from meetings.clock import from_office_time, to_office_time, utcnow
from meetings.models import Body, BodyLevel
from meetings.staff import operations as staff_operations
from meetings.staff.models import Role, User

# Demo accounts exist only in demo data; a real office creates its own with `flask users`.
DEMO_STAFF = (
    ("admin", "王磊", Role.ADMIN, "demo-admin-2026"),
    ("editor", "张敏", Role.EDITOR, "demo-editor-2026"),
    ("editor2", "刘洋", Role.EDITOR, "demo-editor2-2026"),
    ("reviewer", "李静", Role.REVIEWER, "demo-review-2026"),
)

DEMO_BODIES = (
    ("区政府常务会议", BodyLevel.DISTRICT, "district-executive", "区政府第一会议室"),
    (
        "区发展和改革委员会主任办公会",
        BodyLevel.DEPARTMENT,
        "development-reform",
        "区发改委三层会议室",
    ),
    ("区民政局局务会", BodyLevel.DEPARTMENT, "civil-affairs", "区民政局二层会议室"),
    ("什刹海街道办事处主任办公会", BodyLevel.STREET, "shichahai-street", "什刹海街道办事处会议室"),
)


def _office_day_at(days_from_today: int, hour: int, minute: int = 0) -> datetime:
    today = to_office_time(utcnow()).replace(tzinfo=None)
    wall = (today + timedelta(days=days_from_today)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )
    return from_office_time(wall)


def load_demo() -> bool:
    """Load the demo data into an empty database. Returns False when data already exists."""
    if db.session.scalar(select(func.count(User.id))):
        return False
    staff = {
        username: staff_operations.create_user(
            username=username, display_name=name, role=role, password=password, actor=None
        )
        for username, name, role, password in DEMO_STAFF
    }
    bodies = {}
    for name, level, slug, venue in DEMO_BODIES:
        bodies[slug] = Body(name=name, level=level, slug=slug, default_venue=venue)
        db.session.add(bodies[slug])
    db.session.flush()

    editor, reviewer = staff["editor"], staff["reviewer"]
    district = bodies["district-executive"]
    past = meeting_operations.create_meeting(
        district,
        title="2026年第18次区政府常务会议",
        starts_at=_office_day_at(-12, 9),
        ends_at=_office_day_at(-12, 11, 30),
        venue=None,
        notes=None,
        actor=editor,
    )
    upcoming = meeting_operations.create_meeting(
        district,
        title="2026年第19次区政府常务会议",
        starts_at=_office_day_at(9, 9),
        ends_at=_office_day_at(9, 11, 30),
        venue=None,
        notes=None,
        actor=editor,
    )
    street = meeting_operations.create_meeting(
        bodies["shichahai-street"],
        title="什刹海街道2026年第11次主任办公会",
        starts_at=_office_day_at(16, 14, 30),
        ends_at=_office_day_at(16, 16),
        venue=None,
        notes=None,
        actor=staff["editor2"],
    )
    for meeting in (past, upcoming):
        review.submit_for_review(meeting, actor=editor)
        review.approve(meeting, actor=reviewer)
    review.submit_for_review(street, actor=staff["editor2"])
    return True


@click.command("demo")
def demo_cli() -> None:
    """Load demo data the first time, then print the demo staff logins."""
    if current_app.config["SUNSHINE_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    if load_demo():
        db.session.commit()
        click.echo("Demo data loaded.")
    else:
        click.echo("Data already present; nothing loaded.")
    click.echo("Demo staff logins (demo only):")
    for username, name, role, password in DEMO_STAFF:
        click.echo(f"  {username:10} {password:20} {role.value:9} {name}")
