"""The store on SQLite and PostgreSQL: CRUD, isolation between people, all-or-nothing import."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from spasmnav.diary.models import (
    Assessment,
    DayNote,
    Episode,
    ExerciseSession,
    InputError,
    MedicineIntake,
    NotFoundError,
    Profile,
    ScaleScore,
)
from spasmnav.diary.store import Store

T0 = dt.datetime(2024, 3, 1, 22, 15)


def ep(minutes: int = 0, **kw: object) -> Episode:
    values: dict[str, object] = {"started_at": T0 + dt.timedelta(minutes=minutes), "kind": "cramp"}
    values.update(kw)
    return Episode.model_validate(values)


def test_episode_crud(store: Store) -> None:
    pid = store.default_person_id()
    saved = store.add_episode(
        person_id=pid,
        episode=ep(
            leg="left",
            intensity=6,
            triggers=["кофе", "stress"],
            disturbs_sleep=True,
            place="икра",
            helped="растяжка",
            duration_seconds=90,
            note="ночью",
        ),
    )
    assert saved.id is not None and saved.created_at is not None
    got = store.get_episode(person_id=pid, episode_id=saved.id)
    assert got == saved
    assert got.triggers == ("caffeine", "stress")

    changed = store.update_episode(
        person_id=pid,
        episode_id=saved.id,
        changes={"intensity": 3, "started_at": T0 + dt.timedelta(days=1)},
    )
    assert changed.intensity == 3 and changed.place == "икра" and changed.uid == saved.uid
    # the per-day aggregate follows the edit of the time (the day column is kept in step)
    data = store.diary_data(person_id=pid)
    assert [d.day for d in data.days] == [(T0 + dt.timedelta(days=1)).date()]

    with pytest.raises(InputError, match="сила"):
        store.update_episode(person_id=pid, episode_id=saved.id, changes={"intensity": 11})
    assert store.get_episode(person_id=pid, episode_id=saved.id).intensity == 3

    store.delete_episode(person_id=pid, episode_id=saved.id)
    with pytest.raises(NotFoundError):
        store.get_episode(person_id=pid, episode_id=saved.id)
    with pytest.raises(NotFoundError):
        store.delete_episode(person_id=pid, episode_id=saved.id)


def test_people_are_isolated(store: Store) -> None:
    a = store.default_person_id()
    b = store.ensure_person(key="patient-2", display_name="Пациент 2")
    assert a != b and store.ensure_person(key="patient-2") == b
    e = store.add_episode(person_id=a, episode=ep())
    store.add_episode(person_id=b, episode=ep(5))
    store.add_episode(person_id=b, episode=ep(6))
    assert len(store.list_episodes(person_id=a)) == 1
    assert len(store.list_episodes(person_id=b)) == 2
    assert e.id is not None
    with pytest.raises(NotFoundError):
        store.get_episode(person_id=b, episode_id=e.id)
    with pytest.raises(NotFoundError):
        store.update_episode(person_id=b, episode_id=e.id, changes={"intensity": 1})
    with pytest.raises(NotFoundError):
        store.delete_episode(person_id=b, episode_id=e.id)
    assert store.get_episode(person_id=a, episode_id=e.id) == e


def test_list_filters_and_order(store: Store) -> None:
    pid = store.default_person_id()
    for i, kind in enumerate(["cramp", "twitch", "cramp", "tremor"]):
        store.add_episode(person_id=pid, episode=ep(i * 24 * 60, kind=kind))
    newest = store.list_episodes(person_id=pid, limit=2)
    assert [e.started_at.day for e in newest] == [4, 3]
    assert [e.kind for e in store.list_episodes(person_id=pid, kinds=["cramp"])] == ["cramp"] * 2
    window = store.list_episodes(
        person_id=pid, since=dt.date(2024, 3, 2), until=dt.date(2024, 3, 3)
    )
    assert sorted(e.started_at.day for e in window) == [2, 3]


def test_profile(store: Store) -> None:
    pid = store.default_person_id()
    assert store.get_profile(person_id=pid) == Profile()
    store.update_profile(person_id=pid, changes={"birth_year": 1950, "medicines": ["баклофен"]})
    store.update_profile(person_id=pid, changes={"diabetes": True})
    p = store.get_profile(person_id=pid)
    assert p.birth_year == 1950 and p.diabetes is True and p.medicines == ["баклофен"]
    with pytest.raises(InputError, match="год рождения"):
        store.update_profile(person_id=pid, changes={"birth_year": 1700})


def test_other_records(store: Store) -> None:
    pid = store.default_person_id()
    store.add_exercise_session(
        person_id=pid,
        session=ExerciseSession(done_at=T0, exercise_id="some_local_id", repetitions=10, sets=2),
        check=False,
    )
    store.add_medicine_intake(
        person_id=pid, intake=MedicineIntake(taken_at=T0, name="магний", amount="1 таб.")
    )
    store.add_scale_score(
        person_id=pid,
        score=ScaleScore(recorded_at=T0, scale="ashworth", score="1+", recorded_by="clinician"),
    )
    data = {"schema_version": 1, "triage": {"level": "doctor", "title": "Запишитесь к врачу"}}
    store.save_assessment(person_id=pid, data=data, text="сводит ногу", assessed_at=T0)
    newer = store.save_assessment(
        person_id=pid, data={**data, "triage": {"level": "urgent"}}, assessed_at=T0.replace(hour=23)
    )
    latest = store.latest_assessment(person_id=pid)
    assert latest == newer and latest is not None and latest.level == "urgent"
    assert store.list_records(Assessment, person_id=pid, newest_first=False)[0].data == data
    with pytest.raises(InputError):
        store.save_assessment(person_id=pid, data={"no": "triage"})
    assert store.count_records(ExerciseSession, person_id=pid) == 1
    assert store.list_records(ScaleScore, person_id=pid)[0].score == "1+"


def test_day_notes_merge(store: Store) -> None:
    pid = store.default_person_id()
    day = dt.date(2024, 3, 1)
    store.add_day_note(person_id=pid, note=DayNote(day=day, triggers=["caffeine"], note="кофе"))
    merged = store.add_day_note(
        person_id=pid, note=DayNote(day=day, triggers=["cold"], note="мороз")
    )
    assert merged.triggers == ("caffeine", "cold")
    assert merged.note == "кофе\nмороз"
    assert store.count_records(DayNote, person_id=pid) == 1


def test_import_is_all_or_nothing_and_idempotent(store: Store) -> None:
    pid = store.default_person_id()
    store.add_episode(person_id=pid, episode=ep(-60, note="было раньше"))
    batch = [ep(i) for i in range(50)]
    first = store.import_records(batch, person_id=pid)
    assert (first.added, first.skipped) == (50, 0)
    again = store.import_records(batch, person_id=pid)
    assert (again.added, again.skipped) == (0, 50)
    assert store.count_records(Episode, person_id=pid) == 51

    # A uid another person already has becomes a copy with a fresh uid, not a lost record.
    other = store.ensure_person(key="other")
    copied = store.import_records(batch[:3], person_id=other)
    assert copied.added == 3
    assert {e.uid for e in store.list_episodes(person_id=other)}.isdisjoint({e.uid for e in batch})


def test_failed_import_writes_nothing(store: Store) -> None:
    pid = store.default_person_id()
    good = [ep(i) for i in range(10)]
    # Violates the database CHECK constraint: the whole transaction must roll back.
    bad = ep(99).model_construct(**{**ep(99).model_dump(), "intensity": 42})
    with pytest.raises(IntegrityError):
        store.import_records([*good, bad], person_id=pid)
    assert store.count_records(Episode, person_id=pid) == 0


def test_diary_data_aggregates_match_rows(store: Store) -> None:
    pid = store.default_person_id()
    rows = [
        ep(0, intensity=4, triggers=["caffeine"], disturbs_sleep=True),
        ep(30, intensity=8, kind="twitch"),
        ep(24 * 60, triggers=["caffeine", "cold"], disturbs_walking=True),
    ]
    store.import_records(rows, person_id=pid)
    store.add_day_note(person_id=pid, note=DayNote(day=dt.date(2024, 3, 5), triggers=["stress"]))
    store.add_medicine_intake(
        person_id=pid, intake=MedicineIntake(taken_at=dt.datetime(2024, 3, 7, 8), name="x")
    )
    data = store.diary_data(person_id=pid)
    d1, d2 = data.days
    assert (d1.day, d1.episodes, d1.intensity_sum, d1.intensity_n) == (T0.date(), 2, 12, 2)
    assert d1.sleep == 1 and d1.walking == 0
    assert dict(d1.triggers) == {"caffeine": 1}
    assert dict(d1.kinds) == {"cramp": 1, "twitch": 1}
    assert (d2.episodes, d2.intensity_n, dict(d2.triggers)) == (1, 0, {"caffeine": 1, "cold": 1})
    assert data.start == T0.date() and data.end == dt.date(2024, 3, 7)
    assert data.day_triggers == {dt.date(2024, 3, 5): frozenset({"stress"})}
    since = store.diary_data(person_id=pid, since=dt.date(2024, 3, 2))
    assert [d.day for d in since.days] == [dt.date(2024, 3, 2)]


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    with Store(sqlite_url) as s, s.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_default_location_is_created_on_first_use(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from spasmnav.settings import get_settings

    home = Path(str(tmp_path)) / "data"
    monkeypatch.delenv("SPASMNAV_DATABASE_URL", raising=False)
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(home / "spasmnav"))
    url = get_settings().database_url
    assert url == f"sqlite:///{home / 'spasmnav' / 'spasmnav.db'}"
    assert not home.exists()
    with Store() as s:
        s.add_episode(person_id=s.default_person_id(), episode=ep())
    assert (home / "spasmnav" / "spasmnav.db").is_file()
