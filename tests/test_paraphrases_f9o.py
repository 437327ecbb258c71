"""Round 8: the families behind families9's over-triage (an outside clinician's set).

Sentences written fresh for each family (none copied from the cases), in a patient's, a
relative's and a chart's words, with typos, each beside a positive control: the true danger
said nearby keeps its level.

1. A limb gone numb from a position («нога на ногу», «отсидел», «затекла», «на корточках»):
   pressure on a nerve, not a stroke sign; numbness that does not pass, weakness, a face or
   half the body gone numb stay emergencies.
"""

from __future__ import annotations

import pytest

from spasmnav.assessing import assess_text

RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}


def _level(text: str) -> str:
    level = assess_text(text).to_dict()["triage"]["level"]
    assert isinstance(level, str)
    return level


def _rules(text: str) -> set[str]:
    return {r.rule for r in assess_text(text).reasons}


# --- 1. A limb numb from a position ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Сидел нога на ногу на совещании, правая нога онемела, через пару минут прошло.",
        "Отсидел ногу в машине, не чувствую её, покалывает иголками, потом разошлась.",
        "Мама долго сидела на корточках на огороде, ноги онемели, постояла и отошли.",
        "Просидел по-турецки час, левая нога затекла и онемела, минут через пять всё прошло.",
        "пасидел нога на нагу ,нога анемела потом атпустила",
        "Сидела, поджав ноги под себя, нога стала как ватная, размяла — отошла.",
        "Пациентка сидела в неудобной позе, онемела стопа, после ходьбы всё вернулось.",
        "Дочка говорит, что отсидела ногу на уроке и нога онемела, на перемене прошло.",
    ],
)
def test_a_limb_numb_from_a_position_is_no_stroke_sign(text: str) -> None:
    assert "stroke_warning_signs" not in _rules(text)
    assert RANK[_level(text)] <= RANK["doctor"]


@pytest.mark.parametrize(
    "text",
    [
        # a face, a side, weakness, or numbness that does not pass: still a stroke sign
        "Сидел нога на ногу, вдруг перекосило лицо и речь стала невнятной.",
        "Сидела нога на ногу, встала — нога не слушается, подволакиваю уже час.",
        "Отсидел ногу, она онемела и не проходит уже три часа.",
        "Сидела нога на ногу, вдруг онемела левая половина лица.",
        "Бабушка сидела на корточках, встала и у неё отнялась правая нога.",
        "Отсидела ногу, а через час вдруг онемела правая рука и нога.",
        # no position at all
        "Внезапно онемела правая нога, я просто сидела на диване.",
        "С утра онемела левая рука и левая нога.",
        "Затекла шея, и вдруг онемела правая рука.",
    ],
)
def test_a_stroke_sign_beside_a_position_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"
