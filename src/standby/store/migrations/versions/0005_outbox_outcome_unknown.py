"""The outbox knows when a message was handed over (its point of no return) and that its outcome may
be unknown: a state for it, and a flag on the attempt.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATES = "state IN ('pending', 'sending', 'sent', 'failed', 'unknown')"
OLD_STATES = "state IN ('pending', 'sending', 'sent', 'failed')"


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True))
        batch.drop_constraint(op.f("ck_outbox_message_state"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_message_state"), STATES)
    with op.batch_alter_table("outbox_attempt") as batch:
        batch.add_column(sa.Column("unknown", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.alter_column("unknown", server_default=None)


def downgrade() -> None:
    op.execute("UPDATE outbox_message SET state = 'pending' WHERE state = 'unknown'")
    with op.batch_alter_table("outbox_attempt") as batch:
        batch.drop_column("unknown")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_constraint(op.f("ck_outbox_message_state"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_message_state"), OLD_STATES)
        batch.drop_column("handed_over_at")
