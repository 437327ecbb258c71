"""``spasmnav diary add`` on a local SQLite diary without Typer, SQLAlchemy or Alembic.

A quick entry is one process per episode, so its cold start is nearly all of its cost; Typer,
SQLAlchemy, pydantic-settings and Alembic together cost several times the write itself.
:func:`fast_main` reads the command's options in their plain forms (the one declaration,
:data:`spasmnav.diary.entry.ADD_OPTIONS`), checks them with the same code as the Typer command
(:func:`spasmnav.diary.entry.new_episode`) and writes the episode with the standard library's
``sqlite3`` in one ``BEGIN IMMEDIATE`` transaction, with the person's rollup
(:func:`spasmnav.diary.rollup_figures.figures`, the function ``rollups.refresh`` calls); the
per-day sums of ``episode_days`` are kept by the database's own triggers, whoever writes.

Anything it does not handle returns False before anything is written, and the Typer command
takes the whole command line: ``--help``, an unknown, repeated or glued option, a value that
looks like an option, a database that is not a plain SQLite file, a file that does not exist
yet or is empty, a schema that is not at the code's head (the full path migrates it), a diary
without its default person, settings it does not read the way pydantic-settings does.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = [
    "MIGRATIONS_DIR",
    "ROLLUP_READ",
    "fast_main",
    "head_key",
    "parse_fast",
    "secure_sqlite_files",
    "sql_value",
    "sqlite_target",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_DEFAULT_PERSON = "default"
_DEFAULT_TIMEOUT_MS = 30_000  # Settings.sqlite_busy_timeout_ms
_SETTINGS = ("SPASMNAV_DATABASE_URL", "SPASMNAV_SQLITE_BUSY_TIMEOUT_MS", "SPASMNAV_DATABASE_ECHO")


class _Fallback(Exception):
    """The full command must handle this command line (nothing was written)."""


# --- shared with the store ---------------------------------------------------------------------


def secure_sqlite_files(path: Path) -> None:
    """Health data and password hashes: only the owner may read them (0600; the directory
    SpasmNav made, 0700). Files left readable by an older version are fixed on start."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = candidate.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(candidate, mode & 0o700 | 0o600)
        except (FileNotFoundError, PermissionError):
            continue


def head_key() -> str:
    """The snapshot key of the migrations' head (a hash of every revision file)."""
    from .. import snapshot

    parts: list[bytes | str] = ["alembic-head"]
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        parts += [path.name, path.read_bytes()]
    return snapshot.fingerprint(parts)


def sql_value(value: Any) -> Any:
    """A value as SQLAlchemy's SQLite types store it (DateTime with six digits of
    microseconds, Date as ISO text, Boolean as 0/1), so both writers make the same rows."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


# --- the command line -------------------------------------------------------------------------


def parse_fast(args: list[str]) -> dict[str, Any] | None:
    """The parameters of ``diary add`` (by ``AddOption.param``) from ``args`` (the words after
    ``diary add``) in the plain forms, or None for anything Typer should read."""
    from .entry import ADD_OPTIONS

    by_name = {name: option for option in ADD_OPTIONS for name in option.names}
    values: dict[str, Any] = {
        o.param: ([] if o.many else False if o.flag else None) for o in ADD_OPTIONS if o.names
    }
    seen: set[str] = set()
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return None  # undecodable bytes: the full path decides what they mean
        if arg.startswith("--") and "=" in arg:
            name, _, value = arg.partition("=")
            option = by_name.get(name)
            if option is None or option.flag:
                return None
        elif arg in by_name:
            option = by_name[arg]
            if option.flag:
                if option.param in seen:
                    return None
                seen.add(option.param)
                values[option.param] = True
                continue
            if i >= len(args) or args[i].startswith("-"):
                return None
            value = args[i]
            i += 1
        elif arg.startswith("-"):
            return None  # --help, an unknown or glued option, "--"
        else:
            positional.append(arg)
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return None
        if option.many:
            values[option.param].append(value)
        elif option.param in seen:
            return None
        else:
            seen.add(option.param)
            values[option.param] = value
    if len(positional) != 1:
        return None
    (kind,) = (o for o in ADD_OPTIONS if not o.names)
    values[kind.param] = positional[0]
    for option in ADD_OPTIONS:
        if option.many and not values[option.param]:
            values[option.param] = None  # as Typer passes an option never given
    return values


# --- the database -------------------------------------------------------------------------------


def _settings(environ: Mapping[str, str]) -> tuple[str | None, int]:
    """The database URL and the busy timeout the settings would give (pydantic-settings reads
    ``SPASMNAV_*`` whatever its case); _Fallback for anything else (echo, two spellings of
    one name, a timeout that is not plain digits)."""
    found: dict[str, str] = {}
    for key, value in environ.items():
        name = key.upper()
        if name in _SETTINGS:
            if name in found:
                raise _Fallback
            found[name] = value
    if "SPASMNAV_DATABASE_ECHO" in found:
        raise _Fallback
    timeout = found.get("SPASMNAV_SQLITE_BUSY_TIMEOUT_MS")
    if timeout is not None and not re.fullmatch(r"[0-9]{1,9}", timeout):
        raise _Fallback
    return found.get("SPASMNAV_DATABASE_URL"), (
        int(timeout) if timeout is not None else _DEFAULT_TIMEOUT_MS
    )


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("spasmnav", appauthor=False))  # settings.default_data_dir


def sqlite_target(url: str | None) -> Path | None:
    """The file of a plain ``sqlite:///…`` URL (None: the default database), or None when the
    URL is anything else (another database, a driver, a query, an escape, memory, ``~``)."""
    if url is None:
        return _default_data_dir() / "spasmnav.db"
    if not url.startswith("sqlite:///"):
        return None
    database = url[len("sqlite:///") :]
    if not database or database == ":memory:" or database.startswith(("file:", "~")):
        return None
    if any(c in database for c in "%?#\x00"):
        return None
    return Path(database)


def _connect(path: Path, timeout_ms: int) -> sqlite3.Connection:
    """A connection set up as ``store.make_engine`` sets up its connections; _Fallback when
    the file is not an existing diary in WAL mode."""
    if not path.parent.is_dir():
        raise _Fallback
    if path.parent == _default_data_dir():
        os.chmod(path.parent, 0o700)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _Fallback from None  # a new diary: the full path creates and migrates it
    if size == 0:
        raise _Fallback  # the full path says what an empty file means
    secure_sqlite_files(path)
    # mode=rw: a file removed since it was looked at is not made again, empty, by this path.
    uri = f"file:{quote(str(path))}?mode=rw"
    connection = sqlite3.connect(uri, timeout=timeout_ms / 1000, isolation_level=None, uri=True)
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            raise _Fallback
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        connection.close()
        raise
    return connection


def _head() -> str:
    """The code's migration head as the full path last computed it (its snapshot cache)."""
    from .. import snapshot

    def missing() -> str:
        raise _Fallback  # the full path computes the head with Alembic and caches it

    return snapshot.cached("alembic-head", head_key(), missing, str)


def _check_schema(connection: sqlite3.Connection, head: str) -> int:
    """The default person's id, after checking the schema is at the code's head."""
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    if not {"alembic_version", "people", "episodes", "patient_rollups"} <= tables:
        raise _Fallback
    rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if len(rows) != 1 or rows[0][0] != head:
        raise _Fallback  # an older (or newer) schema: the full path migrates or refuses
    found = connection.execute("SELECT id FROM people WHERE key = ?", (_DEFAULT_PERSON,)).fetchone()
    if found is None:
        raise _Fallback  # the full path creates the person
    return int(found[0])


# The rollup's query (``rollups._READ`` for SQLite): the facts of ``rollup_figures.FACTS``,
# then the latest per-day sums beside them (one row with empty days when there are none).
ROLLUP_READ = """
SELECT facts.*, last_days.* FROM (SELECT
  (SELECT coalesce(sum(episodes), 0) FROM episode_days
    WHERE person_id = :pid AND episodes > 0),
  (SELECT min(day) FROM episode_days WHERE person_id = :pid AND episodes > 0),
  (SELECT max(started_at) FROM episodes WHERE person_id = :pid),
  (SELECT min(day) FROM day_notes WHERE person_id = :pid),
  (SELECT max(day) FROM day_notes WHERE person_id = :pid),
  (SELECT max(done_at) FROM exercise_sessions WHERE person_id = :pid),
  (SELECT max(taken_at) FROM medicine_intakes WHERE person_id = :pid),
  (SELECT level FROM assessments WHERE person_id = :pid
    ORDER BY assessed_at DESC, id DESC LIMIT 1),
  (SELECT assessed_at FROM assessments WHERE person_id = :pid
    ORDER BY assessed_at DESC, id DESC LIMIT 1),
  (SELECT max(assessed_at) FROM assessments WHERE person_id = :pid
    AND level IN ({urgent})),
  (SELECT max(recorded_at) FROM scale_scores WHERE person_id = :pid AND recorded_by = 'self')
) AS facts LEFT OUTER JOIN (
  SELECT day, episodes, intensity_sum, intensity_n, sleep, walking FROM episode_days
  WHERE person_id = :pid AND episodes > 0 ORDER BY day DESC LIMIT :days
) AS last_days ON 1 = 1
"""
_SESSIONS = (
    "SELECT done_at FROM exercise_sessions WHERE person_id = :pid AND done_at >= :since "
    "ORDER BY done_at"
)
_LOCK = "SELECT worsening_since FROM patient_rollups WHERE person_id = :pid"
_CREATE = (
    "INSERT INTO patient_rollups (person_id, updated_at, total_episodes, recent_episodes, trend) "
    "VALUES (:pid, :now, 0, 0, 'not_enough_data') ON CONFLICT DO NOTHING"
)


def _refresh_rollup(connection: sqlite3.Connection, person_id: int) -> None:
    """What ``rollups.refresh`` does, in the open transaction of ``connection``."""
    from .rollup_figures import N_FACTS, URGENT_LEVELS, WINDOW_DAYS, as_datetime, figures

    now = dt.datetime.now().replace(microsecond=0)
    p = {"pid": person_id, "now": sql_value(now)}
    found = connection.execute(_LOCK, p).fetchone()
    if found is None:
        connection.execute(_CREATE, p)
        found = connection.execute(_LOCK, p).fetchone()
    urgent = ", ".join(f"'{level}'" for level in URGENT_LEVELS)
    rows = connection.execute(
        ROLLUP_READ.format(urgent=urgent), {"pid": person_id, "days": WINDOW_DAYS + 1}
    ).fetchall()
    assert rows and len(rows[0]) == N_FACTS + 6
    values = figures(
        rows,
        worsening_since=as_datetime(found[0]) if found else None,
        now=now,
        read_sessions=lambda since: [
            r[0]
            for r in connection.execute(_SESSIONS, {"pid": person_id, "since": sql_value(since)})
        ],
    )
    sets = ", ".join(f"{name} = :{name}" for name in values)
    connection.execute(
        f"UPDATE patient_rollups SET {sets} WHERE person_id = :row_person",
        {**{k: sql_value(v) for k, v in values.items()}, "row_person": person_id},
    )


def _insert(connection: sqlite3.Connection, person_id: int, episode: Any) -> tuple[int, Any]:
    """The episode's row as ``store._values`` makes it; its id and ``created_at``."""
    from .fields import flag_columns
    from .models import Episode

    flags = flag_columns(Episode)
    values = episode.model_dump(exclude={"id", *flags})
    values["person_id"] = person_id
    values["created_at"] = episode.created_at or dt.datetime.now().replace(microsecond=0)
    for name, columns in flags.items():
        chosen = getattr(episode, name)
        for code, column in columns.items():
            values[column] = code in chosen
    values["day"] = episode.started_at.date()
    names = list(values)
    cursor = connection.execute(
        f"INSERT INTO episodes ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [sql_value(values[n]) for n in names],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid, values["created_at"]


def _write(connection: sqlite3.Connection, head: str, episode: Any) -> Any:
    """One transaction: the schema's check, the episode and the person's rollup, or nothing
    (_Fallback when the schema or the person is not what this path writes to)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        person_id = _check_schema(connection, head)  # under the write lock: no migration between
        new_id, created_at = _insert(connection, person_id, episode)
        _refresh_rollup(connection, person_id)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return episode.model_copy(update={"id": new_id, "created_at": created_at})


def _run(options: dict[str, Any]) -> bool:
    from ..assess_cli import console
    from .entry import added_line, new_episode
    from .models import InputError

    try:
        episode = new_episode(options)
    except InputError as exc:  # as the Typer command's guard says it
        err = console(stderr=True, markup=False, emoji=False)
        for problem in exc.problems:
            err.print(f"Ошибка: {problem}")
        raise SystemExit(2) from None
    try:
        url, timeout_ms = _settings(os.environ)
        path = sqlite_target(options["db"] if options["db"] is not None else url)
        if path is None:
            return False
        head = _head()
        connection = _connect(path, timeout_ms)
    except (_Fallback, OSError, sqlite3.Error):
        return False
    try:
        try:
            saved = _write(connection, head, episode)
        except _Fallback:
            return False
        except sqlite3.Error as exc:  # as the Typer command's guard says a database failure
            reason = str(exc).splitlines()[0]
            console(stderr=True, markup=False, emoji=False).print(f"Ошибка базы данных: {reason}")
            raise SystemExit(1) from None
    finally:
        connection.close()
    # Plain, as the Typer command prints: the person's words are not Rich markup.
    console(markup=False, emoji=False).print(added_line(saved))
    return True


def fast_main(args: list[str]) -> bool:
    """Run ``diary add`` with ``args`` (after ``diary add``) when this path can; False means
    nothing was written and the Typer app should take the whole command line."""
    options = parse_fast(args)
    if options is None:
        return False
    from ..assess_cli import guarded
    from ..startup import paused_gc

    done: list[bool] = []
    with paused_gc():  # bounded work, nearly all of it the start (see spasmnav.startup)
        guarded(lambda: done.append(_run(options)))
    return bool(done and done[0])
