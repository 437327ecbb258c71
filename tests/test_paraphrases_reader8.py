"""Reader families of round 8 (sentences written fresh, not copied from any case): wrong readings
fixed in the reader, each as a family of wordings, with positive controls nearby.

1. A negated event whose «не» follows or precedes its own verb: «в обморок не падала»,
   «сознания не теряла», «не падала в обморок» deny the event.
2. A medicine denied by «не пью», «не принимаю» on either side is not taken; stopped or run
   out in the same sentence, it was taken until then (a withdrawal needs it).
"""

from __future__ import annotations

import pytest

from reading_helpers import level, state

# --- 1. «в обморок не падала» ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "В обморок не падала, просто ноги сводит по ночам",
        "ночью крутит икры. в обморок ни разу не падал",
        "Голова иногда кружится, но в обморок не падаю, икры сводит",
        "не падала в обморок, только ногу тянет",
        "Папа в обморок не грохнулся, ногу у него трясло минуту",
        "сознания не теряла, в обморок не падала, икру сводит",
    ],
)
def test_a_faint_denied_after_its_verb_is_negated(text: str) -> None:
    assert state(text, "fainting") == "negated"


@pytest.mark.parametrize(
    "text",
    [
        "Икру сводит, в обморок не падала. Сознание не теряла",
        "ногу трясло, сознание не терял ни на секунду",
    ],
)
def test_consciousness_denied_after_its_verb_is_negated(text: str) -> None:
    assert state(text, "loss_of_consciousness") == "negated"


def test_a_calm_cramp_with_a_denied_faint_is_not_seen_today() -> None:
    assert level("В обморок не падала, сознание не теряла, просто икры сводит ночью") in (
        "self_care",
        "doctor",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Вчера упала в обморок, ногу свело",
        "ногу свело, и она упала в обморок",
        "В обморок падала дважды за неделю, икры сводит",
    ],
)
def test_a_faint_told_is_still_a_faint(text: str) -> None:
    assert state(text, "fainting") == "current"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        # The verb denies its own object only: the legs that gave way stay.
        ("ноги подкосились не упала", "sudden_leg_paralysis"),
        ("ноги вдруг подкосились, сознание не теряла", "sudden_leg_paralysis"),
    ],
)
def test_a_denied_fall_keeps_the_legs_giving_way(text: str, finding: str) -> None:
    assert state(text, finding) == "current"


# --- 2. «тизанидин не пью» -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("нога дёргается, тизанидин не пью", "tizanidine"),
        ("Сирдалуд больше не принимаю, ноги сводит по ночам", "tizanidine"),
        ("не пью тизанидин, ноги сводит", "tizanidine"),
        ("варфарин не пью, ногу сводит", "anticoagulant"),
        ("мочегонные не принимаю, икры сводит", "diuretics"),
        ("Мама не принимает больше мочегонные, икры крутит", "diuretics"),
    ],
)
def test_a_medicine_denied_by_its_verb_is_not_taken(text: str, finding: str) -> None:
    assert state(text, finding) == "negated"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Пью тизанидин, ноги не сводит", "tizanidine"),
        ("а можно ли баклофен не пить?", "taking_baclofen"),
        ("Тизанидин не пью, таблетки закончились, давление скачет", "tizanidine"),
        ("баклофен не пью, таблетки закончились, ногу сводит", "taking_baclofen"),
    ],
)
def test_a_medicine_taken_asked_about_or_run_out_is_taken(text: str, finding: str) -> None:
    assert state(text, finding) == "current"


@pytest.mark.parametrize(
    "text",
    [
        "баклофен не принимаю уже неделю, ногу сводит",
        "Баклофен не пью третий день, ноги как палки",
        "баклофен больше не пью, нога скованная",
        "мужу баклофен не даём со вчера, ногу скрутило",
    ],
)
def test_baclofen_not_taken_for_days_is_a_stop(text: str) -> None:
    assert state(text, "baclofen_stopped") == "current"
    assert level(text) in ("urgent", "emergency")


def test_baclofen_stopped_with_fever_and_confusion_is_an_emergency() -> None:
    assert level("баклофен не пью три дня, ноги скрутило, жар, путается в словах") == "emergency"


def test_palpitations_alone_see_a_doctor() -> None:
    assert level("Пью много кофе, дёргаются икры, сердце колотится. В обморок не падала") in (
        "doctor",
        "urgent",
    )
