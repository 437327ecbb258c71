"""Round 8: the families behind families9's under-triage (an outside clinician's held-out set).

Sentences written fresh for each family (none copied from the cases), in chart words, a
patient's, a relative's and a nurse's words, with a variant that must not fire.

1. A potassium value in a chart in any script: «K+ 6,8», «K 7,1», «К 6.2» (UKKA 2023).
"""

from __future__ import annotations

import pytest

from spasmnav.assessing import assess_text, understand

RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}


def _level(text: str) -> str:
    level = assess_text(text).to_dict()["triage"]["level"]
    assert isinstance(level, str)
    return level


def _rules(text: str) -> set[str]:
    return {r.rule for r in assess_text(text).reasons}


def _present(text: str, finding: str) -> bool:
    obs = understand(text).facts.get(finding)
    return obs is not None and obs.present is True


# --- 1. A potassium value in a chart ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Лаб.: K+ 6,8 ммоль/л, креатинин 380. Судороги в ногах.",
        "Биохимия: Na 138, K 7,1 ммоль/л. Жалобы на слабость в ногах.",
        "В анализе К 6.2, икры сводит, сил нет.",
        "калий 6.9 пришёл сегодня, ноги ватные",
        "Калий в крови 6,5, ноги сводит по ночам.",
        "у папы калия было 7.2 в анализе, ноги как чужие",
        "k+ 6,4 ммоль/л по результатам, мышцы ног подёргиваются",
        "Гиперкалиемия, калий 6,3, ноги слабые, тошнит.",
    ],
)
def test_a_potassium_of_six_or_more_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"
    assert "high_potassium_kidneys" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "K+ 5,8 ммоль/л, ноги сводит по ночам.",
        "Гиперкалиемия в анализах, икры сводит.",
    ],
)
def test_a_raised_potassium_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


@pytest.mark.parametrize(
    "text",
    [
        "K+ 4,2 ммоль/л, ноги сводит по ночам.",
        "Приду к 7.30 на массаж, ноги сводит.",
        "Калий 4,8, натрий 140, судороги в икрах ночью.",
    ],
)
def test_a_normal_potassium_or_an_hour_is_no_high_potassium(text: str) -> None:
    assert not _present(text, "high_potassium_value")
