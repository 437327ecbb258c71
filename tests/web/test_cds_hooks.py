"""The CDS Hooks service: discovery, and the patient-view hook answering the latest saved
assessment as cards (summary, indicator, source) for the session's own person only."""

from __future__ import annotations

import uuid
from typing import Any

from spasmnav.diary import fhir

from .conftest import ClientFactory
from .support import TestClient, register

HOOK = f"/api/v1/cds-services/{fhir.CDS_SERVICE_ID}"


def _request(patient: str, hook: str = "patient-view") -> dict[str, Any]:
    return {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "context": {"patientId": patient, "userId": "Practitioner/1"},
    }


def _patient(c: TestClient) -> str:
    bundle = c.get("/api/v1/diary/fhir").json()
    (url,) = [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    return str(url).removeprefix("urn:uuid:")


def test_discovery_lists_the_patient_view_service(client: TestClient) -> None:
    r = client.get("/api/v1/cds-services")
    assert r.status_code == 200
    (service,) = r.json()["services"]
    assert service["hook"] == "patient-view" and service["id"] == fhir.CDS_SERVICE_ID
    assert service["title"] and service["description"]


def test_the_latest_assessment_comes_as_cards(client: TestClient) -> None:
    patient = _patient(client)
    assert client.post(HOOK, json=_request(patient)).json() == {"cards": []}
    client.post("/api/v1/diary/assessments", json={"text": "после инсульта дёргается нога"})
    r = client.post(
        "/api/v1/diary/assessments",
        json={"text": "внезапно перекосило лицо и нога отнялась"},
    )
    assert r.status_code == 201, r.text
    saved = client.get("/api/v1/diary/assessments").json()
    latest = max(saved, key=lambda a: (a["assessed_at"], a["id"]))
    r = client.post(HOOK, json=_request(patient))
    assert r.status_code == 200, r.text
    cards = r.json()["cards"]
    first = cards[0]
    assert first["indicator"] == fhir.INDICATORS[latest["level"]] == "critical"
    assert len(first["summary"]) <= 140 and "103" in first["summary"] + first["detail"]
    assert first["source"]["label"].startswith("SpasmNav")
    assert first["source"]["topic"]["code"] == f"level-{latest['level']}"
    for card in cards:
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["summary"] and len(card["summary"]) <= 140 and card["source"]["label"]


def test_a_wrong_patient_or_hook_gets_nothing(client: TestClient) -> None:
    client.post("/api/v1/diary/assessments", json={"text": "сводит икру ночью"})
    assert client.post(HOOK, json=_request(str(uuid.uuid4()))).json() == {"cards": []}
    r = client.post(HOOK, json=_request(_patient(client), hook="order-sign"))
    assert r.status_code == 400 and "patient-view" in r.json()["detail"]
    assert client.post(HOOK, json={"hook": "patient-view"}).status_code == 422
    assert client.post(HOOK, content="x", headers={"content-type": "text/plain"}).status_code == 415


def test_in_a_clinic_the_hook_needs_a_login_and_shows_only_ones_own(
    multi_client: ClientFactory,
) -> None:
    anna, boris, stranger = multi_client(), multi_client(), multi_client()
    register(anna, "anna-cds")
    anna.post("/api/v1/diary/assessments", json={"text": "сводит икру ночью"})
    patient = _patient(anna)
    assert anna.post(HOOK, json=_request(patient)).json()["cards"]
    assert stranger.post(HOOK, json=_request(patient)).status_code == 401
    register(boris, "boris-cds")
    assert boris.post(HOOK, json=_request(patient)).json() == {"cards": []}
