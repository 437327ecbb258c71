"""``spasmnav serve``: loopback only without --multi-user, prints its address, serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from spasmnav.cli import app

from .support import SECRET


def test_serve_refuses_a_network_address_without_multi_user() -> None:
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--multi-user" in result.output and "127.0.0.1" in result.output


def test_serve_refuses_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(
            app, ["serve", "--port", str(port), "--db", f"sqlite:///{tmp_path}/d.db"]
        )
    assert result.exit_code == 2 and "занят" in result.output


def test_serve_prints_its_address_and_answers(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SPASMNAV_SECRET_KEY": SECRET}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spasmnav",
            "serve",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{tmp_path}/diary.db",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                assert r.status_code == 200
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not answer")
        assert (tmp_path / "diary.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
