"""Round 7 reading families (sentences written fresh, not copied from any case).

1. Ukrainian and surzhyk time words («з ранку», «під ранок», «вранці», «тиждень тому») are
   times, never a finding: «ранку» is not «ранка» (a wound) there.
2. A test not done for long («МНО давно не проверяли») dates nothing beside it.
3. A medicine named in a question or beside a fear is taken or weighed: it stays mentioned.
4. A negation that opens the next predicate («…и не заметила») does not reach back over «и».
5. Chart wordings of a speech disturbance («речь нарушена», «речевые нарушения»).
6. A bare temperature («было 38,7», «поднялось до 38,2») is a fever; other measures are not.
Also: «стоит ли…» is not standing, «на ногах» alone is where a thing is, not standing.
"""

from __future__ import annotations

import pytest

from reading_helpers import level, state
from spasmnav.assessing import understand


def _read(text: str, finding: str) -> bool:
    return finding in understand(text).facts


# --- 1. Surzhyk time words ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "З ранку в мами зводить литку, болить",
        "зранку ногу крутить і смикає",
        "с ранку икры сводит уже третий день",
        "під ранок судоми в ногах, кожного ранку так",
        "до ранку не спав, ногу сводило",
        "ранком звело ногу, цього ранку знову",
    ],
)
def test_a_surzhyk_morning_is_no_wound(text: str) -> None:
    assert not _read(text, "wound")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Обработала ранку на пятке, ногу сводит", "current"),
        ("У отца ранка на голени не заживает, икру сводит", "current"),
        ("Ранок и порезов на ногах нет, икру сводит", "negated"),
    ],
)
def test_a_russian_ranka_is_still_a_wound(text: str, expected: str) -> None:
    assert state(text, "wound") == expected


def test_surzhyk_time_spans_are_read_as_durations() -> None:
    facts = understand("тиждень тому почалось, ногу зводить щоночі").facts
    assert facts["symptom_duration_days"].value == 7.0
    assert understand("три години тому звело ногу").facts["onset_hours_ago"].value == 3.0


# --- 2. A test not done dates nothing -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "на варфарине, синяк растёт и МНО давно не проверяли",
        "Огромный синяк на ноге, мно давно не сдавала",
        "давно не проверяли МНО, у папы на бедре большой синяк",
        "Пью ксарелто, гематома на голени и анализы давно никто не проверял",
    ],
)
def test_a_test_not_done_for_long_keeps_the_bruise_current(text: str) -> None:
    assert state(text, "growing_haematoma") == "current"


def test_a_growing_bruise_on_warfarin_with_an_old_inr_is_seen_today() -> None:
    assert level("Мама на варфарине, синяк на бедре растёт и МНО давно не проверяли") in (
        "urgent",
        "emergency",
    )


def test_a_real_old_date_still_dates_its_clause() -> None:
    assert (
        state("Давно, лет пять назад, терял сознание, сейчас сводит ноги.", "loss_of_consciousness")
        == "historical"
    )


# --- 3. A medicine in a question ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Можно ли принимать сирдалуд, если ноги сводит по ночам?", "tizanidine"),
        ("Не опасно ли пить тизанидин вместе с ципролетом?", "tizanidine"),
        ("Не опасно ли пить тизанидин вместе с ципролетом?", "cyp1a2_inhibitor"),
        ("Мама спрашивает: стоит ли начинать сирдалут?", "tizanidine"),
        ("А это не от баклофена у него такая сонливость?", "taking_baclofen"),
        ("Боюсь пить тизанидин, вдруг давление упадёт", "tizanidine"),
    ],
)
def test_a_medicine_asked_about_is_mentioned(text: str, finding: str) -> None:
    assert state(text, finding) == "current"


def test_a_symptom_in_a_question_stays_hypothetical() -> None:
    # Only medicines are kept: a symptom asked about is not yet checked.
    assert state("А может ли быть так, что нога отекла?", "calf_swelling") == "hypothetical"


# --- 4. «…и не заметила» ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Мама не удержала мочу и даже не заметила",
        "Дедушка не удержал стул и не заметил этого",
        "не удержал кал и сам не заметил, ноги слабые",
        "бабушка сходила под себя и не заметила",
    ],
)
def test_a_negation_opening_the_next_verb_keeps_the_event(text: str) -> None:
    assert state(text, "bladder_bowel_loss") == "current"


@pytest.mark.parametrize(
    ("text", "finding", "expected"),
    [
        ("Икра болит и не было никакой травмы", "calf_pain", "current"),
        ("Покраснения и отёка не было, икру сводит", "calf_redness", "negated"),
        ("Недержания мочи и кала не было, поясница болит", "bladder_bowel_loss", "negated"),
        ("Температуры и озноба нет, ногу сводит", "fever", "negated"),
    ],
)
def test_nouns_joined_by_i_still_share_the_negation(text: str, finding: str, expected: str) -> None:
    assert state(text, finding) == expected


# --- 5. Chart wordings of a speech disturbance --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Со слов дочери речь нарушена с утра, ногу дёргает",
        "у отца с обеда нарушена речь и нога дёргается",
        "Речевые нарушения появились час назад, ногу сводит",
        "речь неразборчивая, правую ногу подёргивает с утра",
        "Вдруг речь стала неразборчивой, левую ногу дергает",
        "речь затруднена, нога дергается, началось внезапно",
    ],
)
def test_a_chart_speech_disturbance_is_an_emergency(text: str) -> None:
    assert state(text, "speech_disturbance") == "current"
    assert level(text) == "emergency"


def test_a_speech_word_beside_another_deficit_is_not_read_as_one() -> None:
    assert not _read("Нарушена походка, речь внятная, ногу сводит", "speech_disturbance")


def test_a_residual_speech_disturbance_stays_old() -> None:
    assert state("После инсульта речь нарушена, ногу сводит по ночам", "speech_disturbance") == (
        "historical"
    )


# --- 6. A bare temperature ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "вечером было 38,7, икру сводит",
        "у бабушки к ночи 39,1, ноги сводит",
        "мерили - 38.4, ногу дёргает",
        "икру сводит, поднялось до 38,2",
        "Ногу сводит, вечером 39,2 и озноба нет",
    ],
)
def test_a_bare_temperature_is_a_fever(text: str) -> None:
    assert state(text, "fever") == "current"


@pytest.mark.parametrize(
    "text",
    [
        "окружность голени 39,5 см, икра болит",
        "вес 38,5 кг, ногу сводит",
        "37,2 вечером, ногу сводит",
        "сахар 38,2 по глюкометру, ноги сводит",
    ],
)
def test_other_measures_are_no_fever(text: str) -> None:
    assert not _read(text, "fever")


# --- Idioms misread as standing -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ногу сводит, стоит ли идти к неврологу?",
        "не стоит ли подождать, икры сводит",
        "синяки на ногах, ноги сводит ночью",
        "Может стоит сдать анализы? Ногу сводит",
    ],
)
def test_idioms_are_not_standing(text: str) -> None:
    assert not _read(text, "long_standing")


@pytest.mark.parametrize(
    "text",
    ["весь день на ногах, к вечеру сводит икры", "на ногах по 12 часов, икры сводит"],
)
def test_a_day_on_ones_feet_is_standing(text: str) -> None:
    assert state(text, "long_standing") == "current"


# --- Found in families7/8: more reading families ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Сегодня утром вдруг эта нога совсем отказала и немеет до паха",
        "вдруг эта рука перестала слушаться, полчаса назад",
        "После обеда вдруг эту ногу перестал чувствовать, не могу встать",
        "у папы вдруг эта сторона лица обвисла, ногу дёргает",
    ],
)
def test_vdrug_eta_is_a_sudden_onset_not_a_what_if(text: str) -> None:
    assert level(text) == "emergency"


def test_vdrug_eto_is_still_a_what_if() -> None:
    assert state("Икра болит, а вдруг это тромб?", "calf_pain") == "current"
    assert state("Ногу сводит, вдруг это инсульт?", "post_stroke") == "hypothetical"


@pytest.mark.parametrize(
    "text",
    [
        "После инсульта жить не хочется, нога дёргается по ночам",
        "иногда думаю, что лучше бы меня не было, ноги сводит",
        "мама повторяет: скорее бы умереть, ноги крутит каждую ночь",
        "Устала жить, икры сводит",
        "папе надоело жить, говорит он, ногу дергает",
    ],
)
def test_a_passive_wish_to_die_is_read(text: str) -> None:
    assert state(text, "suicidal") == "current"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Жить хочется, просто ногу сводит", None),
        ("Не хочу умереть от тромба, икра болит", "negated"),
    ],
)
def test_a_wish_to_live_is_no_wish_to_die(text: str, expected: str | None) -> None:
    if expected is None:
        assert not _read(text, "suicidal")
    else:
        assert state(text, "suicidal") == expected


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Правая голень пастозна, икру сводит", "calf_swelling"),
        ("пастозность левой голени, малоподвижна после ОНМК", "calf_swelling"),
        ("У мамы левая голень на 3 см больше правой, икра болит", "calf_swelling"),
        ("Прав. икра на 2 см толще левой", "calf_swelling"),
        ("Болезн. при пальп. икроножной мышцы справа", "calf_tenderness"),
    ],
)
def test_chart_words_of_a_swollen_tender_calf(text: str, finding: str) -> None:
    assert state(text, finding) == "current"


@pytest.mark.parametrize(
    "text",
    [
        "папа путает дни и ночи, ноги сводит",
        "Сегодня я путаю дни, весь день сонный, ноги сводит",
        "дедушка путает число и время, ногу сводит",
        "бабушка стала путать даты, ноги крутит",
    ],
)
def test_lost_in_time_is_confusion(text: str) -> None:
    assert state(text, "confusion") == "current"


def test_not_knowing_which_day_to_book_is_no_confusion() -> None:
    assert not _read(
        "Не знаю, какой сегодня день лучше записаться к врачу, ногу сводит", "confusion"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Муж с Паркинсоном, наком закончился позавчера, весь скованный",
        "кончился мадопар у отца, у него Паркинсон, ноги не гнутся",
        "Паркинсон, леводопа закончилась три дня назад, температура",
        "у мамы болезнь Паркинсона, мадопар закончился, ноги сводит",
    ],
)
def test_a_parkinsons_medicine_run_out_is_read(text: str) -> None:
    assert state(text, "medicine_ran_out") == "current"
