"""The engine's fast path gives exactly the result of the engine it replaced.

``tests/reference_engine.py`` is the engine as it was (closures over the facts, every result part
built afresh). Here both assess the same finding sets: the evaluation cases' own findings, every
rule's and every check's witness, and random sets with absent, unknown, qualified and numeric
findings. The JSON must be identical, and the memo tables must not change a later result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference_engine import Engine as ReferenceEngine
from spasmnav import expr as ex
from spasmnav.core import default_navigator
from spasmnav.engine import Engine
from spasmnav.facts import Observation

NAV = default_navigator()
PACK = NAV.pack
FAST = Engine(PACK)
REFERENCE = ReferenceEngine(PACK)
FINDINGS = sorted(f.id for f in PACK.findings)
NUMERIC = sorted(f.id for f in PACK.findings if f.numeric)
THRESHOLDS = sorted({v for r in PACK.rules for _, v in ex.thresholds(r.when)})
CASES = sorted((Path(__file__).parent / "golden" / "cases").glob("*.jsonl"))


def _same(facts: dict[str, Observation]) -> None:
    got = FAST.assess(facts).to_json()
    want = REFERENCE.assess(facts).to_json()
    assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)


def _case_texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in CASES
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_the_evaluation_cases_findings_assess_the_same() -> None:
    texts = _case_texts()
    assert len(texts) > 100
    for text in texts:
        _same(NAV.understand(text).facts)


@pytest.mark.parametrize("rule", PACK.rules, ids=[r.id for r in PACK.rules])
def test_each_rules_witness_assesses_the_same(rule: object) -> None:
    facts = ex.witness(rule.when)  # type: ignore[attr-defined]
    assert facts is not None
    _same(facts)
    _same({fid: Observation(False) for fid in facts})
    _same({fid: Observation(None) for fid in facts})


def test_each_checks_answers_assess_the_same() -> None:
    for check in PACK.checks:
        for answer in (True, False, None):
            base = {"twitching": Observation(True), check.answer_finding: Observation(answer)}
            _same(base)
            qualified = Observation(None, qualifiers=frozenset({"hypothetical"}))
            _same({**base, check.answer_finding: qualified})
            _same({**base, **{f: Observation(False) for f in check.findings}})


observation = st.one_of(
    st.builds(Observation, st.sampled_from([True, False, None])),
    st.builds(
        Observation,
        st.just(None),
        qualifiers=st.sampled_from(
            [frozenset({"historical"}), frozenset({"hypothetical"}), frozenset({"other"})]
        ),
    ),
)
numeric = st.builds(
    Observation,
    st.just(True),
    st.one_of(st.sampled_from(THRESHOLDS), st.floats(-5, 200, allow_nan=False)),
)
fact_sets = st.dictionaries(st.sampled_from(FINDINGS), observation, max_size=14).flatmap(
    lambda d: st.dictionaries(st.sampled_from(NUMERIC), numeric, max_size=3).map(
        lambda n: {**d, **n}
    )
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=fact_sets)
def test_random_finding_sets_assess_the_same(facts: dict[str, Observation]) -> None:
    _same(facts)


def test_extra_keys_and_repeated_sets_are_unchanged() -> None:
    facts = {"cramp": Observation(True), "diuretics": Observation(True)}
    first = FAST.assess(facts, extra={"note": 1}).to_json()
    assert first == REFERENCE.assess(facts, extra={"note": 1}).to_json()
    for _ in range(3):  # from the memo tables now
        assert FAST.assess(facts, extra={"note": 1}).to_json() == first
