"""The clinic: roles, shares by one-time code, the access log, alert acknowledgements, rollups.

Owned by the web app (spasmnav.web.accounts, spasmnav.web.clinic) and the diary
(spasmnav.diary.orm.RollupRow, kept up to date on every diary write).

Revision ID: 0004_clinic
Revises: 0004_security
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_clinic"
down_revision: str | None = "0004_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="patient")
        )
        batch.add_column(sa.Column("display_name", sa.String(length=200), nullable=True))
    op.create_table(
        "clinic_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("patient_label", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_clinic_shares_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["users.id"],
            name="fk_clinic_shares_clinician_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_clinic_shares"),
        sa.UniqueConstraint("code_hash", name="uq_clinic_shares_code_hash"),
    )
    op.create_index(
        "ix_clinic_shares_clinician_id_revoked_at",
        "clinic_shares",
        ["clinician_id", "revoked_at"],
    )
    op.create_index("ix_clinic_shares_person_id", "clinic_shares", ["person_id"])
    op.create_table(
        "clinic_access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("clinician_name", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_clinic_access_log_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["users.id"],
            name="fk_clinic_access_log_clinician_id_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_clinic_access_log"),
    )
    op.create_index("ix_clinic_access_log_person_id_at", "clinic_access_log", ["person_id", "at"])
    op.create_table(
        "clinic_alert_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("alert", sa.String(length=24), nullable=False),
        sa.Column("acked_at", sa.DateTime(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("clinician_name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_clinic_alert_acks_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["users.id"],
            name="fk_clinic_alert_acks_clinician_id_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_clinic_alert_acks"),
    )
    op.create_index(
        "ix_clinic_alert_acks_person_id_alert_acked_at",
        "clinic_alert_acks",
        ["person_id", "alert", "acked_at"],
    )
    op.create_table(
        "patient_rollups",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_entry_at", sa.DateTime(), nullable=True),
        sa.Column("total_episodes", sa.Integer(), nullable=False),
        sa.Column("recent_episodes", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("level_at", sa.DateTime(), nullable=True),
        sa.Column("urgent_at", sa.DateTime(), nullable=True),
        sa.Column("trend", sa.String(length=24), nullable=False),
        sa.Column("trend_text", sa.Text(), nullable=True),
        sa.Column("worsening_since", sa.DateTime(), nullable=True),
        sa.Column("duration_days", sa.Integer(), nullable=True),
        sa.Column("run_start", sa.Date(), nullable=True),
        sa.Column("sleep_day", sa.Date(), nullable=True),
        sa.Column("walking_day", sa.Date(), nullable=True),
        sa.Column("adherence_pct", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_patient_rollups_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_patient_rollups"),
    )


def downgrade() -> None:
    op.drop_table("patient_rollups")
    op.drop_index("ix_clinic_alert_acks_person_id_alert_acked_at", table_name="clinic_alert_acks")
    op.drop_table("clinic_alert_acks")
    op.drop_index("ix_clinic_access_log_person_id_at", table_name="clinic_access_log")
    op.drop_table("clinic_access_log")
    op.drop_index("ix_clinic_shares_person_id", table_name="clinic_shares")
    op.drop_index("ix_clinic_shares_clinician_id_revoked_at", table_name="clinic_shares")
    op.drop_table("clinic_shares")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("display_name")
        batch.drop_column("role")
