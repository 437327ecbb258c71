"""Strict isolation in multi-user mode: one person can never read or change another's data
through any route, page or API. The test fails if a diary route is added without a case here."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import ClientFactory
from .support import TestClient, api_routes, csrf, page_routes, register

MARK = "Секрет-Анны-7731"

Request = Callable[[TestClient, dict[str, Any]], Any]


def _form(c: TestClient, path: str, data: dict[str, str]) -> Any:
    token = csrf(c, "/assess")
    return c.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


# (method, path) -> how user B tries it with user A's ids (ids: {"episode": n}).
CASES: dict[tuple[str, str], Request] = {
    # Pages
    ("GET", "/diary"): lambda c, ids: c.get("/diary"),
    ("POST", "/diary/episodes"): lambda c, ids: _form(c, "/diary/episodes", {"kind": "spasm"}),
    ("GET", "/diary/episodes/new"): lambda c, ids: c.get("/diary/episodes/new"),
    ("GET", "/diary/episodes/{episode_id}"): lambda c, ids: c.get(
        f"/diary/episodes/{ids['episode']}"
    ),
    ("POST", "/diary/episodes/{episode_id}"): lambda c, ids: _form(
        c, f"/diary/episodes/{ids['episode']}", {"full": "1", "kind": "tremor", "note": "взлом"}
    ),
    ("GET", "/diary/episodes/{episode_id}/delete"): lambda c, ids: c.get(
        f"/diary/episodes/{ids['episode']}/delete"
    ),
    ("POST", "/diary/episodes/{episode_id}/delete"): lambda c, ids: _form(
        c, f"/diary/episodes/{ids['episode']}/delete", {}
    ),
    ("GET", "/diary/trends"): lambda c, ids: c.get("/diary/trends"),
    ("GET", "/diary/charts/{kind}.png"): lambda c, ids: c.get("/diary/charts/episodes.png"),
    ("POST", "/diary/assessments"): lambda c, ids: _form(
        c, "/diary/assessments", {"text": "сводит икру"}
    ),
    ("POST", "/diary/sessions"): lambda c, ids: _form(
        c, "/diary/sessions", {"exercise_id": "calf_stretch", "repetitions": "3"}
    ),
    ("GET", "/downloads"): lambda c, ids: c.get("/downloads"),
    ("GET", "/downloads/report.pdf"): lambda c, ids: c.get("/downloads/report.pdf"),
    ("GET", "/downloads/plan.ics"): lambda c, ids: c.get("/downloads/plan.ics"),
    ("GET", "/downloads/diary.json"): lambda c, ids: c.get("/downloads/diary.json"),
    ("GET", "/downloads/{table}.csv"): lambda c, ids: c.get("/downloads/episodes.csv"),
    ("GET", "/downloads/excel/{table}.csv"): lambda c, ids: c.get("/downloads/excel/episodes.csv"),
    ("GET", "/downloads/excel/{table}.xlsx"): lambda c, ids: c.get(
        "/downloads/excel/episodes.xlsx"
    ),
    # API
    ("GET", "/api/v1/diary/episodes"): lambda c, ids: c.get("/api/v1/diary/episodes"),
    ("POST", "/api/v1/diary/episodes"): lambda c, ids: c.post(
        "/api/v1/diary/episodes", json={"kind": "twitch"}
    ),
    ("GET", "/api/v1/diary/episodes/{episode_id}"): lambda c, ids: c.get(
        f"/api/v1/diary/episodes/{ids['episode']}"
    ),
    ("PATCH", "/api/v1/diary/episodes/{episode_id}"): lambda c, ids: c.patch(
        f"/api/v1/diary/episodes/{ids['episode']}", json={"note": "взлом"}
    ),
    ("DELETE", "/api/v1/diary/episodes/{episode_id}"): lambda c, ids: c.delete(
        f"/api/v1/diary/episodes/{ids['episode']}"
    ),
    ("GET", "/api/v1/diary/sessions"): lambda c, ids: c.get("/api/v1/diary/sessions"),
    ("POST", "/api/v1/diary/sessions"): lambda c, ids: c.post(
        "/api/v1/diary/sessions", json={"exercise_id": "calf_stretch"}
    ),
    ("GET", "/api/v1/diary/assessments"): lambda c, ids: c.get("/api/v1/diary/assessments"),
    ("POST", "/api/v1/diary/assessments"): lambda c, ids: c.post(
        "/api/v1/diary/assessments", json={"text": "дёргается нога"}
    ),
    ("GET", "/api/v1/diary/profile"): lambda c, ids: c.get("/api/v1/diary/profile"),
    ("PUT", "/api/v1/diary/profile"): lambda c, ids: c.put(
        "/api/v1/diary/profile", json={"birth_year": 1990}
    ),
    ("GET", "/api/v1/diary/trends"): lambda c, ids: c.get("/api/v1/diary/trends"),
    ("GET", "/api/v1/diary/report.pdf"): lambda c, ids: c.get("/api/v1/diary/report.pdf"),
    ("GET", "/api/v1/diary/plan.ics"): lambda c, ids: c.get("/api/v1/diary/plan.ics"),
    ("GET", "/api/v1/diary/export.json"): lambda c, ids: c.get("/api/v1/diary/export.json"),
    ("GET", "/api/v1/diary/export.csv"): lambda c, ids: c.get("/api/v1/diary/export.csv"),
    ("GET", "/api/v1/diary/export.xlsx"): lambda c, ids: c.get("/api/v1/diary/export.xlsx"),
}

# Routes that take a record id of the person: someone else's must look like a missing one.
BY_ID = {key for key in CASES if "{episode_id}" in key[1]}


def _personal(method: str, path: str) -> bool:
    return path.startswith(("/diary", "/downloads", "/api/v1/diary")) and method != "HEAD"


def test_every_personal_route_is_covered() -> None:
    routes = {r for r in page_routes() + api_routes() if _personal(*r)}
    missing = routes - set(CASES)
    assert not missing, f"add isolation cases for: {sorted(missing)}"


def _seed_anna(c: TestClient) -> dict[str, Any]:
    r = c.post(
        "/api/v1/diary/episodes",
        json={"kind": "cramp", "intensity": 8, "note": MARK, "place": MARK},
    )
    assert r.status_code == 201, r.text
    episode = r.json()
    assert c.post("/api/v1/diary/assessments", json={"text": MARK + " сводит икру"}).status_code
    assert (
        c.post(
            "/api/v1/diary/sessions", json={"exercise_id": "calf_stretch", "note": MARK}
        ).status_code
        == 201
    )
    assert (
        c.put("/api/v1/diary/profile", json={"birth_year": 1941, "medicines": [MARK]}).status_code
        == 200
    )
    return {"episode": episode["id"], "snapshot": episode}


@pytest.fixture
def two_people(clinic_client: ClientFactory) -> tuple[TestClient, TestClient, dict[str, Any]]:
    anna, boris = clinic_client(), clinic_client()
    register(anna, "anna")
    ids = _seed_anna(anna)
    register(boris, "boris")
    return anna, boris, ids


def _text_of(r: Any) -> str:
    try:
        return str(r.text)
    except UnicodeDecodeError:
        return bytes(r.content).decode("latin-1")


def test_one_person_never_reads_or_changes_anothers_data(
    two_people: tuple[TestClient, TestClient, dict[str, Any]],
) -> None:
    anna, boris, ids = two_people
    for key, attempt in CASES.items():
        r = attempt(boris, ids)
        assert r.status_code < 500, f"{key}: {r.status_code}"
        assert MARK not in _text_of(r), f"{key} showed Anna's data to Boris"
        if key in BY_ID:
            assert r.status_code == 404, f"{key} let Boris touch Anna's record ({r.status_code})"
        if key == ("GET", "/downloads/report.pdf") or key[1].endswith("report.pdf"):
            assert r.content.startswith(b"%PDF")
            assert b"1941" not in r.content
    # Anna's data is exactly as she left it.
    mine = anna.get(f"/api/v1/diary/episodes/{ids['episode']}")
    assert mine.status_code == 200 and mine.json() == ids["snapshot"]
    assert anna.get("/api/v1/diary/profile").json()["birth_year"] == 1941
    assert anna.get("/api/v1/diary/episodes").json()["total"] == 1
    # And Boris sees only what Boris wrote.
    theirs = boris.get("/api/v1/diary/episodes").json()
    assert {e["kind"] for e in theirs["items"]} <= {"spasm", "twitch"}
    exported = boris.get("/api/v1/diary/export.json").json()
    assert all(MARK not in str(v) for v in exported.values())


def test_everything_personal_needs_a_login(multi_client: ClientFactory) -> None:
    anna = multi_client()
    register(anna, "anna2")
    ids = _seed_anna(anna)
    stranger = multi_client()
    stranger.follow_redirects = False
    stranger.get("/")
    for key, attempt in CASES.items():
        r = attempt(stranger, ids)
        assert MARK not in _text_of(r), key
        if key[1].startswith("/api/"):
            assert r.status_code == 401, f"{key}: {r.status_code}"
        else:
            assert r.status_code == 303, f"{key}: {r.status_code}"
            assert re.match(r"/login\?next=", r.headers["location"])
