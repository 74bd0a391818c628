"""The mail outbox: mail queued with the change that causes it and sent after the commit
(`models`), and the administrators' page that lists and retries it (`views`)."""

from core.outbox.models import OutgoingMail, queue_mail, send_queued, take_queued_mail

__all__ = ["OutgoingMail", "queue_mail", "send_queued", "take_queued_mail"]
