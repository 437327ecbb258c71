"""Round 8, stop 25: the families behind the emergencies that families2-14 still missed.

Every sentence (``tests/cases/paraphrases_f14.json``) was written by a separate writer who saw
neither the rules nor the cases: positives must read at least at the writer's level; negatives
(negated, old, hypothetical, a stranger's, benign look-alikes) at most at it. The families:

- new_weakness: a new weakness today beside an old deficit, an apposition («ослабла другая,
  правая нога»), a limb «как плеть», a chart's «остро»;
- speech_lost: speech gone for minutes today, said as an absence («не было речи»);
- acute_confusion: «перестал меня узнавать», muttering (the person word inside the finding's
  own words is its object, not whose it is);
- dark_urine: dark urine with muscle pain, statins or a crushed limb, the colour apart from
  «моча»;
- face_blow_anticoagulant: a blow to the face («ушиб лица», «разбил нос») on a blood thinner;
- child_pills: a small child and pills missing («не хватает 2-3 таблеток»);
- chart_ischaemia: a chart's pale, mottled, pulseless foot;
- cord_compression: cancer with spinal pain and a cord sign (NICE NG234);
- relative_mentioned: a relative only mentioned («внук приехал») is not the patient;
- hypnic: a start of the whole body while falling asleep «будто падаю» is no seizure; a seizure
  at night still is;
- gradual_confusion: memory failing over months is a planned visit; confusion since last night
  is an emergency, even with a known dementia;
- bruise_vs_ischaemia: a leg gone blue after a fall is a bruise; cold and pale without injury
  is acute ischaemia;
- botox_review: the toxin worn off is the neurologist's; swallowing or breathing trouble after
  it is an emergency;
- weaker_over_days: a paretic leg clearly weaker over days is seen today;
- farewell_pills: a farewell with pills at hand is an emergency.

Sentences the reader still gets wrong carry ``"gap": true`` and are strict xfails, so that a
fix shows up here (the gaps are listed in the closing note of the stop).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reading_helpers import level
from spasmnav.result import Level

ORDER: list[Level] = ["self_care", "doctor", "urgent", "emergency"]
ITEMS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "cases" / "paraphrases_f14.json").read_text(encoding="utf-8")
)


def _params(kind: str) -> list[Any]:
    out = []
    for it in ITEMS:
        if it["kind"] != kind:
            continue
        marks = [pytest.mark.xfail(strict=True, reason="a known gap")] if it["gap"] else []
        out.append(pytest.param(it["text"], it["level"], id=f"{it['family']}", marks=marks))
    return out


@pytest.mark.parametrize(("text", "expected"), _params("positive"))
def test_the_danger_is_read(text: str, expected: Level) -> None:
    assert ORDER.index(level(text)) >= ORDER.index(expected)


@pytest.mark.parametrize(("text", "highest"), _params("negative"))
def test_the_control_is_not_raised(text: str, highest: Level) -> None:
    assert ORDER.index(level(text)) <= ORDER.index(highest)


# Two families of emergencies the older sets accepted as urgent, written here (not by the
# writers): a very low blood pressure with drowsiness or a slow pulse (NEWS2), and an irregular
# heart with weakness that keeps a person on diuretics from standing (severe hypokalaemia).
@pytest.mark.parametrize(
    "text",
    [
        "Пьёт сирдалуд, вчера добавили ципролет. Сейчас давление 82/50, сонная, еле отвечает.",
        "АД 78/45, пульс 48, вялый, засыпает на ходу — что делать?",
        "папа на таблетках от давления, сегодня давление 85 на 50 и он какой-то спутанный",
        "Пью фуросемид, сердце с перебоями, слабость такая, что не могу встать с кровати.",
        "На мочегонных, калий 2,8, в ногах сильная слабость и перебои в сердце.",
    ],
)
def test_a_low_pressure_or_potassium_emergency_is_read(text: str) -> None:
    assert level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Давление у меня всегда низкое, 95/60, чувствую себя нормально, ночью сводит икру.",
        "Пью фуросемид, перебоев в сердце нет, слабости нет, иногда сводит икры ночью.",
    ],
)
def test_a_low_pressure_or_diuretic_without_danger_is_no_emergency(text: str) -> None:
    assert level(text) != "emergency"


# families15's missed emergencies, written here: «до сих пор» is still going on, not a residual
# of the past; the twitching word in the clause before «затем рука»; slow breathing with
# drowsiness (a baclofen pump refill, a day's tablets at once).
@pytest.mark.parametrize(
    "text",
    [
        "Судороги начались минут десять назад и до сих пор не прекращаются, он не отвечает.",
        "Сначала задёргалась стопа, потом рука, сейчас дёргает всю правую сторону.",
        "После заправки помпы муж вялый, дышит редко и поверхностно.",
        "Мама выпила все вечерние таблетки разом, теперь сонная, дыхание какое-то редкое.",
        "Перепутал органайзер и выпил баклофен разом за весь день, еле разбудили.",
    ],
)
def test_an_ongoing_seizure_or_a_slow_breath_is_read(text: str) -> None:
    assert level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Делаю дыхательную гимнастику, дышу редко и глубоко, ночью сводит икру.",
        "Нога до сих пор немного тугая после инсульта, делаю растяжку.",
    ],
)
def test_slow_breathing_exercise_or_a_lasting_residual_is_no_emergency(text: str) -> None:
    assert level(text) != "emergency"
