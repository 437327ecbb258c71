"""SQLAlchemy 2 models of the symptom diary.

Every record belongs to a person (``people``): one default person in single-user mode, many in a
clinic, so per-person isolation is a ``WHERE person_id = …`` away. Times are the person's local
wall-clock times, stored without a time zone: a night cramp at 02:00 stays at 02:00 whatever the
server's zone. ``uid`` makes export/import idempotent: importing the same file twice adds nothing.
The schema itself is created by the Alembic migrations in ``spasmnav.migrations``; these models
must stay in step with them (a test compares the two).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "STAGED_RECORD_ROWS",
    "STAGED_ROWS",
    "STATS_INDEX_COLUMNS",
    "TRIGGER_COLUMNS",
    "AssessmentRow",
    "Base",
    "DayNoteRow",
    "EpisodeDayRow",
    "EpisodeRow",
    "ExerciseSessionRow",
    "ImportJobRow",
    "MedicineIntakeRow",
    "PersonRow",
    "ProfileRow",
    "RollupRow",
    "ScaleScoreRow",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Trigger ids and their boolean columns on episodes and day notes. Separate columns (not a
# bitmask) so per-day aggregates stay portable SQL on SQLite and PostgreSQL alike.
TRIGGER_COLUMNS: dict[str, str] = {
    "caffeine": "trigger_caffeine",
    "alcohol": "trigger_alcohol",
    "stress": "trigger_stress",
    "poor_sleep": "trigger_poor_sleep",
    "exertion": "trigger_exertion",
    "long_standing": "trigger_long_standing",
    "cold": "trigger_cold",
    "heat": "trigger_heat",
}

STATS_INDEX_COLUMNS: tuple[str, ...] = (
    "person_id",
    "day",
    "kind",
    "intensity",
    "disturbs_sleep",
    "disturbs_walking",
    *TRIGGER_COLUMNS.values(),
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ProfileRow(Base):
    __tablename__ = "profiles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    birth_year: Mapped[int | None] = mapped_column(Integer)
    stroke_date: Mapped[dt.date | None] = mapped_column(Date)
    diabetes: Mapped[bool | None] = mapped_column(Boolean)
    thyroid_surgery: Mapped[bool | None] = mapped_column(Boolean)
    pregnancy: Mapped[bool | None] = mapped_column(Boolean)
    diuretics: Mapped[bool | None] = mapped_column(Boolean)
    medicines: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)


class _Record:
    """Columns every diary record has."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class EpisodeRow(_Record, Base):
    __tablename__ = "episodes"
    __table_args__ = (
        CheckConstraint("intensity IS NULL OR (intensity >= 0 AND intensity <= 10)", "intensity"),
        CheckConstraint("duration_seconds IS NULL OR duration_seconds >= 0", "duration"),
        # Covering index: per-day aggregates for trends read the index alone (revision 0002).
        Index("ix_episodes_person_day_stats", *STATS_INDEX_COLUMNS),
        Index("ix_episodes_person_started", "person_id", "started_at"),
    )

    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The local calendar day of started_at, kept alongside it so per-day aggregates group on a
    # plain indexed column instead of a date function over every row.
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    leg: Mapped[str | None] = mapped_column(String(8))
    place: Mapped[str | None] = mapped_column(String(200))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    intensity: Mapped[int | None] = mapped_column(Integer)
    helped: Mapped[str | None] = mapped_column(Text)
    disturbs_sleep: Mapped[bool] = mapped_column(Boolean, default=False)
    disturbs_walking: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_caffeine: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_alcohol: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_stress: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_poor_sleep: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_exertion: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_long_standing: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_cold: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_heat: Mapped[bool] = mapped_column(Boolean, default=False)


class EpisodeDayRow(Base):
    """Per-day sums of one person's episodes, kept exact by database triggers on ``episodes``
    (revision 0004_ux_diary): trends read one row a day instead of every episode. Never
    written by the application."""

    __tablename__ = "episode_days"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    episodes: Mapped[int] = mapped_column(Integer, server_default="0")
    intensity_sum: Mapped[int] = mapped_column(Integer, server_default="0")
    intensity_n: Mapped[int] = mapped_column(Integer, server_default="0")
    sleep: Mapped[int] = mapped_column(Integer, server_default="0")
    walking: Mapped[int] = mapped_column(Integer, server_default="0")
    trigger_caffeine: Mapped[int] = mapped_column(Integer, server_default="0")
    trigger_alcohol: Mapped[int] = mapped_column(Integer, server_default="0")
    trigger_stress: Mapped[int] = mapped_column(Integer, server_default="0")
    trigger_poor_sleep: Mapped[int] = mapped_column(Integer, server_default="0")
    trigger_exertion: Mapped[int] = mapped_column(Integer, server_default="0")
    trigger_long_standing: Mapped[int] = mapped_column(Integer, server_default="0")
    trigger_cold: Mapped[int] = mapped_column(Integer, server_default="0")
    trigger_heat: Mapped[int] = mapped_column(Integer, server_default="0")
    kind_twitch: Mapped[int] = mapped_column(Integer, server_default="0")
    kind_cramp: Mapped[int] = mapped_column(Integer, server_default="0")
    kind_spasm: Mapped[int] = mapped_column(Integer, server_default="0")
    kind_tremor: Mapped[int] = mapped_column(Integer, server_default="0")
    kind_stiffness: Mapped[int] = mapped_column(Integer, server_default="0")


class DayNoteRow(_Record, Base):
    """Triggers of a whole day, recorded even when there was no episode that day.

    Without them every day with a trigger would also be a day with an episode, and the trigger
    comparison would be biased towards finding an effect.
    """

    __tablename__ = "day_notes"
    __table_args__ = (UniqueConstraint("person_id", "day"),)

    day: Mapped[dt.date] = mapped_column(Date)
    trigger_caffeine: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_alcohol: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_stress: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_poor_sleep: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_exertion: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_long_standing: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_cold: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_heat: Mapped[bool] = mapped_column(Boolean, default=False)


class ExerciseSessionRow(_Record, Base):
    __tablename__ = "exercise_sessions"
    __table_args__ = (Index("ix_exercise_sessions_person_done", "person_id", "done_at"),)

    done_at: Mapped[dt.datetime] = mapped_column(DateTime)
    exercise_id: Mapped[str] = mapped_column(String(64))
    repetitions: Mapped[int | None] = mapped_column(Integer)
    sets: Mapped[int | None] = mapped_column(Integer)


class MedicineIntakeRow(_Record, Base):
    """A medicine as the person records taking it; SpasmNav never suggests one or a dose."""

    __tablename__ = "medicine_intakes"
    __table_args__ = (Index("ix_medicine_intakes_person_taken", "person_id", "taken_at"),)

    taken_at: Mapped[dt.datetime] = mapped_column(DateTime)
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[str | None] = mapped_column(String(200))


class AssessmentRow(_Record, Base):
    """An assessment as the engine produced it (the JSON contract), kept verbatim."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_person_at", "person_id", "assessed_at"),)

    assessed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    level: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ScaleScoreRow(_Record, Base):
    """Modified Ashworth (by a clinician) or Penn Spasm Frequency Scale (self-report)."""

    __tablename__ = "scale_scores"
    __table_args__ = (Index("ix_scale_scores_person_at", "person_id", "recorded_at"),)

    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    scale: Mapped[str] = mapped_column(String(16))
    score: Mapped[str] = mapped_column(String(4))
    recorded_by: Mapped[str] = mapped_column(String(16))
    leg: Mapped[str | None] = mapped_column(String(8))
    muscle: Mapped[str | None] = mapped_column(String(200))


class RollupRow(Base):
    """Per-person figures for the clinician's list, kept up to date on every diary write.

    One row per person (``spasmnav.diary.rollups.refresh``), so the list of a clinician's
    patients reads a few hundred small rows instead of analysing every diary on each view.
    What depends on today's date alone (no entries for 14 days) is derived when shown.
    """

    __tablename__ = "patient_rollups"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_entry_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    total_episodes: Mapped[int] = mapped_column(Integer, default=0)
    # Episodes in the 28 days up to the last entry (the rate the list shows).
    recent_episodes: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[str | None] = mapped_column(String(16))
    level_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The latest assessment at the urgent or emergency level.
    urgent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    trend: Mapped[str] = mapped_column(String(24), default="not_enough_data")
    trend_text: Mapped[str | None] = mapped_column(Text)
    worsening_since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    duration_days: Mapped[int | None] = mapped_column(Integer)
    run_start: Mapped[dt.date | None] = mapped_column(Date)
    sleep_day: Mapped[dt.date | None] = mapped_column(Date)
    walking_day: Mapped[dt.date | None] = mapped_column(Date)
    # Share of the last 14 diary days with the exercise plan met, percent (None: no sessions).
    adherence_pct: Mapped[int | None] = mapped_column(Integer)


# --- imports in progress ------------------------------------------------------------------------


class ImportJobRow(Base):
    """One import of a file: its records are staged in ``import_rows`` in short transactions,
    invisible to every reader (they read the record tables only), until one transaction copies
    them into the record tables and marks the import ``published``. An import whose process
    died (kill -9, power cut) is found by its host, process id and heartbeat, and its staged
    rows are removed by the next import (``Store.clean_imports``)."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16))  # "staging" or "published"
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime)


STAGED_RECORD_ROWS: tuple[type[Base], ...] = (
    EpisodeRow,
    DayNoteRow,
    ExerciseSessionRow,
    MedicineIntakeRow,
    AssessmentRow,
    ScaleScoreRow,
)


def _staged_columns() -> list[Column[Any]]:
    """Every column of every record table but ``id``, once each and nullable: a staged row is
    a row of one of those tables (``tbl``) with the other tables' columns left empty."""
    columns: dict[str, Column[Any]] = {}
    for row_cls in STAGED_RECORD_ROWS:
        for column in row_cls.__table__.columns:
            if column.name != "id" and column.name not in columns:
                columns[column.name] = Column(column.name, column.type.copy(), nullable=True)
    return list(columns.values())


# Staged records of the imports in progress. ``src_uid`` is the uid in the file (``uid`` may be
# a fresh one, for a record copied from another person): one record per uid per import, as the
# import promises ("a uid seen twice in a file is added once").
STAGED_ROWS = Table(
    "import_rows",
    Base.metadata,
    Column(
        "import_id",
        ForeignKey("imports.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("tbl", String(24), nullable=False),
    Column("src_uid", String(36), nullable=False),
    *_staged_columns(),
    UniqueConstraint("import_id", "src_uid"),
)
