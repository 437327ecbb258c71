"""Benchmarks of the assessment core: engine from findings, free text, cold starts.

Figures only; nothing here asserts a timing. Ratios are against baselines measured in the same
run (pymorphy3 lemmatising the same texts), so they mean something on any machine.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def _reference_engine() -> type[Any] | None:
    """The engine as it was before its fast path (``tests/reference_engine.py``), if present."""
    path = ROOT / "tests" / "reference_engine.py"
    if not path.exists():
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location("_reference_engine", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    engine: type[Any] = module.Engine
    return engine


def _settled(build: Any) -> Any:
    """``build()`` with the heap as a server's is while it assesses (``WebCore.settle_heap``):
    what exists by then (the pack, the reader, this engine) frozen out of the cyclic
    collector's sight, the garbage of the previous pass collected first. Without it a full
    collection, set off by the fresh engines this benchmark builds and drops (their generated
    functions are cycles), walks some 150,000 objects in the middle of a timed pass now and
    then: 10-25 % of the figure, at random, and no server pays it. The collector still runs
    for what the assessments themselves allocate. Undone by :func:`_unsettled`."""
    gc.unfreeze()
    made = build()
    gc.collect()
    gc.freeze()
    return made


def _unsettled() -> None:
    gc.unfreeze()


def bench_engine(passes: int = 40, n: int = 50_000) -> None:
    from spasmnav.core import default_navigator
    from spasmnav.engine import Engine

    nav = default_navigator()
    # Realistic finding sets: what the reader finds in the evaluation cases' own words (364 of
    # the 372 differ from every other).
    sets = [nav.understand(t).facts for t in _case_texts()]
    # The figure that counts: every set new to the engine. A fresh engine per pass, so nothing
    # built for one assessment (its memo of reasons and scores) was built by an earlier
    # assessment of the same set; only what different sets share is reused. Passes of the
    # engine alone (findings to the typed result) alternate with passes that also write each
    # result's JSON, each on a fresh engine.
    engine_cpu = both_cpu = 0.0
    for _ in range(passes):
        engine = _settled(lambda: Engine(nav.pack))
        t0 = time.process_time()
        for facts in sets:
            engine.assess(facts)
        engine_cpu += time.process_time() - t0
        engine = _settled(lambda: Engine(nav.pack))
        t0 = time.process_time()
        for facts in sets:
            engine.assess(facts).to_json()
        both_cpu += time.process_time() - t0
    _unsettled()
    count = passes * len(sets)
    cold = count / engine_cpu
    with_json = count / both_cpu
    # The same sets again and again (a warm engine): the memos' best case, for comparison.
    engine = nav.engine
    for facts in sets:
        engine.assess(facts).to_json()
    _settled(lambda: None)
    t0 = time.process_time()
    for i in range(n):
        engine.assess(sets[i % len(sets)]).to_json()
    warm = n / (time.process_time() - t0)
    _unsettled()
    sizes = sorted(len(f) for f in sets)
    ok = "met" if cold >= 50_000 else "NOT met"
    print(
        f"engine from findings: {cold:,.0f} assessments/s on one core (CPU time; "
        f"{1e6 / cold:.1f} µs each; target ≥ 50,000/s: {ok}), every set new to the engine: the "
        f"findings of {len(sets)} evaluation cases (median {sizes[len(sizes) // 2]} findings "
        f"each), a fresh engine per pass"
    )
    print(
        f"  with to_json of each result: {with_json:,.0f}/s "
        f"({1e6 * (both_cpu - engine_cpu) / count:.1f} µs of JSON each)"
    )
    line = f"  the same sets repeated on a warm engine, to_json included: {warm:,.0f}/s"
    reference = _reference_engine()
    if reference is not None:
        old = reference(nav.pack)
        for facts in sets:
            old.assess(facts).to_json()
        m = max(len(sets), n // 10)
        t0 = time.process_time()
        for i in range(m):
            old.assess(sets[i % len(sets)]).to_json()
        before = m / (time.process_time() - t0)
        line += (
            f"; the engine before its fast path (tests/reference_engine.py), same sets, same "
            f"run, to_json included: {before:,.0f}/s, so {with_json / before:.1f}× faster"
        )
    print(line)


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


def _run_times(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (CPU of the child: user + system)."""
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=env)
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


BASELINE = [sys.executable, "-c", "import pymorphy3; pymorphy3.MorphAnalyzer()"]


def _installed_env() -> dict[str, str]:
    """The environment of an installed SpasmNav: Python may keep its bytecode (pip compiles it
    on install, as it did for pymorphy3, the baseline), so neither side compiles its sources
    on every start."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _compare(cmd: list[str], runs: int) -> tuple[float, float, float, float]:
    """Median wall and CPU seconds of ``cmd`` and of the baseline, interleaved."""
    env = _installed_env()
    subprocess.run(cmd, capture_output=True, check=True, env=env)  # caches, bytecode
    subprocess.run(BASELINE, capture_output=True, check=True, env=env)
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    for _ in range(runs):  # interleaved, so both see the same load on the machine
        ours.append(_run_times(cmd, env))
        base.append(_run_times(BASELINE, env))
    wall, cpu = (statistics.median(t[i] for t in ours) for i in (0, 1))
    bwall, bcpu = (statistics.median(t[i] for t in base) for i in (0, 1))
    return wall, cpu, bwall, bcpu


def _spasmnav() -> list[str]:
    exe = Path(sys.executable).parent / "spasmnav"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "spasmnav"]


def bench_cold_start(runs: int = 9) -> None:
    args = ["assess", "--text", "после инсульта нога дергается, по ночам сводит икру", "--json"]
    cmd = [*_spasmnav(), *args]
    wall, cpu, bwall, bcpu = _compare(cmd, runs)
    # Peak memory through a small wrapper: a child forked from this (large) process would
    # count this process's pages before exec in RUSAGE_CHILDREN.
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd],
        capture_output=True,
        text=True,
        check=True,
        env=_installed_env(),
    )
    rss_kb = int(out.stdout.strip().splitlines()[-1])
    ok = "met" if wall / bwall <= 2.5 else "NOT met"
    print(
        f"cold start of one `spasmnav assess --text`: median {wall:.2f} s wall, {cpu:.2f} s CPU "
        f"over {runs} runs; peak RSS {rss_kb / 1024:.0f} MiB"
    )
    print(
        f'  `python -c "import pymorphy3; pymorphy3.MorphAnalyzer()"` in the same run: '
        f"{bwall:.2f} s wall, {bcpu:.2f} s CPU; ratio {wall / bwall:.2f}× wall, "
        f"{cpu / bcpu:.2f}× CPU (target ≤ 2.5×: {ok})"
    )


def _interleaved(cmds: list[list[str]], runs: int) -> list[list[tuple[float, float]]]:
    """Wall and CPU seconds of each run of each of ``cmds`` and of the baseline (last),
    taking turns, so every command sees the same load on the machine."""
    env = _installed_env()
    everything = [*cmds, BASELINE]
    for cmd in everything:  # caches, bytecode
        subprocess.run(cmd, capture_output=True, check=True, env=env)
    times: list[list[tuple[float, float]]] = [[] for _ in everything]
    for _ in range(runs):
        for i, cmd in enumerate(everything):
            times[i].append(_run_times(cmd, env))
    return times


def _ratios(ours: list[tuple[float, float]], base: list[tuple[float, float]]) -> str:
    """The median ratio to the baseline, wall and CPU, with the range over the rounds."""
    parts = []
    for i, what in ((0, "wall"), (1, "CPU")):
        med = statistics.median(t[i] for t in ours) / statistics.median(t[i] for t in base)
        per_round = sorted(o[i] / b[i] for o, b in zip(ours, base, strict=True) if b[i] > 0)
        span = f" ({per_round[0]:.1f}–{per_round[-1]:.1f} by round)" if per_round else ""
        parts.append(f"{med:.2f}× {what}{span}")
    return ", ".join(parts)


def bench_diary_add(runs: int = 9) -> None:
    """A quick entry into an existing local diary: the quick path `spasmnav diary add` takes
    (spasmnav.diary.quick_add) and, in the same run, the Typer command it replaces (forced
    with a URL naming the driver, which the quick path leaves to the Typer command)."""
    import tempfile

    args = ["diary", "add", "cramp", "--leg", "left", "-i", "6"]
    with tempfile.TemporaryDirectory(prefix="spasmnav-bench-") as tmp:
        path = Path(tmp) / "diary.db"
        quick = [*_spasmnav(), *args, "--db", f"sqlite:///{path}"]
        full = [*_spasmnav(), *args, "--db", f"sqlite+pysqlite:///{path}"]
        times = _interleaved([full, quick], runs)  # the first run creates the database
    full_t, quick_t, base_t = times
    wall = statistics.median(t[0] for t in quick_t)
    cpu = statistics.median(t[1] for t in quick_t)
    ratio = wall / statistics.median(t[0] for t in base_t)
    ok = "met" if ratio <= 3 else "NOT met"
    print(
        f"`spasmnav diary add cramp --leg left -i 6` (an existing diary): median {wall:.2f} s "
        f"wall, {cpu:.2f} s CPU over {runs} runs; {_ratios(quick_t, base_t)} the pymorphy3 start "
        f"of the same run (target ≤ 3×: {ok})"
    )
    print(
        f"  the full Typer/SQLAlchemy command in the same run (what `diary add` ran before its "
        f"quick path): median {statistics.median(t[0] for t in full_t):.2f} s wall, "
        f"{_ratios(full_t, base_t)}"
    )


def run() -> None:
    print("== Assessment core")
    bench_engine()
    bench_batch()
    bench_cold_start()
    bench_diary_add()
