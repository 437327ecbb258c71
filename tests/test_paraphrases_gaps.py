"""Reading gaps closed as families, each in several wordings with its near-miss twins.

1. A condition («если») covers its own clause: what the person lists after it is current
   («дёргаются, особенно если стукнуть по колену, понос, пот градом»); a true hypothetical
   («если вдруг отнимется рука, это инсульт?») stays hypothetical.
2. An operation dated long ago (months, years) is not the recent operation of a clot's risk;
   one a week or a month ago is.
3. Cramps with tingling months or years after thyroid surgery are the urgent calcium check,
   not an ambulance; tetany, laryngospasm, or an operation days ago (or undated) still are.
4. Both legs or ankles swelling said by number («лодыжки отекают», «отёки голеней») is not a
   one-sided clot sign; «левая голень отекла» still is.
5. Words split by dictation («щито видной», «ин сульт») are read whole.
"""

from __future__ import annotations

import pytest

import reading_helpers
from spasmnav import understand

# --- 1. the scope of «если» ------------------------------------------------------------------

CONDITIONS: list[tuple[str, str, str]] = [
    # listed after a condition that follows its main clause: current
    ("ноги дёргаются, особенно если стукнуть по колену, понос, пот градом", "diarrhoea", "current"),
    (
        "ноги дёргаются, особенно если стукнуть по колену, понос, пот градом",
        "heavy_sweating",
        "current",
    ),
    ("судороги в икрах, сильнее если понервничаю, рвота, температура 39", "vomiting", "current"),
    ("дёргается нога, хуже если не высплюсь, моча тёмная как кола", "dark_urine", "current"),
    ("ногу сводит, а если встану, проходит, пот градом", "heavy_sweating", "current"),
    ("если честно, сегодня утром перекосило лицо, ногу сводит", "face_droop", "current"),
    # true hypotheticals
    ("если вдруг отнимется рука, это инсульт?", "arm_weakness", "hypothetical"),
    ("А если у папы снова перекосит лицо, что делать?", "face_droop", "hypothetical"),
    (
        "Что делать, если начнутся судороги и пена изо рта?",
        "generalized_convulsions",
        "hypothetical",
    ),
    ("Если будет инсульт, лицо перекосит?", "face_droop", "hypothetical"),
    (
        "Врач сказал: если появится одышка — сразу звонить 103. Сводит икры.",
        "breathing_difficulty",
        "hypothetical",
    ),
]


@pytest.mark.parametrize(("text", "finding", "expected"), CONDITIONS)
def test_a_condition_covers_its_own_clause(text: str, finding: str, expected: str) -> None:
    assert reading_helpers.state(text, finding) == expected


def test_signs_listed_after_a_condition_still_call_an_ambulance() -> None:
    text = (
        "Принимаю флуоксетин, вчера добавили трамадол от боли в спине. Сегодня дрожь, ноги сами"
        " дёргаются, особенно если стукнуть по колену, понос, пот градом, пульс 120."
    )
    assert reading_helpers.level(text) == "emergency"
    for hypothetical in (
        "если вдруг отнимется рука, это инсульт?",
        "А если у мамы после инсульта вдруг снова отнимется нога — что делать, куда звонить?",
    ):
        assert reading_helpers.level(hypothetical) != "emergency", hypothetical


# --- 2. an old operation is not a recent one -------------------------------------------------

SURGERY: list[tuple[str, str]] = [
    ("оперировали полгода назад, теперь икра отекла и болит", "historical"),
    ("операция на колене была в 2019, икра болит", "historical"),
    ("Грыжу оперировали пять лет назад. Икра ноет и сводит.", "historical"),
    ("неделю назад прооперировали колено, икра болит", "current"),
    ("операция на колене месяц назад, икра болит и отекла", "current"),
    ("два месяца назад сделали эндопротезирование, голень болит, когда трогаю", "current"),
    ("после операции осталась слабость, икра болит", "current"),
]


@pytest.mark.parametrize(("text", "expected"), SURGERY)
def test_an_operation_is_recent_unless_dated_long_ago(text: str, expected: str) -> None:
    assert reading_helpers.state(text, "recent_surgery") == expected


def test_a_calf_after_a_recent_operation_is_checked_today() -> None:
    assert reading_helpers.level("неделю назад прооперировали колено, икра болит") == "urgent"
    # the date is the operation's: the calf hurts now
    assert reading_helpers.level("операция на колене месяц назад, икра болит и отекла") == "urgent"
    assert reading_helpers.level("операция на колене была в 2019, икра болит") not in (
        "urgent",
        "emergency",
    )


# --- 3. cramps with tingling long after thyroid surgery -------------------------------------

THYROID: list[tuple[str, str]] = [
    (
        "через год после удаления щитовидной железы судороги в ногах и покалывание в пальцах",
        "urgent",
    ),
    ("Щитовидку удалили 3 года назад, сейчас сводит икры и покалывает вокруг рта", "urgent"),
    ("Тиреоидэктомия 5 лет назад, покалывает губы и сводит икры", "urgent"),
    ("Паращитовидку оперировали в 2018 году, кальций пью, ноги сводит и немеют губы", "urgent"),
    # days after the operation, undated, or with tetany or a tight throat: an ambulance
    ("Позавчера удалили щитовидку, колет вокруг рта и ноги сводит", "emergency"),
    ("вырезали щитовидку немеют губы и ноги сводит", "emergency"),
    ("Щитовидку удалили 5 лет назад, сводит руки в кисти, сжимает горло", "emergency"),
]


@pytest.mark.parametrize(("text", "level"), THYROID)
def test_thyroid_surgery_cramps_by_when(text: str, level: str) -> None:
    assert reading_helpers.level(text) == level


# --- 4. both legs swelling is not a one-sided clot sign -------------------------------------

SWELLING: list[tuple[str, str]] = [
    ("пью амлодипин, лодыжки отекают, ночью сводит икры", "doctor"),
    ("На габапентине стали отекать голени, иногда дёргается икра", "doctor"),
    ("От нифедипина к вечеру опухают щиколотки, по ночам крутит икры", "doctor"),
    ("Прегабалин пью полгода, отёки голеней к вечеру, икры сводит", "doctor"),
    ("симметричные отёки стоп, сводит икры, пью амлодипин", "doctor"),
    # one side named: a clot is to be excluded today
    ("левая голень отекла, ночью сводит", "urgent"),
    ("левая голень и стопа отекли, икру сводит", "urgent"),
    ("отёк правой лодыжки, болит икра, сводит", "urgent"),
]


@pytest.mark.parametrize(("text", "level"), SWELLING)
def test_swelling_of_both_legs_by_number(text: str, level: str) -> None:
    assert reading_helpers.level(text) == level


# --- 5. words split by dictation --------------------------------------------------------------

SPLIT: list[tuple[str, str, str]] = [
    (
        "после операции на щито видной железе колет губы и ноги сводит",
        "thyroid_surgery",
        "щито видной",
    ),
    ("у папы был ин сульт, нога дёргается по ночам", "post_stroke", "ин сульт"),
    ("по ночам судо роги в икрах", "cramp", "судо роги"),
]


@pytest.mark.parametrize(("text", "finding", "words"), SPLIT)
def test_a_word_split_in_two_is_read_whole(text: str, finding: str, words: str) -> None:
    obs = understand(text).facts.get(finding)
    assert obs is not None and obs.present is True, text
    # the span is the person's own two pieces
    assert obs.text is not None and words in obs.text


def test_two_known_words_are_not_joined() -> None:
    # «не» and «сводит» are words of their own: nothing to join, the negation stands
    assert reading_helpers.state("ногу не сводит, просто ноет", "cramp") == "negated"
    assert reading_helpers.state("ноги дёргаются, пот градом", "drenching_sweat") == "current"
