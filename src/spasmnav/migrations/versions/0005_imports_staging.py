"""Imports in short transactions: staged rows, invisible until one transaction publishes them.

``imports`` holds one row per import in progress (its person, host, process id, heartbeat);
``import_rows`` its validated records, written a few thousand per transaction so other writers
(the web app) interleave with a long import instead of waiting for it. Readers read the record
tables only, so nothing staged is visible; a final transaction copies the staged rows into the
record tables (the ``episode_days`` triggers fire there) and marks the import published. The
staged rows of a published or abandoned (killed) import are removed in batches afterwards.

Owned by the diary (spasmnav.diary.store, Store.import_records).

Revision ID: 0005_imports
Revises: 0004_ux_diary
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_imports"
down_revision: str | None = "0004_ux_diary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = (
    "caffeine",
    "alcohol",
    "stress",
    "poor_sleep",
    "exertion",
    "long_standing",
    "cold",
    "heat",
)


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_imports_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )
    # Frozen copies of the record tables' columns (all nullable), as they are at this revision.
    op.create_table(
        "import_rows",
        sa.Column("import_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tbl", sa.String(length=24), nullable=False),
        sa.Column("src_uid", sa.String(length=36), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("leg", sa.String(length=8), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("intensity", sa.Integer(), nullable=True),
        sa.Column("helped", sa.Text(), nullable=True),
        sa.Column("disturbs_sleep", sa.Boolean(), nullable=True),
        sa.Column("disturbs_walking", sa.Boolean(), nullable=True),
        *(sa.Column(f"trigger_{t}", sa.Boolean(), nullable=True) for t in _TRIGGERS),
        sa.Column("uid", sa.String(length=36), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("exercise_id", sa.String(length=64), nullable=True),
        sa.Column("repetitions", sa.Integer(), nullable=True),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("amount", sa.String(length=200), nullable=True),
        sa.Column("assessed_at", sa.DateTime(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.Column("scale", sa.String(length=16), nullable=True),
        sa.Column("score", sa.String(length=4), nullable=True),
        sa.Column("recorded_by", sa.String(length=16), nullable=True),
        sa.Column("muscle", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name="fk_import_rows_import_id_imports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "seq", name="pk_import_rows"),
        sa.UniqueConstraint("import_id", "src_uid", name="uq_import_rows_import_id_src_uid"),
    )


def downgrade() -> None:
    op.drop_table("import_rows")
    op.drop_table("imports")
