"""The clinical content pack: schema, loading and validation.

The pack is YAML inside the package (``spasmnav/pack/*.yaml``). Every statement a person can
see carries citations (``source`` id plus a seed line or a guideline section). Loading validates
the whole pack: unknown references, uncited statements and seed lines that point past the end of
the seed are errors, so a clinician can edit YAML and ``spasmnav pack check`` tells them at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from . import result

__all__ = [
    "CITED_SECTIONS",
    "ID_SECTIONS",
    "LEVELS",
    "SECTIONS",
    "Advice",
    "BrainArea",
    "Check",
    "Citation",
    "Condition",
    "ContextRule",
    "ContextRules",
    "Evidence",
    "Exercise",
    "Finding",
    "Frame",
    "Medicine",
    "Pack",
    "PackError",
    "Question",
    "Rule",
    "Scale",
    "SeedSection",
    "Source",
    "Specialist",
    "Test",
    "load_pack",
]

LEVELS: tuple[str, ...] = ("self_care", "doctor", "urgent", "emergency")
Level = Literal["self_care", "doctor", "urgent", "emergency"]

_CITE_RE = re.compile(
    r"^(?P<source>[a-z0-9_]+)(?::(?P<line>\d+)(?:-(?P<end>\d+))?)?(?:#(?P<section>.+))?$"
)


class PackError(Exception):
    """The content pack is invalid; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Model):
    """A pointer to a source: a seed line (range) or a named section of a guideline."""

    source: str
    line: int | None = None
    end_line: int | None = None
    section: str | None = None

    def resolve(self, pack: Pack) -> result.Citation:
        """The citation as the result carries it: the locator with the source's human title."""
        src = pack.source(self.source)
        return result.Citation(
            source=self.source,
            title=src.short,
            line=self.line,
            end_line=self.end_line,
            section=self.section,
            file=src.file,
        )

    def render(self, pack: Pack) -> str:
        """The contract's string form (``000_….txt:44``, «Short: section»)."""
        return self.resolve(pack).contract()


def _parse_citation(value: Any) -> Any:
    # YAML shorthand: "seed_stroke:58", "seed_stroke:53-57", "nice_cks_cramps#Red flags".
    if isinstance(value, str):
        m = _CITE_RE.match(value.strip())
        if not m:
            raise ValueError(
                f"citation {value!r} is not of the form source[:line[-line]][#section]"
            )
        return {
            "source": m["source"],
            "line": int(m["line"]) if m["line"] else None,
            "end_line": int(m["end"]) if m["end"] else None,
            "section": m["section"],
        }
    return value


Cite = Annotated[Citation, BeforeValidator(_parse_citation)]
Cites = Annotated[list[Cite], Field(min_length=1)]


class Source(_Model):
    id: str
    kind: Literal["seed", "guideline", "scale", "reference"]
    title: str
    short: str
    publisher: str | None = None
    file: str | None = None
    lines: int | None = None  # number of lines in the seed file; locators are checked against it
    note: str | None = None


class SeedSection(_Model):
    """A section of a seed document; the coverage test checks each one is cited."""

    source: str
    line: int
    end_line: int
    title: str


Expr = Any  # validated structurally by the engine's compiler (see engine.compile_expr)


class Finding(_Model):
    id: str
    label: str
    kind: Literal[
        "movement", "symptom", "sign", "history", "risk_factor", "trigger", "context", "check"
    ]
    # True: this finding alone shows the text is about what SpasmNav covers (leg contractions
    # and the leg emergencies that mimic or complicate them).
    scope: bool = False
    numeric: bool = False
    unit: str | None = None
    lexicon: list[str] = Field(default_factory=list)
    # Words of which one must stand in the same sentence for a match to count («отекла» is
    # a finding only when the sentence is about a leg: «икра», «голень», «нога»).
    near: list[str] = Field(default_factory=list)
    # Body parts that, in the same clause and with no leg word beside them, show the movement
    # is somewhere else («дёргается веко», «спазм при дыхании»): out of scope.
    elsewhere: list[str] = Field(default_factory=list)
    # A match of this finding hides matches of these findings that lie inside it: in
    # «судороги всего тела» the word «судороги» is not a calf cramp.
    overrides: list[str] = Field(default_factory=list)
    implies: list[str] = Field(default_factory=list)
    # A derived finding is computed from others (e.g. duration >= 21 days) before the rules run.
    derived: Expr | None = None
    # What an old or residual mention of this finding means («год назад был приступ»): the
    # history finding it becomes. Without it, an old mention counts for nothing.
    history_as: str | None = None
    note: str | None = None


class Evidence(_Model):
    finding: str
    weight: float
    # False: the weight applies when the finding is explicitly absent («слабости нет»).
    present: bool = True


class Condition(_Model):
    id: str
    title: str
    summary: str
    mechanism: str
    specialist: str
    prior: float = 0.0
    evidence: list[Evidence]
    tests: list[str] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)
    exercises: list[str] = Field(default_factory=list)
    cite: Cites


class Rule(_Model):
    id: str
    level: Level
    priority: int
    red_flag: bool = False
    title: str
    reason: str
    when: Expr
    specialist: str  # a specialist id, or "by_condition"
    advice: list[str] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list)
    cite: Cites


class Check(_Model):
    """A red flag to rule out explicitly: unknown is not absent (see DESIGN.md)."""

    id: str
    title: str
    question: str
    # The finding an answer sets: «да» = present, «нет» = absent, «не знаю» = unknown.
    answer_finding: str
    # Any of these present confirms the red flag; all of them absent excludes it.
    findings: list[str]
    rule: str
    # «Не знаю» is itself a worry (consciousness, one-sided weakness, a cold leg): the level
    # stays at least `urgent`.
    unknown_is_worry: bool = False
    # Listed as unchecked only when this holds (e.g. only after thyroid surgery).
    relevant: Expr | None = None
    # The interview items that settle it; «не знаю» to one of them leaves the check open.
    questions: list[str] = Field(default_factory=list)


class ContextRule(_Model):
    """One family of ConText triggers (medspaCy style): what they mark, which way they reach."""

    category: Literal["negated", "historical", "hypothetical", "other"]
    direction: Literal["forward", "backward", "both"]
    # Words a trigger reaches over; the clause (or sentence) end stops it earlier.
    reach: int = 8
    scope: Literal["clause", "sentence"] = "clause"
    # Counts only in a sentence that ends with «?» («а это не тромб?»).
    question: bool = False
    # Marks only these findings (empty: any finding the category applies to).
    only: list[str] = Field(default_factory=list)
    triggers: list[str]
    note: str | None = None


class Frame(_Model):
    """A red flag said in any words: one word of each slot in one clause (``clause``), plus one
    of each ``sentence`` slot anywhere in the sentence («вдруг» … «ослабла» … «нога»)."""

    id: str
    finding: str
    clause: list[list[str]]
    sentence: list[list[str]] = Field(default_factory=list)
    # Words that, in the same clause, show the frame means something else («в икре»).
    unless: list[str] = Field(default_factory=list)
    note: str | None = None


class ContextRules(_Model):
    # Words that end a qualifier's scope («но», «а», «сейчас»): the present breaks the past.
    terminators: list[str]
    rules: list[ContextRule]
    # Words naming a person other than the writer («соседка», «бабушка»).
    persons: list[str] = Field(default_factory=list)
    # Persons who are never the patient (neighbours, friends, colleagues).
    strangers: list[str] = Field(default_factory=list)
    # Verbs that make the person just before them a reporter, not the one affected.
    reporting_verbs: list[str] = Field(default_factory=list)
    # Words naming the leg: a movement beside one of them is the leg's (see Finding.elsewhere).
    leg_words: list[str] = Field(default_factory=list)


class Specialist(_Model):
    id: str
    title: str
    why: str
    cite: Cites


class Test(_Model):
    id: str
    title: str
    why: str
    cite: Cites


class Advice(_Model):
    id: str
    kind: Literal["first_aid", "self_help", "lifestyle", "visit", "caution", "info"]
    title: str
    text: str
    when: Expr | None = None
    # Never shown while this holds (no potassium foods with kidney failure), whatever showed it.
    unless: Expr | None = None
    cite: Cites


class Exercise(_Model):
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
    cite: Cites

    def card(self, pack: Pack) -> result.Exercise:
        """The exercise as results, pages and the plan show it (citations resolved)."""
        return result.Exercise(
            id=self.id,
            title=self.title,
            goal=self.goal,
            instructions=self.instructions,
            repetitions=self.repetitions,
            hold_seconds=self.hold_seconds,
            sets_per_day=self.sets_per_day,
            distance=self.distance,
            duration_minutes=self.duration_minutes,
            per_week=self.per_week,
            caution=self.caution,
            sources=pack.cite(self.cite),
        )


class Medicine(_Model):
    id: str
    name: str
    group: str
    what_a_doctor_may_consider: str
    cautions: list[str] = Field(min_length=1)
    conditions: list[str]
    # Never shown while this holds (no adult medicine cards for a child, no magnesium with
    # kidney failure).
    unless: Expr | None = None
    # Conditions that, when among the leading explanations, keep the card off the screen.
    not_with: list[str] = Field(default_factory=list)
    cite: Cites


class BrainArea(_Model):
    id: str
    title: str
    effect: str
    condition: str
    cite: Cites


class Scale(_Model):
    id: str
    title: str
    description: str
    grades: list[str]
    threshold: str | None = None
    cite: Cites


class LevelText(_Model):
    id: Level
    title: str
    action: str
    cite: Cites


class AnswerOption(_Model):
    code: str
    display: str
    # findings set by this answer: id -> true/false/number
    sets: dict[str, bool | float] = Field(default_factory=dict)


class EnableWhen(_Model):
    question: str
    operator: Literal["exists", "=", "!=", ">", "<", ">=", "<="]
    answer: str | float | bool


class Question(_Model):
    """A FHIR SDC Questionnaire-shaped item."""

    linkId: str
    text: str
    text_other: str | None = None  # the same question about a relative («он/она»)
    type: Literal["choice", "boolean", "integer", "decimal", "string", "open-choice"]
    why: str
    answerOption: list[AnswerOption] = Field(default_factory=list)
    enableWhen: list[EnableWhen] = Field(default_factory=list)
    enableBehavior: Literal["all", "any"] = "all"
    # FHIR `repeats`: a choice item that takes several answers («отметьте всё, что есть»).
    repeats: bool = False
    finding: str | None = None  # for boolean / numeric items: the finding it answers
    red_flag: bool = False
    cite: list[Cite] = Field(default_factory=list)


class Texts(_Model):
    disclaimer: str
    out_of_scope: str
    emergency_line: str
    cite: Cites


class Pack(_Model):
    version: str
    sources: list[Source]
    seed_sections: list[SeedSection]
    findings: list[Finding]
    conditions: list[Condition]
    rules: list[Rule]
    specialists: list[Specialist]
    tests: list[Test]
    advice: list[Advice]
    exercises: list[Exercise]
    medicines: list[Medicine]
    brain_areas: list[BrainArea]
    scales: list[Scale]
    levels: list[LevelText]
    questions: list[Question] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    context: ContextRules | None = None
    frames: list[Frame] = Field(default_factory=list)
    texts: Texts

    @model_validator(mode="after")
    def _check_references(self) -> Pack:
        problems = list(_reference_problems(self))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # Lookups. Built lazily and cached on the frozen instance.
    def _index(self, attr: str) -> dict[str, Any]:
        cache: dict[str, dict[str, Any]] = self.__dict__.setdefault("_idx", {})
        if attr not in cache:
            key = "linkId" if attr == "questions" else "id"
            cache[attr] = {getattr(x, key): x for x in getattr(self, attr)}
        return cache[attr]

    def source(self, id: str) -> Source:
        return self._index("sources")[id]  # type: ignore[no-any-return]

    def finding(self, id: str) -> Finding:
        return self._index("findings")[id]  # type: ignore[no-any-return]

    def condition(self, id: str) -> Condition:
        return self._index("conditions")[id]  # type: ignore[no-any-return]

    def specialist(self, id: str) -> Specialist:
        return self._index("specialists")[id]  # type: ignore[no-any-return]

    def test(self, id: str) -> Test:
        return self._index("tests")[id]  # type: ignore[no-any-return]

    def advice_item(self, id: str) -> Advice:
        return self._index("advice")[id]  # type: ignore[no-any-return]

    def exercise(self, id: str) -> Exercise:
        return self._index("exercises")[id]  # type: ignore[no-any-return]

    def question(self, link_id: str) -> Question:
        return self._index("questions")[link_id]  # type: ignore[no-any-return]

    def level(self, id: str) -> LevelText:
        return self._index("levels")[id]  # type: ignore[no-any-return]

    def has(self, attr: str, id: str) -> bool:
        return id in self._index(attr)

    def cite(self, citations: list[Citation]) -> tuple[result.Citation, ...]:
        """The citations resolved against this pack's sources (objects, rendered at the edge)."""
        return tuple(c.resolve(self) for c in citations)

    def citations(self) -> Iterator[tuple[str, Citation]]:
        """Every citation in the pack, with the id of the item that carries it."""
        for attr in CITED_SECTIONS:
            for item in getattr(self, attr):
                key = item.linkId if attr == "questions" else item.id
                for c in item.cite:
                    yield f"{attr}.{key}", c
        for c in self.texts.cite:
            yield "texts", c


def _section_items() -> dict[str, type[BaseModel]]:
    out: dict[str, type[BaseModel]] = {}
    for name, info in Pack.model_fields.items():
        if get_origin(info.annotation) is list:
            (item,) = get_args(info.annotation)
            out[name] = item
    return out


# The pack's list sections, in the order of ``Pack`` (the order a reviewer reads them), written
# once: the loader's checks, the citation walk and ``pack check``'s counts all derive from here.
SECTIONS: tuple[str, ...] = tuple(_section_items())
ID_SECTIONS: tuple[str, ...] = tuple(
    n for n, t in _section_items().items() if "id" in t.model_fields
)
CITED_SECTIONS: tuple[str, ...] = tuple(
    n for n, t in _section_items().items() if "cite" in t.model_fields
)


def _expr_findings(expr: Any) -> Iterator[str]:
    if isinstance(expr, str):
        yield expr
    elif isinstance(expr, dict):
        if "finding" in expr:
            yield expr["finding"]
        for key in ("all", "any", "of"):
            for sub in expr.get(key, []):
                yield from _expr_findings(sub)
        if "not" in expr:
            yield from _expr_findings(expr["not"])


def _reference_problems(pack: Pack) -> Iterator[str]:
    ids: dict[str, set[str]] = {}
    for attr in ID_SECTIONS:
        seen: set[str] = set()
        for item in getattr(pack, attr):
            if item.id in seen:
                yield f"{attr}: duplicate id {item.id!r}"
            seen.add(item.id)
        ids[attr] = seen
    qids = [q.linkId for q in pack.questions]
    if len(set(qids)) != len(qids):
        yield "questions: duplicate linkId"
    findings = ids["findings"]
    specialists = ids["specialists"] | {"by_condition"}

    for attr, c in pack.citations():
        if c.source not in ids["sources"]:
            yield f"{attr}: citation names unknown source {c.source!r}"
            continue
        src = pack.source(c.source)
        if src.kind == "seed":
            if c.line is None:
                yield f"{attr}: a seed citation needs a line ({c.source})"
            elif src.lines is not None and (
                c.line < 1 or c.line > src.lines or (c.end_line or c.line) > src.lines
            ):
                yield f"{attr}: {c.source}:{c.line} points past the end of {src.file}"
            elif c.end_line is not None and c.end_line < c.line:
                yield f"{attr}: line range {c.line}-{c.end_line} is reversed"
    for s in pack.seed_sections:
        if s.source not in ids["sources"]:
            yield f"seed_sections: unknown source {s.source!r}"
    for f in pack.findings:
        for i in [*f.implies, *f.overrides]:
            if i not in findings:
                yield f"findings.{f.id}: names unknown finding {i!r}"
        for fid in _expr_findings(f.derived) if f.derived is not None else ():
            if fid not in findings:
                yield f"findings.{f.id}: derived from unknown finding {fid!r}"
    for cond in pack.conditions:
        if cond.specialist not in specialists:
            yield f"conditions.{cond.id}: unknown specialist {cond.specialist!r}"
        for e in cond.evidence:
            if e.finding not in findings:
                yield f"conditions.{cond.id}: evidence names unknown finding {e.finding!r}"
        for t in cond.tests:
            if t not in ids["tests"]:
                yield f"conditions.{cond.id}: unknown test {t!r}"
        for a in cond.advice:
            if a not in ids["advice"]:
                yield f"conditions.{cond.id}: unknown advice {a!r}"
        for x in cond.exercises:
            if x not in ids["exercises"]:
                yield f"conditions.{cond.id}: unknown exercise {x!r}"
    for r in pack.rules:
        if r.specialist not in specialists:
            yield f"rules.{r.id}: unknown specialist {r.specialist!r}"
        for fid in _expr_findings(r.when):
            if fid not in findings:
                yield f"rules.{r.id}: condition names unknown finding {fid!r}"
        for a in r.advice:
            if a not in ids["advice"]:
                yield f"rules.{r.id}: unknown advice {a!r}"
        for t in r.tests:
            if t not in ids["tests"]:
                yield f"rules.{r.id}: unknown test {t!r}"
    for adv in pack.advice:
        for expr in (adv.when, adv.unless):
            for fid in _expr_findings(expr) if expr is not None else ():
                if fid not in findings:
                    yield f"advice.{adv.id}: condition names unknown finding {fid!r}"
    for m in pack.medicines:
        for cid in [*m.conditions, *m.not_with]:
            if cid not in ids["conditions"]:
                yield f"medicines.{m.id}: unknown condition {cid!r}"
        for fid in _expr_findings(m.unless) if m.unless is not None else ():
            if fid not in findings:
                yield f"medicines.{m.id}: condition names unknown finding {fid!r}"
    yield from _check_problems(pack)
    for b in pack.brain_areas:
        if b.condition not in ids["conditions"]:
            yield f"brain_areas.{b.id}: unknown condition {b.condition!r}"
    levels = {lv.id for lv in pack.levels}
    for lv in LEVELS:
        if lv not in levels:
            yield f"levels: missing text for level {lv!r}"
    for q in pack.questions:
        if q.finding is not None and q.finding not in findings:
            yield f"questions.{q.linkId}: unknown finding {q.finding!r}"
        for opt in q.answerOption:
            for fid in opt.sets:
                if fid not in findings:
                    yield f"questions.{q.linkId}: answer {opt.code!r} sets unknown finding {fid!r}"
        for ew in q.enableWhen:
            if ew.question not in qids:
                yield f"questions.{q.linkId}: enableWhen names unknown question {ew.question!r}"
    rules_by_id = {r.id: r for r in pack.rules}
    seen_checks: set[str] = set()
    for ch in pack.checks:
        where = f"checks.{ch.id}"
        if ch.id in seen_checks:
            yield f"checks: duplicate id {ch.id!r}"
        seen_checks.add(ch.id)
        for fid in [ch.answer_finding, *ch.findings, *_expr_findings(ch.relevant)]:
            if fid not in findings:
                yield f"{where}: unknown finding {fid!r}"
        rule = rules_by_id.get(ch.rule)
        if rule is None:
            yield f"{where}: unknown rule {ch.rule!r}"
        for link in ch.questions:
            if link not in qids:
                yield f"{where}: unknown question {link!r}"
        if rule is None:
            pass
        elif ch.answer_finding not in set(_expr_findings(rule.when)):
            yield f"{where}: rule {ch.rule!r} does not use its answer {ch.answer_finding!r}"
    if pack.context is not None:
        for cr in pack.context.rules:
            for fid in cr.only:
                if fid not in findings:
                    yield f"context: rule {cr.category!r} names unknown finding {fid!r}"
    for fr in pack.frames:
        if fr.finding not in findings:
            yield f"frames.{fr.id}: unknown finding {fr.finding!r}"
        if not fr.clause or any(not slot for slot in [*fr.clause, *fr.sentence]):
            yield f"frames.{fr.id}: every slot needs at least one word"
    for f in pack.findings:
        if f.history_as is not None and f.history_as not in findings:
            yield f"findings.{f.id}: history_as names unknown finding {f.history_as!r}"


def _check_problems(pack: Pack) -> Iterator[str]:
    """What main's reference check leaves out: the answer is a `check` finding, the rule a
    red flag."""
    kinds = {f.id: f.kind for f in pack.findings}
    rules = {r.id: r for r in pack.rules}
    for ch in pack.checks:
        if kinds.get(ch.answer_finding, "check") != "check":
            yield f"checks.{ch.id}: answer_finding {ch.answer_finding!r} must be of kind `check`"
        if ch.rule in rules and not rules[ch.rule].red_flag:
            yield f"checks.{ch.id}: rule {ch.rule!r} is not a red flag"


PACK_FILES = (
    "sources",
    "context",
    "frames",
    "findings",
    "conditions",
    "rules",
    "care",
    "exercises",
    "medicines",
    "questions",
    "checks",
    "emergencies",
)


def _read_yaml_dir(directory: Path | Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in PACK_FILES:
        node = directory / f"{name}.yaml"
        if not node.is_file():
            continue
        loaded = yaml.safe_load(node.read_text(encoding="utf-8")) or {}
        for key, value in loaded.items():
            if key in data and isinstance(data[key], list):
                data[key].extend(value)
            else:
                data[key] = value
    return data


def load_pack_from(directory: Path | Any) -> Pack:
    """Load and validate a pack from a directory of YAML files; raise PackError on problems."""
    try:
        data = _read_yaml_dir(directory)
    except yaml.YAMLError as exc:
        raise PackError([f"YAML: {exc}"]) from exc
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.extend(f"{loc}: {m}" for m in str(err["msg"]).split("; "))
        raise PackError(problems) from exc


@lru_cache(maxsize=1)
def load_pack() -> Pack:
    """The pack shipped inside the package (validated once per process)."""
    return load_pack_from(resources.files("spasmnav") / "pack")
