"""A write that cannot be made because the database stays busy (review F12: a long import on
SQLite) loses nothing: every diary form comes back with what was typed and a Russian
«попробуйте ещё раз», nothing is half-saved, and sending it again saves it."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from spasmnav.diary.models import (
    Assessment,
    DayNote,
    Episode,
    ExerciseSession,
    MedicineIntake,
    ScaleScore,
)
from spasmnav.web import create_app
from spasmnav.web.diarykit import BUSY_TEXT

from .support import TestClient, csrf, make_settings

NOTE = "Ночью свело икру, помогло растянуть"


@contextmanager
def _locked(db: Path) -> Iterator[None]:
    """Another process's write lock (a long import transaction), held until the block ends."""
    con = sqlite3.connect(db, isolation_level=None, timeout=10)
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


@pytest.fixture
def busy(tmp_path: Path) -> Iterator[tuple[TestClient, Any, Path]]:
    db = tmp_path / "web.db"
    app = create_app(
        make_settings(tmp_path, database_url=f"sqlite:///{db}", sqlite_busy_timeout_ms=150)
    )
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c, app.state.core.services.store(), db
    app.state.core.services.close()


def _counts(store: Any) -> dict[str, int]:
    pid = store.default_person_id()
    models = (Episode, DayNote, MedicineIntake, ScaleScore, ExerciseSession, Assessment)
    counts = {m.table: store.count_records(m, person_id=pid) for m in models}
    counts["profile_medicines"] = len(store.get_profile(person_id=pid).medicines)
    return counts


CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "/diary/episodes",
        {
            "full": "1",
            "kind": "cramp",
            "intensity": "7",
            "started_at": "2024-05-01T10:00",
            "place": "левая икра",
            "note": NOTE,
            "triggers": "cold",
        },
        [NOTE, "левая икра", 'value="7" selected', 'value="cramp" required checked'],
    ),
    ("/diary/episodes", {"kind": "spasm"}, ['value="spasm" required checked']),
    (
        "/diary/day",
        {"day": "2024-05-02", "triggers": "stress", "note": NOTE, "penn": "2"},
        [NOTE, 'value="stress" checked', 'value="2" checked'],
    ),
    (
        "/diary/profile",
        {"birth_year": "1948", "medicines": "баклофен"},
        ['value="1948"', "баклофен"],
    ),
    (
        "/diary/medicines",
        {"name": "баклофен", "amount": "10 мг", "note": NOTE},
        ['value="баклофен"', "10 мг", NOTE],
    ),
    (
        "/diary/scores",
        {"scale": "penn", "penn": "3", "muscle": "икроножная"},
        ['value="3" checked', "икроножная"],
    ),
    (
        "/diary/sessions",
        {"exercise_id": "knee_flex_extend", "repetitions": "12", "sets": "3"},
        ['value="12"', 'value="3"'],
    ),
    (
        "/diary/assessments",
        {"text": "ночью сводит икру, проходит за минуту"},
        ['value="ночью сводит икру, проходит за минуту"', "Сохранить оценку в дневник"],
    ),
]


@pytest.mark.parametrize(
    ("path", "form", "kept"), CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)]
)
def test_a_busy_database_keeps_the_form(
    busy: tuple[TestClient, Any, Path], path: str, form: dict[str, Any], kept: list[str]
) -> None:
    client, store, db = busy
    token = csrf(client, "/diary")
    before = _counts(store)
    with _locked(db):
        r = client.post(path, data={"csrf_token": token, **form}, follow_redirects=False)
    assert r.status_code == 503, r.text[:500]
    assert "попробуйте ещё раз" in r.text and BUSY_TEXT in r.text
    assert "<form" in r.text  # the form itself, not an error page
    for text in kept:
        assert text in r.text, text
    assert _counts(store) == before  # nothing half-saved
    again = client.post(path, data={"csrf_token": token, **form}, follow_redirects=False)
    assert again.status_code == 303, again.text[:500]
    assert _counts(store) != before


def test_a_busy_database_keeps_an_edit(busy: tuple[TestClient, Any, Path]) -> None:
    client, store, db = busy
    pid = store.default_person_id()
    e = store.add_episode(
        person_id=pid, episode=Episode(kind="cramp", started_at="2024-05-01T10:00", note="было")
    )
    token = csrf(client, "/diary")
    form = {"csrf_token": token, "full": "1", "kind": "spasm", "note": NOTE, "intensity": "4"}
    with _locked(db):
        r = client.post(f"/diary/episodes/{e.id}", data=form, follow_redirects=False)
    assert r.status_code == 503 and BUSY_TEXT in r.text
    assert NOTE in r.text and 'value="spasm" required checked' in r.text
    assert re.search(rf'action="/diary/episodes/{e.id}"', r.text)
    assert store.get_episode(person_id=pid, episode_id=e.id or 0).note == "было"
    assert client.post(f"/diary/episodes/{e.id}", data=form).status_code == 200
    assert store.get_episode(person_id=pid, episode_id=e.id or 0).note == NOTE


def test_a_busy_quick_tap_says_so_in_the_fragment(busy: tuple[TestClient, Any, Path]) -> None:
    """A one-tap entry sent by htmx: the fragment (a 200, which htmx swaps in) says the tap
    was not recorded and to try again."""
    client, store, db = busy
    token = csrf(client, "/diary")
    with _locked(db):
        r = client.post(
            "/diary/episodes",
            data={"csrf_token": token, "kind": "twitch"},
            headers={"HX-Request": "true"},
        )
    assert r.status_code == 200
    assert "попробуйте ещё раз" in r.text
    assert store.count_records(Episode, person_id=store.default_person_id()) == 0
