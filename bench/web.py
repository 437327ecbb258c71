"""Load on the web app as it runs in production: uvicorn as ``spasmnav serve`` starts it (the
app factory, the guarded HTTP protocol, keep-alive 5 s), no reload, no access log, loopback.

Two endpoints of the same server in the same run: ``POST /api/v1/assess`` with the texts of the
evaluation cases (``../shared/eval``, as people wrote them; every request a different text in
turn), and ``GET /api/v1/health`` as the framework's ceiling (the same stack doing no work), so
the ratio between them means something on any machine. The client is a small asyncio HTTP/1.1
keep-alive client (pure Python, cheap per request, so it takes little of the CPU the server
needs); the load is bounded in requests and in time, and stays on 127.0.0.1.

Beside the rates, the server's own CPU time per request of each endpoint (from /proc): on a
machine shared with other work the rates move with the load, the CPU per request much less.

Also: how long ``spasmnav serve`` takes to answer its first request, and whether the server's
memory stays flat over 100,000 assessments of texts that never repeat (the cases recombined,
with numbers and misspellings of their own, so every cache meets new keys all the time;
``SPASMNAV_BENCH_MEMORY_REQUESTS`` sets another count). ``python -m bench.web memory`` (or
``ready``, ``throughput``) runs one part.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from bench.core import BASELINE, _case_texts, pct
from spasmnav.web.cli import APP_FACTORY
from spasmnav.web.serverproto import PROTOCOL

TARGET_RATIO = 0.30  # assessments/s over the trivial endpoint's requests/s
TARGET_P99_MS = 20.0
TARGET_READY_S = 2.0
TARGET_RSS_GROWTH = 0.10
MEMORY_REQUESTS = int(os.environ.get("SPASMNAV_BENCH_MEMORY_REQUESTS", "100000"))
MEMORY_FIRST = 1_000
MEMORY_TIME_LIMIT_S = 1_800.0
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
        APP_FACTORY,
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
        # As `spasmnav serve` runs it (web/cli.py): read deadlines and a connection cap.
        "--http",
        PROTOCOL,
        "--timeout-keep-alive",
        "5",
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


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stderr:
        proc.stderr.close()


def _request(port: int, method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


async def _one_connection(
    port: int,
    requests: Sequence[bytes],
    start: int,
    count: int,
    latencies: list[float],
    deadline: float,
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    try:
        for i in range(count):
            if time.perf_counter() > deadline:
                break
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


async def _load(
    port: int, requests: Sequence[bytes], total: int, limit: float = TIME_LIMIT_S
) -> tuple[list[float], float, int]:
    """``total`` requests over the connections, or as many as ``limit`` seconds allow."""
    latencies: list[float] = []
    per = total // CONNECTIONS
    t0 = time.perf_counter()
    deadline = t0 + limit
    results = await asyncio.gather(
        *(
            _one_connection(port, requests, i * per, per, latencies, deadline)
            for i in range(CONNECTIONS)
        )
    )
    return latencies, time.perf_counter() - t0, sum(results)


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process so far (0 without /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    port: int, requests: Sequence[bytes], total: int, server: int | None = None
) -> dict[str, float]:
    asyncio.run(_load(port, requests, WARMUP, TIME_LIMIT_S / 3))
    pids = _server_pids(server) if server is not None else []  # the workers are up by now
    cpu0 = sum(_cpu_s(p) for p in pids)
    latencies, elapsed, errors = asyncio.run(_load(port, requests, total))
    cpu = sum(_cpu_s(p) for p in pids) - cpu0
    return {
        "cpu_ms": cpu / max(len(latencies), 1) * 1e3,
        "rps": len(latencies) / elapsed,
        "p50": pct(latencies, 50) * 1e3,
        "p99": pct(latencies, 99) * 1e3,
        "mean": statistics.fmean(latencies) * 1e3,
        "errors": float(errors),
        "n": float(len(latencies)),
    }


def _assess_requests(port: int, texts: Sequence[str]) -> list[bytes]:
    return [
        _request(port, "POST", "/api/v1/assess", json.dumps({"text": t}).encode()) for t in texts
    ]


def run_one(workers: int) -> tuple[dict[str, float], dict[str, float]]:
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="spasmnav-bench-") as tmp:
        proc = start_server(port, workers, Path(tmp))
        try:
            assess = _assess_requests(port, _case_texts())
            trivial = [_request(port, "GET", "/api/v1/health")]
            a = measure(port, assess, REQUESTS, proc.pid)
            h = measure(port, trivial, REQUESTS, proc.pid)
        finally:
            stop(proc)
    return a, h


def _server_pids(pid: int) -> list[int]:
    """The server process and, with --workers, its worker processes."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *map(int, children)]


def _line(name: str, m: dict[str, float]) -> str:
    errors = f", {m['errors']:.0f} errors" if m["errors"] else ""
    return (
        f"  {name}: {m['rps']:,.0f} requests/s, p50 {m['p50']:.1f} ms, p99 {m['p99']:.1f} ms "
        f"({m['n']:,.0f} requests, {CONNECTIONS} connections{errors})"
    )


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def bench_throughput() -> None:
    best: tuple[int, dict[str, float], dict[str, float]] | None = None
    for workers in (1, 2):
        a, h = run_one(workers)
        print(f" workers={workers}")
        print(_line("POST /api/v1/assess (free text, the evaluation cases)", a))
        print(_line("GET /api/v1/health (framework ceiling)", h))
        ratio = a["rps"] / h["rps"]
        print(
            f"  assess / ceiling: {ratio:.0%} of the trivial endpoint's rate "
            f"(target ≥ {TARGET_RATIO:.0%}: {_met(ratio >= TARGET_RATIO)}); "
            f"p99 {a['p99']:.1f} ms (target ≤ {TARGET_P99_MS:.0f} ms: "
            f"{_met(a['p99'] <= TARGET_P99_MS)})"
        )
        if a["cpu_ms"] and h["cpu_ms"]:
            print(
                f"  server CPU per request: assess {a['cpu_ms']:.2f} ms, health "
                f"{h['cpu_ms']:.2f} ms (health/assess {h['cpu_ms'] / a['cpu_ms']:.0%}: the "
                "server's CPU alone, which other work on the machine moves less)"
            )
        if best is None or a["rps"] > best[1]["rps"]:
            best = (workers, a, h)
    assert best is not None
    workers, a, _ = best
    print(f" best: workers={workers}: {a['rps']:,.0f} assessments/s")


# --- Start-up --------------------------------------------------------------------------------


def _get(url: str, body: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=2) as resp:
            resp.read()
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _time_serve(db: str) -> tuple[float, float]:
    """Seconds from starting ``spasmnav serve`` to the first 200 of /api/v1/health, and to the
    first 200 of an assessment right after it."""
    port = _free_port()
    exe = Path(sys.executable).parent / "spasmnav"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "spasmnav"]
    cmd += ["serve", "--port", str(port), "--db", db]
    env = {**os.environ, "SPASMNAV_SECRET_KEY": secrets.token_urlsafe(48)}
    base = f"http://127.0.0.1:{port}"
    body = json.dumps({"text": "после инсульта по ночам сводит икру"}).encode()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = t0 + 60
        while True:
            if proc.poll() is not None or time.perf_counter() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"`spasmnav serve` did not answer: {err}")
            try:
                if _get(base + "/api/v1/health") == 200:
                    break
            except OSError:
                pass
            time.sleep(0.01)
        ready = time.perf_counter() - t0
        status = _get(base + "/api/v1/assess", body)
        if status != 200:
            raise RuntimeError(f"the first assessment answered {status}")
        return ready, time.perf_counter() - t0
    finally:
        stop(proc)


def bench_ready(runs: int = 5) -> None:
    with tempfile.TemporaryDirectory(prefix="spasmnav-bench-") as tmp:
        db = f"sqlite:///{Path(tmp) / 'ready.db'}"
        fresh, fresh_assess = _time_serve(db)  # creates the schema
        ready: list[float] = []
        first: list[float] = []
        base: list[float] = []
        for _ in range(runs):  # interleaved with the baseline, as the cold start
            r, f = _time_serve(db)
            ready.append(r)
            first.append(f)
            t0 = time.perf_counter()
            subprocess.run(BASELINE, capture_output=True, check=True)
            base.append(time.perf_counter() - t0)
    r, f, b = (statistics.median(x) for x in (ready, first, base))
    print(
        f"server ready: `spasmnav serve` to the first 200 of /api/v1/health: median {r:.2f} s "
        f"over {runs} starts (target ≤ {TARGET_READY_S:.0f} s: {_met(r <= TARGET_READY_S)}); "
        f"{r / b:.1f}× the pymorphy3 start in the same run ({b:.2f} s)"
    )
    print(
        f"  to the first assessment answered: {f:.2f} s; the very first start (creating the "
        f"database): {fresh:.2f} s, {fresh_assess:.2f} s to its first assessment"
    )


# --- Memory ----------------------------------------------------------------------------------


def varied_texts(seed: int = 5) -> Iterator[str]:
    """Texts that never repeat: two cases joined, a number of days and an age of their own,
    and now and then a misspelled word, as people write."""
    cases = _case_texts()
    rng = random.Random(seed)
    letters = "абвгдежзиклмнопрстуфхцчшщыэюя"
    while True:
        words = f"{rng.choice(cases)} {rng.choice(cases)}".split()
        if rng.random() < 0.5:
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 3:
                j = rng.randrange(1, len(w) - 1)
                words[i] = w[:j] + rng.choice(letters) + w[j + 1 :]
        days, age = rng.randint(1, 400), rng.randint(18, 99)
        yield " ".join(words) + f" Уже {days} дн., мне {age} лет."


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _drive(port: int, gen: Iterator[str], count: int, limit: float) -> int:
    """Send up to ``count`` assessments of new texts within ``limit`` seconds; how many."""
    t0 = time.perf_counter()
    done = 0
    while done < count:
        n = min(20_000, count - done)
        n += -n % CONNECTIONS  # whole rounds over the connections
        batch = _assess_requests(port, [next(gen) for _ in range(n)])
        left = limit - (time.perf_counter() - t0)
        if left <= 0:
            break
        latencies, _, errors = asyncio.run(_load(port, batch, n, left))
        if errors:
            raise RuntimeError(f"{errors} assessments failed")
        done += len(latencies)
        if len(latencies) < n:
            break
    return done


def bench_memory(total: int = MEMORY_REQUESTS) -> None:
    if not Path("/proc/self/status").exists():
        print("memory: not measured (no /proc on this system)")
        return
    port = _free_port()
    gen = varied_texts()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="spasmnav-bench-") as tmp:
        proc = start_server(port, 1, Path(tmp))
        try:
            done = _drive(port, gen, MEMORY_FIRST, MEMORY_TIME_LIMIT_S)
            first = _rss_kib(proc.pid)
            points = [(done, first)]
            for step in (10_000, total):
                left = MEMORY_TIME_LIMIT_S - (time.perf_counter() - t0)
                if step <= done or left <= 0:
                    continue
                got = _drive(port, gen, step - done, left)
                done += got
                points.append((done, _rss_kib(proc.pid)))
                if done < step:
                    break
        finally:
            stop(proc)
    last_n, last = points[-1]
    growth = last / first - 1
    trail = ", ".join(f"{n:,}: {kib / 1024:.0f} MiB" for n, kib in points)
    reached = "" if last_n >= total else f" (stopped at {last_n:,} by the time limit)"
    ok = abs(growth) <= TARGET_RSS_GROWTH and last_n >= total
    print(
        f"server memory over {last_n:,} assessments of texts that never repeat{reached}: RSS "
        f"{trail}; growth after the first {MEMORY_FIRST:,}: {growth:+.1%} (target within "
        f"{TARGET_RSS_GROWTH:.0%} after {total:,}: {_met(ok)})"
    )


PARTS = {"ready": bench_ready, "throughput": bench_throughput, "memory": bench_memory}


def run(parts: Sequence[str] = ()) -> None:
    print(
        f"== web (uvicorn, production settings, loopback; {os.cpu_count()} CPUs, the client "
        "on the same machine)"
    )
    for name in parts or PARTS:
        PARTS[name]()


if __name__ == "__main__":
    unknown = [a for a in sys.argv[1:] if a not in PARTS]
    if unknown:
        sys.exit(f"unknown part {unknown[0]!r}: one of {', '.join(PARTS)}")
    run(sys.argv[1:])
