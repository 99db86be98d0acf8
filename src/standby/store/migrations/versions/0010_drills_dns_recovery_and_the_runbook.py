"""Drills (a run, and the drill's mark on alerts, incidents and outbox messages, with the sink channel of
a dry run), the DNS recovery tracker (watches, resolver readings, the curve) and the runbook's targets.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 14:52:21.661459
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CHANNELS = "channel IN ('email', 'apprise', 'sink')"
OLD_CHANNELS = "channel IN ('email', 'apprise')"


def upgrade() -> None:
    op.create_table(
        "drill_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("sink", sa.JSON(), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=255), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_run")),
    )
    with op.batch_alter_table("drill_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drill_run_drill"), ["drill"], unique=False)

    op.create_table(
        "runbook_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("shown", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("attempted", sa.String(length=64), nullable=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runbook_target")),
        sa.UniqueConstraint("key", name=op.f("uq_runbook_target_key")),
    )
    op.create_table(
        "recovery_watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("right", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("at_latest", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parent_zone", sa.String(length=255), nullable=True),
        sa.Column("parent_ttl", sa.Integer(), nullable=True),
        sa.Column("posted", sa.Boolean(), nullable=False),
        sa.Column("lease_owner", sa.String(length=255), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_recovery_watch_incident_id_incident"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_watch")),
    )
    with op.batch_alter_table("recovery_watch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_watch_domain"), ["domain"], unique=False)
        batch_op.create_index("ix_recovery_watch_due", ["state", "next_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_recovery_watch_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "recovery_resolver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("region", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("flush", sa.Text(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("ttl_left", sa.Integer(), nullable=True),
        sa.Column("at_latest", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["recovery_watch.id"],
            name=op.f("fk_recovery_resolver_watch_id_recovery_watch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_resolver")),
        sa.UniqueConstraint("watch_id", "address", name="uq_recovery_resolver_watch_address"),
    )
    with op.batch_alter_table("recovery_resolver", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_resolver_watch_id"), ["watch_id"], unique=False)

    op.create_table(
        "recovery_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("right", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("unknown", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["recovery_watch.id"],
            name=op.f("fk_recovery_sample_watch_id_recovery_watch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_sample")),
    )
    with op.batch_alter_table("recovery_sample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_sample_watch_id"), ["watch_id"], unique=False)

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_run_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_alert_drill_run_id"), ["drill_run_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_alert_drill_run_id_drill_run"),
            "drill_run",
            ["drill_run_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_run_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_incident_drill_run_id"), ["drill_run_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_incident_drill_run_id_drill_run"),
            "drill_run",
            ["drill_run_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_run_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_message_drill_run_id"), ["drill_run_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_drill_run_id_drill_run"),
            "drill_run",
            ["drill_run_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(op.f("ck_outbox_message_channel"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_message_channel"), CHANNELS)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_message WHERE channel = 'sink'")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_message_channel"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_message_channel"), OLD_CHANNELS)
        batch_op.drop_constraint(batch_op.f("fk_outbox_message_drill_run_id_drill_run"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_message_drill_run_id"))
        batch_op.drop_column("drill_run_id")

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_incident_drill_run_id_drill_run"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_incident_drill_run_id"))
        batch_op.drop_column("drill_run_id")

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alert_drill_run_id_drill_run"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alert_drill_run_id"))
        batch_op.drop_column("drill_run_id")

    with op.batch_alter_table("recovery_sample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_sample_watch_id"))

    op.drop_table("recovery_sample")
    with op.batch_alter_table("recovery_resolver", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_resolver_watch_id"))

    op.drop_table("recovery_resolver")
    with op.batch_alter_table("recovery_watch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_watch_incident_id"))
        batch_op.drop_index("ix_recovery_watch_due")
        batch_op.drop_index(batch_op.f("ix_recovery_watch_domain"))

    op.drop_table("recovery_watch")
    op.drop_table("runbook_target")
    with op.batch_alter_table("drill_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drill_run_drill"))

    op.drop_table("drill_run")
