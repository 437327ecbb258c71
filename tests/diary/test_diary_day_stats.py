"""``episode_days`` (kept by database triggers) always equals the aggregate of the episodes
themselves, on SQLite and PostgreSQL, whatever writes them: the store, an import, plain SQL,
edits that move an episode to another day or kind, deletes, a person removed."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import delete, text, update

from spasmnav.diary.analytics import analyse
from spasmnav.diary.models import KINDS, LEGS, TRIGGERS, Episode
from spasmnav.diary.orm import EpisodeDayRow, EpisodeRow, PersonRow
from spasmnav.diary.store import Store

START = dt.datetime(2024, 3, 1, 8, 0)


def _episode(rng: random.Random) -> Episode:
    return Episode(
        started_at=START + dt.timedelta(minutes=rng.randrange(40 * 24 * 60)),
        kind=rng.choice(KINDS),
        leg=rng.choice((None, *LEGS)),
        intensity=rng.choice((None, *range(11))),
        triggers=tuple(t for t in TRIGGERS if rng.random() < 0.2),
        disturbs_sleep=rng.random() < 0.2,
        disturbs_walking=rng.random() < 0.1,
    )


def _same(store: Store, person: int) -> None:
    kept = store.diary_data(person_id=person).days
    assert list(kept) == store.diary_days_scan(person_id=person)
    since, until = dt.date(2024, 3, 10), dt.date(2024, 3, 25)
    part = store.diary_data(person_id=person, since=since, until=until).days
    assert list(part) == store.diary_days_scan(person_id=person, since=since, until=until)


def test_kept_day_stats_equal_the_scan_through_every_kind_of_write(store: Store) -> None:
    rng = random.Random(11)
    anna = store.default_person_id()
    boris = store.ensure_person(key="boris")
    ids: list[int] = []
    for _ in range(60):
        saved = store.add_episode(person_id=anna, episode=_episode(rng))
        assert saved.id is not None
        ids.append(saved.id)
    store.import_records([_episode(rng) for _ in range(300)], person_id=anna)
    store.import_records([_episode(rng) for _ in range(50)], person_id=boris)
    _same(store, anna)
    _same(store, boris)
    # Edits through the store: another day, another kind, intensity cleared, triggers changed.
    for episode_id in rng.sample(ids, 25):
        store.update_episode(
            person_id=anna,
            episode_id=episode_id,
            changes={
                "started_at": START + dt.timedelta(days=rng.randrange(40), hours=3),
                "kind": rng.choice(KINDS),
                "intensity": rng.choice((None, 3, 10)),
                "triggers": ["cold"] if rng.random() < 0.5 else [],
                "disturbs_sleep": rng.random() < 0.5,
            },
        )
    for episode_id in ids[:15]:
        store.delete_episode(person_id=anna, episode_id=episode_id)
    _same(store, anna)
    # Plain SQL, past the store: a bulk move, a bulk delete, an insert.
    with store.writing() as s:
        s.execute(
            update(EpisodeRow)
            .where(EpisodeRow.person_id == anna, EpisodeRow.kind == "tremor")
            .values(kind="spasm", day=dt.date(2024, 3, 2), trigger_heat=True)
        )
        s.execute(delete(EpisodeRow).where(EpisodeRow.person_id == anna, EpisodeRow.leg == "both"))
        s.execute(
            text(
                "INSERT INTO episodes (uid, person_id, created_at, started_at, day, kind, "
                "intensity, disturbs_sleep, disturbs_walking, trigger_caffeine, trigger_alcohol, "
                "trigger_stress, trigger_poor_sleep, trigger_exertion, trigger_long_standing, "
                "trigger_cold, trigger_heat) VALUES ('sql-1', :p, '2024-03-05 10:00:00', "
                "'2024-03-05 10:00:00', '2024-03-05', 'cramp', 7, true, false, true, false, "
                "false, false, false, false, false, false)"
            ),
            {"p": anna},
        )
    _same(store, anna)
    _same(store, boris)
    # A quick entry and its undo.
    quick, new = store.add_quick_episode(
        person_id=boris,
        episode=Episode(started_at=START, kind="cramp"),
        within=dt.timedelta(seconds=5),
    )
    assert new and quick.id is not None
    _same(store, boris)
    store.undo_episode(person_id=boris, episode_id=quick.id, within=dt.timedelta(seconds=10))
    _same(store, boris)
    # Removing everything leaves no day behind (empty days are dropped, not kept as zeros).
    with store.writing() as s:
        s.execute(delete(EpisodeRow).where(EpisodeRow.person_id == anna))
    assert store.diary_data(person_id=anna).days == []
    with store.reading() as s:
        left = s.scalar(text("SELECT count(*) FROM episode_days WHERE person_id = :p"), {"p": anna})
    assert left == 0
    # A person removed takes their day statistics along.
    with store.writing() as s:
        s.execute(delete(PersonRow).where(PersonRow.id == boris))
    with store.reading() as s:
        assert s.query(EpisodeDayRow).filter(EpisodeDayRow.person_id == boris).count() == 0


def test_trends_from_kept_stats_equal_trends_from_the_scan(store: Store) -> None:
    rng = random.Random(5)
    person = store.default_person_id()
    store.import_records([_episode(rng) for _ in range(800)], person_id=person)
    data = store.diary_data(person_id=person)
    today = dt.date(2024, 4, 15)
    fast = analyse(data, today=today)
    from dataclasses import replace

    slow = analyse(replace(data, days=store.diary_days_scan(person_id=person)), today=today)
    assert fast == slow
    assert fast.total_episodes == 800
