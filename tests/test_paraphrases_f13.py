"""Round 8: the families behind families13's under-triage and one over-triage.

Sentences written fresh for each family (none copied from the cases): a patient's, a relative's
and a clinician's words, run-on phone text and typos, each family with controls (negated, old,
feared, habitual, or the same word in another sense) that must not fire.

1. A numbness told as one past episode in the imperfective («вчера минут десять немела рука и
   щека, потом отпустило»): a transient deficit, a TIA (frames.yaml numb_episode_past_imperfective).
2. A low potassium reading with palpitations, a faint or breathlessness: an emergency
   (readings.yaml low_potassium_symptomatic).
3. Medicines hoarded with any verb and any name, with a decision to end it: a suicide plan
   (frames.yaml medicines_hoarded; emergencies.yaml suicide_intent).
4. A low mood or depression in chart or everyday words: a planned visit (subacute.yaml low_mood).
5. Falls told as repeated or counted: a planned falls review (frames.yaml recurrent_falls).
6. A radicular pain with a weakness that is getting worse: the same day
   (rules.yaml radicular_progressive_deficit).
7. A radiculopathy named in chart words: the neurologist (findings.yaml back_pain_radiating).
8. Falling onto the hands is no arm weakness (findings.yaml arm_weakness).
9. Over-triage: a sugar reading is the number after its name, not the one before it in a list
   of results («Ca 2,4, глюкоза 5,0»); short sleep as a trigger («когда не высыпаюсь») is no
   sleep disturbed by the symptom; a red skin named as intertrigo is no red calf of a clot.
10. Found after merging main: a relative who «сегодня перестала меня узнавать» is the patient
    (the pronoun between the finding's words is its object, language/qualifiers.py), and
    recognition lost as a memory fails over months is a dementia, not a delirium (frames.yaml
    recognition_lost_over_months at first; main's cognitive_decline_gradual since: v-172).
11. The means said as at hand in any words («снотворного у меня хватит», «феназепам наготове»)
    with a decision is a plan, as hoarding is (frames.yaml medicines_at_hand).
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from reading_helpers import rules as _rules
from reading_helpers import state as _state

RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}

# --- 1. A transient numbness in the imperfective ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Вчера днём минут пятнадцать немела левая рука и половина лица, сейчас прошло.",
        "У мамы вечером на пару минут немела щека справа и губа, потом всё вернулось.",
        "Дед говорит, утром минуты три немела правая кисть, отпустило само, ногу по ночам сводит.",
        "пациент: эпизод 10 мин назад — немела пр. рука, регрессировал полностью",
        "вчера немела рука где-то полчаса и губы, щас норм, ногу тянет после инсульта",
        "Сегодня утром неожиданно немела нога, минут двадцать, потом прошло.",
    ],
)
def test_a_past_numbness_episode_is_a_stroke_sign(text: str) -> None:
    assert "stroke_warning_signs" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # habitual, plural, after a position, or dated years ago
        "Руки немеют по ночам, особенно когда сплю на боку.",
        "По ночам немела рука, когда спала на боку, икру сводит.",
        "В 2019 году минут пять немела рука, с тех пор всё нормально, икру сводит по ночам.",
        "Иногда немела рука, когда долго сидел нога на ногу, икры дёргаются.",
    ],
)
def test_a_habitual_or_old_numbness_is_no_stroke_sign(text: str) -> None:
    assert "stroke_warning_signs" not in _rules(text)


# --- 2. A low potassium with palpitations -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Калий 2,8 в анализе, на гипотиазиде, икры сводит и сердце бьётся с перебоями.",
        "K+ 2,9, сердцебиение, судороги в ногах, принимает торасемид",
        "У папы калий низкий, 2,7, он на мочегонных, ноги сводит и сегодня чуть не упал в обморок",
        "гипокалиемия 2.5, тахикардия, крампи икр",
    ],
)
def test_a_low_potassium_with_palpitations_is_an_emergency(text: str) -> None:
    assert "low_potassium_symptomatic" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # the reading alone, the palpitations denied: today, not an ambulance
        "Калий 2,9, ноги сводит ночью, больше ничего не беспокоит.",
        "Калий 2,8, ноги сводит, перебоев в сердце нет.",
    ],
)
def test_a_low_potassium_alone_is_today(text: str) -> None:
    assert "low_potassium_symptomatic" not in _rules(text)
    assert _level(text) == "urgent"


@pytest.mark.parametrize(
    "text", ["Сердце иногда перебоит, икры сводит.", "вчера сердце перебоило, ноги сводит"]
)
def test_the_heart_that_skips_is_read_without_typo_guessing(text: str) -> None:
    # «перебоит» is the pack's own word, not a typo of «перебои» (test_normalise: typo
    # tolerance adds no red flag to a non-emergency case, g15-diary-17)
    assert _state(text, "palpitations") == "current"


def test_palpitations_with_a_normal_potassium_are_no_potassium_emergency() -> None:
    text = "Калий 4,5, сердце иногда колотится после кофе, икру сводит."
    assert "low_potassium_symptomatic" not in _rules(text)
    assert _level(text) == "doctor"


# --- 3. Medicines hoarded, with a decision ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Я накопила снотворного и решилась, завтра меня уже не будет.",
        "муж спрятал упаковки сирдалуда и сказал что покончит со всем этим сегодня",
        "насобирал таблеток баклофена, решил всё закончить, ногу всё время крутит",
        "Коплю габапентин уже месяц, всё равно не помогает, скоро покончу со всем.",
        "папа припрятал целую пачку феназепама и говорит что сегодня всё закончит, он устал",
    ],
)
def test_hoarded_medicines_with_a_decision_are_an_emergency(text: str) -> None:
    assert "suicide_plan_risk" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Таблетки я не коплю и ничего с собой делать не собираюсь, просто ногу сводит.",
        "Собрала таблетки в таблетницу на неделю, решила спросить про баклофен.",
        "Отложила пару пачек баклофена в поездку, ногу сводит.",
    ],
)
def test_medicines_put_by_for_use_are_no_plan(text: str) -> None:
    assert "suicide_plan_risk" not in _rules(text)
    assert _level(text) != "emergency"


# --- 4. A low mood --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта мама подавленная, ничего её не радует, нога тугая.",
        "Депрессия после инсульта, сплю плохо, ногу сводит по ночам.",
        "Апатия, ничего не хочется, икры дёргаются уже месяц.",
        "Настроение на нуле полгода, судороги в икрах.",
        "Настроение ужасное второй месяц, ногу дёргает.",
        "Дз: постинсультная депрессия, HADS 12, подёргивания в ногах.",
    ],
)
def test_a_low_mood_is_a_planned_visit(text: str) -> None:
    assert "low_mood_doctor" in _rules(text)
    assert RANK[_level(text)] >= RANK["doctor"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Депрессии нет, настроение нормальное, ногу сводит ночью.", "negated"),
        ("Боюсь, что начнётся депрессия, икру дёргает.", "hypothetical"),
        ("В 2015 году была депрессия, сейчас сводит икру.", "historical"),
        ("Настроение не подавленное, икру сводит.", "negated"),
    ],
)
def test_a_denied_feared_or_old_low_mood_is_not_current(text: str, expected: str) -> None:
    assert _state(text, "low_mood") == expected
    assert "low_mood_doctor" not in _rules(text)


def test_post_stroke_in_an_adjective_is_a_stroke() -> None:
    assert _state("Постинсультный гемипарез, ногу сводит.", "post_stroke") == "current"


# --- 5. Falls told as repeated ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Папа после инсульта стал часто падать, нога подворачивается.",
        "За две недели бабушка дважды упала, ногу скручивает спазмом.",
        "пац. 70 л., спастика слева, 3 падения за месяц, без травм",
        "мама опять упала ночью, нога подкосилась из-за спазма, ничего не сломала",
        "Уже который раз падаю из-за того, что ногу сводит на ходу.",
        "частые падения, спастичность в правой ноге",
    ],
)
def test_repeated_falls_need_a_falls_review(text: str) -> None:
    assert "recurrent_falls_doctor" in _rules(text)
    assert RANK[_level(text)] >= RANK["doctor"]


@pytest.mark.parametrize(
    "text",
    [
        # the feeling of falling while falling asleep, a level that falls, a fall denied or feared
        "При засыпании дёрнулся, как будто падаю в яму.",
        "Сахар падает по ночам, ногу сводит.",
        "Ни разу не падала, но икру сводит по ночам.",
        "Боюсь упасть, когда ногу сводит на лестнице.",
        "Давление падает утром, судороги в икрах.",
    ],
)
def test_no_fall_or_a_feared_one_is_no_falls_review(text: str) -> None:
    assert "recurrent_falls_doctor" not in _rules(text)


# --- 6. A radicular pain with a growing weakness -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Поясницу прострелило три дня назад, отдаёт в левую ногу, и стопа с каждым днём слабеет.",
        "Боль в спине с иррадиацией в ногу, слабость в ноге нарастает, икру подёргивает.",
        "грыжа L5-S1, прострелы в ногу, за сутки слабость стопы наросла, цепляю носком",
        "Ишиас справа, нога слабеет, тяжело встать на пятку, ногу сводит.",
        "Люмбоишиалгия слева, парез разгибателей стопы прогрессирует.",
    ],
)
def test_a_radicular_pain_with_a_growing_weakness_is_today(text: str) -> None:
    assert "radicular_progressive_deficit" in _rules(text)
    assert RANK[_level(text)] >= RANK["urgent"]


@pytest.mark.parametrize(
    "text",
    [
        "Поясница болит, отдаёт в ногу, слабость в стопе давно и не меняется, икру сводит.",
        "Боль в пояснице отдаёт в ногу, слабости нет, сводит икру.",
    ],
)
def test_a_radicular_pain_with_a_stable_or_no_weakness_is_the_doctors(text: str) -> None:
    assert "radicular_progressive_deficit" not in _rules(text)
    assert _level(text) == "doctor"


# --- 7. A radiculopathy named ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Неврологом выставлена радикулопатия S1 справа, сводит икру по ночам.",
        "у мужа люмбоишиалгия, ногу подёргивает",
        "Протрузия L4-L5, икры сводит.",
        "S1-радикулопатия справа, фасцикуляции в икре.",
    ],
)
def test_a_named_radiculopathy_goes_to_the_neurologist(text: str) -> None:
    assert "radicular_pattern" in _rules(text)
    assert _level(text) == "doctor"


# --- 8. Falling onto the hands ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Поскользнулась, упала на руки, ладони ободрала, ногу сводит.",
        "Упал на руку, ушиб, ногу дёргает.",
    ],
)
def test_falling_onto_the_hands_is_no_arm_weakness(text: str) -> None:
    assert "stroke_warning_signs" not in _rules(text)


@pytest.mark.parametrize(
    "text", ["Вдруг рука упала и не поднимается.", "Внезапно упала правая рука, не поднять."]
)
def test_an_arm_that_dropped_is_still_a_stroke_sign(text: str) -> None:
    assert "stroke_warning_signs" in _rules(text)


# --- 9. Over-triage: a list of results, sleep as a trigger, a skin fold rash ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Анализы: Ca 2,3, глюкоза 5,4, калий 4,1. Икру сводит раз в неделю.",
        "кальций 2,5; сахар 4,9; магний 0,8 — всё в норме, ночью сводит икры",
        "Мг 0,9, Са 2,2, глюкоза крови 5,1, судороги в икрах по ночам",
    ],
)
def test_a_value_before_the_sugar_in_a_list_is_no_low_sugar(text: str) -> None:
    assert "low_sugar_reading" not in _rules(text)
    assert "hypoglycaemia" not in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Глюкоза натощак 2,9, потею, ногу сводит.",
        "сахар: 3,1 утром, ногу свело",
        "глюкометр показал 2,7, ноги сводит",
        "Сахар в крови 2,8, икры сводит",
    ],
)
def test_a_sugar_reading_after_its_name_is_still_low(text: str) -> None:
    assert "low_sugar_reading" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Если не высплюсь, икра дёргается весь день.",
        "Стоит не выспаться — начинает дёргаться мышца на ноге.",
        "Икра подёргивается, когда не высыпаюсь, кофе пью мало.",
    ],
)
def test_short_sleep_as_a_trigger_is_self_care(text: str) -> None:
    assert _level(text) == "self_care"


@pytest.mark.parametrize(
    "text",
    [
        "Ночью сводит икры, не высыпаюсь уже месяц.",
        "Из-за подёргиваний в ноге не высыпаюсь.",
    ],
)
def test_a_symptom_that_keeps_one_awake_is_the_doctors(text: str) -> None:
    assert "cramps_need_doctor" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "У лежачего папы опрелости под коленом, кожа покрасневшая, мокнет; ногу чаще сводит.",
        "мама лежачая, в паху опрелость, кожа там красная, спазмы в ноге участились",
    ],
)
def test_a_skin_fold_rash_is_no_red_calf(text: str) -> None:
    assert "clot_risk_leg" not in _rules(text)
    assert "suspected_dvt" not in _rules(text)
    assert RANK[_level(text)] <= RANK["doctor"]


@pytest.mark.parametrize(
    "text",
    [
        "Лежачий папа, опрелости под коленями, а левая икра красная, горячая и отекла.",
        "У лежачей мамы икра красная, ногу стало чаще скручивать.",
    ],
)
def test_a_red_calf_beside_a_skin_fold_rash_is_still_today(text: str) -> None:
    assert _level(text) == "urgent"


# --- 10. Not recognising: today, or over months ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Мама сегодня перестала меня узнавать, ногу сводит.",
        "Папа вчера вечером перестал меня узнавать, ноги дёргаются.",
        "бабушка с утра перестала нас узнавать и ногу крутит",
        "Мама перестала меня узнавать, ногу сводит.",
        "Память плохая уже год, а сегодня не узнаёт меня, ногу дёргает.",
    ],
)
def test_a_relative_who_stopped_recognising_one_today_is_an_emergency(text: str) -> None:
    assert "altered_consciousness" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Папа за полгода стал всё забывать, не узнаёт внуков, ноги подёргиваются по ночам.",
        (
            "У мамы за последние месяцы сильно ухудшилась память, перестала узнавать соседей, "
            "ноги вздрагивают"
        ),
    ],
)
def test_recognition_lost_as_memory_fails_over_months_is_no_delirium(text: str) -> None:
    assert "altered_consciousness" not in _rules(text)
    assert RANK[_level(text)] >= RANK["doctor"]


# --- 11. The means at hand, with a decision -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Я всё решил: снотворного у меня хватит, прощайте.",
        "Папа пишет: «таблетки у меня есть, я решил», и не берёт трубку.",
        "Муж после инсульта всё решил, феназепам у него наготове, ногу всё время сводит.",
        "я всё решила, таблеток у меня хватит, не ищите",
    ],
)
def test_means_at_hand_with_a_decision_are_an_emergency(text: str) -> None:
    assert "suicide_plan_risk" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Таблетки от давления у меня есть, ногу сводит.",
        "Баклофена у меня хватит до конца месяца, решила спросить про дозу.",
    ],
)
def test_medicines_at_hand_for_use_are_no_plan(text: str) -> None:
    assert "suicide_plan_risk" not in _rules(text)
