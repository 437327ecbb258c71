"""Families found by the round-7 writer (tests/cases/families7.jsonl), each in several fresh
wordings with near-miss twins (src/spasmnav/pack/systemic.yaml).

1. One leg swollen, warm or red after a flight, a train, an operation or on oestrogen is a
   possible clot (urgent), an emergency with breathlessness, chest pain or coughing blood.
2. Heat stroke after work in the heat, and severe dehydration with a clouded mind.
3. A sedating medicine taken several times over, lithium toxicity, benzodiazepine withdrawal,
   tizanidine with ciprofloxacin.
4. A burst varicose vein bleeding heavily; a growing bruise on warfarin.
5. A cluster of seizures in a day; new flinging movements of one side.
6. Low potassium with vomiting, high calcium or PTH, a spreading dental infection.
7. A fall, then a hip or groin that hurts and a leg that cannot take weight (or looks shorter
   and turned out): a possible hip fracture, an emergency.
8. A fever or chills during anticancer treatment (neutropenic sepsis, NICE CG151), and not
   passing urine said in everyday words («не писается») beside back pain and numb legs.
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from spasmnav.result import LEVEL_RANK, Level


def _at_least(text: str, level: Level) -> bool:
    return LEVEL_RANK[_level(text)] >= LEVEL_RANK[level]


@pytest.mark.parametrize(
    "text",
    [
        "Три дня назад вернулась поездом из Новосибирска, левая голень припухла и горячая, "
        "иногда её сводит.",
        "Неделю как прооперировали грыжу, правая икра покраснела и стала теплее левой.",
        "Пью противозачаточные, после выходных икра справа отекла и ноет, не проходит.",
        "прилетел вчера с Бали 14 часов в самолете, под коленом тянет, голень опухла одна",
    ],
)
def test_a_warm_or_swollen_leg_with_a_clot_risk_is_at_least_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "После перелёта болит и припухла икра, а сегодня задыхаюсь при ходьбе по квартире.",
        "Принимаю гормональные таблетки, икра болит четвёртый день, утром кашлянула кровью.",
        "после операции на колене нога отекла, сейчас колет в груди и не хватает воздуха",
    ],
)
def test_a_clot_risk_leg_with_chest_signs_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "После полёта ноги немного отекли обе, к вечеру прошло, ничего не болит.",
        "Лечу завтра 5 часов, стоит ли надеть компрессионные гольфы? Иногда ночью сводит икры.",
    ],
)
def test_travel_without_a_one_sided_leg_sign_is_not_urgent(text: str) -> None:
    assert not _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Муж весь день косил траву на солнцепёке, ноги сводит, кожа сухая и горячая, потеть "
        "перестал.",
        "Отец перегрелся на даче в жару, сводит икры, несёт бред и не узнаёт нас.",
        "сын после тренировки в жару весь горячий как печь, заговаривается, ноги крутит",
    ],
)
def test_heat_stroke_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


def test_a_cramp_after_exercise_in_the_heat_that_went_is_not_an_emergency() -> None:
    text = "В жару бегал, вечером свело икру, потянул носок на себя, прошло. Пью воду."
    assert _level(text) in {"self_care", "doctor"}


@pytest.mark.parametrize(
    "text",
    [
        "Бабушке 85, второй день почти не пьёт, с утра не мочилась, еле отвечает, ноги сводит.",
        "Папа совсем не пьёт воду, язык сухой, стал вялый и путается, икры сводит.",
    ],
)
def test_severe_dehydration_with_a_clouded_mind_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


def test_dehydration_signs_without_a_clouded_mind_are_urgent() -> None:
    assert _level("Дедушка почти не пьёт и с утра ни разу не писал, сводит ноги.") == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "Мама по ошибке выпила баклофен два раза подряд, теперь очень сонная и давление низкое.",
        "Дед перепутал таблетки и выпил тизанидин вместо одной три, язык заплетается.",
        "Передозировка тизанидина: выпила лишнюю дозу, засыпаю на ходу.",
    ],
)
def test_a_sedating_medicine_taken_over_with_sedation_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Я на литии, второй день рвота, сильно трясутся руки, качает при ходьбе, ноги дёргаются.",
        "Муж принимает седалит, понос три дня, стал заторможенный, шатается.",
    ],
)
def test_lithium_toxicity_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


def test_a_fine_tremor_on_lithium_without_vomiting_is_not_urgent() -> None:
    text = "Принимаю литий, уровень в норме. Лёгкая дрожь в руках, ноги подёргиваются вечером."
    assert not _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Резко бросил феназепам, пил полтора года, ноги дёргаются, не сплю, трясёт.",
        "Сама отменила алпразолам неделю назад, теперь тревога, икры подёргиваются по ночам.",
    ],
)
def test_stopping_a_benzodiazepine_abruptly_is_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Принимаю тизанидин от спастики, а уролог назначил ципролет. Можно их совмещать?",
        "Пью сирдалуд (тизанидин) от спазмов в ноге, прописали ципрофлоксацин — это совместимо?",
    ],
)
def test_tizanidine_with_ciprofloxacin_needs_a_doctor(text: str) -> None:
    assert _level(text) == "doctor"


@pytest.mark.parametrize(
    "text",
    [
        "У отца на голени лопнула вена, кровь бьёт струёй, не можем остановить.",
        "варикоз, узел на ноге лопнул, кровь хлещет, уже лужа крови на полу",
    ],
)
def test_a_burst_varicose_vein_bleeding_heavily_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Ударилась о тумбочку, на голени гематома и растёт, я пью варфарин.",
        "Папа на антикоагулянтах, после падения на бедре огромный синяк, нога болит.",
    ],
)
def test_a_growing_bruise_on_an_anticoagulant_is_at_least_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Эпилепсия, принимаю кеппру. С утра уже три приступа, между ними прихожу в себя.",
        "У сына эпилепсия, сегодня приступ за приступом, уже четвёртый, после каждого очнётся "
        "и снова.",
        "пью ламотриджин, сегодня было несколько приступов подряд",
    ],
)
def test_a_cluster_of_seizures_in_a_day_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


def test_a_few_cramp_attacks_in_a_night_are_not_a_seizure_cluster() -> None:
    text = "Ночью было три приступа судороги в икре, растягивала и проходило."
    assert _level(text) in {"self_care", "doctor"}


@pytest.mark.parametrize(
    "text",
    [
        "Месяц после инсульта, у мамы левую руку и ногу стало резко выбрасывать в стороны, "
        "размашисто.",
        "После инсульта у отца появились броски правой рукой, мотает ногу, раньше не было.",
    ],
)
def test_new_flinging_movements_of_one_side_are_at_least_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Беременность 24 недели, рвёт уже неделю, сдала анализы — калий 2,9, сводит икры.",
        "Третий день рвота, калий низкий по анализу, ноги сводит.",
        "Беременна, сильный токсикоз, ничего не держится, даже вода, икры сводит.",
    ],
)
def test_low_potassium_with_vomiting_is_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Нашли гиперпаратиреоз, по ночам сводит икры. Куда идти?",
        "В анализах кальций повышен и паратгормон высокий, иногда судороги в ногах.",
    ],
)
def test_high_calcium_or_pth_needs_a_doctor(text: str) -> None:
    assert _level(text) == "doctor"


@pytest.mark.parametrize(
    "text",
    [
        "Флюс, щека раздулась, температура 38,5, больно глотать.",
        "Болит зуб мудрости, опухла шея с той стороны, трудно открыть рот.",
    ],
)
def test_a_spreading_dental_infection_is_at_least_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


def test_a_toothache_alone_is_not_urgent() -> None:
    assert not _at_least("Третий день ноет зуб, к стоматологу записан на пятницу.", "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "У папы пролежень на пятке, краснота вокруг расползается вверх по голени, кожа горячая.",
        "Рана на голени после ушиба, покраснение ползёт всё выше, нога отекла. Температуры нет.",
    ],
)
def test_redness_spreading_from_a_wound_or_sore_is_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Вечером в ногах неприятно, тянет встать и походить, после ходьбы легче.",
        "не мочь усидеть вечером, ноги крутит, хочется ими двигать, ферритин низкий",
    ],
)
def test_the_urge_to_move_the_legs_in_the_evening_needs_a_doctor(text: str) -> None:
    assert _level(text) == "doctor"


@pytest.mark.parametrize(
    "text",
    [
        "Дедушка вчера поскользнулся на крыльце, сегодня на левую ногу наступить не может, "
        "говорит болит в паху.",
        "мама упала в коридоре лежит нога как то вывернута наружу и кажется короче",
        "После падения с табуретки не могу опереться на правую ногу, бедро болит.",
        "свекровь грохнулась на кухне, встать на ноги не может, кричит когда трогаем бедро",
    ],
)
def test_a_fall_with_a_hip_that_takes_no_weight_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Упала на улице месяц назад, ушибла колено, всё зажило, а икру ночью сводит.",
        "После инсульта часто падаю из-за спастичной ноги, хожу с тростью.",
        "Боюсь упасть ночью, когда сводит икру.",
    ],
)
def test_a_fall_without_a_hip_that_fails_is_not_an_emergency(text: str) -> None:
    assert _level(text) != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Жена на химиотерапии, второй курс, с вечера знобит и градусник показал 38,4.",
        "прохожу химию, капельница была неделю назад, сегодня температура 38 и ломит всё тело",
        "Отцу ставят цитостатики, сейчас у него озноб, ноги сводит.",
    ],
)
def test_a_fever_during_anticancer_treatment_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Химиотерапия закончилась восемь лет назад, температуры нет, ночью сводит икру.",
        "После химии немеют стопы и сводит пальцы ног, температуры нет.",
        "Купила бытовую химию, надышалась, а ночью свело икру.",
    ],
)
def test_anticancer_treatment_without_a_fever_is_not_an_emergency(text: str) -> None:
    assert _level(text) != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "поясницу ломит, обе ноги онемели, и с утра не писается",
        "Спина болит второй день, ноги как чужие, немеют, пописать не могу с ночи.",
    ],
)
def test_back_pain_numb_legs_and_no_urine_in_plain_words_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"
