"""Each monitor's phase in its interval, and each engine process's measure of its own load.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phase_ms", sa.Integer(), nullable=True))
    op.create_table(
        "engine_worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=255), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("probe_processes", sa.Integer(), nullable=False),
        sa.Column("checks_per_second", sa.Double(), nullable=False),
        sa.Column("start_delay_p99", sa.Double(), nullable=False),
        sa.Column("cpu_per_check_ms", sa.Double(), nullable=True),
        sa.Column("capacity", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_worker")),
        sa.UniqueConstraint("worker", name=op.f("uq_engine_worker_worker")),
    )


def downgrade() -> None:
    op.drop_table("engine_worker")
    with op.batch_alter_table("monitor", schema=None) as batch_op:
        batch_op.drop_column("phase_ms")
