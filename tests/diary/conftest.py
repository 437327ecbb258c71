"""Fixtures for the diary tests: a fresh database on SQLite and, when available, PostgreSQL.

PostgreSQL comes from ``SPASMNAV_TEST_POSTGRES_URL``; every test gets its own schema (through
``search_path``), dropped afterwards, so tests never see each other's data.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from spasmnav.diary.store import Store

PG_ENV = "SPASMNAV_TEST_POSTGRES_URL"
_pg_problem: str | None = None
_pg_checked = False


def _pg_base() -> str:
    """The PostgreSQL URL, or skip with the reason."""
    global _pg_checked, _pg_problem
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL: {PG_ENV} не задан — тесты на PostgreSQL пропущены")
    if not _pg_checked:
        _pg_checked = True
        engine = create_engine(url)
        try:
            with engine.connect() as c:
                c.execute(text("SELECT 1"))
        except OperationalError as exc:
            _pg_problem = str(exc.orig).splitlines()[0]
        finally:
            engine.dispose()
    if _pg_problem:
        pytest.skip(f"PostgreSQL по {PG_ENV} недоступен: {_pg_problem}")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema of this test."""
    base = _pg_base()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/diary.db"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/diary.db"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def pdf_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the doctor's report's PDF draws from now on, in order (each passes through
    ``normalize_text``)."""
    from spasmnav.diary import report

    drawn: list[str] = []
    original = report._Doc.normalize_text

    def spy(self: Any, text: str) -> str:
        drawn.append(text)
        return original(self, text)

    monkeypatch.setattr(report._Doc, "normalize_text", spy)
    return drawn


@pytest.fixture
def cramp_episode() -> Any:
    """An episode with the fields the doctor's table and the terminal's list show filled."""
    from spasmnav.diary.models import Episode

    return Episode(
        started_at=dt.datetime(2024, 5, 1, 23, 30),
        kind="cramp",
        leg="left",
        intensity=6,
        duration_seconds=150,
        helped="растяжка",
        triggers=("caffeine", "cold"),
        place="икра",
    )
