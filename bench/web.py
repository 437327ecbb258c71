"""Load on the web app as it runs in production: uvicorn, no reload, no access log, loopback.

Two endpoints of the same server in the same run: ``POST /api/v1/assess`` with varied Russian
texts, and ``GET /api/v1/health`` as the framework's ceiling (the same stack doing no work), so
the ratio between them means something on any machine. The client is a small asyncio HTTP/1.1
keep-alive client (pure Python, cheap per request, so it takes little of the CPU the server
needs); the load is bounded in requests and in time, and stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.core import pct, texts

TARGET_RPS = 300
TARGET_P99_MS = 50.0
CONNECTIONS = 8
REQUESTS = 6_000
WARMUP = 600
TIME_LIMIT_S = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int, data: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SPASMNAV_DATABASE_URL": f"sqlite:///{data / 'bench.db'}",
        "SPASMNAV_SECRET_KEY": secrets.token_urlsafe(48),
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "spasmnav.web.app:app_from_env",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        "--no-server-header",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"the server did not start: {err}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start in 30 s")


def _request(port: int, method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


async def _one_connection(
    port: int, requests: Sequence[bytes], start: int, count: int, latencies: list[float]
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    try:
        for i in range(count):
            payload = requests[(start + i) % len(requests)]
            t0 = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            errors += status != 200
    finally:
        writer.close()
    return errors


async def _load(port: int, requests: Sequence[bytes], total: int) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    per = total // CONNECTIONS
    t0 = time.perf_counter()
    results = await asyncio.wait_for(
        asyncio.gather(
            *(_one_connection(port, requests, i * per, per, latencies) for i in range(CONNECTIONS))
        ),
        timeout=TIME_LIMIT_S,
    )
    return latencies, time.perf_counter() - t0, sum(results)


def measure(port: int, requests: Sequence[bytes], total: int) -> dict[str, float]:
    asyncio.run(_load(port, requests, WARMUP))
    latencies, elapsed, errors = asyncio.run(_load(port, requests, total))
    return {
        "rps": len(latencies) / elapsed,
        "p50": pct(latencies, 50) * 1e3,
        "p99": pct(latencies, 99) * 1e3,
        "mean": statistics.fmean(latencies) * 1e3,
        "errors": float(errors),
        "n": float(len(latencies)),
    }


def run_one(workers: int) -> tuple[dict[str, float], dict[str, float]]:
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="spasmnav-bench-") as tmp:
        proc = start_server(port, workers, Path(tmp))
        try:
            assess = [
                _request(port, "POST", "/api/v1/assess", json.dumps({"text": t}).encode())
                for t in texts(2_000, seed=11)
            ]
            trivial = [_request(port, "GET", "/api/v1/health")]
            a = measure(port, assess, REQUESTS)
            h = measure(port, trivial, REQUESTS)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            if proc.stderr:
                proc.stderr.close()
    return a, h


def _line(name: str, m: dict[str, float]) -> str:
    errors = f", {m['errors']:.0f} errors" if m["errors"] else ""
    return (
        f"  {name}: {m['rps']:,.0f} requests/s, p50 {m['p50']:.1f} ms, p99 {m['p99']:.1f} ms "
        f"({m['n']:,.0f} requests, {CONNECTIONS} connections{errors})"
    )


def run() -> None:
    print(
        f"== web (uvicorn, production settings, loopback; {os.cpu_count()} CPUs, the client "
        "on the same machine)"
    )
    best: tuple[int, dict[str, float], dict[str, float]] | None = None
    for workers in (1, 2):
        a, h = run_one(workers)
        print(f" workers={workers}")
        print(_line("POST /api/v1/assess (free text)", a))
        print(_line("GET /api/v1/health (framework ceiling)", h))
        print(f"  assess / ceiling: {a['rps'] / h['rps']:.0%} of the trivial endpoint's rate")
        if best is None or a["rps"] > best[1]["rps"]:
            best = (workers, a, h)
    assert best is not None
    workers, a, _ = best
    ok_rps = "met" if a["rps"] >= TARGET_RPS else "NOT met"
    ok_p99 = "met" if a["p99"] <= TARGET_P99_MS else "NOT met"
    print(
        f" best: workers={workers}: {a['rps']:,.0f} assessments/s (target ≥ {TARGET_RPS}/s: "
        f"{ok_rps}), p99 {a['p99']:.1f} ms (target ≤ {TARGET_P99_MS:.0f} ms: {ok_p99})"
    )


if __name__ == "__main__":
    run()
