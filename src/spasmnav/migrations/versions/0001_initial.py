"""Initial diary schema: people, profiles, episodes, day notes, exercises, medicines, assessments.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = (
    "caffeine",
    "alcohol",
    "stress",
    "poor_sleep",
    "exertion",
    "long_standing",
    "cold",
    "heat",
)


def _record(table: str) -> list[SchemaItem]:
    """The columns and constraints every diary record has."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=f"fk_{table}_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.UniqueConstraint("uid", name=f"uq_{table}_uid"),
    ]


def _triggers() -> list[SchemaItem]:
    return [sa.Column(f"trigger_{t}", sa.Boolean(), nullable=False) for t in TRIGGERS]


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("key", name="uq_people_key"),
    )
    op.create_table(
        "profiles",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("stroke_date", sa.Date(), nullable=True),
        sa.Column("diabetes", sa.Boolean(), nullable=True),
        sa.Column("thyroid_surgery", sa.Boolean(), nullable=True),
        sa.Column("pregnancy", sa.Boolean(), nullable=True),
        sa.Column("diuretics", sa.Boolean(), nullable=True),
        sa.Column("medicines", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_profiles_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_profiles"),
    )
    op.create_table(
        "episodes",
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("leg", sa.String(length=8), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("intensity", sa.Integer(), nullable=True),
        sa.Column("helped", sa.Text(), nullable=True),
        sa.Column("disturbs_sleep", sa.Boolean(), nullable=False),
        sa.Column("disturbs_walking", sa.Boolean(), nullable=False),
        *_triggers(),
        *_record("episodes"),
        sa.CheckConstraint(
            "duration_seconds IS NULL OR duration_seconds >= 0", name="ck_episodes_duration"
        ),
        sa.CheckConstraint(
            "intensity IS NULL OR (intensity >= 0 AND intensity <= 10)",
            name="ck_episodes_intensity",
        ),
    )
    op.create_index("ix_episodes_person_day", "episodes", ["person_id", "day"])
    op.create_table(
        "day_notes",
        sa.Column("day", sa.Date(), nullable=False),
        *_triggers(),
        *_record("day_notes"),
        sa.UniqueConstraint("person_id", "day", name="uq_day_notes_person_id_day"),
    )
    op.create_table(
        "exercise_sessions",
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("repetitions", sa.Integer(), nullable=True),
        sa.Column("sets", sa.Integer(), nullable=True),
        *_record("exercise_sessions"),
    )
    op.create_index(
        "ix_exercise_sessions_person_done", "exercise_sessions", ["person_id", "done_at"]
    )
    op.create_table(
        "medicine_intakes",
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.String(length=200), nullable=True),
        *_record("medicine_intakes"),
    )
    op.create_index(
        "ix_medicine_intakes_person_taken", "medicine_intakes", ["person_id", "taken_at"]
    )
    op.create_table(
        "assessments",
        sa.Column("assessed_at", sa.DateTime(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        *_record("assessments"),
    )
    op.create_index("ix_assessments_person_at", "assessments", ["person_id", "assessed_at"])


def downgrade() -> None:
    for table in (
        "assessments",
        "medicine_intakes",
        "exercise_sessions",
        "day_notes",
        "episodes",
        "profiles",
        "people",
    ):
        op.drop_table(table)
