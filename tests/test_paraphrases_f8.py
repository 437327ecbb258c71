"""Families the round-8 writer found missed (tests/cases/families8.jsonl), each in several fresh
wordings with near-miss, negated and not-mentioned twins (src/spasmnav/pack/acute.yaml).

1. A leg under pressure after a blow, a crush or a tight cast (compartment syndrome, BOAST):
   pain that painkillers do not touch, a tense stone-hard calf, pain when the toes are pulled,
   numb toes: an emergency.
2. A torn Achilles tendon: a snap or a «kick from behind», then no standing on tiptoe: today.
3. Liver disease with muddled days, drowsiness or flapping hands (hepatic encephalopathy).
4. Quinine taken for cramps: ringing ears, bruises (today); failing sight, a racing heart with
   other signs of poisoning (103).
5. Parkinson's medicine run out or missed: stiffness (today); with a fever, a clouded mind or
   trouble swallowing (103).
6. High potassium: a missed dialysis, kidney failure on potassium-keeping drugs, a value.
7. A clot written in chart words: a calf circumference larger by centimetres, «пастозность»,
   a positive Homans sign.
8. Low sodium on diuretics or antidepressants or in cirrhosis: today; with vomiting,
   drowsiness or confusion, 103.
9. A diuretic with low blood pressure, dizziness on standing, drowsiness or a dry mouth: today.
10. A fever after a stroke with twitching, stiffness or coughing: today; confused or short of
    breath, 103.
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from spasmnav.assessing import assess_text
from spasmnav.result import LEVEL_RANK, Level


def _at_least(text: str, level: Level) -> bool:
    return LEVEL_RANK[_level(text)] >= LEVEL_RANK[level]


def _fired(text: str) -> set[str]:
    return {r.rule for r in assess_text(text).reasons}


# --- 1. Compartment syndrome ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Сына на тренировке придавило штангой голень, прошло три часа, нога распирает изнутри, "
        "обезболивающее не помогает, пальцы немеют.",
        "Маме вчера наложили гипс на голень после перелома, ночью боль всё сильнее, пальцы на "
        "ноге онемели, таблетки не берут.",
        "Мужа на стройке придавило плитой ногу, сейчас голень твёрдая как камень, боль жуткая, "
        "пошевелить пальцами больно.",
        "пнули по голени на футболе голень опухла и каменная боль дикая а если потянуть пальцы "
        "вообще невыносимо",
        "Пациент, 34 г., ушиб голени 5 ч назад, голень напряжённая, как камень, боль не "
        "снимается кеторолом, парестезии в стопе.",
    ],
)
def test_a_leg_under_pressure_after_an_injury_is_an_emergency(text: str) -> None:
    assert "compartment_syndrome_suspected" in _fired(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Вчера ударилась голенью о край кровати, синяк, немного припухло, болит терпимо, ходить "
        "могу.",
        "Ушиб голени неделю назад, синяк желтеет, отёка нет, боль почти прошла, иногда ночью "
        "сводит икру.",
        "Ногу в гипсе после перелома, боль умеренная, пальцы тёплые, шевелятся, "
        "чувствительность нормальная, просто чешется под гипсом.",
        "Ударился голенью о табуретку, синяк, отёка и онемения нет, обезболивающее не "
        "понадобилось.",
    ],
)
def test_an_ordinary_bruise_or_a_comfortable_cast_is_not_an_emergency(text: str) -> None:
    assert "compartment_syndrome_suspected" not in _fired(text)
    assert _level(text) != "emergency"


# --- 2. Achilles tendon rupture ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "На баскетболе прыгнул, и будто кто-то ударил сзади по пятке, щелчок, теперь на носок "
        "не встать, хромаю.",
        "Бабушка оступилась на лестнице, сказала, что в пятке что-то хлопнуло, как выстрел, и "
        "теперь не может подняться на носочек.",
        "Врач в травмпункте сказал, что похоже на разрыв ахилла, направил к ортопеду, а я пока "
        "дома сижу.",
        "В сквош играл, сзади ударило по ноге, оборачиваюсь — никого. Хожу, но плоско, "
        "оттолкнуться ногой не могу, над пяткой ямка.",
    ],
)
def test_a_snap_at_the_heel_then_no_tiptoe_is_seen_today(text: str) -> None:
    assert "achilles_rupture_suspected" in _fired(text)
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта левая нога слабая, на носок давно не встаю, так уже год, стопа тугая.",
        "Побегал, ноют пятки и ахилл, на носки встаю нормально, щелчков и хлопков не было.",
    ],
)
def test_an_old_weak_foot_or_a_sore_heel_is_not_a_rupture(text: str) -> None:
    assert "achilles_rupture_suspected" not in _fired(text)
    assert not _at_least(text, "urgent")


# --- 3. Hepatic encephalopathy ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "У папы цирроз печени, третий день он днём спит, а ночью бродит, сегодня не может "
        "сказать, какой сегодня день.",
        "Свекровь с циррозом, пьёт дюфалак. Сегодня заторможенная, вытянет руки — кисти "
        "хлопают, ноги сводит.",
        "Асцит у мужа, живот большой, сегодня с утра несёт чушь и засыпает посреди разговора.",
        "Цирроз у брата, утром пожаловался, что сводит икры, а к вечеру стал путать дни и "
        "время, соображает туго.",
    ],
)
def test_liver_disease_with_a_clouded_mind_is_an_emergency(text: str) -> None:
    assert "hepatic_encephalopathy_signs" in _fired(text)
    assert _level(text) == "emergency"


def test_new_daytime_sleepiness_in_cirrhosis_is_seen_today() -> None:
    text = "У мамы цирроз, последние дни стала какая-то сонная днём, но отвечает нормально."
    assert _level(text) == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "Цирроз давно, гепатолог наблюдает, ноги ночью иногда сводит, голова ясная, руки не "
        "трясутся.",
        "Болезнь печени, спрашиваю, можно ли магний от судорог в икрах? Сонливости и "
        "спутанности нет.",
        "Цирроза нет, печень здоровая, ночью сводит икры, голова ясная.",
    ],
)
def test_liver_disease_with_a_clear_mind_is_not_urgent(text: str) -> None:
    assert not _at_least(text, "urgent")


# --- 4. Quinine -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Мама купила хинин от ночных судорог, пьёт неделю, а сегодня говорит, что всё как в "
        "тумане, плохо видит.",
        "Дед пил хинин от судорог в ногах, выпил лишние таблетки, теперь сердце колотится, "
        "звенит в ушах, его шатает.",
    ],
)
def test_quinine_with_failing_sight_or_a_racing_heart_is_an_emergency(text: str) -> None:
    assert "quinine_toxicity" in _fired(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Принимаю хинин от ночных судорог, появились синяки без причины и кровоточат дёсны.",
        "на хинине звон в ушах второй день и тошнит",
    ],
)
def test_quinine_side_effects_are_seen_today(text: str) -> None:
    assert _level(text) == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "Можно ли мне попить хинин от ночных судорог, слышала, что помогает? Ничего другого не "
        "беспокоит.",
        "Раньше, лет пять назад, пила хинин от судорог, сейчас не принимаю, сводит икры редко.",
        "Слышала про хинин от судорог, у меня давно аритмия, пью бисопролол. Можно его?",
    ],
)
def test_asking_about_quinine_is_not_urgent(text: str) -> None:
    assert not _at_least(text, "urgent")


# --- 5. Parkinson's medicine stopped ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "У папы Паркинсон, мадопар закончился позавчера, купить не смогли. Сегодня весь как "
        "деревянный, температура 38,7, плохо глотает.",
        "Маме с болезнью Паркинсона в больнице не давали наком два дня, она скованная, потеет "
        "и не отвечает на вопросы.",
        "муж паркинсон таблетки от паркинсона кончились третий день жар 39 весь скован и бредит",
    ],
)
def test_parkinson_medicine_stopped_with_fever_or_a_clouded_mind_is_an_emergency(
    text: str,
) -> None:
    assert _level(text) == "emergency"


def test_parkinson_medicine_stopped_with_stiffness_is_seen_today() -> None:
    text = (
        "У дедушки Паркинсон, наком не пьёт два дня — в аптеке нет, стал совсем скованный и "
        "еле ходит, температуры нет."
    )
    assert "parkinson_medicine_gap_today" in _fired(text)
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "У мамы Паркинсон, принимает наком по часам, не пропускает, ночью иногда сводит икры.",
        "Паркинсон у отца 5 лет, леводопу пьёт аккуратно, скованность обычная, не хуже, вопрос "
        "про упражнения.",
    ],
)
def test_parkinson_medicine_taken_on_time_is_not_urgent(text: str) -> None:
    assert not _at_least(text, "urgent")


# --- 6. High potassium ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Муж на диализе, пропустил сеанс, теперь ноги ватные, еле стоит, сердце бьётся неровно.",
        "У мамы ХБП, пьёт верошпирон и эналаприл, сегодня ноги совсем ослабли, сердце "
        "пропускает удары.",
        "Анализ пришёл: калий 6,4. Ноги слабые, сводит икры.",
    ],
)
def test_high_potassium_with_weakness_or_palpitations_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Отец на гемодиализе, вчера не поехал на диализ из-за снега, сегодня сводит ноги.",
        "Пац. С., ХБП 5, на ГД не поехала — заболела, жалобы на судороги в икрах.",
        "У бабушки больные почки, принимает лозартан и спиронолактон, последние дни судороги в "
        "икрах и слабость в ногах.",
        "Сказали, что калий повышен, 5,7, а я на престариуме, ноги по ночам сводит.",
    ],
)
def test_a_potassium_risk_with_cramps_is_at_least_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Хроническая болезнь почек, диализа нет, давление на лозартане нормальное, изредка "
        "ночью сводит икру.",
        "Калий 4,6 в норме, почки в порядке, просто ночью иногда сводит ногу.",
    ],
)
def test_kidney_disease_without_a_potassium_sign_is_not_urgent(text: str) -> None:
    assert not _at_least(text, "urgent")


# --- 7. A clot in chart words -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Лежачий после инсульта, голень слева стала на 3 см толще правой в окружности, "
        "пастозность голени, при пальпации икра болезненна.",
        "Осмотр: после ОНМК, левая голень пастозна, окружность на 2 см больше правой, симптом "
        "Хоманса положительный.",
        "Дедушка после инсульта, медсестра измерила — окружность левой голени больше на 2 см.",
        "ОНМК 3 нед., малоподвижна. Отёк голени справа, болезненность при пальпации по ходу вен.",
    ],
)
def test_a_clot_in_chart_words_is_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта, лежачая. Окружности голеней равны, отёка и болезненности нет, Хоманс "
        "отрицательный, ночью свело икру.",
        "Пастозность лица, отёков голеней нет, сводит икры по ночам, гипотиреоз.",
    ],
)
def test_equal_calves_or_a_puffy_face_are_not_a_clot(text: str) -> None:
    assert not _at_least(text, "urgent")


# --- 8. Low sodium ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Маме 78, пьёт индапамид, натрий 128, сводит икры и дважды упала за неделю.",
        "На сертралине, в анализах натрий 126, голова болит и подташнивает, ноги сводит.",
        "Натрий 121 по анализу вчера, самочувствие вроде ничего, судороги в ногах.",
        "Принимает антидепрессант и мочегонное, за неделю два раза упала, ноги сводит, слабость.",
    ],
)
def test_low_sodium_or_falls_on_a_sodium_lowering_drug_are_seen_today(text: str) -> None:
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "Бабушка на гипотиазиде, натрий 119, сегодня её рвёт и она всё время спит.",
        "у отца цирроз натрий низкий сказали а сейчас путается и не узнаёт нас",
    ],
)
def test_low_sodium_with_vomiting_or_a_clouded_mind_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Натрий 139, калий 4,3, всё в норме, ночью изредка сводит икру.",
        "Пью гидрохлоротиазид от давления, иногда ночью сводит икры, в остальном хорошо, не "
        "падала.",
    ],
)
def test_normal_sodium_or_plain_cramps_on_a_thiazide_are_not_urgent(text: str) -> None:
    assert not _at_least(text, "urgent")


# --- 9. A diuretic with low blood pressure ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Папе 82, на фуросемиде, давление 90/55, при вставании темнеет в глазах, ноги сводит.",
        "На торасемиде, мало пьёт, во рту сухо, голова кружится, когда встаёт, судороги в икрах.",
        "мама на лазиксе давление упало до 85/50 вялая кружится голова",
        "Дедушке увеличили дозу фуросемида, он стал слабый, сонный, давление 95/60, икры сводит.",
    ],
)
def test_a_diuretic_with_low_pressure_is_seen_today(text: str) -> None:
    assert "diuretic_low_pressure" in _fired(text)
    assert _at_least(text, "urgent")


@pytest.mark.parametrize(
    "text",
    [
        "На мочегонных, ночью иногда сводит икры, давление 130/80, голова не кружится.",
        "Пью фуросемид, давление 150/95, сводит ноги по ночам.",
        "Фуросемид утром, ночью свело икру, растянула — прошло, днём всё нормально.",
        "Бабушка на фуросемиде, давление нормальное, головокружения нет, пьёт хорошо, ночью "
        "сводит икру.",
    ],
)
def test_benign_night_cramps_on_a_diuretic_are_not_urgent(text: str) -> None:
    assert not _at_least(text, "urgent")


# --- 10. A fever after a stroke ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта полгода, вчера поднялась температура 38,5, нога стала туже и дёргается.",
        "Папа после инсульта, лежит, кашляет и поперхивается, температура 38, ногу сводит.",
        "инсульт был в марте, сегодня жар 38,9 и ногу подкидывает ночью",
        "Дед после удара, нога всегда тугая, а теперь колом, дёргается, сам горячий — 38,2, "
        "и в туалет часто бегает.",
    ],
)
def test_a_fever_after_a_stroke_with_spasms_is_at_least_urgent(text: str) -> None:
    assert _at_least(text, "urgent")


def test_a_fever_after_a_stroke_with_confusion_is_an_emergency() -> None:
    text = "После инсульта температура 39, нога дёргается, папа стал путаться и тяжело дышит."
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта нога дёргается по ночам, температуры нет, кашля нет.",
        "После инсульта нога иногда дёргается, температура 36,7, чувствую себя как обычно.",
        "После инсульта нога дёргается, температура 37,1.",
    ],
)
def test_twitching_after_a_stroke_without_a_fever_is_not_urgent(text: str) -> None:
    assert not _at_least(text, "urgent")
