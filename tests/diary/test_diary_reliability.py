"""Real processes: a kill -9 in the middle of a bulk import, and two writers at once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from spasmnav.diary.models import Episode
from spasmnav.diary.store import Store

WORKER = str(Path(__file__).with_name("worker_proc.py"))


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, WORKER, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_kill_during_bulk_import_loses_nothing_committed(db_url: str, tmp_path: Path) -> None:
    with Store(db_url) as store:
        pid = store.default_person_id()
        before = [
            Episode(started_at=dt.datetime(2023, 1, 1) + dt.timedelta(hours=i), kind="cramp")
            for i in range(25)
        ]
        store.import_records(before, person_id=pid)

    marker = tmp_path / "mid-import"
    proc = _spawn("import", db_url, "25000", str(marker))
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import never started"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # mid-transaction: two chunks written, not committed
    finally:
        if proc.poll() is None and not marker.exists():
            proc.kill()
        proc.communicate(timeout=30)  # reap it and close the pipes
    assert proc.returncode == -signal.SIGKILL

    with Store(db_url) as store:
        pid = store.default_person_id()
        kept = store.list_episodes(person_id=pid, newest_first=False)
        assert [e.uid for e in kept] == [e.uid for e in before]  # committed data intact
        assert not any(e.note == "bulk" for e in kept)  # nothing of the killed import
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as c:
                assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # the database is writable again at once (no stale lock)
        store.add_episode(
            person_id=pid, episode=Episode(started_at=dt.datetime.now(), kind="spasm")
        )
        assert store.count_records(Episode, person_id=pid) == 26


@pytest.mark.slow
def test_two_processes_writing_at_once_both_succeed(db_url: str, tmp_path: Path) -> None:
    # A fresh database: the two processes also race to create the schema on first use.
    go = tmp_path / "go"
    procs = [_spawn("add", db_url, "150", str(go)) for _ in range(2)]
    time.sleep(0.3)
    go.write_text("go")
    results = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == "ok"
    with Store(db_url) as store:
        assert store.count_records(Episode, person_id=store.default_person_id()) == 300
