"""The REST API: the assessment contract, pack metadata, errors as problem+json, limits."""

from __future__ import annotations

import json

import pytest

from spasmnav.assessing import assess_text

from .support import TestClient

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(r: object, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = r.json()  # type: ignore[attr-defined]
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    detail = str(body["detail"])
    assert any("а" <= ch <= "я" for ch in detail.lower()), f"detail is not Russian: {detail}"
    assert "Traceback" not in detail
    return body


def test_health(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_openapi_is_published_under_api_v1(client: TestClient) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in ("/api/v1/assess", "/api/v1/pack", "/api/v1/diary/episodes"):
        assert path in paths
    # Pages are not part of the API document; no CDN-backed docs UI is served.
    assert "/" not in paths and "/assess" not in paths
    assert client.get("/docs").status_code == 404


def test_assess_text_returns_the_contract(client: TestClient) -> None:
    text = "После инсульта по вечерам дёргается правая нога, мышцы напряжены"
    r = client.post("/api/v1/assess", json={"text": text})
    assert r.status_code == 200
    body = r.json()
    assert body["schema_version"] == 1
    for key in ("in_scope", "triage", "red_flags", "conditions", "findings", "tests", "advice"):
        assert key in body
    assert body["triage"]["level"] in ("self_care", "doctor", "urgent", "emergency")
    # Exactly what the core says: the API adds nothing and loses nothing.
    assert body == json.loads(json.dumps(assess_text(text).to_dict()))


def test_assess_emergency(client: TestClient) -> None:
    r = client.post(
        "/api/v1/assess", json={"text": "У папы судороги всего тела, он потерял сознание"}
    )
    assert r.json()["triage"]["level"] == "emergency"
    assert r.json()["exercises"] == []


def test_assess_findings(client: TestClient) -> None:
    r = client.post(
        "/api/v1/assess",
        json={"findings": {"generalized_convulsions": True, "loss_of_consciousness": True}},
    )
    assert r.status_code == 200
    assert r.json()["triage"]["level"] == "emergency"


def test_pack_metadata(client: TestClient) -> None:
    body = client.get("/api/v1/pack").json()
    assert [lv["id"] for lv in body["levels"]] == ["self_care", "doctor", "urgent", "emergency"]
    assert "103" in body["emergency_line"]
    assert all(x["sources"] for x in body["exercises"])


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({}, 422),
        ({"text": "а", "findings": {}}, 422),
        ({"text": "   "}, 422),
        ({"text": 5}, 422),
        ({"findings": {"no_such_finding": True}}, 422),
        ({"findings": {"cramp": "yes"}}, 422),
        ({"text": "нога", "extra": 1}, 422),
        ({"text": "я" * 30_000}, 422),
    ],
)
def test_bad_assess_input_is_a_russian_problem(
    client: TestClient, payload: dict[str, object], status: int
) -> None:
    assert_problem(client.post("/api/v1/assess", json=payload), status)


def test_malformed_json_is_400(client: TestClient) -> None:
    r = client.post(
        "/api/v1/assess", content=b'{"text": ', headers={"content-type": "application/json"}
    )
    assert_problem(r, 400)


def test_wrong_content_type_is_415(client: TestClient) -> None:
    r = client.post("/api/v1/assess", content=b"text=hello", headers={"content-type": "text/plain"})
    assert_problem(r, 415)
    r = client.post("/api/v1/assess", data={"text": "нога"})
    assert_problem(r, 415)


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    big = json.dumps({"text": "нога " * 100_000}).encode()
    r = client.post("/api/v1/assess", content=big, headers={"content-type": "application/json"})
    assert_problem(r, 413)


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> object:
        for _ in range(200):
            yield b"x" * 4096

    r = client.post(
        "/api/v1/assess",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert_problem(r, 413)


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.delete("/api/v1/assess"), 405)


def test_bad_query_parameter_is_422(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/diary/episodes?limit=0"), 422)
    assert_problem(client.get("/api/v1/diary/episodes?since=not-a-date"), 422)


def test_auth_routes_do_not_exist_for_one_person(client: TestClient) -> None:
    assert_problem(client.post("/api/v1/auth/login", json={"username": "a", "password": "b"}), 404)


def test_answers_to_the_checks_reassess(client: TestClient) -> None:
    base = {"text": "Ночью свело икру, потянул носок — прошло"}
    calm = client.post("/api/v1/assess", json=base).json()
    assert calm["triage"]["level"] == "self_care"
    assert "stroke_signs" in {c["id"] for c in calm["red_flags_unchecked"]}
    yes = client.post("/api/v1/assess", json={**base, "checks": {"stroke_signs": "yes"}}).json()
    assert yes["triage"]["level"] == "emergency"
    no = client.post("/api/v1/assess", json={**base, "checks": {"stroke_signs": "no"}}).json()
    assert "stroke_signs" not in {c["id"] for c in no["red_flags_unchecked"]}
    bad = client.post("/api/v1/assess", json={**base, "checks": {"nope": "yes"}})
    assert bad.status_code == 422 and "Неизвестные проверки" in bad.json()["detail"]
    wrong = client.post("/api/v1/assess", json={**base, "checks": {"stroke_signs": "maybe"}})
    assert wrong.status_code == 422
