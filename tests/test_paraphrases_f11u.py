"""Round 8: the families behind families11's and families12's under-triage (urgent and doctor).

Sentences written fresh for each family (none copied from the cases), in chart words with
abbreviations, a patient's, a relative's and a carer's words, with typos, each family with
benign controls that must not fire.

1. A possible clot without the textbook pair: one shin swollen after a flight written as a
   chart («отёк л. голени»), calf pain on pressing in a bedridden or post-stroke patient with no
   swelling (NICE NG158: Wells: tenderness, paralysis, bed rest).
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


def _findings(text: str) -> set[str]:
    return {f["id"] for f in assess_text(text).to_dict()["findings"] if not f["qualifiers"]}


# --- 1. A possible clot without the textbook pair -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Отёк л. голени после авиаперелёта, ноет.",
        "На л.ноге отёк после самолёта, икра тянет.",
        "Отекла левая икра после 10 часов в самолёте, тянет.",
        "Прилетела вчера, левая нога стала толще правой, побаливает.",
        "отек прав. голени после перелета, тянет икру",
        "Вернулись с моря на поезде, у мамы правая голень опухла, ноет.",
        "Жалуется на боль в левой икре при пальпации, после ОНМК лежит, отёка нет.",
        "Болит икра, когда нажимаешь, он после инсульта, отёка нет.",
        "мама лежачая после инсульта, икра болит, если нажать, не опухла",
        "Бабушка вскрикивает, когда сжимаю ей икру, она после инсульта почти не встаёт.",
    ],
)
def test_a_clot_without_the_textbook_pair_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


@pytest.mark.parametrize(
    "text",
    [
        # «л.» after a number is an age, and both shins swollen is not one leg
        "Пациентка 75 л. голени отёчные с обеих сторон к вечеру, ночью сводит икры.",
        # a cramp squeezed by one's own hands is not a calf painful to the touch
        "Когда сводит икру, больно, я сжимаю её руками и растираю.",
        "Пальпация икр безболезненна, ночью сводит икры.",
        "Боли при пальпации нет, икру сводит по ночам после инсульта.",
    ],
)
def test_an_age_a_squeezed_cramp_or_a_painless_calf_is_no_clot(text: str) -> None:
    assert not _rules(text) & {"suspected_dvt", "clot_risk_leg", "possible_clot_no_swelling"}
