"""Numbers with their meaning: each annotated sentence names what its numbers are.

Every case lists the numeric findings the sentence must give and, with ``None``, those it must
not: an age is never a duration, a week of pregnancy is never a duration, «час назад» says
when it began and never how long an episode lasted.
"""

from __future__ import annotations

from datetime import date

import pytest

from spasmnav import understand
from spasmnav.assessing import assess_text
from spasmnav.language.extract import NUMERIC
from spasmnav.language.morph import normalize, tokenize
from spasmnav.language.quantities import extract_quantities

AGE = "age"
WEEKS = "pregnancy_weeks"
ONSET = "onset_hours_ago"
EPISODE = "episode_minutes"
LASTS = "symptom_duration_days"
STROKE = "days_since_stroke"
FREQ = "episodes_per_week"

Expected = dict[str, float | None]

CASES: list[tuple[str, Expected]] = [
    # --- Age: the person's years, never how long the complaint lasts ----------------------
    ("мне 64, ночами сводит икры", {AGE: 64, LASTS: None}),
    ("Маме 74 года, у неё тянет и сводит ногу", {AGE: 74, LASTS: None}),
    ("ребёнку 5 лет судороги в ногах 2 недели", {AGE: 5, LASTS: 14}),
    ("сыну 12, после футбола сводит икру", {AGE: 12, LASTS: None}),
    ("девочка 8 лет, ночью плачет — ноги крутит", {AGE: 8, LASTS: None}),
    ("в 70 лет впервые начало сводить ноги", {AGE: 70, LASTS: None}),
    ("пожилой 80-летний отец, дёргается нога", {AGE: 80, LASTS: None}),
    ("Дедушке 91 год, ноги по ночам сводит", {AGE: 91, LASTS: None}),
    ("у внучки 3 года ножки вздрагивают во сне", {AGE: 3, LASTS: None}),
    ("Малышке 10 месяцев, дёргает ножками", {AGE: 0.833, LASTS: None}),
    ("Пенсионерка, 77 лет. Сводит пальцы ног", {AGE: 77, LASTS: None}),
    ("женщина 52 лет, судороги икр полгода", {AGE: 52, LASTS: 182}),
    ("Брату 30, у него дёргается бедро третью неделю", {AGE: 30, LASTS: 21}),
    ("у мамы 3 года сводит ноги по ночам", {AGE: None, LASTS: 1095}),
    ("Мне 2 раза за ночь сводило ногу", {AGE: None, FREQ: 14}),
    ("моей бабушке 85, ноги как деревянные", {AGE: 85}),
    ("ей 8 месяцев, вздрагивает ножками", {AGE: 0.667, LASTS: None}),
    ("мне 8 месяцев сводит ноги", {AGE: None, LASTS: 243.2}),
    ("Отцу 68 лет, час назад перекосило лицо", {AGE: 68, ONSET: 1, EPISODE: None}),
    # --- Week of pregnancy: never a duration ----------------------------------------------
    ("36 недель, сводит икры каждую ночь", {WEEKS: 36, LASTS: None, FREQ: 7}),
    ("20 неделя, ногу свело во сне", {WEEKS: 20, LASTS: None}),
    ("на 30-й неделе начались судороги в ногах", {WEEKS: 30, LASTS: None}),
    ("на 36 неделе сводит икры третью ночь", {WEEKS: 36, LASTS: 3}),
    ("7 месяц беременности, по ночам сводит ноги", {WEEKS: 28.2, LASTS: None}),
    ("беременна, на шестом месяце, крутит икры", {WEEKS: 23.9, LASTS: None}),
    ("срок 22 недели, дергается нога", {WEEKS: 22, LASTS: None}),
    ("беременность 39 недель и сводит ноги", {WEEKS: 39, LASTS: None}),
    ("беременна, уже 2 недели сводит икры", {WEEKS: None, LASTS: 14}),
    ("икры сводит 3 недели", {WEEKS: None, LASTS: 21}),
    ("последние 4 недели дёргается икра", {WEEKS: None, LASTS: 28}),
    ("уже 16 недель сводит ноги, никто не помогает", {WEEKS: None, LASTS: 112}),
    # --- Time since onset: when it began, never an episode's length -----------------------
    ("час назад свело ногу, длилось минуту", {ONSET: 1, EPISODE: 1, LASTS: None}),
    ("Полчаса назад онемела нога и дёрнулась", {ONSET: 0.5, EPISODE: None}),
    ("10 минут назад задёргалась рука и нога", {ONSET: 0.167, EPISODE: None}),
    ("с утра нога не слушается и подёргивается", {ONSET: 6, EPISODE: None}),
    ("вчера вечером начало сводить икру", {ONSET: 18, EPISODE: None}),
    ("только что ногу свело судорогой", {ONSET: 0.1, EPISODE: None}),
    ("пару часов назад стало тянуть ногу", {ONSET: 2, EPISODE: None}),
    ("часа три назад внезапно ослабла нога", {ONSET: 3, EPISODE: None}),
    ("Три дня назад началось, сводит икры", {ONSET: 72, LASTS: 3}),
    ("через час после укола стало крутить ногу", {ONSET: None, EPISODE: None}),
    ("минут 20 назад был приступ судорог", {ONSET: 0.333, EPISODE: None}),
    # --- Episode length: only when the number says how long one episode lasts --------------
    ("судорога длится 10 минут и не отпускает", {EPISODE: 10, ONSET: None}),
    ("приступ около 5 минут, трясёт ногу", {EPISODE: 5}),
    ("держит по полминуты, потом отпускает", {EPISODE: 0.5}),
    ("ногу сводит минуты на три", {EPISODE: 3}),
    ("судорога держалась секунд 30", {EPISODE: 0.5}),
    ("Свело икру, через пару минут отпустило", {EPISODE: 2}),
    ("стою по 12 часов, к вечеру сводит икры", {EPISODE: None}),
    ("сплю по 5 часов, икра дёргается", {EPISODE: None}),
    ("ехали 6 часов в машине, потом свело ногу", {EPISODE: None}),
    ("дергается нога, пинаю мужа каждые полминуты", {EPISODE: None}),
    # --- How long the complaint has lasted -----------------------------------------------
    ("третью неделю дёргается икра", {LASTS: 21}),
    ("уже месяц сводит пальцы ног", {LASTS: 30.4}),
    ("полгода мучаюсь, сводит ноги", {LASTS: 182}),
    ("пол года уже подёргивается бедро", {LASTS: 182.5}),
    ("вторую ночь подряд сводит ногу", {LASTS: 2}),
    ("весь день стою, вечером гудят икры", {LASTS: None}),
    ("приступов нет 4 года, сейчас иногда сводит икру", {LASTS: None, FREQ: 1}),
    # --- Time since a stroke: an old stroke is not a new one -----------------------------
    ("инсульт два года назад, нога сводится", {STROKE: 730, LASTS: None, ONSET: None}),
    ("через месяц после инсульта стала дёргаться нога", {STROKE: 30.4, LASTS: None}),
    ("после инсульта (5 лет назад) нога тугая", {STROKE: 1825, LASTS: None}),
    ("Перенесла инсульт 3 месяца назад, сводит пальцы", {STROKE: 91.2}),
    ("после инсульта спастика усилилась за неделю", {STROKE: None}),
    ("нога дёргается после инсульта уже 3 недели", {STROKE: None, LASTS: 21}),
    ("Мне 65 лет, после инсульта сводит ногу", {STROKE: None, AGE: 65}),
    ("в 2015 году был инсульт, нога иногда дёргается", {STROKE: 3000, LASTS: None, AGE: None}),
    ("инсульт перенесла в 2019, нога тугая", {STROKE: 1800, AGE: None}),
]


def _values(text: str) -> dict[str, float | None]:
    facts = understand(text).facts
    return {name: facts[name].value if name in facts else None for name in NUMERIC}


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[f"{i:02d}" for i in range(len(CASES))])
def test_numbers_have_their_meaning(text: str, expected: Expected) -> None:
    got = _values(text)
    for name, want in expected.items():
        if want is None:
            assert got[name] is None, (name, got)
        elif name == STROKE and want >= 1000:
            value = got[name]
            assert value is not None and value >= want, (name, got)  # a calendar year
        else:
            assert got[name] == pytest.approx(want, abs=0.05), (name, got)


def test_enough_annotated_sentences_for_every_meaning() -> None:
    assert len(CASES) >= 40
    for name in (AGE, WEEKS, ONSET, EPISODE, LASTS, STROKE):
        assert sum(1 for _, e in CASES if e.get(name) is not None) >= 5, name
        assert sum(1 for _, e in CASES if name in e and e[name] is None) >= 3, name


def test_spans_cover_the_words_of_each_number() -> None:
    text = "Маме 74 года. Час назад свело ногу, держало минуты три."
    facts = understand(text).facts
    assert facts[AGE].text == "Маме 74 года"
    assert facts[ONSET].text == "Час назад"
    assert facts[EPISODE].text == "минуты три"


def test_a_week_of_pregnancy_says_she_is_pregnant() -> None:
    assert understand("на 34 неделе ночами сводит икры").facts["pregnancy"].present is True
    assert "pregnancy" not in understand("икры сводит 3 недели").facts


def test_calendar_year_of_a_stroke_counts_from_today() -> None:
    tokens = tokenize(normalize("инсульт был в 2020 году"))
    q = extract_quantities(tokens, {}, frozenset(), today=date(2024, 6, 30))
    assert q.days_since_stroke == (date(2024, 6, 30) - date(2020, 12, 31)).days
    this_year = extract_quantities(tokens, {}, frozenset(), today=date(2020, 3, 1))
    assert this_year.days_since_stroke is None  # this year: how recent is unknown


@pytest.mark.parametrize(
    "text",
    [
        "Час назад отца свело судорогой, ногу трясло, сейчас в сознании",
        "полчаса назад задёргалась нога, всё тело трясло, но уже прошло",
    ],
)
def test_time_since_onset_does_not_fire_the_five_minute_seizure_flag(text: str) -> None:
    assert EPISODE not in understand(text).facts
    assert "seizure_over_5min" not in {f.id for f in assess_text(text).findings}


def test_a_long_episode_still_fires_the_five_minute_seizure_flag() -> None:
    text = "Судороги всего тела длятся уже минут десять, не приходит в себя"
    assert understand(text).facts[EPISODE].value == 10
    a = assess_text(text)
    assert "seizure_over_5min" in {f.id for f in a.findings}
    assert a.level == "emergency"


def test_an_old_stroke_is_not_a_recent_one() -> None:
    old = assess_text("Инсульт был 4 года назад, нога иногда подёргивается")
    recent = assess_text("Инсульт был 3 недели назад, нога подёргивается")
    found_old = {f.id for f in old.findings}
    found_recent = {f.id for f in recent.findings}
    assert "recent_stroke" not in found_old
    assert "recent_stroke" in found_recent


def test_a_childs_age_is_a_child_not_years_of_symptoms() -> None:
    child = {f.id for f in assess_text("У ребёнка 5 лет по ночам сводит ноги").findings}
    adult = {f.id for f in assess_text("Мне 45 лет, по ночам сводит ноги").findings}
    assert {"age_under_16"} <= child and "persistent_3_weeks" not in child
    assert "age_under_16" not in adult
