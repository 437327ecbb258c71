"""The triage engine: a pure, deterministic function from findings to an assessment.

Red-flag rules set the floor of urgency; every fired rule becomes a reason that names its
findings and sources. Condition scores are sums of evidence weights, so each score can be
explained finding by finding.

Compiled once per pack: every leaf of every condition (a finding present, known absent, a value
compared) is a bit of one integer, computed once per assessment from the findings; every
condition (rule, check, advice ``when``/``unless``, derived finding) and every rule's explanation
is then a generated function of that integer (:class:`_MaskCode`), and a condition is only
evaluated when a finding it needs is among the facts (:class:`_Gates`). The parts of a result
that depend on the pack and a few ids only (a rule's reason for its explanation, a condition's
score for its evidence, a red flag, the open checks) are built once and shared between results
(bounded memo tables, never keyed by the whole input), and the typed result is built by the
fast constructors of :mod:`spasmnav.result`: one assessment takes a few tens of microseconds.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from types import CodeType
from typing import Any

from . import expr as ex
from . import result as res
from .content import Pack
from .facts import Facts, Observation
from .result import SCHEMA_VERSION, Assessment

__all__ = [
    "SCHEMA_VERSION",
    "Assessment",
    "Engine",
    "ExprError",
    "Observation",
    "assess",
    "assess_findings",
    "compile_expr",
    "get_engine",
    "leading_conditions",
]

RANK = res.LEVEL_RANK
_URGENT = RANK["urgent"]
_DOCTOR = RANK["doctor"]
TOP_CONDITIONS_FOR_CARE = 3
# Medicine cards follow only the leading explanation: the top condition plus any whose raw
# score is within this margin of it (about half a typical clue), never a third-ranked guess.
LEADING_MARGIN = 0.5
DEFAULT_RULE = "default_self_care"


ExprError = ex.ExprError
Predicate = ex.Predicate


def compile_expr(raw: Any) -> Predicate:
    """Compile a rule condition (as written in the pack, or already parsed) into a predicate
    over ``(facts, present ids)``; see :mod:`spasmnav.expr` for the forms."""
    return ex.compile(ex.parse(raw)).test


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    id: str
    level: res.Level
    rank: int
    priority: int
    red_flag: bool
    predicate: Predicate
    explain: ex.Explainer  # precompiled: the findings that made the rule fire
    specialist: str
    title: str
    reason: str
    sources: tuple[res.Citation, ...]
    advice: tuple[str, ...]
    tests: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _CompiledCondition:
    id: str
    prior: float
    evidence: tuple[tuple[str, float, bool], ...]
    specialist: str


@dataclass(frozen=True, slots=True)
class _CompiledCheck:
    id: str
    title: str
    question: str
    answer: str
    findings: frozenset[str]
    rule: str
    worry: bool
    relevant: Predicate | None
    sources: tuple[res.Citation, ...]


CHECK_ANSWERS = ("да", "нет", "не знаю")


def leading_conditions(conditions: Sequence[res.ConditionScore]) -> list[str]:
    """The ids of the leading explanations of a ranked condition list (see LEADING_MARGIN)."""
    if not conditions:
        return []
    best = conditions[0].raw_score
    return [c.id for c in conditions if c.raw_score >= best - LEADING_MARGIN]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _fold(weights: Iterable[float]) -> float:
    """``0.0 + w1 + w2 + …`` left to right, as the engine sums evidence (not ``sum``: since
    Python 3.12 it compensates rounding errors)."""
    s = 0.0
    for w in weights:
        s += w
    return s


def _order_free(weights: Sequence[float]) -> bool:
    """Whether every order of adding ``weights`` from 0.0 gives the same float: two terms
    always do (addition commutes); of three, the sums differ only by the term added last;
    more are taken as order-dependent."""
    n = len(weights)
    if n <= 2:
        return True
    if n > 3:
        return False
    a, b, c = weights
    return (a + b) + c == (a + c) + b == (b + c) + a


_first = operator.itemgetter(0)
_third = operator.itemgetter(2)


MaskPredicate = Callable[[int], bool | int]
_OPEN_SPAN = res.open_twin(res.FindingSpan)
_PRESENT = Observation(True)
_UNKNOWN = Observation(None)
# The result's memo tables (reasons per rule and findings, scores per condition and evidence,
# open checks) stop growing here: their keys are few for real finding sets, but a caller
# exploring random combinations must not make a server's memory grow without bound. An entry
# keeps its item and, once written, its JSON: about 1 KiB. Over 20,000 texts that never repeat
# (bench/web.py's) the tables met about 2,200 distinct keys each, and 2,048 entries kept 99.0 %
# of the score look-ups and 97.5 % of the reasons as hits (unbounded: the same); 8,192 entries
# only made the server's memory grow until 100,000 texts and beyond (+17 MiB at the bounds)
# for look-ups that save a microsecond or two of a millisecond's assessment. 512 entries: the
# evaluation cases' keys still all fit (372 texts: 458 scores, 329 reasons, 85 open-check sets),
# and the tables are full, or nearly, after a server's first 1,000 new texts instead of growing
# for 10,000 more (bench/web.py: RSS 141 -> 160 MiB from 1,000 to 10,000 texts with 2,048,
# 138 -> 147 MiB with 512); on texts that never repeat the misses cost about 10 us an
# assessment (engine and JSON: 78-87 us with 2,048 entries, 90-97 us with 512).
_MEMO_LIMIT = 512


class _MaskCode:
    """The leaves of a pack's conditions as bits, and conditions as Python over one integer.

    A finding has a bit for "present" and one for "known to be absent", and every distinct
    comparison (``age >= 65``) has one of its own, each given when a condition first tests it
    (the findings passed, in their order, may be given their "present" bits first): a finding
    no condition tests has none, and the integer stays as short as the tests need (a bit
    operation on a Python integer takes time in proportion to its length). :meth:`mask`
    computes the integer for a set of facts; :meth:`source` writes a condition as an
    expression over ``m`` whose truth is exactly that of :func:`spasmnav.expr.compile` on the
    same facts.
    """

    def __init__(self, findings: Sequence[str], first: Iterable[str] = ()) -> None:
        self.index = {fid: i for i, fid in enumerate(findings)}
        self._next = 0
        self._compare_bits: dict[tuple[str, str, float], int] = {}
        # fid -> (present bit, absent bit, ((comparison bit, op, bound), ...)); 0: none given
        self.bits: dict[
            str, tuple[int, int, tuple[tuple[int, Callable[[float, float], bool], float], ...]]
        ] = {fid: (0, 0, ()) for fid in self.index}
        for fid in first:
            self.present(fid)

    def _new_bit(self) -> int:
        bit = 1 << self._next
        self._next += 1
        return bit

    def present(self, fid: str) -> int:
        p, a, cmps = self._bit(fid)
        if not p and fid in self.index:
            p = self._new_bit()
            self.bits[fid] = (p, a, cmps)
        return p

    def absent(self, fid: str) -> int:
        p, a, cmps = self._bit(fid)
        if not a and fid in self.index:
            a = self._new_bit()
            self.bits[fid] = (p, a, cmps)
        return a

    def _bit(self, fid: str) -> tuple[int, int, Any]:
        if fid not in self.bits:  # a finding the pack does not declare: never set
            self.bits[fid] = (0, 0, ())
        return self.bits[fid]

    def compare(self, fid: str, op: str, bound: float) -> int:
        key = (fid, op, bound)
        bit = self._compare_bits.get(key)
        if bit is None:
            bit = self._new_bit()
            self._compare_bits[key] = bit
            p, a, cmps = self._bit(fid)
            self.bits[fid] = (p, a, (*cmps, (bit, ex.OPS[op], bound)))
        return bit

    def source(self, e: ex.Expr) -> str:
        match e:
            case ex.TrueExpr():
                return "True"
            case ex.Present(fid):
                return f"(m & {self.present(fid)})"
            case ex.Absent(fid):
                return f"(m & {self.absent(fid)})"
            case ex.Compare(fid, op, bound):
                return f"(m & {self.compare(fid, op, bound)})"
            case ex.All(items):
                ids = [i for i in items if isinstance(i, ex.Present)]
                rest = [self.source(i) for i in items if not isinstance(i, ex.Present)]
                parts = []
                if ids:
                    k = 0
                    for i in ids:
                        k |= self.present(i.finding)
                    parts.append(f"(m & {k}) == {k}")
                return "(" + " and ".join(parts + rest) + ")"
            case ex.AnyOf(items):
                ids = [i for i in items if isinstance(i, ex.Present)]
                rest = [self.source(i) for i in items if not isinstance(i, ex.Present)]
                parts = []
                if ids:
                    k = 0
                    for i in ids:
                        k |= self.present(i.finding)
                    parts.append(f"(m & {k})")
                return "(" + " or ".join(parts + rest) + ")"
            case ex.Not(item):
                return f"(not {self.source(item)})"
            case ex.MinOf(n, items):
                terms = " + ".join(f"(1 if {self.source(i)} else 0)" for i in items)
                return f"(({terms}) >= {n})"

    def why(self, e: ex.Expr, names: list[str], depth: int) -> list[str]:
        """Statements setting bit ``j`` of ``k`` when the ``j``-th name they append to ``names``
        is part of the explanation of ``e``, exactly as :func:`spasmnav.expr.compile`'s
        ``explain``: a leaf explains itself when it holds; a list, each leaf of it that holds and
        each other item that holds, explained; ``min``, each item explained; ``not`` nothing."""
        pad = "    " * depth
        match e:
            case ex.Present(fid):
                return self._why_leaf(self.present(fid), fid, names, pad)
            case ex.Absent(fid):
                return self._why_leaf(self.absent(fid), fid, names, pad)
            case ex.Compare(fid, op, bound):
                return self._why_leaf(self.compare(fid, op, bound), fid, names, pad)
            case ex.All(items) | ex.AnyOf(items):
                out: list[str] = []
                for item in items:
                    if isinstance(item, ex.Present | ex.Absent | ex.Compare):
                        out += self.why(item, names, depth)
                    else:
                        inner = self.why(item, names, depth + 1)
                        if inner:
                            out += [f"{pad}if {self.source(item)}:", *inner]
                return out
            case ex.MinOf(_, items):
                return [line for item in items for line in self.why(item, names, depth)]
            case _:
                return []

    @staticmethod
    def _why_leaf(bit: int, fid: str, names: list[str], pad: str) -> list[str]:
        names.append(fid)
        return [f"{pad}if m & {bit}:", f"{pad}    k |= {1 << (len(names) - 1)}"]

    def all_bits(self, fid: str) -> int:
        """Every bit about ``fid`` (present, absent, its comparisons)."""
        p, a, cmps = self._bit(fid)
        out = p | a
        for bit, _, _ in cmps:
            out |= bit
        return out

    def predicate(self, e: ex.Expr) -> MaskPredicate:
        """A function of the mask whose truth is that of ``e`` (its value is a bool or an
        integer: the engine only tests it, and ``bool()`` around it would cost a call)."""
        # The source holds integers and operators only (no pack text): safe to evaluate.
        fn: MaskPredicate = eval(_compiled(f"lambda m: {self.source(e)}", "eval"), {})
        return fn

    def mask(self, facts: Facts) -> int:
        m = 0
        bits = self.bits
        for fid, o in facts.items():
            b = bits.get(fid)
            if b is None:
                continue
            p = o.present
            if p is True:
                m |= b[0]
            elif p is False:
                m |= b[1]
            if b[2] and o.value is not None:
                v = o.value
                for bit, op, bound in b[2]:
                    if op(v, bound):
                        m |= bit
        return m


def _needs(e: ex.Expr) -> frozenset[str] | None:
    """Finding ids of which at least one must be in the facts for ``e`` to hold; None when it
    can hold with none of them known (``true``, or under a ``not``)."""
    match e:
        case ex.Present(fid) | ex.Absent(fid) | ex.Compare(fid, _, _):
            return frozenset({fid})
        case ex.All(items):
            best: frozenset[str] | None = None
            for item in items:  # any item's need is the whole's: the smallest
                need = _needs(item)
                if need is not None and (best is None or len(need) < len(best)):
                    best = need
            return best
        case ex.AnyOf(items) | ex.MinOf(_, items):
            out: set[str] = set()
            for item in items:
                need = _needs(item)
                if need is None:
                    return None
                out |= need
            return frozenset(out)
        case _:
            return None


class _Gates:
    """Which conditions a finding can make true: bit ``k`` of ``by_finding[fid]`` is set when
    ``fid`` is among the findings condition ``k`` needs (:func:`_needs`). OR-ing the gates of
    the findings in the facts tells which conditions are worth evaluating; the others are
    false (or, for a check, as for no facts at all), whatever else the facts say."""

    def __init__(self) -> None:
        self.by_finding: dict[str, int] = {}
        self.next = 0  # the next bit

    def add(self, fids: Iterable[str]) -> int:
        bit = 1 << self.next
        self.next += 1
        for fid in fids:
            self.by_finding[fid] = self.by_finding.get(fid, 0) | bit
        return bit


# What compiles the generated source: ``compile`` itself unless the caller building an engine
# sets a compiler that keeps earlier processes' code (``spasmnav.core`` for the shipped pack,
# with ``snapshot.CodeCache``, which only returns code compiled from the very same source).
source_compiler: ContextVar[Callable[[str, str], CodeType] | None] = ContextVar(
    "source_compiler", default=None
)


def _compiled(source: str, mode: str) -> CodeType:
    compiler = source_compiler.get()
    return compile(source, "<string>", mode) if compiler is None else compiler(source, mode)


def _by_use(pack: Pack) -> list[str]:
    """The pack's findings that its conditions (and its scope) name, those named most often
    first (pack order among equals): their "present" bits come lowest in the mask, where
    testing one costs least (a bit operation on a Python integer takes time in proportion to
    the length of the shorter operand, and most tests are of a constant with the mask)."""
    ids = {f.id: i for i, f in enumerate(pack.findings)}
    uses: dict[str, int] = {}

    def count(raw: Any) -> None:
        if raw is not None:
            for fid in ex.findings(ex.parse(raw)):
                uses[fid] = uses.get(fid, 0) + 1

    for r in pack.rules:
        count(r.when)
    for c in pack.checks:
        count(c.relevant)
        for fid in (c.answer_finding, *c.findings):
            uses[fid] = uses.get(fid, 0) + 1
    for a in pack.advice:
        count(a.when)
        count(a.unless)
    for m in pack.medicines:
        count(m.unless)
    for f in pack.findings:
        count(f.derived)
    for fid in (f.id for f in pack.findings if f.scope):
        uses[fid] = uses.get(fid, 0) + 1
    return sorted((fid for fid in uses if fid in ids), key=lambda fid: (-uses[fid], ids[fid]))


def _define(lines: list[str], name: str, **namespace: Any) -> Any:
    """Execute generated source (integers, operators and the names passed only: no pack text)
    and return the function ``name`` it defines."""
    exec(_compiled("\n".join(lines), "exec"), namespace)
    return namespace[name]


class Engine:
    """Rules and evidence of one pack, compiled; ``assess`` is pure and deterministic."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._derived: list[tuple[str, Predicate]] = [
            (f.id, ex.compile(f.derived).test) for f in pack.findings if f.derived is not None
        ]
        self._implies = {f.id: tuple(f.implies) for f in pack.findings if f.implies}
        self._scope = frozenset(f.id for f in pack.findings if f.scope)
        self._labels = {f.id: f.label for f in pack.findings}
        compiled = {r.id: ex.compile(r.when) for r in pack.rules}
        rules = [
            _CompiledRule(
                id=r.id,
                level=r.level,
                rank=RANK[r.level],
                priority=r.priority,
                red_flag=r.red_flag,
                predicate=compiled[r.id].test,
                explain=compiled[r.id].explain,
                specialist=r.specialist,
                title=r.title,
                reason=r.reason,
                sources=pack.cite(r.cite),
                advice=tuple(r.advice),
                tests=tuple(r.tests),
            )
            for r in pack.rules
        ]
        # Most urgent first, then explicit priority, then pack order (stable sort).
        self._rules = sorted(rules, key=lambda r: (-r.rank, -r.priority))
        self._conditions = [
            _CompiledCondition(
                id=c.id,
                prior=c.prior,
                evidence=tuple((e.finding, e.weight, e.present) for e in c.evidence),
                specialist=c.specialist,
            )
            for c in pack.conditions
        ]
        self._evidence_by_finding: dict[str, list[tuple[int, float, bool]]] = {}
        self._evidence_order: list[dict[str, int]] = []
        for ci, cond in enumerate(self._conditions):
            self._evidence_order.append({})
            for order, (fid, weight, when_present) in enumerate(cond.evidence):
                self._evidence_by_finding.setdefault(fid, []).append((ci, weight, when_present))
                self._evidence_order[ci].setdefault(fid, order)
        # The result's evidence items depend on the pack only: built once, shared by results.
        self._evidence_items: dict[str, list[tuple[int, bool, res.Evidence]]] = {
            fid: [
                (ci, when_present, res.Evidence(fid, self._labels[fid], when_present, weight))
                for ci, weight, when_present in items
            ]
            for fid, items in self._evidence_by_finding.items()
        }
        self._advice_items = {
            a.id: res.Advice(
                id=a.id, kind=a.kind, title=a.title, text=a.text, sources=pack.cite(a.cite)
            )
            for a in pack.advice
        }
        self._test_items = {
            t.id: res.Test(id=t.id, title=t.title, why=t.why, sources=pack.cite(t.cite))
            for t in pack.tests
        }
        self._exercise_items = {x.id: x.card(pack) for x in pack.exercises}
        self._medicines_by_condition: dict[str, list[res.MedicineCard]] = {}
        self._medicine_not_with = {m.id: frozenset(m.not_with) for m in pack.medicines}
        for m in pack.medicines:
            card = res.MedicineCard(
                id=m.id,
                name=m.name,
                group=m.group,
                what_a_doctor_may_consider=m.what_a_doctor_may_consider,
                cautions=tuple(m.cautions),
                sources=pack.cite(m.cite),
            )
            for cid in m.conditions:
                self._medicines_by_condition.setdefault(cid, []).append(card)
        self._condition_info = {
            c.id: (c.title, c.summary, c.mechanism, pack.cite(c.cite), c.tests, c.advice)
            for c in pack.conditions
        }
        self._condition_exercises = {c.id: c.exercises for c in pack.conditions}
        self._checks = [
            _CompiledCheck(
                id=c.id,
                title=c.title,
                question=c.question,
                answer=c.answer_finding,
                findings=frozenset(c.findings),
                rule=c.rule,
                worry=c.unknown_is_worry,
                relevant=ex.compile(c.relevant).test if c.relevant is not None else None,
                sources=tuple(pack.cite(next(r.cite for r in pack.rules if r.id == c.rule))),
            )
            for c in pack.checks
        ]
        self._unchecked_items = {
            c.id: res.UncheckedRedFlag(
                id=c.id,
                title=c.title,
                question=c.question,
                answers=CHECK_ANSWERS,
                finding=c.answer,
                worry=c.worry,
            )
            for c in self._checks
        }
        self._plain_spans: dict[tuple[str, bool | None], res.FindingSpan] = {}
        self._levels: dict[str, tuple[str, str]] = {
            lv.id: (lv.title, lv.action) for lv in pack.levels
        }
        self._specialists = {s.id: s.title for s in pack.specialists}
        self._compile_fast_path()

    def _compile_fast_path(self) -> None:
        """The bit masks, the generated functions and the shared result parts of :meth:`assess`
        (see the module's docstring)."""
        pack = self.pack
        code = _MaskCode([f.id for f in pack.findings], _by_use(pack))
        self._mask = code
        gates = _Gates()
        self._scope_mask = 0
        for fid in self._scope:
            self._scope_mask |= code.present(fid)
        rules = self._rules
        self._rule_index = {r.id: i for i, r in enumerate(rules)}
        self._default_rule = self._rule_index.get(DEFAULT_RULE, -1)
        when = {r.id: ex.parse(r.when) for r in pack.rules}
        checks = {c.id: c for c in pack.checks}
        # Rules: gate bit i is rule i's (see _Gates); a rule is tested only when a finding it
        # needs is in the facts, or always when it needs none (the catch-all).
        self._rule_tests: list[MaskPredicate] = []
        self._rule_always = 0
        for i, r in enumerate(rules):
            need = _needs(when[r.id])
            bit = gates.add(need or ())
            assert bit == 1 << i
            if need is None:
                self._rule_always |= bit
            self._rule_tests.append(code.predicate(when[r.id]))
        self._rule_gates = (1 << len(rules)) - 1
        # The catch-all, when its condition is `true`, fires without a test: exactly when no
        # other rule does (see _decide).
        self._catch_all_true = self._default_rule >= 0 and isinstance(
            when[rules[self._default_rule].id], ex.TrueExpr
        )
        if self._catch_all_true:
            self._rule_always &= ~(1 << self._default_rule)
            self._rule_gates &= ~(1 << self._default_rule)
        # Checks: gate bit len(rules) + ci is check ci's: set when its answer, one of its
        # findings or of its `relevant` is in the facts. A check none of them is known about
        # has the answer it has for no facts at all (bits of its own all 0), so only the
        # touched ones are tested, against the mask and the checks the fired rules close.
        self._check_base = len(rules)
        self._check_all = (1 << len(self._checks)) - 1
        self._check_closes = [0] * len(rules)  # rule index -> the checks its firing closes
        self._check_tests: list[Callable[[int, int], bool | int]] = []
        self._check_untouched_open = 0
        for ci, c in enumerate(self._checks):
            if c.rule in self._rule_index:
                self._check_closes[self._rule_index[c.rule]] |= 1 << ci
            fp = fa = 0
            for fid in c.findings:
                fp |= code.present(fid)
                fa |= code.absent(fid)
            relevant = checks[c.id].relevant
            tests = [
                f"not (f & {1 << ci})",
                f"not (m & {fp})",
                f"not (m & {code.absent(c.answer)})",
                f"(m & {fa}) != {fa}",
            ]
            deps = {c.answer, *c.findings}
            if relevant is not None:
                tests.append(code.source(ex.parse(relevant)))
                deps.update(ex.findings(ex.parse(relevant)))
            assert gates.add(deps) == 1 << (self._check_base + ci)
            test = _define([f"def check(m, f):\n    return {' and '.join(tests)}"], "check")
            self._check_tests.append(test)
            if test(0, 0):
                self._check_untouched_open |= 1 << ci
        # The same by the bit length of a mask whose top bit is the rule's (the check's).
        self._rule_tests_by_length: list[Any] = [None, *self._rule_tests]
        self._check_tests_by_length: list[Any] = [None, *self._check_tests]
        # Why each rule fired, as a function of the mask: bit j of what it returns says that
        # the j-th finding of ``why_findings[i]`` is part of the explanation.
        self._whys: list[Callable[[int], int]] = []
        self._why_findings: list[tuple[str, ...]] = []
        for r in rules:
            names: list[str] = []
            body = code.why(when[r.id], names, 1)
            self._whys.append(_define(["def why(m):", "    k = 0", *body, "    return k"], "why"))
            self._why_findings.append(tuple(names))
        # Per rule, what its reasons share: the names of its explanation and their labels,
        # whether a name repeats, and the rule's own parts.
        self._reason_parts = [
            (
                names,
                tuple(self._labels[fid] for fid in names),
                len(set(names)) < len(names),
                r.id,
                r.level,
                r.reason,
                r.sources,
            )
            for r, names in zip(rules, self._why_findings, strict=True)
        ]
        self._reason_memos: list[dict[int, res.Reason]] = [{} for _ in rules]
        self._reasons_kept = 0  # in all the rules' memos together: at most _MEMO_LIMIT
        # Advice shown when its `when` holds; advice and medicine cards never shown while
        # their `unless` holds (potassium foods with kidney failure, adult medicine cards for a
        # child), whichever rule or condition brought them. Each a gate bit (from advice_base,
        # then from unless_base, in pack order).
        self._advice_base = gates.next
        self._advice_when: list[tuple[MaskPredicate, str, bool]] = []
        self._advice_always = 0
        for a in pack.advice:
            if a.when is not None:
                e = ex.parse(a.when)
                need = _needs(e)
                bit = gates.add(need or ())
                if need is None:
                    self._advice_always |= bit >> self._advice_base
                kind = self._advice_items[a.id].kind
                self._advice_when.append(
                    (code.predicate(e), a.id, kind in ("first_aid", "caution"))
                )
        self._unless_base = gates.next
        self._unless: list[tuple[MaskPredicate, str, bool]] = []
        self._unless_always = 0
        kinds: tuple[tuple[bool, Sequence[Any]], ...] = (
            (True, pack.advice),
            (False, pack.medicines),
        )
        for is_advice, cards in kinds:
            for item in cards:
                if item.unless:
                    e = ex.parse(item.unless)
                    need = _needs(e)
                    bit = gates.add(need or ())
                    if need is None:
                        self._unless_always |= bit >> self._unless_base
                    self._unless.append((code.predicate(e), item.id, is_advice))
        # Last, every comparison bit being allocated: derived findings (a derived finding's
        # own bits are all cleared when it is set).
        self._derived_mask = [
            (f.id, code.predicate(ex.parse(f.derived)), code.present(f.id), code.all_bits(f.id))
            for f in pack.findings
            if f.derived is not None
        ]
        self._derived_all = (1 << len(self._derived_mask)) - 1
        self._derived_base = gates.next
        self._derived_always = 0
        for f in pack.findings:
            if f.derived is not None:
                need = _needs(ex.parse(f.derived))
                bit = gates.add(need or ())
                if need is None:
                    self._derived_always |= bit >> self._derived_base
        self._advice_all = (1 << len(self._advice_when)) - 1
        self._unless_all = (1 << len(self._unless)) - 1
        # fid -> (present bit, absent bit, comparisons, gates, has implications)
        self._info: dict[str, tuple[int, int, Any, int, bool]] = {
            fid: (
                *code.bits.get(fid, (0, 0, ())),
                gates.by_finding.get(fid, 0),
                fid in self._implies,
            )
            for fid in {*code.bits, *gates.by_finding}
        }
        self._derived_fast = [
            (fid, pred, bit, clear, self._info.get(fid, (0, 0, (), 0, False))[3])
            for fid, pred, bit, clear in self._derived_mask
        ]
        # What a fired rule contributes that depends on the rule alone.
        self._red_flag_items = [
            res.RedFlag(id=r.id, title=r.title, level=r.level, sources=r.sources)
            if r.red_flag
            else None
            for r in rules
        ]
        self._rule_advice_kept = [
            tuple(a for a in r.advice if self._advice_items[a].kind in ("first_aid", "caution"))
            for r in rules
        ]
        self._worry_reasons = [
            res.Reason(
                rule=f"unknown_{c.id}",
                level="urgent",
                text=(
                    f"Не удалось исключить: {c.title.lower()}. Пока это неизвестно, "
                    "покажитесь врачу сегодня; если признак появится — звоните 103 или 112."
                ),
                findings=(c.answer,),
                finding_labels=(self._labels[c.answer],),
                sources=c.sources,
            )
            for c in self._checks
        ]
        self._unchecked_list = [self._unchecked_items[c.id] for c in self._checks]
        self._open_memo: dict[int, tuple[tuple[res.UncheckedRedFlag, ...], int]] = {}
        self._worry_checks = sum(1 << ci for ci, c in enumerate(self._checks) if c.worry)
        self._condition_specialist = {c.id: c.specialist for c in self._conditions}
        self._condition_care = {
            c.id: (c.tests, c.advice, self._condition_exercises[c.id]) for c in pack.conditions
        }
        # The same as ordered sets of the result's items (see assess).
        self._condition_care_items = {
            cid: (
                {t: self._test_items[t] for t in tests},
                {a: self._advice_items[a] for a in advice},
                {x: self._exercise_items[x] for x in exercises},
            )
            for cid, (tests, advice, exercises) in self._condition_care.items()
        }
        # per rule: its advice (index 1: at its own level; 0: below the result's level, first
        # aid and cautions only) and its tests, as ordered sets of the result's items
        self._rule_advice = [
            (
                {a: self._advice_items[a] for a in self._rule_advice_kept[i]},
                {a: self._advice_items[a] for a in r.advice},
            )
            for i, r in enumerate(rules)
        ]
        self._rule_test_items = [{t: self._test_items[t] for t in r.tests} for r in rules]
        # Per rule, all that a fired rule adds to the result, in one tuple (one look-up in
        # assess): its explanation, its reasons memo, its red flag, its advice at its own level
        # and below it, its tests, its level.
        self._fired_parts = [
            (
                self._whys[i],
                self._reason_memos[i],
                self._red_flag_items[i],
                self._rule_advice[i][1],
                self._rule_advice[i][0],
                self._rule_test_items[i],
                r.level,
            )
            for i, r in enumerate(rules)
        ]
        # Evidence: per finding and presence, (condition index, weight, entry bit), in the
        # order of the pack; per condition its entries in the order the result lists them
        # (by the first place of each finding in the condition's evidence, as ever).
        self._evidence_present: dict[str, tuple[tuple[int, float, int], ...]] = {}
        self._evidence_absent: dict[str, tuple[tuple[int, float, int], ...]] = {}
        # per condition: (evidence item, whether it supports), entry bit n at index n
        self._condition_entries: list[tuple[tuple[res.Evidence, bool], ...]] = []
        bit_of: dict[int, int] = {}  # id(evidence item) -> its bit in its condition
        for ci, cond in enumerate(self._conditions):
            order = self._evidence_order[ci]
            seen: dict[str, int] = {}
            evidence: list[res.Evidence] = []
            for fid, _, _ in cond.evidence:  # in pack order
                k = seen.get(fid, 0)
                seen[fid] = k + 1
                evidence.append([it for c, _, it in self._evidence_items[fid] if c == ci][k])
            evidence.sort(key=lambda item: order[item.finding])  # stable: pack order within one
            self._condition_entries.append(
                tuple((item, item.weight > 0 and item.present) for item in evidence)
            )
            for n, item in enumerate(evidence):
                bit_of[id(item)] = 1 << n
        for fid, entries in self._evidence_items.items():
            self._evidence_present[fid] = tuple(
                (ci, item.weight, bit_of[id(item)]) for ci, p, item in entries if p is True
            )
            self._evidence_absent[fid] = tuple(
                (ci, item.weight, bit_of[id(item)]) for ci, p, item in entries if p is False
            )
        self._n_conditions = len(self._conditions)
        self._shown_totals: dict[float, tuple[float, float]] = {}  # total -> (score, raw)
        # Scores by condition and evidence (the condition's entry bits in place): see _score.
        self._score_memo: dict[int, Any] = {}
        # The entries whose sum may depend on the order of the facts, apart (see _ranked).
        self._order_memo: dict[int, Any] = {}
        # The evidence entries of all conditions as the bits of one integer: condition ci's
        # entry n is bit offset[ci] + n. Per condition, what a score needs besides its evidence:
        # (offset, all its entry bits, prior, the entries' items, the entry bits that support
        # it, id, title, summary, mechanism, sources).
        self._condition_parts: list[tuple[Any, ...]] = []
        offset = 0
        offsets = []
        for ci, cond in enumerate(self._conditions):
            listed = self._condition_entries[ci]
            supports = 0
            for n, (_, supporting) in enumerate(listed):
                if supporting:
                    supports |= 1 << n
            title, summary, mechanism, sources, _, _ = self._condition_info[cond.id]
            self._condition_parts.append(
                (
                    offset,
                    (1 << len(listed)) - 1,
                    cond.prior,
                    tuple(item for item, _ in listed),
                    supports,
                    cond.id,
                    title,
                    summary,
                    mechanism,
                    sources,
                )
            )
            offsets.append(offset)
            offset += len(listed)
        # clear[n] clears bit n - 1 and above: ``c &= clear[c.bit_length()]`` drops the top bit of
        # a mask over rules, checks or conditions (cheaper than ``c & -c`` for the lowest bit:
        # negating a big integer copies it)
        widest = max(
            len(rules),
            len(self._checks),
            len(offsets),
            *(len(listed) for listed in self._condition_entries),
            *(len(names) for names in self._why_findings),
        )
        self._clear_top = [0] + [(1 << n) - 1 for n in range(widest + 1)]
        # ci + 1 (the bit length of a mask whose top bit is condition ci) -> the bits of its
        # evidence entries
        self._condition_bits = [0] + [part[1] << part[0] for part in self._condition_parts]

        # One look-up per observation in :meth:`assess`: fid -> (present bit, absent bit,
        # comparisons, gates, whether it implies others, label, its evidence entry bits when
        # present, when absent, the conditions it supports (bit ci) when present). Only a
        # condition some present finding supports can be shown (see _score), so only those are
        # scored; absent findings and negative weights only change the scores of those.
        def bits(entries: tuple[tuple[int, float, int], ...]) -> tuple[int, int]:
            evidence = supported = 0
            for ci, weight, bit in entries:
                evidence |= bit << offsets[ci]
                if weight > 0:  # a present finding with a positive weight supports ci
                    supported |= 1 << ci
            return evidence, supported

        # What an observation adds to the four masks (its bits, the gates, the evidence entry
        # bits, the supported conditions) as one integer, the four side by side: one ``|`` per
        # observation instead of four, split once per assessment (see assess).
        self._gate_shift = code._next  # every bit of the mask is allocated by now
        self._evidence_shift = self._gate_shift + gates.next
        self._support_shift = self._evidence_shift + offset
        # and, above them, one bit set by a present finding that implies others
        self._implied_shift = self._support_shift + len(self._conditions)
        self._support_all = (1 << len(self._conditions)) - 1
        self._mask_all = (1 << self._gate_shift) - 1
        self._gates_all = (1 << gates.next) - 1
        self._evidence_all = (1 << offset) - 1

        def word(bit: int, gate: int, evidence: int, supported: int) -> int:
            return (
                bit
                | gate << self._gate_shift
                | evidence << self._evidence_shift
                | supported << self._support_shift
            )

        self._facts_info: dict[str, tuple[Any, ...]] = {}
        for fid, (pbit, abit, cmps, gate, implies) in self._info.items():
            present = bits(self._evidence_present.get(fid, ()))
            absent = bits(self._evidence_absent.get(fid, ()))
            self._facts_info[fid] = (
                word(pbit, gate, *present) | implies << self._implied_shift,  # present
                word(abit, gate, absent[0], 0),  # absent (supports nothing)
                word(0, gate, 0, 0),  # unknown: only its gates
                cmps,
                implies,
                self._labels.get(fid, fid),
                present[0],
                present[1],
            )
        # The score of each condition with one piece of evidence depends on the pack alone:
        # built here, with the rest of the pack's compiled form.
        for ci, part in enumerate(self._condition_parts):
            for n in range(part[1].bit_length()):
                self._score(ci, 1 << (part[0] + n))
        texts = pack.texts
        self._out_of_scope = texts.out_of_scope
        self._disclaimer = texts.disclaimer

    def known_findings(self) -> frozenset[str]:
        return frozenset(self._labels)

    def complete(self, facts: Facts) -> dict[str, Observation]:
        """Add implied and derived findings (never removing what was observed)."""
        return self._complete(facts)[0]

    def _complete(self, facts: Facts) -> tuple[dict[str, Observation], int]:
        """:meth:`complete`, and the bit mask of the completed facts."""
        out = dict(facts)
        if self._implies:
            for fid, obs in facts.items():
                if obs.present is True:
                    for implied in self._implies.get(fid, ()):
                        if out.get(implied, _UNKNOWN).present is not True:
                            out[implied] = _PRESENT
        m = self._mask.mask(out)
        # In pack order, each seeing the ones before it (as the rules then see them all).
        for fid, pred, bit, clear in self._derived_mask:
            if pred(m) and not (m & bit):
                out[fid] = _PRESENT
                m = (m & ~clear) | bit
        return out, m

    def _scan(self, facts: Facts) -> tuple[int, int, bool]:
        """The bit mask of ``facts``, their gates (see :class:`_Gates`), and whether a present
        finding implies others."""
        info = self._info
        m = g = 0
        implied = False
        for fid, o in facts.items():
            x = info.get(fid)
            if x is None:
                continue
            g |= x[3]
            p = o.present
            if p is True:
                m |= x[0]
                if x[4]:
                    implied = True
            elif p is False:
                m |= x[1]
            if x[2] and o.value is not None:
                v = o.value
                for bit, op, bound in x[2]:
                    if op(v, bound):
                        m |= bit
        return m, g, implied

    def assess(
        self,
        facts: Facts,
        *,
        extra: dict[str, Any] | None = None,
        subject: str | None = None,
        text: str | None = None,
        matches: tuple[res.TextMatch, ...] | None = None,
        notes: tuple[str, ...] = (),
    ) -> Assessment:
        """The assessment of ``facts``; ``subject``, ``text``, ``matches`` and ``notes`` say what
        it was read from (the reader's view of a person's words), set as given."""
        # One pass over the observations: their bits, their gates, the result's view of each
        # (a finding span), and their evidence (entry bits, and the conditions they touch).
        info = self._facts_info
        spans: list[res.FindingSpan] = []
        append = spans.append
        plain = self._plain_spans
        # Each span built in place (as res.make_finding_span builds it, without the call).
        open_span = _OPEN_SPAN
        span_class = res.FindingSpan
        w = 0  # the masks side by side (see _facts_info)
        for fid, o in facts.items():
            try:
                x = info[fid]
            except KeyError:  # an id the pack does not know: shown, nothing else
                append(self._span_of(fid, o))
                continue
            p = o.present
            if p is True:
                w |= x[0]
            elif p is False:
                w |= x[1]
            else:
                w |= x[2]
            v = o.value
            if v is not None:
                if x[3]:
                    for bit, op, bound in x[3]:
                        if op(v, bound):
                            w |= bit
            elif (
                o.text is None
                and o.start is None
                and o.end is None
                and not o.qualifiers
                and not o.cues
            ):
                # The bare ones (the findings path) are few per pack: shared by results.
                span = plain.get((fid, p))
                append(span if span is not None else self._plain_span(fid, p))
                continue
            span = open_span()
            span.id = fid
            span.label = x[5]
            span.present = p
            span.value = v
            span.text = o.text
            span.start = o.start
            span.end = o.end
            q = o.qualifiers
            span.qualifiers = tuple(sorted(q)) if q else ()
            span.cues = o.cues
            span._json = None
            span.__class__ = span_class
            append(span)
        m = w & self._mask_all
        g = (w >> self._gate_shift) & self._gates_all
        evidence = (w >> self._evidence_shift) & self._evidence_all
        supported = (w >> self._support_shift) & self._support_all
        copied = False
        reread = False  # the facts changed under what was read: read them again at the end
        if w >> self._implied_shift:  # rare: complete the implications, then read again
            facts, copied, reread = self._with_implied(facts), True, True
            m, g, _ = self._scan(facts)
        # Derived findings in pack order, each seeing the ones before it (as _complete).
        base = self._derived_base
        derived_all = self._derived_all
        c = ((g >> base) | self._derived_always) & derived_all
        while c:
            low = c & -c
            fid, pred, bit, clear, fgate = self._derived_fast[low.bit_length() - 1]
            c ^= low
            if pred(m) and not (m & bit):
                if not copied:
                    facts, copied = dict(facts), True
                if not reread:
                    if fid in facts:  # an observation replaced where it stands: rare
                        reread = True
                    else:  # appended, as the reading of the completed facts would see it
                        span = plain.get((fid, True))
                        spans.append(span if span is not None else self._plain_span(fid, True))
                        x = info[fid]
                        evidence |= x[6]
                        supported |= x[7]
                facts[fid] = _PRESENT  # type: ignore[index]
                m = (m & ~clear) | bit
                g |= fgate
                c = (c | (g >> base)) & ~((low << 1) - 1) & derived_all
        fired_idx, open_mask = self._decide(m, g)
        opened = self._open_memo.get(open_mask)
        if opened is None:
            opened = self._opened(open_mask)
        unchecked, open_worries = opened
        rules = self._rules
        in_scope = bool(m & self._scope_mask)
        level: res.Level = rules[fired_idx[0]].level if fired_idx else "self_care"
        floor_reasons: list[res.Reason] = []
        # Open checks whose «не знаю» is a worry, among those the facts say something about (the
        # gate of a check is set when its answer is in the facts).
        todo = open_worries & (g >> self._check_base)
        if todo:
            worries = []
            while todo:
                low = todo & -todo
                todo ^= low
                ci = low.bit_length() - 1
                answer = facts.get(self._checks[ci].answer)
                if answer is not None and answer.present is None and not answer.qualifiers:
                    worries.append(ci)
            if worries and RANK[level] < _URGENT:
                # «Не знаю» about consciousness, one-sided weakness or a cold leg is itself a
                # worry.
                level = "urgent"
                floor_reasons = [self._worry_reasons[ci] for ci in worries]
        if not in_scope and RANK[level] < _DOCTOR:
            # SpasmNav does not reassure about what it does not assess.
            level = "doctor"

        if reread:
            spans_t, conditions = self._read(facts)
        else:
            spans_t = tuple(spans)
            conditions = self._ranked(evidence, supported, facts)

        top_rule = rules[fired_idx[0]] if fired_idx else None
        if floor_reasons and top_rule is not None and top_rule.rank < _URGENT:
            top_rule = None
        specialist = top_rule.specialist if top_rule else "therapist"
        if specialist == "by_condition":
            specialist = self._condition_specialist[conditions[0].id] if conditions else "therapist"

        reasons = floor_reasons
        red_flags: list[res.RedFlag] = []
        # The result's advice and tests by id, in the order first named (an ordered set).
        advice: dict[str, res.Advice] = {}
        tests: dict[str, res.Test] = {}
        fired_parts = self._fired_parts
        for i in fired_idx:
            why, memo, flag, own_advice, kept_advice, rule_tests, rule_level = fired_parts[i]
            # A rule's explanation as a bit set of its findings: one Reason per combination.
            k = why(m)
            reason = memo.get(k)
            if reason is None:
                reason = self._reason(i, k)
                if self._reasons_kept < _MEMO_LIMIT:
                    memo[k] = reason
                    self._reasons_kept += 1
            reasons.append(reason)
            if flag is not None:
                red_flags.append(flag)
            # What to do: first aid and rule advice first. A lower-level rule's visit or
            # self-help advice («запишитесь», «ведите дневник») would contradict the level
            # on the same screen; its first aid and cautions stay.
            rule_advice = own_advice if rule_level == level else kept_advice
            if rule_advice:
                advice.update(rule_advice)
            if rule_tests:
                tests.update(rule_tests)

        # Care for the likely conditions (stretching, exercises, lifestyle) only at
        # self_care/doctor: at urgent or emergency nothing may distract from the visit today or
        # from calling 103/112, and self-help could harm (stretching or massaging a calf with a
        # thrombus). Self-help, exercises and medicines only for what SpasmNav assesses.
        exercises: dict[str, res.Exercise] = {}
        medicines: dict[str, res.MedicineCard] = {}
        routine = in_scope and level not in res.URGENT_LEVELS
        if level != "emergency" and in_scope:
            care = self._condition_care_items
            for score in conditions[:TOP_CONDITIONS_FOR_CARE]:
                care_tests, care_advice, care_exercises = care[score.id]
                tests.update(care_tests)
                if routine:
                    advice.update(care_advice)
                    exercises.update(care_exercises)
        if routine and conditions:
            # the leading explanations (see leading_conditions): a prefix of the ranked ones
            least = conditions[0].raw_score - LEADING_MARGIN
            leading = []
            for score in conditions:  # ranked: the leading ones are a prefix
                if score.raw_score < least:
                    break
                leading.append(score.id)
            for cid in leading:
                for med in self._medicines_by_condition.get(cid, ()):
                    if self._medicine_not_with[med.id].isdisjoint(leading):
                        medicines.setdefault(med.id, med)
        todo = ((g >> self._advice_base) | self._advice_always) & self._advice_all
        while todo:
            low = todo & -todo
            pred, aid, always = self._advice_when[low.bit_length() - 1]
            if (routine or always) and pred(m) and aid not in advice:
                advice[aid] = self._advice_items[aid]
            todo ^= low
        todo = ((g >> self._unless_base) | self._unless_always) & self._unless_all
        while todo:
            low = todo & -todo
            pred, item_id, is_advice = self._unless[low.bit_length() - 1]
            if pred(m):
                if is_advice:
                    advice.pop(item_id, None)
                else:
                    medicines.pop(item_id, None)
            todo ^= low
        title, action = self._levels[level]
        return res.make_assessment(
            level,
            title,
            action,
            specialist,
            self._specialists.get(specialist, specialist),
            in_scope,
            tuple(reasons),
            tuple(red_flags),
            conditions,
            spans_t,
            tuple(tests.values()) if tests else (),
            tuple(advice.values()) if advice else (),
            tuple(exercises.values()) if exercises else (),
            tuple(medicines.values()) if medicines else (),
            None if in_scope else self._out_of_scope,
            self._disclaimer,
            self.pack.version,
            unchecked,
            subject,
            text,
            matches,
            notes,
            None,  # interview: set by the interview
            tuple(extra.items()) if extra else (),
        )

    def _decide(self, m: int, g: int) -> tuple[list[int], int]:
        """The indices of the fired rules (the catch-all dropped when another fires), and the
        open checks as a bit mask over check indices."""
        tests = self._rule_tests_by_length
        clear = self._clear_top
        fired = []
        c = (g & self._rule_gates) | self._rule_always
        while c:  # highest bit first (the bit ops of big integers are not free): reversed below
            b = c.bit_length()
            c &= clear[b]
            if tests[b](m):
                fired.append(b - 1)
        if fired:
            fired.reverse()  # the rules' order
            if len(fired) > 1 and self._default_rule in fired:
                fired.remove(self._default_rule)
        elif self._catch_all_true:
            fired.append(self._default_rule)
        f = 0
        closes = self._check_closes
        for i in fired:
            f |= closes[i]
        touched = (g >> self._check_base) & self._check_all
        o = self._check_untouched_open
        o ^= o & (touched | f)  # (not & ~: a negative operand costs copies)
        check_tests = self._check_tests_by_length
        while touched:
            b = touched.bit_length()
            touched &= clear[b]
            if check_tests[b](m, f):
                o |= 1 << (b - 1)
        return fired, o

    def _with_implied(self, facts: Facts) -> dict[str, Observation]:
        out = dict(facts)
        for fid, obs in facts.items():
            if obs.present is True:
                for implied in self._implies.get(fid, ()):
                    if out.get(implied, _UNKNOWN).present is not True:
                        out[implied] = _PRESENT
        return out

    def _opened(self, open_mask: int) -> tuple[tuple[res.UncheckedRedFlag, ...], int]:
        """The open checks of a mask (in pack order), and those whose «не знаю» is a worry (a
        mask over check indices)."""
        unchecked = []
        rest = open_mask
        while rest:
            low = rest & -rest
            unchecked.append(self._unchecked_list[low.bit_length() - 1])
            rest ^= low
        out = (tuple(unchecked), open_mask & self._worry_checks)
        if len(self._open_memo) < _MEMO_LIMIT:
            self._open_memo[open_mask] = out
        return out

    def _reason(self, i: int, k: int) -> res.Reason:
        """Rule ``i``'s reason for the explanation ``k`` (bit ``j``: the ``j``-th name of its
        explanation, see ``_whys``): its findings in the order the explanation names them,
        each once."""
        names, labels, repeats, rule, level, text, sources = self._reason_parts[i]
        if not k & (k - 1):  # one finding (or none): the most common
            j = k.bit_length() - 1
            fids = (names[j],) if k else ()
            return res.make_reason(rule, level, text, fids, (labels[j],) if k else (), sources)
        named = []
        named_labels = []
        while k:  # lowest bit first: the explanation's order
            low = k & -k
            k ^= low
            j = low.bit_length() - 1
            named.append(names[j])
            named_labels.append(labels[j])
        if repeats:  # a finding named twice in the condition: kept at its first place
            named = list(dict.fromkeys(named))
            named_labels = [self._labels[fid] for fid in named]
        return res.make_reason(rule, level, text, tuple(named), tuple(named_labels), sources)

    def _read(
        self, facts: Facts
    ) -> tuple[tuple[res.FindingSpan, ...], tuple[res.ConditionScore, ...]]:
        """The result's view of each observation, and the conditions some present finding
        supports with a positive total, ranked (see :meth:`_ranked`)."""
        info = self._facts_info
        evidence = supported = 0
        for fid, o in facts.items():
            p = o.present
            x = info.get(fid)
            if x is None:
                continue
            if p is True:
                evidence |= x[6]
                supported |= x[7]
            elif p is False:
                evidence |= (x[1] >> self._evidence_shift) & self._evidence_all
        spans = tuple([self._span_of(fid, o) for fid, o in facts.items()])
        return spans, self._ranked(evidence, supported, facts)

    def _span(self, fid: str, o: Observation) -> res.FindingSpan:
        q = o.qualifiers
        return res.make_finding_span(
            fid,
            self._labels.get(fid, fid),
            o.present,
            o.value,
            o.text,
            o.start,
            o.end,
            tuple(sorted(q)) if q else (),
            o.cues,
        )

    def _score(self, ci: int, key: int) -> Any:
        """The memo entry of condition ``ci`` with the evidence entries ``key``
        (its bits in place, see ``_condition_parts``): False when it is not shown (no
        supporting finding, or a total not above 0), else its sort key and score (the negated
        total, ``ci``, the score); or, when another order of adding the same weights may give
        another sum, ``(None, ci, mask, sum in the entries' order, that sum's sort key and
        score or False, the weights by finding)``, kept apart (``_order_memo``). Kept for the
        next assessment with the same evidence."""
        offset, width, prior, items, supports, cid, title, summary, mechanism, sources = (
            self._condition_parts[ci]
        )
        mask = (key >> offset) & width
        found = []
        s = 0.0
        rest = mask
        while rest:  # lowest bit first: the entries' order, the order the result lists them in
            low = rest & -rest
            rest ^= low
            item = items[low.bit_length() - 1]
            found.append(item)
            s += item.weight
        out: Any = False
        total = prior + s
        if total > 0 and mask & supports:
            shown = self._shown_totals.get(total)
            if shown is None:  # round() of a float is slow, and totals are few: kept
                shown = (round(_sigmoid(total - 1.0), 3), round(total, 3))
                if len(self._shown_totals) < _MEMO_LIMIT:
                    self._shown_totals[total] = shown
            score = res.make_condition_score(
                cid, title, shown[0], shown[1], summary, mechanism, tuple(found), sources
            )
            out = (-total, ci, score)
        n = len(found)
        if n > 3 or (n == 3 and not _order_free([item.weight for item in found])):
            by_finding: dict[str, tuple[float, ...]] = {}
            for item in found:  # a finding's own entries in the order of the pack
                by_finding[item.finding] = (*by_finding.get(item.finding, ()), item.weight)
            out = (None, ci, mask, s, out, by_finding)
            if len(self._order_memo) < _MEMO_LIMIT:
                self._order_memo[key] = out
        elif len(self._score_memo) < _MEMO_LIMIT:
            self._score_memo[key] = out
        return out

    def _scored(self, ci: int, mask: int, s: float) -> Any:
        """(the negated total, ``ci``, the score) of condition ``ci`` with the evidence entries of
        ``mask`` (its own bits) summing to ``s``; False when it is not shown (no supporting
        finding, or a total not above 0)."""
        _, _, prior, items, supports, cid, title, summary, mechanism, sources = (
            self._condition_parts[ci]
        )
        total = prior + s
        if not (total > 0 and mask & supports):
            return False
        shown = self._shown_totals.get(total)
        if shown is None:  # round() of a float is slow, and totals are few: kept
            shown = (round(_sigmoid(total - 1.0), 3), round(total, 3))
            if len(self._shown_totals) < _MEMO_LIMIT:
                self._shown_totals[total] = shown
        found = []
        rest = mask
        while rest:  # the entries' bits, lowest first: the order the result lists them in
            low = rest & -rest
            found.append(items[low.bit_length() - 1])
            rest ^= low
        score = res.make_condition_score(
            cid, title, shown[0], shown[1], summary, mechanism, tuple(found), sources
        )
        return (-total, ci, score)

    def _in_facts_order(self, hit: tuple[Any, ...], facts: Facts) -> Any:
        """A memo entry whose sum depends on the order of adding (see :meth:`_score`): the
        weights summed in the order of the facts, as the engine always summed them."""
        _, ci, mask, s_entries, shown, by_finding = hit
        s = 0.0
        for fid in facts:
            weights = by_finding.get(fid)
            if weights is not None:
                for w in weights:
                    s += w
        return shown if s == s_entries else self._scored(ci, mask, s)

    def _ranked(
        self, evidence: int, supported: int, facts: Facts
    ) -> tuple[res.ConditionScore, ...]:
        """The scores of the conditions of ``supported`` (bit ``ci``) from the entry bits of
        ``evidence``, ranked: highest total first, then pack order. A condition's total is its
        evidence summed in the order of the facts, as the engine always did."""
        memo = self._score_memo
        bits_of = self._condition_bits
        clear = self._clear_top
        scored = []
        while supported:  # in any order: ranked below
            b = supported.bit_length()
            supported &= clear[b]
            key = evidence & bits_of[b]
            hit = memo.get(key)
            if hit is None:  # new to this engine, or its sum may depend on the facts' order
                hit = self._order_memo.get(key)
                if hit is None:
                    hit = self._score(b - 1, key)
                if hit is not False and hit[0] is None:
                    hit = self._in_facts_order(hit, facts)
            if hit is not False:
                scored.append(hit)
        if len(scored) > 1:
            # Highest total first, then pack order: the list is in reverse pack order, and a
            # stable sort by the total alone keeps pack order among equal totals (sorting
            # floats is much cheaper than sorting tuples).
            scored.reverse()
            scored.sort(key=_first)
        return tuple(map(_third, scored))

    def _plain_span(self, fid: str, p: bool | None) -> res.FindingSpan:
        """The span of a bare observation (no words, no value): shared by results, its JSON
        written once."""
        span = res.make_finding_span(
            fid, self._labels.get(fid, fid), p, None, None, None, None, (), ()
        )
        span.to_json()
        if len(self._plain_spans) < _MEMO_LIMIT:
            self._plain_spans[(fid, p)] = span
        return span

    def _span_of(self, fid: str, o: Observation) -> res.FindingSpan:
        """The result's view of one observation (bare ones shared, see :meth:`_plain_span`)."""
        if (
            o.text is None
            and o.start is None
            and o.value is None
            and o.end is None
            and not o.qualifiers
            and not o.cues
        ):
            span = self._plain_spans.get((fid, o.present))
            return span if span is not None else self._plain_span(fid, o.present)
        return self._span(fid, o)

    def _unchecked(
        self, facts: Facts, present: frozenset[str], fired: set[str]
    ) -> tuple[list[_CompiledCheck], list[_CompiledCheck]]:
        """Red flags neither confirmed nor excluded, and those whose «не знаю» is a worry."""
        open_checks: list[_CompiledCheck] = []
        worries: list[_CompiledCheck] = []
        for c in self._checks:
            if c.rule in fired or not c.findings.isdisjoint(present):
                continue
            answer = facts.get(c.answer)
            if answer is not None and answer.present is False:
                continue
            if all((o := facts.get(f)) is not None and o.present is False for f in c.findings):
                continue
            if c.relevant is not None and not c.relevant(facts, present):
                continue
            open_checks.append(c)
            if c.worry and answer is not None and answer.present is None and not answer.qualifiers:
                worries.append(c)
        return open_checks, worries

    def _totals(self, facts: Facts) -> tuple[dict[int, float], set[int]]:
        """Evidence sums per condition index, and the conditions some present finding supports."""
        totals: dict[int, float] = {}
        supported: set[int] = set()
        for fid, o in facts.items():
            if o.present is None:
                continue
            for ci, weight, when_present in self._evidence_by_finding.get(fid, ()):
                if o.present is when_present:
                    totals[ci] = totals.get(ci, 0.0) + weight
                    if weight > 0 and when_present:
                        supported.add(ci)
        return totals, supported

    # A fast path for callers that explore many finding sets (the interview): the level and the
    # ranking exactly as ``assess`` computes them, without building the assessment.

    def level_rank(self, completed: Facts) -> int:
        """The triage level's rank for facts already passed through ``complete``."""
        present = frozenset(k for k, o in completed.items() if o.present is True)
        rank = 0
        for r in self._rules:
            if r.predicate(completed, present):
                rank = r.rank
                break
        if rank < RANK["urgent"]:
            fired = {r.id for r in self._rules if r.predicate(completed, present)}
            if self._unchecked(completed, present, fired)[1]:
                rank = RANK["urgent"]
        if rank < RANK["doctor"] and self._scope.isdisjoint(present):
            rank = RANK["doctor"]
        return rank

    def ranking(self, completed: Facts, k: int) -> list[str]:
        """The ids of the ``k`` most likely conditions, ties broken as in ``assess``."""
        totals, supported = self._totals(completed)
        scored = []
        for ci in supported:
            total = self._conditions[ci].prior + totals[ci]
            if total > 0:
                scored.append((-total, ci, self._conditions[ci].id))
        scored.sort()
        return [cid for _, _, cid in scored[:k]]

    def _condition_by_id(self, cid: str) -> _CompiledCondition:
        for c in self._conditions:
            if c.id == cid:
                return c
        raise KeyError(cid)


def get_engine() -> Engine:
    """The default navigator's engine (the pack compiled once per process)."""
    from .core import default_navigator

    return default_navigator().engine


def assess(facts: Facts, *, extra: dict[str, Any] | None = None) -> Assessment:
    return get_engine().assess(facts, extra=extra)


def assess_findings(findings: Mapping[str, bool | float | None]) -> Assessment:
    """Assess plain values: ``True``/``False``/``None`` for presence, a number for a value.

    Raises KeyError naming the first unknown finding id.
    """
    from .core import default_navigator

    return default_navigator().assess_findings(findings)
