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


def _staged_rows(store: Store) -> tuple[int, int]:
    """(imports, staged rows) left in the staging tables."""
    with store.engine.connect() as c:
        jobs = c.execute(text("SELECT count(*) FROM imports")).scalar()
        rows = c.execute(text("SELECT count(*) FROM import_rows")).scalar()
    return int(jobs or 0), int(rows or 0)


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["stage", "publish"])
def test_kill_during_bulk_import_loses_nothing_committed(
    db_url: str, tmp_path: Path, phase: str
) -> None:
    """kill -9 while the import stages its batches (each committed) or inside the publishing
    transaction: nothing of it is visible, committed data is intact, the next import removes
    what the killed one staged."""
    with Store(db_url) as store:
        pid = store.default_person_id()
        before = [
            Episode(started_at=dt.datetime(2023, 1, 1) + dt.timedelta(hours=i), kind="cramp")
            for i in range(25)
        ]
        store.import_records(before, person_id=pid)
        assert _staged_rows(store) == (0, 0)  # a finished import leaves nothing behind

    marker = tmp_path / "mid-import"
    proc = _spawn("import", db_url, "25000", str(marker), phase)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import never started"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None and not marker.exists():
            proc.kill()
        proc.communicate(timeout=30)  # reap it and close the pipes
    assert proc.returncode == -signal.SIGKILL

    with Store(db_url) as store:
        pid = store.default_person_id()
        jobs, rows = _staged_rows(store)
        if phase == "stage":
            # The first batch was committed to the staging table (invisible to every reader);
            # the second was being written when the process died.
            assert (jobs, rows) == (1, 1000)
        kept = store.list_episodes(person_id=pid, newest_first=False)
        assert [e.uid for e in kept] == [e.uid for e in before]  # committed data intact
        assert not any(e.note == "bulk" for e in kept)  # nothing of the killed import
        assert store.count_records(Episode, person_id=pid) == 25
        assert sum(d.episodes for d in store.diary_data(person_id=pid).days) == 25
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as c:
                assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # the database is writable again at once (no stale lock)
        store.add_episode(
            person_id=pid, episode=Episode(started_at=dt.datetime.now(), kind="spasm")
        )
        assert store.count_records(Episode, person_id=pid) == 26
        # The next import cleans up what the killed one left (its process is gone).
        again = [Episode(started_at=dt.datetime(2023, 6, 1), kind="twitch", note="again")]
        assert store.import_records(again, person_id=pid).added == 1
        assert _staged_rows(store) == (0, 0)
        assert store.count_records(Episode, person_id=pid) == 27
        assert store.diary_days_scan(person_id=pid) == store.diary_data(person_id=pid).days


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
