"""The login throttle, forwarded headers and slow clients against real server processes
(``spasmnav serve --workers N``): what an attacker on the network would meet."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from .server import running_server
from .support import PASSWORD

pytestmark = pytest.mark.slow

LIMIT = 5


def _register(base: str, name: str) -> None:
    r = httpx.post(
        base + "/api/v1/auth/register", json={"username": name, "password": PASSWORD}, timeout=30
    )
    assert r.status_code == 201, r.text


def _parallel_guesses(
    base: str, name: str, n: int, *, rotate_xff: bool, many_names: bool = False
) -> Counter[int]:
    """``n`` wrong passwords for ``name`` (or ``name0``, ``name1``… with ``many_names``) sent
    at the same moment; status code counts."""
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    lock = threading.Lock()

    def guess(i: int) -> None:
        headers = {"x-forwarded-for": f"10.9.{i // 250}.{i % 250 + 1}"} if rotate_xff else {}
        with httpx.Client(timeout=120) as c:
            barrier.wait()
            r = c.post(
                base + "/api/v1/auth/login",
                json={
                    "username": f"{name}{i}" if many_names else name,
                    "password": f"wrong guess {i}",
                },
                headers=headers,
            )
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Counter(statuses)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_parallel_guesses_never_pass_the_limit(
    tmp_path: Path, request: pytest.FixtureRequest, workers: int, backend: str
) -> None:
    """64 simultaneous wrong guesses from one address: at most LIMIT passwords are checked
    (401); the rest are refused before any check (429). Rotating X-Forwarded-For changes
    nothing: no proxy is trusted by default."""
    db = request.getfixturevalue("pg_url") if backend == "postgres" else None
    env = {"SPASMNAV_LOGIN_ATTEMPTS": str(LIMIT), "SPASMNAV_ALLOW_SIGNUP": "true"}
    with running_server(tmp_path, workers=workers, db=db, env=env) as base:
        _register(base, "victim")
        plain = _parallel_guesses(base, "victim", 64, rotate_xff=False)
        assert plain[401] <= LIMIT and plain[401] >= 1, plain
        assert plain[401] + plain[429] == 64, plain


@pytest.mark.parametrize("workers", [1, 2])
def test_forwarded_for_is_not_believed_by_default(tmp_path: Path, workers: int) -> None:
    """64 guesses at 64 different names, each claiming another X-Forwarded-For: the address
    limit still sees one client (the header would otherwise give 64 fresh budgets)."""
    env = {"SPASMNAV_LOGIN_ATTEMPTS": str(LIMIT)}
    with running_server(tmp_path, workers=workers, env=env) as base:
        spoofed = _parallel_guesses(base, "spray", 64, rotate_xff=True, many_names=True)
        assert 1 <= spoofed[401] <= LIMIT, spoofed
        assert spoofed[401] + spoofed[429] == 64, spoofed


@pytest.mark.parametrize("workers", [1, 2])
def test_trusted_proxy_addresses_and_the_account_cap(tmp_path: Path, workers: int) -> None:
    """Behind a trusted proxy every forwarded address has its own budget, yet the account's
    cap still holds: 64 guesses from 64 addresses check at most LIMIT passwords."""
    env = {
        "SPASMNAV_LOGIN_ATTEMPTS": str(LIMIT),
        "SPASMNAV_TRUSTED_PROXIES": '["127.0.0.1"]',
    }
    with running_server(tmp_path, workers=workers, env=env) as base:
        _register(base, "behind.proxy")
        counts = _parallel_guesses(base, "behind.proxy", 64, rotate_xff=True)
        assert 1 <= counts[401] <= LIMIT, counts
        assert counts[401] + counts[429] == 64, counts
        # Another account from one of those addresses is not affected by that account's cap.
        r = httpx.post(
            base + "/api/v1/auth/login",
            json={"username": "someone.else", "password": "wrong password"},
            headers={"x-forwarded-for": "10.200.0.1"},
            timeout=30,
        )
        assert r.status_code == 401


def _slow_client(port: int, stop: threading.Event, closed_after: list[float]) -> None:
    """Sends a request head one byte per 0.5 s and notes when the server hangs up."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            s.settimeout(0.5)
            while not stop.is_set():
                try:
                    s.sendall(b"X")
                    if s.recv(1) == b"":
                        break
                except TimeoutError:
                    continue
                except OSError:
                    break
    except OSError:
        pass
    closed_after.append(time.monotonic() - start)


def test_slow_clients_are_cut_off_and_others_served(tmp_path: Path) -> None:
    """A bounded slowloris on loopback: 60 clients that never finish their request head are
    closed after the header timeout; meanwhile normal requests are answered; a connection over
    the cap is closed at once."""
    env = {
        "SPASMNAV_HEADER_TIMEOUT_SECONDS": "2",
        "SPASMNAV_BODY_TIMEOUT_SECONDS": "2",
        "SPASMNAV_MAX_CONNECTIONS": "80",
    }
    with running_server(tmp_path, env=env) as base:
        port = int(base.rsplit(":", 1)[1])
        stop = threading.Event()
        closed: list[float] = []
        slow = [threading.Thread(target=_slow_client, args=(port, stop, closed)) for _ in range(60)]
        for t in slow:
            t.start()
        time.sleep(0.5)
        ok = 0
        for _ in range(10):
            with contextlib.suppress(httpx.HTTPError):
                ok += httpx.get(base + "/api/v1/health", timeout=5).status_code == 200
        for t in slow:
            t.join(timeout=10)
        stop.set()
        assert ok == 10
        assert len(closed) == 60
        assert max(closed) < 6, f"slow clients held {max(closed):.1f} s"
        # A slow body is cut off too.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(
                b"POST /api/v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
            start = time.monotonic()
            data = s.recv(1000)
            while data:
                data = s.recv(1000)
            assert time.monotonic() - start < 6
        # Over the cap: 100 idle connections, the ones past 80 are closed straight away.
        socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(100)]
        try:
            time.sleep(0.3)
            cut = 0
            for s in socks:
                s.settimeout(0.05)
                try:
                    if s.recv(1) == b"":
                        cut += 1
                except TimeoutError:
                    pass
                except OSError:
                    cut += 1
            assert cut >= 20
        finally:
            for s in socks:
                s.close()
        assert httpx.get(base + "/api/v1/health", timeout=5).status_code == 200
