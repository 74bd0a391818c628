"""Commands for cron: the reminder the day before, and the retention purge."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.clock import utcnow
from core.outbox import forget_mail_files
from core.runner import run_command
from engagement.open_days.operations import purge_open_day_data, remind_registrants


@click.command("remind-open-day-registrants")
@with_appcontext
def remind_cli() -> None:
    """Text (and mail) everyone with a place for an open day tomorrow; once each. Run it
    daily, e.g. at 10:00."""
    reminded = run_command(lambda: remind_registrants(utcnow()))
    click.echo(f"{reminded} registrants reminded.")


@click.command("purge-open-day-data")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Days after an open day to keep its registrants' data (default OPEN_DAY_RETENTION_DAYS).",
)
@with_appcontext
def purge_cli(days: int | None) -> None:
    """Delete registrants' names, phones, emails and ID numbers N days after each open day,
    keeping anonymous counts and feedback. Run it daily."""
    keep = days if days is not None else current_app.config["OPEN_DAY_RETENTION_DAYS"]
    purged = run_command(lambda: purge_open_day_data(utcnow(), keep))
    forget_mail_files()  # the purged messages' copies in the mail folder
    click.echo(f"{purged} open days purged.")


COMMANDS = (remind_cli, purge_cli)
