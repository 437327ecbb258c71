"""A real ``spasmnav serve`` process for the tests that need uvicorn itself (workers, sockets)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from .support import SECRET, free_port

__all__ = ["free_port", "running_server"]


@contextmanager
def running_server(
    tmp_path: Path,
    *,
    workers: int = 1,
    db: str | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Start ``spasmnav serve --multi-user`` on a free loopback port; yield its base URL."""
    port = free_port()
    environ = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SPASMNAV_SECRET_KEY": SECRET,
        "SPASMNAV_SECURE_COOKIES": "false",
        **(env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "spasmnav",
        "serve",
        "--multi-user",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--db",
        db or f"sqlite:///{tmp_path}/server.db",
    ]
    log = (tmp_path / f"server-{port}.log").open("wb")
    proc = subprocess.Popen(cmd, env=environ, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError((tmp_path / f"server-{port}.log").read_text())
            try:
                if httpx.get(base + "/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
