"""Commands for cron: reminders before a meeting, and the retention purge of invitees' and
applicants' personal data."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.clock import utcnow
from core.outbox import forget_mail_files
from core.runner import run_command
from engagement.sitting_in.operations.invitations import remind_invitees


@click.command("remind-invitees")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Remind those invited to meetings starting within this many days "
    "(default SIT_IN_REMINDER_DAYS).",
)
@with_appcontext
def remind_cli(days: int | None) -> None:
    """Mail and text everyone invited to a meeting that starts within N days, once each
    (who has not answered is asked again). Run it daily, e.g. at 09:00."""
    reminded = run_command(lambda: remind_invitees(utcnow(), days=days))
    click.echo(f"{reminded} invitees reminded.")


@click.command("purge-sitting-in-data")
@with_appcontext
def purge_cli() -> None:
    """Delete invitees' and applicants' personal data SIT_IN_RETENTION_DAYS after the last
    meeting it served, keeping anonymous counts. Run it daily."""
    from engagement.sitting_in.operations.applications import purge_application_data
    from engagement.sitting_in.operations.people import purge_people_data

    people = run_command(lambda: purge_people_data(utcnow()))
    applications = run_command(lambda: purge_application_data(utcnow()))
    forget_mail_files()  # the purged messages' copies in the mail folder
    click.echo(f"{people} people and {applications} applications purged.")


COMMANDS = (remind_cli, purge_cli)
