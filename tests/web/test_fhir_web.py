"""The FHIR routes: the person's own diary as a Bundle, the interview as an SDC Questionnaire
and SpasmNav's CodeSystem; each validated with the R4B models of ``fhir.resources``."""

from __future__ import annotations

from typing import Any

from spasmnav.diary import fhir

from .conftest import ClientFactory
from .support import TestClient, register

FHIR_JSON = "application/fhir+json"


def _resources(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def test_the_questionnaire_is_served_and_valid(client: TestClient) -> None:
    r = client.get("/api/v1/fhir/Questionnaire")
    assert r.status_code == 200 and r.headers["content-type"] == FHIR_JSON
    q = r.json()
    fhir.validate_resource(q)
    assert q["resourceType"] == "Questionnaire" and q["url"] == fhir.QUESTIONNAIRE_URL
    version = client.get("/api/v1/pack").json()["version"]
    assert q["version"] == version and len(q["item"]) > 10


def test_the_code_system_is_served_and_valid(client: TestClient) -> None:
    r = client.get("/api/v1/fhir/CodeSystem")
    assert r.status_code == 200 and r.headers["content-type"] == FHIR_JSON
    cs = r.json()
    fhir.validate_resource(cs)
    assert cs["url"] == fhir.CODE_SYSTEM_URL and cs["content"] == "complete"


def test_the_diary_as_a_bundle(client: TestClient) -> None:
    r = client.post(
        "/api/v1/diary/episodes", json={"kind": "cramp", "intensity": 6, "note": "ночью"}
    )
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/diary/assessments", json={"text": "после инсульта сводит ногу"})
    assert r.status_code == 201, r.text
    r = client.get("/api/v1/diary/fhir")
    assert r.status_code == 200 and r.headers["content-type"] == FHIR_JSON
    assert "attachment" in r.headers["content-disposition"]
    bundle = r.json()
    for entry in bundle["entry"]:
        fhir.validate_resource(entry["resource"])
    (episode,) = [
        o for o in _resources(bundle, "Observation") if fhir._code_of(o["code"]) == "episode"
    ]
    assert episode["note"] == [{"text": "ночью"}]
    (risk,) = _resources(bundle, "RiskAssessment")
    assert str(fhir._code_of(risk["prediction"][0]["qualitativeRisk"])).startswith("level-")
    # The served Questionnaire is the one the Bundle carries.
    (q,) = _resources(bundle, "Questionnaire")
    assert q == client.get("/api/v1/fhir/Questionnaire").json()


def test_a_clinic_needs_a_login_for_the_diary_but_not_for_the_definitions(
    clinic_client: ClientFactory,
) -> None:
    """On SQLite and on PostgreSQL (a clinic's database)."""
    multi_client = clinic_client
    stranger = multi_client()
    assert stranger.get("/api/v1/diary/fhir").status_code == 401
    assert stranger.get("/api/v1/fhir/Questionnaire").status_code == 200
    assert stranger.get("/api/v1/fhir/CodeSystem").status_code == 200
    anna = multi_client()
    register(anna, "anna-fhir")
    assert anna.post("/api/v1/diary/episodes", json={"kind": "spasm"}).status_code == 201
    bundle = anna.get("/api/v1/diary/fhir").json()
    (patient,) = _resources(bundle, "Patient")
    assert "name" not in patient  # pseudonymous: the login name never leaves
    assert "anna-fhir" not in str(bundle)
