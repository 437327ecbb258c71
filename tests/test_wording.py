"""The Russian wording helpers: counts agree with their number, numbers and dates read Russian."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pymorphy3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmnav import wording

COUNTS = st.integers(min_value=0, max_value=10**6)


@functools.cache
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def _noun(word: str, case: str) -> object:
    for p in _morph().parse(word):
        if p.tag.POS == "NOUN" and p.normal_form == word and "nomn" in p.tag:
            return p if case == "nomn" else p.inflect({"gent"})
    raise AssertionError(f"pymorphy3 does not know the noun {word!r}")


def _pymorphy_form(n: int, word: str, case: str) -> str:
    parsed = _noun(word, case)
    return parsed.make_agree_with_number(n).word  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("noun", sorted(wording.NOUNS))
@pytest.mark.parametrize("case", ["nomn", "gent"])
@settings(deadline=None)  # the first call loads pymorphy3's dictionaries
@given(n=COUNTS)
def test_every_noun_agrees_with_its_number_as_pymorphy3_says(noun: str, case: str, n: int) -> None:
    expected = _pymorphy_form(n, noun, case)
    if noun == "человек":
        expected = expected.replace("людей", "человек")  # «из 5 человек», the counting form
    if noun == "год":
        expected = expected.replace("годов", "лет")  # the counting form is suppletive: «5 лет»
    assert wording.word(n, noun, case=case) == expected  # type: ignore[arg-type]


@given(n=COUNTS)
def test_a_count_is_the_number_then_the_agreeing_noun(n: int) -> None:
    text = wording.count(n, "день")
    number, _, noun = text.rpartition(" ")
    assert number.replace("\u00a0", "") == str(n)
    assert noun == wording.word(n, "день")


@pytest.mark.parametrize(
    ("n", "case", "expected"),
    [
        (21, "nomn", "21 день"),
        (21, "gent", "21 дня"),  # «нужно не меньше 21 дня»
        (22, "nomn", "22 дня"),
        (5, "gent", "5 дней"),
        (11, "nomn", "11 дней"),
        (111, "nomn", "111 дней"),
        (1001, "nomn", "1\u00a0001 день"),
    ],
)
def test_known_phrases(n: int, case: wording.Case, expected: str) -> None:
    assert wording.count(n, "день", case=case) == expected


@given(x=st.floats(min_value=0, max_value=10**6, allow_nan=False).filter(lambda v: v % 1 != 0))
def test_fractions_take_the_genitive_singular(x: float) -> None:
    shown = wording.count(x, "эпизод", digits=1)
    # A fraction shown with a digit after the comma is CLDR's «other»: «2,5 эпизода».
    assert shown.endswith(" эпизода")
    assert re.fullmatch(r"[\d\u00a0]+,\d эпизода", shown)


@given(x=st.floats(min_value=-(10**6), max_value=10**6, allow_nan=False), digits=st.integers(0, 3))
def test_numbers_use_the_decimal_comma_and_read_back(x: float, digits: int) -> None:
    text = wording.number(x, digits)
    assert "." not in text
    plain = text.replace("\u00a0", "").replace(",", ".").replace("\u2212", "-")
    assert abs(float(plain) - x) <= 0.5 * 10**-digits + 1e-9
    if digits:
        assert re.search(r",\d{" + str(digits) + "}$", text)


def test_a_point_never_leaks_into_a_shown_number() -> None:
    assert wording.number(2.3, 1) == "2,3"
    assert wording.number(1234567.5, 1) == "1\u00a0234\u00a0567,5"
    assert wording.number(1234.5, 1, group=False) == "1234,5"


@given(seconds=st.integers(min_value=0, max_value=10**6))
def test_a_duration_never_says_zero_of_a_unit(seconds: int) -> None:
    text = wording.duration(seconds)
    assert not re.search(r"(?<![\d\u00a0])0 (мин|с|ч)", text) or seconds == 0
    assert re.fullmatch(r"([\d\u00a0]+ ч)?( ?\d+ мин)?( ?\d+ с)?", text)
    hours = re.search(r"([\d\u00a0]+) ч", text)
    mins = re.search(r"(\d+) мин", text)
    secs = re.search(r"(\d+) с", text)
    total = (
        (int(hours.group(1).replace("\u00a0", "")) * 3600 if hours else 0)
        + (int(mins.group(1)) * 60 if mins else 0)
        + (int(secs.group(1)) if secs else 0)
    )
    # An hour and more drops the seconds; otherwise the duration is exact.
    assert total == seconds if seconds < 3600 else 0 <= seconds - total < 60


def test_durations_as_people_say_them() -> None:
    assert wording.duration(60) == "1 мин"
    assert wording.duration(300) == "5 мин"
    assert wording.duration(150) == "2 мин 30 с"
    assert wording.duration(45) == "45 с"
    assert wording.duration(3900) == "1 ч 5 мин"


@given(seconds=st.integers(min_value=0, max_value=10**6))
def test_minutes_for_a_spreadsheet_read_back(seconds: int) -> None:
    text = wording.minutes(seconds)
    assert "." not in text and "\u00a0" not in text
    assert abs(float(text.replace(",", ".")) - seconds / 60) <= 0.05 + 1e-6


def test_dates_in_russian() -> None:
    assert wording.date(dt.date(2026, 12, 1)) == "1 декабря 2026"
    assert wording.date(dt.datetime(2026, 3, 8, 19, 10), with_time=True) == "8 марта 2026, 19:10"
    assert wording.short_date(dt.date(2026, 12, 1)) == "01.12.2026"
    assert wording.short_date(None) == "—"


def test_plural_with_explicit_forms() -> None:
    assert [wording.plural(n, "день", "дня", "дней") for n in (1, 2, 5, 21, 12)] == [
        "день",
        "дня",
        "дней",
        "день",
        "дней",
    ]


def test_an_unknown_noun_is_a_programming_error_that_names_the_table() -> None:
    with pytest.raises(KeyError, match=r"wording\.NOUNS"):
        wording.count(3, "кошка")
