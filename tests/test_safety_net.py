"""Unknown is not absent: what was not checked is never called safe (DESIGN.md).

Properties over random finding sets and random strings: no assessment says that nothing
dangerous was found while a red flag is still unchecked; out-of-scope text gets no self-help;
«не знаю» to a worrying red flag keeps the level at «today»; answering a check re-assesses.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from spasmnav import expr as ex
from spasmnav.assessing import assess_text
from spasmnav.content import load_pack
from spasmnav.engine import RANK, Assessment, Observation, assess

PACK = load_pack()
CHECKS = {c.id: c for c in PACK.checks}
BOOLEAN = sorted(f.id for f in PACK.findings if not f.numeric)
# Wordings that would tell a person no danger was found.
REASSURING = re.compile(
    r"опасн\w* признак\w* не (найден|видн|обнаружен)|нет опасн|ничего опасн|не опасно", re.I
)


def _visible_text(a: Assessment) -> str:
    parts = [a.title, a.action, a.message or ""]
    parts += [r.text for r in a.reasons]
    parts += [f"{x.title} {x.text}" for x in a.advice]
    return "\n".join(parts)


def _assert_never_reassures(a: Assessment) -> None:
    if a.red_flags_unchecked:
        assert not REASSURING.search(_visible_text(a)), _visible_text(a)
    if not a.in_scope:
        assert RANK[a.level] >= RANK["doctor"]
        assert not a.exercises and not a.medicines
        assert all(x.kind not in ("self_help", "lifestyle") for x in a.advice), a.advice


facts_strategy = st.dictionaries(
    st.sampled_from(BOOLEAN), st.sampled_from([True, False, None]), max_size=12
).map(lambda d: {k: Observation(v) for k, v in d.items()})


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy)
def test_no_finding_set_is_called_safe_while_a_red_flag_is_unchecked(
    facts: dict[str, Observation],
) -> None:
    _assert_never_reassures(assess(facts))


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1, max_size=80).filter(lambda t: t.strip() != ""))
def test_no_string_is_called_safe_while_a_red_flag_is_unchecked(text: str) -> None:
    _assert_never_reassures(assess_text(text))


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "нога",
                "икра",
                "сводит",
                "дергается",
                "ночью",
                "болит",
                "лицо",
                "рука",
                "слабость",
                "вдруг",
                "онемела",
                "не",
                "нет",
                "после",
                "инсульта",
                "год",
                "назад",
                "боюсь",
                "у",
                "соседки",
                "асдф",
                "qwerty",
                "nogu",
                "svodit",
                "перекасило",
            ]
        ),
        min_size=1,
        max_size=10,
    )
)
def test_no_word_salad_is_called_safe_while_a_red_flag_is_unchecked(words: list[str]) -> None:
    _assert_never_reassures(assess_text(" ".join(words)))


def test_a_plain_night_cramp_lists_what_was_not_checked() -> None:
    a = assess_text("Ночью свело икру, потянул носок на себя — прошло")
    assert a.level == "self_care"
    unchecked = {c.id for c in a.red_flags_unchecked}
    assert {"stroke_signs", "seizure", "breathing_chest", "cold_leg", "calf_clot"} <= unchecked
    for c in a.red_flags_unchecked:
        assert c.question.endswith("?") and c.answers == ("да", "нет", "не знаю")
    assert not REASSURING.search(_visible_text(a))
    # Conditional checks are listed only where they apply.
    assert "hypocalcaemia" not in unchecked


def test_nonsense_is_out_of_scope_with_no_self_help_and_the_check() -> None:
    for text in ("асдфыва пролдж", "qwerty uiop", "12345", "!!!"):
        a = assess_text(text)
        assert not a.in_scope and a.level == "doctor", text
        assert not a.exercises and not a.medicines
        assert {c.id for c in a.red_flags_unchecked} >= {"stroke_signs", "seizure"}


def test_out_of_scope_red_flags_still_escalate() -> None:
    a = assess_text("перекосило лицо")
    assert a.level == "emergency"
    assert "stroke_signs" not in {c.id for c in a.red_flags_unchecked}


def _answer(base: dict[str, Observation], check: str, value: bool | None) -> Assessment:
    return assess({**base, CHECKS[check].answer_finding: Observation(value)})


def test_answering_a_check_reassesses() -> None:
    base = {"cramp": Observation(True), "at_night": Observation(True)}
    before = assess(base)
    assert before.level == "self_care"
    assert _answer(base, "stroke_signs", True).level == "emergency"
    no = _answer(base, "stroke_signs", False)
    assert no.level == "self_care"
    assert "stroke_signs" not in {c.id for c in no.red_flags_unchecked}


def test_not_knowing_a_worrying_red_flag_is_a_worry() -> None:
    # Every conditional check made relevant by its own condition's findings.
    base = {"cramp": Observation(True)}
    for check in CHECKS.values():
        if check.relevant is not None:
            base.update({f: Observation(True) for f in ex.findings(check.relevant)})
    plain = assess(base).level
    for cid, check in CHECKS.items():
        a = _answer(base, cid, None)
        assert cid in {c.id for c in a.red_flags_unchecked}, cid
        if check.unknown_is_worry:
            assert RANK[a.level] >= RANK["urgent"], cid
            assert any(r.rule == f"unknown_{cid}" for r in a.reasons)
        else:
            assert a.level == plain, cid


def test_every_answer_settles_its_check() -> None:
    base = {"twitching": Observation(True), "thyroid_surgery": Observation(True)}
    for cid, check in CHECKS.items():
        yes = _answer(base, cid, True)
        assert check.rule in {r.rule for r in yes.reasons}, cid
        assert cid not in {c.id for c in yes.red_flags_unchecked}
        no = _answer(base, cid, False)
        assert cid not in {c.id for c in no.red_flags_unchecked}


def test_hypothetical_and_questioned_red_flags_stay_unchecked() -> None:
    for text in (
        "Сводит ногу ночью. Боюсь, что перекосит лицо",
        "сводит икры, а если нога посинеет и похолодеет — что делать?",
    ):
        a = assess_text(text)
        assert a.level != "emergency", text
        assert a.red_flags_unchecked, text
        qualified = [f for f in a.findings if f.qualifiers and f.present is None]
        assert qualified, text
