"""The diary's web pages beyond episodes (check-in, profile, medicines, scales) and the
one-tap guard (same tap counted once, ten-second undo), without JavaScript and with htmx, on
SQLite and PostgreSQL, each person seeing only their own."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import update

from spasmnav.diary.orm import EpisodeRow

from .conftest import ClientFactory
from .support import TestClient, csrf, register

HX = {"HX-Request": "true"}


def _form(c: TestClient, path: str, data: dict[str, Any], **kw: Any) -> Any:
    token = csrf(c, "/diary")
    return c.post(path, data={**data, "csrf_token": token}, follow_redirects=False, **kw)


def _store(app: Any) -> Any:
    return app.state.core.services.store()


def _statuses(html: str) -> list[str]:
    return [" ".join(m.split()) for m in re.findall(r'role="status">(.*?)<', html, re.S)]


def test_same_tap_is_counted_once_and_undo_removes_it(
    clinic_app: Any, clinic_client: ClientFactory
) -> None:
    c = clinic_client()
    register(c, "tapper")
    first = _form(c, "/diary/episodes", {"kind": "twitch", "leg": "left"})
    assert first.status_code == 303
    again = _form(c, "/diary/episodes", {"kind": "twitch", "leg": "left"})
    # The same id again: a double submit makes no second record.
    assert (
        again.headers["location"].split("added=")[1].split("&")[0]
        == (first.headers["location"].split("added=")[1])
    )
    assert "again=1" in again.headers["location"]
    page = c.get(again.headers["location"]).text
    assert any("повторное нажатие" in s for s in _statuses(page))
    # htmx, a third tap: still one, and the fragment says so.
    r = _form(c, "/diary/episodes", {"kind": "twitch", "leg": "left"}, headers=HX)
    assert r.status_code == 200 and "повторное нажатие" in r.text
    assert c.get("/api/v1/diary/episodes").json()["total"] == 1
    # Another leg or another kind is another episode, not a repeat.
    _form(c, "/diary/episodes", {"kind": "twitch", "leg": "right"})
    _form(c, "/diary/episodes", {"kind": "cramp", "leg": "left"})
    assert c.get("/api/v1/diary/episodes").json()["total"] == 3
    # The undo is offered right after the entry, without JavaScript.
    episode_id = int(first.headers["location"].split("added=")[1])
    page = c.get(first.headers["location"]).text
    assert f'action="/diary/episodes/{episode_id}/undo"' in page
    assert 'data-undo-seconds="' in page
    undone = _form(c, f"/diary/episodes/{episode_id}/undo", {})
    assert undone.status_code == 303 and undone.headers["location"] == "/diary?undone=1"
    assert "Запись отменена" in c.get("/diary?undone=1").text
    assert c.get(f"/api/v1/diary/episodes/{episode_id}").status_code == 404
    assert _form(c, f"/diary/episodes/{episode_id}/undo", {}).status_code == 404


def test_undo_is_refused_after_its_time_and_the_record_stays(
    clinic_app: Any, clinic_client: ClientFactory
) -> None:
    c = clinic_client()
    register(c, "late")
    r = _form(c, "/diary/episodes", {"kind": "spasm"})
    episode_id = int(r.headers["location"].split("added=")[1])
    with _store(clinic_app).writing() as s:
        s.execute(
            update(EpisodeRow)
            .where(EpisodeRow.id == episode_id)
            .values(created_at=dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=1))
        )
    # The page no longer offers it …
    assert "/undo" not in c.get(f"/diary?added={episode_id}").text
    # … and a stale form (no JavaScript to hide it) gets a clear answer, not a deletion.
    late = _form(c, f"/diary/episodes/{episode_id}/undo", {})
    assert late.status_code == 409
    assert "первые 10 секунд" in late.text and "Удалить" in late.text
    hx = _form(c, f"/diary/episodes/{episode_id}/undo", {}, headers=HX)
    assert hx.status_code == 200 and 'role="alert"' in hx.text
    assert c.get(f"/api/v1/diary/episodes/{episode_id}").status_code == 200
    # A same-looking tap a minute later is a new episode.
    _form(c, "/diary/episodes", {"kind": "spasm"})
    assert c.get("/api/v1/diary/episodes").json()["total"] == 2


def test_a_full_form_entry_is_never_merged_with_a_quick_one(client: TestClient) -> None:
    _form(client, "/diary/episodes", {"kind": "cramp"})
    full = {"full": "1", "kind": "cramp", "started_at": "", "note": ""}
    _form(client, "/diary/episodes", full)
    _form(client, "/diary/episodes", full)
    assert client.get("/api/v1/diary/episodes").json()["total"] == 3


def test_check_in_a_calm_day_with_medicines_and_a_penn_score(
    clinic_app: Any, clinic_client: ClientFactory
) -> None:
    c = clinic_client()
    register(c, "calm")
    assert _form(c, "/diary/profile", {"medicines": "Баклофен\nАспирин"}).status_code == 303
    page = c.get("/diary/day").text
    assert "эпизодов не записано" in page
    assert 'value="Баклофен"' in page  # the profile's medicines are one tick away
    day = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    data = {
        "day": day,
        "triggers": ["cold", "poor_sleep"],
        "medicines": ["Баклофен"],
        "medicine_other": "Мидокалм; ",
        "penn": "1",
        "note": "Спокойный день, гуляли",
    }
    r = _form(c, "/diary/day", data)
    assert r.status_code == 303 and r.headers["location"] == f"/diary/day?day={day}&saved=1"
    shown = c.get(r.headers["location"]).text
    assert "отмечен в дневнике" in shown and "Спокойный день, гуляли" in shown
    assert re.search(r'value="cold" checked', shown)
    # Saving the same day again merges: the note once, each medicine and the score once.
    assert _form(c, "/diary/day", data).status_code == 303
    exported = c.get("/api/v1/diary/export.json").json()
    notes = exported["day_notes"]
    assert len(notes) == 1 and notes[0]["day"] == day
    assert set(notes[0]["triggers"]) == {"cold", "poor_sleep"}
    assert notes[0]["note"] == "Спокойный день, гуляли"
    intakes = exported["medicine_intakes"]
    assert sorted(m["name"] for m in intakes) == ["Баклофен", "Мидокалм"]
    assert all(m["taken_at"].startswith(day) for m in intakes)
    scores = exported["scale_scores"]
    assert [(s["scale"], s["score"], s["recorded_by"]) for s in scores] == [("penn", "1", "self")]
    # The calm day counts: the trends see a day of diary without episodes.
    trends = c.get("/api/v1/diary/trends").json()
    assert trends["start"] == day and trends["total_episodes"] == 0


def test_check_in_refuses_a_day_to_come_and_keeps_the_answers(client: TestClient) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = _form(client, "/diary/day", {"day": tomorrow, "note": "завтра", "triggers": ["stress"]})
    assert r.status_code == 422
    assert "ещё не наступил" in r.text
    assert "завтра" in r.text and re.search(r'value="stress" checked', r.text)
    bad = _form(client, "/diary/day", {"day": "вчера-ish"})
    assert bad.status_code == 422 and "не понять" in bad.text
    assert client.get("/diary/day?day=2999-01-01").status_code == 422
    assert client.get("/api/v1/diary/export.json").json()["day_notes"] == []


def test_profile_round_trip_and_errors(clinic_app: Any, clinic_client: ClientFactory) -> None:
    c = clinic_client()
    register(c, "prof")
    data = {
        "birth_year": "1948",
        "stroke_date": "2025-03-14",
        "diabetes": "yes",
        "thyroid_surgery": "no",
        "pregnancy": "",
        "diuretics": "yes",
        "medicines": "Баклофен\n\nАспирин\nБаклофен",
    }
    assert _form(c, "/diary/profile", data).status_code == 303
    api = c.get("/api/v1/diary/profile").json()
    assert api["birth_year"] == 1948 and api["stroke_date"] == "2025-03-14"
    assert api["diabetes"] is True and api["thyroid_surgery"] is False
    assert api["pregnancy"] is None and api["diuretics"] is True
    assert api["medicines"] == ["Баклофен", "Аспирин"]
    page = c.get("/diary/profile?saved=1").text
    assert 'value="1948"' in page and "Сохранено" in page
    assert re.search(r'name="diabetes" value="yes" checked', page)
    bad = _form(c, "/diary/profile", {**data, "birth_year": "48", "stroke_date": "2999-01-01"})
    assert bad.status_code == 422
    assert "год рождения" in bad.text and "дата инсульта" in bad.text
    assert 'value="48"' in bad.text  # what was typed stays
    assert c.get("/api/v1/diary/profile").json()["birth_year"] == 1948  # nothing half-saved
    # Clearing a field is possible: «не указывать» and an empty year.
    cleared = {**data, "birth_year": "", "diabetes": ""}
    assert _form(c, "/diary/profile", cleared).status_code == 303
    api = c.get("/api/v1/diary/profile").json()
    assert api["birth_year"] is None and api["diabetes"] is None


def test_medicine_intake_and_scale_scores(clinic_app: Any, clinic_client: ClientFactory) -> None:
    c = clinic_client()
    register(c, "meds")
    empty = _form(c, "/diary/medicines", {"name": " ", "amount": "1 таб."})
    assert empty.status_code == 422 and "какое лекарство" in empty.text
    assert 'value="1 таб."' in empty.text
    future = _form(c, "/diary/medicines", {"name": "Баклофен", "taken_at": "2999-01-01T10:00"})
    assert future.status_code == 422 and "время" in future.text
    ok = _form(
        c,
        "/diary/medicines",
        {"name": "Баклофен", "amount": "1 таб.", "taken_at": "2026-11-30T08:15"},
    )
    assert ok.status_code == 303
    page = c.get("/diary/medicines").text
    assert "Баклофен" in page and "1 таб." in page and "30 ноября 2026, 08:15" in page

    assert _form(c, "/diary/scores", {"scale": "ashworth"}).status_code == 422
    mixed = _form(c, "/diary/scores", {"scale": "penn", "ashworth": "1+"})
    assert mixed.status_code == 422  # a grade of the other scale does not count
    assert (
        _form(
            c,
            "/diary/scores",
            {"scale": "ashworth", "ashworth": "1+", "leg": "left", "muscle": "икроножная"},
        ).status_code
        == 303
    )
    assert _form(c, "/diary/scores", {"scale": "penn", "penn": "3"}).status_code == 303
    scores = c.get("/api/v1/diary/export.json").json()["scale_scores"]
    got = sorted((s["scale"], s["score"], s["recorded_by"], s["leg"]) for s in scores)
    assert got == [("ashworth", "1+", "clinician", "left"), ("penn", "3", "self", None)]
    page = c.get("/diary/scores").text
    assert "икроножная" in page and "оценил врач" in page and "самооценка" in page


def test_the_new_forms_need_the_csrf_token(client: TestClient) -> None:
    for path, data in (
        ("/diary/day", {"note": "x"}),
        ("/diary/profile", {"birth_year": "1950"}),
        ("/diary/medicines", {"name": "x"}),
        ("/diary/scores", {"scale": "penn", "penn": "1"}),
    ):
        r = client.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403, path
    exported = client.get("/api/v1/diary/export.json").json()
    assert not exported["day_notes"] and not exported["medicine_intakes"]
    assert not exported["scale_scores"]
    assert client.get("/api/v1/diary/profile").json()["birth_year"] is None
