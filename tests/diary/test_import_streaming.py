"""Imports in short transactions (review F12): a CSV file streams with bounded memory, other
writers interleave with the batches, and what is published keeps the derived data exact."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from spasmnav.diary.io import csv_columns, csv_row, import_file
from spasmnav.diary.models import DayNote, Episode, InputError
from spasmnav.diary.orm import RollupRow
from spasmnav.diary.store import Store

_ROLLUP_COLUMNS = [c.name for c in RollupRow.__table__.columns]


def _episodes(n: int, *, note: str = "файл") -> Iterator[Episode]:
    base = dt.datetime(2021, 1, 1, 6, 0)
    for i in range(n):
        yield Episode(
            started_at=base + dt.timedelta(minutes=37 * i),
            kind=("cramp", "spasm", "twitch")[i % 3],
            intensity=i % 11,
            triggers=("cold",) if i % 4 == 0 else (),
            disturbs_sleep=i % 5 == 0,
            note=f"{note} {i}",
        )


def _write_csv(path: Path, n: int) -> Path:
    columns = csv_columns(Episode)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for e in _episodes(n):
            writer.writerow(csv_row(e, columns))
    return path


def _write_json(path: Path, n: int) -> Path:
    """An export-shaped JSON file, written a record at a time."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"format": "spasmnav-diary", "version": 1,\n')
        fh.write('"profile": {"birth_year": 1950, "medicines": ["баклофен"]},\n')
        fh.write('"episodes": [\n')
        for i, e in enumerate(_episodes(n)):
            record = e.model_dump(mode="json", exclude={"id"})
            fh.write(("," if i else "") + json.dumps(record, ensure_ascii=False) + "\n")
        fh.write("]}\n")
    return path


def _staged(store: Store) -> int:
    with store.engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM import_rows")).scalar() or 0)


def _peak_import(tmp_path: Path, n: int, fmt: str = "csv") -> int:
    write = _write_csv if fmt == "csv" else _write_json
    path = write(tmp_path / f"big-{n}.{fmt}", n)
    store = Store(f"sqlite:///{tmp_path}/mem-{n}.db")
    try:
        pid = store.default_person_id()
        gc.collect()
        tracemalloc.start()
        try:
            result = import_file(store, path, person_id=pid)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.added == n
        assert store.count_records(Episode, person_id=pid) == n
        return peak
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_import_memory_does_not_grow_with_the_file(tmp_path: Path, fmt: str) -> None:
    """The peak of Python allocations while importing 4x more rows stays about the same: the
    file is read a line (CSV) or a record (JSON) at a time and staged a batch at a time
    (before: the whole file, then every record, were held at once, 4.9 GB for 2M rows)."""
    small, large = 2_500, 10_000
    peak_small = _peak_import(tmp_path, small, fmt)
    peak_large = _peak_import(tmp_path, large, fmt)
    assert peak_large < 1.4 * peak_small, (peak_small, peak_large)


def test_bad_row_late_in_a_streamed_file_publishes_nothing(store: Store, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "bad.csv", 5_000)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Line 4500 (after two batches were staged): intensity 11.
    cells = next(csv.reader([lines[4499]]))
    cells[csv_columns(Episode).index("intensity")] = "11"
    lines[4499] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    pid = store.default_person_id()
    with pytest.raises(InputError) as err:
        import_file(store, path, person_id=pid)
    assert err.value.problems[0].startswith("строка 4500: сила")
    assert store.count_records(Episode, person_id=pid) == 0
    assert store.diary_data(person_id=pid).days == []
    assert _staged(store) == 0  # what was staged is removed at once


def test_writes_between_batches_are_kept_and_counted(store: Store, db_url: str) -> None:
    """Another writer (another store, as another process would) writes while the import is
    between batches: the import holds no lock there, so the write succeeds at once, and
    after publishing both are in the diary with exact day sums and rollup."""
    pid = store.default_person_id()
    other = Store(db_url)
    written: list[Episode] = []

    def records() -> Iterator[Episode | DayNote]:
        for i, e in enumerate(_episodes(5_000)):
            if i in (2_500, 4_100):
                # Between batches: the batches so far are committed (staged) before the input
                # is read to its end, and nothing of the import is visible yet.
                assert _staged(other) == i // 1_000 * 1_000
                assert other.count_records(Episode, person_id=pid) == len(written)
                written.append(
                    other.add_episode(
                        person_id=pid,
                        episode=Episode(started_at=e.started_at, kind="tremor", note="web"),
                    )
                )
            yield e
        yield DayNote(day=dt.date(2021, 1, 2), triggers=("stress",))
        yield DayNote(day=dt.date(2021, 1, 2), triggers=("cold",), note="второй раз")

    try:
        result = store.import_records(records(), person_id=pid, batch=1_000)
        assert (result.added, result.merged, result.skipped) == (5_001, 1, 0)
        assert store.count_records(Episode, person_id=pid) == 5_002
        assert store.diary_days_scan(person_id=pid) == store.diary_data(person_id=pid).days
        note = store.list_records(DayNote, person_id=pid)
        assert [n.triggers for n in note] == [("stress", "cold")]
        with store.reading() as s:
            published = s.get(RollupRow, pid)
            assert published is not None
            kept = {c: getattr(published, c) for c in _ROLLUP_COLUMNS}
        store.refresh_rollup(person_id=pid)  # recomputed from scratch: the same figures
        with store.reading() as s:
            fresh = s.scalars(select(RollupRow).where(RollupRow.person_id == pid)).one()
            again = {c: getattr(fresh, c) for c in _ROLLUP_COLUMNS}
        kept.pop("updated_at"), again.pop("updated_at")
        assert kept == again
        assert kept["total_episodes"] == 5_002
        # Importing the same records again adds nothing (uids), and leaves nothing staged.
        again_result = store.import_records(_episodes(0), person_id=pid)
        assert again_result.added == 0
        assert _staged(store) == 0
    finally:
        other.close()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_reimport_of_a_streamed_file_adds_nothing(store: Store, tmp_path: Path, fmt: str) -> None:
    path = (_write_csv if fmt == "csv" else _write_json)(tmp_path / f"twice.{fmt}", 2_500)
    pid = store.default_person_id()
    first = import_file(store, path, person_id=pid)
    second = import_file(store, path, person_id=pid)
    assert (first.added, first.skipped) == (2_500, 0)
    assert (second.added, second.skipped) == (0, 2_500)
    assert store.count_records(Episode, person_id=pid) == 2_500
    if fmt == "json":  # the profile, read in the first pass, is filled in with the records
        profile = store.get_profile(person_id=pid)
        assert (profile.birth_year, profile.medicines) == (1950, ["баклофен"])


def test_a_json_file_with_a_late_bad_record_publishes_nothing(store: Store, tmp_path: Path) -> None:
    path = _write_json(tmp_path / "bad.json", 3_000)
    text_ = path.read_text(encoding="utf-8").replace('"note": "файл 2900"', '"note": 5', 1)
    path.write_text(text_.replace('"version": 1,', '"version": 1, "extra": [1, 2],', 1))
    pid = store.default_person_id()
    with pytest.raises(InputError) as err:
        import_file(store, path, person_id=pid)
    assert err.value.problems[0] == "JSON: неизвестные разделы: extra"
    assert err.value.problems[1].startswith("эпизоды, запись 2901:")
    assert store.count_records(Episode, person_id=pid) == 0
    assert store.get_profile(person_id=pid).birth_year is None  # the profile neither
    assert _staged(store) == 0


def test_an_abandoned_import_is_cleaned_up_by_the_next(store: Store) -> None:
    """An import of a process that no longer runs (or of another host, silent for too long)
    is removed by the next import; a live one is left alone."""
    pid = store.default_person_id()
    dead = store._start_import(pid)
    store._stage(dead, pid, list(_episodes(10)), 0)
    live = store._start_import(pid)
    store._stage(live, pid, list(_episodes(5, note="live")), 0)
    with store.writing() as s:
        s.execute(text("UPDATE imports SET pid = 999999999 WHERE id = :i"), {"i": dead})
    assert _staged(store) == 15
    assert store.count_records(Episode, person_id=pid) == 0  # staged: invisible
    assert store.clean_imports() == 1
    assert _staged(store) == 5  # the live one (this very process) is kept
    assert store.clean_imports(stale_after=dt.timedelta(seconds=-1)) == 1  # silent too long
    assert _staged(store) == 0
    assert store.count_records(Episode, person_id=pid) == 0
