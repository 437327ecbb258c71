"""``POST /api/v1/assess`` runs past the router (``api.AssessShortcut``, inside WebGuard) and,
where the router does reach it, without FastAPI's per-request machinery (``api._AssessRoute``):
both must answer exactly what FastAPI's own handling of the same endpoint answers (status,
headers, body), for good and bad bodies alike, and the OpenAPI document must still describe it
from the endpoint."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, MutableMapping
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
ROUTED = "/api/v1/routed"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app, plus the same endpoint under ``/api/v1/reference`` as a plain FastAPI route and
    under ``/api/v1/routed`` as the route class the app's router would run (the shortcut takes
    ``/api/v1/assess`` only)."""
    from .support import make_settings

    cfg: Settings = make_settings(tmp_path_factory.mktemp("route"))
    app = create_app(cfg)
    for prefix, route_class in ((REFERENCE, None), (ROUTED, api._AssessRoute)):
        extra = APIRouter()
        extra.add_api_route(
            "/assess",
            api.assess_endpoint,
            methods=["POST"],
            dependencies=[JsonOnly],
            response_model=AssessmentOut,
            route_class_override=route_class,
        )
        app.include_router(extra, prefix=prefix)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c
    app.state.core.services.close()


def _both(client: TestClient, body: bytes, content_type: str | None) -> tuple[Any, Any]:
    headers = {"content-type": content_type} if content_type is not None else {}
    fast = client.post("/api/v1/assess", content=body, headers=headers)
    routed = client.post(ROUTED + "/assess", content=body, headers=headers)
    plain = client.post(REFERENCE + "/assess", content=body, headers=headers)
    _same(routed, plain, ROUTED)
    return fast, plain


def _same(fast: Any, plain: Any, prefix: str = "/api/v1") -> None:
    assert fast.status_code == plain.status_code, (fast.text, plain.text)
    a, b = fast.json(), plain.json()
    named = isinstance(a, dict) and "instance" in a
    if named:  # problem+json names the path asked
        assert a.pop("instance") == prefix + "/assess"
        assert b.pop("instance") == REFERENCE + "/assess"
    assert a == b
    # Every header (the security headers, cache-control, content-type) as FastAPI sends them;
    # the length differs by the path named in a problem.
    skip = {"content-length"} if named else set()
    assert [(k, v) for k, v in fast.headers.multi_items() if k not in skip] == [
        (k, v) for k, v in plain.headers.multi_items() if k not in skip
    ]


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


# The shortcut itself -------------------------------------------------------------------------


def _scope(app: Any, method: str, path: str, root_path: str = "") -> dict[str, Any]:
    body_headers = [(b"content-type", b"application/json")] if method == "POST" else []
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": root_path,
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), *body_headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
        "app": app,
    }


async def _through_shortcut(app: Any, scope: dict[str, Any]) -> tuple[bool, int]:
    """Whether the shortcut passed ``scope`` on to the app behind it, and the status sent."""
    passed: list[bool] = []
    sent: list[int] = []

    async def behind(scope: Any, receive: Any, send: Any) -> None:
        passed.append(True)
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b'{"findings": {"cramp": true}}'}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent.append(message["status"])

    await api.AssessShortcut(behind, path="/api/v1/assess")(scope, receive, send)
    return bool(passed), sent[0]


@pytest.mark.parametrize(
    ("method", "path", "root_path", "taken"),
    [
        ("POST", "/api/v1/assess", "", True),
        ("POST", "/clinic/api/v1/assess", "/clinic", True),  # behind a proxy's prefix
        ("GET", "/api/v1/assess", "", False),
        ("HEAD", "/api/v1/assess", "", False),
        ("POST", "/api/v1/assess/", "", False),  # the router redirects it, as before
        ("POST", "/api/v1/assessment", "", False),
        ("POST", "/api/v1/health", "", False),
        ("POST", "/clinicapi/v1/assess", "/clinic", False),
    ],
)
def test_the_shortcut_takes_the_assessment_only(
    pair: TestClient, method: str, path: str, root_path: str, taken: bool
) -> None:
    import asyncio

    passed, status = asyncio.run(
        _through_shortcut(pair.app, _scope(pair.app, method, path, root_path))
    )
    assert passed is not taken
    assert status == (200 if taken else 299)


@given(
    path=st.text(alphabet="/abc", max_size=8).map(lambda p: "/" + p),
    root=st.one_of(st.just(""), st.text(alphabet="/abc", max_size=5)),
)
def test_the_shortcut_reads_the_path_as_the_router_does(path: str, root: str) -> None:
    from starlette._utils import get_route_path

    scope = {"path": path, "root_path": root}
    assert api._route_path(scope) == get_route_path(scope)


@pytest.mark.parametrize(
    ("method", "suffix"), [("GET", "/assess"), ("PUT", "/assess"), ("POST", "/assess/")]
)
def test_what_the_shortcut_leaves_is_answered_as_before(
    pair: TestClient, method: str, suffix: str
) -> None:
    fast = pair.request(method, "/api/v1" + suffix, json={}, follow_redirects=False)
    plain = pair.request(method, REFERENCE + suffix, json={}, follow_redirects=False)
    assert fast.status_code == plain.status_code
    assert fast.status_code in (307, 405)
    if fast.status_code == 307:
        assert fast.headers["location"].endswith("/api/v1/assess")


def test_an_unexpected_error_is_the_same_500(
    pair: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    core = pair.app.state.core  # type: ignore[attr-defined]

    def broken(text: str, checks: Any = None) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(core.navigator, "assess_text", broken)
    plain = pair.post(REFERENCE + "/assess", json={"text": "нога"})
    b = plain.json()
    assert plain.status_code == 500 and b.pop("instance") == REFERENCE + "/assess"
    for prefix in ("/api/v1", ROUTED):
        fast = pair.post(prefix + "/assess", json={"text": "нога"})
        assert fast.status_code == 500
        a = fast.json()
        assert a.pop("instance") == prefix + "/assess"
        # The error's reference differs per request; the rest is the same problem.
        assert a.pop("detail").split("Код ошибки")[0] == b["detail"].split("Код ошибки")[0]
        assert a == {k: v for k, v in b.items() if k != "detail"}
        assert fast.headers["content-type"] == plain.headers["content-type"]
    logged = [r.getMessage() for r in caplog.records if "unexpected" in r.getMessage()]
    assert any("POST /assess" in m and "boom" not in m for m in logged), logged
