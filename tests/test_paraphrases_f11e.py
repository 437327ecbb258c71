"""Round 8: the families behind the emergencies families11 and families12 missed.

Sentences written fresh for each family (none copied from the cases): chart words with their
abbreviations, a patient's and a relative's words, run-on voice text, typos, Ukrainian and
surzhyk, each family with negated or benign controls that must not fire.

1. A new sudden deficit on top of an old one («на фоне прежней спастики»), and a side written
   as one letter («в л. ноге»): the full stop no longer cuts the onset from the limb (BE-FAST).
2. A Jacksonian march: twitching spreading from the foot to the hand or the face, consciousness
   kept, is a seizure spreading beyond the leg (ILAE 2017, seed 000 line 59).
3. A generalized seizure in a carer's run-on voice text: «он мне не отвечает» is the patient not
   answering, not the writer's own finding.
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from reading_helpers import rules as _rules

# --- 1. A new deficit on top of an old one ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "На фоне старой спастичности правой ноги 30 мин назад внезапно ослабла левая рука.",
        "Жалобы: остро возникшая слабость в п. руке с 09:10, на фоне резидуального гемипареза.",
        (
            "Спастика в левой ноге много лет, это привычно. Сегодня утром внезапно онемела "
            "и повисла левая рука."
        ),
        (
            "у папы давно нога тянет после инсульта а щас ни с того ни с сего другая нога "
            "отказала и не поднимается"
        ),
        "після інсульту нога давно тугая а сьогодні раптом рука обвисла і не піднімається",
        "Внизапно ослабла нога час назад, хотя спастичность у неё с прошлого года.",
        (
            "Ст. пациентка: спастич. парез л. голени с 2021; сегодня в 14:00 резко перестала "
            "слушаться л. рука."
        ),
        (
            "муж после инсульта с тугой ногой, полчаса назад у него вдруг отнялась правая нога "
            "полностью, раньше хоть ходил"
        ),
        "Повторно слабость в п. ноге внезапно 1 час назад, ранее ОНМК с остаточным парезом.",
    ],
)
def test_a_new_sudden_deficit_on_an_old_one_is_an_emergency(text: str) -> None:
    assert "stroke_warning_signs" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # the old deficit alone, unchanged; an age and litres written with «л.»
        "Слабость в л. ноге с 2021 года после инсульта, без изменений. Сводит икру по ночам.",
        "Пациент 68 л., спазмы в п. икре по ночам, слабости нет.",
        "Остаточный парез л. ноги, к этому привыкли. Ногу дёргает по вечерам.",
        "Выпил 2 л. воды за день, ногу свело вечером.",
    ],
)
def test_an_old_deficit_or_a_letter_alone_does_not_fire(text: str) -> None:
    assert "stroke_warning_signs" not in _rules(text)


# --- 2. A Jacksonian march ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "клонические подёргивания левой стопы → голени → кисти, ~1 мин, в сознании.",
        (
            "Подёргивания начались в стопе, потом поднялись на голень и перешли на руку, он всё "
            "понимал."
        ),
        "Нога задёргалась, потом и рука на той же стороне задёргалась, в сознании.",
        "Клонические судороги в п. стопе с распространением на голень и кисть, сознание ясное.",
        "сначала дёргалась нога, потом дёргать стало и руку, минуту где-то, всё слышал",
        (
            "Дёрганье пошло от ступни вверх по ноге и перешло на руку, секунд сорок, сознание не "
            "терял."
        ),
        "22:40 клонич. подёргивания пр. стопы -> голени -> кисти, сознание сохранено, ~2 мин.",
        "джексоновский приступ справа ~1 мин, купировался сам",
        (
            "у мамы ногу задергало а потом перекинулось на руку и на лицо с одной стороны, она всё "
            "понимала"
        ),
    ],
)
def test_twitching_marching_to_the_arm_is_a_seizure(text: str) -> None:
    assert "seizure_signs" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Подёргивания в икре, на руку не переходят, сознание не теряю.",
        "Ногу дёргает по ночам, потом болит рука.",
        "Ногу дёргает вечером, а рука потом немеет.",
        "Подёргивания в ноге, боль потом отдаёт в руку.",
        # cramps that spread over weeks are a doctor's question, not a march
        "Судороги в икрах третью неделю, теперь и в руки переходят, по ночам.",
    ],
)
def test_twitching_that_stays_in_the_leg_is_no_march(text: str) -> None:
    assert "seizure_signs" not in _rules(text)


# --- 3. A generalized seizure in run-on voice text ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        (
            "алло у папы ноги задёргались и теперь весь трясётся руки ходуном уже минут пять он на "
            "меня не реагирует"
        ),
        "жена на полу её колотит всю глаза закатила уже несколько минут не отвечает мне",
        "бабушку трясет всю целиком голову повернула набок и мне не отвечает быстрее скажите",
        "у мамы судороги по всему телу уже минуты три она мне не отвечает",
        "у мужа всего трисёт уже 5 минут не атвечает мне",
        (
            "дочка сначала ногой дёргала потом её всю затрясло щас лежит и на меня не смотрит не "
            "отвечает"
        ),
        (
            "у брата нога дёрнулась а потом его всего стало трясти и он мне ничего не отвечает уже "
            "минуты две"
        ),
    ],
)
def test_a_whole_body_seizure_told_by_voice_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        # the writer not answered on the phone, or answered: nobody is unresponsive
        "Мне муж не отвечает на звонки, а у меня икру сводит по ночам.",
        "Папа мне ответил, что ногу свело, сейчас прошло.",
    ],
)
def test_someone_not_answering_the_phone_is_no_seizure(text: str) -> None:
    assert _level(text) not in ("urgent", "emergency")


# --- 4. Cauda equina after lifting --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "После того как поднял шкаф, ноги подкашиваются, моча подтекает, внутри бёдер как ватное.",
        "Грыжа L5-S1. Со вчера слабость в обеих ногах, не держу мочу, онемели ягодицы.",
        "Ж., 54 г. Люмбалгия, с утра нижний парапарез, недержание мочи, гипестезия промежности.",
        (
            "муж таскал мешки на даче, теперь обе ноги не держат, описался и не почувствовал, "
            "говорит между ног всё онемело"
        ),
        "после подема тежелого ноги подкашиваються обе и моча не держиться",
        "підняв мішок, тепер обидві ноги підкошуються, не тримає сечу, оніміли сідниці",
        "Остеохондроз. Сегодня в обеих ногах слабость, НФТО по типу недержания.",
        "Поднимала внука, теперь онемела внутренняя поверхность бёдер и ноги подгибаются обе.",
    ],
)
def test_both_legs_giving_way_with_bladder_or_saddle_signs_is_cauda_equina(text: str) -> None:
    assert "cauda_equina" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Грыжа давно, ногу сводит по ночам, с мочеиспусканием всё нормально.",
        "Внутренняя поверхность бедра болит после тренировки, ногу сводит.",
        "Люмбалгия третий день после дачи, ногу тянет, тазовых нарушений нет, силы хватает.",
        "Поднимал тяжёлое, поясницу ломит, икру сводит, ноги не подкашиваются.",
    ],
)
def test_back_pain_without_cauda_equina_signs_is_not_an_emergency(text: str) -> None:
    assert "cauda_equina" not in _rules(text)


# --- 5. A blow to the head on a blood thinner (NICE NG232) --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Пациент на ривароксабане, падение, удар затылком, через час рвота.",
        "Бабушка на варфарине, вчера упала и стукнулась лбом о тумбочку, сегодня её тошнит.",
        "папа пьёт разжижающие, поскользнулся в ванной, шишка на голове, теперь сонный какой-то",
        "ЗЧМТ? Упал с кровати, ушиб головы, принимает эликвис, заторможен.",
        "Дед на ксарелто ударился головой об косяк и его вырвало.",
        "мама на кроворазжижающих, ударилась головой о раковину, стала сонная",
        "на варфарине, ударилса галавой, рвет",
        "тато п'є варфарин, впав і вдарився головою, тепер блює і спить",
        "Упал во дворе, удар головой о бордюр, ПОАК (апиксабан) по поводу ФП. Ногу сводит.",
    ],
)
def test_a_head_blow_on_a_blood_thinner_or_with_vomiting_is_an_emergency(text: str) -> None:
    assert "head_injury_danger" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Ударился головой полгода назад, сейчас всё хорошо, ногу сводит по ночам.",
        "На варфарине, ногу сводит по ночам, не падал, головой не ударялся.",
        "Ударился об угол коленом, пью эликвис, икру сводит.",
        # mucolytics «разжижают мокроту», they are no blood thinner
        "Пью разжижающие мокроту, вчера упала и ударилась головой, икру сводит.",
    ],
)
def test_no_head_blow_or_no_danger_sign_is_not_head_injury_danger(text: str) -> None:
    assert "head_injury_danger" not in _rules(text)


# --- 6. A suicide attempt told indirectly (NICE NG225) ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Вчера вынули папу из петли, сейчас дома, ногу сводит.",
        "Пациентка после попытки суицида (отравление таблетками), спастичность в ноге.",
        (
            "муж вчера пытался повеситься в сарае, я успела снять, сейчас лежит отвернувшись, "
            "нога дёргается"
        ),
        "Дочь застала маму на подоконнике, хотела выброситься из окна, ногу сводит после инсульта.",
        "брат порезал вены в ванной, перевязали, говорит всё нормально, ногу сводит",
        "тато намагався повіситися, ми встигли, нога смикається",
        "Мама собрала все таблетки и выпила горсть, сейчас сонная, ногу сводит.",
        "Внук нашёл деда на чердаке с верёвкой, сняли. Дед молчит, нога подёргивается.",
    ],
)
def test_an_attempt_told_indirectly_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"
    assert {"suicide_risk", "suicide_plan_risk"} & _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Вытяжение в петле Глиссона, ногу сводит.",
        "Стоял на подоконнике, мыл окно, ногу свело.",
        "Пытался встать с кровати, ногу свело.",
        "Порезал палец, икру сводит.",
        # a finder is not the patient: «сын нашёл мне невролога»
        "Сын нашёл мне хорошего невролога, ногу дёргает.",
    ],
)
def test_everyday_nooses_windows_and_cuts_are_no_attempt(text: str) -> None:
    assert not {"suicide_risk", "suicide_plan_risk"} & _rules(text)


# --- 7. Hypocalcaemia after thyroid surgery, in Ukrainian, surzhyk and chart words (SfE 2016) ---


@pytest.mark.parametrize(
    "text",
    [
        "Третьи сутки после тиреоидэктомии: кисти свело, пальцы сложились как у акушера.",
        "У дочки вчера удалили щитовидку, сегодня руки скрутило и горло сдавило, не вдохнуть.",
        "після видалення щитовидки два дні, пальці як лапка, ноги зводить, горло стискає",
        "мама после операции на щитовидной железе позавчера пальцы на руках скрючились сами",
        "Оперировали паращитовидки 4 дня назад, сегодня кисти стянуло, горло перехватывает.",
        "после щитовидки руки свело судорогой и нога тоже, дышать тяжко",
        "п/о 2-е сутки (гемитиреоидэктомия): карпопедальный спазм, парестезии вокруг рта.",
        "Вчора операція на щитовидці, зараз руки скрутило, ноги зводить, важко дихати.",
    ],
)
def test_tetany_or_a_tight_throat_after_thyroid_surgery_is_an_emergency(text: str) -> None:
    assert "postoperative_hypocalcaemia" in _rules(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Щитовидку удалили 5 лет назад, иногда ногу сводит, кальций в норме.",
        "После операции на колене ногу сводит, руки в порядке.",
        "У меня кот спит как лапка на диване, ногу свело ночью.",
    ],
)
def test_no_recent_thyroid_operation_or_no_tetany_is_not_postoperative_hypocalcaemia(
    text: str,
) -> None:
    assert "postoperative_hypocalcaemia" not in _rules(text)
