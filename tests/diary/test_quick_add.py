"""The quick start of ``spasmnav diary add`` (``spasmnav.diary.quick_add``) against the Typer
command: the same rows in every table, the same output, the same Russian errors and exit
codes; the Typer command for everything the quick path does not handle (an old schema, a new
file, another database, unusual options); nothing lost while the database is locked."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

from spasmnav.diary import quick_add, rollups
from spasmnav.diary.entry import ADD_OPTIONS
from spasmnav.diary.models import (
    Assessment,
    DayNote,
    Episode,
    ExerciseSession,
    MedicineIntake,
    ScaleScore,
)
from spasmnav.diary.store import Store, head_revision, upgrade
from spasmnav.settings import Settings, default_data_dir

SPASMNAV = [sys.executable, "-m", "spasmnav"]
NOW = dt.datetime(2026, 3, 10, 12, 34, 56)
runner = CliRunner()


def _typer_app() -> Any:
    from spasmnav.cli import app

    return app


def _history(url: str) -> None:
    """A diary with something of every kind before ``NOW``, so the rollup has figures."""
    with Store(url) as store:
        person = store.default_person_id()
        for i in range(30):
            day = NOW - dt.timedelta(days=40 - i, hours=i % 5)
            store.add_episode(
                person_id=person,
                episode=Episode(
                    kind=("cramp", "twitch", "spasm")[i % 3],
                    started_at=day,
                    intensity=None if i % 4 == 0 else i % 11,
                    leg="left",
                    disturbs_sleep=i % 6 == 0,
                    triggers=("caffeine",) if i % 2 else (),
                ),
            )
        store.add_day_note(
            person_id=person, note=DayNote(day=(NOW - dt.timedelta(days=3)).date(), triggers=())
        )
        for h in (1, 5, 30):
            store.add_exercise_session(
                person_id=person,
                session=ExerciseSession(
                    done_at=NOW - dt.timedelta(days=2, hours=h), exercise_id="calf_stretch"
                ),
                check=False,
            )
        store.add_medicine_intake(
            person_id=person,
            intake=MedicineIntake(taken_at=NOW - dt.timedelta(days=1), name="магний"),
        )
        store.add_record(
            Assessment(
                assessed_at=NOW - dt.timedelta(days=5),
                level="urgent",
                data={"triage": {"level": "urgent"}},
            ),
            person_id=person,
        )
        store.add_scale_score(
            person_id=person,
            score=ScaleScore(
                recorded_at=NOW - dt.timedelta(days=4),
                scale="penn",
                score="2",
                recorded_by="self",
            ),
        )


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick") / "base.db"
    _history(f"sqlite:///{path}")
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    head_revision()  # what the full path caches and the quick path reads
    return path


def _copy(base: Path, to: Path) -> Path:
    shutil.copyfile(base, to)
    os.chmod(to, 0o600)
    return to


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as c:
        names = [
            r[0]
            for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        return {n: c.execute(f"SELECT * FROM {n} ORDER BY rowid").fetchall() for n in names}


class _Fixed:
    """The same uid for the episode whichever path makes it."""

    def __init__(self) -> None:
        self.value = uuid.UUID(int=0x1234)

    def __call__(self) -> uuid.UUID:
        return self.value


def _full(args: list[str], db: Path) -> tuple[int, str, str]:
    result = runner.invoke(_typer_app(), ["diary", "add", *args, "--db", f"sqlite:///{db}"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _quick(
    args: list[str], db: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[bool, int, str, str]:
    capsys.readouterr()
    code = 0
    try:
        handled = quick_add.fast_main([*args, "--db", f"sqlite:///{db}"])
    except SystemExit as exc:
        handled, code = True, int(exc.code or 0)
    out, err = capsys.readouterr()
    return handled, code, out, err


# --- the differential test ---------------------------------------------------------------------

_TEXT = st.text(
    # «[», «/», «]», «:»: Rich markup and emoji codes, which both paths print as typed.
    alphabet=st.sampled_from("абвгдеёжзийклмнопрстуфхцчшщьыэюяАБВ икраstopa,.-!?—0123456789[/]:"),
    max_size=40,
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    values: dict[str, Any] = {
        "leg": st.sampled_from(["left", "л", "Обе", "правая", "", "x", "  right "]),
        "place": st.one_of(_TEXT, st.just("и" * 201)),
        "intensity": st.sampled_from(["0", "6", "10", "11", "abc", " 7 ", "3.5"]),
        "duration": st.sampled_from(["30", "2мин", "1:30", "1.5 мин", "abc", "30с", "2ч"]),
        "at": st.sampled_from(
            [
                "вчера 23:30",
                "2024-05-01 23:30",
                "23:30",
                "01.05.2024",
                "25:00",
                "сейчас",
                "позавчера 7.15",
            ]
        ),
        "helped": _TEXT,
        "note": st.one_of(_TEXT, st.just("з" * 5001)),
    }
    words: list[list[str]] = [
        [
            draw(
                st.sampled_from(
                    ["cramp", "twitch", "спазм", "Судорога", "дрожь", "stiffness", "боль", "СВОДИТ"]
                )
            )
        ]
    ]
    for option in ADD_OPTIONS:
        if not option.names or option.param == "db":
            continue
        if option.flag:
            if draw(st.booleans()):
                words.append([option.names[0]])
            continue
        if option.many:
            for value in draw(
                st.lists(
                    st.sampled_from(["кофе", "stress", "сон,холод", "жара;пот", "bad"]), max_size=3
                )
            ):
                words.append([draw(st.sampled_from(option.names)), value])
            continue
        if not draw(st.booleans()):
            continue
        value = draw(values[option.param])
        form = draw(st.sampled_from(["separate", "equals", "short"]))
        long = option.names[0]
        if form == "equals":
            words.append([f"{long}={value}"])
        elif form == "short" and len(option.names) > 1:
            words.append([option.names[-1], value])
        else:
            words.append([long, value])
    order = draw(st.permutations(words))
    return [w for group in order for w in group]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=command_lines())
def test_the_quick_path_and_the_typer_command_write_and_say_the_same(
    args: list[str],
    base_db: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uuid, "uuid4", _Fixed())
    with tempfile.TemporaryDirectory() as tmp:
        full_db = _copy(base_db, Path(tmp) / "full.db")
        quick_db = _copy(base_db, Path(tmp) / "quick.db")
        with time_machine.travel(NOW, tick=False):
            full = _full(args, full_db)
            handled, *quick = _quick(args, quick_db, capsys)
        if quick_add.parse_fast(args) is None:
            # A value that looks like an option (e.g. "--place -x"): the Typer command reads it.
            event("left to Typer")
            assert not handled and _tables(quick_db) == _tables(base_db)
            return
        assert handled
        event("saved" if full[0] == 0 else f"refused, exit code {full[0]}")
        assert tuple(quick) == full, args
        assert _tables(quick_db) == _tables(full_db), args
        if full[0] == 0:
            assert _tables(full_db)["episodes"] != _tables(base_db)["episodes"]
        else:
            assert _tables(quick_db) == _tables(base_db)  # nothing written on bad input


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        (["cramp", "--leg", "left", "-i", "6", "--place", "[/x]"], 0, "левая нога, [/x], сила 6"),
        (["cramp", "--place", "[bold]b[/bold] :smile:", "--note", "[red]"], 0, ":smile:"),
        (["[/x]"], 2, "вид эпизода «[/x]»"),
        (["cramp", "--leg", "[/x]"], 2, "нога «[/x]»"),
    ],
)
def test_the_persons_text_is_printed_as_typed_on_both_paths(
    args: list[str],
    code: int,
    shown: str,
    base_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """«[/x]» is not Rich markup: it crashed both paths after the episode was saved."""
    full_db = _copy(base_db, tmp_path / "full.db")
    quick_db = _copy(base_db, tmp_path / "quick.db")
    full = _full(args, full_db)
    handled, *quick = _quick(args, quick_db, capsys)
    assert handled and tuple(quick) == full
    assert full[0] == code and shown in (full[1] if code == 0 else full[2])
    assert "Traceback" not in full[1] + full[2]
    added = len(_tables(quick_db)["episodes"]) - len(_tables(base_db)["episodes"])
    assert added == (1 if code == 0 else 0)
    if code == 0:
        assert "[bold]b[/bold]" in full[1] or "[/x]" in full[1]


def test_a_saved_episode_updates_every_kept_figure(
    base_db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The rollup and the per-day sums after a quick entry are the ones computed afresh."""
    db = _copy(base_db, tmp_path / "d.db")
    with time_machine.travel(NOW, tick=False):
        handled, code, out, _ = _quick(["cramp", "-i", "9", "--sleep"], db, capsys)
    assert handled and code == 0 and out.startswith("Записано: эпизод №31 — судорога")
    kept = _tables(db)["patient_rollups"]
    with Store(f"sqlite:///{db}") as store:
        person = store.default_person_id()
        assert store.diary_days_scan(person_id=person) == store.diary_data(person_id=person).days
        with store.writing() as s, time_machine.travel(NOW, tick=False):
            rollups.refresh(s, person_id=person)
    assert _tables(db)["patient_rollups"] == kept
    assert kept[0][3] == 31  # total_episodes


def test_the_rollup_query_reads_what_the_orm_query_reads(base_db: Path) -> None:
    from spasmnav.diary.rollup_figures import URGENT_LEVELS, WINDOW_DAYS

    with Store(f"sqlite:///{base_db}") as store, store.reading() as s:
        typed = s.connection().execute(rollups._READ, {"pid": 1}).all()
    with sqlite3.connect(base_db) as c:
        urgent = ", ".join(f"'{level}'" for level in URGENT_LEVELS)
        raw = c.execute(
            quick_add.ROLLUP_READ.format(urgent=urgent), {"pid": 1, "days": WINDOW_DAYS + 1}
        ).fetchall()
    assert len(raw) == len(typed) > 1
    assert raw == [tuple(quick_add.sql_value(v) for v in row) for row in typed]


# --- what the quick path leaves to the Typer command ---------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["cramp", "--help"],
        ["--help"],
        ["cramp", "-h"],
        [],
        ["cramp", "spasm"],  # two kinds
        ["cramp", "--leg"],  # no value
        ["cramp", "--leg", "left", "--leg", "right"],  # repeated
        ["cramp", "--sleep", "--sleep"],
        ["cramp", "-lleft"],  # glued short option
        ["cramp", "--sleep=1"],  # a value on a flag
        ["cramp", "--lge", "left"],  # unknown
        ["cramp", "-i", "-1"],  # a value that looks like an option
        ["--", "cramp"],
        ["cramp", "--place", "\udcff"],  # bytes that are not UTF-8
    ],
)
def test_unusual_command_lines_go_to_typer(args: list[str]) -> None:
    assert quick_add.parse_fast(args) is None


def test_plain_forms_are_read() -> None:
    got = quick_add.parse_fast(
        ["-t", "кофе", "cramp", "--trigger=стресс", "--at=вчера 23:30", "-i", "6", "--walking"]
    )
    assert got is not None
    assert got["kind"] == "cramp" and got["trigger"] == ["кофе", "стресс"]
    assert got["at"] == "вчера 23:30" and got["intensity"] == "6" and got["walking"] is True
    assert got["sleep"] is False and got["leg"] is None and got["db"] is None
    assert set(got) == {o.param for o in ADD_OPTIONS}
    empty = quick_add.parse_fast(["cramp"])
    assert empty is not None and empty["trigger"] is None  # as Typer passes it


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://u:p@localhost/db",
        "sqlite+pysqlite:///x.db",
        "sqlite:///x.db?mode=ro",
        "sqlite:///a%20b.db",
        "sqlite:///:memory:",
        "sqlite://",
        "sqlite:///~/x.db",
        "sqlite:///file:x.db",
        "SQLITE:///x.db",
    ],
)
def test_other_databases_go_to_the_full_path(url: str) -> None:
    assert quick_add.sqlite_target(url) is None


def test_the_default_database_is_the_settings_one() -> None:
    assert quick_add.sqlite_target(None) == default_data_dir() / "spasmnav.db"
    assert quick_add.sqlite_target("sqlite:////a/b.db") == Path("/a/b.db")
    assert quick_add.sqlite_target("sqlite:///rel/b.db") == Path("rel/b.db")


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"SPASMNAV_DATABASE_URL": "sqlite:////tmp/x.db"},
        {"spasmnav_database_url": "sqlite:////tmp/y.db"},
        {"SPASMNAV_SQLITE_BUSY_TIMEOUT_MS": "1500"},
        {"SPASMNAV_SQLITE_BUSY_TIMEOUT_MS": " 15 "},
        {"SPASMNAV_SQLITE_BUSY_TIMEOUT_MS": "1_500"},
        {"SPASMNAV_DATABASE_ECHO": "1"},
        {"SPASMNAV_DATABASE_URL": "sqlite:////a.db", "spasmnav_database_url": "sqlite:////b.db"},
    ],
)
def test_settings_are_read_as_pydantic_settings_reads_them_or_not_at_all(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.upper().startswith("SPASMNAV_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    try:
        url, timeout = quick_add._settings(os.environ)
    except quick_add._Fallback:
        return
    settings_ = Settings()
    assert timeout == settings_.sqlite_busy_timeout_ms and not settings_.database_echo
    assert (url or f"sqlite:///{default_data_dir() / 'spasmnav.db'}") == settings_.database_url


def test_an_old_schema_goes_to_the_full_path_which_migrates_it(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    url = f"sqlite:///{db}"
    with Store(url, migrate=False) as store:
        upgrade(store.engine, "0004_ux_diary")
        with store.engine.begin() as c:
            c.execute(text("INSERT INTO people (key, created_at) VALUES ('default', '2026-01-01')"))
    before = _tables(db)
    assert not quick_add.fast_main(["cramp", "--db", url])  # nothing done
    assert _tables(db) == before
    out = subprocess.run(
        [*SPASMNAV, "diary", "add", "cramp", "-i", "4", "--db", url],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Записано: эпизод №1 — судорога (крампи), сила 4")
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]
        assert c.execute("SELECT kind, intensity FROM episodes").fetchall() == [("cramp", 4)]


def test_a_new_diary_is_made_by_the_full_path(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert not quick_add.fast_main(["cramp", "--db", url])
    assert not (tmp_path / "new.db").exists()
    out = subprocess.run(
        [*SPASMNAV, "diary", "add", "cramp", "--db", url],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert out.returncode == 0 and out.stdout.startswith("Записано: эпизод №1"), out.stderr
    assert (tmp_path / "new.db").stat().st_mode & 0o777 == 0o600


def test_an_empty_file_gets_the_full_paths_answer(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    old = time.time() - 60
    os.utime(db, (old, old))
    assert not quick_add.fast_main(["cramp", "--db", f"sqlite:///{db}"])
    assert db.stat().st_size == 0


# --- through the real entry point ----------------------------------------------------------


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SPASMNAV, "diary", "add", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_the_entry_point_takes_the_quick_path_for_the_default_database(
    base_db: Path, tmp_path: Path
) -> None:
    quick_db = _copy(base_db, tmp_path / "quick.db")
    full_db = _copy(base_db, tmp_path / "full.db")
    args = ["спазм", "--leg", "обе", "-d", "2мин", "--at", "2026-03-10 12:00", "--place", "икра"]
    env = {"SPASMNAV_DATABASE_URL": f"sqlite:///{quick_db}", "PYTHONPROFILEIMPORTTIME": "1"}
    quick = _cli(*args, env=env)
    assert quick.returncode == 0, quick.stderr
    assert (
        quick.stdout == "Записано: эпизод №31 — спазм, обе ноги, икра, 2 мин, 10.03.2026 12:00.\n"
    )
    imported = quick.stderr  # -X importtime: every module the process imported
    for heavy in ("sqlalchemy", "typer", "alembic", "pydantic_settings", "numpy"):
        assert f" {heavy}\n" not in imported and f" {heavy}." not in imported, heavy
    # The same through the Typer command (a URL the quick path leaves to it): the same text.
    full = _cli(*args, "--db", f"sqlite+pysqlite:///{full_db}")
    assert (full.returncode, full.stdout) == (0, quick.stdout)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["боль"], 2),
        (["cramp", "-i", "11", "--leg", "x"], 2),
        (["cramp", "--place", "и" * 201], 2),
        (["cramp", "--at", "25:99"], 2),
    ],
)
def test_bad_input_gets_the_same_russian_message_and_exit_code(
    args: list[str], code: int, base_db: Path, tmp_path: Path
) -> None:
    db = _copy(base_db, tmp_path / "d.db")
    quick = _cli(*args, "--db", f"sqlite:///{db}")
    full = _cli(*args, "--db", f"sqlite+pysqlite:///{db}")
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    )
    assert quick.returncode == code and quick.stderr.startswith("Ошибка: ")
    assert "Traceback" not in quick.stderr
    assert _tables(db) == _tables(base_db)


# --- a locked database ----------------------------------------------------------------------


@contextmanager
def _write_lock(db: Path) -> Iterator[sqlite3.Connection]:
    """Another writer holding the database's write lock (a long import, say)."""
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("BEGIN IMMEDIATE")
    try:
        yield c
    finally:
        if c.in_transaction:
            c.execute("ROLLBACK")
        c.close()


def test_a_database_locked_past_the_timeout_gets_the_same_answer(
    base_db: Path, tmp_path: Path
) -> None:
    db = _copy(base_db, tmp_path / "d.db")
    env = {"SPASMNAV_SQLITE_BUSY_TIMEOUT_MS": "300"}
    with _write_lock(db):
        quick = _cli("cramp", "-i", "5", "--db", f"sqlite:///{db}", env=env)
        full = _cli("cramp", "-i", "5", "--db", f"sqlite+pysqlite:///{db}", env=env)
    assert (quick.returncode, quick.stdout, quick.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    )
    assert quick.returncode == 1
    assert quick.stderr == "Ошибка базы данных: database is locked\n"
    assert _tables(db) == _tables(base_db)  # nothing half-written


def test_a_writer_waits_for_the_lock_and_its_entry_is_kept(base_db: Path, tmp_path: Path) -> None:
    db = _copy(base_db, tmp_path / "d.db")
    with _write_lock(db) as other:
        other.execute("INSERT INTO people (key, created_at) VALUES ('other', '2026-01-01')")
        proc = subprocess.Popen(
            [*SPASMNAV, "diary", "add", "cramp", "-i", "5", "--db", f"sqlite:///{db}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        assert proc.poll() is None  # waiting for the lock, not failing
        other.execute("COMMIT")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert stdout.startswith("Записано: эпизод №31 — судорога (крампи), сила 5")
    tables = _tables(db)
    assert len(tables["episodes"]) == 31 and len(tables["people"]) == 2


@pytest.mark.parametrize("name", ["with space/d b.db", "rel.db"])
def test_relative_paths_and_spaces_are_the_files_the_full_path_opens(
    name: str,
    base_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    db = Path(name)
    db.parent.mkdir(exist_ok=True)
    _copy(base_db, db)
    handled, code, out, _ = _quick(["cramp", "-i", "2"], db, capsys)
    assert handled and code == 0 and out.startswith("Записано: эпизод №31")
    assert len(_tables(tmp_path / name)["episodes"]) == 31
    assert sorted(p.name for p in db.parent.iterdir() if p.suffix == ".db") == [db.name]


def test_a_missing_rollup_row_is_made_as_the_orm_path_makes_it(
    base_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uuid, "uuid4", _Fixed())
    dbs = []
    for name in ("full.db", "quick.db"):
        db = _copy(base_db, tmp_path / name)
        with sqlite3.connect(db) as c:
            c.execute("DELETE FROM patient_rollups")
        dbs.append(db)
    args = ["twitch", "--leg", "right", "-i", "3", "-t", "кофе"]
    with time_machine.travel(NOW, tick=False):
        full = _full(args, dbs[0])
        handled, *quick = _quick(args, dbs[1], capsys)
    assert handled and full[0] == 0 and tuple(quick) == full
    tables = _tables(dbs[1])
    assert tables == _tables(dbs[0]) and len(tables["patient_rollups"]) == 1
