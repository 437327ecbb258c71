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
