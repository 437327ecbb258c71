"""ConText qualifiers and red-flag frames, edsnlp style: one annotated sentence per trigger family.

Each case names a finding and what the reader must say of it: ``current`` (present, no
qualifier), or the qualifier that makes it not current (``historical``, ``hypothetical``,
``other``, ``negated``). Then what the qualifiers do to the triage level.
"""

from __future__ import annotations

import pytest

import reading_helpers
from spasmnav import understand
from spasmnav.assessing import assess_text

CASES: list[tuple[str, str, str]] = [
    # historical: an explicit past
    (
        "Год назад был эпилептический приступ, сейчас ночью сводит икры",
        "generalized_convulsions",
        "historical",
    ),
    ("В 2019 году перекосило лицо, теперь дёргается нога", "face_droop", "historical"),
    (
        "Давно, лет пять назад, терял сознание; сейчас сводит ноги",
        "loss_of_consciousness",
        "historical",
    ),
    # historical: residual
    ("После инсульта осталась невнятная речь, нога дёргается", "speech_disturbance", "historical"),
    ("Лицо так и осталось немного кривым после инсульта, ногу сводит", "face_droop", "historical"),
    ("С тех пор рука слабая, а нога подёргивается", "arm_weakness", "historical"),
    ("После инсульта нога не слушается, по ночам её дёргает", "sudden_focal_deficit", "historical"),
    # historical: a chronic baseline
    (
        "Одышка привычная, много лет астма, икры сводит по ночам",
        "breathing_difficulty",
        "historical",
    ),
    # the present wins over the past
    ("Два года назад был инсульт, а сегодня вдруг перекосило лицо", "face_droop", "current"),
    (
        "После инсульта дёргается нога, а сейчас у мамы вдруг перекосило лицо",
        "face_droop",
        "current",
    ),
    ("После инсульта на 10 минут онемела рука, сейчас прошло", "sudden_focal_deficit", "current"),
    # hypothetical: fears, conditions, questions
    ("Боюсь, что у меня будет инсульт, ногу сводит", "post_stroke", "hypothetical"),
    ("Если нога посинеет, что делать? Сводит икры", "leg_blue", "hypothetical"),
    ("Может ли судорога в ноге быть признаком инсульта?", "post_stroke", "hypothetical"),
    (
        "Язык заплетается только когда выпью, ноги сводит ночью",
        "speech_disturbance",
        "hypothetical",
    ),
    # a question about something else keeps the finding current
    ("У мамы перекосило лицо, что делать?", "face_droop", "current"),
    ("Перекосило лицо, это инсульт?", "face_droop", "current"),
    # other: another person
    ("У соседки был инсульт, а у меня сводит ногу", "post_stroke", "other"),
    ("У бабушки два года назад была эпилепсия, у меня дёргается нога", "epilepsy_history", "other"),
    # the patient named by a carer is the patient, and reporters are not patients
    (
        "Маме 74 года. Час назад у неё повисла правая рука, нога дёргается",
        "sudden_focal_deficit",
        "current",
    ),
    (
        "Сестра говорит, что у меня лицо стало кривое с утра, нога подёргивается",
        "face_droop",
        "current",
    ),
    # negation still works beside the new qualifiers
    ("Ногу сводит, сознание не терял", "loss_of_consciousness", "negated"),
    # old residuals and a new deficit: an onset in its own clause ends the old one's reach
    (
        "Нога волочится давно, с тех пор как был инсульт, со вчерашнего вечера рука не слушается",
        "arm_weakness",
        "current",
    ),
    (
        "Нога волочится давно, с тех пор как был инсульт, рука не слушается, ногу сводит",
        "arm_weakness",
        "historical",
    ),
    # a correction that calls what was just said old
    (
        "Лицо кривое, но это старое, с самого инсульта так; нога дёргается",
        "face_droop",
        "historical",
    ),
    ("Лицо кривое, но нога дёргается", "face_droop", "current"),
    # the future has not happened
    ("Ложка будет выпадать из рук? Сейчас ногу сводит", "arm_weakness", "hypothetical"),
    # «у неё» is the person named before it, a reporter too
    (
        "Сестра говорит, что у неё после родов ноги отекали. Мне 28, ноги сводит",
        "postpartum",
        "other",
    ),
    # a comparison with the past does not negate the pain; a plain «такого нет» still does
    ("Сильно болит голова, такой боли никогда не было, ногу сводит", "headache", "current"),
    ("Ноги дёргаются. Дома в покое такого нет", "at_rest_evening", "negated"),
    (
        "Голова болит, такой сильной боли у меня в жизни не было, ногу сводит",
        "worst_pain_ever",
        "current",
    ),
]


@pytest.mark.parametrize(("text", "finding", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_qualifier(text: str, finding: str, expected: str) -> None:
    assert reading_helpers.state(text, finding) == expected


def test_qualified_findings_show_their_cue_words() -> None:
    u = understand("Год назад был эпилептический приступ, сейчас ночью сводит икры")
    obs = u.facts["generalized_convulsions"]
    assert "historical" in obs.qualifiers and obs.cues == ("год назад",)
    assert obs.text is not None and obs.start is not None and obs.end is not None
    a = assess_text("Год назад был эпилептический приступ, сейчас ночью сводит икры").to_dict()
    shown = {f["id"]: f for f in a["findings"]}
    assert shown["generalized_convulsions"]["qualifiers"] == ["historical"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # An old seizure or a residual deficit is a doctor's visit, not 103.
        (
            "Год назад был эпилептический приступ, сейчас контролируется. Ночью сводит икры",
            "doctor",
        ),
        ("После инсульта полгода назад осталась невнятная речь, дёргается нога", "doctor"),
        # Fears and someone else's events count for nothing.
        ("Боюсь инсульта, ночью свело икру, потянул носок — прошло", "self_care"),
        ("У соседки был инсульт. Ночью свело икру, потянул носок — прошло", "self_care"),
        # Undated means current.
        ("Перекосило лицо, нога дёргается", "emergency"),
        ("Внезапно ослабли рука и нога справа", "emergency"),
        ("Нога перестала слушаться", "emergency"),
        ("Онемела правая сторона тела", "emergency"),
        ("У мамы левая нога не слушается с обеда и её подёргивает", "emergency"),
        ("Бьётся в судорогах", "emergency"),
        ("Ногу дёргает уже минут семь без остановки, ритмично, остановить не могу", "emergency"),
        # Indirect stroke signs and a worsening old paresis (frames: a hand and a falling object,
        # a limb and a loss of function).
        ("Вдруг ложка выпала из руки, нога подёргивается", "emergency"),
        ("Чай проливает из левой руки, нога дёргается", "emergency"),
        ("Руки трясутся, чай проливаю из руки, икры сводит по ночам", "doctor"),
        ("После инсульта нога слабая. Сегодня нога вдруг совсем перестала держать", "emergency"),
        (
            "После ОНМК нога тугая. Вчера вечером будто подменили: сонная, нога дёргается",
            "emergency",
        ),
        # A limb that does not move is not a person who sits still.
        ("Сводит стопу, когда долго сижу не двигаюсь, потом разомнусь и проходит", "self_care"),
        # Jerks, then the limb stops working for a while (Todd's paresis): today.
        ("Ногу дёргает по 2 минуты, после этого нога как будто отключается на полчаса", "urgent"),
        ("После инсульта рука повисла давно, нога трясётся по вечерам", "doctor"),
    ],
)
def test_what_qualifiers_and_frames_do_to_the_level(text: str, level: str) -> None:
    assert assess_text(text).level == level


@pytest.mark.parametrize(
    "text",
    [
        "ночью был приступ судорог в икре, потянул носок — прошло",  # a cramp, not a seizure
        "дергающие боли в пояснице",
        "когда засыпаю, дёргаю ногой, будто падаю",
        "рефлексы очень резкие, нога слабая после инсульта, дёргается",
    ],
)
def test_lookalikes_of_frames_do_not_call_an_ambulance(text: str) -> None:
    assert assess_text(text).level != "emergency"


def test_a_frame_is_negated_like_any_finding() -> None:
    u = understand("Вдруг свело ногу, слабости в руке нет, лицо не перекошено")
    assert u.facts["cramp"].present is True
    assert u.facts.get("face_droop") is None or u.facts["face_droop"].present is False
