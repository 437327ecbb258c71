"""``POST /api/v1/assess`` runs without FastAPI's per-request machinery (``api._AssessRoute``):
it must answer exactly what FastAPI's own handling of the same endpoint answers, for good and
bad bodies alike, and the OpenAPI document must still describe it from the endpoint."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spasmnav.settings import Settings
from spasmnav.web import app as web_app
from spasmnav.web import create_app
from spasmnav.web.deps import JsonOnly
from spasmnav.web.views import api
from spasmnav.web.views.schemas import AssessmentOut

from .support import TestClient

REFERENCE = "/api/v1/reference"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app, plus the same endpoint under ``/api/v1/reference`` as a plain FastAPI route."""
    from .support import make_settings

    cfg: Settings = make_settings(tmp_path_factory.mktemp("route"))
    app = create_app(cfg)
    plain = APIRouter()
    plain.add_api_route(
        "/assess",
        api.assess_endpoint,
        methods=["POST"],
        dependencies=[JsonOnly],
        response_model=AssessmentOut,
    )
    app.include_router(plain, prefix=REFERENCE)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c
    app.state.core.services.close()


def _both(client: TestClient, body: bytes, content_type: str | None) -> tuple[Any, Any]:
    headers = {"content-type": content_type} if content_type is not None else {}
    fast = client.post("/api/v1/assess", content=body, headers=headers)
    plain = client.post(REFERENCE + "/assess", content=body, headers=headers)
    return fast, plain


def _same(fast: Any, plain: Any) -> None:
    assert fast.status_code == plain.status_code, (fast.text, plain.text)
    assert fast.headers["content-type"] == plain.headers["content-type"]
    a, b = fast.json(), plain.json()
    if isinstance(a, dict) and "instance" in a:  # problem+json names the path asked
        assert a.pop("instance") == "/api/v1/assess"
        assert b.pop("instance") == REFERENCE + "/assess"
    assert a == b


CASES: list[tuple[bytes, str | None]] = [
    (json.dumps({"text": "по ночам сводит икру после инсульта"}).encode(), "application/json"),
    (json.dumps({"findings": {"cramp": True, "at_night": True}}).encode(), "application/json"),
    (json.dumps({"text": "нога", "checks": {"stroke_signs": "no"}}).encode(), "application/json"),
    (
        json.dumps({"text": "нога", "checks": {"stroke_signs": "maybe"}}).encode(),
        "application/json",
    ),
    (json.dumps({"text": "нога", "checks": {"nope": "yes"}}).encode(), "application/json"),
    (json.dumps({"text": "нога"}).encode(), "application/vnd.spasmnav+json"),
    (json.dumps({"text": "нога"}).encode(), "application/json; charset=utf-8"),
    (json.dumps({"text": "нога"}).encode(), "text/plain"),
    (json.dumps({"text": "нога"}).encode(), None),
    (b"", "application/json"),
    (b"   ", "application/json"),
    (b'{"text": ', "application/json"),
    (b"\xff\xfe\x00", "application/json"),
    (b"[]", "application/json"),
    (b'"text"', "application/json"),
    (b"null", "application/json"),
    (b"{}", "application/json"),
    (b'{"text": null, "findings": null}', "application/json"),
    (b'{"text": "a", "findings": {}}', "application/json"),
    (b'{"text": 5}', "application/json"),
    (b'{"text": "   "}', "application/json"),
    (b'{"text": "\\u043d\\u043e\\u0433\\u0430", "extra": 1}', "application/json"),
    (b'{"findings": {"cramp": "yes"}}', "application/json"),
    (b'{"findings": {"no_such_finding": true}}', "application/json"),
    (b'{"findings": {"symptom_duration_days": 1e400}}', "application/json"),
    (json.dumps({"text": "я" * 30_000}).encode(), "application/json"),
    (b"text=hello", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("body", "content_type"), CASES)
def test_the_fast_route_answers_as_fastapi_does(
    pair: TestClient, body: bytes, content_type: str | None
) -> None:
    _same(*_both(pair, body, content_type))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
_bodies = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(st.text(max_size=40), st.integers(), st.none()),
        "findings": st.one_of(
            st.dictionaries(
                st.sampled_from(["cramp", "at_night", "twitching", "symptom_duration_days", "x"]),
                st.one_of(st.booleans(), st.none(), st.integers(-5, 500), st.text(max_size=3)),
            ),
            _json,
        ),
        "checks": st.one_of(
            st.dictionaries(
                st.sampled_from(["stroke_signs", "seizure", "nope"]),
                st.sampled_from(["yes", "no", "unknown", "maybe"]),
            ),
            _json,
        ),
        "extra": _json,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.one_of(_bodies, _json))
def test_any_json_body_gets_the_same_answer(pair: TestClient, payload: Any) -> None:
    _same(*_both(pair, json.dumps(payload).encode(), "application/json"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=40), content_type=st.sampled_from(["application/json", None]))
def test_any_bytes_get_the_same_answer(
    pair: TestClient, raw: bytes, content_type: str | None
) -> None:
    _same(*_both(pair, raw, content_type))


def test_the_openapi_document_describes_the_endpoint(pair: TestClient) -> None:
    doc = pair.get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/assess"]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/AssessRequest"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AssessmentOut"
    }
    assert {"400", "413", "415", "422"} <= set(op["responses"])
    assert set(doc["components"]["schemas"]["AssessRequest"]["properties"]) == {
        "text",
        "findings",
        "checks",
    }


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite keeps a collectable heap


def test_a_server_freezes_its_heap_after_the_first_text(
    unfrozen: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPASMNAV_DATABASE_URL", f"sqlite:///{tmp_path}/serve.db")
    monkeypatch.setenv("SPASMNAV_SECRET_KEY", "k" * 48)
    # The factory's logging set-up is for a server's stderr, not for this test process.
    monkeypatch.setattr(web_app, "_log_security_events", lambda: None)
    app = web_app.app_from_env()
    core = app.state.core
    assert core.freeze_pending
    with TestClient(app, base_url="http://127.0.0.1") as c:
        findings = c.post("/api/v1/assess", json={"findings": {"cramp": True}})
        assert findings.status_code == 200
        assert gc.get_freeze_count() == 0 and core.freeze_pending  # the reader is not built yet
        bad = c.post("/api/v1/assess", json={"text": "   "})
        assert bad.status_code == 422 and core.freeze_pending
        r = c.post("/api/v1/assess", json={"text": "по ночам сводит икру"})
        assert r.status_code == 200
        frozen = gc.get_freeze_count()
        assert frozen > 50_000 and not core.freeze_pending  # the pack, the reader, pymorphy3
        assert c.post("/api/v1/assess", json={"text": "дёргается нога"}).status_code == 200
        assert gc.get_freeze_count() == frozen  # once
    core.services.close()


def test_apps_of_tests_and_embedding_do_not_freeze(unfrozen: None, pair: TestClient) -> None:
    assert pair.post("/api/v1/assess", json={"text": "сводит икру"}).status_code == 200
    assert gc.get_freeze_count() == 0
