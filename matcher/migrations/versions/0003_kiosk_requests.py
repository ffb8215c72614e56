"""The kiosk's two tables, written only at the person's request: saved lists and contact requests.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_saved_lists",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("catalog_version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("program_ids", sa.Text(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=True),
    )
    op.create_index("ix_kiosk_saved_lists_expires_on", "kiosk_saved_lists", ["expires_on"])
    op.create_table(
        "kiosk_contact_requests",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("contact_method", sa.String(10), nullable=False),
        sa.Column("best_time", sa.String(100), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("program_id", sa.String(80), nullable=True),
        sa.Column("program_ids", sa.Text(), nullable=False),
        sa.Column("reference_code", sa.String(12), nullable=True),
        sa.Column("consent", sa.Text(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(100), nullable=True),
    )
    op.create_index("ix_kiosk_contact_requests_created_at", "kiosk_contact_requests", ["created_at"])
    op.create_index("ix_kiosk_contact_requests_expires_on", "kiosk_contact_requests", ["expires_on"])
    op.create_index("ix_kiosk_contact_requests_status", "kiosk_contact_requests", ["status"])


def downgrade() -> None:
    op.drop_index("ix_kiosk_contact_requests_status", table_name="kiosk_contact_requests")
    op.drop_index("ix_kiosk_contact_requests_expires_on", table_name="kiosk_contact_requests")
    op.drop_index("ix_kiosk_contact_requests_created_at", table_name="kiosk_contact_requests")
    op.drop_table("kiosk_contact_requests")
    op.drop_index("ix_kiosk_saved_lists_expires_on", table_name="kiosk_saved_lists")
    op.drop_table("kiosk_saved_lists")
