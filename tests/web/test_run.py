"""`spasmnav run` (what `make run` starts) serves the web app on loopback and prints where."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from spasmnav.web.cli import NEXT_PORTS, _port_free, choose_port


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_serves_the_home_page(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "SPASMNAV_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "SPASMNAV_PORT": str(port),
        "SPASMNAV_SECRET_KEY": "x" * 40,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "spasmnav", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        body = ""
        while time.monotonic() < deadline:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                body = r.text
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert "103" in body and "SpasmNav" in body
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert re.search(rf"http://127\.0\.0\.1:{port}", out), out


def _time_wait_port() -> int:
    """A port whose server just stopped after serving a client: only TIME_WAIT is left."""
    server = socket.socket()
    # As uvicorn listens (asyncio sets SO_REUSEADDR); Linux lets a new socket reuse a TIME_WAIT
    # port only when both the old and the new one say so.
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = int(server.getsockname()[1])
    client = socket.create_connection(("127.0.0.1", port))
    conn, _ = server.accept()
    conn.close()  # the server closes first, so its side of the connection waits in TIME_WAIT
    client.close()
    server.close()
    return port


def test_a_port_is_free_again_right_after_a_stop() -> None:
    port = _time_wait_port()
    plain = socket.socket()
    try:
        plain.bind(("127.0.0.1", port))
        in_time_wait = False
    except OSError:
        in_time_wait = True  # what `serve` used to see: «порт занят» for about a minute
    finally:
        plain.close()
    assert in_time_wait, "the set-up did not leave the port in TIME_WAIT"
    assert _port_free("127.0.0.1", port)
    assert choose_port("127.0.0.1", port) == port


def test_a_port_another_program_holds_gives_the_next_free_one() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = int(other.getsockname()[1])
        assert not _port_free("127.0.0.1", port)
        chosen = choose_port("127.0.0.1", port)
        assert chosen != port and (port < chosen <= port + NEXT_PORTS or chosen > 0)


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "spasmnav", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_page(port: int) -> str:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            # A kept-alive browser connection is what leaves the port closing after a stop.
            with httpx.Client(timeout=2) as http:
                return http.get(f"http://127.0.0.1:{port}/").text
        except httpx.TransportError:
            time.sleep(0.2)
    return ""


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    out, _ = proc.communicate(timeout=20)
    return out


@pytest.mark.slow
def test_run_keeps_its_address_across_a_restart(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "SPASMNAV_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "SPASMNAV_PORT": str(port),
        "SPASMNAV_SECRET_KEY": "x" * 40,
    }
    first = _start(env)
    try:
        assert "SpasmNav" in _wait_page(port)
    finally:
        out = _stop(first)
    assert f"http://127.0.0.1:{port}/" in out
    second = _start(env)
    try:
        assert "SpasmNav" in _wait_page(port)
    finally:
        out = _stop(second)
    assert f"http://127.0.0.1:{port}/" in out and "занят" not in out, out
    # Another program on the port: the next free one, and it is said.
    with socket.socket() as other:
        other.bind(("127.0.0.1", port))
        other.listen()
        third = _start(env)
        try:
            deadline = time.monotonic() + 40
            seen = ""
            while time.monotonic() < deadline and "работает" not in seen:
                line = third.stdout.readline() if third.stdout else ""
                seen += line
                if not line and third.poll() is not None:
                    break
        finally:
            out = seen + _stop(third)
    assert f"Порт {port} занят другой программой" in out, out
    assert re.search(r"http://127\.0\.0\.1:(\d+)/", out)
