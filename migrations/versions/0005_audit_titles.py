"""Audit entries keep the subject's title, not an English sentence: strip the prefixes
earlier versions wrote ("Created meeting draft: …"), so old entries read in the reader's
language too (the page puts the action's label before the title)

Revision ID: 0005_audit_titles
Revises: 0004_staff_sessions
Create Date: 2026-12-06 10:00:00

Data only; the schema does not change. The patterns are the sentences versions up to
0004 wrote, frozen here: the code that wrote them is gone. A summary that matches none
is left as it is (the page shows it after the action's label).
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_audit_titles"
down_revision = "0004_staff_sessions"
branch_labels = None
depends_on = None

BATCH = 1000

# action -> (the sentence, how the title is made from its parts)
SENTENCES = {
    "staff.create": (r"Created account (?P<name>\S+) \(\w+\)", "{name}"),
    "staff.update": (r"Updated account (?P<name>.+)", "{name}"),
    "staff.disable": (r"Disabled account (?P<name>.+)", "{name}"),
    "staff.enable": (r"Enabled account (?P<name>.+)", "{name}"),
    "staff.reset_password": (r"Reset password of (?P<name>.+)", "{name}"),
    "staff.login": (r"(?P<name>.+) signed in", "{name}"),
    "review.submit": (r"Submitted for review: (?P<title>.+)", "{title}"),
    "review.approve": (r"Approved and published: (?P<title>.+)", "{title}"),
    "review.return": (r"Returned for changes: (?P<title>.+)", "{title}"),
    "body.create": (r"Created body (?P<title>.+)", "{title}"),
    "body.update": (r"Updated body (?P<title>.+)", "{title}"),
    "meeting.create": (r"Created meeting draft: (?P<title>.+)", "{title}"),
    "meeting.update": (r"Edited meeting draft: (?P<title>.+)", "{title}"),
    "meeting_change.propose": (r"Proposed \w+ for (?P<title>.+)", "{title}"),
    "meeting_change.withdraw": (r"Withdrew proposed \w+ for (?P<title>.+)", "{title}"),
    "agenda.add": (r"Added agenda item to (?P<meeting>.+?): (?P<item>.+)", "{meeting} · {item}"),
    "agenda.update": (r"Edited agenda item: (?P<title>.+)", "{title}"),
    "agenda.delete": (
        r"Deleted agenda item from (?P<meeting>.+?): (?P<item>.+)",
        "{meeting} · {item}",
    ),
    "agenda.move": (r"Moved agenda item (?:up|down): (?P<title>.+)", "{title}"),
    "document.attach": (r"Attached (?P<file>.+?) to (?P<item>.+)", "{item} · {file}"),
    "live.post": (r"Posted live update on (?P<title>.+)", "{title}"),
    "consultation.create": (r"Prepared consultation: (?P<title>.+)", "{title}"),
    "consultation.update": (r"Edited consultation: (?P<title>.+)", "{title}"),
    "consultation.extend": (r"Extended consultation: (?P<title>.+)", "{title}"),
    "consultation.open_at_approval": (r"Opened at approval: (?P<title>.+)", "{title}"),
    "consultation.attach": (r"Attached (?P<file>.+?) to (?P<title>.+)", "{title} · {file}"),
    "comment.receive": (r"Comment (?P<receipt>\S+) received on (?P<title>.+)", "{title} · {receipt}"),
    "comment.enter": (r"Entered comment (?P<receipt>\S+) received by (?P<channel>\w+)", "{receipt}"),
    "comment.publish": (r"Published comment (?P<receipt>\S+)", "{receipt}"),
    "comment.reject": (r"Rejected comment (?P<receipt>\S+)", "{receipt}"),
    "comment.answer": (r"Answered comment (?P<receipt>\S+)", "{receipt}"),
    "feedback.save": (r"Saved feedback report for (?P<title>.+)", "{title}"),
    "comment.purge_personal_data": (
        r"Deleted personal data of (?P<count>\d+) comments after the retention period",
        "",
    ),
}
# Sentences without a title: the live update's meeting gives it.
LIVE_UPDATE_SENTENCES = {
    "live.correct": "Corrected a live update",
    "live.withdraw": "Withdrew a live update",
}

audit_entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("summary", sa.String),
    sa.column("after", sa.JSON),
)
live_updates = sa.table("live_updates", sa.column("id", sa.Integer), sa.column("meeting_id", sa.Integer))
meetings = sa.table("meetings", sa.column("id", sa.Integer), sa.column("title", sa.String))


def rewritten(action, summary, after, live_title=""):
    """The new values of one entry (summary, and `after` when the sentence said more than
    the title), or None when it stays as it is."""
    if action in LIVE_UPDATE_SENTENCES:
        return {"summary": live_title} if summary == LIVE_UPDATE_SENTENCES[action] else None
    pattern, template = SENTENCES[action]
    match = re.fullmatch(pattern, summary or "", flags=re.DOTALL)
    if match is None:
        return None
    parts = match.groupdict()
    values = {"summary": template.format(**parts)[:300]}
    # What the sentence said beyond the title moves to `after`, where it is labelled.
    if action == "comment.enter" and after is None:
        values["after"] = {"channel": parts["channel"]}
    if action == "comment.purge_personal_data" and after is None:
        values["after"] = {"comments_purged": int(parts["count"])}
    return values


def upgrade():
    connection = op.get_bind()
    actions = [*SENTENCES, *LIVE_UPDATE_SENTENCES]
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(
                audit_entries.c.id,
                audit_entries.c.action,
                audit_entries.c.subject_id,
                audit_entries.c.summary,
                audit_entries.c.after,
            )
            .where(audit_entries.c.action.in_(actions), audit_entries.c.id > last_id)
            .order_by(audit_entries.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        live_ids = {row.subject_id for row in rows if row.action in LIVE_UPDATE_SENTENCES}
        titles = dict(
            connection.execute(
                sa.select(live_updates.c.id, meetings.c.title)
                .join(meetings, meetings.c.id == live_updates.c.meeting_id)
                .where(live_updates.c.id.in_(live_ids))
            ).all()
        ) if live_ids else {}
        for row in rows:
            values = rewritten(
                row.action, row.summary, row.after, titles.get(row.subject_id, "")
            )
            if values is not None:
                connection.execute(
                    audit_entries.update().where(audit_entries.c.id == row.id).values(**values)
                )


def downgrade():
    # Nothing to undo: earlier versions show a title where they showed a sentence.
    pass
