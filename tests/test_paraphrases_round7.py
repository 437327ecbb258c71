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
