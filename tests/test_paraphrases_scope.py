"""Clonus and spasticity told in chart or everyday words are within what SpasmNav covers.

A foot that beats by itself (clonus) and a leg set stiff by spasticity (an equinus foot, a
contracture, a modified Ashworth score) are involuntary contractions of the leg: in scope, and
after a stroke a neurologist's matter (seed_stroke: spasticity is assessed and treated by a
doctor). Sentences written fresh for the family, not copied from any case.
"""

from __future__ import annotations

import pytest

from spasmnav.assessing import assess_text


@pytest.mark.parametrize(
    "text",
    [
        "Стопа по ночам бьётся, врач сказал — клонус. Инсульт два года назад.",
        "После инсульта ступня ходит ходуном, когда ставлю ногу на ступеньку.",
        "У папы пятка мелко бьётся об пол, стоит только опереться на носок. Инсульт был весной.",
        "Нога трясётся как швейная машинка, если поставить её на подножку коляски. После ОНМК.",
        "Эквинусная установка левой стопы, MAS 3 в икроножной мышце. ОНМК в 2023 г.",
        "Формируется контрактура в колене, ОНМК полтора года назад.",
        "Пятка не встаёт на пол, стопу тянет вниз. После инсульта год.",
        "По утрам нога как приваренная в колене, не согнуть. Инсульт был год назад.",
    ],
)
def test_clonus_and_spasticity_words_are_in_scope_and_a_doctors_matter(text: str) -> None:
    result = assess_text(text).to_dict()
    assert result["in_scope"] is True
    assert result["triage"]["level"] in {"doctor", "urgent", "emergency"}


@pytest.mark.parametrize(
    "text",
    [
        "Сердце бьётся часто, когда поднимаюсь по лестнице.",
        "Машинка стиральная сломалась, ходит ходуном по ванной.",
        "Зуб болит третий день, щёку раздуло.",
    ],
)
def test_the_same_words_about_something_else_stay_out_of_scope(text: str) -> None:
    assert assess_text(text).to_dict()["in_scope"] is False
