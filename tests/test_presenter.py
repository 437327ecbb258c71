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


def test_first_screen_has_the_level_one_sentence_of_why_and_at_most_three_things() -> None:
    from spasmnav.presenter import NOW_LIMIT, first_sentence, present

    pack = load_pack()
    for text in (
        "ночью свело икру, потянула носок и прошло",
        "После инсульта полгода, правая нога тугая, трудно согнуть",
        "Опухла и болит правая икра, горячая на ощупь",
    ):
        view = present(assess_text(text), pack)
        assert view.why and view.why.count(". ") == 0 and view.why.endswith((".", "!", "?"))
        things = len(view.now) + (1 if view.red_flags_unchecked else 0)
        assert 1 <= things <= NOW_LIMIT, (text, view.now)
        # First aid comes first; the rest of the advice is in the order a person needs it.
        kinds = [x.kind for x in view.advice]
        order = ["self_help", "visit", "caution", "lifestyle", "info"]
        assert kinds == sorted(kinds, key=order.index), kinds
    assert first_sentence("Выпрямите ногу. Потом встаньте.") == "Выпрямите ногу."
    assert first_sentence("Т. е. «так». Дальше") == "Т. е. «так»."
    from spasmnav.presenter import short_text

    text = "Потяните носок. Разотрите. Не делайте этого, если икра опухла. Потом лягте."
    assert short_text(text) == "Потяните носок. Не делайте этого, если икра опухла."
    # Nothing shown now loses the warning its full advice carries.
    view = present(assess_text("ночью свело икру, потянула носок и прошло"), pack)
    for item in view.now:
        full = next((x.text for x in view.advice if x.title == item.title), "")
        for sentence in full.split(". "):
            if sentence.startswith("Не "):
                assert sentence.rstrip(".") in item.text


def test_every_exercise_has_a_player_plan_from_its_own_parameters() -> None:
    from spasmnav.presenter import exercise_view

    pack = load_pack()
    plans = {x.id: exercise_view(x.card(pack)).plan for x in pack.exercises}
    assert set(plans) == {x.id for x in pack.exercises}
    for xid, plan in plans.items():
        x = pack.exercise(xid)
        assert plan["mode"] in ("breathing", "hold", "count", "stopwatch", "timer"), xid
        # Every number the player counts is in the exercise's own words.
        numbers = " ".join(
            filter(None, (x.repetitions, x.hold_seconds, x.instructions, x.duration_minutes))
        )
        if plan["reps"]:
            assert str(plan["reps"]) in (x.repetitions or "")
        for phase in plan["phases"]:
            assert str(phase["seconds"]) in numbers, (xid, phase)
        if plan["countdown"]:
            assert str(plan["countdown"] // 60) in (x.duration_minutes or "")
    breathing = plans["breathing_446"]
    assert [(p["cue"], p["seconds"]) for p in breathing["phases"]] == [
        ("inhale", 4),
        ("hold", 4),
        ("exhale", 6),
    ]
    assert plans["straight_leg_raise"]["sides"] == 2  # «8–10 раз для каждой ноги»
    assert plans["calf_stretch"]["mode"] == "stopwatch"  # no hold length in the sources
    assert plans["calf_stretch"]["sides"] == 2  # «затем смените ногу»
    assert plans["daily_walking"]["countdown"] == 20 * 60


def test_the_terminal_says_why_and_what_to_do_now_before_the_details() -> None:
    out = _terminal("ночью свело икру, потянула носок и прошло")
    why = out.index("В том, что вы описали, нет признаков")
    now = out.index("Что сделать сейчас")
    assert why < now < out.index("Почему такой вывод") < out.index("Что делать\n")
    assert "Не делайте этого, если икра опухла" in out[now : out.index("Почему такой вывод")]


def test_the_terminal_puts_the_notice_about_a_long_text_at_the_top() -> None:
    out = _terminal("Ночью свело икру, потянула носок — прошло. " * 200)
    notice = next(line for line in out.splitlines() if "знаков" in line)
    assert out.index(notice) < out.index("Почему такой вывод")
