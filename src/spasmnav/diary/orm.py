"""SQLAlchemy 2 models of the symptom diary.

Every record belongs to a person (``people``): one default person in single-user mode, many in a
clinic, so per-person isolation is a ``WHERE person_id = …`` away. Times are the person's local
wall-clock times, stored without a time zone: a night cramp at 02:00 stays at 02:00 whatever the
server's zone. ``uid`` makes export/import idempotent: importing the same file twice adds nothing.
The schema itself is created by the Alembic migrations in ``spasmnav.migrations``; these models
must stay in step with them (a test compares the two).

The columns of a record's own fields are not written here: :func:`columns_of` derives them
from the pydantic model (``spasmnav.diary.models``), its types and its ``Info`` markers, and
:func:`record_columns` adds each record table's name (``Record.table``), its CHECK
constraints (``Info.check``) and its index in time order (``Record.time_field``). What is
storage alone stays here: ``person_id``, the ``day`` of an episode, the names of the indexes
(as the migrations wrote them) and the indexes that serve one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_origin

from pydantic import BaseModel
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
    case,
    func,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from .fields import (
    allows_none,
    bounds,
    flag_columns,
    info,
    plain_type,
    stats_columns,
    text_length,
)
from .models import (
    KINDS,
    TRIGGERS,
    DayNote,
    Episode,
    ExerciseSession,
    MedicineIntake,
    Profile,
    Record,
)
from .models import Assessment as AssessmentModel
from .models import ScaleScore as ScaleScoreModel

__all__ = [
    "DAY_SUMS",
    "KIND_COLUMNS",
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
    "checks_of",
    "columns_of",
    "day_sums",
    "record_columns",
    "sql_type",
    "time_index",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Trigger ids and their boolean columns on episodes and day notes (``Info.flags`` of the
# ``triggers`` field): trigger_caffeine, trigger_alcohol …
TRIGGER_COLUMNS: dict[str, str] = flag_columns(Episode)["triggers"]
assert tuple(TRIGGER_COLUMNS) == TRIGGERS

# The covering index of the per-day scan: the person, the day, then the episode's fields
# marked as inputs of the per-day statistics (``Info.stats``).
STATS_INDEX_COLUMNS: tuple[str, ...] = ("person_id", "day", *stats_columns(Episode))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def sql_type(model: type[BaseModel], name: str) -> TypeEngine[Any]:
    """The column type of a model's field: from its Python type, length and ``Info``."""
    field = model.model_fields[name]
    meta = info(field)
    t = plain_type(field.annotation)
    if t is bool:
        return Boolean()
    if t is int:
        return Integer()
    if t is dt.datetime:
        return DateTime()
    if t is dt.date:
        return Date()
    if t in (dict, list) or get_origin(t) in (dict, list):
        return JSON()
    if t is str or get_origin(t) is Literal:
        if meta.text:
            return Text()
        length = text_length(model, name)
        return String(length) if length else Text()
    raise TypeError(f"{model.__name__}.{name}: no column type for {t!r}")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def columns_of(model: type[BaseModel], *, skip: tuple[str, ...] = ()) -> Any:
    """A declarative mixin with one column per field of ``model`` (those in ``skip`` aside).

    NULL is allowed when the field admits None; the model's default (a constant or a factory)
    is the column's. A field of codes with ``Info.flags`` becomes one boolean column per code.
    ``Info.primary_key`` makes the primary key, ``Info.unique`` a unique column and
    ``Info.stamp`` a NOT NULL time set on insert. Typed ``Any`` for the type checker, so that
    ``EpisodeRow.kind`` type-checks: the columns are made here at import time, not written
    out in the class.
    """
    namespace: dict[str, Any] = {}
    flags = flag_columns(model)
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        if name in flags:
            for column in flags[name].values():
                namespace[column] = mapped_column(Boolean, nullable=False, default=False)
            continue
        meta = info(field)
        column_type = sql_type(model, name)
        if meta.primary_key:
            namespace[name] = mapped_column(column_type, primary_key=True)
            continue
        if meta.stamp:
            namespace[name] = mapped_column(column_type, nullable=False, default=_now)
            continue
        default: Any = None
        if field.default_factory is not None:
            default = field.default_factory
        elif field.default is not None and not field.is_required():
            default = field.default
        namespace[name] = mapped_column(
            column_type,
            nullable=allows_none(field.annotation),
            default=default,
            unique=meta.unique or None,
        )
    return type(f"{model.__name__}Columns", (), namespace)


def checks_of(model: type[BaseModel]) -> list[CheckConstraint]:
    """The CHECK constraints of a model's bounded fields (``Info.check``), as the migrations
    wrote them: ``x IS NULL OR (x >= low AND x <= high)``, or the lower bound alone."""
    out: list[CheckConstraint] = []
    for name, field in model.model_fields.items():
        meta = info(field)
        if meta.check is None:
            continue
        low, high = bounds(field)
        if low is None or (meta.check_upper and high is None):
            raise TypeError(f"{model.__name__}.{name}: a CHECK needs the field's bounds")
        rule = f"{name} >= {low}"
        if meta.check_upper:
            rule = f"({rule} AND {name} <= {high})"
        if allows_none(field.annotation):
            rule = f"{name} IS NULL OR {rule}"
        out.append(CheckConstraint(rule, meta.check))
    return out


def time_index(model: type[Record], name: str) -> Index:
    """The index of a person's records in time order (``person_id``, the model's time)."""
    return Index(name, "person_id", model.time_field)


_RECORD_FIELDS = tuple(Record.model_fields)


def record_columns(
    model: type[Record], *, time_index_name: str | None = None, extra: tuple[Any, ...] = ()
) -> Any:
    """A declarative mixin of a record table, from its model: the columns of the model's own
    fields (``Record``'s are :class:`_Record`'s), ``__tablename__`` = ``model.table`` and the
    table's arguments: the CHECK of every bounded field (``Info.check``), the index of a
    person's records in time order named ``time_index_name`` (None: ``extra`` covers it),
    then ``extra``. Made once per table (a constraint belongs to one table)."""
    mixin = columns_of(model, skip=_RECORD_FIELDS)
    mixin.__tablename__ = model.table
    index = () if time_index_name is None else (time_index(model, time_index_name),)
    mixin.__table_args__ = (*checks_of(model), *index, *extra)
    return mixin


# Each record's columns, from its model (typed Any: see columns_of).
_RecordColumns: Any = columns_of(Record)
_ProfileColumns: Any = columns_of(Profile)
_EpisodeColumns: Any = record_columns(
    Episode,
    time_index_name="ix_episodes_person_started",
    # Covering index: per-day aggregates for trends read the index alone (revision 0002).
    extra=(Index("ix_episodes_person_day_stats", *STATS_INDEX_COLUMNS),),
)
# A day has one note per person; that unique index also reads them in time order.
_DayNoteColumns: Any = record_columns(DayNote, extra=(UniqueConstraint("person_id", "day"),))
_ExerciseSessionColumns: Any = record_columns(
    ExerciseSession, time_index_name="ix_exercise_sessions_person_done"
)
_MedicineIntakeColumns: Any = record_columns(
    MedicineIntake, time_index_name="ix_medicine_intakes_person_taken"
)
_AssessmentColumns: Any = record_columns(
    AssessmentModel, time_index_name="ix_assessments_person_at"
)
_ScaleScoreColumns: Any = record_columns(
    ScaleScoreModel, time_index_name="ix_scale_scores_person_at"
)


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class ProfileRow(_ProfileColumns, Base):
    __tablename__ = "profiles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)


class _Record(_RecordColumns):
    """Columns every diary record has: ``Record``'s fields as stored (derived: the id is the
    primary key, ``uid`` unique, ``created_at`` set on insert) and ``person_id``, storage
    alone."""

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))


class EpisodeRow(_EpisodeColumns, _Record, Base):
    # The local calendar day of started_at, kept alongside it so per-day aggregates group on a
    # plain indexed column instead of a date function over every row.
    day: Mapped[dt.date] = mapped_column(Date)


# The per-day sums of a person's episodes, declared once: the columns of the kept table
# ``episode_days`` (below), the scan that computes them from the episodes (``day_sums``) and
# the reading of either into the analysis's days (``spasmnav.diary.store``) follow this list.
KIND_COLUMNS: dict[str, str] = {k: f"kind_{k}" for k in KINDS}
DAY_SUMS: tuple[str, ...] = (
    "episodes",
    "intensity_sum",
    "intensity_n",
    "sleep",
    "walking",
    *TRIGGER_COLUMNS.values(),
    *KIND_COLUMNS.values(),
)


def _sum_flag(column: Any) -> Any:
    return func.coalesce(func.sum(sql_cast(column, Integer)), 0)


def day_sums(e: Any) -> dict[str, Any]:
    """Each of ``DAY_SUMS`` as an aggregate over the rows of ``episodes`` (``e``: EpisodeRow)
    of one group, in that order: what the database triggers keep in ``episode_days``."""
    sums: dict[str, Any] = {
        "episodes": func.count(),
        "intensity_sum": func.coalesce(func.sum(e.intensity), 0),
        "intensity_n": func.count(e.intensity),
        "sleep": _sum_flag(e.disturbs_sleep),
        "walking": _sum_flag(e.disturbs_walking),
        **{c: _sum_flag(getattr(e, c)) for c in TRIGGER_COLUMNS.values()},
        **{
            c: func.coalesce(func.sum(case((e.kind == k, 1), else_=0)), 0)
            for k, c in KIND_COLUMNS.items()
        },
    }
    assert tuple(sums) == DAY_SUMS
    return sums


_DaySumColumns: Any = type(
    "_DaySumColumns",
    (),
    {name: mapped_column(Integer, nullable=False, server_default="0") for name in DAY_SUMS},
)


class EpisodeDayRow(_DaySumColumns, Base):
    """Per-day sums of one person's episodes (``DAY_SUMS``), kept exact by database triggers
    on ``episodes`` (revision 0004_ux_diary): trends read one row a day instead of every
    episode. Never written by the application."""

    __tablename__ = "episode_days"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class DayNoteRow(_DayNoteColumns, _Record, Base):
    """Triggers of a whole day, recorded even when there was no episode that day.

    Without them every day with a trigger would also be a day with an episode, and the trigger
    comparison would be biased towards finding an effect.
    """


class ExerciseSessionRow(_ExerciseSessionColumns, _Record, Base):
    """A session of one exercise of the plan."""


class MedicineIntakeRow(_MedicineIntakeColumns, _Record, Base):
    """A medicine as the person records taking it; SpasmNav never suggests one or a dose."""


class AssessmentRow(_AssessmentColumns, _Record, Base):
    """An assessment as the engine produced it (the JSON contract), kept verbatim."""


class ScaleScoreRow(_ScaleScoreColumns, _Record, Base):
    """Modified Ashworth (by a clinician) or Penn Spasm Frequency Scale (self-report)."""


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
