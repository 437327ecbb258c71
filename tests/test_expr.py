"""The rule-condition language: parsing, compiling, explaining, three values, satisfiability."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmnav import expr as ex
from spasmnav.content import lint_pack, load_pack, settable_findings
from spasmnav.facts import Observation

PACK = load_pack()
PACK_CONDITIONS = [r.when for r in PACK.rules] + [
    e for e in [*(a.when for a in PACK.advice), *(f.derived for f in PACK.findings)] if e
]


def test_every_form_parses_to_its_node() -> None:
    assert ex.parse(True) == ex.TrueExpr()
    assert ex.parse("a") == ex.Present("a")
    assert ex.parse({"finding": "a"}) == ex.Present("a")
    assert ex.parse({"finding": "a", "present": True}) == ex.Present("a")
    assert ex.parse({"finding": "a", "present": False}) == ex.Absent("a")
    assert ex.parse({"finding": "a", "op": ">=", "value": 21}) == ex.Compare("a", ">=", 21.0)
    assert ex.parse({"all": ["a", {"not": "b"}]}) == ex.All(
        (ex.Present("a"), ex.Not(ex.Present("b")))
    )
    assert ex.parse({"any": ["a"]}) == ex.AnyOf((ex.Present("a"),))
    assert ex.parse({"min": 2, "of": ["a", "b", "c"]}) == ex.MinOf(
        2, (ex.Present("a"), ex.Present("b"), ex.Present("c"))
    )


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"anyy": ["a"]}, ("anyy", "did you mean 'any'")),
        ({"all": ["a", {"nott": "b"}]}, ("all[1]", "nott")),
        ({"all": "a"}, ("needs a list",)),
        ({"all": ["a"], "any": ["b"]}, ("do not make a condition",)),
        ({"finding": "a", "op": "~", "value": 1}, ("unknown comparison",)),
        ({"finding": "a", "op": ">", "value": True}, ("needs a number",)),
        ({"finding": "a", "op": ">", "value": float("nan")}, ("needs a number",)),
        ({"finding": 3}, ("finding id",)),
        ({"min": 0, "of": ["a"]}, ("min: 0",)),
        ({"min": True, "of": ["a"]}, ("whole number",)),
        ({"not": {"min": 4, "of": ["a", "b"]}}, ("not", "min: 4")),
        (False, ("never",)),
        (None, ("not a condition",)),
        ("", ("empty",)),
        ([], ("cannot read",)),
    ],
)
def test_unreadable_conditions_are_refused_with_where_and_why(
    raw: object, words: tuple[str, ...]
) -> None:
    with pytest.raises(ex.ExprError) as info:
        ex.parse(raw)
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize("e", PACK_CONDITIONS)
def test_the_pack_round_trips_through_yaml_form(e: ex.Expr) -> None:
    assert ex.parse(ex.to_raw(e)) == e


# The explanation the engine has always given, written the slow way (recompiling every branch),
# is the reference the precompiled explain must equal.
def _reference_explain(
    e: ex.Expr, facts: dict[str, Observation], present: frozenset[str]
) -> list[str]:
    def holds(x: ex.Expr) -> bool:
        return ex.compile(x).test(facts, present)

    match e:
        case ex.TrueExpr() | ex.Not():
            return []
        case ex.Present(fid) | ex.Absent(fid) | ex.Compare(fid, _, _):
            return [fid] if holds(e) else []
        case ex.All(items) | ex.AnyOf(items):
            return [f for i in items if holds(i) for f in _reference_explain(i, facts, present)]
        case ex.MinOf(_, items):
            return [f for i in items for f in _reference_explain(i, facts, present)]


FINDINGS = sorted({fid for e in PACK_CONDITIONS for fid in ex.findings(e)})
facts_strategy = st.dictionaries(
    st.sampled_from(FINDINGS),
    st.one_of(
        st.sampled_from([Observation(True), Observation(False), Observation(None)]),
        st.floats(0, 120).map(lambda v: Observation(True, v)),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(facts=facts_strategy)
def test_precompiled_explain_equals_the_reference(facts: dict[str, Observation]) -> None:
    present = frozenset(k for k, o in facts.items() if o.present is True)
    for e in PACK_CONDITIONS:
        compiled = ex.compile(e)
        assert compiled.explain(facts, present) == _reference_explain(e, facts, present)


class _Leaves:
    """Three values over a plain dict: None where the finding is not yet known."""

    def present3(self, fid: str):  # type: ignore[no-untyped-def]
        return lambda v: None if fid not in v else v[fid].present is True

    def absent3(self, fid: str):  # type: ignore[no-untyped-def]
        return lambda v: None if fid not in v else v[fid].present is False

    def compare3(self, fid, op, value):  # type: ignore[no-untyped-def]
        return lambda v: (
            None if fid not in v else (v[fid].value is not None and op(v[fid].value, value))
        )


@settings(max_examples=200, deadline=None)
@given(facts=facts_strategy)
def test_three_values_agree_with_two_when_everything_is_known(
    facts: dict[str, Observation],
) -> None:
    known = {fid: facts.get(fid, Observation(None)) for fid in FINDINGS}
    present = frozenset(k for k, o in known.items() if o.present is True)
    for e in PACK_CONDITIONS:
        three = ex.compile3(e, _Leaves())(known)
        assert three is ex.compile(e).test(known, present)


def test_three_values_say_unknown_while_it_could_go_either_way() -> None:
    e = ex.parse({"all": ["a", {"any": ["b", "c"]}]})
    f = ex.compile3(e, _Leaves())
    assert f({"a": Observation(True)}) is None
    assert f({"a": Observation(False)}) is False
    assert f({"a": Observation(True), "c": Observation(True)}) is True
    m = ex.compile3(ex.parse({"min": 2, "of": ["a", "b", "c"]}), _Leaves())
    assert m({"a": Observation(True), "b": Observation(False)}) is None
    assert m({"a": Observation(False), "b": Observation(False)}) is False


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ({"all": ["a", {"not": "a"}]}, False),
        ({"all": ["a", {"finding": "a", "present": False}]}, False),
        (
            {
                "all": [
                    {"finding": "x", "op": ">", "value": 5},
                    {"finding": "x", "op": "<", "value": 3},
                ]
            },
            False,
        ),
        (
            {
                "all": [
                    {"finding": "x", "op": ">=", "value": 5},
                    {"finding": "x", "op": "<=", "value": 5},
                ]
            },
            True,
        ),
        (
            {
                "all": [
                    {"finding": "x", "op": "=", "value": 5},
                    {"not": {"finding": "x", "op": ">=", "value": 5}},
                ]
            },
            False,
        ),
        ({"not": {"any": ["a", {"not": "a"}]}}, False),
        ({"min": 2, "of": ["a", {"not": "a"}, "b"]}, True),
        ({"min": 2, "of": ["a", {"not": "a"}]}, False),
        ({"not": {"min": 1, "of": ["a", "b"]}}, True),
        ({"all": ["a", {"not": "b"}]}, True),
        (True, True),
    ],
)
def test_satisfiable(raw: object, ok: bool) -> None:
    e = ex.parse(raw)
    assert ex.satisfiable(e) is ok
    w = ex.witness(e)
    assert (w is not None) is ok
    if w is not None:
        present = frozenset(k for k, o in w.items() if o.present is True)
        assert ex.compile(e).test(w, present)


def test_a_finding_nothing_sets_stays_unknown() -> None:
    e = ex.parse({"all": ["a", "orphan"]})
    assert not ex.satisfiable(e, lambda fid: fid != "orphan")
    assert ex.satisfiable(ex.parse({"all": ["a", {"not": "orphan"}]}), lambda fid: fid != "orphan")


def test_the_shipped_pack_has_no_rule_that_never_fires() -> None:
    assert lint_pack(PACK) == []
    assert {f.id for f in PACK.findings} == settable_findings(PACK)
