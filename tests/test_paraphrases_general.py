"""General emergencies and misread phrases found in the round-6 set (tests/cases/families6),
each family in several fresh wordings with near-miss twins.

1. Emergencies with no leg in them, read in any text, in or out of scope: a bleed in the gut
   (vomit like coffee grounds, black tarry stool), sudden loss of sight in one eye (a curtain),
   a suicide plan (means gathered and a time set), carbon monoxide (several people or pets ill
   in a home with a gas heater or a stove), testicular torsion, a burst aortic aneurysm, a faint
   with heart signs, pulmonary embolism in plain words, diabetic ketoacidosis, and NMS in chart
   words.
2. Stroke signs in bodily words: a hand «будто не моя / как посторонняя», double vision
   «всё раздвоилось», reeling «как пьяного» without drink, word-finding trouble as an event
   («не смог вспомнить слово»), new confusion («путает, где находится»), one side «не работает».
3. Spinal: back pain with legs «как ватные» after a fall, faecal incontinence in plain words,
   a dive into shallow water with neck pain and tingling arms.
4. Over-triage from misread phrases: «потемнело в глазах» on standing is light-headedness, not
   loss of sight; «бледный» about the person is not a pale leg; «стоять спокойно не может» is
   restlessness, not a loss of balance.
5. Hyphenated colour words («моча тёмно-коричневая», «нога сине-багровая»), a dose given now
   («укололи», «прокапали») before an acute dystonia, and an infected pressure sore with a
   temperature.
"""

from __future__ import annotations

import pytest

from reading_helpers import level
from spasmnav.assessing import assess_text


def _assess(text: str) -> tuple[str, set[str]]:
    result = assess_text(text)
    return result.level, {reason.rule for reason in result.reasons}


def _level(text: str) -> str:
    return level(text)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Папу с утра два раза вырвало чем-то тёмным, как кофейная гуща, он слабый.", "gi_bleed"),
        ("У меня третий день чёрный жидкий стул, сегодня чуть не упала в ванной.", "gi_bleed"),
        ("Мама пьёт аспирин, кал стал чёрный, как дёготь, голова кружится.", "gi_bleed"),
        ("Меня стошнило кровью после обеда, до этого болел желудок.", "gi_bleed"),
        (
            "Час назад левый глаз перестал видеть, как будто чёрная штора закрыла.",
            "sudden_monocular_vision_loss",
        ),
        (
            "Перед глазом будто опустилась шторка сверху, минуту назад, глаз правый.",
            "sudden_monocular_vision_loss",
        ),
        (
            "Таблетки накопил, больше меня никто не увидит, пишу, чтобы кто-то знал.",
            "suicide_plan_risk",
        ),
        (
            "Муж сказал, что всё решил и ночью уйдёт навсегда, собрал все таблетки в ящик.",
            "suicide_plan_risk",
        ),
        ("Сестра написала прощальную записку и не берёт трубку.", "suicide_plan_risk"),
        (
            "Дома печка, утром у всех троих болит голова и тошнит, дети вялые.",
            "carbon_monoxide_suspected",
        ),
        (
            "У нас газовый котёл, мы все проснулись с головной болью и головокружением.",
            "carbon_monoxide_suspected",
        ),
        (
            "Кажется, угорели: топили баню, теперь голова раскалывается и рвота.",
            "carbon_monoxide_suspected",
        ),
        (
            "У мужа внезапно резко заболело левое яичко, тошнит, полчаса как началось.",
            "testicular_torsion_suspected",
        ),
        (
            "Внуку 13, среди ночи проснулся от сильной боли в мошонке, его вырвало.",
            "testicular_torsion_suspected",
        ),
        (
            "Деду 75, внезапно разрывающая боль в спине и животе, холодный пот.",
            "aortic_emergency_suspected",
        ),
        (
            "У отца в животе пульсирует что-то, и резко заболела поясница, давление 85/50.",
            "aortic_emergency_suspected",
        ),
        (
            "Потеряла сознание на работе, а до этого сердце колотилось как бешеное.",
            "syncope_with_heart_signs",
        ),
        (
            "Сын упал в обморок на тренировке, сердце билось неровно и часто.",
            "syncope_with_heart_signs",
        ),
        (
            "Неделю назад была операция на колене, сегодня вдруг не могу надышаться.",
            "breathing_or_chest",
        ),
        ("После перелёта вдруг кольнуло в груди, и икра опухла.", "breathing_or_chest"),
        ("У дочки диабет, сахар 28, её рвёт, и она сонная.", "diabetic_ketoacidosis_suspected"),
        (
            "Диабет 1 типа, ацетон в моче три плюса, постоянно хочет пить и тошнит.",
            "diabetic_ketoacidosis_suspected",
        ),
        (
            "Муж диабетик, изо рта пахнет ацетоном, дышит глубоко и шумно.",
            "diabetic_ketoacidosis_suspected",
        ),
        (
            "Больной 55 л., на галоперидоле, гипертермия 39,8, мышечная ригидность, сопор.",
            "neuroleptic_malignant_syndrome",
        ),
        (
            "Пациентка на кветиапине, ригидность конечностей, ступор, профузный пот.",
            "neuroleptic_malignant_syndrome",
        ),
    ],
)
def test_general_emergencies_with_no_leg_are_emergencies(text: str, rule: str) -> None:
    level, rules = _assess(text)
    assert level == "emergency"
    assert rule in rules


@pytest.mark.parametrize(
    "text",
    [
        "Дома газовая плита, у меня иногда болит голова к вечеру, и ноги по ночам сводит.",
        "Стул обычный, не чёрный, рвоты нет, просто икры ночью сводит.",
        "Диабет второго типа, сахар в норме, ноги по ночам сводит.",
        "Вся семья переболела гриппом на прошлой неделе, а у меня теперь икры сводит.",
        "Собрала таблетки в поездку, ноги сводит в самолёте — что взять с собой?",
        "Год назад был обморок в жару, сердце проверяли — всё нормально, сейчас ноги сводит.",
        "Не знаю, к кому идти: ком в горле от волнения, а ноги по ночам сводит.",
    ],
)
def test_near_misses_of_the_general_emergencies_are_not_emergencies(text: str) -> None:
    assert _level(text) != "emergency"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "Полчаса назад правая рука стала будто не моя, не ощущаю её совсем.",
            "stroke_warning_signs",
        ),
        ("Проснулся, а левая рука словно чужая, лежит как посторонняя.", "stroke_warning_signs"),
        ("Внезапно всё в глазах раздвоилось, на экране два диктора.", "stroke_warning_signs"),
        (
            "С обеда мужа мотает из стороны в сторону как пьяного, хотя он не пил.",
            "stroke_warning_signs",
        ),
        (
            "Папа сегодня вдруг не смог вспомнить слово «хлеб», тыкал пальцем.",
            "stroke_warning_signs",
        ),
        (
            "Бабушка с утра путает, где находится, и называет меня чужим именем.",
            "altered_consciousness",
        ),
        ("Дед упал в коридоре, одна сторона совсем не работает.", "stroke_warning_signs"),
        (
            "Деду 80, поскользнулся и сел на пол, теперь спина болит, ноги как ватные.",
            "cauda_equina",
        ),
        (
            "Отец с больной спиной обкакался во сне, чего никогда не было, ноги слабые.",
            "cauda_equina",
        ),
        (
            "Сын прыгнул в реку вниз головой, ударился о дно, шея болит, руки немеют.",
            "cervical_spine_injury_suspected",
        ),
        (
            "Нырнула на мелководье, теперь болит шея и покалывает в руках и ногах.",
            "cervical_spine_injury_suspected",
        ),
        ("После аварии болит шея, в руках как током бьёт.", "cervical_spine_injury_suspected"),
        ("Вдруг потемнело в правом глазу, ничего им не вижу.", "sudden_monocular_vision_loss"),
        ("Нога внезапно стала бледная и холодная, болит.", "acute_limb_ischaemia"),
    ],
)
def test_neuro_and_spinal_signs_in_bodily_words_are_emergencies(text: str, rule: str) -> None:
    level, rules = _assess(text)
    assert level == "emergency"
    assert rule in rules


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта три года правая рука как чужая, ничего нового, ноги по ночам сводит.",
        "Иногда не могу вспомнить слово, когда устаю, как у всех, ноги сводит по ночам.",
        "Шея болит после сна на неудобной подушке, руки не немеют.",
        "Когда резко встаю с дивана, темнеет в глазах на пару секунд, ноги сводит ночью.",
        "В бане потемнело в глазах, посидела — отпустило.",
        "Сын похудел и стал бледный, колени болят после футбола.",
        "На галоперидоле он всё время переминается, стоять спокойно не может, ноги крутит.",
        "Внук не может усидеть на месте, ноги всё время в движении вечером.",
    ],
)
def test_misread_phrases_are_not_emergencies(text: str) -> None:
    assert _level(text) != "emergency"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "На третий день после кроссфита ноги не разгибает, моча тёмно-коричневая.",
            "rhabdomyolysis",
        ),
        ("После марафона моча тёмно-бурая, икры болят.", "rhabdomyolysis"),
        (
            "За пару часов вся нога от паха раздулась, стала сине-багровой, боль страшная.",
            "acute_limb_ischaemia",
        ),
    ],
)
def test_hyphenated_colour_words_are_read(text: str, rule: str) -> None:
    level, rules = _assess(text)
    assert level == "emergency"
    assert rule in rules


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Маме прокапали метоклопрамид, к вечеру шею свернуло набок.", "acute_dystonic_reaction"),
        (
            "Сыну укололи церукал, через час стопу выкручивает и глаза закатываются.",
            "acute_dystonic_reaction",
        ),
        ("Папа лежачий, пролежень на пятке, температура 38, ногу сводит.", "acute_infection_today"),
        (
            "Мама после инсульта не встаёт, на крестце пролежень мокнет, температура 38,4.",
            "acute_infection_today",
        ),
    ],
)
def test_same_day_problems_from_a_dose_given_or_an_infected_sore(text: str, rule: str) -> None:
    level, rules = _assess(text)
    assert level in {"urgent", "emergency"}
    assert rule in rules
