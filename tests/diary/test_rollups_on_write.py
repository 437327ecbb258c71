"""The clinician's figures kept write by write equal the ones computed from scratch.

Every diary write recomputes the person's rollup from the kept per-day sums
(``episode_days``) in its own transaction. Over random diaries (episodes added, changed and
deleted, day notes, exercise sessions, medicines, assessments, bulk imports), the row left
by the writes must equal (1) what ``spasmnav clinic refresh`` computes for a person without a
row, and (2) the same figures derived independently: per-day sums scanned from the episodes
themselves and the trends page's own analysis (:func:`analytics.analyse`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from typer.testing import CliRunner

from spasmnav.diary.analytics import adherence, analyse
from spasmnav.diary.models import (
    KINDS,
    TRIGGERS,
    DayNote,
    Episode,
    ExerciseSession,
    MedicineIntake,
    ScaleScore,
)
from spasmnav.diary.orm import RollupRow
from spasmnav.diary.rollups import _FIGURES, ADHERENCE_DAYS, RECENT_DAYS, refresh
from spasmnav.diary.store import Store

TODAY = dt.date.today()
BASE = TODAY - dt.timedelta(days=140)
_keys = itertools.count()


class _Undo(Exception):
    """Rolls back the from-scratch computation."""


def _kept(store: Store, pid: int) -> dict[str, Any]:
    with store.reading() as s:
        return _kept_in(s, pid)


def _from_scratch(store: Store, pid: int) -> dict[str, Any]:
    """The figures of a person without a rollup row (as after a data transfer), computed in a
    transaction that is rolled back."""
    got: dict[str, Any] = {}
    try:
        with store.writing() as s:
            s.execute(delete(RollupRow).where(RollupRow.person_id == pid))
            refresh(s, person_id=pid)
            got.update(_kept_in(s, pid))
            raise _Undo
    except _Undo:
        pass
    return got


def _kept_in(s: Any, pid: int) -> dict[str, Any]:
    row = s.execute(
        select(*(getattr(RollupRow, name) for name in _FIGURES)).where(RollupRow.person_id == pid)
    ).one()
    return dict(zip(_FIGURES, row, strict=True))


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(BASE + dt.timedelta(days=day), dt.time(hour))


_episode = st.builds(
    lambda day, hour, kind, intensity, sleep, walking: (
        "episode",
        Episode(
            started_at=_at(day, hour),
            kind=kind,
            intensity=intensity,
            disturbs_sleep=sleep,
            disturbs_walking=walking,
        ),
    ),
    st.integers(0, 140),
    st.integers(0, 23),
    st.sampled_from(KINDS),
    st.none() | st.integers(0, 10),
    st.booleans(),
    st.booleans(),
)


@st.composite
def _series(draw: st.DrawFn) -> tuple[str, list[Episode]]:
    """Weeks of episodes imported at once, their rate and intensity drifting (so trends
    have data to find something in, or not)."""
    start = draw(st.integers(0, 100))
    days = draw(st.integers(14, 140 - start))
    lo, hi = draw(st.integers(0, 3)), draw(st.integers(0, 4))
    i_lo, i_hi = draw(st.integers(0, 10)), draw(st.integers(0, 10))
    out = []
    for d in range(days):
        n = lo + (hi - lo) * d // days
        for k in range(n):
            out.append(
                Episode(
                    started_at=_at(start + d, 6 + 2 * k),
                    kind="spasm",
                    intensity=i_lo + (i_hi - i_lo) * d // days if (d + k) % 3 else None,
                    disturbs_sleep=d % 11 == 0,
                )
            )
    return "import", out


_ops = st.lists(
    st.one_of(
        _episode,
        _series(),
        st.tuples(st.just("update"), st.integers(0, 10_000), st.integers(0, 140)),
        st.tuples(st.just("delete"), st.integers(0, 10_000)),
        st.builds(
            lambda day, trig: ("note", DayNote(day=BASE + dt.timedelta(days=day), triggers=trig)),
            st.integers(0, 140),
            st.lists(st.sampled_from(TRIGGERS), max_size=2, unique=True).map(tuple),
        ),
        st.builds(
            lambda day, hour: (
                "session",
                ExerciseSession(done_at=_at(day, hour), exercise_id="calf_stretch"),
            ),
            st.integers(0, 140),
            st.integers(0, 23),
        ),
        st.builds(
            lambda day: ("intake", MedicineIntake(taken_at=_at(day, 9), name="препарат")),
            st.integers(0, 140),
        ),
        st.builds(
            lambda day, level: ("assessment", day, level),
            st.integers(0, 140),
            st.sampled_from(["self_care", "doctor", "urgent", "emergency"]),
        ),
        st.builds(
            lambda day: (
                "scale",
                ScaleScore(recorded_at=_at(day, 12), scale="penn", score="2", recorded_by="self"),
            ),
            st.integers(0, 140),
        ),
    ),
    min_size=1,
    max_size=8,
)


def _apply(store: Store, pid: int, op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "episode" or kind in ("note", "session", "intake", "scale"):
        if kind == "session":
            store.add_exercise_session(person_id=pid, session=op[1], check=False)
        else:
            store.add_record(op[1], person_id=pid)
    elif kind == "import":
        store.import_records(op[1], person_id=pid)
    elif kind == "assessment":
        store.save_assessment(
            person_id=pid,
            data={"triage": {"level": op[2]}},
            assessed_at=_at(op[1], 10),
        )
    elif kind in ("update", "delete"):
        episodes = store.list_episodes(person_id=pid)
        if not episodes:
            return
        target = episodes[op[1] % len(episodes)]
        assert target.id is not None
        if kind == "delete":
            store.delete_episode(person_id=pid, episode_id=target.id)
        else:
            store.update_episode(
                person_id=pid,
                episode_id=target.id,
                changes={
                    "started_at": _at(op[2], 7),
                    "intensity": op[2] % 11,
                    "disturbs_walking": op[2] % 2 == 0,
                },
            )


def _check(store: Store, pid: int) -> None:
    with store.reading() as s:
        written = s.get(RollupRow, pid) is not None
    if not written:  # nothing was written (an update or delete of an empty diary)
        assert store.count_records(Episode, person_id=pid) == 0
        return
    kept = _kept(store, pid)
    scratch = _from_scratch(store, pid)
    # The moment worsening was first seen is kept across writes (an acknowledgement covers
    # it); from scratch it is the moment of the recomputation. Only its presence compares.
    assert (kept.pop("worsening_since") is None) == (scratch.pop("worsening_since") is None)
    kept.pop("updated_at")
    scratch.pop("updated_at")
    assert kept == scratch

    # Independently: per-day sums scanned from the episodes, the trends page's analysis.
    data = store.diary_data(person_id=pid)
    scanned = store.diary_days_scan(person_id=pid)
    assert list(data.days) == scanned
    analysis = analyse(dataclasses.replace(data, days=scanned), today=TODAY)
    tr = analysis.trend
    assert kept["total_episodes"] == analysis.total_episodes
    assert kept["trend"] == tr.verdict
    assert kept["trend_text"] == f"{tr.title}: {tr.frequency.text} {tr.intensity.text}".strip()
    assert kept["duration_days"] == analysis.duration_days
    assert kept["sleep_day"] == max((d.day for d in scanned if d.sleep), default=None)
    assert kept["walking_day"] == max((d.day for d in scanned if d.walking), default=None)
    # Exercise adherence over the last 14 diary days, from the sessions themselves.
    done = [x.done_at for x in store.list_records(ExerciseSession, person_id=pid)]
    if not done or data.end is None:
        assert kept["adherence_pct"] is None
    else:
        since = dt.datetime.combine(data.end - dt.timedelta(days=ADHERENCE_DAYS - 1), dt.time())
        recent = [t for t in done if t >= since]
        share = adherence(recent, end=data.end).share_on_target if recent else 0.0
        assert kept["adherence_pct"] == round(100 * share)
    if data.end is not None:
        lo = data.end - dt.timedelta(days=RECENT_DAYS - 1)
        assert kept["recent_episodes"] == sum(d.episodes for d in scanned if d.day >= lo)
    else:
        assert kept["recent_episodes"] == 0


def _run(store: Store, ops: list[tuple[Any, ...]]) -> None:
    pid = store.ensure_person(key=f"r-{next(_keys)}")
    for op in ops:
        _apply(store, pid, op)
    _check(store, pid)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=_ops)
def test_rollup_kept_on_write_equals_from_scratch(store: Store, ops: list[Any]) -> None:
    _run(store, ops)


def test_a_worsening_diary_is_seen_alike_on_write_and_from_scratch(store: Store) -> None:
    """A diary whose episodes grow more frequent: the kept row says so, as from scratch."""
    episodes = [
        Episode(started_at=_at(60 + d, 8 + k), kind="cramp", intensity=3 + d // 20)
        for d in range(80)
        for k in range(1 if d < 40 else 3)
    ]
    pid = store.ensure_person(key="worse")
    store.import_records(episodes[:-1], person_id=pid)
    store.add_episode(person_id=pid, episode=episodes[-1])
    kept = _kept(store, pid)
    assert kept["trend"] == "more_frequent" and kept["worsening_since"] is not None
    _check(store, pid)


def test_clinic_refresh_leaves_the_kept_figures_as_they_are(tmp_path: Any) -> None:
    """``spasmnav clinic refresh`` over a diary kept write by write changes no figure."""
    from spasmnav.cli import app

    url = f"sqlite:///{tmp_path}/c.db"
    with Store(url) as store:
        pid = store.ensure_person(key="p")
        for d in range(0, 100, 3):
            store.add_episode(
                person_id=pid,
                episode=Episode(started_at=_at(d, 9), kind="twitch", intensity=d % 11),
            )
        before = _kept(store, pid)
    r = CliRunner().invoke(app, ["clinic", "refresh", "--db", url])
    assert r.exit_code == 0, r.output
    with Store(url) as store:
        after = _kept(store, pid)
    before.pop("updated_at")
    after.pop("updated_at")
    assert before == after


def test_a_long_diary_is_read_over_its_last_180_days(store: Store) -> None:
    """400 days of episodes and a day note five days after the last: the window (180 days up
    to the last entry) holds 176 of the days, wherever the diary began."""
    first = TODAY - dt.timedelta(days=420)
    episodes = [
        Episode(
            started_at=dt.datetime.combine(first + dt.timedelta(days=d), dt.time(8)),
            kind="twitch",
            disturbs_sleep=d == 10,
        )
        for d in range(400)
    ]
    last = first + dt.timedelta(days=399)
    pid = store.ensure_person(key="long")
    store.import_records(episodes, person_id=pid)
    store.add_day_note(person_id=pid, note=DayNote(day=last + dt.timedelta(days=5)))
    kept = _kept(store, pid)
    end = last + dt.timedelta(days=5)
    assert kept["total_episodes"] == 400
    assert kept["duration_days"] == (last - (end - dt.timedelta(days=180))).days == 175
    assert kept["recent_episodes"] == 23
    # Sleep was disturbed only long before the window: not an alert of now.
    assert kept["sleep_day"] is None
    _check_kept_equals_scratch(store, pid)


def _check_kept_equals_scratch(store: Store, pid: int) -> None:
    kept, scratch = _kept(store, pid), _from_scratch(store, pid)
    for figures in (kept, scratch):
        figures.pop("updated_at")
        figures.pop("worsening_since")
    assert kept == scratch
