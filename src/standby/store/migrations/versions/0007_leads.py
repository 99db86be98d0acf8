"""leads

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 14:06:07.817124
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_replay",
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("lease_owner", sa.String(length=255), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("blocked", sa.Text(), nullable=True),
        sa.Column("blocked_destination", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("form_id", name=op.f("pk_lead_replay")),
    )
    op.create_table(
        "lead_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=True),
        sa.Column("referrer", sa.Text(), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("remote_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_submission")),
        sa.UniqueConstraint("form_id", "idempotency_key", name="uq_lead_submission_form_key"),
        sa.UniqueConstraint("public_id", name=op.f("uq_lead_submission_public_id")),
    )
    with op.batch_alter_table("lead_submission", schema=None) as batch_op:
        batch_op.create_index("ix_lead_submission_form_state", ["form_id", "state", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lead_submission", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_submission_form_state")

    op.drop_table("lead_submission")
    op.drop_table("lead_replay")
