"""Property-based API tests from the app's own OpenAPI document (in-process, bounded).

Whatever schemathesis sends, valid or not, the answer is never a server error, and every error
is a problem+json object with a Russian ``detail``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import schemathesis
    from schemathesis import GenerationMode

from spasmnav.web import create_app

from .support import make_settings

MAX_EXAMPLES = 30


class LoopbackHost:
    """The in-process client calls itself «testserver»; the app only answers to loopback."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope = {**scope, "headers": [*headers, (b"host", b"127.0.0.1")]}
        await self.app(scope, receive, send)


def _schema(tmp_path: Path) -> Any:
    app = create_app(make_settings(tmp_path))
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", LoopbackHost(app))


def _check(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.path}: {response.text[:500]}"
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json")
        body = response.json()
        assert body["status"] == response.status_code
        assert any("а" <= ch <= "я" for ch in body["detail"].lower())


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_server_errors(tmp_path: Path, mode: str) -> None:
    schema = _schema(tmp_path)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=generation))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same examples every run: CI is not a lottery
        )
        def run(case: Any) -> None:
            _check(case)

        try:
            run()
        except Unsatisfiable:
            # Nothing can be sent wrongly to an operation without inputs (GET /health).
            assert mode == "negative", operation.label
