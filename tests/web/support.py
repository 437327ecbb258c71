"""Helpers shared by the web tests (the TestClient import, settings, CSRF, accounts)."""

from __future__ import annotations

import re
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

with warnings.catch_warnings():
    # Starlette asks for httpx2 for its TestClient; httpx (what the project declares) works.
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

from spasmnav.settings import Settings

__all__ = ["SECRET", "TestClient", "csrf", "make_settings", "register"]

SECRET = "test-secret-" + "x" * 40
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def make_settings(tmp_path: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path}/web.db",
        "secret_key": SECRET,
        **changes,
    }
    return Settings.model_validate(values)


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token of the client's session, as a page shows it."""
    page = client.get(path)
    m = CSRF_RE.search(page.text)
    assert m, f"no CSRF token on {path}"
    return m.group(1)


def register(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf(client, "/register")
    r = client.post(
        "/register",
        data={
            "username": username,
            "password": password,
            "password2": password,
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def page_routes() -> list[tuple[str, str]]:
    """(method, path) of every page route, as the app mounts them."""
    from spasmnav.web.views import account, checkin, clinic, diary, interview, pages

    return [
        (method, route.path)
        for module in (pages, diary, checkin, account, interview, clinic)
        for route in module.router.routes
        for method in sorted(getattr(route, "methods", ()) or ())
    ]


def api_routes() -> list[tuple[str, str]]:
    """(method, path) of every API route under /api/v1."""
    from spasmnav.web.views import api, api_auth, api_diary, api_fhir, api_interview

    return [
        (method, "/api/v1" + route.path)
        for module in (api, api_auth, api_diary, api_interview, api_fhir)
        for route in module.router.routes
        for method in sorted(getattr(route, "methods", ()) or ())
    ]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(proc: subprocess.Popen[bytes], base: str, *, seconds: float) -> None:
    """Wait until the server process ``proc`` at ``base`` answers /api/v1/health with 200;
    fail the test (with what the server printed) if it exits or takes longer than ``seconds``."""
    import time

    import httpx
    import pytest

    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"the server did not start:\n{out}")
        time.sleep(0.1)


@contextmanager
def serving(env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """A real SpasmNav server (uvicorn, app from ``env``) on 127.0.0.1; yields its base URL
    once /api/v1/health answers, and stops it afterwards."""
    import subprocess
    import sys

    port = port or free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "spasmnav.web.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(proc, base, seconds=30)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if proc.stdout:
            proc.stdout.close()
