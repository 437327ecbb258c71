"""The figures of a person's rollup (``patient_rollups``) from what the database holds.

Pure Python over what one read returns (:class:`Inputs`: the facts and the latest per-day sums
of ``episode_days``), so every writer computes them alike: ``spasmnav.diary.rollups``
(SQLAlchemy: PostgreSQL's one call of ``spasmnav_rollup_inputs``, or the portable query's rows
through :func:`inputs_from_rows`) and the quick start of ``diary add``
(``spasmnav.diary.quick_add``, the standard library's sqlite3, through :func:`figures`).
Neither SQLAlchemy nor numpy is imported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..result import URGENT_LEVELS
from .analytics import DayAggregate, adherence, symptom_duration_days, trend

__all__ = [
    "ADHERENCE_DAYS",
    "FACTS",
    "N_FACTS",
    "RECENT_DAYS",
    "URGENT_LEVELS",
    "WINDOW_DAYS",
    "Inputs",
    "as_date",
    "as_datetime",
    "figures",
    "figures_of",
    "inputs_from_rows",
]

RECENT_DAYS = 28
WINDOW_DAYS = 180
ADHERENCE_DAYS = 14

# The facts the query returns first, in this order; the per-day columns follow them.
FACTS = (
    "total",
    "first_day",
    "last_started",
    "note_first",
    "note_last",
    "last_session",
    "last_intake",
    "level",
    "level_at",
    "urgent_at",
    "last_scale",
)
N_FACTS = len(FACTS)


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))


_as_date = as_date
_as_datetime = as_datetime
_N_FACTS = N_FACTS


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a person's rollup is computed from, as one read gives it (every reader)."""

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
    # oldest first; None: read them when needed (the row-by-row readers).
    sessions: list[dt.datetime] | None


def inputs_from_rows(rows: Sequence[Sequence[Any]], *, worsening_since: Any) -> Inputs:
    """The inputs from the rows of the rollup's portable query (:data:`N_FACTS` facts, then a
    day's sums per row, in any order; one row with empty days when there are none)."""
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
    days = sorted(
        (
            day,
            int(r[_N_FACTS + 1]),
            int(r[_N_FACTS + 2]),
            int(r[_N_FACTS + 3]),
            int(r[_N_FACTS + 4]),
            int(r[_N_FACTS + 5]),
        )
        for r in rows
        if (day := _as_date(r[_N_FACTS])) is not None
    )
    return Inputs(
        worsening_since=_as_datetime(worsening_since),
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


def figures(
    rows: Sequence[Sequence[Any]],
    *,
    worsening_since: dt.datetime | None,
    now: dt.datetime,
    read_sessions: Callable[[dt.datetime], Iterable[Any]],
) -> dict[str, Any]:
    """The rollup's values (column → value) from the rows of the rollup's query;
    ``read_sessions(since)`` gives the times of the exercise sessions from ``since`` on."""

    def sessions(since: dt.datetime) -> list[dt.datetime]:
        return [t for t in (_as_datetime(v) for v in read_sessions(since)) if t is not None]

    return figures_of(
        inputs_from_rows(rows, worsening_since=worsening_since), now=now, sessions=sessions
    )


def figures_of(
    got: Inputs,
    *,
    now: dt.datetime,
    sessions: Callable[[dt.datetime], list[dt.datetime]],
) -> dict[str, Any]:
    """The rollup's values from its inputs; ``sessions(since)`` reads the exercise sessions
    from ``since`` on when ``got`` does not hold them."""
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
