"""The outcome history (referrals, enrollments, outcomes, imports), and the link from a kiosk contact request
to the participant it became.

The history tables were created on first use by ``HistoryStore`` before this revision existed (issue 8),
so a table already there is taken over as it is (same columns: the model it was made from is this one).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _schema() -> str | None:
    # ALTER TABLE statements name their table as text, which the connection's schema_translate_map does not
    # reach (CREATE TABLE and CREATE INDEX get it from their Table objects): they are given the schema here.
    schema: str | None = op.get_context().version_table_schema
    return schema


def _existing() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names(schema=_schema()))


def upgrade() -> None:
    existing = _existing()
    if "history_participants" not in existing:
        op.create_table(
            "history_participants",
            sa.Column("id", sa.String(80), primary_key=True),
            sa.Column("profile", sa.Text(), nullable=False),
            sa.Column("demographics", sa.Text(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        )
    if "history_enrollments" not in existing:
        op.create_table(
            "history_enrollments",
            sa.Column("id", sa.String(80), primary_key=True),
            sa.Column("participant_id", sa.String(80),
                      sa.ForeignKey("history_participants.id", ondelete="CASCADE"), nullable=False),
            sa.Column("program_id", sa.String(80), nullable=False),
            sa.Column("training_type", sa.String(2), nullable=True),
            sa.Column("referred_on", sa.Date(), nullable=True),
            sa.Column("entry_date", sa.Date(), nullable=True),
            sa.Column("exit_date", sa.Date(), nullable=True),
            sa.Column("considered", sa.Text(), nullable=False),
            sa.Column("recommended_rank", sa.Integer(), nullable=True),
            sa.Column("override_reason", sa.String(40), nullable=True),
            sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_history_enrollments_participant_id", "history_enrollments", ["participant_id"])
        op.create_index("ix_history_enrollments_program_id", "history_enrollments", ["program_id"])
        op.create_index("ix_history_enrollments_entry_date", "history_enrollments", ["entry_date"])
    if "history_outcomes" not in existing:
        op.create_table(
            "history_outcomes",
            sa.Column("enrollment_id", sa.String(80),
                      sa.ForeignKey("history_enrollments.id", ondelete="CASCADE"), primary_key=True),
            sa.Column("data", sa.Text(), nullable=False),
            sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        )
    if "history_imports" not in existing:
        op.create_table(
            "history_imports",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("source", sa.String(500), nullable=False),
            sa.Column("participants", sa.Integer(), nullable=False),
            sa.Column("enrollments", sa.Integer(), nullable=False),
            sa.Column("outcomes", sa.Integer(), nullable=False),
            sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        )
    with op.batch_alter_table("kiosk_contact_requests", schema=_schema()) as batch:
        batch.add_column(sa.Column("participant_id", sa.String(80), nullable=True))
        batch.create_index("ix_kiosk_contact_requests_participant_id", ["participant_id"])


def downgrade() -> None:
    with op.batch_alter_table("kiosk_contact_requests", schema=_schema()) as batch:
        batch.drop_index("ix_kiosk_contact_requests_participant_id")
        batch.drop_column("participant_id")
    op.drop_table("history_imports")
    op.drop_table("history_outcomes")
    op.drop_index("ix_history_enrollments_entry_date", table_name="history_enrollments")
    op.drop_index("ix_history_enrollments_program_id", table_name="history_enrollments")
    op.drop_index("ix_history_enrollments_participant_id", table_name="history_enrollments")
    op.drop_table("history_enrollments")
    op.drop_table("history_participants")
