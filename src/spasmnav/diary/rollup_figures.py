"""The figures of a person's rollup (``patient_rollups``) from what the database holds.

Pure Python over the rows one query returns (:data:`N_FACTS` facts, then the latest per-day
sums of ``episode_days``), so every writer computes them alike: ``spasmnav.diary.rollups``
(SQLAlchemy, any database) and the quick start of ``diary add`` (``spasmnav.diary.quick_add``,
the standard library's sqlite3). Neither SQLAlchemy nor numpy is imported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .analytics import DayAggregate, adherence, symptom_duration_days, trend

__all__ = [
    "ADHERENCE_DAYS",
    "FACTS",
    "N_FACTS",
    "RECENT_DAYS",
    "URGENT_LEVELS",
    "WINDOW_DAYS",
    "as_date",
    "as_datetime",
    "figures",
]

RECENT_DAYS = 28
WINDOW_DAYS = 180
ADHERENCE_DAYS = 14
URGENT_LEVELS = ("urgent", "emergency")

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


def figures(
    rows: Sequence[Sequence[Any]],
    *,
    worsening_since: dt.datetime | None,
    now: dt.datetime,
    read_sessions: Callable[[dt.datetime], Iterable[Any]],
) -> dict[str, Any]:
    """The rollup's values (column → value) from the rows of the rollup's query;
    ``read_sessions(since)`` gives the times of the exercise sessions from ``since`` on."""
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
    last_session = _as_datetime(last_session)
    last_intake = _as_datetime(last_intake)
    level_at = _as_datetime(level_at)
    firsts = [d for d in (_as_date(first_day), _as_date(note_first)) if d is not None]
    start = min(firsts) if firsts else None
    lasts = [
        d
        for d in (
            _as_date(last_started),
            _as_date(note_last),
            _as_date(last_session),
            _as_date(last_intake),
        )
        if d is not None
    ]
    end = max(lasts) if lasts and start is not None else None
    days: list[DayAggregate] = []
    sessions: list[dt.datetime] = []
    if end is not None:
        since = end - dt.timedelta(days=WINDOW_DAYS)
        kept = [(_as_date(r[_N_FACTS]), r[_N_FACTS + 1 :]) for r in rows]
        days = sorted(
            (
                DayAggregate(
                    day=day,
                    episodes=int(r[0]),
                    intensity_sum=int(r[1]),
                    intensity_n=int(r[2]),
                    sleep=int(r[3]),
                    walking=int(r[4]),
                )
                for day, r in kept
                if day is not None and day >= since
            ),
            key=lambda d: d.day,
        )
        window = dt.datetime.combine(end - dt.timedelta(days=ADHERENCE_DAYS - 1), dt.time())
        if last_session is not None and last_session >= window:  # else none to read
            found = read_sessions(window)
            sessions = [t for t in (_as_datetime(v) for v in found) if t is not None]
    tr = trend(days, start=start, end=end)
    recent_lo = end - dt.timedelta(days=RECENT_DAYS - 1) if end is not None else None
    duration = symptom_duration_days(days)
    if last_session is None or end is None:
        adherence_pct: int | None = None
    elif sessions:
        adherence_pct = round(100 * adherence(sessions, end=end).share_on_target)
    else:
        adherence_pct = 0
    entries = [
        t
        for t in (
            _as_datetime(last_started),
            last_session,
            last_intake,
            level_at,
            _as_datetime(last_scale),
            _as_datetime(note_last),
        )
        if t is not None
    ]
    values: dict[str, Any] = {
        "total_episodes": int(total) if total else 0,
        "recent_episodes": (
            sum(d.episodes for d in days if d.day >= recent_lo) if recent_lo is not None else 0
        ),
        "trend": tr.verdict,
        "trend_text": f"{tr.title}: {tr.frequency.text} {tr.intensity.text}".strip(),
        # The moment worsening was first seen, kept while it lasts (an acknowledgement
        # covers this run of worsening; a new run raises the alert again).
        "worsening_since": (worsening_since or now) if tr.worsening else None,
        "duration_days": duration,
        "run_start": (days[-1].day - dt.timedelta(days=duration) if duration is not None else None),
        "sleep_day": max((d.day for d in days if d.sleep), default=None),
        "walking_day": max((d.day for d in days if d.walking), default=None),
        "adherence_pct": adherence_pct,
        "level": level,
        "level_at": level_at,
        "urgent_at": _as_datetime(urgent_at),
        "last_entry_at": max(entries) if entries else None,
        "updated_at": now,
    }
    return values
