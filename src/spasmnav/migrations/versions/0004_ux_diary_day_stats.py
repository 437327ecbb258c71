"""Per-day episode statistics kept by the database itself, so trends read one row a day.

``episode_days`` holds, for each person and calendar day with episodes, the sums the trends
need (count, intensity, sleep, walking, each trigger, each kind). Triggers on ``episodes``
keep it exact on every insert, update and delete, whoever writes (the store, an import, plain
SQL), so a person's trends over a million episodes read about 1,800 rows instead of scanning
the million (1 s before, a few milliseconds after). The cost is paid at write time: each
episode written also updates its day's row.

Revision ID: 0004_ux_diary
Revises: 0004_clinic
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_ux_diary"
down_revision: str | None = "0004_clinic"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (not imported from the models) so the migration never changes after release.
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
KINDS = ("twitch", "cramp", "spasm", "tremor", "stiffness")
COUNTS = (
    "episodes",
    "intensity_sum",
    "intensity_n",
    "sleep",
    "walking",
    *(f"trigger_{t}" for t in TRIGGERS),
    *(f"kind_{k}" for k in KINDS),
)


def _terms(row: str, *, pg: bool) -> list[str]:
    """What one episode row adds to each count of its day, in column order."""

    def flag(column: str) -> str:
        return f"CAST({row}.{column} AS INTEGER)" if pg else f"({row}.{column} != 0)"

    return [
        "1",
        f"COALESCE({row}.intensity, 0)",
        f"CASE WHEN {row}.intensity IS NULL THEN 0 ELSE 1 END",
        flag("disturbs_sleep"),
        flag("disturbs_walking"),
        *(flag(f"trigger_{t}") for t in TRIGGERS),
        *(f"CASE WHEN {row}.kind = '{k}' THEN 1 ELSE 0 END" for k in KINDS),
    ]


def _take(row: str, *, pg: bool) -> str:
    """Take one episode row away from its day. An UPDATE, not an upsert: when the person is
    being removed, the day's row may be gone already (cascade), and nothing must be made."""
    sets = ", ".join(
        f"{c} = {c} - ({term})" for c, term in zip(COUNTS, _terms(row, pg=pg), strict=True)
    )
    return f"UPDATE episode_days SET {sets} WHERE person_id = {row}.person_id AND day = {row}.day;"


def _apply(row: str, sign: str, *, pg: bool) -> str:
    """Add one episode row to its day."""
    values = ", ".join(f"{sign}({term})" for term in _terms(row, pg=pg))
    updates = ", ".join(f"{c} = episode_days.{c} + excluded.{c}" for c in COUNTS)
    return (
        f"INSERT INTO episode_days (person_id, day, {', '.join(COUNTS)}) "
        f"VALUES ({row}.person_id, {row}.day, {values}) "
        f"ON CONFLICT (person_id, day) DO UPDATE SET {updates};"
    )


def _drop_empty(row: str) -> str:
    return (
        f"DELETE FROM episode_days WHERE person_id = {row}.person_id AND day = {row}.day "
        "AND episodes <= 0;"
    )


def upgrade() -> None:
    op.create_table(
        "episode_days",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False, server_default="0") for c in COUNTS),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_episode_days_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "day", name="pk_episode_days"),
    )
    pg = op.get_bind().dialect.name == "postgresql"
    sums = ", ".join(f"SUM({term})" for term in _terms("e", pg=pg))
    op.execute(
        f"INSERT INTO episode_days (person_id, day, {', '.join(COUNTS)}) "
        f"SELECT e.person_id, e.day, {sums} FROM episodes e GROUP BY e.person_id, e.day"
    )
    if pg:
        op.execute(
            "CREATE FUNCTION episode_days_keep() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP IN ('DELETE', 'UPDATE') THEN\n"
            f"    {_take('OLD', pg=True)}\n"
            f"    {_drop_empty('OLD')}\n"
            "  END IF;\n"
            "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
            f"    {_apply('NEW', '', pg=True)}\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
        op.execute(
            "CREATE TRIGGER episode_days_keep AFTER INSERT OR UPDATE OR DELETE ON episodes "
            "FOR EACH ROW EXECUTE FUNCTION episode_days_keep()"
        )
        return
    op.execute(
        f"CREATE TRIGGER episode_days_insert AFTER INSERT ON episodes BEGIN "
        f"{_apply('NEW', '', pg=False)} END"
    )
    op.execute(
        f"CREATE TRIGGER episode_days_delete AFTER DELETE ON episodes BEGIN "
        f"{_take('OLD', pg=False)} {_drop_empty('OLD')} END"
    )
    op.execute(
        f"CREATE TRIGGER episode_days_update AFTER UPDATE ON episodes BEGIN "
        f"{_take('OLD', pg=False)} {_drop_empty('OLD')} {_apply('NEW', '', pg=False)} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS episode_days_keep ON episodes")
        op.execute("DROP FUNCTION IF EXISTS episode_days_keep()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS episode_days_{name}")
    op.drop_table("episode_days")
