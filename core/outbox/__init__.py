"""The outbox: mail and text messages queued with the change that causes them and sent
after the commit (`models`), and the administrators' page that lists and retries them
(`views`)."""

from core.outbox.models import (
    BatchProgress,
    OutgoingMail,
    TextMessage,
    batch_progress,
    forget_mail_files,
    queue_mail,
    queue_text,
    send_queued,
    send_queued_texts,
    take_queued_mail,
    take_queued_texts,
)

__all__ = [
    "BatchProgress",
    "OutgoingMail",
    "TextMessage",
    "batch_progress",
    "forget_mail_files",
    "queue_mail",
    "queue_text",
    "send_queued",
    "send_queued_texts",
    "take_queued_mail",
    "take_queued_texts",
]
