"""A blood-pressure reading is read as one number pair, not as loose numbers in a window.

«давление 180 на 80» is a high pressure: its diastolic 80 must not be read as «давление 80»
(a low systolic pressure), which with a diuretic raises the level to urgent. A low reading told
in any of the usual ways still is low (NHS: low blood pressure).
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from reading_helpers import rules as _rules
from spasmnav.assessing import assess_text


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта сводит ногу ночью, принимаю фуросемид, давление 180 на 80.",
        "Пью торасемид, давление утром 160 на 60, икры сводит по ночам.",
        "Мама на гипотиазиде, давление было 170 на 70, ноги крутит судорогой.",
        "Индапамид принимаю, давление 150 на 90, ночью судорога в икре.",
        "На фуросемиде. Давление 140/80, пульс 80, сводит голень.",
    ],
)
def test_a_high_reading_with_a_low_diastolic_is_not_low_pressure(text: str) -> None:
    assert "diuretic_low_pressure" not in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Сводит ногу, принимаю фуросемид, давление 80.",
        "Пью фуросемид, давление всего 70, слабость, ноги сводит.",
        "Принимаю торасемид, давление 90 на 50, икры сводит.",
        "На мочегонных, давление 85 на 50, судороги в ногах.",
        "Фуросемид пью, давление упало до 80, сводит голени.",
        "Пью фуросемид, АД 80/50, сводит ноги по ночам.",
    ],
)
def test_a_low_reading_with_a_diuretic_is_still_urgent(text: str) -> None:
    result = assess_text(text)
    assert "diuretic_low_pressure" in {r.rule for r in result.reasons}
    assert result.to_dict()["triage"]["level"] in {"urgent", "emergency"}


# --- A measured low blood sugar ----------------------------------------------------------
# Below 4 mmol/L is hypoglycaemia whatever the person feels (NHS / JBDS): never self-care.


@pytest.mark.parametrize(
    "text",
    [
        "Сахар 2,8, сводит ногу.",
        "Глюкоза 3,1 ммоль, икру свело.",
        "Мерила сахар — 3,4. Ноги крутит по ночам.",
        "У папы сахар был 3 утром, ногу сводит после инсульта.",
        "Глюкометр показал 2.9, судорога в голени.",
    ],
)
def test_a_low_sugar_reading_is_at_least_urgent(text: str) -> None:
    level = assess_text(text).to_dict()["triage"]["level"]
    assert level in {"urgent", "emergency"}


@pytest.mark.parametrize(
    "text",
    [
        "Диабет, сахар 13, уже 3 дня сводит ноги по ночам.",
        "Сахар 7, 2 раза за ночь сводит икру.",
        "Сахар в норме, сводит икры по ночам.",
        "Сахар 6,2 натощак, ноги крутит судорогой.",
    ],
)
def test_a_number_after_the_reading_is_not_a_low_sugar(text: str) -> None:
    assert "low_sugar_reading" not in _rules(text)


# --- Oxygen saturation, very high pressure, very low calcium in chart numbers -----------------
# (src/spasmnav/pack/readings.yaml: NHS England pulse oximetry, NICE NG136, Society for
# Endocrinology acute hypocalcaemia.)


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта сводит ногу, сатурация 86.",
        "SpO2: 88 %, подёргивания голени.",
        "Папа вялый, сатурация упала до 89, ногу крутит.",
        "Пульсоксиметр показывает 90, нога дёргается.",
        "Сат. 91, спастика в ноге сильнее.",
        "SpO2 - 85%. Ноги сводит.",
    ],
)
def test_oxygen_92_or_below_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Сатурация 97, пульс 88, ногу сводит по ночам.",
        "SpO2 98 %, АД 120/80, крампи в икрах.",
        "Сатурация в норме, 96. Икры сводит.",
    ],
)
def test_a_normal_oxygen_level_with_a_low_number_after_it_is_not_low(text: str) -> None:
    assert not {"low_oxygen_emergency", "borderline_oxygen"} & _rules(text)


def test_oxygen_93_or_94_is_urgent() -> None:
    assert _level("Сатурация 93 %, сводит ногу по ночам.") == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "АД 220/120, ногу сводит, голова болит.",
        "АД: 200/120, затылочная головная боль, мелькание мушек. Обычно 140/90.",
        "Давление 210 на 115, в глазах двоится, ногу сводит.",
        "Давление под 200, голова раскалывается, спутанность.",
    ],
)
def test_a_very_high_pressure_with_headache_or_vision_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Ад 190/100, ногу сводит.",
        "Давление 190 на 110 с утра, ноги сводит по ночам.",
        "Давление утром 185/95, икры сводит.",
    ],
)
def test_a_very_high_pressure_alone_is_urgent(text: str) -> None:
    assert _level(text) == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "АД 130/80, сводит икры по ночам.",
        "Давление 150 на 90, ногу сводит ночью.",
        "Давление было 170/100, сейчас 130/80, судороги в икрах.",
    ],
)
def test_an_ordinary_or_moderately_high_pressure_is_not_very_high(text: str) -> None:
    assert "very_high_pressure" not in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Кальций 1,6, судороги в икрах.",
        "Са++ 0,8 ммоль, сводит ноги.",
        "Анализ: кальций общий 1,7. Ноги сводит.",
        "Ca 1.75 ммоль/л, крампи, покалывание в пальцах.",
    ],
)
def test_a_very_low_calcium_value_is_at_least_urgent(text: str) -> None:
    assert _level(text) in {"urgent", "emergency"}


@pytest.mark.parametrize(
    "text",
    [
        "Ca++ 1,15, судороги в икрах.",
        "Кальций 2,3, крампи по ночам.",
        "Ca 2.45, ноги сводит.",
    ],
)
def test_a_normal_calcium_value_is_not_low(text: str) -> None:
    assert "very_low_calcium" not in _rules(text)


# --- Potassium, INR, pulse and magnesium in chart numbers --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Калий 2,5, слабость, сводит ноги.",
        "K+ 2,9, крампи в икрах.",
        "Анализ: калий был 2,8. Ноги сводит по ночам.",
        "МНО 6,2, синяки по телу, ногу сводит.",
        "На варфарине, МНО было 7, икры сводит.",
        "Пульс 150, нога сводит.",
        "ЧСС 140 в покое, подёргивания в ноге.",
    ],
)
def test_a_dangerous_value_is_at_least_urgent(text: str) -> None:
    assert _level(text) in {"urgent", "emergency"}


@pytest.mark.parametrize(
    "text",
    [
        "K+ 4,2, крампи по ночам.",
        "Калий 3,8, сводит икры.",
        "МНО 2,5 на варфарине, сводит ногу.",
        "Пульс 88, сводит ногу.",
        "ЧСС 72, крампи.",
        "Магний 0,85, крампи.",
    ],
)
def test_an_ordinary_value_raises_nothing(text: str) -> None:
    rules = _rules(text)
    assert (
        not {
            "low_potassium_reading",
            "high_inr_reading",
            "very_fast_pulse",
            "low_magnesium_reading",
        }
        & rules
    )


@pytest.mark.parametrize(
    "text",
    ["Mg 0,5, судороги в икрах.", "Магний 0,45 ммоль/л, крампи.", "Магний был 0,6, сводит ноги."],
)
def test_a_low_magnesium_is_a_doctors_matter(text: str) -> None:
    assert "low_magnesium_reading" in _rules(text)
    assert _level(text) != "self_care"
