"""The one presenter: level words, exercise labels, source titles, highlighted words."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from rich.console import Console

from spasmnav.assessing import assess_text
from spasmnav.content import LEVELS, load_pack
from spasmnav.diary.ics import build_plan
from spasmnav.engine import assess_findings
from spasmnav.packdoc import render_pack
from spasmnav.presenter import (
    EXERCISE_LABELS,
    LEVEL_WORDS,
    Segment,
    exercise_parameters,
    exercise_view,
    highlight_segments,
    present,
    source_label,
)
from spasmnav.result import EXERCISE_PARAMETERS, Citation, TextMatch
from spasmnav.terminal import print_assessment

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def test_every_level_has_one_set_of_words() -> None:
    assert set(LEVEL_WORDS) == set(LEVELS)
    assert len({w.badge for w in LEVEL_WORDS.values()}) == len(LEVELS)
    assert len({w.icon for w in LEVEL_WORDS.values()}) == len(LEVELS)
    a = assess_findings({"twitching": True, "face_droop": True})
    view = present(a, load_pack())
    assert view.emergency and view.badge == LEVEL_WORDS["emergency"].badge == "СРОЧНО"


def test_exercise_labels_cover_every_parameter_with_the_seeds_word() -> None:
    assert tuple(EXERCISE_LABELS) == EXERCISE_PARAMETERS
    # The seed: «удерживайте 5 секунд», «фиксируя положение на 3–5 секунд» — a hold.
    assert EXERCISE_LABELS["hold_seconds"] == "Удержание"
    seeds = sorted(SEED.glob("000_*.txt"))
    if seeds:
        assert "удерживайте" in seeds[0].read_text(encoding="utf-8")


def test_every_edge_uses_the_same_exercise_labels() -> None:
    pack = load_pack()
    held = next(x for x in pack.exercises if x.hold_seconds)
    card = held.card(pack)
    params = dict(exercise_parameters(card))
    assert params["Удержание"] == held.hold_seconds
    assert "Задержка" not in params
    view = exercise_view(card)
    assert view.params == tuple(exercise_parameters(card)) and view.hold_label == "Удержание"
    assert view.hold is not None and str(view.hold) in held.hold_seconds
    assert f"Удержание: {held.hold_seconds}" in render_pack(pack)
    plan = build_plan([held], start=dt.date(2024, 1, 1)).decode()
    assert "удержание:" in plan.replace("\r\n ", "")


def test_a_person_sees_source_titles_never_a_file_name() -> None:
    seed = Citation("seed_stroke", "Материал «Нога»", line=44, file="000_de109bda9b594b97.txt")
    assert source_label(seed) == "Материал «Нога», строка 44"
    span = Citation("seed_stroke", "Материал «Нога»", line=2, end_line=3, file="000_x.txt")
    assert source_label(span) == "Материал «Нога», строки 2–3"
    guide = Citation("nice_cks_cramps", "NICE CKS: судороги в ногах", section="Red flags")
    assert source_label(guide) == (
        "NICE CKS: судороги в ногах, раздел «Опасные признаки» (Red flags)"
    )
    other = Citation("x", "NICE", section="Glossary")
    assert source_label(other) == "NICE, раздел «Glossary»"
    assert source_label(Citation("mas_scale", "Шкала Эшворта")) == "Шкала Эшворта"


def _terminal(text: str) -> str:
    console = Console(record=True, width=300, highlight=False)
    print_assessment(console, assess_text(text))
    return console.export_text()


def test_the_terminal_report_names_sources_and_exercise_parameters_in_words() -> None:
    out = _terminal(
        "После инсульта полгода назад правая нога дёргается по вечерам, мышцы как каменные"
    )
    assert "Источник:" in out and "строк" in out
    assert not FILE_NAME.search(out), "a file name reached the person"
    assert "Повторения: " in out and "Удержание: " in out
    assert "Задержка" not in out


def test_the_terminal_badge_comes_from_the_presenter() -> None:
    out = _terminal("У мамы внезапно перекосило лицо и нога не слушается")
    words = LEVEL_WORDS["emergency"]
    assert f"{words.emoji} {words.badge}" in out


def test_highlight_segments_split_overlaps_and_dim_negated_words() -> None:
    text = "нога дёргается, слабости нет"
    matches = (
        TextMatch("twitching", "дерг*", False, 5, 14, "дёргается"),
        TextMatch("leg", "нога", False, 0, 4, "нога"),
        TextMatch("leg_weakness", "слабость", True, 16, 24, "слабости"),
    )
    labels = {"twitching": "Подёргивания", "leg": "Нога", "leg_weakness": "Слабость"}
    pieces = highlight_segments(text, matches, labels)
    assert "".join(p.text for p in pieces) == text
    assert pieces[0] == Segment("нога", ("Нога",), False)
    assert Segment("дёргается", ("Подёргивания",), False) in pieces
    assert Segment("слабости", ("Слабость",), True) in pieces
    assert highlight_segments("abc", (TextMatch("x", "x", False, 2, 9, "c"),), {}) == [
        Segment("abc")
    ]


def test_the_page_view_puts_first_aid_apart_and_keeps_three_conditions() -> None:
    a = assess_text("Ночью свело икру, потянула носок на себя — прошло")
    view = present(a, load_pack())
    assert all(x.kind != "first_aid" for x in view.advice)
    assert len(view.conditions) <= 3 and view.conditions == a.conditions[:3]
    assert view.segments and "".join(s.text for s in view.segments) == a.text


@pytest.mark.parametrize("level", LEVELS)
def test_level_words_style_names_a_colour(level: str) -> None:
    style = LEVEL_WORDS[level].style  # type: ignore[index]
    assert style.split()[-1] in {"red", "yellow", "blue", "green"}
