"""Government open days: the days with their itineraries, registrations (places counted
in the open day's row under a CHECK, one per phone), feedback; and text messages in the
outbox

Revision ID: 0010_open_days
Revises: 0009_calendar
Create Date: 2026-12-06 09:55:36
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_open_days"
down_revision = "0009_calendar"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "text_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_messages")),
    )
    with op.batch_alter_table("text_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_text_messages_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "open_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("meeting_point", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("registration_opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registration_closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("first_come", "lottery", name="mode", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("eligibility", sa.Text(), nullable=True),
        sa.Column("id_required", sa.Boolean(), nullable=False),
        sa.Column("accessibility", sa.Text(), nullable=True),
        sa.Column("simulated_meeting", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("revised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("original_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("postpone_reason", sa.Text(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("draw_seed", sa.String(length=64), nullable=True),
        sa.Column("draw_seed_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "review_state",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "returned",
                name="reviewstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_open_days_capacity")),
        sa.CheckConstraint("taken >= 0 AND taken <= capacity", name=op.f("ck_open_days_places")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_open_days_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_open_days_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_days")),
    )
    with op.batch_alter_table("open_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_open_days_public_start", ["review_state", "starts_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_open_days_review_state"), ["review_state"], unique=False
        )

    op.create_table(
        "open_day_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("open_day_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "confirmed",
                "waitlisted",
                "applied",
                "selected",
                "not_selected",
                "cancelled",
                "attended",
                "no_show",
                name="status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_seed", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("draw_rank", sa.Integer(), nullable=True),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback_invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "district_head",
                "deputy_head",
                "department_head",
                "recorder",
                name="role",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["open_day_id"],
            ["open_days.id"],
            name=op.f("fk_open_day_registrations_open_day_id_open_days"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_day_registrations")),
        sa.UniqueConstraint("open_day_id", "phone", name="uq_open_day_registrations_one_per_phone"),
        sa.UniqueConstraint(
            "submission_key", name=op.f("uq_open_day_registrations_submission_key")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_open_day_registrations_token_hash")),
    )
    with op.batch_alter_table("open_day_registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_open_day_registrations_day_status", ["open_day_id", "status"], unique=False
        )

    op.create_table(
        "open_day_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("open_day_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["open_day_id"], ["open_days.id"], name=op.f("fk_open_day_stops_open_day_id_open_days")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_day_stops")),
    )
    with op.batch_alter_table("open_day_stops", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open_day_stops_open_day_id"), ["open_day_id"], unique=False
        )

    op.create_table(
        "open_day_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("open_day_id", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column("good", sa.Text(), nullable=True),
        sa.Column("suggestions", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["open_day_id"],
            ["open_days.id"],
            name=op.f("fk_open_day_feedback_open_day_id_open_days"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["open_day_registrations.id"],
            name=op.f("fk_open_day_feedback_registration_id_open_day_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_day_feedback")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_open_day_feedback_registration_id")),
    )
    with op.batch_alter_table("open_day_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open_day_feedback_open_day_id"), ["open_day_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("open_day_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_day_feedback_open_day_id"))

    op.drop_table("open_day_feedback")
    with op.batch_alter_table("open_day_stops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_day_stops_open_day_id"))

    op.drop_table("open_day_stops")
    with op.batch_alter_table("open_day_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_open_day_registrations_day_status")

    op.drop_table("open_day_registrations")
    with op.batch_alter_table("open_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_days_review_state"))
        batch_op.drop_index("ix_open_days_public_start")

    op.drop_table("open_days")
    with op.batch_alter_table("text_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_text_messages_sent_at"))

    op.drop_table("text_messages")
