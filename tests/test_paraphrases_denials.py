"""A chart's denials and a chart's statements, told apart.

1. «…отрицает» closing a list denies every item of it, however long: «Одышку, боль в груди,
   кровохарканье отрицает».
2. A complaint stated before a denial is not an item of it: «Внезапная слабость в ноге, одышку
   отрицает» keeps the weakness (a nominative adjective or a finite verb makes a statement).
3. «не высказывает», «не предъявляет» record what the patient does not say.
4. Suicidal thoughts in chart words («высказывает мысли о самоубийстве», «мысли о смерти»).
Sentences written fresh for each family, not copied from any case.
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from spasmnav.assessing import assess_text


def _present(text: str) -> set[str]:
    return {f["id"] for f in assess_text(text).to_dict()["findings"] if f["present"]}


@pytest.mark.parametrize(
    "text",
    [
        "Одышку, боль в груди, кровохарканье отрицает. Крампи ночные.",
        "Потерю сознания, прикус языка, недержание мочи отрицает. Подёргивания в ноге.",
        "Тёмную мочу, отёки, повышение температуры отрицает. Сводит икры.",
        "Травмы, лихорадку, одышку, боли в груди отрицает. Судороги в икрах по ночам.",
        "Внезапную слабость в ноге, нарушение речи отрицает. Крампи.",
    ],
)
def test_a_long_denied_list_is_all_denied(text: str) -> None:
    assert _level(text) in {"self_care", "doctor"}


@pytest.mark.parametrize(
    "text",
    [
        "Внезапная слабость в ноге, одышку отрицает.",
        "Резко ослабла правая нога, боль в груди отрицает.",
        "Слабость в руке нарастает, одышку отрицает.",
        "Внезапно перекосило лицо, травму отрицает.",
        "Сильная одышка с утра, боль в груди отрицает. Голень отекла.",
    ],
)
def test_a_complaint_before_a_denial_stays_a_complaint(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Суицидальных мыслей не высказывает. Спазмы в ноге прежние.",
        "Не высказывает мыслей о самоубийстве. Сводит ногу по ночам.",
        "Жалоб на одышку не предъявляет. Крампи в икрах.",
        "Мыслей о самоубийстве нет. Икры сводит.",
    ],
)
def test_what_the_patient_does_not_say_is_denied(text: str) -> None:
    assert not {"suicidal", "breathing_difficulty"} & _present(text)


@pytest.mark.parametrize(
    "text",
    [
        "Высказывает мысли о самоубийстве, сводит ногу.",
        "Со слов дочери, думает о смерти, после инсульта ногу сводит.",
        "Мысли о смерти последние две недели. Подёргивания в ноге.",
        "Пациент высказывает суицидальные мысли, спастичность нарастает.",
    ],
)
def test_suicidal_thoughts_in_chart_words_are_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"
