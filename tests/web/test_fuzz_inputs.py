"""Arbitrary values posted to every form and every API route, on SQLite and PostgreSQL: never a
server error (review F9). NUL characters, inf, 1e308, huge integers, odd Unicode, wrong types."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spasmnav.web import create_app

from .support import TestClient, api_routes, csrf, make_settings, page_routes

HOSTILE = [
    "\x00",
    "a\x00b",
    "inf",
    "-inf",
    "nan",
    "1e308",
    "-1e308",
    "1e999",
    "-1",
    "0",
    "99999999999999999999999",
    "2024-13-45",
    "0001-01-01",
    "9999-12-31T23:59",
    "1969-12-31T23:59:59",
    '=HYPERLINK("http://evil.example")',
    "\u202eevil",
    "𝐓𝐡𝐞 🦵 中文",
    "'; DROP TABLE episodes; --",
    "<script>alert(1)</script>",
    " ",
    "",
    "cramp",
    "left",
    "caffeine",
    "true",
]
FIELDS = [
    "text",
    "kind",
    "leg",
    "started_at",
    "intensity",
    "duration_minutes",
    "duration_seconds",
    "place",
    "helped",
    "note",
    "triggers",
    "disturbs_sleep",
    "disturbs_walking",
    "full",
    "exercise_id",
    "done_at",
    "repetitions",
    "sets",
    "birth_year",
    "stroke_date",
    "medicines",
    "diabetes",
    "thyroid_surgery",
    "pregnancy",
    "diuretics",
    "change",
    "label",
    "findings",
    "checks",
    "answer",
    "answers",
    "state",
    "question",
    "value",
]

# Hostile values, alone or inside ordinary text (so that a NUL reaches the database inside
# an otherwise valid form).
form_value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.builds(
        lambda a, h, b: a + h + b,
        st.text(max_size=5),
        st.sampled_from(HOSTILE),
        st.text(max_size=5),
    ),
)
json_scalar = st.one_of(
    form_value,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 5e-324, -1, 0]),
    st.booleans(),
    st.none(),
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)
    ),
    max_leaves=8,
)

EPISODE_FORM = [
    "kind",
    "leg",
    "started_at",
    "intensity",
    "duration_minutes",
    "place",
    "helped",
    "note",
    "triggers",
    "disturbs_sleep",
    "disturbs_walking",
    "full",
]
INTERVIEW_FORM = ["state", "action", "present", "finding_id", "link_id", "value", "unknown"]
FORM_FIELDS = {
    "/diary/episodes": EPISODE_FORM,
    "/diary/episodes/1": EPISODE_FORM,
    "/diary/sessions": ["exercise_id", "repetitions", "sets", "note", "done_at"],
    "/assess": ["text"],
    "/diary/assessments": ["text", "state"],
    "/interview": INTERVIEW_FORM,
    "/interview/start": ["text"],
}


def _api_fields() -> dict[tuple[str, str], list[str]]:
    """The properties of each API route's JSON body, from the app's own OpenAPI document."""
    import tempfile

    app = create_app(make_settings(Path(tempfile.mkdtemp())))
    doc = app.openapi()
    schemas = doc.get("components", {}).get("schemas", {})
    out: dict[tuple[str, str], list[str]] = {}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            props = schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
            out[(method.upper(), _url(path))] = sorted(props) or FIELDS
    return out


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fuzz_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    changes: dict[str, object] = {}
    if request.param == "postgres":
        changes["database_url"] = request.getfixturevalue("pg_url")
    app = create_app(make_settings(tmp_path, **changes))
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        assert c.post("/api/v1/diary/episodes", json={"kind": "cramp"}).status_code == 201
        yield c
    app.state.core.services.close()


def _url(path: str) -> str:
    return (
        path.replace("{episode_id}", "1")
        .replace("{table}", "episodes")
        .replace("{kind}", "episodes")
        .replace("{exercise_id}", "calf_stretch")
        .replace("{id}", "1")
    )


FORM_ROUTES = sorted({_url(p) for m, p in page_routes() if m == "POST"})
API_ROUTES = sorted({(m, _url(p)) for m, p in api_routes() if m in ("POST", "PUT", "PATCH")})


API_FIELDS = _api_fields()


def test_the_routes_are_found() -> None:
    assert len(FORM_ROUTES) >= 8 and len(API_ROUTES) >= 6
    assert "note" in API_FIELDS[("POST", "/api/v1/diary/episodes")]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_forms_never_fail_with_a_server_error(fuzz_client: TestClient, data: st.DataObject) -> None:
    route = data.draw(st.sampled_from(FORM_ROUTES))
    names = FORM_FIELDS.get(route, FIELDS)
    fields = data.draw(st.dictionaries(st.sampled_from(names), form_value, max_size=8))
    token = csrf(fuzz_client, "/diary")
    # A valid kind unless the example changes it, so the other values reach the database.
    form = {"kind": "cramp", **fields, "csrf_token": token}
    r = fuzz_client.post(route, data=form, follow_redirects=False)
    assert r.status_code < 500, f"POST {route} {fields!r}: {r.status_code} {r.text[:300]}"
    # What was typed comes back when the form is refused.
    if r.status_code == 422 and fields.get("note", "").strip() and "\x00" not in fields["note"]:
        assert "text/html" in r.headers["content-type"]


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_api_never_fails_with_a_server_error(fuzz_client: TestClient, data: st.DataObject) -> None:
    method, path = data.draw(st.sampled_from(API_ROUTES))
    names = API_FIELDS.get((method, path), FIELDS)
    body: Any = data.draw(
        st.one_of(st.dictionaries(st.sampled_from(names), json_value, max_size=6), json_value)
    )
    if isinstance(body, dict) and method == "POST":
        body = {"kind": "cramp", **body} if "episodes" in path else body
    r = fuzz_client.request(
        method,
        path,
        content=json.dumps(body),
        headers={"content-type": "application/json"},
    )
    assert r.status_code < 500, f"{method} {path} {body!r}: {r.status_code} {r.text[:300]}"
