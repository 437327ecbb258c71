"""The diary store: one object, usable in-process by the CLI, the web app and the tests.

Every write is one transaction (``Store.writing``). On SQLite the store runs in WAL mode with a
busy timeout and takes the write lock at ``BEGIN IMMEDIATE``, so two processes writing at once
wait for each other instead of failing, and a killed process leaves only whole transactions
behind. The schema is created and upgraded by the Alembic migrations on first use.

All storage methods take keyword-only arguments and a ``person_id``: one default person in
single-user mode, one per account in a clinic.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic import ValidationError
from sqlalchemy import (
    Engine,
    Table,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from ..settings import Settings, default_data_dir, get_settings

if TYPE_CHECKING:
    from alembic.config import Config

    from .analytics import DayAggregate, DiaryData
from .fields import flag_columns
from .models import (
    Assessment,
    DayNote,
    DiaryError,
    Episode,
    ExerciseSession,
    InputError,
    MedicineIntake,
    NotFoundError,
    Profile,
    Record,
    ScaleScore,
    explain_validation,
)
from .orm import (
    DAY_SUMS,
    KIND_COLUMNS,
    STAGED_ROWS,
    TRIGGER_COLUMNS,
    AssessmentRow,
    Base,
    DayNoteRow,
    EpisodeDayRow,
    EpisodeRow,
    ExerciseSessionRow,
    ImportJobRow,
    MedicineIntakeRow,
    PersonRow,
    ProfileRow,
    RollupRow,
    ScaleScoreRow,
    day_sums,
)
from .quick_add import MIGRATIONS_DIR, head_key, secure_sqlite_files

__all__ = [
    "DEFAULT_PERSON",
    "IMPORT_BATCH",
    "IMPORT_STALE_AFTER",
    "RECORD_TYPES",
    "ImportResult",
    "StorageError",
    "Store",
    "alembic_config",
    "check_exercise_id",
    "current_revision",
    "head_revision",
    "is_busy",
    "make_engine",
    "storage_problem",
    "upgrade",
]

R = TypeVar("R", bound=Record)

DEFAULT_PERSON = "default"
_PG_MIGRATION_LOCK = 7_301_417
_PG_QUICK_LOCK = 7_301_418

RECORD_TYPES: dict[str, type[Record]] = {
    "episodes": Episode,
    "day_notes": DayNote,
    "exercise_sessions": ExerciseSession,
    "medicine_intakes": MedicineIntake,
    "assessments": Assessment,
    "scale_scores": ScaleScore,
}
_ROWS: dict[str, type[Base]] = {
    "episodes": EpisodeRow,
    "day_notes": DayNoteRow,
    "exercise_sessions": ExerciseSessionRow,
    "medicine_intakes": MedicineIntakeRow,
    "assessments": AssessmentRow,
    "scale_scores": ScaleScoreRow,
}
_UID_CHUNK = 500
# An import stages this many records per transaction (a few tens of milliseconds of the write
# lock on SQLite), so a web write waits at most about that long behind it.
IMPORT_BATCH = 2_000
_DROP_BATCH = 5_000
# An import that has not staged a batch for this long is taken for abandoned (its process is on
# another host, or hung) and its staged rows are removed by the next import.
IMPORT_STALE_AFTER = dt.timedelta(minutes=30)
_STAGED_BLANK: dict[str, Any] = {c.name: None for c in STAGED_ROWS.columns}


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    skipped: int
    merged: int = 0


class StorageError(DiaryError):
    """The database cannot be used as it is (the message is Russian; nothing was changed)."""


# How long a zero-length database file must have existed before it is taken for a truncated one
# rather than one another process is creating this very moment.
_EMPTY_FILE_GRACE_S = 5.0


def _check_sqlite_file(path: Path) -> None:
    """A zero-length file is a diary lost (a truncated copy, a failed restore), not a new one."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    old = time.time() - st.st_mtime > _EMPTY_FILE_GRACE_S
    if st.st_size == 0 and old and not Path(f"{path}-wal").exists():
        raise StorageError(
            f"файл базы дневника {path} пуст (0 байт): похоже, он обрезан или испорчен. "
            "Ничего не изменено. Восстановите его из резервной копии или укажите другой "
            "файл (--db). Чтобы начать новый дневник, удалите этот пустой файл."
        )


def storage_problem(exc: BaseException) -> str | None:
    """A Russian sentence for a database failure the person can act on, else None."""
    orig = getattr(exc, "orig", None) or exc
    text_ = str(orig).lower()
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if "disk is full" in text_ or sqlstate == "53100" or "no space left" in text_:
        return "На диске кончилось место, поэтому запись не сохранена. Освободите место и "
    if "readonly" in text_ or "read-only" in text_ or sqlstate == "25006":
        return "База дневника открыта только для чтения, поэтому запись не сохранена. "
    if "locked" in text_ or "busy" in text_:
        return (
            "База дневника сейчас занята (например, идёт большой импорт), поэтому запись не "
            "сохранена. Подождите минуту и "
        )
    if "disk i/o error" in text_:
        return "Ошибка чтения или записи диска, поэтому запись не сохранена. Проверьте диск и "
    if "unable to open database" in text_:
        return "Не удалось открыть файл базы дневника (нет доступа к папке?). "
    return None


# PostgreSQL: lock_timeout (55P03), statement_timeout (57014), deadlock (40P01), serialization.
_BUSY_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})


def is_busy(exc: BaseException) -> bool:
    """Whether a database failure means "busy, try again" (SQLite's lock held past the busy
    timeout, a PostgreSQL lock or statement timeout): nothing was written, and the same write
    a little later will succeed."""
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    message = str(orig).lower()
    return isinstance(orig, sqlite3.OperationalError) and ("locked" in message or "busy" in message)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# --- engine and migrations -------------------------------------------------------------------


def make_engine(url: str | None = None, *, settings: Settings | None = None) -> Engine:
    """An engine for ``url`` (default: the settings), with SQLite made safe for concurrency."""
    settings = settings or get_settings()
    parsed = make_url(url or settings.database_url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, echo=settings.database_echo)
    database = parsed.database or ""
    timeout_ms = settings.sqlite_busy_timeout_ms
    if database in ("", ":memory:"):
        engine = create_engine(
            parsed,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
            echo=settings.database_echo,
        )
    else:
        if not database.startswith("file:"):
            db_path = Path(database).expanduser()
            if not db_path.parent.exists():
                db_path.parent.mkdir(parents=True, mode=0o700)
            elif db_path.parent == default_data_dir():
                os.chmod(db_path.parent, 0o700)
            _check_sqlite_file(db_path)
            if not db_path.exists():
                # Created here, owner-only, before SQLite makes it with the umask's 0644 (the
                # WAL and shared-memory files take the database file's mode).
                with suppress(FileExistsError):
                    os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            secure_sqlite_files(db_path)
        engine = create_engine(
            parsed, connect_args={"timeout": timeout_ms / 1000}, echo=settings.database_echo
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below), so the driver must not: this also makes DDL
        # transactional, which the migrations rely on.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        _ensure_wal(cursor, timeout_ms / 1000)
        # FULL: a committed diary entry survives a power cut, not only a crash.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front; a deferred transaction that later upgrades to
        # a write can fail at once with SQLITE_BUSY instead of waiting for the other writer.
        immediate = connection.get_execution_options().get("spasmnav_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _ensure_wal(cursor: Any, timeout_s: float) -> None:
    """Switch a database file to WAL once (the mode is stored in the file). SQLite may answer
    BUSY to this switch at once, without its busy handler, while another process is creating
    the same new database; so retry until the busy timeout instead of failing the connection."""
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            message = str(exc).lower()
            if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# Alembic (a third of a second to import) is needed only when the schema must change: a store
# opening an up-to-date database compares the revision it reads with the head remembered in the
# snapshot cache (keyed by the migration files themselves).


def alembic_config() -> Config:
    """Alembic configuration pointing at the migrations shipped in the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def head_revision() -> str:
    from .. import snapshot

    # The key is shared with the quick start of `diary add` (it reads the cached head).
    return snapshot.cached("alembic-head", head_key(), _head_revision, str)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: none yet, or more than one to reconcile)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; concurrent callers wait for each other."""
    current = current_revision(engine)
    if revision == "head" and current == head_revision():
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    if current is not None:
        known = {r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()}
        if current not in known:
            raise StorageError(
                f"база дневника создана более новой версией SpasmNav (ревизия схемы {current}). "
                "Ничего не изменено: обновите программу (pip install -U spasmnav)."
            )
    with engine.execution_options(spasmnav_write=True).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def check_exercise_id(exercise_id: str) -> None:
    """Raise InputError unless the content pack knows the exercise (when the pack loads)."""
    try:
        from ..content import load_pack

        pack = load_pack()
    except Exception:  # a broken pack must not stop a person recording
        return
    if not pack.has("exercises", exercise_id):
        known = ", ".join(x.id for x in pack.exercises)
        raise InputError([f"упражнение «{exercise_id}» не найдено; есть: {known}"])


# --- record <-> row ---------------------------------------------------------------------------


def _values(record: Record, person_id: int) -> dict[str, Any]:
    flags = flag_columns(type(record))
    values = record.model_dump(exclude={"id", *flags})
    values["person_id"] = person_id
    values["created_at"] = record.created_at or _now()
    for name, columns in flags.items():
        chosen = getattr(record, name)
        for code, column in columns.items():
            values[column] = code in chosen
    if isinstance(record, Episode):
        values["day"] = record.started_at.date()
    return values


def _record(model: type[R], row: Any) -> R:
    flags = flag_columns(model)
    data: dict[str, Any] = {}
    for name in model.model_fields:
        if name in flags:
            data[name] = tuple(code for code, c in flags[name].items() if getattr(row, c))
        else:
            data[name] = getattr(row, name)
    return model.model_validate(data)


def _as_start(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


def _as_end(value: dt.date | dt.datetime) -> dt.datetime:
    """``until`` is inclusive: a date means the whole day."""
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value + dt.timedelta(days=1), dt.time())


def _insert_ignoring_duplicates(s: Session) -> Any:
    """INSERT into ``import_rows`` that skips a uid already staged by the same import."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(STAGED_ROWS).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(STAGED_ROWS).on_conflict_do_nothing()


def _staged_day_note(row: Any) -> DayNote:
    return DayNote.model_validate(
        {
            "uid": row.uid,
            "note": row.note,
            "created_at": row.created_at,
            "day": row.day,
            "triggers": tuple(t for t, c in TRIGGER_COLUMNS.items() if getattr(row, c)),
        }
    )


def _process_alive(pid: int) -> bool:
    """Whether a process of this host with ``pid`` runs (a zombie counts as gone)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[-1].split()[0] != "Z"
    return True


class Store:
    """The diary of one or many people in one database."""

    def __init__(
        self,
        url: str | None = None,
        *,
        engine: Engine | None = None,
        settings: Settings | None = None,
        migrate: bool = True,
    ) -> None:
        self.engine = engine if engine is not None else make_engine(url, settings=settings)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(spasmnav_write=True), expire_on_commit=False
        )
        self._default_person: int | None = None
        if migrate:
            upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any exception."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    # --- people and profile -------------------------------------------------------------------

    def ensure_person(self, *, key: str = DEFAULT_PERSON, display_name: str | None = None) -> int:
        """The id of the person with ``key``, created if missing (safe under concurrency)."""
        with self.reading() as s:
            found = s.scalar(select(PersonRow.id).where(PersonRow.key == key))
        if found is not None:
            return found
        try:
            with self.writing() as s:
                row = PersonRow(key=key, display_name=display_name, created_at=_now())
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            with self.reading() as s:
                return s.scalars(select(PersonRow.id).where(PersonRow.key == key)).one()

    def display_name(self, *, person_id: int) -> str | None:
        """The name the person gave, if any (the diary is pseudonymous otherwise)."""
        with self.reading() as s:
            return s.scalar(select(PersonRow.display_name).where(PersonRow.id == person_id))

    def default_person_id(self) -> int:
        if self._default_person is None:
            self._default_person = self.ensure_person(key=DEFAULT_PERSON)
        return self._default_person

    def get_profile(self, *, person_id: int) -> Profile:
        with self.reading() as s:
            row = s.get(ProfileRow, person_id)
            if row is None:
                return Profile()
            return Profile.model_validate(
                {name: getattr(row, name) for name in Profile.model_fields}
            )

    def set_profile(self, *, person_id: int, profile: Profile) -> Profile:
        with self.writing() as s:
            row = s.get(ProfileRow, person_id)
            values = profile.model_dump()
            if row is None:
                s.add(ProfileRow(person_id=person_id, updated_at=_now(), **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = _now()
        return profile

    def update_profile(self, *, person_id: int, changes: Mapping[str, Any]) -> Profile:
        current = self.get_profile(person_id=person_id)
        try:
            merged = Profile.model_validate({**current.model_dump(), **changes})
        except ValidationError as exc:
            raise InputError(explain_validation(exc)) from exc
        return self.set_profile(person_id=person_id, profile=merged)

    # --- generic records ----------------------------------------------------------------------

    def add_record(self, record: R, *, person_id: int) -> R:
        """Save one new record; returns it with its database id."""
        if isinstance(record, DayNote):
            return cast(R, self.add_day_note(person_id=person_id, note=record))
        row_cls = _ROWS[record.table]
        with self.writing() as s:
            row = row_cls(**_values(record, person_id))
            s.add(row)
            s.flush()
            self._after_write(s, person_id)
            return _record(type(record), row)

    def get_record(self, model: type[R], *, person_id: int, record_id: int) -> R:
        row_cls = _ROWS[model.table]
        with self.reading() as s:
            row = s.get(row_cls, record_id)
            if row is None or getattr(row, "person_id") != person_id:  # noqa: B009
                raise NotFoundError(f"запись №{record_id} не найдена")
            return _record(model, row)

    def list_records(
        self,
        model: type[R],
        *,
        person_id: int,
        since: dt.date | dt.datetime | None = None,
        until: dt.date | dt.datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
        kinds: Sequence[str] | None = None,
    ) -> list[R]:
        """Records of one person in time order (oldest first unless ``newest_first``)."""
        row_cls: Any = _ROWS[model.table]
        time_col = getattr(row_cls, model.time_field)
        stmt = select(row_cls).where(row_cls.person_id == person_id)
        is_day = model.time_field == "day"
        if since is not None:
            stmt = stmt.where(time_col >= (since if is_day else _as_start(since)))
        if until is not None:
            stmt = stmt.where(time_col <= until if is_day else time_col < _as_end(until))
        if kinds and model is Episode:
            stmt = stmt.where(row_cls.kind.in_(list(kinds)))
        order = (time_col.desc(), row_cls.id.desc()) if newest_first else (time_col, row_cls.id)
        stmt = stmt.order_by(*order).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.reading() as s:
            return [_record(model, row) for row in s.scalars(stmt)]

    def iter_records(self, model: type[R], *, person_id: int, chunk: int = 1000) -> Iterator[R]:
        """All records of one person in time order, read ``chunk`` rows at a time (a server-side
        cursor on PostgreSQL): an export of millions of rows never sits in memory at once."""
        row_cls: Any = _ROWS[model.table]
        time_col = getattr(row_cls, model.time_field)
        stmt = (
            select(row_cls)
            .where(row_cls.person_id == person_id)
            .order_by(time_col, row_cls.id)
            .execution_options(yield_per=chunk)
        )
        with self.reading() as s:
            for row in s.scalars(stmt):
                yield _record(model, row)
                s.expunge(row)

    def count_records(self, model: type[Record], *, person_id: int) -> int:
        row_cls: Any = _ROWS[model.table]
        with self.reading() as s:
            return int(s.scalar(select(func.count()).where(row_cls.person_id == person_id)) or 0)

    def update_record(
        self, model: type[R], *, person_id: int, record_id: int, changes: Mapping[str, Any]
    ) -> R:
        """Change some fields of a record; the whole record is validated again."""
        unknown = set(changes) - set(model.model_fields) | ({"id", "uid"} & set(changes))
        if unknown:
            raise InputError([f"поле «{name}» нельзя изменить" for name in sorted(unknown)])
        row_cls = _ROWS[model.table]
        with self.writing() as s:
            row = s.get(row_cls, record_id, with_for_update=True)
            if row is None or getattr(row, "person_id") != person_id:  # noqa: B009
                raise NotFoundError(f"запись №{record_id} не найдена")
            current = _record(model, row)
            try:
                updated = model.model_validate({**current.model_dump(), **changes})
            except ValidationError as exc:
                raise InputError(explain_validation(exc)) from exc
            for name, value in _values(updated, person_id).items():
                setattr(row, name, value)
            s.flush()
            self._after_write(s, person_id)
            return _record(model, row)

    def delete_record(self, model: type[Record], *, person_id: int, record_id: int) -> None:
        row_cls: Any = _ROWS[model.table]
        with self.writing() as s:
            result = s.execute(
                delete(row_cls).where(row_cls.id == record_id, row_cls.person_id == person_id)
            )
            if getattr(result, "rowcount", 0) == 0:
                raise NotFoundError(f"запись №{record_id} не найдена")
            self._after_write(s, person_id)

    def import_records(
        self,
        records: Iterable[Record],
        *,
        person_id: int,
        profile: Profile | None = None,
        display_name: str | None = None,
        batch: int = IMPORT_BATCH,
    ) -> ImportResult:
        """Add many records, all of them or, on any error, none, without holding the write
        lock for long.

        ``records`` is read once, ``batch`` at a time (a generator keeps the memory bounded):
        each batch is staged in ``import_rows`` in its own short transaction, so other writers
        (the web app) go on writing in between; nothing staged is visible to any reader. When
        ``records`` is exhausted without an error, one transaction publishes the staged rows
        (an INSERT … SELECT per table: no parsing or validating inside it) with the profile,
        the day notes and the rollup. On an error (an InputError raised by the generator at
        the end of a file with bad rows, a kill -9) nothing is published; the staged rows are
        removed at once, or by the next import when the process died (``clean_imports``).

        ``profile`` fills in what the stored profile does not know yet (nothing is overwritten),
        and so does ``display_name`` (the name the person gave, kept only if none is stored).

        A record whose ``uid`` this person already has is skipped (importing the same file twice
        adds nothing); a ``uid`` that belongs to another person gets a fresh one (a copy); a
        ``uid`` seen twice in the input is added once. A day note for a day that already has
        one is merged into it, so nothing is lost.
        """
        self.clean_imports()
        job = self._start_import(person_id)
        try:
            consumed = 0
            pending: list[Record] = []
            for rec in records:
                pending.append(rec)
                if len(pending) >= batch:
                    self._stage(job, person_id, pending, consumed)
                    consumed += len(pending)
                    pending = []
            if pending:
                self._stage(job, person_id, pending, consumed)
                consumed += len(pending)
            added, merged = self._publish(job, person_id, profile, display_name)
        except BaseException:
            with suppress(Exception):  # what cannot be removed now, the next import removes
                self._drop_import(job)
            raise
        with suppress(Exception):
            self._drop_import(job)
        return ImportResult(added=added, skipped=consumed - added - merged, merged=merged)

    def _start_import(self, person_id: int) -> int:
        now = _now()
        with self.writing() as s:
            job = ImportJobRow(
                person_id=person_id,
                state="staging",
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                heartbeat_at=now,
            )
            s.add(job)
            s.flush()
            return job.id

    def _stage(self, job: int, person_id: int, recs: Sequence[Record], first_seq: int) -> None:
        """One short transaction: ``recs`` into ``import_rows`` (uids checked beforehand)."""
        by_table: dict[str, list[str]] = {}
        for rec in recs:
            by_table.setdefault(rec.table, []).append(rec.uid)
        with self.reading() as s:
            owners = {
                table: self._uid_owners(s, _ROWS[table], uids) for table, uids in by_table.items()
            }
        rows: list[dict[str, Any]] = []
        for i, rec in enumerate(recs):
            owner = owners[rec.table].get(rec.uid)
            if owner == person_id:
                continue  # already in this diary: skipped
            values = dict(_STAGED_BLANK)
            values.update(_values(rec, person_id))
            if owner is not None:  # another person's record: a copy with a fresh uid
                values["uid"] = Record().uid
            values.update(import_id=job, seq=first_seq + i, tbl=rec.table, src_uid=rec.uid)
            rows.append(values)
        with self.writing() as s:
            if rows:
                s.execute(_insert_ignoring_duplicates(s), rows)
            s.execute(
                update(ImportJobRow).where(ImportJobRow.id == job).values(heartbeat_at=_now())
            )

    def _publish(
        self, job: int, person_id: int, profile: Profile | None, display_name: str | None
    ) -> tuple[int, int]:
        """The one transaction that makes an import visible; returns (added, merged)."""
        from . import rollups  # noqa: F401  (imported before the lock is taken)

        st = STAGED_ROWS.c
        added = merged = 0
        with self.writing() as s:
            state = s.scalar(select(ImportJobRow.state).where(ImportJobRow.id == job))
            if state != "staging":
                raise StorageError(
                    "импорт прерван: его промежуточные записи удалены (процесс импорта считался "
                    "остановленным). Ничего не добавлено; запустите импорт ещё раз."
                )
            if profile is not None:
                self._merge_profile(s, profile, person_id)
            if display_name:
                person = s.get(PersonRow, person_id)
                if person is not None and not person.display_name:
                    person.display_name = display_name
            for table, row_cls in _ROWS.items():
                mine = (st.import_id == job, st.tbl == table)
                if table == "day_notes":
                    for row in s.execute(select(STAGED_ROWS).where(*mine).order_by(st.seq)):
                        if self._merge_day_note(s, _staged_day_note(row), person_id):
                            merged += 1
                        else:
                            added += 1
                    continue
                target: Any = row_cls
                columns = [c.name for c in row_cls.__table__.columns if c.name != "id"]
                taken = select(target.id).where(target.uid == st.uid)
                staged = (
                    select(*(st[c] for c in columns)).where(*mine, ~taken.exists()).order_by(st.seq)
                )
                into = insert(cast(Table, row_cls.__table__)).from_select(columns, staged)
                # preserve_rowcount: psycopg reports no row count for INSERT … SELECT otherwise.
                result = s.execute(into.execution_options(preserve_rowcount=True))
                added += max(int(getattr(result, "rowcount", 0) or 0), 0)
            s.execute(update(ImportJobRow).where(ImportJobRow.id == job).values(state="published"))
            if added or merged:
                self._after_write(s, person_id)
        return added, merged

    def clean_imports(self, *, stale_after: dt.timedelta = IMPORT_STALE_AFTER) -> int:
        """Remove the staged rows of imports that are published or whose process is gone
        (same host and the process id no longer runs, or no heartbeat for ``stale_after``).
        Returns how many imports were removed. Nothing of them was ever visible."""
        with self.reading() as s:
            if not inspect(s.connection()).has_table("imports"):
                return 0
            jobs = s.execute(
                select(
                    ImportJobRow.id,
                    ImportJobRow.state,
                    ImportJobRow.host,
                    ImportJobRow.pid,
                    ImportJobRow.heartbeat_at,
                )
            ).all()
        host, now = socket.gethostname()[:255], _now()
        removed = 0
        for job_id, state, job_host, pid, heartbeat in jobs:
            gone = job_host == host and not _process_alive(pid)
            if state == "published" or gone or heartbeat < now - stale_after:
                self._drop_import(job_id)
                removed += 1
        return removed

    def _drop_import(self, job: int) -> None:
        """Delete an import's staged rows, IMPORT_BATCH-sized transactions, then the import."""
        st = STAGED_ROWS.c
        while True:
            with self.writing() as s:
                cut = s.scalar(
                    select(st.seq)
                    .where(st.import_id == job)
                    .order_by(st.seq)
                    .offset(_DROP_BATCH)
                    .limit(1)
                )
                if cut is None:
                    s.execute(delete(STAGED_ROWS).where(st.import_id == job))
                    s.execute(delete(ImportJobRow).where(ImportJobRow.id == job))
                    return
                s.execute(delete(STAGED_ROWS).where(st.import_id == job, st.seq < cut))

    @staticmethod
    def _merge_profile(s: Session, profile: Profile, person_id: int) -> None:
        row = s.get(ProfileRow, person_id)
        values = profile.model_dump()
        if row is None:
            s.add(ProfileRow(person_id=person_id, updated_at=_now(), **values))
            return
        for name, value in values.items():
            if name == "medicines":
                current = list(row.medicines or [])
                row.medicines = current + [m for m in value if m not in current]
            elif getattr(row, name) is None:
                setattr(row, name, value)
        row.updated_at = _now()

    @staticmethod
    def _uid_owners(s: Session, row_cls: Any, uids: Sequence[str]) -> dict[str, int]:
        if s.scalar(select(row_cls.id).limit(1)) is None:
            return {}
        owners: dict[str, int] = {}
        for i in range(0, len(uids), _UID_CHUNK):
            chunk = uids[i : i + _UID_CHUNK]
            for uid, owner in s.execute(
                select(row_cls.uid, row_cls.person_id).where(row_cls.uid.in_(chunk))
            ):
                owners[uid] = owner
        return owners

    # --- typed conveniences -------------------------------------------------------------------

    def add_episode(self, *, person_id: int, episode: Episode) -> Episode:
        return self.add_record(episode, person_id=person_id)

    def get_episode(self, *, person_id: int, episode_id: int) -> Episode:
        return self.get_record(Episode, person_id=person_id, record_id=episode_id)

    def list_episodes(
        self,
        *,
        person_id: int,
        since: dt.date | dt.datetime | None = None,
        until: dt.date | dt.datetime | None = None,
        kinds: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[Episode]:
        return self.list_records(
            Episode,
            person_id=person_id,
            since=since,
            until=until,
            kinds=kinds,
            limit=limit,
            offset=offset,
            newest_first=newest_first,
        )

    def update_episode(
        self, *, person_id: int, episode_id: int, changes: Mapping[str, Any]
    ) -> Episode:
        return self.update_record(
            Episode, person_id=person_id, record_id=episode_id, changes=changes
        )

    def delete_episode(self, *, person_id: int, episode_id: int) -> None:
        self.delete_record(Episode, person_id=person_id, record_id=episode_id)

    def add_quick_episode(
        self, *, person_id: int, episode: Episode, within: dt.timedelta
    ) -> tuple[Episode, bool]:
        """A one-tap entry, counted once: when the same person recorded the same quick entry
        (the kind, the leg when one is given, nothing else) less than ``within`` ago, that one
        is returned instead of a new one. Returns (the episode, whether it is new). The check
        and the insert are one write transaction (SQLite's write lock, a per-person advisory
        lock on PostgreSQL), so two submits of one tap racing each other make one record."""
        e = EpisodeRow
        now = _now()
        with self.writing() as s:
            if s.get_bind().dialect.name == "postgresql":
                s.execute(
                    text("SELECT pg_advisory_xact_lock(:k, :p)"),
                    {"k": _PG_QUICK_LOCK, "p": person_id},
                )
            # A tap without a leg repeats any tap of that kind: the quick form forgets the leg
            # once the first tap is saved, so a double tap's second half arrives without it.
            minute = dt.timedelta(minutes=1)
            same = [
                e.person_id == person_id,
                e.kind == episode.kind,
                e.started_at.between(episode.started_at - minute, episode.started_at + minute),
            ]
            if episode.leg is not None:
                same.append(e.leg == episode.leg)
            found = s.scalars(
                select(e)
                .where(
                    *same,
                    e.created_at >= now - within,
                    e.intensity.is_(None),
                    e.duration_seconds.is_(None),
                    e.note.is_(None),
                )
                .order_by(e.created_at.desc(), e.id.desc())
                .limit(1)
            ).first()
            if found is not None:
                return _record(Episode, found), False
            row = e(**_values(episode.model_copy(update={"created_at": now}), person_id))
            s.add(row)
            s.flush()
            return _record(Episode, row), True

    def undo_episode(self, *, person_id: int, episode_id: int, within: dt.timedelta) -> Episode:
        """Delete an episode recorded less than ``within`` ago (the undo after a quick entry).

        Raises NotFoundError for a missing record or someone else's, and InputError when
        the time to undo is over (the record stays; «Удалить» still removes it)."""
        with self.writing() as s:
            row = s.get(EpisodeRow, episode_id, with_for_update=True)
            if row is None or row.person_id != person_id:
                raise NotFoundError(f"запись №{episode_id} не найдена")
            if row.created_at < _now() - within:
                raise InputError(
                    [
                        f"отменить можно только в первые {int(within.total_seconds())} секунд; "
                        "запись осталась — её можно удалить кнопкой «Удалить»"
                    ]
                )
            episode = _record(Episode, row)
            s.delete(row)
            return episode

    def add_episodes(self, *, person_id: int, episodes: Sequence[Episode]) -> ImportResult:
        return self.import_records(episodes, person_id=person_id)

    def add_day_note(self, *, person_id: int, note: DayNote) -> DayNote:
        """Record a day's triggers; a second note for the same day is merged into the first."""
        with self.writing() as s:
            self._merge_day_note(s, note, person_id)
            self._after_write(s, person_id)
            row = s.scalars(
                select(DayNoteRow).where(
                    DayNoteRow.person_id == person_id, DayNoteRow.day == note.day
                )
            ).one()
            return _record(DayNote, row)

    @staticmethod
    def _merge_day_note(s: Session, note: DayNote, person_id: int) -> bool:
        """Insert, or merge into the existing note of that day; True when merged."""
        row = s.scalars(
            select(DayNoteRow).where(DayNoteRow.person_id == person_id, DayNoteRow.day == note.day)
        ).one_or_none()
        if row is None:
            s.add(DayNoteRow(**_values(note, person_id)))
            s.flush()
            return False
        for trig, column in TRIGGER_COLUMNS.items():
            if trig in note.triggers:
                setattr(row, column, True)
        if note.note and note.note not in (row.note or ""):
            row.note = f"{row.note}\n{note.note}" if row.note else note.note
        s.flush()
        return True

    def add_exercise_session(
        self, *, person_id: int, session: ExerciseSession, check: bool = True
    ) -> ExerciseSession:
        if check:
            check_exercise_id(session.exercise_id)
        return self.add_record(session, person_id=person_id)

    def add_medicine_intake(self, *, person_id: int, intake: MedicineIntake) -> MedicineIntake:
        return self.add_record(intake, person_id=person_id)

    def add_scale_score(self, *, person_id: int, score: ScaleScore) -> ScaleScore:
        return self.add_record(score, person_id=person_id)

    def save_assessment(
        self,
        *,
        person_id: int,
        data: Mapping[str, Any],
        text: str | None = None,
        assessed_at: dt.datetime | None = None,
    ) -> Assessment:
        """Keep an assessment (the engine's JSON object) as it is, with its level and time."""
        from ..result import AssessmentDigest  # the engine's contract: not for other writes

        level = AssessmentDigest.from_json(data).level
        if not level:
            raise InputError(["в оценке нет уровня срочности (triage.level)"])
        try:
            record = Assessment(
                assessed_at=assessed_at or _now(), level=level, text=text, data=dict(data)
            )
        except ValidationError as exc:
            raise InputError(explain_validation(exc)) from exc
        return self.add_record(record, person_id=person_id)

    def latest_assessment(self, *, person_id: int) -> Assessment | None:
        found = self.list_records(Assessment, person_id=person_id, limit=1, newest_first=True)
        return found[0] if found else None

    # --- analytics input ----------------------------------------------------------------------

    def diary_days_scan(
        self,
        *,
        person_id: int,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> list[DayAggregate]:
        """The per-day aggregates computed from every episode row (what ``episode_days``
        holds, the slow way): the reference the tests compare the kept table with."""
        with self.reading() as s:
            return _days_scan(s, person_id=person_id, since=since, until=until)

    def diary_data(
        self,
        *,
        person_id: int,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> DiaryData:
        """Per-day aggregates, ready for :func:`analytics.analyse`.

        They come from ``episode_days``, which the database keeps in step with ``episodes``
        (triggers of revision 0004_ux_diary): one row a day, whatever the number of episodes.
        :meth:`diary_days_scan` computes the same from the episodes themselves."""
        with self.reading() as s:
            return diary_data_in(s, person_id=person_id, since=since, until=until)

    # --- rollups for the clinic ---------------------------------------------------------------

    def refresh_rollup(self, *, person_id: int, only_missing: bool = False) -> None:
        """Recompute the person's figures for the clinician's list (``patient_rollups``)."""
        from .rollups import refresh

        with self.writing() as s:
            if only_missing and s.get(RollupRow, person_id) is not None:
                return
            refresh(s, person_id=person_id)

    def _after_write(self, s: Session, person_id: int) -> None:
        """Every diary write keeps the person's rollup in step, in the same transaction."""
        from .rollups import refresh

        refresh(s, person_id=person_id)


def _days_scan(
    s: Session,
    *,
    person_id: int,
    since: dt.date | None,
    until: dt.date | None,
) -> list[DayAggregate]:
    e = EpisodeRow
    stmt = select(e.day, *day_sums(e).values()).where(e.person_id == person_id)
    if since is not None:
        stmt = stmt.where(e.day >= since)
    if until is not None:
        stmt = stmt.where(e.day <= until)
    stmt = stmt.group_by(e.day).order_by(e.day)
    return [_day_aggregate(row[0], row[1:]) for row in s.execute(stmt)]


def _day_aggregate(day: Any, sums: Sequence[Any]) -> DayAggregate:
    """One day's ``DAY_SUMS`` (in that order) as the analysis reads it."""
    from .analytics import DayAggregate  # numpy: only when analysing

    v = dict(zip(DAY_SUMS, (int(x or 0) for x in sums), strict=True))
    return DayAggregate(
        day=_as_date(day),
        episodes=v["episodes"],
        intensity_sum=v["intensity_sum"],
        intensity_n=v["intensity_n"],
        sleep=v["sleep"],
        walking=v["walking"],
        triggers={t: v[c] for t, c in TRIGGER_COLUMNS.items() if v[c]},
        kinds={k: v[c] for k, c in KIND_COLUMNS.items() if v[c]},
    )


def diary_data_in(
    s: Session,
    *,
    person_id: int,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> DiaryData:
    """:meth:`Store.diary_data` inside an open session (a write may read its own changes)."""
    from .analytics import DiaryData  # numpy: only when analysing

    d = EpisodeDayRow
    kept = d.__table__.c
    raw = select(d.day, *(kept[c] for c in DAY_SUMS)).where(
        d.person_id == person_id, d.episodes > 0
    )
    if since is not None:
        raw = raw.where(d.day >= since)
    if until is not None:
        raw = raw.where(d.day <= until)
    raw = raw.order_by(d.day)
    days = [_day_aggregate(row[0], row[1:]) for row in s.execute(raw)]
    notes_stmt = select(DayNoteRow).where(DayNoteRow.person_id == person_id)
    if since is not None:
        notes_stmt = notes_stmt.where(DayNoteRow.day >= since)
    if until is not None:
        notes_stmt = notes_stmt.where(DayNoteRow.day <= until)
    day_triggers = {
        n.day: frozenset(t for t, c in TRIGGER_COLUMNS.items() if getattr(n, c))
        for n in s.scalars(notes_stmt)
    }
    x = ExerciseSessionRow
    sessions_stmt = select(x.done_at).where(x.person_id == person_id)
    if since is not None:
        sessions_stmt = sessions_stmt.where(x.done_at >= _as_start(since))
    if until is not None:
        sessions_stmt = sessions_stmt.where(x.done_at < _as_end(until))
    session_times = list(s.scalars(sessions_stmt.order_by(x.done_at)))
    m = MedicineIntakeRow
    last_intake = s.scalar(select(func.max(m.taken_at)).where(m.person_id == person_id))
    firsts = [d for d in (days[0].day if days else None, min(day_triggers, default=None)) if d]
    start = min(firsts) if firsts else None
    if start is not None and since is not None:
        start = max(start, since)
    lasts = [
        days[-1].day if days else None,
        max(day_triggers, default=None),
        session_times[-1].date() if session_times else None,
        _as_date(last_intake) if last_intake is not None else None,
    ]
    present = [d for d in lasts if d is not None]
    end = max(present) if present and start is not None else None
    if end is not None and until is not None:
        end = min(end, until)
    return DiaryData(
        days=days,
        start=start,
        end=end,
        day_triggers=day_triggers,
        session_times=session_times,
        profile=_profile_in(s, person_id),
    )


def _profile_in(s: Session, person_id: int) -> Profile:
    row = s.get(ProfileRow, person_id)
    if row is None:
        return Profile()
    return Profile.model_validate({name: getattr(row, name) for name in Profile.model_fields})


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
