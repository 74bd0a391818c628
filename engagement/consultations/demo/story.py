"""What a demo consultation holds: its texts, its subject's words, the comments residents
sent and what became of them, and the days of its story, counted from its meeting's day."""

from __future__ import annotations

from dataclasses import dataclass

from engagement.consultations.models import Channel, Disposition


@dataclass(frozen=True, kw_only=True)
class DemoComment:
    """A comment as it arrived and as the office handled it."""

    # Days after the opening day, hour and minute (office time).
    received: tuple[int, int, int]
    name: str
    body: str
    community: str | None = None
    show_name: bool = True
    phone: str | None = None
    # Letters and calls are typed in by staff; web comments arrive by themselves.
    channel: Channel = Channel.WEB
    # Not published, and why (said to the resident on their status page).
    rejected: str | None = None
    # Still waiting for moderation when the demo is loaded.
    awaiting: bool = False
    reply: str | None = None
    disposition: Disposition | None = None
    disposition_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class DemoFeedback:
    """The feedback report. `summary` is Markdown with the counts as `{adopted}`,
    `{partly_adopted}`, `{not_adopted}`, `{out_of_scope}`, `{received}`, `{rejected}` and
    `{published}`, filled in from the comments. Days count from the closing day."""

    summary: str
    answered: int  # replies and dispositions written
    saved: int
    submitted: int | None = None
    approved: int | None = None


@dataclass(frozen=True, kw_only=True)
class DemoConsultation:
    """A consultation on a demo meeting's agenda item and its story."""

    meeting: str  # the meeting's title
    item: str  # words of the agenda item's title
    # What it is about: every comment on it uses one of these words, and none uses a word
    # of another demo consultation's subject.
    theme: tuple[str, ...]
    author: str  # the staff account (username) that prepared and moderated it
    title: str
    draft_text: str
    explanation: str
    other_channels: str | None = None
    short_period_reason: str | None = None
    # The period opens at 09:00 and closes at 17:30, these many days before the meeting.
    opens_before_meeting: int
    closes_before_meeting: int
    comments: tuple[DemoComment, ...]
    feedback: DemoFeedback | None = None
