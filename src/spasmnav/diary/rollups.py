"""Per-person figures for the clinician's list, recomputed on every write to that diary.

The figures are the ones the person's own trends page shows (the same per-day sums and the
same trend test from :mod:`spasmnav.diary.analytics`), so the clinician's list never disagrees
with the diary. They are written in the transaction of the diary write that changed them; a
clinician's list then reads one small row per patient.

A write pays for this, so it is kept cheap: the per-day figures come from ``episode_days``
(the sums the database keeps on every episode write, one row a day) rather than from the
episodes, and the trend test is plain Python (:mod:`spasmnav.diary.purestats`), so a diary
write imports neither numpy nor SciPy. On PostgreSQL the rollup costs the write two round trips:
one call of ``spasmnav_rollup_inputs`` (revision 0006_a) locks the person's row and returns
everything the figures need in one row (the days as arrays), and one UPDATE writes them; the
portable statements below (lock, read, sessions when there are recent ones) serve SQLite, where
a statement costs a function call. ``spasmnav clinic refresh`` runs the same function; tests
check that the figures kept write by write equal the ones it computes from scratch and that
both readers give the same inputs (``tests/diary/test_rollup_inputs.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, true, update
from sqlalchemy.orm import Session

from .orm import (
    AssessmentRow,
    DayNoteRow,
    EpisodeDayRow,
    EpisodeRow,
    ExerciseSessionRow,
    MedicineIntakeRow,
    RollupRow,
    ScaleScoreRow,
)
from .rollup_figures import (
    ADHERENCE_DAYS,
    N_FACTS,
    RECENT_DAYS,
    URGENT_LEVELS,
    WINDOW_DAYS,
    Inputs,
    figures_of,
    inputs_from_rows,
)
from .rollup_figures import as_datetime as _as_datetime

__all__ = [
    "ADHERENCE_DAYS",
    "RECENT_DAYS",
    "URGENT_LEVELS",
    "WINDOW_DAYS",
    "Inputs",
    "read_inputs",
    "refresh",
]


_FIGURES = (
    "total_episodes",
    "recent_episodes",
    "trend",
    "trend_text",
    "worsening_since",
    "duration_days",
    "run_start",
    "sleep_day",
    "walking_day",
    "adherence_pct",
    "level",
    "level_at",
    "urgent_at",
    "last_entry_at",
    "updated_at",
)
_UPDATE = (
    update(RollupRow)
    .where(RollupRow.person_id == bindparam("row_person"))
    .values({name: bindparam(name) for name in _FIGURES})
    .execution_options(synchronize_session=False)
)
_NEW_ROW = {
    "person_id": bindparam("pid"),
    "updated_at": bindparam("now"),
    "total_episodes": 0,
    "recent_episodes": 0,
    "trend": "not_enough_data",
}
_LOCK = (
    select(RollupRow.worsening_since)
    .where(RollupRow.person_id == bindparam("pid"))
    .with_for_update()
)
_CREATE: dict[str, Any] = {}


def _create_statement(dialect: str) -> Any:
    """The insert of a person's empty row that does nothing when the row exists. Built on
    first use, so only the dialect of the database in use is ever imported."""
    if dialect not in _CREATE:
        if dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            made: Any = postgresql.insert(RollupRow)
        elif dialect == "sqlite":
            from sqlalchemy.dialects import sqlite

            made = sqlite.insert(RollupRow)
        else:  # pragma: no cover - other engines
            return None
        _CREATE[dialect] = made.values(_NEW_ROW).on_conflict_do_nothing()
    return _CREATE[dialect]


def _lock_row(s: Session, person_id: int, now: dt.datetime) -> dt.datetime | None:
    """Lock the person's rollup row for this transaction, creating it first if missing
    (without a race: two writers of one new diary both succeed); its ``worsening_since``.
    A diary written to before has its row, so this is one statement."""
    c = s.connection()
    params = {"pid": person_id, "now": now}
    found = c.execute(_LOCK, params).first()
    if found is None:
        create = _create_statement(c.dialect.name)
        if create is not None:
            c.execute(create, params)
        elif s.get(RollupRow, person_id) is None:  # pragma: no cover - other engines
            c.execute(insert(RollupRow).values(_NEW_ROW), params)
        found = c.execute(_LOCK, params).first()
    return _as_datetime(found[0]) if found else None


# Statements built once: a write's rollup costs a few small index lookups, not the
# construction of a dozen SELECTs in Python.
_PID: Any = bindparam("pid")
_SINCE: Any = bindparam("since")
_e = EpisodeRow
_d = EpisodeDayRow
# The kept per-day sums (one row a day), as the trends page reads them: the latest
# ``WINDOW_DAYS + 1`` rows hold every day of the window (no row is later than its end).
_LAST_DAYS = (
    select(_d.day, _d.episodes, _d.intensity_sum, _d.intensity_n, _d.sleep, _d.walking)
    .where(_d.person_id == _PID, _d.episodes > 0)
    .order_by(_d.day.desc())
    .limit(WINDOW_DAYS + 1)
    .subquery("last_days")
)
_NOTES = select(func.min(DayNoteRow.day), func.max(DayNoteRow.day)).where(
    DayNoteRow.person_id == _PID
)
_x = ExerciseSessionRow
_SESSIONS = (
    select(_x.done_at).where(_x.person_id == _PID, _x.done_at >= _SINCE).order_by(_x.done_at)
)
_LAST_SESSION = select(func.max(_x.done_at)).where(_x.person_id == _PID)
_LAST_INTAKE = select(func.max(MedicineIntakeRow.taken_at)).where(
    MedicineIntakeRow.person_id == _PID
)
_a = AssessmentRow
_URGENT = select(func.max(_a.assessed_at)).where(_a.person_id == _PID, _a.level.in_(URGENT_LEVELS))
# A clinician's Ashworth score is not the patient writing; their own Penn score is.
_LAST_SCALE = select(func.max(ScaleScoreRow.recorded_at)).where(
    ScaleScoreRow.person_id == _PID, ScaleScoreRow.recorded_by == "self"
)

_LATEST_LEVEL = (
    select(_a.level)
    .where(_a.person_id == _PID)
    .order_by(_a.assessed_at.desc(), _a.id.desc())
    .limit(1)
    .scalar_subquery()
)
_LATEST_AT = (
    select(_a.assessed_at)
    .where(_a.person_id == _PID)
    .order_by(_a.assessed_at.desc(), _a.id.desc())
    .limit(1)
    .scalar_subquery()
)
# Everything in one round trip (a write pays for each one): the facts, then the latest day
# rows beside them (one row with empty days when there are none). The count of episodes and
# the first day come from the kept sums (a row a day, not an episode).
_FACT_COLUMNS = (
    select(func.coalesce(func.sum(_d.episodes), 0))
    .where(_d.person_id == _PID, _d.episodes > 0)
    .scalar_subquery(),
    select(func.min(_d.day)).where(_d.person_id == _PID, _d.episodes > 0).scalar_subquery(),
    select(func.max(_e.started_at)).where(_e.person_id == _PID).scalar_subquery(),
    _NOTES.with_only_columns(func.min(DayNoteRow.day)).scalar_subquery(),
    _NOTES.with_only_columns(func.max(DayNoteRow.day)).scalar_subquery(),
    _LAST_SESSION.scalar_subquery(),
    _LAST_INTAKE.scalar_subquery(),
    _LATEST_LEVEL,
    _LATEST_AT,
    _URGENT.scalar_subquery(),
    _LAST_SCALE.scalar_subquery(),
)
assert len(_FACT_COLUMNS) == N_FACTS  # the figures read the facts in this order
_FACTS = select(*(q.label(f"fact_{i}") for i, q in enumerate(_FACT_COLUMNS))).subquery("facts")
_READ = select(_FACTS, _LAST_DAYS).select_from(_FACTS.outerjoin(_LAST_DAYS, true()))


# PostgreSQL: one call locks the person's row and reads everything (revision 0006_a).
_PG_INPUTS = text(
    "SELECT * FROM spasmnav_rollup_inputs(CAST(:pid AS integer), CAST(:now AS timestamp), "
    "CAST(:days AS integer), CAST(:sessions AS integer))"
)


def _inputs_pg(c: Any, person_id: int, now: dt.datetime) -> Inputs:
    row = c.execute(
        _PG_INPUTS,
        {"pid": person_id, "now": now, "days": WINDOW_DAYS + 1, "sessions": ADHERENCE_DAYS},
    ).one()
    (ws, total, first_day, last_started, note_first, note_last, last_session, last_intake) = row[:8]
    level, level_at, urgent_at, last_scale = row[8:12]
    # One tuple a day (days are unique), oldest first: the arrays come in no set order.
    days = (
        sorted(zip(row[12], row[13], row[14], row[15], row[16], row[17], strict=True))
        if row[12] is not None
        else []
    )
    return Inputs(
        worsening_since=ws,
        total=int(total),
        first_day=first_day,
        last_started=last_started,
        note_first=note_first,
        note_last=note_last,
        last_session=last_session,
        last_intake=last_intake,
        level=level,
        level_at=level_at,
        urgent_at=urgent_at,
        last_scale=last_scale,
        days=days,
        sessions=list(row[18]) if row[18] is not None else [],
    )


def _inputs_portable(s: Session, person_id: int, now: dt.datetime) -> Inputs:
    """The same with portable statements: the row locked (or made), then one read."""
    worsening_since = _lock_row(s, person_id, now)
    rows = s.connection().execute(_READ, {"pid": person_id}).all()
    return inputs_from_rows(rows, worsening_since=worsening_since)


def read_inputs(s: Session, *, person_id: int, now: dt.datetime, portable: bool = False) -> Inputs:
    """Lock the person's rollup row for this transaction (creating it when missing) and read
    what the rollup is computed from: one round trip on PostgreSQL, a few on SQLite (where
    they cost no more than function calls). ``portable`` forces the portable statements."""
    c = s.connection()
    if c.dialect.name == "postgresql" and not portable:
        return _inputs_pg(c, person_id, now)
    return _inputs_portable(s, person_id, now)


def refresh(s: Session, *, person_id: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """Recompute one person's rollup inside ``s`` (it sees the write it accompanies).

    The trend is the one the trends page computes (the same test over the same last
    ``TREND_WEEKS`` weeks up to the last entry); only the days of the last ``WINDOW_DAYS``
    are read, so the cost does not grow with the diary. A run of symptoms is therefore
    counted back at most ``WINDOW_DAYS`` days, far beyond the three weeks the alert needs.
    """
    now = now or dt.datetime.now().replace(microsecond=0)
    got = read_inputs(s, person_id=person_id, now=now)
    values = figures_of(got, now=now, sessions=lambda since: _sessions_since(s, person_id, since))
    # Core execution on the session's connection: the same transaction without the ORM's
    # per-statement bookkeeping.
    s.connection().execute(_UPDATE, {**values, "row_person": person_id})
    return values


def _sessions_since(s: Session, person_id: int, since: dt.datetime) -> list[dt.datetime]:
    found = s.connection().scalars(_SESSIONS, {"pid": person_id, "since": since})
    return [t for t in (_as_datetime(v) for v in found) if t is not None]
