"""Round 7: the families behind families10's under-triage (an outside clinician's set).

Sentences written fresh for each family (none copied from the cases), in a patient's, a
relative's and a nurse's words, each with a negated or not-mentioned variant that must not fire.

1. Stroke signs said oddly: one side unnoticed (NIHSS item 11), a headache that peaks in
   seconds or starts on straining (NICE CG150, NG228), speech trouble after a list of denials.
2. A swollen leg with a fast pulse or a pressure below the usual: pulmonary embolism (NICE NG158).
3. Great thirst, frequent urination, a meter's «HI», sickness: a hyperglycaemic crisis.
4. Found on the floor after a fall, time unknown: a long lie (BMJ 2008;337:a2227).
5. Not drinking for days in an older person, little urine, sleeping all day: dehydration.
6. A baclofen pump beeping with withdrawal signs; tablets run out (drug labels).
7. DVT signs told inside a question are findings («можно ли…, если она опухла?»).
8. A fever with a catheter infection raising spasticity (chart words).
9. The other way: worsening spasticity with denials, sleep apnoea, constipation as a trigger,
   asking to lower baclofen oneself are the doctor's, not self-care.
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from reading_helpers import rules as _rules
from spasmnav.assessing import understand

RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}


# --- 1. Stroke signs said oddly -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Папа со вчерашнего вечера левую сторону как будто не замечает, натыкается на дверь слева.",
        "Мама съедает только то, что лежит справа на тарелке, а левую половину не трогает.",
        "Пациентка правую руку игнорирует, на правую сторону не смотрит. Голени подёргиваются.",
        "Дед будто забыл про левую руку: не смотрит на неё, будто её нет, ногу сводит.",
        "Бабушка не реагирует, когда к ней подходят слева, ноги дёргаются.",
    ],
)
def test_one_side_unnoticed_is_a_stroke_sign(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # no side left unnoticed: an ordinary plate, an ordinary «не замечаю»
        "Ем с тарелки как обычно, ноги по ночам сводит.",
        "Не замечаю разницы после массажа, икры сводит по ночам.",
        "Левую сторону замечает, на левую руку смотрит, всё как обычно. Ногу сводит ночью.",
    ],
)
def test_plates_and_sides_without_neglect_do_not_fire(text: str) -> None:
    assert "stroke_warning_signs" not in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Затылок разболелся за одну секунду, будто кипятком плеснули. Ногу дёргает.",
        "Поднимал мешок с картошкой — и в одно мгновение страшно заболела голова.",
        "У мужа голова заболела как никогда в жизни, ноги трясутся.",
        "Тужилась на унитазе, и резко заболела голова, сильно, до тошноты. Ноги сводит.",
        "Мгновенно заболела голова, как выстрел, потом судорога в икре.",
    ],
)
def test_a_headache_in_seconds_or_on_straining_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


def test_a_plain_headache_on_straining_is_seen_today() -> None:
    text = "Когда тужусь в туалете, болит голова, потом проходит. Ноги по ночам сводит."
    assert _level(text) == "urgent"
    assert "headache_on_straining_today" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Голова не болит. Ноги сводит по ночам, за секунду отпускает.",
        "Голова болит постепенно к вечеру, как всегда после работы. Икры сводит.",
    ],
)
def test_an_instant_cramp_or_a_gradual_headache_is_no_thunderclap(text: str) -> None:
    assert "thunderclap_headache_signs" not in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Температуры нет, давление нормальное, рвоты нет. Но слова выговариваю с трудом, "
        "с обеда. Ногу сводит.",
        "Слабости нет, лицо ровное, голова не болит, а вот говорит он еле-еле, с утра.",
        "Ни головной боли, ни тошноты. Но говорю с трудом, язык ватный.",
        "Жалоб на боль нет. Однако говорит с трудом последние два часа, ноги подёргиваются.",
    ],
)
def test_speech_trouble_after_a_list_of_denials_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # the denial list swallowed the clause after «и»: a «нет» that closes its phrase, or
        # a «нет» whose list ends at a word that is not its genitive, negates nothing after
        "Слабости нет и говорю с трудом с обеда.",
        "Головной боли и рвоты нет и рот перекосило.",
        "Нет температуры и лицо съехало набок час назад.",
        "У мамы болей нет и речь невнятная со вчерашнего вечера.",
    ],
)
def test_a_denial_does_not_swallow_the_clause_after_i(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Нет слабости и онемения в руке, ногу сводит.", "arm_weakness"),
        ("Нет температуры и озноба, икры сводит.", "fever"),
        ("Болей в груди нет и не было, ногу свело.", "chest_pain"),
    ],
)
def test_a_denied_list_joined_by_i_stays_denied(text: str, finding: str) -> None:
    obs = understand(text).facts.get(finding)
    assert obs is not None
    assert obs.present is False


def test_old_speech_trouble_after_a_stroke_stays_old() -> None:
    text = "После инсульта уже больше года говорит с трудом, так и осталось. Ногу сводит ночью."
    assert "stroke_warning_signs" not in _rules(text)


# --- 2. PE hidden in a long story ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Правая нога, которая после инсульта, опухла сильнее обычного. Пульс частый, 115, "
        "давление ниже, чем обычно. Говорит, что просто устал.",
        "Мама жалуется, что голень отекла, и пульс у неё под 120. Судорог нет.",
        "Левая икра отёчная и болит, давление 100/60, хотя обычно у него 150. Ноги дёргаются.",
        "Отекла левая нога после больницы, сегодня упал в обморок. Ногу сводит.",
    ],
)
def test_a_swollen_leg_with_a_fast_pulse_or_a_fallen_pressure_is_an_emergency(
    text: str,
) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # both legs puffy in the evening, a normal pulse: not the PE rule
        "Ноги отекают к вечеру обе, пульс 72, давление как обычно. Икры сводит.",
        "Икра не опухла, пульс частый после бега, ногу свело.",
    ],
)
def test_no_one_sided_swelling_no_pe_rule(text: str) -> None:
    assert "pe_signs_with_leg_swelling" not in _rules(text)


def test_stopping_for_breath_on_the_stairs_is_breathlessness() -> None:
    text = "Поднимался на второй этаж и трижды останавливался отдышаться. Икра опухла."
    assert _level(text) == "emergency"


# --- 3. Hyperglycaemic crisis ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Глюкометр выдаёт HI, всё время хочу пить, подташнивает, ноги сводит.",
        "Папа пьёт и пьёт, бегает в туалет каждые полчаса, мутит его, икры сводит.",
        "Сахар 31, на глюкометре HI второй раз, рвало утром. Ноги крутит.",
        "Очень хочу пить, в туалет каждый час, со вчерашнего дня тошнит. Судороги в икрах.",
    ],
)
def test_thirst_and_urination_with_sickness_or_a_high_reading_is_an_emergency(
    text: str,
) -> None:
    assert _level(text) == "emergency"


def test_thirst_and_urination_alone_need_a_sugar_today() -> None:
    text = "Последнюю неделю сильно хочу пить и часто мочусь, ночью сводит ноги."
    assert _level(text) == "urgent"
    assert "hyperglycaemia_symptoms_today" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Жажды нет, в туалет хожу как обычно, сахар 5,6. Икры сводит по ночам.",
        "Пью немного, тошноты нет. Ногу свело ночью.",
    ],
)
def test_no_thirst_no_hyperglycaemia_rule(text: str) -> None:
    rules = _rules(text)
    assert "hyperglycaemia_symptoms_today" not in rules
    assert "diabetic_ketoacidosis_suspected" not in rules


# --- 4. A long lie after a fall -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Соседка нашла маму на полу в ванной, сколько пролежала — не знаем. Ноги сводит.",
        "Упал ночью, пролежал на полу до утра, пока сын не пришёл. Бедро ноет.",
        "Пациента обнаружили на полу палаты в 6:00, в сознании, жалуется на судороги в голенях.",
        "Дед пролежал всю ночь у кровати, не мог подняться, ноги как деревянные.",
    ],
)
def test_a_long_lie_after_a_fall_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Лежу на полу на коврике, делаю растяжку, и икру сводит.",
        "Не падал, на полу не лежал. Ногу сводит по ночам.",
    ],
)
def test_lying_on_the_floor_to_stretch_is_no_long_lie(text: str) -> None:
    assert "long_lie_after_fall" not in _rules(text)


# --- 5. Poor intake and dehydration in an older person ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Папе 81, два дня ничего не ест и не пьёт, икры сводит.",
        "Мне 72, почти не пью, писаю мало, раз в день, голова кружится, ноги сводит.",
        "Бабушка не ест и не пьёт со вчера, тошнит её, ноги крутит.",
    ],
)
def test_not_drinking_in_an_older_person_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


def test_not_drinking_and_sleeping_all_day_is_an_emergency() -> None:
    text = "Мама третий день не ест и не пьёт, спит целыми днями, икры сводит."
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Мне 70, ем и пью нормально, в туалет хожу как всегда. Ноги сводит ночью.",
        "Не пью кофе уже месяц, ноги сводит ночью.",
    ],
)
def test_eating_and_drinking_normally_no_dehydration(text: str) -> None:
    rules = _rules(text)
    assert "dehydration_today" not in rules
    assert "severe_dehydration" not in rules


# --- 6. Baclofen pump and tablets -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "У дочки интратекальная помпа с баклофеном. Вечером помпа запищала, ночью начался "
        "зуд, она мечется.",
        "Стоит баклофеновая помпа. Она пикает с обеда, а спазмы в ногах стали сильнее, он весь "
        "мокрый от пота.",
        "Пропустили заправку помпы с баклофеном, ноги сводит сильнее, всё тело чешется.",
    ],
)
def test_a_pump_problem_with_withdrawal_signs_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Как быть, если баклофен кончился позавчера, а рецепт только через неделю?",
        "Таблетки баклофена закончились вчера, ноги стали тугими.",
        "У мужа баклофеновая помпа. С утра она пищит, других жалоб нет.",
    ],
)
def test_baclofen_run_out_or_a_pump_beeping_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


def test_an_insulin_pump_beeping_is_no_baclofen_problem() -> None:
    text = "Инсулиновая помпа пищит с утра. Ноги сводит по ночам."
    rules = _rules(text)
    assert "baclofen_stopped_today" not in rules
    assert "baclofen_withdrawal" not in rules


# --- 7. DVT signs inside a question --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Можно ли греть голень грелкой, если она распухла и болит третий день?",
        "Нужно ли растирать икру мазью, если она покраснела и болит после операции?",
        "Что помажет икру, если она опухла и ноет после больницы?",
        "Стоит ли мне разминать ногу, если икра отекла и болит?",
    ],
)
def test_dvt_signs_told_in_a_question_are_findings(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


@pytest.mark.parametrize(
    "text",
    [
        "Что делать, если икра опухнет? Пока только сводит по ночам.",
        "Если бы икра опухла, это был бы тромб? Пока ничего такого нет, только сводит.",
    ],
)
def test_a_future_or_a_wish_in_a_question_stays_a_condition(text: str) -> None:
    assert "suspected_dvt" not in _rules(text)


# --- 8. Fever with an infection raising spasticity ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Т 38,2. Моча мутная. С утра резко усилилась спастичность в правой ноге.",
        "У папы с катетером температура 38 и озноб, за ночь спастика усилилась, ногу не разогнуть.",
        "Жар, моча с запахом, у мамы после инсульта резко усилились спазмы в ногах.",
    ],
)
def test_a_fever_with_an_infection_raising_spasticity_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


def test_spasticity_without_a_fever_or_a_change_is_not_the_same_day_rule() -> None:
    text = "Спастика в левой ноге как обычно, температуры нет, моча обычная."
    assert "spasticity_sudden_worsening" not in _rules(text)


# --- 9. The doctor's, not self-care ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Нога у мужа тверже, чем была месяц назад. Температуры нет, не падал. Куда обратиться?",
        "Стопа туже, чем раньше, ходить стало труднее. Ничего не болит.",
        "Свекровь говорит: нога туже прежнего, одышки и отёков нет.",
    ],
)
def test_gradually_worsening_spasticity_with_denials_is_a_doctor(text: str) -> None:
    assert _level(text) == "doctor"


@pytest.mark.parametrize(
    "text",
    [
        "Муж храпит и ночью перестаёт дышать, днём засыпает за рулём, а ноги ночью дёргаются.",
        "Храплю, жена говорит, что во сне у меня остановка дыхания, днём клюю носом. Ноги "
        "дёргаются во сне.",
    ],
)
def test_sleep_apnoea_signs_with_daytime_sleepiness_are_a_doctor(text: str) -> None:
    assert _level(text) == "doctor"
    assert "sleep_apnoea_suspected" in _rules(text)


def test_snoring_without_sleepiness_is_not_the_apnoea_rule() -> None:
    assert "sleep_apnoea_suspected" not in _rules("Храплю немного, высыпаюсь. Ногу свело.")


@pytest.mark.parametrize(
    "text",
    [
        "Пятый день нет стула, и нога стала тугой, как палка.",
        "У папы запор, и спазмы в ноге держатся всю неделю.",
        "Запор третий день, нога скованная, тяжело согнуть.",
    ],
)
def test_constipation_with_spasticity_is_a_doctor(text: str) -> None:
    assert RANK[_level(text)] >= RANK["doctor"]
    assert "spasticity_trigger_doctor" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ноге стало лучше, можно ли мне самой снизить дозу баклофена?",
        "Хочу уменьшить баклофен, спастика поменьше стала. Это можно?",
        "Можно ли бросить сирдалуд, если стало легче?",
    ],
)
def test_asking_to_lower_an_antispastic_oneself_is_a_doctor(text: str) -> None:
    assert _level(text) == "doctor"
    assert "dose_change_by_oneself" in _rules(text)


def test_an_actual_stop_stays_the_same_day_rule() -> None:
    assert _level("Бросила баклофен три дня назад сама, ноги сводит сильнее.") == "urgent"
