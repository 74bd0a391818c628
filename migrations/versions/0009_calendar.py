"""Calendar feeds: when a meeting or a consultation last changed publicly, and a
consultation's public revision (its events' LAST-MODIFIED, DTSTAMP and SEQUENCE)

Revision ID: 0009_calendar
Revises: 0008_live_photo_descriptions
Create Date: 2026-12-06 13:00:00

Existing rows get what their history says: a meeting, the approval of its latest public
change, else its announcement; a consultation, its approval and one revision more for each
extension in the audit log, last changed at the latest of them.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_calendar"
down_revision = "0008_live_photo_descriptions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revised_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("revised_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        """
        UPDATE meetings SET revised_at = COALESCE(
            (SELECT MAX(meeting_changes.published_at) FROM meeting_changes
             WHERE meeting_changes.meeting_id = meetings.id
               AND meeting_changes.review_state = 'approved'),
            meetings.published_at)
        WHERE meetings.review_state = 'approved'
        """
    )
    extensions = """FROM audit_entries
        WHERE audit_entries.action = 'consultation.extend'
          AND audit_entries.subject_type = 'Consultation'
          AND audit_entries.subject_id = consultations.id"""
    op.execute(
        f"""
        UPDATE consultations SET
            revision = 1 + (SELECT COUNT(*) {extensions}),
            revised_at = COALESCE((SELECT MAX(audit_entries.at) {extensions}), published_at)
        WHERE review_state = 'approved'
        """  # noqa: S608  (no value from outside)
    )


def downgrade():
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("revised_at")
        batch_op.drop_column("revision")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("revised_at")
