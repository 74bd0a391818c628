"""`flask send-outbox`: for cron, every few minutes: send the mail and text messages that
have not left yet (a failure is kept on the message and tried again next time)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.outbox.models import send_queued, send_queued_texts


@click.command("send-outbox")
@with_appcontext
def send_outbox_cli() -> None:
    """Send unsent mail and text messages."""
    mail = send_queued()
    texts = send_queued_texts()
    click.echo(f"{mail} mail and {texts} text messages sent.")
