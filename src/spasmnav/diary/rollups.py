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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, true, update
from sqlalchemy.orm import Session

from .analytics import DayAggregate, adherence, symptom_duration_days, trend
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

__all__ = [
    "ADHERENCE_DAYS",
    "RECENT_DAYS",
    "URGENT_LEVELS",
    "WINDOW_DAYS",
    "Inputs",
    "figures",
    "read_inputs",
    "refresh",
]

RECENT_DAYS = 28
WINDOW_DAYS = 180
ADHERENCE_DAYS = 14
URGENT_LEVELS = ("urgent", "emergency")


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
_N_FACTS = len(_FACT_COLUMNS)
_FACTS = select(*(q.label(f"fact_{i}") for i, q in enumerate(_FACT_COLUMNS))).subquery("facts")
_READ = select(_FACTS, _LAST_DAYS).select_from(_FACTS.outerjoin(_LAST_DAYS, true()))


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a person's rollup is computed from, as one read gives it (both engines)."""

    worsening_since: dt.datetime | None
    total: int
    first_day: dt.date | None
    last_started: dt.datetime | None
    note_first: dt.date | None
    note_last: dt.date | None
    last_session: dt.datetime | None
    last_intake: dt.datetime | None
    level: str | None
    level_at: dt.datetime | None
    urgent_at: dt.datetime | None
    last_scale: dt.datetime | None
    # The latest ``WINDOW_DAYS + 1`` days with episodes, oldest first: (day, episodes,
    # intensity_sum, intensity_n, sleep, walking).
    days: list[tuple[dt.date, int, int, int, int, int]]
    # Every exercise session since ``ADHERENCE_DAYS - 1`` days before the last one's day,
    # oldest first (None: read them when needed, as the portable reader does).
    sessions: list[dt.datetime] | None


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
    c = s.connection()
    rows = c.execute(_READ, {"pid": person_id}).all()
    (
        total,
        first_day,
        last_started,
        note_first,
        note_last,
        last_session,
        last_intake,
        level,
        level_at,
        urgent_at,
        last_scale,
    ) = rows[0][:_N_FACTS]
    days = [
        (
            day,
            int(r[_N_FACTS + 1]),
            int(r[_N_FACTS + 2]),
            int(r[_N_FACTS + 3]),
            int(r[_N_FACTS + 4]),
            int(r[_N_FACTS + 5]),
        )
        for r in reversed(rows)
        if (day := _as_date(r[_N_FACTS])) is not None
    ]
    return Inputs(
        worsening_since=worsening_since,
        total=int(total) if total else 0,
        first_day=_as_date(first_day),
        last_started=_as_datetime(last_started),
        note_first=_as_date(note_first),
        note_last=_as_date(note_last),
        last_session=_as_datetime(last_session),
        last_intake=_as_datetime(last_intake),
        level=level,
        level_at=_as_datetime(level_at),
        urgent_at=_as_datetime(urgent_at),
        last_scale=_as_datetime(last_scale),
        days=days,
        sessions=None,
    )


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
    values = figures(got, now=now, sessions=lambda since: _sessions_since(s, person_id, since))
    # Core execution on the session's connection: the same transaction without the ORM's
    # per-statement bookkeeping.
    s.connection().execute(_UPDATE, {**values, "row_person": person_id})
    return values


def _sessions_since(s: Session, person_id: int, since: dt.datetime) -> list[dt.datetime]:
    found = s.connection().scalars(_SESSIONS, {"pid": person_id, "since": since})
    return [t for t in (_as_datetime(v) for v in found) if t is not None]


def figures(
    got: Inputs,
    *,
    now: dt.datetime,
    sessions: Callable[[dt.datetime], list[dt.datetime]],
) -> dict[str, Any]:
    """The rollup's figures from its inputs (plain Python: the trends page's own functions).
    ``sessions(since)`` reads the exercise sessions from ``since`` on when ``got`` does not
    hold them."""
    last_session = got.last_session
    firsts = [d for d in (got.first_day, got.note_first) if d is not None]
    start = min(firsts) if firsts else None
    lasts = [
        d
        for d in (
            _as_date(got.last_started),
            got.note_last,
            _as_date(last_session),
            _as_date(got.last_intake),
        )
        if d is not None
    ]
    end = max(lasts) if lasts and start is not None else None
    days: list[DayAggregate] = []
    found: list[dt.datetime] = []
    if end is not None:
        since = end - dt.timedelta(days=WINDOW_DAYS)
        days = [DayAggregate(*r) for r in got.days if r[0] >= since]
        window = dt.datetime.combine(end - dt.timedelta(days=ADHERENCE_DAYS - 1), dt.time())
        if last_session is not None and last_session >= window:  # else none to read
            if got.sessions is None:
                found = sessions(window)
            else:
                found = [t for t in got.sessions if t >= window]
    tr = trend(days, start=start, end=end)
    recent_lo = end - dt.timedelta(days=RECENT_DAYS - 1) if end is not None else None
    duration = symptom_duration_days(days)
    if last_session is None or end is None:
        adherence_pct: int | None = None
    elif found:
        adherence_pct = round(100 * adherence(found, end=end).share_on_target)
    else:
        adherence_pct = 0
    entries = [
        t
        for t in (
            got.last_started,
            last_session,
            got.last_intake,
            got.level_at,
            got.last_scale,
            _as_datetime(got.note_last),
        )
        if t is not None
    ]
    return {
        "total_episodes": got.total,
        "recent_episodes": (
            sum(d.episodes for d in days if d.day >= recent_lo) if recent_lo is not None else 0
        ),
        "trend": tr.verdict,
        "trend_text": f"{tr.title}: {tr.frequency.text} {tr.intensity.text}".strip(),
        # The moment worsening was first seen, kept while it lasts (an acknowledgement
        # covers this run of worsening; a new run raises the alert again).
        "worsening_since": (got.worsening_since or now) if tr.worsening else None,
        "duration_days": duration,
        "run_start": (days[-1].day - dt.timedelta(days=duration) if duration is not None else None),
        "sleep_day": max((d.day for d in days if d.sleep), default=None),
        "walking_day": max((d.day for d in days if d.walking), default=None),
        "adherence_pct": adherence_pct,
        "level": got.level,
        "level_at": got.level_at,
        "urgent_at": got.urgent_at,
        "last_entry_at": max(entries) if entries else None,
        "updated_at": now,
    }
