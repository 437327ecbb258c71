"""What a write's rollup reads: PostgreSQL's one call (``spasmnav_rollup_inputs``, revision
0006_a) gives what the portable statements give, and its read sees what a writer that held
the person's row before it committed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import text

from spasmnav.diary.models import Episode, ExerciseSession
from spasmnav.diary.orm import EpisodeRow, ExerciseSessionRow
from spasmnav.diary.rollup_figures import ADHERENCE_DAYS, figures_of
from spasmnav.diary.rollups import read_inputs, refresh
from spasmnav.diary.store import Store, _values

from .test_rollups_on_write import _apply, _at, _check_kept_equals_scratch, _kept, _ops


def _both(store: Store, pid: int) -> tuple[Any, Any, list[dt.datetime]]:
    """Both readers' inputs in one transaction (rolled back) and every session's time."""
    now = dt.datetime(2030, 1, 1)
    with store.writing() as s:
        one = read_inputs(s, person_id=pid, now=now)
        portable = read_inputs(s, person_id=pid, now=now, portable=True)
        sessions = list(
            s.scalars(
                text("SELECT done_at FROM exercise_sessions WHERE person_id = :p ORDER BY 1"),
                {"p": pid},
            )
        )
        s.rollback()
    return one, portable, sessions


@pytest.mark.postgres
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=_ops)
def test_one_call_reads_what_the_portable_statements_read(pg_url: str, ops: list[Any]) -> None:
    with Store(pg_url) as store:
        pid = store.ensure_person(key=f"in-{time.monotonic_ns()}")
        for op in ops:
            _apply(store, pid, op)
        one, portable, sessions = _both(store, pid)
        assert one.sessions is not None and portable.sessions is None
        assert dataclasses.replace(one, sessions=None) == portable
        # The sessions read ahead: every one from ADHERENCE_DAYS - 1 days before the last
        # session's day on (the adherence window never starts earlier), oldest first.
        if sessions:
            lo = dt.datetime.combine(
                sessions[-1].date() - dt.timedelta(days=ADHERENCE_DAYS - 1), dt.time()
            )
            assert one.sessions == [t for t in sessions if t >= lo]
        else:
            assert one.sessions == []

        def read(since: dt.datetime) -> list[dt.datetime]:
            return [t for t in sessions if t >= since]

        def unused(since: dt.datetime) -> list[dt.datetime]:
            raise AssertionError("the one call read the sessions already")

        now = dt.datetime(2030, 1, 1)
        assert figures_of(one, now=now, sessions=unused) == figures_of(
            portable, now=now, sessions=read
        )


@pytest.mark.postgres
def test_a_person_without_a_row_gets_one_from_the_call(pg_url: str) -> None:
    with Store(pg_url) as store:
        pid = store.ensure_person(key="new")
        now = dt.datetime(2030, 1, 1, 12)
        with store.writing() as s:
            got = read_inputs(s, person_id=pid, now=now)
            made = s.execute(
                text("SELECT updated_at, trend FROM patient_rollups WHERE person_id = :p"),
                {"p": pid},
            ).one()
        assert got.total == 0 and got.days == [] and got.sessions == []
        assert got.worsening_since is None and got.first_day is None
        assert tuple(made) == (now, "not_enough_data")


def test_a_writer_waiting_for_the_row_sees_what_the_holder_committed(store: Store) -> None:
    """Two writers of one diary at once: the second waits for the first one's transaction,
    and its rollup counts both episodes (on PostgreSQL its read must start after its lock,
    not with it; on SQLite the write lock orders them)."""
    pid = store.ensure_person(key="two")
    store.add_episode(person_id=pid, episode=Episode(started_at=_at(100, 8), kind="cramp"))
    errors: list[BaseException] = []

    def second() -> None:
        try:
            store.add_episode(person_id=pid, episode=Episode(started_at=_at(101, 8), kind="spasm"))
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    waiter = threading.Thread(target=second)
    with store.writing() as s:
        s.add(EpisodeRow(**_values(Episode(started_at=_at(102, 8), kind="twitch"), pid)))
        s.add(
            ExerciseSessionRow(
                **_values(ExerciseSession(done_at=_at(102, 9), exercise_id="calf_stretch"), pid)
            )
        )
        s.flush()
        refresh(s, person_id=pid)
        waiter.start()
        time.sleep(0.5)
        assert waiter.is_alive(), "the second writer did not wait for the first"
    waiter.join(timeout=60)
    assert not waiter.is_alive() and not errors, errors
    kept = _kept(store, pid)
    assert kept["total_episodes"] == 3
    assert kept["adherence_pct"] is not None
    _check_kept_equals_scratch(store, pid)
