"""Benchmark of the guided interview: how many questions simulated patients are asked, whether
they reach the full-information triage level, and how long one step takes.

A simulated patient knows a set of findings (from a vignette's text, or given directly) and
answers every question from them; what they do not know is «Не знаю». The interview starts
without the opening text (the hardest case) and, for vignettes, also with it.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spasmnav import interview as iv
from spasmnav import understand
from spasmnav.assessing import parse_findings
from spasmnav.engine import Observation, get_engine

ROOT = Path(__file__).resolve().parents[1]
VIGNETTES = ROOT.parent / "shared" / "eval" / "vignettes-dev.jsonl"
PATIENTS = ROOT / "tests" / "cases" / "interview_patients.jsonl"
EMERGENCY_WITHIN = 5
# The targets of issue 11 («From a new user's chair»): typical (mean and median) and maximum.
TYPICAL_TARGET = 10
MAX_TARGET = 14


@dataclass(frozen=True, slots=True)
class Patient:
    id: str
    truth: dict[str, Observation]
    subject: str
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    patient: Patient
    full_level: str
    level: str
    questions: int
    emergency_screen: bool
    step_seconds: tuple[float, ...]


def knows_own_red_flags(truth: dict[str, Observation]) -> dict[str, Observation]:
    """A person knows whether their face droops or they can breathe: the red flags of the
    pack's checks that are not present are absent for them, not «не знаю» (as in
    ``tests/test_interview_sim.py``)."""
    from spasmnav.content import load_pack

    out = dict(truth)
    pack = load_pack()
    # A question that names a whole check («после операции на шее сводит кисти») is true
    # for them exactly when that check's rule holds for what they have.
    fired = {reason.rule for reason in get_engine().assess(truth).reasons}
    for check in pack.checks:
        out.setdefault(check.answer_finding, Observation(check.rule in fired))
        for fid in check.findings:
            out.setdefault(fid, Observation(False))
    for q in pack.questions:
        if q.red_flag:
            for o in q.answerOption:
                for fid, v in o.sets.items():
                    if v is False:
                        out.setdefault(fid, Observation(False))
    return out


def vignette_patients() -> list[Patient]:
    if not VIGNETTES.is_file():
        return []
    out = []
    for line in VIGNETTES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            u = understand(item["text"])
            truth = knows_own_red_flags(dict(u.facts))
            out.append(Patient(str(item["id"]), truth, u.subject, item["text"]))
    return out


def own_patients() -> list[Patient]:
    out = []
    for line in PATIENTS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            truth = knows_own_red_flags(parse_findings(item["findings"]))
            out.append(Patient(item["id"], truth, item["subject"]))
    return out


def simulate(patient: Patient, *, with_text: bool = False) -> Outcome:
    """Run one interview, answering from the patient's findings; time each step."""
    state = iv.start(patient.text if with_text else None)
    times: list[float] = []
    asked = 0
    while True:
        t0 = time.perf_counter()
        step = iv.next_step(state)
        times.append(time.perf_counter() - t0)
        if isinstance(step, iv.QuestionStep):
            value: Any = (
                patient.subject
                if step.link_id == "subject"
                else iv.answer_from_facts(step.link_id, patient.truth)
            )
            state = iv.answer(state, step.link_id, value)
            asked += 1
        elif isinstance(step, iv.SummaryStep):
            state = iv.confirm(state)
        else:
            break
    level = iv.result(state).level
    full = get_engine().assess(patient.truth).level
    return Outcome(patient, full, level, asked, isinstance(step, iv.EmergencyStep), tuple(times))


def _report(title: str, outcomes: list[Outcome]) -> None:
    if not outcomes:
        print(f"  {title}: no patients")
        return
    n = [o.questions for o in outcomes]
    agree = sum(o.level == o.full_level for o in outcomes)
    emergencies = [o for o in outcomes if o.full_level == "emergency"]
    fast = sum(o.emergency_screen and o.questions <= EMERGENCY_WITHIN for o in emergencies)
    over = sum(q > MAX_TARGET for q in n)
    print(
        f"  {title}: {len(outcomes)} patients, questions mean {statistics.mean(n):.1f} "
        f"(median {statistics.median(n):g}, max {max(n)}; targets: typical <= {TYPICAL_TARGET}, "
        f"max <= {MAX_TARGET}, over the max {over}/{len(outcomes)}), "
        f"same level as full information {agree}/{len(outcomes)}, "
        f"emergencies within {EMERGENCY_WITHIN} questions {fast}/{len(emergencies)}"
    )
    worse = [o for o in outcomes if o.level != o.full_level]
    for o in worse:
        print(f"    differs: {o.patient.id}: {o.level} vs {o.full_level}")


def run() -> None:
    print("== bench.interview: guided interview (simulated patients)")
    iv.next_step(iv.start())  # warm up: pack, engine and compiled questionnaire
    vignettes = vignette_patients()
    own = own_patients()
    if not vignettes:
        print(f"  vignettes absent ({VIGNETTES}); own patients only")
    results = {
        "vignettes, no opening text": [simulate(p) for p in vignettes],
        "vignettes, with the opening text": [simulate(p, with_text=True) for p in vignettes],
        "own patients (every rule), no opening text": [simulate(p) for p in own],
    }
    for title, outcomes in results.items():
        _report(title, outcomes)
    steps = [t for outcomes in results.values() for o in outcomes for t in o.step_seconds]
    steps.sort()
    print(
        f"  time per step: mean {1000 * statistics.mean(steps):.1f} ms, "
        f"p95 {1000 * steps[int(0.95 * (len(steps) - 1))]:.1f} ms, "
        f"max {1000 * steps[-1]:.1f} ms over {len(steps)} steps (target: well under 50 ms)"
    )


if __name__ == "__main__":
    run()
