"""Say only what is true: an update's public text apart from its internal fields; alerts tied to the
alert whose cause explains them; Standby's own sight per host. The incident's first-word times are
dropped: who heard, and when, is read from what the outbox delivered.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 10:12:40.118702
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_text", sa.Text(), nullable=False, server_default=""))
    # What the page showed of earlier updates: their first field. Outsiders read nothing new.
    op.execute("UPDATE incident_update SET public_text = what_we_know")
    with op.batch_alter_table("incident_update", schema=None) as batch_op:
        batch_op.alter_column("public_text", server_default=None)

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("first_internal_at")
        batch_op.drop_column("first_public_at")

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("root_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_alert_root_id"), ["root_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_alert_root_id_alert"), "alert", ["root_id"], ["id"], ondelete="SET NULL"
        )

    op.create_table(
        "engine_sight",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("observed", sa.String(length=16), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("streak_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_sight")),
        sa.UniqueConstraint("host", name=op.f("uq_engine_sight_host")),
    )


def downgrade() -> None:
    op.drop_table("engine_sight")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alert_root_id_alert"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alert_root_id"))
        batch_op.drop_column("root_id")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_public_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_internal_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("incident_update", schema=None) as batch_op:
        batch_op.drop_column("public_text")
