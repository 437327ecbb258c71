"""A database that cannot be used (review F7, F9, F16): said in Russian, nothing changed, the
typed text shown back; files only the owner can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from spasmnav.diary.models import Episode
from spasmnav.diary.store import StorageError, Store
from spasmnav.web import create_app

from .support import TestClient, csrf, make_settings

NOTE = "Ночью свело икру, помогло растянуть"


def _post_episode(c: TestClient) -> Any:
    token = csrf(c, "/diary")
    return c.post(
        "/diary/episodes",
        data={"csrf_token": token, "kind": "cramp", "note": NOTE * 100},
        follow_redirects=False,
    )


def _old_empty_file(path: Path) -> None:
    path.write_bytes(b"")
    os.utime(path, (0, 0))


def test_zero_length_database_is_not_a_new_diary(tmp_path: Path) -> None:
    db = tmp_path / "diary.db"
    _old_empty_file(db)
    with pytest.raises(StorageError, match="пуст"):
        Store(f"sqlite:///{db}")
    assert db.stat().st_size == 0  # nothing changed
    app = create_app(make_settings(tmp_path, database_url=f"sqlite:///{db}"))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = c.get("/api/v1/diary/episodes")
        assert r.status_code == 503 and "пуст" in r.json()["detail"]
        page = c.get("/diary")
        assert page.status_code == 503 and "резервной копии" in page.text
    assert db.stat().st_size == 0


def test_zero_length_database_in_the_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from spasmnav.cli import app as cli_app

    db = tmp_path / "diary.db"
    _old_empty_file(db)
    result = CliRunner().invoke(cli_app, ["diary", "list", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 1
    assert "пуст" in result.output and "Traceback" not in result.output


def test_newer_schema_is_refused_clearly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new.db"
    store = Store(url)
    with store.engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    store.close()
    with pytest.raises(StorageError, match="более новой версией"):
        Store(url)


def test_full_disk_keeps_the_text_and_says_why(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        store = app.state.core.services.store()
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

        @event.listens_for(store.engine, "connect")
        def _cap(dbapi_connection: Any, _record: Any) -> None:
            # SQLite's own "database or disk is full" (SQLITE_FULL), as on a full disk.
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        store.engine.dispose()
        for _ in range(40):  # the last free bytes of the last pages fill up first
            r = _post_episode(c)
            if r.status_code != 303:
                break
        assert r.status_code == 503
        assert "кончилось место" in r.text
        assert NOTE in r.text  # the typed note is shown back
        api = c.post("/api/v1/diary/episodes", json={"kind": "cramp", "note": NOTE * 100})
        assert api.status_code == 503 and "место" in api.json()["detail"]
    app.state.core.services.close()


def test_read_only_database_says_so(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    with Store(f"sqlite:///{db}") as store:
        store.default_person_id()
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    app = create_app(make_settings(tmp_path, database_url=url))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = _post_episode(c)
        assert r.status_code == 503 and "только для чтения" in r.text
        assert NOTE in r.text
    app.state.core.services.close()


def test_database_files_are_private(tmp_path: Path) -> None:
    fresh_dir = tmp_path / "new" / "data"
    db = fresh_dir / "spasmnav.db"
    store = Store(f"sqlite:///{db}")
    store.add_episode(
        person_id=store.default_person_id(),
        episode=Episode(kind="cramp", started_at="2024-05-01T10:00"),
    )
    for path in (db, Path(f"{db}-wal")):
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(fresh_dir.stat().st_mode) == 0o700
    store.close()
    # A file left readable by an older version is fixed when it is opened again.
    os.chmod(db, 0o644)
    Store(f"sqlite:///{db}").close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_loopback_check_is_by_address_not_by_prefix() -> None:
    from spasmnav.web.app import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("127.1.2.3") and is_loopback("::1")
    assert not is_loopback("127.attacker.example")
    assert not is_loopback("127.0.0.1.nip.io")
    assert not is_loopback("0.0.0.0")
