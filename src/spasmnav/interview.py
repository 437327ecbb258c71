"""The guided interview: a pure policy from an interview state to the next step.

The questions live in the content pack (``questions.yaml``, FHIR SDC Questionnaire-shaped
items). This module decides which one to ask next, or that the interview is over, and turns the
answers into findings for the engine. It does no input or output: the terminal interview
(``interview_cli``) and the web app drive it, and the whole state is a small JSON object that an
HTTP client can carry between requests (``InterviewState.to_json`` / ``from_json``).

How the next step is chosen
---------------------------
The facts are the findings of the optional opening text, then the person's corrections, then
the answers in the order they were given. A question is *established* (never asked) when every
finding it can set is already known, and it is asked only while its ``enableWhen`` holds.

1. **Emergency stops everything.** As soon as the engine's level for the facts is
   ``emergency``, the step is the emergency screen: no further questions.
2. **Who is affected** is asked first unless the caller or the opening text said so.
3. **Red flags first.** A question is *dangerous* when one of its answers, on its own, would
   raise the level to ``urgent`` or ``emergency``. Dangerous questions come first: those that
   can reach ``emergency`` before those that can reach ``urgent``; among them a question that
   completes a rule already half met (e.g. «какие движения» after «обмочился во время
   приступа») before a screening question, and screening questions in the pack's order, which
   is the order of danger. The first-line screens are grouped lists («Есть ли сейчас
   что-нибудь из этого?»): besides single signs, an option may stand for a whole check of the
   pack («после операции на щитовидной железе сводит кисти»), setting the check's answer, so
   an emergency that needs context is reached in the first few questions. An answer that
   would contradict what the person already answered (a cramp «дольше 20 минут» after «не
   отпускает» was left unticked) does not make a question dangerous.
4. **Settle the triage level.** Every rule is evaluated in three-valued (Kleene) logic, where
   a finding that some remaining question could still set is *unknown*. If a rule that is
   still unknown could raise the level above what is already certain, the level is not
   settled, and the next question is chosen among those that can set a finding of such a rule.
   This looks further than one answer ahead: «был ли инсульт» matters when the movements are
   not yet known, because together they fire a rule. A rule whose check the person answered
   «нет» to (a grouped option left unticked) counts as settled here: its findings are not
   asked again only for it, though the engine still fires it if other answers bring them.
   The grouped lists of what needs a doctor (issue 11: illnesses, course, symptoms, gait) tick
   the thresholds the rules use («длится 2 недели или дольше»), so one list settles what
   several detailed questions did. A finding the person answered «Не знаю» to is settled here
   too: it is not chased through another question (it stays unknown, never absent, and the
   result lists the question under «Не проверено»: ``InterviewRecord.unchecked``).
5. **Then sharpen the leading condition.** Once the level is settled, a remaining question is
   worth asking when one of its answers (one more thing true, or «ничего из этого») would
   change which condition leads; the most informative such question is asked, while fewer
   than ``CONDITION_BUDGET`` questions were asked in all. This budget never cuts step 4: the
   level is always settled, however long that takes.
6. Otherwise the interview is over: a summary of the answers, then the result (``confirm``).

Choosing among candidates in steps 4 and 5 uses **expected information gain** about the
outcome *Y = (triage level, leading condition)*. ``SAMPLES`` plausible completions of all
remaining answers are drawn from a simple prior (red-flag answers rare, other options of a
list each ``P_LIST_OPTION``, single choices uniform; ``enableWhen`` respected), and the engine's
outcome is computed for each. For a candidate question *q*, the samples split by their answer
to *q*, and ``IG(q) = H(Y) - sum_a P(a) H(Y | q = a)``; the level's part is weighted by
``LEVEL_WEIGHT``. A fixed random seed keeps every step deterministic. The outcome is computed
by a compiled mirror of the engine's level and ranking (checked against the engine in the
tests), so a step takes a few milliseconds; steps are also cached by state.

«Не знаю» is always an answer: it sets nothing, the question is not asked again, and the
findings it would have set stay unknown (the engine treats them as not present; the result
says they were not checked). Options of a list that set the same finding are alternatives
(«на одной ноге» / «на обеих»): only one may be ticked.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import expr as ex
from . import result as res
from .content import Pack, Question
from .engine import Engine, Observation
from .language import MAX_TEXT_CHARS, TextError, Understanding
from .result import Assessment

if TYPE_CHECKING:
    from .core import Navigator

__all__ = [
    "CONDITION_BUDGET",
    "REMOVED_QUESTIONS",
    "UNKNOWN",
    "AnswerValue",
    "Catalogue",
    "DoneStep",
    "EmergencyStep",
    "InterviewError",
    "InterviewState",
    "QuestionStep",
    "Run",
    "Step",
    "SummaryStep",
    "answer",
    "answer_from_facts",
    "back",
    "confirm",
    "correct",
    "describe_answer",
    "drive",
    "expected_length",
    "facts",
    "next_step",
    "question_ids",
    "question_step",
    "question_text",
    "result",
    "start",
    "understood",
    "unknown_question",
]

UNKNOWN = "unknown"  # the code of «Не знаю», offered with every question
NONE = "none"  # the code of «Ничего из этого» in a list question
UNKNOWN_DISPLAY = "Не знаю"
SUBJECT = "subject"  # the linkId of «О ком вы рассказываете?»

CONDITION_BUDGET = 10  # questions, after which only the triage level may ask more
LEVEL_WEIGHT = 4.0
SAMPLES = 96
SEED = 20240601
P_RED_FLAG = 0.02  # prior of each alarming answer
P_LIST_OPTION = 0.2  # prior of each option of an ordinary list question
P_YES = 0.3  # prior of «да» to an ordinary yes/no question

AnswerValue: TypeAlias = bool | float | str | list[str] | None
Subject = Literal["self", "other"]

RANK = res.LEVEL_RANK
EMERGENCY = RANK["emergency"]
URGENT = RANK["urgent"]

_UNKNOWN_WORDS = frozenset({UNKNOWN, "не знаю", "незнаю", "?"})
_YES_WORDS = frozenset({"yes", "да", "true"})
_NO_WORDS = frozenset({"no", "нет", "false"})
_NUMBER_BOUNDS: dict[str, tuple[float, float]] = {"age": (0, 120)}
_DEFAULT_BOUNDS = (0.0, 100_000.0)


class InterviewError(ValueError):
    """An invalid answer or state; the message is Russian, for the person."""


# Questions merged into grouped lists (issue 11): an old answer file or a carried state that
# still names one gets a message saying where its options went, not «нет такого вопроса».
REMOVED_QUESTIONS: dict[str, tuple[str, str]] = {
    "rf_calf": ("sx_general", "отёк икры"),
    "hx_neuro": ("hx_chronic", "болезни нервной системы и боль в спине"),
    "sx_circulation": ("sx_deficit", "тяжесть, зябкость ног и боль при ходьбе"),
    "sp_signs": ("gait", "признаки спастичности"),
    "hx_dvt_risk": ("course_flags", "постельный режим, операция и долгая дорога"),
}


def unknown_question(link_id: object) -> InterviewError:
    """The error for a linkId that is not in the questionnaire (or no longer is)."""
    if isinstance(link_id, str) and link_id in REMOVED_QUESTIONS:
        successor, what = REMOVED_QUESTIONS[link_id]
        return InterviewError(
            f"Вопроса «{link_id}» больше нет: о нём ({what}) теперь спрашивает вопрос "
            f"«{successor}». Ответьте на «{successor}» (или уберите «{link_id}» из ответов)."
        )
    return InterviewError(f"Нет такого вопроса: «{link_id}».")


# --- State -----------------------------------------------------------------------------------


class ObservedFact(BaseModel):
    """One finding established by the opening text (serialisable ``engine.Observation``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    present: bool | None = True
    value: float | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None

    def observation(self) -> Observation:
        return Observation(self.present, self.value, self.text, self.start, self.end)


class InterviewState(BaseModel):
    """Everything the interview knows; small, immutable and JSON-serialisable.

    ``answers`` maps a question's linkId to its answer: ``true``/``false`` for yes/no items, an
    option code for a choice, a list of codes for a list («отметьте всё»), a number for a
    numeric item and ``null`` for «Не знаю». ``history`` is the order in which they were given
    (``back`` undoes the last one).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    text_facts: dict[str, ObservedFact] = Field(default_factory=dict)
    subject_hint: Subject | None = None
    corrections: dict[str, bool | None] = Field(default_factory=dict)
    answers: dict[str, bool | float | str | list[str] | None] = Field(default_factory=dict)
    history: list[str] = Field(default_factory=list)
    confirmed: bool = False

    @property
    def subject(self) -> Subject:
        """«self» or «other»: who the questions are about."""
        given = self.answers.get(SUBJECT)
        if given == "other":
            return "other"
        if given == "self":
            return "self"
        return self.subject_hint or "self"

    def to_json(self) -> str:
        return self.model_dump_json(exclude_defaults=False)

    @classmethod
    def from_json(cls, data: str | bytes | Mapping[str, Any]) -> InterviewState:
        """Read and check a state an HTTP client carried back; ``InterviewError`` if invalid."""
        try:
            state = (
                cls.model_validate(dict(data))
                if isinstance(data, Mapping)
                else cls.model_validate_json(data)
            )
        except ValidationError as exc:
            raise InterviewError(
                f"Состояние опроса повреждено (ошибок формата: {exc.error_count()})."
            ) from None
        _check_state(state)
        return state


def _check_state(state: InterviewState) -> None:
    cat = _catalog()
    known = cat.engine.known_findings()
    problems: list[str] = []
    if len(set(state.history)) != len(state.history) or set(state.history) != set(state.answers):
        problems.append("история ответов не совпадает с ответами")
    for link, value in state.answers.items():
        q = cat.by_link.get(link)
        if q is None:
            if link in REMOVED_QUESTIONS:
                successor = REMOVED_QUESTIONS[link][0]
                problems.append(f"вопроса «{link}» больше нет (теперь он часть «{successor}»)")
            else:
                problems.append(f"неизвестный вопрос «{link}»")
            continue
        try:
            if _validate(q, value) != value:
                problems.append(f"ответ на «{link}» записан не в каноническом виде")
        except InterviewError as exc:
            problems.append(f"ответ на «{link}»: {str(exc).rstrip('.')}")
    for fid in [*state.text_facts, *state.corrections]:
        if fid not in known:
            problems.append(f"неизвестная находка «{fid}»")
    if problems:
        raise InterviewError("Состояние опроса повреждено: " + "; ".join(problems) + ".")


# --- Steps -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    display: str


@dataclass(frozen=True, slots=True)
class QuestionStep:
    """Ask one question. ``options`` always end with «Не знаю» (code ``unknown``)."""

    link_id: str
    number: int
    type: str  # "boolean" | "choice" | "integer" | "decimal"
    repeats: bool
    text: str
    why: str
    options: tuple[Option, ...]
    suggested: AnswerValue  # what the opening text already says, to pre-fill
    red_flag: bool
    phase: str  # "subject" | "red_flags" | "triage" | "conditions"
    sources: tuple[res.Citation, ...]
    unit: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    kind: Literal["question"] = "question"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "linkId": self.link_id,
            "number": self.number,
            "type": self.type,
            "repeats": self.repeats,
            "text": self.text,
            "why": self.why,
            "options": [{"code": o.code, "display": o.display} for o in self.options],
            "suggested": copy.deepcopy(self.suggested),
            "red_flag": self.red_flag,
            "phase": self.phase,
            "sources": [c.contract() for c in self.sources],
            "unit": self.unit,
            "min": self.min_value,
            "max": self.max_value,
        }


@dataclass(frozen=True, slots=True)
class EmergencyStep:
    """Stop: call 103/112 now; ``first_aid`` says what to do while waiting."""

    title: str
    action: str
    call: str
    red_flags: tuple[res.RedFlag, ...]
    reasons: tuple[res.Reason, ...]
    first_aid: tuple[res.Advice, ...]
    note: str
    kind: Literal["emergency"] = "emergency"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "action": self.action,
            "call": self.call,
            "red_flags": [r.to_json() for r in self.red_flags],
            "reasons": [r.to_json() for r in self.reasons],
            "first_aid": [a.to_json() for a in self.first_aid],
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class SummaryStep:
    """The answers before the result; ``confirm`` the state to get the result."""

    answers: tuple[dict[str, Any], ...]
    from_text: tuple[dict[str, Any], ...]
    text: str | None
    kind: Literal["summary"] = "summary"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "answers": copy.deepcopy(list(self.answers)),
            "from_text": copy.deepcopy(list(self.from_text)),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class DoneStep:
    """The interview is over; ``assessment`` is the engine's result."""

    assessment: Assessment
    kind: Literal["done"] = "done"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "assessment": self.assessment.to_json()}


Step: TypeAlias = QuestionStep | EmergencyStep | SummaryStep | DoneStep


# --- The compiled questionnaire --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Opt:
    code: str
    display: str
    sets: tuple[tuple[str, Observation], ...]
    primary: str | None  # the finding a list option stands for (its first `sets` entry)
    positive: bool  # sets something present


@dataclass(frozen=True, slots=True)
class _Q:
    q: Question
    index: int
    kind: Literal["boolean", "choice", "list", "number", "text"]
    options: tuple[_Opt, ...]
    settable: frozenset[str]
    none: _Opt | None
    unpicked: tuple[tuple[str, str], ...]  # (code, primary) of list options that set a finding
    # «Не знаю» to this red-flag question leaves these check answers explicitly unknown.
    unknown_sets: tuple[str, ...] = ()


Facts: TypeAlias = dict[str, Observation]
_ABSENT = Observation(False)
Outcome: TypeAlias = tuple[int, str | None]
T3: TypeAlias = bool | None  # three-valued: True, False, None = could still go either way


class _View:
    """Facts for three-valued evaluation: what is known, what could still be answered, and
    what the person was asked and answered «Не знаю» to (``declined``: not chased through
    other questions, it stays unknown and the result says so)."""

    __slots__ = ("declined", "facts", "free")

    def __init__(
        self,
        facts: Mapping[str, Observation],
        free: frozenset[str],
        declined: frozenset[str] = frozenset(),
    ) -> None:
        self.facts = facts
        self.free = free
        self.declined = declined


Pred3: TypeAlias = Callable[[_View], T3]


_and3 = ex.and3
_or3 = ex.or3


class _Catalog:
    """Questions, rules and conditions of one pack, compiled once for fast simulation."""

    def __init__(self, engine: Engine) -> None:
        pack: Pack = engine.pack
        self.engine = engine
        self.pack = pack
        self.questions: list[_Q] = [
            self._compile_question(i, q) for i, q in enumerate(pack.questions)
        ]
        unknown_sets: dict[str, list[str]] = {}
        for check in pack.checks:
            for link in check.questions:
                unknown_sets.setdefault(link, []).append(check.answer_finding)
        self.questions = [
            dataclasses.replace(cq, unknown_sets=tuple(unknown_sets[cq.q.linkId]))
            if cq.q.linkId in unknown_sets
            else cq
            for cq in self.questions
        ]
        self.by_link = {cq.q.linkId: cq for cq in self.questions}
        derived = {f.id: f.derived for f in pack.findings if f.derived is not None}
        self.derived3: dict[str, Pred3] = {}
        for fid, expr in derived.items():
            self.derived3[fid] = ex.compile3(expr, self)
        self.implied_by: dict[str, tuple[str, ...]] = {}
        for f in pack.findings:
            for target in f.implies:
                self.implied_by[target] = (*self.implied_by.get(target, ()), f.id)

        def expand(fids: Iterable[str]) -> frozenset[str]:
            out: set[str] = set()
            todo = list(fids)
            while todo:
                fid = todo.pop()
                if fid in out:
                    continue
                out.add(fid)
                if fid in derived:
                    todo.extend(ex.findings(derived[fid]))
                todo.extend(self.implied_by.get(fid, ()))
            return frozenset(out)

        # Rules, most urgent first (as the engine orders them).
        ordered = sorted(pack.rules, key=lambda r: (-RANK[r.level], -r.priority))
        self.rules3: list[tuple[int, Pred3, frozenset[str]]] = [
            (RANK[r.level], ex.compile3(r.when, self), expand(ex.findings(r.when))) for r in ordered
        ]
        # The answers of the checks that screen each rule (in the order of ``rules3``): once a
        # grouped question excluded the check («Ничего из этого»), the rule is settled.
        answers_of: dict[str, list[str]] = {}
        for check in pack.checks:
            answers_of.setdefault(check.rule, []).append(check.answer_finding)
        self.screened_by: list[tuple[str, ...]] = [tuple(answers_of.get(r.id, ())) for r in ordered]
        self.evidence_findings = expand(e.finding for c in pack.conditions for e in c.evidence)
        thresholds: dict[str, set[float]] = {}
        exprs = [r.when for r in pack.rules] + list(derived.values())
        exprs += [a.when for a in pack.advice if a.when is not None]
        for expr in exprs:
            for fid, value in ex.thresholds(expr):
                thresholds.setdefault(fid, set()).add(value)
        self.thresholds = {fid: tuple(sorted(vs)) for fid, vs in thresholds.items()}

    # Questions ------------------------------------------------------------------------------

    @staticmethod
    def _compile_question(index: int, q: Question) -> _Q:
        options: list[_Opt] = []
        for o in q.answerOption:
            sets = tuple(
                (fid, Observation(v) if isinstance(v, bool) else Observation(True, float(v)))
                for fid, v in o.sets.items()
            )
            options.append(
                _Opt(
                    code=o.code,
                    display=o.display,
                    sets=sets,
                    primary=sets[0][0] if sets else None,
                    positive=any(obs.present is True for _, obs in sets),
                )
            )
        kind: Literal["boolean", "choice", "list", "number", "text"]
        if q.type == "boolean":
            kind = "boolean"
        elif q.type in ("integer", "decimal"):
            kind = "number"
        elif q.type in ("choice", "open-choice"):
            kind = "list" if q.repeats else "choice"
        else:
            kind = "text"
        settable = {fid for o in options for fid, _ in o.sets}
        if q.finding:
            settable.add(q.finding)
        none = next((o for o in options if o.code == NONE), None)
        unpicked = tuple(
            (o.code, o.primary) for o in options if o.positive and o.primary is not None
        )
        return _Q(q, index, kind, tuple(options), frozenset(settable), none, unpicked)

    # Three-valued rules ----------------------------------------------------------------------

    # The leaves of expr.compile3: a finding is true when known, and unknown (None) while a
    # question could still set it (``v.free``); derived and implied findings follow their sources.

    def present3(self, fid: str) -> Pred3:
        return self._present3(fid)

    def absent3(self, fid: str) -> Pred3:
        def absent(v: _View) -> T3:
            o = v.facts.get(fid)
            if o is not None and o.present is not None:
                return o.present is False
            return None if fid in v.free else False

        return absent

    def compare3(self, fid: str, op: Callable[[float, float], bool], bound: float) -> Pred3:
        def compare(v: _View) -> T3:
            o = v.facts.get(fid)
            if o is not None and o.value is not None:
                return op(o.value, bound)
            return None if fid in v.free else False

        return compare

    def _present3(self, fid: str) -> Pred3:
        def present(v: _View) -> T3:
            o = v.facts.get(fid)
            if o is not None and o.present is True:
                return True
            if fid in v.declined or (o is not None and o.present is False):
                # Asked and answered: «нет» (an option left unticked) or «не знаю». Another
                # question that could still derive it is not asked only for this.
                return False
            out: T3 = None if fid in v.free else False
            derived = self.derived3.get(fid)
            if derived is not None:
                out = _or3((out, derived(v)))
            for source in self.implied_by.get(fid, ()):
                out = _or3((out, self._present3(source)(v)))
            return out

        return present

    # Outcomes: the engine's own fast path (level and ranking only) --------------------------

    def level(self, completed: Mapping[str, Observation]) -> int:
        return self.engine.level_rank(completed)

    def leader(self, completed: Mapping[str, Observation]) -> str | None:
        ranked = self.engine.ranking(completed, 1)
        return ranked[0] if ranked else None

    def ranking(self, completed: Mapping[str, Observation], k: int) -> list[str]:
        return self.engine.ranking(completed, k)

    def outcome(self, facts: Mapping[str, Observation]) -> Outcome:
        completed = self.engine.complete(facts)
        return self.level(completed), self.leader(completed)

    def numeric_representatives(self, fid: str) -> tuple[float, ...]:
        """One value inside each interval the pack's thresholds cut this finding into."""
        ts = self.thresholds.get(fid, ())
        if not ts:
            return ()
        reps = [ts[0] / 2]
        reps += [(a + b) / 2 for a, b in itertools.pairwise(ts)]
        reps.append(ts[-1] * 1.5 + 1)
        return tuple(reps)


Catalogue = _Catalog  # what a Navigator builds once and owns


def _navigator() -> Navigator:
    from .core import default_navigator

    return default_navigator()


def _catalog() -> _Catalog:
    return _navigator().catalogue


def understand(text: str) -> Understanding:
    return _navigator().understand(text)


# --- Answers ---------------------------------------------------------------------------------


def _codes(q: _Q) -> str:
    return "; ".join(f"«{o.display}»" for o in q.options)


def _validate(q: _Q, value: Any) -> AnswerValue:
    """The canonical form of an answer, or ``InterviewError`` saying what is expected."""
    if value is None or (isinstance(value, str) and value.strip().lower() in _UNKNOWN_WORDS):
        return None
    if isinstance(value, list) and len(value) == 1 and q.kind != "list":
        value = value[0]
    if q.kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _YES_WORDS:
            return True
        if isinstance(value, str) and value.strip().lower() in _NO_WORDS:
            return False
        raise InterviewError("Ответьте «да», «нет» или «не знаю».")
    if q.kind == "number":
        number: float
        if isinstance(value, bool):
            raise InterviewError("Нужно число.")
        try:
            if isinstance(value, int | float):
                number = float(value)
            elif isinstance(value, str):
                number = float(value.strip().replace(",", "."))
            else:
                raise InterviewError("Нужно число.")
        except (ValueError, OverflowError):
            raise InterviewError("Нужно число, например 65.") from None
        low, high = _NUMBER_BOUNDS.get(q.q.finding or "", _DEFAULT_BOUNDS)
        if not (low <= number <= high) or math.isnan(number):
            raise InterviewError(f"Нужно число от {low:g} до {high:g}.")
        if q.q.type == "integer" and number != int(number):
            raise InterviewError("Нужно целое число.")
        return number
    if q.kind == "text":
        if isinstance(value, str) and value.strip():
            return value.strip()[:1000]
        raise InterviewError("Напишите ответ словами.")
    codes = [o.code for o in q.options]
    if q.kind == "choice":
        if isinstance(value, str) and value in codes:
            return value
        raise InterviewError(f"Выберите один из вариантов: {_codes(q)} или «Не знаю».")
    picked = [value] if isinstance(value, str) else value
    if not isinstance(picked, list) or not all(isinstance(c, str) for c in picked):
        raise InterviewError("Отметьте варианты из списка.")
    wrong = [c for c in picked if c not in codes]
    if wrong:
        raise InterviewError(f"Нет такого варианта: {', '.join(wrong)}. Варианты: {_codes(q)}.")
    if not picked:
        raise InterviewError("Отметьте хотя бы один вариант, «Ничего из этого» или «Не знаю».")
    if NONE in picked and len(set(picked)) > 1:
        none = q.none.display if q.none else NONE
        raise InterviewError(f"«{none}» нельзя отметить вместе с другими вариантами.")
    chosen = set(picked)
    by_primary: dict[str, list[str]] = {}
    for o in q.options:
        if o.code in chosen and o.primary is not None and o.positive:
            by_primary.setdefault(o.primary, []).append(o.display)
    for displays in by_primary.values():
        if len(displays) > 1:
            listed = " или ".join(f"«{d}»" for d in displays)
            raise InterviewError(f"Отметьте что-то одно: {listed}.")
    return [c for c in codes if c in chosen]


def _apply(q: _Q, value: AnswerValue, facts: Facts) -> None:
    """Add what an answer says to the facts (in place). «Не знаю» adds nothing, except to a
    red-flag question: then its check stays explicitly open (unknown is not absent)."""
    if value is None:
        for fid in q.unknown_sets:
            if fid not in facts:
                facts[fid] = Observation(None)
        return
    if q.kind == "boolean" and q.q.finding:
        facts[q.q.finding] = Observation(bool(value))
    elif q.kind == "number" and q.q.finding and isinstance(value, float | int):
        facts[q.q.finding] = Observation(True, float(value))
    elif q.kind == "choice":
        for o in q.options:
            if o.code == value:
                for fid, obs in o.sets:
                    facts[fid] = obs
                break
    elif q.kind == "list" and isinstance(value, list):
        chosen = set(value)
        # Options not picked in «отметьте всё» are absent, unless something said present.
        for code, primary in q.unpicked:
            if code not in chosen:
                known = facts.get(primary)
                if known is None or known.present is not True:
                    facts[primary] = _ABSENT
        for o in q.options:
            if o.code in chosen:
                for fid, obs in o.sets:
                    facts[fid] = obs


def _same_side(fid: str, a: float, b: float, cat: _Catalog) -> bool:
    return all((a >= t) == (b >= t) and (a > t) == (b > t) for t in cat.thresholds.get(fid, ()))


def _option_fit(o: _Opt, facts: Mapping[str, Observation], cat: _Catalog) -> tuple[int, int, float]:
    """(agreements, unknowns, distance) of an option with the facts; ``-1`` agreements when
    the facts contradict it or do not speak to its primary finding (the first it sets)."""
    agree = unknown = 0
    distance = 0.0
    for i, (fid, obs) in enumerate(o.sets):
        known = facts.get(fid)
        if obs.value is not None:
            if known is None or known.value is None:
                state = None
            elif _same_side(fid, known.value, obs.value, cat):
                state = True
                distance += abs(math.log1p(abs(known.value)) - math.log1p(abs(obs.value)))
            else:
                state = False
        elif known is None or known.present is None:
            state = None
        else:
            state = known.present is obs.present
        if state is False or (state is None and i == 0):
            return -1, 0, 0.0
        if state:
            agree += 1
        else:
            unknown += 1
    return agree, unknown, distance


def answer_from_facts(link_id: str, known: Mapping[str, Observation]) -> AnswerValue:
    """The answer these facts give to a question, or ``None`` when they do not say.

    Used to pre-fill what the opening text already says, for ``enableWhen`` on questions the
    text established, and by simulated patients in the tests.
    """
    cat = _catalog()
    q = cat.by_link.get(link_id)
    if q is None:
        raise unknown_question(link_id)
    if q.kind in ("boolean", "number") and q.q.finding:
        seen = known.get(q.q.finding)
        if seen is None:
            return None
        if q.kind == "number":
            return None if seen.value is None else float(seen.value)
        return seen.present
    if q.kind == "choice":
        best: tuple[int, int, float, int] | None = None
        chosen: str | None = None
        for i, o in enumerate(q.options):
            agree, unknown, distance = _option_fit(o, known, cat)
            if agree <= 0:
                continue
            key = (-agree, unknown, distance, i)
            if best is None or key < best:
                best, chosen = key, o.code
        return chosen
    if q.kind == "list":
        # A grouped option may stand for a derived finding («длится 2 недели и дольше»).
        completed = cat.engine.complete(known)
        best_of: dict[str, tuple[tuple[int, int, float], str]] = {}
        for o in q.options:
            if o.code == NONE or o.primary is None or not o.positive:
                continue
            primary = completed.get(o.primary)
            if primary is not None and primary.present is True:
                fit, unsure, off = _option_fit(o, completed, cat)
                rank = (-fit, unsure, off)
                # Options that set the same finding are alternatives: the best fit only.
                if fit >= 0 and (o.primary not in best_of or rank < best_of[o.primary][0]):
                    best_of[o.primary] = (rank, o.code)
        chosen_codes = {code for _, code in best_of.values()}
        picked = [o.code for o in q.options if o.code in chosen_codes]
        if picked:
            return picked
        if q.none is not None and all(
            (seen := known.get(fid)) is not None and seen.present is obs.present
            for fid, obs in q.none.sets
        ):
            return [NONE]
    return None


def _years(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "года"
    return "лет"


def describe_answer(link_id: str, value: AnswerValue) -> str:
    """An answer in the person's words («Да», «Судороги всего тела; Прикушенный язык»)."""
    q = _catalog().by_link[link_id]
    if value is None:
        return UNKNOWN_DISPLAY
    if isinstance(value, bool):
        return "Да" if value else "Нет"
    if isinstance(value, float | int):
        unit = _catalog().pack.finding(q.q.finding).unit if q.q.finding else None
        if unit == "лет" and value == int(value):
            unit = _years(int(value))
        return f"{value:g}" + (f" {unit}" if unit else "")
    displays = {o.code: o.display for o in q.options}
    if isinstance(value, list):
        return "; ".join(displays.get(c, c) for c in value)
    return displays.get(value, value)


def question_ids() -> tuple[str, ...]:
    """Every question's linkId, in the pack's order."""
    return tuple(cq.q.linkId for cq in _catalog().questions)


def question_text(link_id: str, subject: str) -> str:
    """The question's wording for «вы» (self) or «он/она» (other)."""
    q = _catalog().by_link[link_id].q
    return q.text_other if subject == "other" and q.text_other else q.text


# --- The state's facts -----------------------------------------------------------------------


def _base_facts(state: InterviewState) -> Facts:
    out = {fid: o.observation() for fid, o in state.text_facts.items()}
    for fid, present in state.corrections.items():
        if present is None:
            out.pop(fid, None)
        else:
            out[fid] = Observation(present)
    return out


def _enablement(
    state: InterviewState, base: Mapping[str, Observation], cat: _Catalog
) -> tuple[dict[str, bool], dict[str, AnswerValue]]:
    """Which questions are enabled, and the answers ``enableWhen`` sees (pack order).

    An unanswered question counts with the answer the opening text gives it; a disabled one
    counts as unanswered (FHIR).
    """
    enabled: dict[str, bool] = {}
    effective: dict[str, AnswerValue] = {}
    for cq in cat.questions:
        link = cq.q.linkId
        enabled[link] = on = _enabled(cq, effective, enabled)
        if not on:
            continue
        if link in state.answers:
            effective[link] = state.answers[link]
        elif base and link != SUBJECT:
            effective[link] = answer_from_facts(link, base)
    return enabled, effective


def _enabled(cq: _Q, answers: Mapping[str, AnswerValue], enabled: Mapping[str, bool]) -> bool:
    if not cq.q.enableWhen:
        return True
    results = []
    for ew in cq.q.enableWhen:
        value = answers.get(ew.question) if enabled.get(ew.question, False) else None
        results.append(_check(ew.operator, value, ew.answer))
    return all(results) if cq.q.enableBehavior == "all" else any(results)


def _check(operator: str, value: AnswerValue, expected: str | float | bool) -> bool:
    if operator == "exists":
        return (value is not None) == bool(expected)
    if value is None:
        return False
    if isinstance(value, list):
        hit = str(expected) in value
        return hit if operator == "=" else (not hit if operator == "!=" else False)
    if isinstance(value, bool) or isinstance(expected, bool):
        same = value == expected
    elif isinstance(value, float | int):
        if isinstance(expected, str):
            try:
                expected = float(expected)
            except ValueError:
                return False
        if operator in ex.OPS and operator != "=":
            return ex.OPS[operator](float(value), float(expected))
        same = float(value) == float(expected)
    else:
        same = str(value) == str(expected)
    if operator == "=":
        return same
    if operator == "!=":
        return not same
    return False


@dataclass(slots=True)
class _Situation:
    """Everything a decision needs about one state, computed once."""

    state: InterviewState
    base: Facts
    facts: Facts
    enabled: dict[str, bool]
    effective: dict[str, AnswerValue]  # the answers enableWhen sees
    answered: frozenset[str]
    candidates: list[_Q]
    pending: list[_Q]  # unanswered, not established, possibly enabled later
    # Findings of questions answered «Не знаю» that nothing else established: unknown, and
    # not asked again in another form (``InterviewRecord.unchecked`` lists the questions).
    declined: frozenset[str] = frozenset()
    # The facts of the answers alone (not of the opening text): what the person said.
    said: Facts = dataclasses.field(default_factory=dict)


def _known(o: Observation | None) -> bool:
    return o is not None and (o.present is not None or o.value is not None)


def _situation(state: InterviewState) -> _Situation:
    cat = _catalog()
    base = _base_facts(state)
    enabled, effective = _enablement(state, base, cat)
    facts = dict(base)
    said: Facts = {}
    for link in state.history:
        cq = cat.by_link.get(link)
        if cq is not None and enabled.get(link, False):
            _apply(cq, state.answers.get(link), facts)
            _apply(cq, state.answers.get(link), said)
    answered = frozenset(state.answers)
    pending: list[_Q] = []
    for cq in cat.questions:
        link = cq.q.linkId
        if link in answered or link == SUBJECT or cq.kind == "text":
            continue
        if cq.settable and all(_known(facts.get(fid)) for fid in cq.settable):
            continue  # established: the text or other answers already say all it could
        if enabled[link] or any(ew.question not in answered for ew in cq.q.enableWhen):
            pending.append(cq)
    candidates = [cq for cq in pending if enabled[cq.q.linkId]]
    declined = frozenset(
        fid
        for link in state.history
        if state.answers.get(link) is None
        and enabled.get(link, False)
        and (cq := cat.by_link.get(link)) is not None
        for fid in cq.settable
        if not _known(facts.get(fid))
    )
    return _Situation(
        state, base, facts, enabled, effective, answered, candidates, pending, declined, said
    )


def facts(state: InterviewState) -> dict[str, Observation]:
    """The findings the interview has established so far (as the engine takes them)."""
    return _situation(state).facts


# --- The policy ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Decision:
    kind: Literal["question", "emergency", "summary", "done"]
    link_id: str | None = None
    phase: str = ""


def _contradicts(o: _Opt, said: Mapping[str, Observation]) -> bool:
    """Whether an option says the opposite of what the person's answers already said (a
    finding ticked off that the option sets present, or the other way round)."""
    for fid, obs in o.sets:
        known = said.get(fid)
        if known is None or known.present is None:
            continue
        if known.present is not (obs.present is True):
            return True
    return False


def _enumerate_answers(
    cq: _Q,
    cat: _Catalog,
    *,
    together: bool = True,
    said: Mapping[str, Observation] | None = None,
) -> list[AnswerValue]:
    """A small set of answers that covers what a question can do (for one-step look-ahead):
    each option alone, «none», and with ``together`` every option of a list at once. With
    ``said`` (the facts of the answers so far), options that would contradict them are left
    out: an answer implied away by earlier answers does not make a question worth asking."""
    if cq.kind == "boolean":
        return [True, False]
    if cq.kind == "number" and cq.q.finding:
        return list(cat.numeric_representatives(cq.q.finding))
    options = [o for o in cq.options if said is None or not _contradicts(o, said)]
    if cq.kind == "choice":
        return [o.code for o in options]
    if cq.kind == "list":
        positives = [o.code for o in options if o.code != NONE]
        out: list[AnswerValue] = [[c] for c in positives]
        if together and len(positives) > 1:
            out.append(positives)
        if cq.none is not None and cq.none in options:
            out.append([NONE])
        return out
    return []


def _level_after(cq: _Q, value: AnswerValue, base: Mapping[str, Observation], cat: _Catalog) -> int:
    trial = dict(base)
    _apply(cq, value, trial)
    return cat.level(cat.engine.complete(trial))


def _sample(cq: _Q, rng: random.Random, cat: _Catalog) -> AnswerValue:
    red = cq.q.red_flag
    if cq.kind == "boolean":
        return rng.random() < (P_RED_FLAG if red else P_YES)
    if cq.kind == "number" and cq.q.finding:
        reps = cat.numeric_representatives(cq.q.finding)
        return rng.choice(reps) if reps else None
    if cq.kind == "choice":
        if red:
            alarming = [o for o in cq.options if o.positive]
            calm = [o for o in cq.options if not o.positive] or list(cq.options)
            if alarming and rng.random() < P_RED_FLAG * len(alarming):
                return rng.choice(alarming).code
            return rng.choice(calm).code
        return rng.choice(cq.options).code
    if cq.kind == "list":
        p = P_RED_FLAG if red else P_LIST_OPTION
        picked = [o.code for o in cq.options if o.code != NONE and rng.random() < p]
        return picked or [NONE]
    return None


def _key(value: AnswerValue) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _entropy(counts: Iterable[int], total: int) -> float:
    return -sum(c / total * math.log2(c / total) for c in counts if c)


_DISABLED = ("<disabled>",)


def _gains(sit: _Situation, cat: _Catalog, links: set[str]) -> dict[str, tuple[float, float]]:
    """Expected information (bits) about the level and the leading condition, per question."""
    rng = random.Random(SEED)
    outcomes: list[Outcome] = []
    keys: dict[str, list[Any]] = {link: [] for link in links}
    for _ in range(SAMPLES):
        trial = dict(sit.facts)
        given: dict[str, AnswerValue] = dict(sit.effective)
        on: dict[str, bool] = dict(sit.enabled)
        for cq in sit.pending:
            link = cq.q.linkId
            on[link] = _enabled(cq, given, on)
            if not on[link]:
                if link in keys:
                    keys[link].append(_DISABLED)
                continue
            value = _sample(cq, rng, cat)
            given[link] = value
            _apply(cq, value, trial)
            if link in keys:
                keys[link].append(_key(value))
        outcomes.append(cat.outcome(trial))
    n = len(outcomes)
    h_level = _entropy(Counter(o[0] for o in outcomes).values(), n)
    h_leader = _entropy(Counter(o[1] for o in outcomes).values(), n)
    out: dict[str, tuple[float, float]] = {}
    for link, ks in keys.items():
        groups: dict[Any, list[int]] = {}
        for i, k in enumerate(ks):
            groups.setdefault(k, []).append(i)
        cond_level = cond_leader = 0.0
        for idx in groups.values():
            m = len(idx)
            cond_level += m / n * _entropy(Counter(outcomes[i][0] for i in idx).values(), m)
            cond_leader += m / n * _entropy(Counter(outcomes[i][1] for i in idx).values(), m)
        out[link] = (max(0.0, h_level - cond_level), max(0.0, h_leader - cond_leader))
    return out


def _decide(state: InterviewState) -> _Decision:
    cat = _catalog()
    sit = _situation(state)
    completed = cat.engine.complete(sit.facts)
    level = cat.level(completed)
    if level >= EMERGENCY:
        return _Decision("emergency")
    if SUBJECT not in sit.answered and state.subject_hint is None and SUBJECT in cat.by_link:
        return _Decision("question", SUBJECT, "subject")

    # 3. Red flags: questions one answer of which raises the level to urgent or emergency.
    dangerous: list[tuple[int, int, int, str]] = []
    for cq in sit.candidates:
        reach = max(
            (
                _level_after(cq, v, sit.facts, cat)
                for v in _enumerate_answers(cq, cat, said=sit.said)
            ),
            default=0,
        )
        if reach >= URGENT and reach > level:
            dangerous.append((-reach, 0 if not cq.q.red_flag else 1, cq.index, cq.q.linkId))
    if dangerous:
        return _Decision("question", min(dangerous)[3], "red_flags")

    # 4. Settle the level: rules still open (unknown) that could raise it above the certain part.
    free = frozenset(
        fid
        for cq in sit.pending
        for fid in cq.settable
        if not _known(sit.facts.get(fid)) and fid not in sit.declined
    )
    view = _View(sit.facts, free, sit.declined)
    values = [
        (rank, _screened(pred(view), screens, sit.facts), fids)
        for (rank, pred, fids), screens in zip(cat.rules3, cat.screened_by, strict=True)
    ]
    certain = max((rank for rank, v, _ in values if v is True), default=0)
    open_findings = frozenset(
        fid for rank, v, fids in values if v is None and rank > certain for fid in fids
    )
    relevant = _relevant(sit, open_findings & free)
    if relevant:
        gains = _gains(sit, cat, {cq.q.linkId for cq in relevant})
        best = max(
            relevant,
            key=lambda cq: (
                LEVEL_WEIGHT * gains[cq.q.linkId][0] + gains[cq.q.linkId][1],
                -cq.index,
            ),
        )
        return _Decision("question", best.q.linkId, "triage")

    # 5. Sharpen the leading condition: only questions one answer of which (one more thing
    # true, or «nothing of this») would change it; the most informative first.
    if len(sit.answered) < CONDITION_BUDGET:
        leader = cat.leader(completed)
        useful = [
            cq
            for cq in sit.candidates
            if any(fid in cat.evidence_findings and fid in free for fid in cq.settable)
            and _changes_leader(cq, sit, leader, cat)
        ]
        if useful:
            gains = _gains(sit, cat, {cq.q.linkId for cq in useful})
            _, _, link = max((gains[cq.q.linkId][1], -cq.index, cq.q.linkId) for cq in useful)
            return _Decision("question", link, "conditions")

    return _Decision("done" if state.confirmed else "summary")


def _screened(value: T3, screens: tuple[str, ...], facts: Mapping[str, Observation]) -> T3:
    """A rule still open is settled (false) when the person has answered «нет» to the check
    that screens it: the grouped red-flag question asked about it as a whole. Its findings
    are not asked again only to settle it; the engine still fires it if they come up."""
    if value is None and any(
        (o := facts.get(fid)) is not None and o.present is False for fid in screens
    ):
        return False
    return value


def _changes_leader(cq: _Q, sit: _Situation, leader: str | None, cat: _Catalog) -> bool:
    for value in _enumerate_answers(cq, cat, together=False, said=sit.said):
        trial = dict(sit.facts)
        _apply(cq, value, trial)
        if cat.leader(cat.engine.complete(trial)) != leader:
            return True
    return False


def _relevant(sit: _Situation, open_free: frozenset[str]) -> list[_Q]:
    """Askable questions that can settle an open rule (or enable one that can)."""
    if not open_free:
        return []
    wanted = {cq.q.linkId for cq in sit.pending if cq.settable & open_free}
    for cq in sit.pending:
        if cq.q.linkId in wanted and not sit.enabled[cq.q.linkId]:
            wanted.update(ew.question for ew in cq.q.enableWhen)
    return [cq for cq in sit.candidates if cq.q.linkId in wanted]


# --- Steps from decisions --------------------------------------------------------------------


def _question_step(state: InterviewState, link: str, phase: str, sit: _Situation) -> QuestionStep:
    cat = _catalog()
    cq = cat.by_link[link]
    q = cq.q
    options: tuple[Option, ...]
    if cq.kind == "boolean":
        options = (Option("yes", "Да"), Option("no", "Нет"))
    else:
        options = tuple(Option(o.code, o.display) for o in cq.options)
    options += (Option(UNKNOWN, UNKNOWN_DISPLAY),)
    suggested = answer_from_facts(link, sit.facts) if link != SUBJECT else None
    unit = None
    low = high = None
    if cq.kind == "number" and q.finding:
        unit = cat.pack.finding(q.finding).unit
        low, high = _NUMBER_BOUNDS.get(q.finding, _DEFAULT_BOUNDS)
    return QuestionStep(
        link_id=link,
        number=len(state.history) + 1,
        type=q.type,
        repeats=cq.kind == "list",
        text=question_text(link, state.subject),
        why=q.why,
        options=options,
        suggested=suggested,
        red_flag=q.red_flag,
        phase=phase,
        sources=cat.pack.cite(q.cite),
        unit=unit,
        min_value=low,
        max_value=high,
    )


def _emergency_step(assessment: Assessment) -> EmergencyStep:
    pack = _catalog().pack
    return EmergencyStep(
        title=assessment.title,
        action=assessment.action,
        call="103 или 112",
        red_flags=assessment.red_flags,
        reasons=assessment.reasons,
        first_aid=assessment.first_aid,
        note=pack.texts.emergency_line,
    )


def understood(state: InterviewState) -> list[dict[str, Any]]:
    """What the opening text established, after the person's corrections, ready to show:
    ``{"finding", "label", "present", "value", "corrected", "text"}`` («Есть: …», «Нет: …»)."""
    pack = _catalog().pack
    out: list[dict[str, Any]] = []
    for fid, o in _base_facts(state).items():
        finding = pack.finding(fid)
        if o.value is not None:
            unit = f" {finding.unit}" if finding.unit and finding.unit not in finding.label else ""
            line = f"{finding.label}: {o.value:g}{unit}"
        elif o.present is True:
            line = f"Есть: {finding.label}"
        elif o.present is False:
            line = f"Нет: {finding.label}"
        else:
            continue
        out.append(
            {
                "finding": fid,
                "label": finding.label,
                "present": o.present,
                "value": o.value,
                "corrected": fid in state.corrections,
                "text": line,
            }
        )
    return out


def _summary_step(state: InterviewState, sit: _Situation) -> SummaryStep:
    answers = tuple(
        {
            "linkId": link,
            "question": question_text(link, state.subject),
            "answer": describe_answer(link, state.answers[link]),
            "counted": sit.enabled.get(link, False),
        }
        for link in state.history
    )
    return SummaryStep(answers=answers, from_text=tuple(understood(state)), text=state.text)


@lru_cache(maxsize=512)
def _step_for(catalogue: _Catalog, serialised: str) -> Step:
    # A memo of the pure step computation, keyed by the catalogue it was computed with.
    state = InterviewState.model_validate_json(serialised)
    decision = _decide(state)
    if decision.kind == "question" and decision.link_id is not None:
        return _question_step(state, decision.link_id, decision.phase, _situation(state))
    if decision.kind == "emergency":
        return _emergency_step(result(state))
    if decision.kind == "summary":
        return _summary_step(state, _situation(state))
    return DoneStep(assessment=result(state))


# --- Public API ------------------------------------------------------------------------------


def start(text: str | None = None, subject: str | None = None) -> InterviewState:
    """A new interview, optionally with the person's own description and who is affected."""
    if subject not in (None, "self", "other"):
        raise InterviewError("Кто описывает: «self» (о себе) или «other» (о близком).")
    hint: Subject | None = "other" if subject == "other" else ("self" if subject else None)
    opening = text.strip()[:MAX_TEXT_CHARS] if isinstance(text, str) else None
    if not opening:
        return InterviewState(subject_hint=hint)
    try:
        u = understand(opening)
    except TextError as exc:
        raise InterviewError(str(exc)) from None
    if hint is None and u.subject == "other":
        hint = "other"
    established = {
        fid: ObservedFact(present=o.present, value=o.value, text=o.text, start=o.start, end=o.end)
        for fid, o in u.facts.items()
    }
    return InterviewState(text=opening, text_facts=established, subject_hint=hint)


def question_step(state: InterviewState, link_id: str) -> QuestionStep:
    """A given question as a step, pre-filled with its current answer (to change one answer
    from the summary: answering it again replaces the old answer, the others stay)."""
    cq = _catalog().by_link.get(link_id) if isinstance(link_id, str) else None
    if cq is None:
        raise unknown_question(link_id)
    step = _question_step(state, link_id, "edit", _situation(state))
    if link_id in state.answers:
        value = state.answers[link_id]
        number = state.history.index(link_id) + 1
        step = dataclasses.replace(step, suggested=copy.deepcopy(value), number=number)
    return step


def _calm_answer(step: QuestionStep) -> AnswerValue:
    # The answer of a person with nothing more to tell: «нет», «ничего из этого», «не знаю».
    if step.type == "boolean":
        return False
    if step.repeats and any(o.code == NONE for o in step.options):
        return [NONE]
    return None


@lru_cache(maxsize=512)
def _expected_for(catalogue: _Catalog, serialised: str) -> int:
    state = InterviewState.model_validate_json(serialised)
    try:
        run = drive(state, _calm_answer, limit=60)
    except InterviewError:
        return len(state.history)
    return len(run.state.history)


def expected_length(state: InterviewState) -> int:
    """About how many questions the interview will have in all, from this state: the
    questions so far plus those a person with nothing more to tell would still be asked
    (for «Вопрос 3 из примерно 8»)."""
    step = next_step(state)
    done = len(state.history)
    if not isinstance(step, QuestionStep):
        return done
    return max(done + 1, _expected_for(_catalog(), state.to_json()))


def next_step(state: InterviewState) -> Step:
    """The next question, the emergency screen, the summary before the result, or done."""
    return _step_for(_catalog(), state.to_json())


def answer(state: InterviewState, link_id: str, value: Any) -> InterviewState:
    """Record an answer (``None`` or ``"unknown"`` is «Не знаю»); ``InterviewError`` if the
    question does not exist or the value does not fit it."""
    cq = _catalog().by_link.get(link_id) if isinstance(link_id, str) else None
    if cq is None:
        raise unknown_question(link_id)
    canonical = _validate(cq, value)
    answers = dict(state.answers)
    answers[link_id] = canonical
    history = [h for h in state.history if h != link_id] + [link_id]
    return state.model_copy(update={"answers": answers, "history": history, "confirmed": False})


def back(state: InterviewState) -> InterviewState:
    """Undo the last answer (nothing to undo: the same state)."""
    if not state.history:
        return state.model_copy(update={"confirmed": False})
    last = state.history[-1]
    answers = {k: v for k, v in state.answers.items() if k != last}
    return state.model_copy(
        update={"answers": answers, "history": state.history[:-1], "confirmed": False}
    )


def correct(state: InterviewState, finding_id: str, present: bool | None) -> InterviewState:
    """Fix what the opening text established: present, absent, or ``None`` to forget it."""
    if not isinstance(finding_id, str) or finding_id not in _catalog().engine.known_findings():
        raise InterviewError(f"Нет такого признака: «{finding_id}».")
    if present is not None and not isinstance(present, bool):
        raise InterviewError("Исправление: «да», «нет» или «не знаю».")
    corrections = dict(state.corrections)
    corrections[finding_id] = present
    return state.model_copy(update={"corrections": corrections, "confirmed": False})


def confirm(state: InterviewState) -> InterviewState:
    """Accept the summary; the next step is the result. Only once no question is left."""
    step = next_step(state)
    if isinstance(step, QuestionStep):
        raise InterviewError("Сначала ответьте на оставшиеся вопросы (можно «Не знаю»).")
    return state.model_copy(update={"confirmed": True})


def result(state: InterviewState) -> Assessment:
    """The assessment of the interview's findings: what ``spasmnav assess`` gives for them."""
    sit = _situation(state)
    matches: tuple[res.TextMatch, ...] | None = None
    if state.text:
        corrected = set(state.corrections)
        try:
            found = understand(state.text).matches
        except TextError:  # a carried state with a text start() would have refused
            found = []
        matches = tuple(
            res.TextMatch.from_mapping(m) for m in found if m.get("finding") not in corrected
        )
    record = res.InterviewRecord(
        asked=tuple(
            res.AskedQuestion(
                link_id=link,
                question=question_text(link, state.subject),
                answer=describe_answer(link, state.answers[link]),
                value=state.answers[link],
            )
            for link in state.history
        ),
        corrections=tuple(state.corrections.items()),
    )
    return dataclasses.replace(
        _catalog().engine.assess(sit.facts),
        subject=state.subject,
        text=state.text or None,
        matches=matches,
        interview=record,
    )


@dataclass(frozen=True, slots=True)
class Run:
    """Where ``drive`` stopped: the state, the questions asked on the way, the last step."""

    state: InterviewState
    asked: tuple[str, ...]
    step: Step


def drive(
    state: InterviewState, answer_for: Callable[[QuestionStep], Any], *, limit: int = 200
) -> Run:
    """Answer each question with ``answer_for(step)`` (``None`` is «Не знаю») until the
    emergency screen or the summary. Replays a file of answers; simulates patients in tests."""
    asked: list[str] = []
    for _ in range(limit):
        step = next_step(state)
        if not isinstance(step, QuestionStep):
            return Run(state, tuple(asked), step)
        try:
            state = answer(state, step.link_id, answer_for(step))
        except InterviewError as exc:
            raise InterviewError(f"Вопрос «{step.text}» ({step.link_id}): {exc}") from None
        asked.append(step.link_id)
    raise InterviewError("Опрос не закончился: слишком много вопросов.")
