"""The typed result of an assessment, and its JSON contract (DESIGN.md).

The engine builds these objects; every edge (terminal, pages, API, PDF, interview) reads their
attributes. ``Assessment.to_json()`` is the only place that knows the JSON shape, so the contract
is written once. Citations stay objects (source id, locator, the source's human title) until an
edge renders them: ``Citation.contract()`` for the JSON, ``presenter.source_label`` for people.

Frozen dataclasses with slots rather than pydantic models: one assessment builds a few dozen of
them, and the engine's rate from findings must stay in the tens of thousands per second.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypeVar, get_args

import orjson

__all__ = [
    "LEVELS",
    "LEVEL_RANK",
    "SCHEMA_VERSION",
    "URGENT_LEVELS",
    "Advice",
    "AskedQuestion",
    "Assessment",
    "AssessmentDigest",
    "Citation",
    "ConditionScore",
    "Evidence",
    "Exercise",
    "FindingSpan",
    "InterviewRecord",
    "Level",
    "MedicineCard",
    "Reason",
    "RedFlag",
    "SavedAnswer",
    "SavedCondition",
    "SavedFlag",
    "SavedReason",
    "Test",
    "TextMatch",
    "UncheckedRedFlag",
    "fast_constructor",
    "json_bytes",
    "open_twin",
]

SCHEMA_VERSION = 1

Level: TypeAlias = Literal["self_care", "doctor", "urgent", "emergency"]
# The one order of the levels, least urgent first; every other order and rank derives from it.
LEVELS: tuple[Level, ...] = get_args(Level)
# A level's place in that order (compare urgency by rank, not by name).
LEVEL_RANK: Mapping[str, int] = {lv: i for i, lv in enumerate(LEVELS)}
# The levels that need care today or at once (the diary's «urgent in the last weeks»).
URGENT_LEVELS: tuple[Level, ...] = LEVELS[LEVELS.index("urgent") :]
AnswerValue: TypeAlias = bool | float | int | str | list[str] | None
JsonObject: TypeAlias = dict[str, Any]
T = TypeVar("T")


_TWINS: dict[type, type] = {}


def open_twin(cls: type) -> type:
    """The unfrozen class with the very slots of the frozen, slotted dataclass ``cls`` that
    :func:`fast_constructor` fills (one per class): an instance of it whose every slot is set
    becomes an ordinary instance of ``cls`` by ``obj.__class__ = cls``. For a hot loop that
    builds many objects inline (the engine's finding spans) rather than through a call."""
    twin = _TWINS.get(cls)
    if twin is None:
        twin = type(f"_Open{cls.__name__}", (), {"__slots__": tuple(getattr(cls, "__slots__", ()))})
        _TWINS[cls] = twin
    return twin


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A positional constructor of the frozen, slotted dataclass ``cls`` for the engine's hot path.

    A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__``, which costs
    about 0.2 µs a field: most of the time of building a result. This one fills an unfrozen twin
    class with the very same slots by plain assignment and then gives the object the class
    ``cls`` (``__class__`` assignment, allowed between classes of one memory layout). What it
    returns is an ordinary, frozen instance of ``cls``, equal to ``cls(*args)``. Non-init fields
    get their default. Classes with ``__post_init__`` or default factories are refused.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    slots = tuple(getattr(cls, "__slots__", ()))
    declared = getattr(cls, "__dataclass_params__", None)
    if declared is None or not declared.frozen or slots != tuple(f.name for f in fields):
        raise TypeError(f"{cls.__name__}: a frozen dataclass with slots for exactly its fields")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: __post_init__ would be skipped")
    twin = open_twin(cls)
    namespace: dict[str, Any] = {"_Twin": twin, "_cls": cls}
    params: list[str] = []
    body: list[str] = []
    for f in fields:
        if f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: default factories are not supported")
        if f.default is not dataclasses.MISSING:
            namespace[f"_d_{f.name}"] = f.default
        if not f.init:
            body.append(f"    s.{f.name} = _d_{f.name}")
            continue
        params.append(f.name if f.default is dataclasses.MISSING else f"{f.name}=_d_{f.name}")
        body.append(f"    s.{f.name} = {f.name}")
    source = "\n".join(
        [
            f"def make({', '.join(params)}):",
            "    s = _Twin()",
            *body,
            "    s.__class__ = _cls",
            "    return s",
        ]
    )
    # Field names of our own classes only: safe to execute.
    exec(source, namespace)
    make: Callable[..., T] = namespace["make"]
    make.__qualname__ = f"fast_constructor({cls.__name__})"
    return make


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer into a source: a seed line (range) or a named section of a guideline.

    ``title`` is the source's short human title from ``pack/sources.yaml``; ``file`` is the seed's
    file name, kept because the JSON contract names seed lines as ``file:line``.
    """

    source: str
    title: str
    line: int | None = None
    end_line: int | None = None
    section: str | None = None
    file: str | None = None
    # The contract's string, derived once: citations are built once per pack, written often.
    _contract: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lines = self.lines
        if self.file and lines is not None:
            text = f"{self.file}:{lines}"
        elif self.section:
            text = f"{self.title}: {self.section}"
        else:
            text = self.title
        object.__setattr__(self, "_contract", text)

    @property
    def lines(self) -> str | None:
        """The seed line locator: ``"44"`` or ``"44-46"`` (None for a section or a whole source)."""
        if self.line is None:
            return None
        return f"{self.line}" if self.end_line is None else f"{self.line}-{self.end_line}"

    def contract(self) -> str:
        """The citation as the JSON contract writes it (``000_….txt:44``, «Short: section»)."""
        return self._contract


def _cites(items: Sequence[Citation]) -> list[str]:
    return [c._contract for c in items]


def _memo(item: Any) -> JsonObject:
    """An item's JSON, built on first use and kept: the engine shares the items that depend on
    the pack only (advice, tests, evidence, …) between results, so each is written once per
    process. The objects returned are shared: read them, copy before changing."""
    out: JsonObject | None = item._json
    if out is None:
        out = item._build()
        object.__setattr__(item, "_json", out)
    return out


def _memos(items: Sequence[Any]) -> list[JsonObject]:
    """:func:`_memo` of each item (inlined: a result has a few dozen items)."""
    return [x._json if x._json is not None else _memo(x) for x in items]


def json_bytes(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))``
    writes it, by orjson (an assessment is about 20 KB: the standard library took a third of
    the time of the assessment itself); what orjson refuses (integers over 64 bits, keys that
    are not strings) goes to the standard library."""
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


class _NotFragment(Exception):
    """An item's JSON that orjson refuses: the whole answer goes the standard library's way."""


def _fragment(item: Any) -> orjson.Fragment:
    """An item's JSON as bytes, written on first use and kept (the shared items of the pack
    are written once per process, not once per answer). The dict it is written from is not
    kept unless :func:`_memo` already keeps it: a server answering in bytes only would hold
    each memoised item's JSON twice, as a tree of dicts and lists beside the bytes (the
    engine's memo tables keep thousands of items: bench/web.py's server memory)."""
    frag: orjson.Fragment | None = item._frag
    if frag is None:
        obj = item._json
        try:
            frag = orjson.Fragment(orjson.dumps(obj if obj is not None else item._build()))
        except TypeError:
            raise _NotFragment from None
        object.__setattr__(item, "_frag", frag)
    return frag


def _fragments(items: Sequence[Any]) -> list[Any]:
    """:func:`_fragment` of each item (inlined, as :func:`_memos`)."""
    return [x._frag if x._frag is not None else _fragment(x) for x in items]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the level is what it is: one fired rule, the findings that made it fire."""

    rule: str
    level: Level
    text: str
    findings: tuple[str, ...]
    finding_labels: tuple[str, ...]
    sources: tuple[Citation, ...]
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)
    _frag: Any = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "rule": self.rule,
            "level": self.level,
            "text": self.text,
            "findings": list(self.findings),
            "sources": _cites(self.sources),
            "finding_labels": list(self.finding_labels),
        }


@dataclass(frozen=True, slots=True)
class RedFlag:
    id: str
    title: str
    level: Level
    sources: tuple[Citation, ...]
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)
    _frag: Any = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "sources": _cites(self.sources),
        }


@dataclass(frozen=True, slots=True)
class UncheckedRedFlag:
    """A red flag the text and the answers neither confirmed nor excluded: ask it first."""

    id: str
    title: str
    question: str
    answers: tuple[str, ...]
    finding: str  # the check's own finding, which an answer sets
    worry: bool = False  # «не знаю» keeps the level at least `urgent`
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)
    _frag: Any = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "id": self.id,
            "title": self.title,
            "question": self.question,
            "answers": list(self.answers),
            "finding": self.finding,
            "worry": self.worry,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """One finding's weight in a condition's score (``present`` False: weight for absence)."""

    finding: str
    label: str
    present: bool
    weight: float
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "finding": self.finding,
            "label": self.label,
            "present": self.present,
            "weight": self.weight,
        }


@dataclass(frozen=True, slots=True)
class ConditionScore:
    id: str
    title: str
    score: float
    raw_score: float
    summary: str
    mechanism: str
    evidence: tuple[Evidence, ...]
    sources: tuple[Citation, ...]
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)
    _frag: Any = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "raw_score": self.raw_score,
            "summary": self.summary,
            "mechanism": self.mechanism,
            "evidence": [e.to_json() for e in self.evidence],
            "sources": _cites(self.sources),
        }


@dataclass(frozen=True, slots=True)
class FindingSpan:
    """What is known about one finding, and where in the person's text it was said.

    ``qualifiers`` say how it was said (ConText: negated, historical, hypothetical, other);
    ``cues`` are the words that set them.
    """

    id: str
    label: str
    present: bool | None
    value: float | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    qualifiers: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "id": self.id,
            "label": self.label,
            "present": self.present,
            "value": self.value,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "qualifiers": [*self.qualifiers],
            "cues": [*self.cues],
        }


@dataclass(frozen=True, slots=True)
class Advice:
    id: str
    kind: str  # first_aid, self_help, lifestyle, visit, caution, info
    title: str
    text: str
    sources: tuple[Citation, ...]
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)
    _frag: Any = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "sources": _cites(self.sources),
        }


@dataclass(frozen=True, slots=True)
class Test:
    id: str
    title: str
    why: str
    sources: tuple[Citation, ...]
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)
    _frag: Any = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "id": self.id,
            "title": self.title,
            "why": self.why,
            "sources": _cites(self.sources),
        }


# The exercise's parameters in the order the pack, the JSON and every edge list them.
EXERCISE_PARAMETERS: tuple[str, ...] = (
    "repetitions",
    "hold_seconds",
    "sets_per_day",
    "distance",
    "duration_minutes",
    "per_week",
)


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    title: str
    goal: str
    instructions: str
    repetitions: str | None = None
    hold_seconds: str | None = None
    sets_per_day: str | None = None
    distance: str | None = None
    duration_minutes: str | None = None
    per_week: str | None = None
    caution: str | None = None
    sources: tuple[Citation, ...] = ()
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)
    _frag: Any = field(default=None, init=False, repr=False, compare=False)

    def parameters(self) -> list[tuple[str, str]]:
        """``(name, value)`` of the parameters this exercise has, in the standard order."""
        out = []
        for name in EXERCISE_PARAMETERS:
            value = getattr(self, name)
            if value:
                out.append((name, str(value)))
        return out

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        out: JsonObject = {
            "id": self.id,
            "title": self.title,
            "goal": self.goal,
            "instructions": self.instructions,
        }
        for name in (*EXERCISE_PARAMETERS, "caution"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out["sources"] = _cites(self.sources)
        return out


@dataclass(frozen=True, slots=True)
class MedicineCard:
    """What a doctor may consider; never a prescription or a dose."""

    id: str
    name: str
    group: str
    what_a_doctor_may_consider: str
    cautions: tuple[str, ...]
    sources: tuple[Citation, ...]
    _json: JsonObject | None = field(default=None, init=False, repr=False, compare=False)
    _frag: Any = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> JsonObject:
        return _memo(self)

    def _build(self) -> JsonObject:
        return {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "what_a_doctor_may_consider": self.what_a_doctor_may_consider,
            "cautions": list(self.cautions),
            "sources": _cites(self.sources),
        }


@dataclass(frozen=True, slots=True)
class TextMatch:
    """Words of the person's text that the reader matched to a finding.

    ``extra`` keeps any further keys the language layer adds, so the JSON carries them unchanged.
    """

    finding: str
    term: str
    negated: bool
    start: int
    end: int
    text: str
    qualifiers: tuple[str, ...] = ()  # how it was said (ConText), "negated" included
    extra: tuple[tuple[str, Any], ...] = ()

    _KEYS = frozenset({"finding", "term", "negated", "qualifiers", "start", "end", "text"})

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> TextMatch:
        keys = cls._KEYS
        return (_make_text_match if cls is TextMatch else cls)(
            str(m["finding"]),
            str(m["term"]),
            bool(m["negated"]),
            int(m["start"]),
            int(m["end"]),
            str(m["text"]),
            tuple(m.get("qualifiers") or ()),
            # no further keys (the reader's own matches): one subset test, not a pass over them
            () if m.keys() <= keys else tuple([(k, v) for k, v in m.items() if k not in keys]),
        )

    def to_json(self) -> JsonObject:
        out: JsonObject = {
            "finding": self.finding,
            "term": self.term,
            "negated": self.negated,
            "qualifiers": list(self.qualifiers),
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        out.update(self.extra)
        return out


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    link_id: str
    question: str
    answer: str  # the answer in words
    value: AnswerValue

    def to_json(self) -> JsonObject:
        value = list(self.value) if isinstance(self.value, list) else self.value
        return {
            "linkId": self.link_id,
            "question": self.question,
            "answer": self.answer,
            "value": value,
        }


@dataclass(frozen=True, slots=True)
class InterviewRecord:
    """The questions an interview asked on the way to the assessment."""

    asked: tuple[AskedQuestion, ...]
    corrections: tuple[tuple[str, bool | None], ...] = ()

    @property
    def unchecked(self) -> tuple[str, ...]:
        """The questions answered «Не знаю»: what they ask about is not checked (unknown,
        never absent), and the interview did not ask it again in another form."""
        return tuple(q.question for q in self.asked if q.value is None and q.link_id != "subject")

    def to_json(self) -> JsonObject:
        return {
            "questions": len(self.asked),
            "asked": [q.to_json() for q in self.asked],
            "corrections": dict(self.corrections),
            "unchecked": list(self.unchecked),
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of one assessment. ``to_json`` gives the contract of DESIGN.md.

    The last group of fields says what the assessment was made from: the person's text and what
    the reader matched in it, or the questions of an interview. They are in the JSON only when
    set, as they always were.
    """

    level: Level
    title: str
    action: str
    specialist: str
    specialist_title: str
    in_scope: bool
    reasons: tuple[Reason, ...]
    red_flags: tuple[RedFlag, ...]
    conditions: tuple[ConditionScore, ...]
    findings: tuple[FindingSpan, ...]
    tests: tuple[Test, ...]
    advice: tuple[Advice, ...]
    exercises: tuple[Exercise, ...]
    medicines: tuple[MedicineCard, ...]
    message: str | None
    disclaimer: str
    pack_version: str
    red_flags_unchecked: tuple[UncheckedRedFlag, ...] = ()
    subject: str | None = None
    text: str | None = None
    matches: tuple[TextMatch, ...] | None = None
    notes: tuple[str, ...] = ()
    interview: InterviewRecord | None = None
    # Keys an older caller passed as ``extra`` that have no typed field yet (kept in the JSON).
    extra: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def first_aid(self) -> tuple[Advice, ...]:
        return tuple(a for a in self.advice if a.kind == "first_aid")

    @property
    def present_findings(self) -> tuple[FindingSpan, ...]:
        return tuple(f for f in self.findings if f.present is True)

    @property
    def absent_findings(self) -> tuple[FindingSpan, ...]:
        return tuple(f for f in self.findings if f.present is False)

    @property
    def qualified_findings(self) -> tuple[FindingSpan, ...]:
        """Said, but not as a current finding: old, feared or asked about, or someone else's."""
        return tuple(f for f in self.findings if f.present is None and f.qualifiers)

    def digest(self) -> AssessmentDigest:
        """What the edges show of this result: read from its JSON, as a saved one is, so a live
        and a saved assessment are read by the same code."""
        return AssessmentDigest.from_json(self.to_json())

    def to_json(self) -> JsonObject:
        return self._shape(_memos)

    def to_json_bytes(self) -> bytes:
        """``json_bytes(self.to_json())``, the same bytes, written faster: the items shared
        between results (reasons, conditions, advice, …: most of the 20 KB) go in as the bytes
        written the first time (orjson fragments), only the result's own parts are written
        anew."""
        try:
            return orjson.dumps(self._shape(_fragments))
        except (TypeError, _NotFragment):
            return json_bytes(self.to_json())

    def _shape(self, memos: Callable[[Sequence[Any]], list[Any]]) -> JsonObject:
        """The contract, with ``memos`` writing the lists of memoised items."""
        out: JsonObject = {
            "schema_version": SCHEMA_VERSION,
            "in_scope": self.in_scope,
            "triage": {
                "level": self.level,
                "title": self.title,
                "action": self.action,
                "specialist": self.specialist,
                "specialist_title": self.specialist_title,
                "reasons": memos(self.reasons),
            },
            "red_flags": memos(self.red_flags),
            "red_flags_unchecked": memos(self.red_flags_unchecked),
            "conditions": memos(self.conditions),
            # Most observations are a result's own (words, places): written, not kept.
            "findings": [x._json if x._json is not None else x._build() for x in self.findings],
            "tests": memos(self.tests),
            "advice": memos(self.advice),
            "exercises": memos(self.exercises),
            "medicines": memos(self.medicines),
            "message": self.message,
            "disclaimer": self.disclaimer,
            "pack_version": self.pack_version,
        }
        if self.subject is not None:
            out["subject"] = self.subject
        if self.text is not None:
            out["text"] = self.text
        if self.matches is not None:
            out["matches"] = [m.to_json() for m in self.matches]
        if self.notes:
            out["notes"] = list(self.notes)
        if self.interview is not None:
            out["interview"] = self.interview.to_json()
        out.update(self.extra)
        return out

    # Kept for callers written before the typed result.
    to_dict = to_json


@dataclass(frozen=True, slots=True)
class SavedReason:
    """A reason of a saved assessment: its words and the sources it cites, as saved."""

    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SavedCondition:
    """A ranked condition of a saved assessment: id, title, score and its findings' ids."""

    id: str
    title: str
    score: float | int | None
    findings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SavedFlag:
    """A red flag that a saved assessment left neither confirmed nor excluded."""

    id: str | None
    title: str
    question: str


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    """One asked question of a saved interview: the question id, its words, the answer's value
    (a code, a number, a list of codes, or None for «не знаю») and the answer's words."""

    link_id: str
    question: str | None
    value: Any
    words: Any


def _saved_texts(items: Any, key: str) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(str(x[key]) for x in items if isinstance(x, Mapping) and x.get(key) is not None)


def _nonempty_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class AssessmentDigest:
    """What the edges show of an assessment; read from a live one or from a saved JSON object
    (saved assessments are JSON in the diary, possibly from an older version). The one place
    that knows the saved shape: the report, the clinic, FHIR and CDS Hooks read attributes."""

    level: str
    title: str
    specialist: str | None
    reasons: tuple[str, ...]
    conditions: tuple[str, ...]
    tests: tuple[str, ...]
    # The parts the exchange formats need, each read as tolerantly as the ones above.
    reason_items: tuple[SavedReason, ...] = ()
    condition_items: tuple[SavedCondition, ...] = ()
    unchecked: tuple[SavedFlag, ...] = ()
    asked: tuple[SavedAnswer, ...] | None = None  # None: not from an interview
    disclaimer: str | None = None
    pack_version: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AssessmentDigest:
        """Read a saved assessment; missing or malformed parts are left empty, never guessed."""
        triage = data.get("triage")
        triage = triage if isinstance(triage, Mapping) else {}
        specialist = triage.get("specialist")
        level = triage.get("level")
        reason_items = tuple(
            SavedReason(str(r["text"]), tuple(str(x) for x in r.get("sources") or () if x))
            for r in triage.get("reasons") or ()
            if isinstance(r, Mapping) and r.get("text")
        )
        condition_items = []
        for c in data.get("conditions") or ():
            if not isinstance(c, Mapping) or not isinstance(c.get("id"), str):
                continue
            score = c.get("score")
            condition_items.append(
                SavedCondition(
                    c["id"],
                    str(c.get("title") or c["id"]),
                    score if isinstance(score, int | float) else None,
                    tuple(
                        ev["finding"]
                        for ev in c.get("evidence") or ()
                        if isinstance(ev, Mapping) and isinstance(ev.get("finding"), str)
                    ),
                )
            )
        unchecked = tuple(
            SavedFlag(
                None if f.get("id") is None else str(f.get("id")),
                str(f["title"]),
                str(f.get("question") or ""),
            )
            for f in data.get("red_flags_unchecked") or ()
            if isinstance(f, Mapping) and f.get("title")
        )
        interview = data.get("interview")
        asked: tuple[SavedAnswer, ...] | None = None
        if isinstance(interview, Mapping) and isinstance(interview.get("asked"), list):
            asked = tuple(
                SavedAnswer(
                    q["linkId"], _nonempty_str(q.get("question")), q.get("value"), q.get("answer")
                )
                for q in interview["asked"]
                if isinstance(q, Mapping) and isinstance(q.get("linkId"), str)
            )
        version = data.get("pack_version")
        return cls(
            level=level if isinstance(level, str) else "",
            title=str(triage.get("title") or ""),
            specialist=str(specialist) if specialist is not None else None,
            reasons=_saved_texts(triage.get("reasons"), "text"),
            conditions=_saved_texts(data.get("conditions"), "title"),
            tests=_saved_texts(data.get("tests"), "title"),
            reason_items=reason_items,
            condition_items=tuple(condition_items),
            unchecked=unchecked,
            asked=asked,
            disclaimer=_nonempty_str(data.get("disclaimer")),
            pack_version=_nonempty_str(version),
        )


# Positional constructors for the engine (same arguments, same objects as the classes').
make_reason = fast_constructor(Reason)
make_condition_score = fast_constructor(ConditionScore)
make_finding_span = fast_constructor(FindingSpan)
make_assessment = fast_constructor(Assessment)
_make_text_match = fast_constructor(TextMatch)
