"""Benchmarks of the assessment core: engine from findings, free text, cold start.

Figures only; nothing here asserts a timing. Ratios are against baselines measured in the same
run (pymorphy3 lemmatising the same texts), so they mean something on any machine.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAGMENTS = [
    "после инсульта нога дергается",
    "ночью сводит икру",
    "у папы подергивается нога",
    "мама жалуется что ногу сводит",
    "слабости нет",
    "онемения и боли нет",
    "уже три недели",
    "второй месяц",
    "каждую ночь",
    "2-3 раза в неделю",
    "после тренировки",
    "пью много кофе",
    "плохо сплю",
    "принимаю мочегонные",
    "диабет 10 лет",
    "беременность 30 недель",
    "нога как деревянная",
    "при быстром сгибании сопротивление",
    "икра опухла и покраснела",
    "перекосило лицо",
    "трудно дышать",
    "потерял сознание",
    "мешает ходить и спать",
    "стали чаще",
    "растяжка не помогает",
    "варикоз",
    "курю 20 лет",
    "болит поясница и отдает в ногу",
    "хочется двигать ногами вечером",
    "ноги дрожат",
    "шатает при ходьбе",
    "мышца дергается как червячок",
    "дергаеться нога",
    "свело обе икры",
]


def texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randint(1, 5)
        parts = rng.sample(FRAGMENTS, k)
        out.append(", ".join(parts).capitalize() + rng.choice([".", "!", "", "..."]))
    return out


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def _case_texts() -> list[str]:
    """The evaluation cases' texts (the golden snapshot of them), else generated ones."""
    cases = sorted((ROOT / "tests" / "golden" / "cases").glob("*.jsonl"))
    out = [
        json.loads(line)["text"]
        for path in cases
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return out or texts(400)


def bench_engine(n: int = 50_000) -> None:
    from spasmnav.core import default_navigator

    nav = default_navigator()
    engine = nav.engine
    # Realistic finding sets: what the reader finds in the evaluation cases' own words.
    sets = [nav.understand(t).facts for t in _case_texts()]
    for facts in sets:  # warm up
        engine.assess(facts).to_dict()
    t0 = time.perf_counter()
    for i in range(n):
        engine.assess(sets[i % len(sets)]).to_dict()
    dt = time.perf_counter() - t0
    sizes = sorted(len(f) for f in sets)
    print(
        f"engine from findings: {n / dt:,.0f} assessments/s on one core "
        f"({dt / n * 1e6:.1f} µs each, to_dict included; target ≥ 50,000/s), over the findings "
        f"of {len(sets)} evaluation cases (median {sizes[len(sizes) // 2]} findings each)"
    )


def bench_batch(n: int = 10_000) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i, m in enumerate(texts(n, seed=11)):
            f.write(json.dumps({"id": i, "text": m}, ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "spasmnav", "assess", "--batch", f.name],
        capture_output=True,
        text=True,
        check=False,
    )
    dt = time.perf_counter() - t0
    os.unlink(f.name)
    lines = proc.stdout.count("\n")
    print(
        f"batch command, {lines:,} lines: {dt:.2f} s, {lines / dt:,.0f} messages/s "
        f"(including start-up)"
    )


_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True, "
    "check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _run_times(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (CPU of the child: user + system)."""
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


BASELINE = [sys.executable, "-c", "import pymorphy3; pymorphy3.MorphAnalyzer()"]


def bench_cold_start(runs: int = 9) -> None:
    exe = Path(sys.executable).parent / "spasmnav"
    args = ["assess", "--text", "после инсульта нога дергается, по ночам сводит икру", "--json"]
    cmd = [str(exe), *args] if exe.exists() else [sys.executable, "-m", "spasmnav", *args]
    subprocess.run(cmd, capture_output=True, check=True)  # fills the snapshot cache if empty
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    for _ in range(runs):  # interleaved, so both see the same load on the machine
        ours.append(_run_times(cmd))
        base.append(_run_times(BASELINE))
    wall, cpu = (statistics.median(t[i] for t in ours) for i in (0, 1))
    bwall, bcpu = (statistics.median(t[i] for t in base) for i in (0, 1))
    # Peak memory through a small wrapper: a child forked from this (large) process would
    # count this process's pages before exec in RUSAGE_CHILDREN.
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd], capture_output=True, text=True, check=True
    )
    rss_kb = int(out.stdout.strip().splitlines()[-1])
    print(
        f"cold start of one `spasmnav assess --text`: median {wall:.2f} s wall, {cpu:.2f} s CPU "
        f"over {runs} runs; peak RSS {rss_kb / 1024:.0f} MiB"
    )
    print(
        f'  `python -c "import pymorphy3; pymorphy3.MorphAnalyzer()"` in the same run: '
        f"{bwall:.2f} s wall, {bcpu:.2f} s CPU; ratio {wall / bwall:.2f}× wall, "
        f"{cpu / bcpu:.2f}× CPU (target ≤ 2.5×)"
    )


def run() -> None:
    print("== Assessment core")
    bench_engine()
    bench_batch()
    bench_cold_start()
