"""The clinical content pack: schema, loading and validation.

The pack is YAML inside the package (``spasmnav/pack/*.yaml``). Every statement a person can
see carries citations (``source`` id plus a seed line or a guideline section). Loading validates
the whole pack: unknown references, uncited statements and seed lines that point past the end of
the seed are errors, so a clinician can edit YAML and ``spasmnav pack check`` tells them at once.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import FrozenInstanceError, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self, dataclass_transform

from . import expr as ex
from . import result

if TYPE_CHECKING:
    from pydantic import TypeAdapter

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
    "StandardCode",
    "Test",
    "lint_pack",
    "load_pack",
    "load_pack_cached",
    "load_pack_from",
    "pack_fingerprint",
    "read_shipped_pack",
    "settable_findings",
]

# The one order of the levels (``result.LEVELS``), least urgent first.
LEVELS: tuple[str, ...] = result.LEVELS
# The pack inside the package (a plain path: importlib.resources costs a cold start ~10 ms).
SHIPPED_PACK_DIR = Path(__file__).resolve().parent / "pack"
# Part of the snapshot key: bump when the pack's Python shape changes in a way the sources of
# content.py, expr.py and facts.py do not show (a dependency's behaviour).
PACK_SCHEMA_VERSION = "1"
Level = result.Level

_CITE_RE = re.compile(
    r"^(?P<source>[a-z0-9_]+)(?::(?P<line>\d+)(?:-(?P<end>\d+))?)?(?:#(?P<section>.+))?$"
)


class PackError(Exception):
    """The content pack is invalid; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


# The pack's items are frozen records (see _Model), validated by pydantic (which validates
# standard dataclasses as it does its own models) only when a pack is read from YAML. Importing
# pydantic and building model classes would cost a start about as much as pymorphy3's whole
# start; a start that reads the pack from the snapshot cache (see load_pack_cached) imports
# neither. The validation metadata in the annotations below (the citation shorthand, non-empty
# lists, rule conditions) is therefore written as `_Pydantic` markers, which make pydantic's own
# metadata objects only when pydantic builds a schema.


class _Pydantic:
    """``Annotated`` metadata standing for pydantic metadata (``Field(min_length=1)``,
    ``BeforeValidator(...)``) that ``make`` builds when pydantic builds a schema."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], tuple[Any, ...]]) -> None:
        self._make = make

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return handler.generate_schema(Annotated[(source, *self._make())])


def _min_length(n: int, **kwargs: Any) -> _Pydantic:
    def make() -> tuple[Any, ...]:
        from pydantic import Field

        return (Field(min_length=n, **kwargs),)

    return _Pydantic(make)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class _Model:
    """The pack items' shared behaviour: frozen records whose fields are their annotations.

    They behave as frozen keyword-only dataclasses (equality, hash and repr over the fields; no
    assignment) but are made into dataclasses only when one is built or validated: the
    ``dataclass`` decorator writes and compiles five methods per class, which would cost a start
    that reads the pack from the snapshot cache (its objects come back with their attributes)
    more than everything else in this module. Unknown keys are errors. ``model_validate`` and
    ``model_dump`` are pydantic's names, for tests and tools (see :func:`load_pack_from`).
    """

    __slots__ = ()
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        annotations = inspect.get_annotations(cls)
        cls._fields = tuple(n for n, a in annotations.items() if not str(a).startswith("ClassVar"))
        _ITEMS.append(cls)
        if _MADE:  # a class defined after the others were made dataclasses
            dataclass(frozen=True, kw_only=True)(cls)

    def __init__(self, **kwargs: Any) -> None:
        # Only until the classes are dataclasses: then each has the dataclass's own __init__.
        _as_dataclasses()
        type(self).__init__(self, **kwargs)

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        # Tuples, as the dataclass compares them (the same object equals itself, even NaN).
        return tuple(getattr(self, n) for n in self._fields) == tuple(
            getattr(other, n) for n in self._fields
        )

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in self._fields))

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """``data`` (plain dicts and lists) validated into this class; pydantic's
        ``ValidationError`` on problems."""
        value: Self = _adapter(cls).validate_python(data)
        return value

    def model_dump(self, **kwargs: Any) -> Any:
        """This item as plain data (rule conditions in their YAML form); ``kwargs`` as for
        pydantic's ``TypeAdapter.dump_python`` (``exclude``, ``mode``)."""
        return _adapter(type(self)).dump_python(self, **kwargs)


_ITEMS: list[type[_Model]] = []
_MADE: list[bool] = []
_MADE_LOCK = threading.Lock()


def _as_dataclasses() -> None:
    """Make every item class the frozen keyword-only dataclass it stands for (once)."""
    if _MADE:
        return
    with _MADE_LOCK:
        if not _MADE:
            for cls in _ITEMS:
                dataclass(frozen=True, kw_only=True)(cls)
            _MADE.append(True)


def _adapter(cls: type[_Model]) -> TypeAdapter[Any]:
    """The pydantic validator and serialiser of one item class (built once)."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        _as_dataclasses()
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


_ADAPTERS: dict[type[_Model], TypeAdapter[Any]] = {}


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


def _citation_shorthand() -> tuple[Any, ...]:
    from pydantic import BeforeValidator

    return (BeforeValidator(_parse_citation),)


Cite = Annotated[Citation, _Pydantic(_citation_shorthand)]
Cites = Annotated[list[Cite], _min_length(1)]


def _check_url(value: str) -> str:
    # pydantic's HttpUrl says the address is well formed; it normalises (a trailing slash, the
    # case of the host), so the pack keeps its own spelling and only the checks are kept here.
    from pydantic import HttpUrl, TypeAdapter

    if value != value.strip() or any(c.isspace() for c in value):
        raise ValueError(f"url {value!r} contains white space")
    url = TypeAdapter(HttpUrl).validate_python(value)
    if url.scheme != "https":
        raise ValueError(f"url {value!r} must use https")
    if not url.host or "." not in url.host:
        raise ValueError(f"url {value!r} needs a full host name")
    return value


def _url() -> tuple[Any, ...]:
    from pydantic import AfterValidator

    return (AfterValidator(_check_url),)


def _month() -> tuple[Any, ...]:
    from pydantic import Field

    return (Field(pattern=r"^20\d\d-(0[1-9]|1[0-2])$"),)


Url = Annotated[str, _Pydantic(_url)]
Month = Annotated[str, _Pydantic(_month)]


class Source(_Model):
    id: str
    kind: Literal["seed", "guideline", "scale", "reference"]
    title: str
    short: str
    publisher: str | None = None
    file: str | None = None
    lines: int | None = None  # number of lines in the seed file; locators are checked against it
    note: str | None = None
    # The official page or publication (https): the about page and the pack document show it.
    url: Url | None = None
    # "2026-12": the month the title, publisher, year and the claim the pack attributes to the
    # source were checked against `url`. A source without it was written from memory.
    checked: Month | None = None


class SeedSection(_Model):
    """A section of a seed document; the coverage test checks each one is cited."""

    source: str
    line: int
    end_line: int
    title: str


# A rule condition, parsed once at load into the typed tree of :mod:`spasmnav.expr`; an
# unreadable one (a misspelled operator, a wrong value type) is a load error naming where.
def _condition() -> tuple[Any, ...]:
    from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

    return (
        PlainValidator(ex.parse),
        PlainSerializer(ex.to_raw),
        WithJsonSchema({"description": "a rule condition (see spasmnav.expr)"}),
    )


Expr = Annotated[ex.Expr, _Pydantic(_condition)]


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
    lexicon: list[str] = field(default_factory=list)
    # Words of which one must stand in the same sentence for a match to count («отекла» is
    # a finding only when the sentence is about a leg: «икра», «голень», «нога»).
    near: list[str] = field(default_factory=list)
    # Body parts that, in the same clause and with no leg word beside them, show the movement
    # is somewhere else («дёргается веко», «спазм при дыхании»): out of scope.
    elsewhere: list[str] = field(default_factory=list)
    # A match of this finding hides matches of these findings that lie inside it: in
    # «судороги всего тела» the word «судороги» is not a calf cramp.
    overrides: list[str] = field(default_factory=list)
    implies: list[str] = field(default_factory=list)
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
    tests: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)
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
    advice: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
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
    questions: list[str] = field(default_factory=list)


class ContextRule(_Model):
    """One family of ConText triggers (medspaCy style): what they mark, which way they reach."""

    category: Literal["negated", "historical", "hypothetical", "other"]
    direction: Literal["forward", "backward", "both"]
    # Words a trigger reaches over; the clause (or sentence) end stops it earlier.
    reach: int = 8
    # `conditional` («если»): forward over its own clause, and on to the end of the sentence
    # only when the condition comes first («если будет инсульт, лицо перекосит»), not when it
    # follows what it qualifies («дёргаются, особенно если стукнуть по колену, понос»).
    scope: Literal["clause", "sentence", "conditional"] = "clause"
    # Terminators a conditional reads through in its own clause («если вдруг», «если снова»), or
    # a date reads through in its own clause («месяц назад на пару минут онемела рука»).
    through: list[str] = field(default_factory=list)
    # An anaphor («тогда», «в тот раз»): counts only after a historical cue of another rule,
    # earlier in its sentence or in the sentence before.
    anaphor: bool = False
    # Phrases that begin with a trigger and are no cue («если честно», «если что»).
    pseudo: list[str] = field(default_factory=list)
    # Counts only in a sentence that ends with «?» («а это не тромб?»).
    question: bool = False
    # Marks only these findings (empty: any finding the category applies to).
    only: list[str] = field(default_factory=list)
    # A trigger that may be a word of the finding's own match: «парализованную ногу», a state
    # said by the finding's own participle, is old (the present in its clause still wins).
    own: bool = False
    triggers: list[str]
    note: str | None = None


class Frame(_Model):
    """A red flag said in any words: one word of each slot in one clause (``clause``), plus one
    of each ``sentence`` slot anywhere in the sentence («вдруг» … «ослабла» … «нога»)."""

    id: str
    finding: str
    clause: list[list[str]]
    sentence: list[list[str]] = field(default_factory=list)
    # Words that, in the same clause, show the frame means something else («в икре»).
    unless: list[str] = field(default_factory=list)
    # The same anywhere in the sentence («руки трясутся, чай проливаю из руки»: a tremor).
    unless_sentence: list[str] = field(default_factory=list)
    note: str | None = None


class PseudoPhrase(_Model):
    """Words that look like a finding and are not one («тугой бинт» is no stiffness, «трясёт
    весь день» after a quarrel no convulsion): a match of one of ``findings`` that overlaps the
    phrase is dropped."""

    phrase: str
    findings: list[str]
    note: str | None = None


class ContextRules(_Model):
    # Words that end a qualifier's scope («но», «а», «сейчас»): the present breaks the past.
    terminators: list[str]
    rules: list[ContextRule]
    # Pseudo-findings: phrases whose words a finding's terms would read wrongly.
    pseudo: list[PseudoPhrase] = field(default_factory=list)
    # Words naming a person other than the writer («соседка», «бабушка»).
    persons: list[str] = field(default_factory=list)
    # Persons who are never the patient (neighbours, friends, colleagues).
    strangers: list[str] = field(default_factory=list)
    # Verbs that make the person just before them a reporter, not the one affected.
    reporting_verbs: list[str] = field(default_factory=list)
    # Words naming the leg: a movement beside one of them is the leg's (see Finding.elsewhere).
    leg_words: list[str] = field(default_factory=list)
    # Findings that are dated events (an operation): only a historical rule that names one in
    # `only` makes it old (a month ago is still recent, and «после операции осталась боль» says
    # nothing of when it was), and a date said in an event's clause dates the event, not what
    # the other clauses say («операция месяц назад, икра болит»: the calf hurts now).
    events: list[str] = field(default_factory=list)
    # Findings that name a medicine the person takes: named in a question or beside a possibility
    # («можно ли пить тизанидин?», «а это не от баклофена?»), the person has it or is weighing it,
    # so a hypothetical cue leaves it mentioned (negation still denies it: «тизанидин не пью»).
    medicines: list[str] = field(default_factory=list)


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
            **{name: getattr(self, name) for name in result.EXERCISE_PARAMETERS},
            caution=self.caution,
            sources=pack.cite(self.cite),
        )


class Medicine(_Model):
    id: str
    name: str
    group: str
    what_a_doctor_may_consider: str
    cautions: Annotated[list[str], _min_length(1)]
    conditions: list[str]
    # Never shown while this holds (no adult medicine cards for a child, no magnesium with
    # kidney failure).
    unless: Expr | None = None
    # Conditions that, when among the leading explanations, keep the card off the screen.
    not_with: list[str] = field(default_factory=list)
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
    sets: dict[str, bool | float] = field(default_factory=dict)


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
    answerOption: list[AnswerOption] = field(default_factory=list)
    enableWhen: list[EnableWhen] = field(default_factory=list)
    enableBehavior: Literal["all", "any"] = "all"
    # FHIR `repeats`: a choice item that takes several answers («отметьте всё, что есть»).
    repeats: bool = False
    finding: str | None = None  # for boolean / numeric items: the finding it answers
    red_flag: bool = False
    cite: list[Cite] = field(default_factory=list)


class StandardCode(_Model):
    """A code of a standard terminology used by the FHIR export, with where it is defined."""

    id: str
    system: Literal[
        "http://snomed.info/sct",
        "http://loinc.org",
        "http://unitsofmeasure.org",
        "http://terminology.hl7.org/CodeSystem/observation-category",
    ]
    code: Annotated[str, _min_length(1, pattern=r"^[^\s]+( [^\s]+)*$")]
    display: str
    cite: Cites


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
    questions: list[Question] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    context: ContextRules | None = None
    frames: list[Frame] = field(default_factory=list)
    codes: list[StandardCode] = field(default_factory=list)
    texts: Texts

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        # After the fields, the whole-pack reference checks (a pydantic "after" validator).
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(_checked_references, handler(source))

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

    def code(self, id: str) -> StandardCode:
        return self._index("codes")[id]  # type: ignore[no-any-return]

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


def _checked_references(pack: Pack) -> Pack:
    problems = list(_reference_problems(pack))
    if problems:
        raise ValueError("; ".join(problems))
    return pack


def _section_items() -> dict[str, type[_Model]]:
    out: dict[str, type[_Model]] = {}
    for name, annotation in Pack.__annotations__.items():
        # The annotations are strings (``from __future__ import annotations``): «list[Rule]».
        m = re.fullmatch(r"list\[(\w+)\]", str(annotation))
        if m:
            out[name] = globals()[m[1]]
    return out


# The pack's list sections, in the order of ``Pack`` (the order a reviewer reads them), written
# once: the loader's checks, the citation walk and ``pack check``'s counts all derive from here.
SECTIONS: tuple[str, ...] = tuple(_section_items())
ID_SECTIONS: tuple[str, ...] = tuple(n for n, t in _section_items().items() if "id" in t._fields)
CITED_SECTIONS: tuple[str, ...] = tuple(
    n for n, t in _section_items().items() if "cite" in t._fields
)


def _expr_problems(where: str, e: ex.Expr, findings: set[str], numeric: set[str]) -> Iterator[str]:
    """Unknown finding ids, and comparisons of a finding that has no value."""
    for leaf, _ in ex.literals(e):
        if leaf.finding not in findings:
            yield f"{where}: condition names unknown finding {leaf.finding!r}"
        elif isinstance(leaf, ex.Compare) and leaf.finding not in numeric:
            yield (
                f"{where}: compares {leaf.finding!r} with {leaf.value:g}, but that finding has "
                "no value (it is not numeric)"
            )


def _reference_problems(pack: Pack) -> Iterator[str]:
    ids: dict[str, set[str]] = {}
    for attr in ID_SECTIONS:
        seen: set[str] = set()
        for item in getattr(pack, attr):
            if item.id in seen:
                yield f"{attr}: duplicate id {item.id!r}"
            seen.add(item.id)
        ids[attr] = seen
    pairs = [(c.system, c.code) for c in pack.codes]
    for system, code in {p for p in pairs if pairs.count(p) > 1}:
        yield f"codes: the code {code!r} of {system} is listed twice"
    qids = [q.linkId for q in pack.questions]
    if len(set(qids)) != len(qids):
        yield "questions: duplicate linkId"
    findings = ids["findings"]
    numeric = {f.id for f in pack.findings if f.numeric}
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
    for src in pack.sources:
        if src.checked is not None and src.url is None:
            yield f"sources.{src.id}: `checked` needs the `url` it was checked against"
        if src.kind == "seed" and src.url is not None:
            yield f"sources.{src.id}: a seed is a file in the project, not a `url`"
    for f in pack.findings:
        for i in [*f.implies, *f.overrides]:
            if i not in findings:
                yield f"findings.{f.id}: names unknown finding {i!r}"
        if f.derived is not None:
            yield from _expr_problems(f"findings.{f.id}", f.derived, findings, numeric)
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
        yield from _expr_problems(f"rules.{r.id}", r.when, findings, numeric)
        for a in r.advice:
            if a not in ids["advice"]:
                yield f"rules.{r.id}: unknown advice {a!r}"
        for t in r.tests:
            if t not in ids["tests"]:
                yield f"rules.{r.id}: unknown test {t!r}"
    for adv in pack.advice:
        for expr in (adv.when, adv.unless):
            if expr is not None:
                yield from _expr_problems(f"advice.{adv.id}", expr, findings, numeric)
    for m in pack.medicines:
        for cid in [*m.conditions, *m.not_with]:
            if cid not in ids["conditions"]:
                yield f"medicines.{m.id}: unknown condition {cid!r}"
        if m.unless is not None:
            yield from _expr_problems(f"medicines.{m.id}", m.unless, findings, numeric)
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
        relevant = ex.findings(ch.relevant) if ch.relevant is not None else ()
        for fid in [ch.answer_finding, *ch.findings, *relevant]:
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
        elif ch.answer_finding not in set(ex.findings(rule.when)):
            yield f"{where}: rule {ch.rule!r} does not use its answer {ch.answer_finding!r}"
    if pack.context is not None:
        for cr in pack.context.rules:
            for fid in cr.only:
                if fid not in findings:
                    yield f"context: rule {cr.category!r} names unknown finding {fid!r}"
        for ps in pack.context.pseudo:
            for fid in ps.findings:
                if fid not in findings:
                    yield f"context: pseudo {ps.phrase!r} names unknown finding {fid!r}"
            if not ps.phrase.split() or not ps.findings:
                yield f"context: pseudo {ps.phrase!r} needs words and findings"
        for fid in pack.context.medicines:
            if fid not in findings:
                yield f"context: medicines names unknown finding {fid!r}"
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
    "systemic",
    "acute",
    "readings",
    "subacute",
    "codes",
)


def settable_findings(pack: Pack) -> frozenset[str]:
    """The findings a person's words or answers can set.

    A finding is settable when it has lexicon terms (the text), is numeric (a quantity read
    from the text, an answer or the diary), is a frame's finding or a finding's ``history_as``
    (the language layer sets both), answers a red-flag check, is set by a question
    (``finding`` or an answer's ``sets``), is implied by a settable finding, or is derived
    from a condition that settable findings can make true. Structured input (``assess
    --findings``) can set any finding, but a rule only such input can reach never helps a
    person, so ``pack check`` reports it.
    """
    out = {f.id for f in pack.findings if f.lexicon or f.numeric}
    out |= {f.history_as for f in pack.findings if f.history_as}  # an old mention's meaning
    out |= {fr.finding for fr in pack.frames}  # red flags said in any words
    out |= {ch.answer_finding for ch in pack.checks}  # the answer to a red-flag check
    for q in pack.questions:
        if q.finding is not None:
            out.add(q.finding)
        for opt in q.answerOption:
            out.update(opt.sets)
    changed = True
    while changed:
        changed = False
        for f in pack.findings:
            if f.id in out:
                new = set(f.implies) - out
            elif f.derived is not None and ex.satisfiable(f.derived, out.__contains__):
                new = {f.id}
            else:
                continue
            if new:
                out |= new
                changed = True
    return frozenset(out)


def lint_pack(pack: Pack) -> list[str]:
    """Problems the loader lets through because the engine runs regardless, but a reviewer must
    fix: a rule, an advice condition or a derived finding that can never hold.

    "Can never hold" is decided by :func:`spasmnav.expr.satisfiable`: no assignment of the
    findings makes the condition true (``{all: [x, {not: x}]}``), counting a finding that
    nothing can set (see :func:`settable_findings`) as always unknown. Each problem names the
    item, like the loader's problems do.
    """
    can_set = settable_findings(pack).__contains__
    problems: list[str] = []
    for r in pack.rules:
        if not ex.satisfiable(r.when, can_set):
            problems.append(f"rules.{r.id}: the condition can never hold, so the rule never fires")
    for a in pack.advice:
        if a.when is not None and not ex.satisfiable(a.when, can_set):
            problems.append(f"advice.{a.id}: the condition can never hold")
    for f in pack.findings:
        if f.derived is not None and not ex.satisfiable(f.derived):
            problems.append(f"findings.{f.id}: the derived condition can never hold")
    return problems


def _yaml_loader() -> Any:
    # The C loader is about five times faster than the pure-Python one (0.1 s against 0.5 s
    # for the pack); the pure-Python one stays as a fallback where libyaml is absent. PyYAML is
    # imported here: a start that finds the pack in the snapshot cache never needs it.
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Origins:
    """Which file each part of the pack came from, so problems can name it."""

    def __init__(self) -> None:
        self.by_index: dict[tuple[str, int], tuple[str, str | None]] = {}
        self.by_id: dict[tuple[str, str], str] = {}
        self.section: dict[str, str] = {}

    def add(self, section: str, items: list[Any], file: str) -> None:
        self.section.setdefault(section, file)
        offset = sum(1 for s, _ in self.by_index if s == section)
        for i, item in enumerate(items):
            key = item.get("linkId", item.get("id")) if isinstance(item, dict) else None
            ident = str(key) if key is not None else None
            self.by_index[(section, offset + i)] = (file, ident)
            if ident is not None:
                self.by_id.setdefault((section, ident), file)

    def locate_error(self, loc: tuple[int | str, ...]) -> str:
        """``rules.yaml: rules.stroke_signs.when`` for a pydantic location ``(rules, 3, when)``."""
        parts = [str(p) for p in loc]
        if len(loc) >= 2 and isinstance(loc[1], int):
            file, ident = self.by_index.get((str(loc[0]), loc[1]), (None, None))
            if ident is not None:
                parts[1] = ident
            if file:
                return f"{file}: " + ".".join(parts)
        if loc and str(loc[0]) in self.section:
            return f"{self.section[str(loc[0])]}: " + ".".join(parts)
        return ".".join(parts)

    def locate_problem(self, problem: str) -> str:
        """Prefix a reference problem (``rules.some_id: …``) with its file."""
        head = problem.split(":", 1)[0]
        section, _, ident = head.partition(".")
        file = self.by_id.get((section, ident)) or self.section.get(section)
        return f"{file}: {problem}" if file else problem


def _read_yaml_dir(directory: Path | Any, origins: _Origins | None = None) -> dict[str, Any]:
    import yaml

    loader = _yaml_loader()
    data: dict[str, Any] = {}
    for name in PACK_FILES:
        node = directory / f"{name}.yaml"
        if not node.is_file():
            continue
        file = f"{name}.yaml"
        try:
            loaded = yaml.load(node.read_text(encoding="utf-8"), Loader=loader) or {}
        except yaml.YAMLError as exc:
            raise PackError([f"{file}: YAML: {exc}"]) from exc
        if not isinstance(loaded, dict):
            raise PackError([f"{file}: expected sections (a mapping) at the top level"])
        for key, value in loaded.items():
            if origins is not None:
                if isinstance(value, list):
                    origins.add(key, value, file)
                else:
                    origins.section.setdefault(key, file)
            if key in data and isinstance(data[key], list) and isinstance(value, list):
                data[key].extend(value)
            else:
                data[key] = value
    return data


def load_pack_from(directory: Path | Any, *, lint: bool = False) -> Pack:
    """Load and validate a pack from a directory of YAML files; raise PackError on problems.

    Each problem names the file it is in and the item (``rules.yaml: rules.some_rule: …``).
    ``lint=True`` (``spasmnav pack check``) also rejects what :func:`lint_pack` finds.
    """
    origins = _Origins()
    pack = _validate(directory, origins)
    if lint:
        problems = lint_pack(pack)
        if problems:
            raise PackError([origins.locate_problem(p) for p in problems])
    return pack


# Pydantic's words for standard dataclasses that differ from its words for models (the pack's
# items were pydantic models; `pack check` says what it always said).
_MESSAGES = {"unexpected_keyword_argument": "Extra inputs are not permitted"}


def _validate(directory: Path | Any, origins: _Origins) -> Pack:
    from pydantic import ValidationError

    data = _read_yaml_dir(directory, origins)
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        for err in exc.errors():
            msg = _MESSAGES.get(err["type"], str(err["msg"])).removeprefix("Value error, ")
            if err["type"] == "dataclass_type":  # in the words pydantic uses for its models
                msg = msg.replace("a dictionary or an instance", "a valid dictionary or instance")
            if err["loc"]:
                where = origins.locate_error(tuple(err["loc"]))
                problems.extend(f"{where}: {m}" for m in msg.split("; "))
            else:  # the whole-pack reference checks
                problems.extend(origins.locate_problem(m) for m in msg.split("; "))
        raise PackError(problems) from exc


def read_shipped_pack() -> Pack:
    """Read and validate the pack inside the package (see :func:`load_pack_cached`)."""
    return load_pack_cached(SHIPPED_PACK_DIR)


def pack_fingerprint(directory: Path) -> str:
    """The snapshot key of the pack in ``directory``: its YAML files and this schema's source."""
    from . import facts, snapshot

    parts: list[bytes | str] = [PACK_SCHEMA_VERSION]
    for name in PACK_FILES:
        node = directory / f"{name}.yaml"
        parts += [name, node.read_bytes() if node.is_file() else b""]
    for module in (__file__, ex.__file__, facts.__file__):
        parts.append(Path(module).read_bytes())
    return snapshot.fingerprint(parts)


def load_pack_cached(directory: Path, key: str | None = None) -> Pack:
    """:func:`load_pack_from`, kept in the snapshot cache (:mod:`spasmnav.snapshot`) under a
    key that hashes the YAML files and this schema's source: an unchanged pack is not parsed
    and validated again by the next process; any edit is validated afresh. ``key`` is
    :func:`pack_fingerprint` of ``directory`` when the caller has it already."""
    from . import snapshot

    key = key or pack_fingerprint(directory)
    return snapshot.cached("pack", key, lambda: load_pack_from(directory), Pack)


def load_pack() -> Pack:
    """The shipped pack, as the default navigator holds it (read and validated once per
    process; see :mod:`spasmnav.core`)."""
    from .core import default_navigator

    return default_navigator().pack
