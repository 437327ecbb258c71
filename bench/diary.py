"""Diary benchmark: insert throughput and the time of ``trends`` for one person.

Sizes follow issue 5: 1,000,000 episodes for one person, and a clinic of 10,000 people × 365
days. Scale them with SPASMNAV_BENCH_EPISODES and SPASMNAV_BENCH_CLINIC_PEOPLE. Runs on SQLite
in a temporary directory (set SPASMNAV_BENCH_DIR to keep the files).

Trends (issue 14): the whole analysis of one person (read + statistics) against a baseline
measured in the same run on the same rows: the plainest SQL aggregate over that person's
episodes (``SELECT day, count(*) … GROUP BY day``), which any scan-based trends must exceed.
The absolute target is ≤ 0.5 s; the ratio shows how far below a scan it stays on a busy machine.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from spasmnav.diary.analytics import analyse
from spasmnav.diary.models import KINDS, TRIGGERS, Episode
from spasmnav.diary.store import Store

TRENDS_TARGET_S = 0.5
SCAN_SQL = text("SELECT day, count(*) FROM episodes WHERE person_id = :p GROUP BY day")
CHUNK = 50_000


def _n(x: float) -> str:
    """A number the Russian way: 1 000 000."""
    return f"{x:,.0f}".replace(",", "\u00a0")


def _episodes(n: int, *, seed: int = 5) -> list[Episode]:
    rng = random.Random(seed)
    start = dt.datetime(2021, 1, 1)
    span = 5 * 365 * 24 * 60
    # A diary is written in time order; minutes sorted so rows arrive as a person adds them.
    minutes = sorted(rng.randrange(span) for _ in range(n))
    return [
        Episode(
            started_at=start + dt.timedelta(minutes=m),
            kind=rng.choice(KINDS),
            intensity=rng.randrange(11),
            triggers=tuple(t for t in TRIGGERS if rng.random() < 0.1),
            disturbs_sleep=rng.random() < 0.1,
        )
        for m in minutes
    ]


def _time_trends(store: Store, person: int, runs: int = 5) -> tuple[float, int, float]:
    """Median seconds of the analysis, its episode count, and the median of the baseline scan
    (interleaved with the analysis runs, so both see the same machine load)."""
    times, scans = [], []
    total = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        data = store.diary_data(person_id=person)
        result = analyse(data, today=dt.date.today())
        times.append(time.perf_counter() - t0)
        total = result.total_episodes
        t0 = time.perf_counter()
        with store.reading() as s:
            s.execute(SCAN_SQL, {"p": person}).all()
        scans.append(time.perf_counter() - t0)
    return statistics.median(times), total, statistics.median(scans)


def _print_trends(label: str, median: float, total: int, scan: float) -> None:
    mark = "OK" if median <= TRENDS_TARGET_S else "МЕДЛЕННО"
    print(
        f"   {label}: {median * 1000:.1f} мс (цель ≤ {TRENDS_TARGET_S * 1000:.0f} мс) [{mark}], "
        f"эпизодов в анализе: {_n(total)}"
    )
    print(
        f"      базовая линия (SELECT day, count(*) … GROUP BY day по тем же строкам): "
        f"{scan * 1000:.1f} мс; trends = {median / scan:.3f}× базовой"
    )


def _one_person(directory: Path, n: int) -> None:
    print(f"\n1) Один человек, {_n(n)} эпизодов (SQLite)")
    with Store(f"sqlite:///{directory / 'person.db'}") as store:
        person = store.default_person_id()
        t0 = time.perf_counter()
        episodes = _episodes(n)
        t1 = time.perf_counter()
        added = 0
        for i in range(0, n, CHUNK):
            added += store.import_records(episodes[i : i + CHUNK], person_id=person).added
        t2 = time.perf_counter()
        print(f"   проверка записей (pydantic): {_n(n / (t1 - t0))} зап./с")
        print(
            f"   вставка через Store.import_records: {_n(added / (t2 - t1))} зап./с "
            f"({t2 - t1:.1f} с, по {_n(CHUNK)} в транзакции)"
        )
        median, total, scan = _time_trends(store, person)
        _print_trends("trends для одного человека", median, total, scan)
    _page(directory / "person.db")


def _page(db: Path, runs: int = 3) -> None:
    """The trends page as a person opens it: one analysis shared by the page and its two
    charts (drawn with matplotlib and inlined), through the web app."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from spasmnav.settings import Settings
    from spasmnav.web import create_app

    settings = Settings.model_validate(
        {"database_url": f"sqlite:///{db}", "secret_key": "bench-" + "x" * 40}
    )
    app = create_app(settings)
    times = []
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            client.get("/diary/trends")
            for _ in range(runs):
                t0 = time.perf_counter()
                r = client.get("/diary/trends")
                times.append(time.perf_counter() - t0)
                assert r.status_code == 200, r.status_code
    finally:
        app.state.core.services.close()
    print(
        f"   страница «Как меняется» целиком (один анализ, два графика): "
        f"{statistics.median(times) * 1000:.0f} мс"
    )


def _clinic(directory: Path, people: int, days: int = 365) -> None:
    rows = people * days
    print(f"\n2) Клиника: {_n(people)} человек × {days} дней = {_n(rows)} эпизодов")
    with Store(f"sqlite:///{directory / 'clinic.db'}") as store:
        with store.writing() as s:
            s.execute(
                text(
                    "INSERT INTO people (key, created_at) "
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :p) "
                    "SELECT 'clinic-' || i, '2024-01-01 00:00:00' FROM n"
                ),
                {"p": people},
            )
        kinds = " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(KINDS))
        triggers = ", ".join(f"trigger_{t}" for t in TRIGGERS)
        trigger_values = ", ".join("abs(random()) % 8 = 0" for _ in TRIGGERS)
        insert = text(
            f"INSERT INTO episodes (uid, person_id, created_at, started_at, day, kind, intensity, "
            f"disturbs_sleep, disturbs_walking, {triggers}) "
            "WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < :days - 1) "
            "SELECT lower(hex(randomblob(16))), p.id, '2025-01-01 00:00:00', "
            "datetime('2024-01-01', '+' || d.n || ' days', "
            "'+' || (abs(random()) % 86400) || ' seconds'), "
            "date('2024-01-01', '+' || d.n || ' days'), "
            f"CASE abs(random()) % 5 {kinds} END, abs(random()) % 11, "
            f"abs(random()) % 10 = 0, abs(random()) % 20 = 0, {trigger_values} "
            "FROM people p, d WHERE p.id BETWEEN :lo AND :hi"
        )
        with store.reading() as s:
            first, last = s.execute(
                text("SELECT min(id), max(id) FROM people WHERE key LIKE 'clinic-%'")
            ).one()
        t0 = time.perf_counter()
        step = 500
        for lo in range(first, last + 1, step):
            with store.writing() as s:
                s.execute(insert, {"days": days, "lo": lo, "hi": min(lo + step - 1, last)})
        t1 = time.perf_counter()
        print(
            f"   вставка (SQL INSERT … SELECT, по {step} человек в транзакции): "
            f"{_n(rows / (t1 - t0))} зап./с ({t1 - t0:.1f} с)"
        )
        median, total, scan = _time_trends(store, first + people // 2)
        _print_trends("trends для одного человека в базе клиники", median, total, scan)


def run() -> None:
    """Print the diary figures with their targets."""
    n = int(os.environ.get("SPASMNAV_BENCH_EPISODES", "1000000"))
    people = int(os.environ.get("SPASMNAV_BENCH_CLINIC_PEOPLE", "10000"))
    keep = os.environ.get("SPASMNAV_BENCH_DIR")
    print("Дневник (issues 5 и 14): вставка и trends")
    if keep:
        directory = Path(keep)
        directory.mkdir(parents=True, exist_ok=True)
        _one_person(directory, n)
        _clinic(directory, people)
        return
    with tempfile.TemporaryDirectory(prefix="spasmnav-bench-") as tmp:
        _one_person(Path(tmp), n)
        _clinic(Path(tmp), people)


if __name__ == "__main__":
    run()
