"""Families found by the round-5 writers (tests/cases/families5/6), each in several wordings
with near-miss twins.

1. A chart's series of generalised seizures («ГСП», «тонико-клонический приступ») without
   recovery between them is an emergency; «в анамнезе» dates only its own clause, so an
   epilepsy «в анамнезе» does not make today's series old, while a seizure history alone
   with ordinary cramps today is not an emergency.
2. Not having passed urine for hours, said plainly («ни разу не помочился», «не мочилась с
   утра», «низ живота распирает»), is a same-day problem on its own and an emergency with
   back pain (cauda equina); passing urine normally is not a sign at all.
"""

from __future__ import annotations

import pytest

import reading_helpers


@pytest.mark.parametrize(
    "text",
    [
        "Пац. 34 г., эпилепсия в анамнезе, серия из 3 ГСП за час без восстановления сознания "
        "между ними, сейчас опять клонические подёргивания в ногах.",
        "Больной 51 г., эпилепсия в анамнезе, за последние 40 минут два ГСП, в сознание не "
        "приходит, подёргивания в правой ноге.",
        "Пациентка 60 лет, ОНМК в анамнезе, сегодня тонико-клонический приступ, после него "
        "сознание не восстановилось, ноги сводит.",
    ],
)
def test_a_series_of_generalised_seizures_in_chart_words_is_an_emergency(text: str) -> None:
    assert reading_helpers.level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "В анамнезе ГСП, последний приступ 3 года назад. Сейчас жалобы на судороги в икрах "
        "по ночам.",
        "Эпилепсия в анамнезе, приступов нет пять лет, ночью свело икру, прошло за минуту.",
    ],
)
def test_a_seizure_history_with_ordinary_cramps_today_is_not_an_emergency(text: str) -> None:
    assert reading_helpers.level(text) in {"self_care", "doctor"}


@pytest.mark.parametrize(
    "text",
    [
        "Отец с утра ни разу не помочился, внизу живота тугой, ногу сводит.",
        "Мама не мочилась с самого утра, живот внизу распирает, после инсульта нога сводит чаще.",
        "Дедушка лежачий, с вечера не помочился ни разу, беспокоится, ногу дёргает.",
    ],
)
def test_not_passing_urine_for_hours_is_a_same_day_problem(text: str) -> None:
    assert reading_helpers.level(text) in {"urgent", "emergency"}


@pytest.mark.parametrize(
    "text",
    [
        "Не знаю, нормально ли: спина болит, ногу дёргает, а в туалет по-маленькому с утра "
        "совсем не хочется, и низ живота распирает.",
        "Поясница болит третий день, ногу сводит, с утра ни разу не помочился.",
    ],
)
def test_not_passing_urine_with_back_pain_is_an_emergency(text: str) -> None:
    assert reading_helpers.level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Ночью свело икру, в туалет хожу нормально, мочусь как обычно.",
        "Икру сводит после тренировки, с мочеиспусканием всё в порядке.",
    ],
)
def test_passing_urine_normally_is_no_sign(text: str) -> None:
    assert reading_helpers.level(text) == "self_care"
