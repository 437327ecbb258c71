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


# --- 4. An age is not a duration ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Мне сейчас 52 года, ногу сводит по ночам.", 52),
        ("Отцу 78, икры сводит после прогулки.", 78),
        ("Икру сводит в бассейне, мне 45 лет.", 45),
        ("Судороги в икрах с юности, после футбола. Сейчас 40 лет, всё так же.", 40),
        ("Отцу почти 80 лет, ногу дёргает во сне.", 80),
        ("Маме исполнилось 74, по ночам сводит стопы.", 74),
    ],
)
def test_an_age_is_not_a_duration(text: str, age: int) -> None:
    facts = understand(text).facts
    assert facts["age"].value == age
    assert "symptom_duration_days" not in facts


def test_a_duration_after_now_is_still_a_duration() -> None:
    facts = understand("Сейчас 2 года сводит ногу по ночам.").facts
    assert facts["symptom_duration_days"].value == 730
    assert "age" not in facts


# --- 2. «нет» over a list, and where the list ends --------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Нет температуры, отёка, покраснения, просто икру сводит.", "calf_redness"),
        ("Температуры, отёка, покраснения нет, икру сводит по ночам.", "calf_swelling"),
        ("Нету слабости, онемения, нарушения речи, только судороги в икре.", "speech_disturbance"),
        ("Ни температуры, ни отёка, икру тянет после бега.", "calf_swelling"),
    ],
)
def test_a_negated_list_negates_every_item(text: str, finding: str) -> None:
    obs = understand(text).facts[finding]
    assert obs.present is False


@pytest.mark.parametrize(
    "text",
    [
        "Нет температуры, лицо перекосило, рука не поднимается.",
        "Нет отёка, рука онемела и не слушается.",
        "Температуры нет, речь невнятная, лицо перекошено.",
        "Нет боли, сознание спутанное, не узнаёт меня, лицо перекосило.",
    ],
)
def test_a_new_item_not_in_the_genitive_is_not_negated(text: str) -> None:
    assert _level(text) == "emergency"


# --- 3. Pseudo-findings: words that look like a sign and are not -----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Меня трясёт весь день после ссоры, сердце колотится, плачу.",
        "Наложили тугой бинт на голень после ушиба, икру сводит.",
        "Не могу сказать, что нога слабая, скорее тяжёлая. Сводит по ночам.",
        "Ношу тугие гольфы, вечером икры сводит.",
    ],
)
def test_pseudo_findings_are_no_emergency(text: str) -> None:
    assert _level(text) in {"self_care", "doctor"}


@pytest.mark.parametrize(
    "text",
    [
        "Не может сказать ни слова, лицо перекосило.",
        "Не могу сказать ни слова, рука не поднимается.",
        "Не могу точно сказать, когда началось, лицо перекосило.",
        "Его трясёт всем телом, без сознания, пена изо рта.",
    ],
)
def test_the_real_sign_beside_a_pseudo_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


def test_a_tight_muscle_is_still_stiffness() -> None:
    assert understand("Ногу сводит, мышцы тугие, как камень.").facts["stiffness"].present is True
