"""The restore that docs/deploy.md describes, run: pg_dump of a clinic's database, pg_restore
into a fresh one, `spasmnav db upgrade` finds the schema current and every row is there."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from spasmnav.cli import app as cli_app
from spasmnav.diary.models import Episode
from spasmnav.diary.store import Store
from spasmnav.web.accounts import Accounts
from spasmnav.web.clinic import Clinic

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TABLES = ("people", "episodes", "users", "clinic_shares", "patient_rollups", "alembic_version")


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def two_databases() -> Iterator[tuple[URL, URL]]:
    base = os.environ.get("SPASMNAV_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("PostgreSQL: SPASMNAV_TEST_POSTGRES_URL не задан")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore не установлены")
    url = make_url(base)
    stem = f"{url.database}_{uuid.uuid4().hex[:8]}"
    names = (f"{stem}_live", f"{stem}_restored")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            for name in names:
                c.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL недоступен: {type(exc.orig).__name__}")
    try:
        yield url.set(database=names[0]), url.set(database=names[1])
    finally:
        with admin.connect() as c:
            for name in names:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _counts(url: URL) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return {t: int(c.scalar(text(f"SELECT count(*) FROM {t}")) or 0) for t in TABLES}
    finally:
        engine.dispose()


def test_pg_dump_and_restore_as_the_guide_says(
    two_databases: tuple[URL, URL], tmp_path: Path
) -> None:
    live, restored = two_databases
    with Store(live.render_as_string(hide_password=False)) as store:
        account = Accounts(store).create(username="anna", password_hash="x")
        now = dt.datetime.now().replace(microsecond=0)
        for k in range(30):
            store.add_episode(
                person_id=account.person_id,
                episode=Episode(kind="cramp", started_at=now - dt.timedelta(hours=k)),
            )
        Clinic(store).make_code(person_id=account.person_id, label="Анна")
    dump = tmp_path / "spasmnav.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _libpq(live)], check=True
    )
    subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={_libpq(restored)}", str(dump)], check=True
    )
    r = CliRunner().invoke(
        cli_app, ["db", "upgrade", "--db", restored.render_as_string(hide_password=False)]
    )
    assert r.exit_code == 0 and "Схема уже новая" in r.output, r.output
    before, after = _counts(live), _counts(restored)
    assert after == before and after["episodes"] == 30 and after["patient_rollups"] == 1
