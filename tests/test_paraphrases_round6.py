"""Round 6: how far a date reaches, and what a recent transient stroke sign means.

1. A date dates its own clause only: «инсульт был год назад, речь нарушена, лицо перекошено»
   keeps the face current. An anaphor («тогда же», «в тот раз», «было такое:») carries a date
   said before it; alone it dates nothing. A bare date set off by commas («давно, лет пять
   назад, терял сознание») dates the clause it stands before.
5. Stroke signs dated days or weeks ago that have passed are a recent TIA: a specialist today
   (NICE NG128), not a routine visit; said as now, they stay an emergency.
6. «Лет 10 назад», «в прошлом месяце», «на прошлой неделе», «недели две назад» are the past;
   «в прошлом» is exact («в прошлое воскресенье» is not «в прошлом»).
"""

from __future__ import annotations

import pytest

from spasmnav.assessing import assess_text, understand


def _level(text: str) -> str:
    level = assess_text(text).to_dict()["triage"]["level"]
    assert isinstance(level, str)
    return level


def _state(text: str, finding: str) -> str:
    obs = understand(text).facts.get(finding)
    if obs is None:
        return "absent"
    if obs.present is True:
        return "current"
    return "historical" if "historical" in obs.qualifiers else "other"


# --- 1. A date dates its own clause ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Инсульт был год назад, сейчас лицо перекошено, рука не поднимается.",
        "Инсульт случился два года назад, лицо перекосило, рука висит плетью.",
        "Операция на колене была в 2019 году, правая рука онемела и не поднимается.",
        "Давно болит поясница, перекосило лицо, рука отнялась.",
        "Год назад лечилась в санатории, лицо перекосило на одну сторону.",
    ],
)
def test_an_old_date_does_not_date_later_clauses(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Год назад упала, тогда же перекосило лицо, потом прошло.", "face_droop"),
        ("В 2020 был инсульт, в тот раз отнялась рука, восстановилась за месяц.", "arm_weakness"),
        ("Года три назад было такое: на пару минут онемела рука.", "arm_weakness"),
        ("Давно, лет пять назад, терял сознание, сейчас сводит ноги.", "loss_of_consciousness"),
        ("Инсульт был год назад, лицо перекосило тогда же.", "face_droop"),
    ],
)
def test_an_anaphor_or_a_bare_date_carries_the_date(text: str, finding: str) -> None:
    assert _state(text, finding) == "historical"


@pytest.mark.parametrize(
    "text",
    [
        "Тогда же перекосило лицо и рука не слушается.",
        "Ногу сводило, тогда муж заметил: лицо перекосило.",
        "Бросил пить три дня назад, трясёт, судороги всего тела.",
    ],
)
def test_an_anaphor_without_a_date_dates_nothing(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Инсульт был шесть лет назад, у отца лицо перекошено и речь невнятная, к этому мы давно "
        "привыкли. Беспокоит, что ночью сводит икру.",
        "После инсульта, что был три года назад, рука слабая, мы уже привыкли. Ногу сводит.",
    ],
)
def test_a_baseline_the_family_is_used_to_is_not_new(text: str) -> None:
    assert _level(text) in {"self_care", "doctor"}


def test_getting_used_to_something_else_dates_nothing() -> None:
    assert _level("Лицо перекосило, рука не слушается, не привыкну к новым таблеткам.") == (
        "emergency"
    )


# --- 5. A recent transient stroke sign is a TIA: a specialist today -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "На прошлой неделе на минуту онемела рука и перекосило лицо, сейчас всё прошло.",
        "Недели две назад минут на десять пропала речь, потом всё восстановилось. Ногу сводит.",
        "Дня три назад на пару минут перекосило лицо, сейчас всё нормально, икру тянет.",
        "Месяц назад на пару минут онемели правая рука и нога, прошло само, к врачу не ходил.",
        "Пару недель назад секунд на тридцать ослабла левая рука, больше не повторялось.",
    ],
)
def test_a_recent_transient_stroke_sign_is_urgent(text: str) -> None:
    assert _level(text) == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "На прошлой неделе на минуту онемела рука, а сейчас снова онемела рука и лицо перекосило.",
        "Недели две назад пропадала речь, а сегодня с утра рука не поднимается.",
        "Дня три назад немела рука, сейчас опять онемела рука и говорить трудно.",
    ],
)
def test_a_recent_sign_back_now_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Год назад было такое: на пару минут онемела рука. Ходила к неврологу, сделали МРТ. "
        "Сейчас ничего нет, а вот пальцы ног по ночам сводит.",
        "Лет пять назад на минуту перекосило лицо, обследовали, всё хорошо. Сейчас сводит икры.",
    ],
)
def test_a_transient_sign_years_ago_is_not_urgent(text: str) -> None:
    assert _level(text) in {"self_care", "doctor"}


# --- 6. The past in other words -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        (
            "Лет 10 назад был приступ с потерей сознания, теперь ноги сводит.",
            "loss_of_consciousness",
        ),
        (
            "В прошлом месяце был приступ судорог всего тела, сейчас икры тянет.",
            "generalized_convulsions",
        ),
        ("Года два назад терял сознание, сейчас ногу сводит.", "loss_of_consciousness"),
        ("На прошлой неделе был судорожный приступ с потерей сознания.", "loss_of_consciousness"),
        ("Недели две назад на минуту перекосило лицо.", "face_droop"),
        ("В прошлом перекосило лицо на несколько минут.", "face_droop"),
    ],
)
def test_the_past_in_other_words(text: str, finding: str) -> None:
    assert _state(text, finding) == "historical"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("В прошлое воскресенье перекосило лицо.", "face_droop"),
        ("На прошлой неделе опухла левая икра, болит и горячая.", "calf_swelling"),
    ],
)
def test_what_is_not_the_past(text: str, finding: str) -> None:
    # «в прошлое воскресенье» is not «в прошлом»; a swelling that began last week is still there.
    assert _state(text, finding) != "historical"
