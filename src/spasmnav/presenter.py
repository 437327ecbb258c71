"""Words for the typed result, shared by every edge: terminal, pages, PDF, API, interview.

Each table a person reads exists here once: the level's badge and icon, the exercise
parameters' labels, the source titles (a person sees «NICE CKS: судороги в ногах» or
«Материал «…», строка 44», never a file name), the order of the result page, and the one JSON
shape of the diary's trends analysis.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .result import (
    EXERCISE_PARAMETERS,
    LEVELS,
    URGENT_LEVELS,
    Advice,
    Assessment,
    Citation,
    ConditionScore,
    Exercise,
    FindingSpan,
    Level,
    MedicineCard,
    Reason,
    RedFlag,
    Test,
    TextMatch,
    UncheckedRedFlag,
)

if TYPE_CHECKING:
    from .content import Pack
    from .diary.analytics import Analysis

__all__ = [
    "EXERCISE_LABELS",
    "LEVEL_WORDS",
    "NOW_LIMIT",
    "SECTION_WORDS",
    "ExerciseView",
    "LevelWords",
    "NowItem",
    "ResultView",
    "Segment",
    "exercise_parameters",
    "exercise_view",
    "first_sentence",
    "highlight_segments",
    "level_words",
    "now_items",
    "player_plan",
    "present",
    "section_words",
    "short_text",
    "sorted_advice",
    "source_label",
    "source_labels",
    "trends_json",
]


@dataclass(frozen=True, slots=True)
class LevelWords:
    """How a level is shown: icon and word and colour together, never colour alone."""

    badge: str  # the short word on the badge
    emoji: str  # the terminal's icon
    icon: str  # the pages' SVG icon id
    style: str  # the terminal's Rich style; its last word is the panel colour


LEVEL_WORDS: Mapping[Level, LevelWords] = {
    "emergency": LevelWords("СРОЧНО", "🚑", "phone", "bold white on red"),
    "urgent": LevelWords("СЕГОДНЯ", "⚠", "alert", "bold black on yellow"),
    "doctor": LevelWords("К ВРАЧУ", "🩺", "doctor", "bold white on blue"),
    "self_care": LevelWords("НАБЛЮДАТЬ", "✓", "check", "bold white on green"),
}
assert set(LEVEL_WORDS) == set(LEVELS)


def level_words(level: str) -> LevelWords:
    return LEVEL_WORDS[level]  # type: ignore[index]


# The seed says «удерживайте 5 секунд», «фиксируя положение на 3–5 секунд»: a hold, not a pause.
EXERCISE_LABELS: Mapping[str, str] = {
    "repetitions": "Повторения",
    "hold_seconds": "Удержание",
    "sets_per_day": "Сколько раз в день",
    "distance": "Расстояние",
    "duration_minutes": "Длительность",
    "per_week": "Сколько раз в неделю",
}
assert tuple(EXERCISE_LABELS) == EXERCISE_PARAMETERS


def exercise_parameters(x: Exercise) -> list[tuple[str, str]]:
    """``(label, value)`` for each parameter the exercise has, in the standard order."""
    return [(EXERCISE_LABELS[name], value) for name, value in x.parameters()]


# The guidelines' own section names (the locators of the pack's citations) in Russian; the
# original follows in brackets so that the place can be found in the English text.
SECTION_WORDS: Mapping[str, str] = {
    "Assessment": "Оценка состояния",
    "Causes": "Причины",
    "Differential diagnosis": "С чем можно спутать",
    "Investigations": "Обследования",
    "Management": "Лечение и помощь",
    "Pregnancy": "Беременность",
    "Red flags": "Опасные признаки",
    "Referral": "Когда направлять к врачу",
    "Risk factors": "Факторы риска",
    "Signs and symptoms": "Признаки и симптомы",
}


def section_words(section: str) -> str:
    """«раздел «Признаки и симптомы» (Signs and symptoms)»; an unknown name as it is."""
    ru = SECTION_WORDS.get(section)
    return f"раздел «{ru}» ({section})" if ru else f"раздел «{section}»"


def source_label(c: Citation) -> str:
    """A citation in words: «Материал «…», строка 44», «NICE CKS: судороги в ногах, раздел
    «Опасные признаки» (Red flags)»."""
    lines = c.lines
    if lines is not None:
        word = "строки" if "-" in lines else "строка"
        return f"{c.title}, {word} {lines.replace('-', '–')}"
    if c.section:
        return f"{c.title}, {section_words(c.section)}"
    return c.title


def source_labels(items: Iterable[Citation]) -> list[str]:
    return [source_label(c) for c in items]


# --- The person's words, highlighted -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the person's text; ``findings`` are the labels of what it matched."""

    text: str
    findings: tuple[str, ...] = ()
    negated: bool = False


def highlight_segments(
    text: str, matches: Sequence[TextMatch], labels: Mapping[str, str]
) -> list[Segment]:
    """Split the text into plain and highlighted pieces (matches may overlap); a piece is
    negated when every match covering it is negated («слабости нет»)."""
    spans = [
        (m.start, m.end, labels.get(m.finding, m.finding), m.negated)
        for m in matches
        if 0 <= m.start < m.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    pieces: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        found = tuple(dict.fromkeys(s[2] for s in covering))
        negated = bool(covering) and all(s[3] for s in covering)
        if pieces and pieces[-1].findings == found and pieces[-1].negated == negated:
            pieces[-1] = Segment(pieces[-1].text + text[a:b], found, negated)
        else:
            pieces.append(Segment(text[a:b], found, negated))
    return pieces


# --- The result, in the order a tired person needs it ------------------------------------------


# What a person needs first, after first aid: what to do themselves now, when to see a doctor,
# then what to change in daily life, cautions and background.
ADVICE_ORDER: Mapping[str, int] = {
    "first_aid": 0,
    "self_help": 1,
    "visit": 2,
    "caution": 3,
    "lifestyle": 4,
    "info": 5,
}
NOW_LIMIT = 3  # things to do now on the first screen; everything else is under «Подробнее»

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«„\"(]?[А-ЯЁA-Z0-9])")


def first_sentence(text: str) -> str:
    """The first sentence of a text («Выпрямите ногу и потяните носок на себя.»)."""
    text = " ".join(text.split())
    return _SENTENCE_END.split(text, maxsplit=1)[0] if text else ""


def short_text(text: str) -> str:
    """The first sentence, and every warning sentence («Не делайте этого, если…»): a shortened
    advice never loses its «не»."""
    text = " ".join(text.split())
    sentences = _SENTENCE_END.split(text) if text else []
    keep = [s for i, s in enumerate(sentences) if i == 0 or s.startswith("Не ")]
    return " ".join(keep)


@dataclass(frozen=True, slots=True)
class NowItem:
    """One thing to do now, in one sentence; ``href`` opens it (an exercise's player)."""

    title: str
    text: str
    kind: str
    href: str | None = None


def sorted_advice(a: Assessment) -> tuple[Advice, ...]:
    """The advice but first aid, in the order a person needs it (``ADVICE_ORDER``)."""
    return tuple(
        sorted(
            (x for x in a.advice if x.kind != "first_aid"),
            key=lambda x: ADVICE_ORDER.get(x.kind, len(ADVICE_ORDER)),
        )
    )


def now_items(a: Assessment) -> tuple[NowItem, ...]:
    """The first screen's things to do now (none in an emergency: the call comes first)."""
    if a.level == "emergency":
        return ()
    return _now_items(a, sorted_advice(a), check=bool(a.red_flags_unchecked))


def _now_items(a: Assessment, advice: Sequence[Advice], *, check: bool) -> tuple[NowItem, ...]:
    """At most ``NOW_LIMIT`` things to do now: first aid, self-help, the first exercise, then
    when to see a doctor. An open red-flag check is the first of them (``check``)."""
    limit = NOW_LIMIT - (1 if check else 0)
    out: list[NowItem] = [NowItem(x.title, short_text(x.text), x.kind) for x in a.first_aid[:limit]]
    helps = [x for x in advice if x.kind == "self_help"]
    visits = [x for x in advice if x.kind == "visit"]
    out += [NowItem(x.title, short_text(x.text), x.kind) for x in helps[:1]]
    if a.exercises and a.level not in URGENT_LEVELS:
        x = a.exercises[0]
        out.append(NowItem(f"С таймером: {x.title}", "", "exercise", f"/exercises/{x.id}"))
    out += [NowItem(x.title, short_text(x.text), x.kind) for x in visits[:1]]
    out += [NowItem(x.title, short_text(x.text), x.kind) for x in helps[1:]]
    return tuple(out[:limit])


@dataclass(frozen=True, slots=True)
class ResultView:
    """What the result page, the interview's last screen and the diary's trend card show.

    The level first; in an emergency only the call and first aid, the rest folded below.
    """

    assessment: Assessment
    words: LevelWords
    first_aid: tuple[Advice, ...]
    advice: tuple[Advice, ...]  # everything but first aid
    conditions: tuple[ConditionScore, ...]  # the three most likely
    segments: tuple[Segment, ...]
    now: tuple[NowItem, ...] = ()  # the first screen's things to do now (not in an emergency)

    @property
    def why(self) -> str:
        """One sentence of why: the first sentence of the leading reason."""
        reasons = self.assessment.reasons
        return first_sentence(reasons[0].text) if reasons else ""

    @property
    def level(self) -> Level:
        return self.assessment.level

    @property
    def badge(self) -> str:
        return self.words.badge

    @property
    def icon(self) -> str:
        return self.words.icon

    @property
    def emergency(self) -> bool:
        return self.assessment.level == "emergency"

    @property
    def title(self) -> str:
        return self.assessment.title

    @property
    def action(self) -> str:
        return self.assessment.action

    @property
    def specialist(self) -> str:
        return self.assessment.specialist

    @property
    def specialist_title(self) -> str:
        return self.assessment.specialist_title

    @property
    def shows_specialist(self) -> bool:
        """«Кто поможет» is said unless it is the default: self-care with the therapist."""
        return self.specialist != "therapist" or self.level != "self_care"

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.assessment.reasons

    @property
    def red_flags(self) -> tuple[RedFlag, ...]:
        return self.assessment.red_flags

    @property
    def red_flags_unchecked(self) -> tuple[UncheckedRedFlag, ...]:
        return self.assessment.red_flags_unchecked

    @property
    def tests(self) -> tuple[Test, ...]:
        return self.assessment.tests

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return self.assessment.exercises

    @property
    def medicines(self) -> tuple[MedicineCard, ...]:
        return self.assessment.medicines

    @property
    def message(self) -> str | None:
        return self.assessment.message

    @property
    def notes(self) -> tuple[str, ...]:
        return self.assessment.notes

    @property
    def text(self) -> str | None:
        return self.assessment.text

    @property
    def present(self) -> tuple[FindingSpan, ...]:
        return self.assessment.present_findings

    @property
    def absent(self) -> tuple[FindingSpan, ...]:
        return self.assessment.absent_findings

    @property
    def qualified(self) -> tuple[tuple[FindingSpan, str], ...]:
        """Findings said not as current ones, each with how it was said, in Russian."""
        return tuple((f, qualifier_words(f)) for f in self.assessment.qualified_findings)

    @property
    def disclaimer(self) -> str:
        return self.assessment.disclaimer

    @property
    def in_scope(self) -> bool:
        return self.assessment.in_scope


def present(a: Assessment, pack: Pack) -> ResultView:
    labels = {f.id: f.label for f in pack.findings}
    segments = highlight_segments(a.text, a.matches or (), labels) if a.text else []
    return ResultView(
        assessment=a,
        words=level_words(a.level),
        first_aid=a.first_aid,
        advice=sorted_advice(a),
        conditions=a.conditions[:3],
        segments=tuple(segments),
        now=now_items(a),
    )


# --- Exercises --------------------------------------------------------------------------------


# The player's words for each timed position; the numbers always come from the pack.
PLAYER_POSITIONS: Mapping[str, tuple[str, ...]] = {
    "knee_flex_extend": ("Согните ногу в колене и держите", "Выпрямите ногу и держите"),
    "straight_leg_raise": ("Поднимите прямую ногу и держите",),
    "isometric_heel_press": ("Упритесь пяткой и напрягите ногу — держите",),
}
PLAYER_RELEASE: Mapping[str, str] = {
    "knee_flex_extend": "Повтор сделан. Отдохните и начните следующий.",
    "straight_leg_raise": "Медленно опустите ногу. Повтор засчитан.",
    "isometric_heel_press": "Полностью расслабьтесь. Повтор засчитан.",
}
_BREATH = {
    "inhale": re.compile(r"вд[оы]х\w*\D{0,20}?(\d+)\s*сек", re.I),
    "hold": re.compile(r"задерж\w*\s+дыхани\w*\D{0,20}?(\d+)\s*сек", re.I),
    "exhale": re.compile(r"выд[оы]х\w*\D{0,20}?(\d+)\s*сек", re.I),
}
BREATH_WORDS = {"inhale": "Вдох", "hold": "Задержите дыхание", "exhale": "Выдох"}
_PER_LEG = re.compile(r"для каждой ноги|смените ногу|другой ногой", re.I)
_MINUTES = re.compile(r"(\d+)(?:\s*[–-]\s*\d+)?\s*мин", re.I)


def player_plan(x: Exercise) -> dict[str, Any]:
    """What the exercise player runs, from the exercise's own parameters (never a made-up
    number): ``phases`` of one repetition (``seconds`` ``None`` = untimed), the target
    ``reps``, how many ``sides`` (legs), a ``countdown`` in seconds for a timed activity, and
    ``mode``: ``breathing`` (phases run on by themselves), ``hold`` (each repetition timed),
    ``count`` (repetitions tapped), ``stopwatch`` (an open hold or activity), ``timer``."""
    text = " ".join(filter(None, (x.hold_seconds, x.instructions)))
    reps = _first_number(x.repetitions)
    hold = _first_number(x.hold_seconds)
    sides = 2 if _PER_LEG.search(" ".join(filter(None, (x.repetitions, x.instructions)))) else 1
    breath = {k: int(m.group(1)) for k, rx in _BREATH.items() if (m := rx.search(text))}
    plan: dict[str, Any] = {"reps": reps, "sides": sides, "phases": [], "countdown": None}
    if len(breath) == 3:
        plan["mode"] = "breathing"
        plan["sides"] = 1
        plan["phases"] = [
            {"say": BREATH_WORDS[k], "seconds": breath[k], "cue": k}
            for k in ("inhale", "hold", "exhale")
        ]
    elif hold:
        plan["mode"] = "hold"
        positions = PLAYER_POSITIONS.get(x.id, ("Держите",))
        plan["phases"] = [{"say": p, "seconds": hold, "cue": "hold"} for p in positions]
        plan["release"] = PLAYER_RELEASE.get(x.id, "Отпустите. Повтор засчитан.")
    elif x.duration_minutes and (m := _MINUTES.search(x.duration_minutes)):
        plan["mode"] = "timer"
        plan["countdown"] = int(m.group(1)) * 60
        plan["sides"] = 1
    elif x.id in PLAYER_OPEN_HOLD:
        plan["mode"] = "stopwatch"
        plan["say"] = PLAYER_OPEN_HOLD[x.id]
    elif reps or not (x.distance or x.per_week):
        plan["mode"] = "count"
    else:
        plan["mode"] = "stopwatch"
        plan["sides"] = 1
    return plan


# Holds whose length the sources do not give: the player counts the time up, per leg.
PLAYER_OPEN_HOLD: Mapping[str, str] = {
    "calf_stretch": "Растяните икру и держите, пока чувствуете мягкое растяжение",
}


@dataclass(frozen=True, slots=True)
class ExerciseView:
    """An exercise with its labelled parameters and the numbers the session player counts.

    Ranges («10–15 раз», «3–5 секунд») start the player at the lower, gentler number.
    """

    exercise: Exercise
    params: tuple[tuple[str, str], ...]
    target_reps: int | None
    hold: int | None
    plan: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def plan_json(self) -> str:
        import json

        return json.dumps(self.plan, ensure_ascii=False)

    @property
    def hold_label(self) -> str:
        return EXERCISE_LABELS["hold_seconds"]

    @property
    def id(self) -> str:
        return self.exercise.id

    @property
    def title(self) -> str:
        return self.exercise.title

    @property
    def goal(self) -> str:
        return self.exercise.goal

    @property
    def instructions(self) -> str:
        return self.exercise.instructions

    @property
    def caution(self) -> str | None:
        return self.exercise.caution

    @property
    def sources(self) -> tuple[Citation, ...]:
        return self.exercise.sources


_NUM = re.compile(r"\d+")


def _first_number(value: str | None) -> int | None:
    m = _NUM.search(value or "")
    return int(m.group()) if m else None


def exercise_view(x: Exercise) -> ExerciseView:
    return ExerciseView(
        exercise=x,
        params=tuple(exercise_parameters(x)),
        target_reps=_first_number(x.repetitions),
        hold=_first_number(x.hold_seconds),
        plan=player_plan(x),
    )


# --- The diary's trends: one JSON shape for the API and the CLI -------------------------------


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def trends_json(a: Analysis, view: Assessment | None) -> dict[str, Any]:
    """The analysis as JSON: every field of it, the derived words (``trend.verdict``,
    ``trend.title``, ``episodes_per_week``) and the engine's assessment of the diary."""
    out: dict[str, Any] = _plain(a)
    out["episodes_per_week"] = a.episodes_per_week
    out["trend"]["verdict"] = a.trend.verdict
    out["trend"]["title"] = a.trend.title
    out["assessment"] = view.to_json() if view is not None else None
    return out


QUALIFIER_WORDS = {
    "historical": "в прошлом или осталось после",
    "hypothetical": "опасение или вопрос, не проверено",
    "other": "о другом человеке",
    "negated": "нет",
}


def qualifier_words(f: FindingSpan) -> str:
    """«в прошлом или осталось после („год назад“)»: how a finding was said, and the cue."""
    words = "; ".join(QUALIFIER_WORDS.get(q, q) for q in f.qualifiers if q != "negated")
    cues = ", ".join(f"„{c}“" for c in f.cues)
    return f"{words} ({cues})" if cues else words
