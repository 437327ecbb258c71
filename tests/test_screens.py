"""One screen never contradicts itself: the advice shown agrees with the level above it.

Checked for every rule alone, for every rule together with every urgent or emergency rule, and
for random finding sets: no self-help or «book a visit» card under «today» or «call now», no
«call if it lasts over 5 minutes» under a level that already says call now, no first aid under
a green or «book a visit» header, no stroke first aid without the stroke emergency, nothing to
stretch or massage when a clot is suspected, and medicines only for the leading explanation.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmnav import expr as ex
from spasmnav.content import load_pack
from spasmnav.engine import RANK, Observation, assess, leading_conditions
from spasmnav.result import ConditionScore

PACK = load_pack()
RULES = {r.id: r for r in PACK.rules}
KIND = {a.id: a.kind for a in PACK.advice}
BOOLEAN_FINDINGS = sorted(f.id for f in PACK.findings if not f.numeric and f.derived is None)
HIGH_RULES = [r for r in PACK.rules if r.level in ("urgent", "emergency")]

# A level that already says «call now» must not be followed by advice that calls later.
CALL_LATER = re.compile(
    r"(звоните|позвоните|вызывайте|вызовите)\s+(103|скорую)[^.;:]{0,12},\s*если"
    r"|если[^.;:]*дольше\s+5\s+минут[^.;:]*(звоните|вызовите|вызывайте)",
    re.IGNORECASE,
)
GREEN = re.compile(r"опасных признаков не|можно наблюдать|помогите себе", re.IGNORECASE)
BOOK_LATER = re.compile(r"запишитесь|в ближайшие дни|свяжитесь с врачом сегодня", re.IGNORECASE)
STRETCH_OR_MASSAGE = re.compile(r"растяж|растян|разотр|массир|потяните носок", re.IGNORECASE)
CLOT_RULES = {"suspected_dvt"}


def _scores(conditions: list[dict[str, Any]]) -> list[ConditionScore]:
    """The contract's condition objects read back as the engine's typed scores."""
    return [
        ConditionScore(c["id"], c["title"], c["score"], c["raw_score"], "", "", (), ())
        for c in conditions
    ]


def witness(e: ex.Expr) -> dict[str, Observation] | None:
    """A minimal set of findings that makes the condition true (``not`` parts satisfied by
    leaving their findings out), or None when it cannot hold."""
    return ex.witness(e)


def screen_problems(a: dict[str, Any]) -> list[str]:
    """Everything on one assessment's screen that contradicts its level."""
    level = a["triage"]["level"]
    fired = {r["rule"] for r in a["triage"]["reasons"]}
    problems: list[str] = []
    for adv in a["advice"]:
        aid, kind, words = adv["id"], adv["kind"], f"{adv['title']} {adv['text']}"
        if RANK[level] >= RANK["urgent"]:
            if kind in ("self_help", "lifestyle", "visit", "info"):
                problems.append(f"{aid} ({kind}) under {level}")
            if GREEN.search(words):
                problems.append(f"{aid}: green wording under {level}")
        if level == "emergency":
            if CALL_LATER.search(words):
                problems.append(f"{aid}: «call if …» under a level that says call now")
            if BOOK_LATER.search(words):
                problems.append(f"{aid}: «book / contact later» under emergency")
        if kind == "first_aid" and RANK[level] < RANK["urgent"]:
            problems.append(f"{aid}: first aid under {level}")
        if "пока едет скорая" in words.lower() and level != "emergency":
            problems.append(f"{aid}: «while the ambulance comes» under {level}")
        if aid == "stroke_wait" and "stroke_warning_signs" not in fired:
            problems.append("stroke first aid without the stroke rule")
    if RANK[level] >= RANK["urgent"] and (a["exercises"] or a["medicines"]):
        problems.append(f"exercises or medicines under {level}")
    if fired & CLOT_RULES:
        for adv in a["advice"]:
            if adv["kind"] in ("self_help", "lifestyle") and STRETCH_OR_MASSAGE.search(adv["text"]):
                problems.append(f"{adv['id']}: stretching or massage with a suspected clot")
        if a["exercises"]:
            problems.append("exercises with a suspected clot")
    leading = set(leading_conditions(_scores(a["conditions"])))
    for m in a["medicines"]:
        card = next(x for x in PACK.medicines if x.id == m["id"])
        if not leading & set(card.conditions):
            problems.append(f"medicine {m['id']} for a condition that does not lead")
        if leading & set(card.not_with):
            problems.append(f"medicine {m['id']} shown with {sorted(leading & set(card.not_with))}")
    return problems


def _facts(rule_ids: list[str]) -> dict[str, Observation]:
    out: dict[str, Observation] = {}
    for rid in rule_ids:
        out.update(witness(RULES[rid].when) or {})
    return out


def test_rule_advice_kinds_fit_their_level() -> None:
    # What a rule itself names: an urgent or emergency rule names only first aid and cautions.
    for r in HIGH_RULES:
        for aid in r.advice:
            assert KIND[aid] in ("first_aid", "caution"), f"{r.id} ({r.level}) names {aid}"
    for r in PACK.rules:
        if r.level in ("self_care", "doctor"):
            for aid in r.advice:
                assert KIND[aid] != "first_aid", f"{r.id} ({r.level}) names first aid {aid}"


@pytest.mark.parametrize("rule", sorted(RULES), ids=sorted(RULES))
def test_each_rule_alone_gives_a_coherent_screen(rule: str) -> None:
    a = assess(_facts([rule])).to_dict()
    assert rule in {r["rule"] for r in a["triage"]["reasons"]}
    assert screen_problems(a) == []


@pytest.mark.parametrize("high", [r.id for r in HIGH_RULES])
def test_every_rule_beside_an_urgent_or_emergency_rule_gives_a_coherent_screen(
    high: str,
) -> None:
    for other in sorted(RULES):
        a = assess(_facts([high, other])).to_dict()
        problems = screen_problems(a)
        assert problems == [], f"{high} + {other}: {problems}"


@settings(max_examples=300, deadline=None)
@given(st.sets(st.sampled_from(BOOLEAN_FINDINGS), max_size=8))
def test_random_finding_sets_give_coherent_screens(ids: set[str]) -> None:
    a = assess({f: Observation(True) for f in ids}).to_dict()
    assert screen_problems(a) == [], sorted(ids)


def test_the_checks_catch_contradictions() -> None:
    # The checker itself must fail on the contradictions it exists to catch.
    a = assess(_facts(["seizure_signs"])).to_dict()
    a["advice"].append(
        {
            "id": "x",
            "kind": "first_aid",
            "title": "t",
            "text": "Звоните 103 или 112, если приступ длится дольше 5 минут.",
        }
    )
    assert any("call if" in p for p in screen_problems(a))
    b = assess({"cramp": Observation(True)}).to_dict()
    assert b["triage"]["level"] == "self_care"
    b["advice"].append(
        {"id": "stroke_wait", "kind": "first_aid", "title": "Пока едет скорая", "text": ""}
    )
    assert len(screen_problems(b)) >= 3
    c = assess(_facts(["suspected_dvt"])).to_dict()
    c["exercises"].append({"id": "calf_stretch"})
    assert any("clot" in p for p in screen_problems(c))


def test_stroke_first_aid_needs_the_stroke_emergency() -> None:
    # Review §5.6: a severe headache alone used to bring «Пока едет скорая» at self_care.
    a = assess({"severe_headache": Observation(True), "cramp": Observation(True)}).to_dict()
    assert "stroke_wait" not in [x["id"] for x in a["advice"]]
    b = assess({"face_droop": Observation(True)}).to_dict()
    assert "stroke_wait" in [x["id"] for x in b["advice"]]


def test_breathing_trouble_without_a_leg_clue_gets_no_calf_advice() -> None:
    # Review §5.9: a laryngospasm got «опухшую икру не трогайте».
    a = assess({"breathing_difficulty": Observation(True)}).to_dict()
    ids = [x["id"] for x in a["advice"]]
    assert a["triage"]["level"] == "emergency"
    assert "dvt_no_massage" not in ids and "pe_wait" not in ids
    b = assess(
        {"breathing_difficulty": Observation(True), "calf_swelling": Observation(True)}
    ).to_dict()
    ids = [x["id"] for x in b["advice"]]
    assert "pe_wait" in ids and "dvt_no_massage" in ids


def test_emergency_screen_has_no_visit_cards_from_lower_rules() -> None:
    # Review §5.9: doctor-rule advice (visit_neurologist_stroke, bring_diary) under «call now».
    a = assess(
        {
            "face_droop": Observation(True),
            "post_stroke": Observation(True),
            "twitching": Observation(True),
        }
    ).to_dict()
    assert a["triage"]["level"] == "emergency"
    assert {x["kind"] for x in a["advice"]} <= {"first_aid", "caution"}
