"""Per-person figures for the clinician's list, recomputed on every write to that diary.

The figures are the ones the person's own trends page shows (the same aggregates and the same
trend test from :mod:`spasmnav.diary.analytics`), so the clinician's list never disagrees with
the diary. They are written in the transaction of the diary write that changed them; a
clinician's list then reads one small row per patient.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .analytics import adherence, symptom_duration_days, trend
from .orm import (
    AssessmentRow,
    DayNoteRow,
    EpisodeRow,
    MedicineIntakeRow,
    RollupRow,
    ScaleScoreRow,
)

__all__ = ["ADHERENCE_DAYS", "RECENT_DAYS", "URGENT_LEVELS", "refresh"]

RECENT_DAYS = 28
ADHERENCE_DAYS = 14
URGENT_LEVELS = ("urgent", "emergency")


def _ensure_row(s: Session, person_id: int, now: dt.datetime) -> RollupRow:
    """The person's rollup row, locked for this transaction; created if missing without a
    race (two writers of one new diary both succeed)."""
    dialect = s.get_bind().dialect.name
    values: dict[str, Any] = {
        "person_id": person_id,
        "updated_at": now,
        "total_episodes": 0,
        "recent_episodes": 0,
        "trend": "not_enough_data",
    }
    if dialect == "postgresql":
        s.execute(postgresql.insert(RollupRow).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        s.execute(sqlite.insert(RollupRow).values(**values).on_conflict_do_nothing())
    elif s.get(RollupRow, person_id) is None:  # pragma: no cover - other engines
        s.add(RollupRow(**values))
        s.flush()
    row = s.get(RollupRow, person_id, with_for_update=True, populate_existing=True)
    assert row is not None
    return row


def refresh(s: Session, *, person_id: int, now: dt.datetime | None = None) -> RollupRow:
    """Recompute one person's rollup inside ``s`` (it sees the write it accompanies)."""
    from .store import diary_data_in

    now = now or dt.datetime.now().replace(microsecond=0)
    row = _ensure_row(s, person_id, now)
    data = diary_data_in(s, person_id=person_id)
    days = [d for d in data.days if d.episodes > 0]
    tr = trend(days, start=data.start, end=data.end)
    row.total_episodes = sum(d.episodes for d in days)
    if data.end is not None:
        lo = data.end - dt.timedelta(days=RECENT_DAYS - 1)
        row.recent_episodes = sum(d.episodes for d in days if d.day >= lo)
    else:
        row.recent_episodes = 0
    row.trend = tr.verdict
    row.trend_text = f"{tr.title}: {tr.frequency.text} {tr.intensity.text}".strip()
    if tr.worsening:
        row.worsening_since = row.worsening_since or now
    else:
        row.worsening_since = None
    duration = symptom_duration_days(days)
    row.duration_days = duration
    row.run_start = days[-1].day - dt.timedelta(days=duration) if duration is not None else None
    row.sleep_day = max((d.day for d in days if d.sleep), default=None)
    row.walking_day = max((d.day for d in days if d.walking), default=None)
    if data.session_times and data.end is not None:
        since = dt.datetime.combine(data.end - dt.timedelta(days=ADHERENCE_DAYS - 1), dt.time())
        recent = [t for t in data.session_times if t >= since]
        adh = adherence(recent, end=data.end) if recent else None
        row.adherence_pct = round(100 * adh.share_on_target) if adh is not None else 0
    else:
        row.adherence_pct = None
    a = AssessmentRow
    latest = s.execute(
        select(a.level, a.assessed_at)
        .where(a.person_id == person_id)
        .order_by(a.assessed_at.desc(), a.id.desc())
        .limit(1)
    ).first()
    row.level, row.level_at = (latest[0], latest[1]) if latest else (None, None)
    row.urgent_at = s.scalar(
        select(func.max(a.assessed_at)).where(
            a.person_id == person_id, a.level.in_(URGENT_LEVELS)
        )
    )
    row.last_entry_at = _last_entry(s, person_id, data.session_times)
    row.updated_at = now
    s.flush()
    return row


def _last_entry(s: Session, person_id: int, sessions: Any) -> dt.datetime | None:
    """The latest thing the person wrote in the diary (of any kind)."""
    candidates: list[dt.datetime] = []
    for column, owner in (
        (EpisodeRow.started_at, EpisodeRow.person_id),
        (MedicineIntakeRow.taken_at, MedicineIntakeRow.person_id),
        (AssessmentRow.assessed_at, AssessmentRow.person_id),
    ):
        value = s.scalar(select(func.max(column)).where(owner == person_id))
        if value is not None:
            candidates.append(value)
    # A clinician's Ashworth score is not the patient writing; their own Penn score is.
    value = s.scalar(
        select(func.max(ScaleScoreRow.recorded_at)).where(
            ScaleScoreRow.person_id == person_id, ScaleScoreRow.recorded_by == "self"
        )
    )
    if value is not None:
        candidates.append(value)
    note_day = s.scalar(select(func.max(DayNoteRow.day)).where(DayNoteRow.person_id == person_id))
    if note_day is not None:
        candidates.append(dt.datetime.combine(note_day, dt.time()))
    if sessions:
        candidates.append(max(sessions))
    return max(candidates) if candidates else None
