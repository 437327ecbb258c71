"""Free Russian text to findings and to the right triage: labelled cases and language rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spasmnav import understand
from spasmnav.assessing import assess_text
from spasmnav.engine import RANK
from spasmnav.language import MAX_TEXT_CHARS, TextError

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "cases" / "labelled.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


def test_enough_labelled_cases_cover_every_condition_and_level() -> None:
    assert len(CASES) >= 150
    levels = {c.get("triage") for c in CASES if c.get("in_scope", True)}
    assert levels == set(RANK)
    named = {cid for c in CASES for group in c.get("conditions", []) for cid in group}
    from spasmnav.content import load_pack

    missing = {c.id for c in load_pack().conditions} - named
    assert not missing, f"conditions without a labelled case: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_labelled_case(case: dict[str, Any]) -> None:
    a = assess_text(case["text"]).to_dict()
    if not case.get("in_scope", True):
        # No involuntary leg contraction described: red flags are still checked (a swollen calf
        # without a contraction is out of scope, and still «today»).
        assert a["in_scope"] is False
        assert a["message"]
        if "triage" in case:
            assert a["triage"]["level"] == case["triage"]
        else:
            assert a["triage"]["level"] != "emergency"
        return
    assert a["in_scope"] is True
    assert a["triage"]["level"] == case["triage"]
    if case.get("specialist"):
        assert a["triage"]["specialist"] in case["specialist"]
    top3 = [c["id"] for c in a["conditions"][:3]]
    for group in case.get("conditions", []):
        assert any(g in top3 for g in group), (group, top3)


def facts(text: str) -> dict[str, bool | None]:
    return {k: v.present for k, v in understand(text).facts.items()}


def value(text: str, name: str) -> float | None:
    o = understand(text).facts.get(name)
    return o.value if o else None


@pytest.mark.parametrize(
    ("text", "finding", "present"),
    [
        # Weakness, pain and numbness are the leg's only beside a leg word («общая слабость»).
        ("нет слабости в ноге", "leg_weakness", False),
        ("в ноге слабости нет", "leg_weakness", False),
        ("В ногах слабости, боли и онемения нет", "leg_numbness", False),
        ("Отёка и покраснения нет", "calf_redness", False),
        ("отека и покраснения нет, икра мягкая", "calf_swelling", False),
        ("не терял сознание", "loss_of_consciousness", False),
        ("сознание не терял", "loss_of_consciousness", False),
        ("ноги без слабости", "leg_weakness", False),
        ("в ногах ни слабости, ни онемения", "leg_numbness", False),
        ("судорог не было", "cramp", False),
        ("слабости нет, но немеет стопа", "leg_numbness", True),
        ("слабости нет, а нога немеет", "leg_numbness", True),
        ("не могу поднять руку", "arm_weakness", True),
        ("не проходит уже неделю", "persists_not_resolving", True),
        ("не понимает, где находится", "confusion", True),
        ("не отвечает на вопросы", "unresponsive", True),
        ("не даёт спать", "interferes_sleep", True),
        ("ходить не мешает", "interferes_walking", False),
        ("мешает ходить", "interferes_walking", True),
        ("не знаю, почему сводит ногу", "cramp", True),
        ("нога дергается без остановки, судороги по всему телу", "generalized_convulsions", True),
        ("Ногу не сводит и не дёргает", "cramp", False),
        ("Ногу не сводит и не дёргает", "twitching", False),
        ("перестал чувствовать ногу", "sudden_sensation_loss_leg", True),
        ("лицо перекосило", "face_droop", True),
        ("перекосило лицо", "face_droop", True),
        ("нога дергаеться", "twitching", True),
        ("задёргалась нога", "twitching", True),
        ("икру свело", "cramp", True),
        ("как деревянная нога", "stiffness", True),
        ("червячок под кожей на икре", "local_muscle_twitch", True),
        ("крутит икры по ночам", "cramp", True),
        ("Икра опухла", "calf_swelling", True),
        ("опухла щека", "calf_swelling", None),
        ("свело икру, после этого она отекла", "calf_swelling", True),
        ("стали чаще", "symptoms_worsening", True),
        ("сильные судороги", "symptoms_worsening", None),
        ("у папы дергается нога", "subject_other", True),
        ("муж говорит невнятно", "speech_disturbance", True),
        ("слабости нет .. перекосило лицо", "face_droop", True),
        ("Ночью свело икру левой ноги, слабости нет", "one_sided", True),
        ("Ночью свело икру левой ноги, слабости нет", "calf_location", True),
        ("Ночью свело икру левой ноги, слабости нет", "leg_weakness", False),
        ("нет слабости... перекосило лицо", "face_droop", True),
    ],
)
def test_finding(text: str, finding: str, present: bool | None) -> None:
    assert facts(text).get(finding) is present


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("сводит ноги уже 3 нед", "symptom_duration_days", 21),
        ("полтора месяца сводит ноги", "symptom_duration_days", 45.6),
        ("второй месяц дергается нога", "symptom_duration_days", 60.8),
        ("дней пять дергается нога", "symptom_duration_days", 5),
        ("уже месяц сводит икры", "symptom_duration_days", 30.4),
        ("икра болит третий день, сводит", "symptom_duration_days", 3),
        ("Два месяца после инсульта", "days_since_stroke", 60.8),
        ("инсульт был полгода назад", "days_since_stroke", 182),
        ("Три недели назад был инсульт", "days_since_stroke", 21),
        ("Мне 64 года", "age", 64),
        ("Мужчине 70 лет", "age", 70),
        ("мне 30, сводит ногу", "age", 30),
        ("Беременность 28 недель, сводит икры", "pregnancy_weeks", 28),
        ("каждую ночь сводит", "episodes_per_week", 7),
        ("сводит 2-3 раза в неделю", "episodes_per_week", 3),
        ("несколько раз в день дергается", "episodes_per_week", 21),
        ("раз в пару месяцев сводит", "episodes_per_week", 0.115),
        ("судороги дольше 5 минут", "episode_minutes", 5),
    ],
)
def test_quantity(text: str, name: str, expected: float) -> None:
    assert value(text, name) == pytest.approx(expected, rel=0.01)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Сахарный диабет 15 лет, сводит ноги", "symptom_duration_days"),
        ("Курю 30 лет, сводит икры", "symptom_duration_days"),
        ("Месяц назад удалили щитовидную железу, сводит ноги", "symptom_duration_days"),
        ("раз в пару месяцев сводит", "symptom_duration_days"),
    ],
)
def test_durations_of_other_things_are_not_the_symptoms(text: str, absent: str) -> None:
    assert value(text, absent) is None


def test_spans_point_at_the_words() -> None:
    text = "У мамы после инсульта подёргивается нога, а сегодня перекосило лицо."
    u = understand(text)
    face = u.facts["face_droop"]
    assert face.start is not None and face.end is not None
    assert text[face.start : face.end] == face.text
    assert "перекосило" in (face.text or "")
    assert u.subject == "other"


def test_out_of_scope_text_still_escalates_red_flags() -> None:
    a = assess_text("Перекосило лицо у мамы, рука не поднимается").to_dict()
    assert a["in_scope"] is False
    assert a["triage"]["level"] == "emergency"
    assert a["message"]


def test_empty_text_is_an_error() -> None:
    for bad in ("", "   ", "\n\t"):
        with pytest.raises(TextError):
            understand(bad)


def test_long_text_is_truncated_with_a_notice() -> None:
    text = "Сводит икру ночью. " * 1000
    a = assess_text(text).to_dict()
    assert a["in_scope"] is True
    assert any(str(MAX_TEXT_CHARS) in n for n in a["notes"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_string_gives_an_assessment_or_a_clear_error(text: str) -> None:
    try:
        a = assess_text(text).to_dict()
    except TextError as exc:
        assert not text.strip()
        assert "текст" in str(exc).lower()
        return
    assert a["triage"]["level"] in RANK


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "сводит икру",
                "нога дергается",
                "после инсульта",
                "ночью",
                "кофе",
                "не знаю",
                "слабости нет",
                "болит",
                ",",
                ".",
                "а",
                "но",
                "очень",
                "🙂",
                "x",
                "123",
            ]
        ),
        min_size=1,
        max_size=15,
    ),
    st.sampled_from(
        [
            "перекосило лицо",
            "судороги всего тела",
            "потерял сознание",
            "трудно дышать",
            "невнятно говорит",
        ]
    ),
)
def test_a_red_flag_sentence_always_escalates(words: list[str], flag: str) -> None:
    text = " ".join(words) + ". " + flag + "."
    assert assess_text(text).level == "emergency"


def _lines(name: str) -> list[str]:
    path = Path(__file__).parent / "cases" / name
    return [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()]


@pytest.mark.parametrize("text", _lines("emergencies.txt"))
def test_emergency_paraphrases_are_caught(text: str) -> None:
    assert assess_text(text).level == "emergency"


@pytest.mark.parametrize("text", _lines("negated_red_flags.txt"))
def test_negated_red_flags_do_not_escalate(text: str) -> None:
    a = assess_text(text)
    assert a.level in ("self_care", "doctor"), [r.rule for r in a.reasons]
