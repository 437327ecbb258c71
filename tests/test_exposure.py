"""Every advice item and every medicine card in the pack can reach a person.

The review found 15 advice items no finding set could ever show. For each item this test builds
finding sets from how the pack links it (its own `when`, the rules that name it, the conditions
that list it) and asserts the engine shows it for at least one of them. Medicines are checked
the same way, and the cards follow only the leading explanation.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmnav.content import load_pack
from spasmnav.engine import LEADING_MARGIN, Observation, assess, leading_conditions
from test_screens import BOOLEAN_FINDINGS, witness

PACK = load_pack()
NUMERIC = {f.id for f in PACK.findings if f.numeric or f.derived is not None}
# Findings that put a text in scope without pointing anywhere in particular, tried as companions
# when a witness alone is out of scope.
COMPANIONS = ("twitching", "cramp", "spasm", "post_stroke")


def _condition_sets(cid: str) -> Iterator[dict[str, Observation]]:
    """Finding sets that make a condition likely: its strongest clues, alone and in pairs."""
    cond = PACK.condition(cid)
    clues = [
        e.finding
        for e in sorted(cond.evidence, key=lambda e: -e.weight)
        if e.present and e.weight > 0 and e.finding not in NUMERIC
    ]
    for f in clues:
        yield {f: Observation(True)}
    for a, b in combinations(clues[:6], 2):
        yield {a: Observation(True), b: Observation(True)}


def _candidate_sets(kind: str, item_id: str) -> Iterator[dict[str, Observation]]:
    if kind == "advice":
        item = PACK.advice_item(item_id)
        if item.when is not None:
            w = witness(item.when)
            if w is not None:
                yield w
        for r in PACK.rules:
            if item_id in r.advice:
                yield witness(r.when) or {}
        linked = [c.id for c in PACK.conditions if item_id in c.advice]
    else:
        linked = list(next(m for m in PACK.medicines if m.id == item_id).conditions)
    for cid in linked:
        yield from _condition_sets(cid)


def _shown(kind: str, item_id: str, facts: dict[str, Observation]) -> bool:
    a = assess(facts).to_dict()
    key = "advice" if kind == "advice" else "medicines"
    return item_id in {x["id"] for x in a[key]}


def find_showing_set(kind: str, item_id: str) -> dict[str, Observation] | None:
    for facts in _candidate_sets(kind, item_id):
        if _shown(kind, item_id, facts):
            return facts
        for extra in COMPANIONS:
            more = {**facts, extra: Observation(True)}
            if _shown(kind, item_id, more):
                return more
    return None


@pytest.mark.parametrize("aid", [a.id for a in PACK.advice])
def test_every_advice_item_can_be_shown(aid: str) -> None:
    assert find_showing_set("advice", aid) is not None, f"advice {aid!r} never reaches anyone"


@pytest.mark.parametrize("mid", [m.id for m in PACK.medicines])
def test_every_medicine_card_can_be_shown(mid: str) -> None:
    assert find_showing_set("medicine", mid) is not None, f"medicine {mid!r} never reaches anyone"


def test_seed_items_once_never_shown_now_are() -> None:
    # Review §2: S13/S72 foot baths, S17 brain areas, S31 muscle-group pattern, S9 the
    # rehabilitation doctor, S3 the 30–40 %.
    a = assess(
        {
            "post_stroke": Observation(True),
            "twitching": Observation(True),
            "stiffness": Observation(True),
            "interferes_sleep": Observation(True),
        }
    ).to_dict()
    ids = {x["id"] for x in a["advice"]}
    assert {
        "warm_foot_bath",
        "brain_and_twitching",
        "spasticity_signs",
        "visit_rehab_doctor",
        "post_stroke_twitching_common",
    } <= ids
    texts = " ".join(x["text"] for x in a["advice"])
    assert "30–40 %" in texts and "сгибатели руки и разгибатели ноги" in texts
    bath = next(x for x in a["advice"] if x["id"] == "warm_foot_bath")["text"]
    assert "обжечься" in bath and "кровотоке" in bath


def test_no_foot_bath_for_a_leg_that_may_have_a_clot_or_poor_circulation() -> None:
    base = {
        "post_stroke": Observation(True),
        "twitching": Observation(True),
        "interferes_sleep": Observation(True),
    }
    for f in ("calf_swelling", "calf_warmth", "leg_cold_pale"):
        a = assess({**base, f: Observation(True)}).to_dict()
        assert "warm_foot_bath" not in {x["id"] for x in a["advice"]}, f


# --- medicines follow the leading explanation ---------------------------------------------


def test_clonazepam_is_not_shown_for_benign_fasciculations() -> None:
    # Review run 38: caffeine fasciculations got a clonazepam card via a third-ranked myoclonus.
    a = assess(
        {
            "local_muscle_twitch": Observation(True),
            "caffeine": Observation(True),
            "poor_sleep": Observation(True),
            "sudden_jerks": Observation(True),
        }
    ).to_dict()
    assert "benign_fasciculations" in leading_conditions(a["conditions"])
    assert "clonazepam" not in {m["id"] for m in a["medicines"]}


def test_gabapentin_and_pregabalin_are_not_seizure_cards() -> None:
    for mid in ("gabapentin", "pregabalin"):
        card = next(m for m in PACK.medicines if m.id == mid)
        assert "seizure" not in card.conditions
        assert card.group != "Противосудорожное средство"
    a = assess({"epilepsy_history": Observation(True), "twitching": Observation(True)}).to_dict()
    assert not {"gabapentin", "pregabalin"} & {m["id"] for m in a["medicines"]}


def test_medicine_cautions_the_review_asked_for() -> None:
    cards = {m.id: " ".join([m.what_a_doctor_may_consider, *m.cautions]) for m in PACK.medicines}
    assert "ципрофлоксацин" in cards["tizanidine"] and "флувоксамин" in cards["tizanidine"]
    assert "103" in cards["baclofen"] and "температура" in cards["baclofen"]
    assert "восстановление" in cards["clonazepam"] and "падений" in cards["clonazepam"]
    assert "B6" in cards["magnesium_b6"] and "нервы" in cards["magnesium_b6"]
    assert "Кокрейн" in cards["magnesium_b6"]
    assert "уменьшает тремор и судороги" not in cards["pregabalin"].split("В материале")[0]


@settings(max_examples=300, deadline=None)
@given(st.sets(st.sampled_from(BOOLEAN_FINDINGS), min_size=1, max_size=8))
def test_medicines_only_for_conditions_within_the_margin_of_the_top(ids: set[str]) -> None:
    a: dict[str, Any] = assess({f: Observation(True) for f in ids}).to_dict()
    if not a["medicines"]:
        return
    top = a["conditions"][0]["raw_score"]
    near = {c["id"] for c in a["conditions"] if c["raw_score"] >= top - LEADING_MARGIN}
    for m in a["medicines"]:
        card = next(x for x in PACK.medicines if x.id == m["id"])
        assert near & set(card.conditions), (m["id"], sorted(ids))
        assert not near & set(card.not_with), (m["id"], sorted(ids))
