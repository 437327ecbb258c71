"""Subprocess used by the reliability tests (not collected by pytest).

``add URL N STARTFILE``  wait until STARTFILE exists, then add N episodes, one transaction each.
``import URL N MARKER [PHASE]``  import N episodes; PHASE ``stage`` (the default): after two
                          batches are staged, create MARKER and hang; ``publish``: hang inside
                          the publishing transaction, after the episodes are copied. The test
                          kills the process there (kill -9).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from spasmnav.diary.models import Episode
from spasmnav.diary.store import Store


def main() -> None:
    mode, url, n, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    base = dt.datetime(2024, 1, 1, 8, 0)
    if mode == "add":
        while not path.exists():
            time.sleep(0.005)
        store = Store(url)
        person = store.default_person_id()
        for i in range(n):
            store.add_episode(
                person_id=person,
                episode=Episode(started_at=base + dt.timedelta(minutes=i), kind="cramp"),
            )
        print("ok", flush=True)
        return
    phase = sys.argv[5] if len(sys.argv) > 5 else "stage"
    store = Store(url)
    person = store.default_person_id()
    inserts = 0
    staging = phase == "stage"
    prefix, nth = ("INSERT INTO import_rows", 2) if staging else ("INSERT INTO episodes", 1)

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal inserts
        if statement.startswith(prefix):
            inserts += 1
            if inserts == nth:
                path.write_text("mid-import")
                time.sleep(120)

    event.listen(store.engine, "after_cursor_execute", after)
    episodes = [
        Episode(started_at=base + dt.timedelta(minutes=i), kind="twitch", note="bulk")
        for i in range(n)
    ]
    store.import_records(episodes, person_id=person, batch=1000)


if __name__ == "__main__":
    main()
