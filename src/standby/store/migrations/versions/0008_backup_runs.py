"""Scheduled backups: one row per attempt at a scheduled time, the claim and lease of its run.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 15:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backup_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("backup", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("worker", sa.String(length=255), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("snapshot", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_run")),
        sa.UniqueConstraint("backup", "slot", "attempt", name="uq_backup_run_attempt"),
    )
    with op.batch_alter_table("backup_run", schema=None) as batch_op:
        batch_op.create_index("ix_backup_run_latest", ["backup", "slot"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("backup_run", schema=None) as batch_op:
        batch_op.drop_index("ix_backup_run_latest")
    op.drop_table("backup_run")
