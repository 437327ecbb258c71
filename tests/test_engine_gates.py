"""The parts of the engine's fast path one by one: the gates that skip conditions, the
explanations written over the bit mask, and the result's fast constructors.

``tests/test_engine_fast.py`` compares whole results with the engine before the fast path; here
each part is held to its own contract on random finding sets, so a failure says which part.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spasmnav import expr as ex
from spasmnav import result as res
from spasmnav.core import default_navigator
from spasmnav.engine import Engine, _needs
from spasmnav.facts import Observation

PACK = default_navigator().pack
ENGINE = Engine(PACK)
FINDINGS = sorted(f.id for f in PACK.findings)
NUMERIC = sorted(f.id for f in PACK.findings if f.numeric)
THRESHOLDS = sorted({v for r in PACK.rules for _, v in ex.thresholds(r.when)})
CONDITIONS = [
    *(ex.parse(r.when) for r in PACK.rules),
    *(ex.parse(a.when) for a in PACK.advice if a.when is not None),
    *(ex.parse(a.unless) for a in PACK.advice if a.unless),
    *(ex.parse(m.unless) for m in PACK.medicines if m.unless),
    *(ex.parse(f.derived) for f in PACK.findings if f.derived is not None),
    *(ex.parse(c.relevant) for c in PACK.checks if c.relevant is not None),
]

fact_sets = st.dictionaries(
    st.sampled_from(FINDINGS), st.builds(Observation, st.sampled_from([True, False, None]))
).flatmap(
    lambda d: st.dictionaries(
        st.sampled_from(NUMERIC),
        st.builds(
            Observation,
            st.just(True),
            st.one_of(st.sampled_from(THRESHOLDS), st.floats(-5, 200, allow_nan=False)),
        ),
        max_size=3,
    ).map(lambda n: {**d, **n})
)


def _present(facts: dict[str, Observation]) -> frozenset[str]:
    return frozenset(k for k, o in facts.items() if o.present is True)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=fact_sets)
def test_a_condition_holds_only_when_a_finding_it_needs_is_known(
    facts: dict[str, Observation],
) -> None:
    present = _present(facts)
    for e in CONDITIONS:
        need = _needs(e)
        if need is not None and ex.compile(e).test(facts, present):
            assert not need.isdisjoint(facts), ex.to_raw(e)


def test_only_true_and_negations_need_nothing() -> None:
    assert _needs(ex.TrueExpr()) is None
    assert _needs(ex.parse({"not": "cramp"})) is None
    assert _needs(ex.parse({"all": ["cramp", {"not": "fever"}]})) == frozenset({"cramp"})
    assert _needs(ex.parse({"any": ["cramp", {"not": "fever"}]})) is None
    assert _needs(ex.parse({"min": 1, "of": ["cramp", "fever"]})) == frozenset({"cramp", "fever"})
    assert _needs(ex.parse({"finding": "age", "op": ">=", "value": 60})) == frozenset({"age"})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=fact_sets)
def test_the_mask_explanations_name_what_the_compiled_ones_name(
    facts: dict[str, Observation],
) -> None:
    completed = ENGINE.complete(facts)
    present = _present(completed)
    m = ENGINE._scan(completed)[0]
    for i, rule in enumerate(ENGINE._rules):
        want = list(dict.fromkeys(rule.explain(completed, present)))
        k = ENGINE._whys[i](m)
        got = list(ENGINE._reason(i, k).findings)
        assert got == want, rule.id


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=fact_sets)
def test_the_gated_rules_and_checks_decide_as_the_predicates(
    facts: dict[str, Observation],
) -> None:
    completed = ENGINE.complete(facts)
    present = _present(completed)
    m, g, _ = ENGINE._scan(completed)
    fired, open_mask = ENGINE._decide(m, g)
    want = [i for i, r in enumerate(ENGINE._rules) if r.predicate(completed, present)]
    if len(want) > 1:
        want = [i for i in want if ENGINE._rules[i].id != "default_self_care"]
    assert fired == want
    open_checks, _ = ENGINE._unchecked(completed, present, {ENGINE._rules[i].id for i in fired})
    ids = [c.id for c in ENGINE._checks]
    assert [ids[ci] for ci in range(len(ids)) if open_mask >> ci & 1] == [c.id for c in open_checks]


SAMPLES: list[tuple[type, tuple[object, ...]]] = [
    (res.FindingSpan, ("cramp", "Судорога", True, None, "свело", 0, 5, ("other",), ("у мамы",))),
    (res.Reason, ("r", "doctor", "Текст", ("cramp",), ("Судорога",), ())),
    (
        res.ConditionScore,
        ("c", "Заголовок", 0.5, 1.0, "Кратко", "Механизм", (), ()),
    ),
]


@pytest.mark.parametrize("cls,args", SAMPLES, ids=[c.__name__ for c, _ in SAMPLES])
def test_a_fast_constructor_makes_what_the_class_makes(cls: type, args: tuple[object, ...]) -> None:
    made: Any = res.fast_constructor(cls)(*args)
    plain: Any = cls(*args)
    kind = type(made)
    assert kind is cls
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert made.to_json() == plain.to_json()
    field = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, field, "other")
    assert getattr(dataclasses.replace(made, **{field: "x"}), field) == "x"


def test_the_assessment_constructor_keeps_the_defaults() -> None:
    a = default_navigator().assess_findings({"cramp": True})
    values = [getattr(a, f.name) for f in dataclasses.fields(a)]
    assert res.make_assessment(*values[:17]) == dataclasses.replace(
        a, red_flags_unchecked=(), extra=()
    )
    assert res.make_assessment(*values) == a


def test_a_fast_constructor_refuses_what_it_cannot_build() -> None:
    with pytest.raises(TypeError):
        res.fast_constructor(res.Citation)  # __post_init__ derives a field

    @dataclasses.dataclass(slots=True)
    class Open:
        x: int

    with pytest.raises(TypeError):
        res.fast_constructor(Open)


def test_the_memo_tables_stay_bounded_and_change_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    import spasmnav.engine as engine_module

    monkeypatch.setattr(engine_module, "_MEMO_LIMIT", 120)
    small = Engine(PACK)
    rng = random.Random(5)
    for _ in range(400):
        facts = {
            fid: Observation(rng.choice([True, True, False, None]))
            for fid in rng.sample(FINDINGS, rng.randint(1, 12))
        }
        assert small.assess(facts).to_json() == ENGINE.assess(facts).to_json()
    assert sum(len(m) for m in small._reason_memos) <= 120
    assert len(small._score_memo) <= 120 and len(small._order_memo) <= 120
    assert len(small._open_memo) <= 120 and len(small._shown_totals) <= 120
    assert len(small._score_memo) > 0  # they were used
