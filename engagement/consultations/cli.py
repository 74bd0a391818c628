"""`flask purge-personal-data`: the retention promised when residents consented (cron, daily)."""

from __future__ import annotations

import click

from core.clock import utcnow
from core.outbox import forget_mail_files
from core.runner import run_command
from engagement.consultations import operations


@click.command("purge-personal-data")
def purge_personal_data_cli() -> None:
    """Delete residents' personal data whose retention period has ended (run daily by cron)."""
    cleared = run_command(lambda: operations.purge_personal_data(utcnow()))
    forget_mail_files()  # the purged messages' copies in the mail folder
    click.echo(f"Personal data deleted from {cleared} comments.")
