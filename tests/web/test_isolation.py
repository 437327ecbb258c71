"""Strict isolation in multi-user mode: one person can never read or change another's data
through any route, page or API. The test fails if a diary route is added without a case here."""

from __future__ import annotations

import datetime as dt
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
    ("POST", "/diary/episodes/{episode_id}/undo"): lambda c, ids: _form(
        c, f"/diary/episodes/{ids['episode']}/undo", {}
    ),
    ("GET", "/diary/day"): lambda c, ids: c.get(f"/diary/day?day={ids['day']}"),
    ("POST", "/diary/day"): lambda c, ids: _form(
        c, "/diary/day", {"day": ids["day"], "note": "взлом", "penn": "2"}
    ),
    ("GET", "/diary/profile"): lambda c, ids: c.get("/diary/profile"),
    ("POST", "/diary/profile"): lambda c, ids: _form(c, "/diary/profile", {"birth_year": "1990"}),
    ("GET", "/diary/medicines"): lambda c, ids: c.get("/diary/medicines"),
    ("POST", "/diary/medicines"): lambda c, ids: _form(c, "/diary/medicines", {"name": "взлом"}),
    ("GET", "/diary/scores"): lambda c, ids: c.get("/diary/scores"),
    ("POST", "/diary/scores"): lambda c, ids: _form(
        c, "/diary/scores", {"scale": "penn", "penn": "3"}
    ),
    ("GET", "/diary/trends"): lambda c, ids: c.get("/diary/trends"),
    ("GET", "/diary/charts/{kind}.png"): lambda c, ids: c.get("/diary/charts/episodes.png"),
    ("POST", "/diary/assessments"): lambda c, ids: _form(
        c, "/diary/assessments", {"text": "сводит икру"}
    ),
    ("POST", "/diary/sessions"): lambda c, ids: _form(
        c, "/diary/sessions", {"exercise_id": "calf_stretch", "repetitions": "3"}
    ),
    ("GET", "/diary/sharing"): lambda c, ids: c.get("/diary/sharing"),
    ("POST", "/diary/sharing/codes"): lambda c, ids: _form(c, "/diary/sharing/codes", {}),
    ("POST", "/diary/sharing/{share_id}/revoke"): lambda c, ids: _form(
        c, f"/diary/sharing/{ids['share']}/revoke", {}
    ),
    ("POST", "/diary/scales"): lambda c, ids: _form(c, "/diary/scales", {"score": "1"}),
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
    ("GET", "/api/v1/diary/fhir"): lambda c, ids: c.get("/api/v1/diary/fhir"),
    ("GET", "/api/v1/diary/export.xlsx"): lambda c, ids: c.get("/api/v1/diary/export.xlsx"),
}

# Routes that take a record id of the person: someone else's must look like a missing one.
BY_ID = {key for key in CASES if "{episode_id}" in key[1] or "{share_id}" in key[1]}


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
    # Through the web pages too: a marked day, a medicine taken, a scale score.
    day = dt.date.today().isoformat()
    for path, data in (
        ("/diary/day", {"day": day, "note": MARK, "medicine_other": MARK, "penn": "1"}),
        ("/diary/medicines", {"name": MARK, "amount": MARK}),
        ("/diary/scores", {"scale": "ashworth", "ashworth": "2", "muscle": MARK}),
    ):
        assert _form(c, path, data).status_code == 303, path
    token = csrf(c, "/diary/sharing")
    page = c.post("/diary/sharing/codes", data={"label": "Анна " + MARK, "csrf_token": token})
    share = re.search(r"/diary/sharing/(\d+)/revoke", page.text)
    assert share, page.text
    return {"episode": episode["id"], "snapshot": episode, "share": int(share.group(1)), "day": day}


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
    assert "ещё не использован" in anna.get("/diary/sharing").text  # Anna's code still stands
    for path in ("/diary/medicines", "/diary/scores", f"/diary/day?day={ids['day']}"):
        page = anna.get(path).text
        assert MARK in page and "взлом" not in page, path
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


# --- The clinic: clinicians see only the patients who shared with them -----------------------

# (method, path) -> how someone tries a clinic route with Anna's ids ({"patient": person id}).
CLINIC_CASES: dict[tuple[str, str], Request] = {
    ("GET", "/clinic"): lambda c, ids: c.get("/clinic"),
    ("POST", "/clinic/link"): lambda c, ids: _form(c, "/clinic/link", {"code": "AAAA-BBBB"}),
    ("GET", "/clinic/patients/{patient_id}"): lambda c, ids: c.get(
        f"/clinic/patients/{ids['patient']}"
    ),
    ("GET", "/clinic/patients/{patient_id}/report.pdf"): lambda c, ids: c.get(
        f"/clinic/patients/{ids['patient']}/report.pdf"
    ),
    ("GET", "/clinic/patients/{patient_id}/fhir.json"): lambda c, ids: c.get(
        f"/clinic/patients/{ids['patient']}/fhir.json"
    ),
    ("POST", "/clinic/patients/{patient_id}/ashworth"): lambda c, ids: _form(
        c, f"/clinic/patients/{ids['patient']}/ashworth", {"score": "2"}
    ),
    ("POST", "/clinic/patients/{patient_id}/alerts/{alert}/ack"): lambda c, ids: _form(
        c, f"/clinic/patients/{ids['patient']}/alerts/sleep/ack", {"note": "взлом"}
    ),
    ("GET", "/admin"): lambda c, ids: c.get("/admin"),
    ("POST", "/admin/clinicians"): lambda c, ids: _form(
        c, "/admin/clinicians", {"username": "intruder", "password": "a long password 1"}
    ),
}
PATIENT_ROUTES = {key for key in CLINIC_CASES if "{patient_id}" in key[1]}
ADMIN_ROUTES = {key for key in CLINIC_CASES if key[1].startswith("/admin")}


def test_every_clinic_route_is_covered() -> None:
    routes = {r for r in page_routes() if r[1].startswith(("/clinic", "/admin"))}
    assert routes == set(CLINIC_CASES), sorted(routes ^ set(CLINIC_CASES))


@pytest.fixture
def clinic_people(clinic_app: Any, clinic_client: ClientFactory) -> dict[str, Any]:
    from .clinicsupport import linked_patient, login, make_staff, share_code

    for name, role in (("dr.a", "clinician"), ("dr.b", "clinician"), ("dr.c", "clinician")):
        make_staff(clinic_app, name, role, name.upper())
    people: dict[str, Any] = {}
    for name in ("anna", "boris"):
        people[name] = clinic_client()
        register(people[name], name)
    for name in ("dr.a", "dr.b", "dr.c"):
        people[name] = clinic_client()
        login(people[name], name)
    ids = _seed_anna(people["anna"])
    r = people["anna"].post(
        "/api/v1/diary/episodes", json={"kind": "cramp", "disturbs_sleep": True, "note": MARK}
    )
    assert r.status_code == 201
    ids["patient"] = linked_patient(people["dr.a"], share_code(people["anna"], "Анна " + MARK))
    linked_patient(people["dr.b"], share_code(people["boris"], "Борис"))  # dr.b has his own
    from spasmnav.diary.models import ScaleScore

    store = clinic_app.state.core.services.store()
    # Anna's own scores (her check-in's Penn score and the one she recorded): the baseline.
    ids["scores"] = store.count_records(ScaleScore, person_id=ids["patient"])
    people["ids"] = ids
    return people


def _refused(c: TestClient, ids: dict[str, Any], expect: dict[tuple[str, str], int]) -> None:
    for key, attempt in CLINIC_CASES.items():
        r = attempt(c, ids)
        assert MARK not in _text_of(r), f"{key} showed Anna's data"
        if key in expect:
            assert r.status_code == expect[key], f"{key}: {r.status_code}"
        assert r.status_code < 500, f"{key}: {r.status_code}"


def _anna_untouched(app: Any, pid: int, scores: int) -> None:
    from spasmnav.diary.models import ScaleScore
    from spasmnav.web.clinic import AlertAckRow

    store = app.state.core.services.store()
    assert store.count_records(ScaleScore, person_id=pid) == scores
    with store.reading() as s:
        from sqlalchemy import select

        assert s.scalar(select(AlertAckRow.id).where(AlertAckRow.person_id == pid)) is None


def test_the_linked_clinician_sees_the_patient(clinic_people: dict[str, Any]) -> None:
    doc, ids = clinic_people["dr.a"], clinic_people["ids"]
    assert MARK in doc.get("/clinic").text
    assert MARK in doc.get(f"/clinic/patients/{ids['patient']}").text
    assert doc.get(f"/clinic/patients/{ids['patient']}/report.pdf").content.startswith(b"%PDF")


def test_an_unlinked_clinician_and_another_clinicians_patient(
    clinic_app: Any, clinic_people: dict[str, Any]
) -> None:
    ids = clinic_people["ids"]
    for name in ("dr.b", "dr.c"):  # dr.b follows Boris only; dr.c follows no one
        expect = {key: 404 for key in PATIENT_ROUTES}
        expect |= {key: 403 for key in ADMIN_ROUTES}
        expect[("GET", "/clinic")] = 200
        expect[("POST", "/clinic/link")] = 422
        _refused(clinic_people[name], ids, expect)
    _anna_untouched(clinic_app, ids["patient"], ids["scores"])
    # Nor through the patient's own routes: a clinician has no diary of anyone's.
    r = clinic_people["dr.b"].get(f"/api/v1/diary/episodes/{ids['episode']}")
    assert r.status_code == 403 and MARK not in r.text


def test_a_revoked_share_closes_everything(clinic_app: Any, clinic_people: dict[str, Any]) -> None:
    anna, doc, ids = clinic_people["anna"], clinic_people["dr.a"], clinic_people["ids"]
    page = anna.get("/diary/sharing").text
    live = re.findall(r"/diary/sharing/(\d+)/revoke", page)
    for share_id in live:
        r = _form(anna, f"/diary/sharing/{share_id}/revoke", {})
        assert r.status_code == 303
    expect = {key: 404 for key in PATIENT_ROUTES} | {key: 403 for key in ADMIN_ROUTES}
    _refused(doc, ids, expect)
    _anna_untouched(clinic_app, ids["patient"], ids["scores"])
    assert MARK not in doc.get("/clinic").text


def test_a_patient_cannot_use_clinician_or_admin_routes(
    clinic_app: Any, clinic_people: dict[str, Any]
) -> None:
    ids = clinic_people["ids"]
    _refused(clinic_people["boris"], ids, {key: 403 for key in CLINIC_CASES})
    _refused(clinic_people["anna"], ids, {key: 403 for key in CLINIC_CASES})
    _anna_untouched(clinic_app, ids["patient"], ids["scores"])


def test_clinic_routes_need_a_login(
    clinic_people: dict[str, Any], clinic_client: ClientFactory
) -> None:
    stranger = clinic_client()
    stranger.follow_redirects = False
    stranger.get("/")
    for key, attempt in CLINIC_CASES.items():
        r = attempt(stranger, clinic_people["ids"])
        assert MARK not in _text_of(r), key
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), key
