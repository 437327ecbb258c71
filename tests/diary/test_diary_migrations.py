"""Migrations: from an empty database, from the previous revision with data, and in step with
the ORM models."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from spasmnav.diary.models import Episode, ScaleScore
from spasmnav.diary.orm import Base
from spasmnav.diary.store import (
    Store,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)


def test_upgrade_from_empty(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"people", "episodes", "scale_scores", "alembic_version"} <= tables
        upgrade(engine)  # idempotent
        with engine.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
        # Tables of other parts of the app (e.g. web accounts) may not be imported here.
        diff = [d for d in diff if not (isinstance(d, tuple) and d[0] == "remove_table")]
        diff = [
            d
            for d in diff
            if not (
                isinstance(d, tuple)
                and d[0] == "remove_index"
                and d[1].table.name not in Base.metadata.tables
            )
        ]
        assert diff == [], f"ORM models and migrations differ: {diff}"
    finally:
        engine.dispose()


def test_upgrade_from_previous_revision_keeps_data(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        assert "scale_scores" not in inspect(engine).get_table_names()
        cols = ", ".join(
            [
                "uid",
                "person_id",
                "created_at",
                "started_at",
                "day",
                "kind",
                "intensity",
                "disturbs_sleep",
                "disturbs_walking",
            ]
            + [
                f"trigger_{t}"
                for t in (
                    "caffeine",
                    "alcohol",
                    "stress",
                    "poor_sleep",
                    "exertion",
                    "long_standing",
                    "cold",
                    "heat",
                )
            ]
        )
        with engine.begin() as c:
            c.execute(
                text("INSERT INTO people (id, key, created_at) VALUES (1, 'default', :t)"),
                {"t": dt.datetime(2024, 1, 1)},
            )
            for i in range(3):
                c.execute(
                    text(
                        f"INSERT INTO episodes ({cols}) VALUES (:uid, 1, :t, :t, :d, 'cramp', :i,"
                        " false, false, true, false, false, false, false, false, false, false)"
                    ),
                    {
                        "uid": f"u{i}",
                        "t": dt.datetime(2024, 1, 1 + i, 22),
                        "d": dt.date(2024, 1, 1 + i),
                        "i": i + 4,
                    },
                )
    finally:
        engine.dispose()

    with Store(db_url) as store:  # migrates to head on open
        assert current_revision(store.engine) == head_revision()
        pid = store.default_person_id()
        assert pid == 1
        episodes = store.list_episodes(person_id=pid, newest_first=False)
        assert [(e.uid, e.intensity, e.triggers) for e in episodes] == [
            ("u0", 4, ("caffeine",)),
            ("u1", 5, ("caffeine",)),
            ("u2", 6, ("caffeine",)),
        ]
        store.add_scale_score(
            person_id=pid,
            score=ScaleScore(
                recorded_at=dt.datetime(2024, 2, 1), scale="penn", score="2", recorded_by="self"
            ),
        )
        assert store.diary_data(person_id=pid).days[0].triggers == {"caffeine": 1}
        indexes = {i["name"] for i in inspect(store.engine).get_indexes("episodes")}
        assert "ix_episodes_person_day_stats" in indexes and "ix_episodes_person_day" not in indexes


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    with Store(db_url) as store:
        store.add_episode(
            person_id=store.default_person_id(),
            episode=Episode(started_at=dt.datetime(2024, 1, 1), kind="twitch"),
        )
        cfg = alembic_config()
        with store.engine.execution_options(spasmnav_write=True).begin() as c:
            cfg.attributes["connection"] = c
            command.downgrade(cfg, "0001")
        assert current_revision(store.engine) == "0001"
        upgrade(store.engine)
        assert len(store.list_episodes(person_id=store.default_person_id())) == 1
