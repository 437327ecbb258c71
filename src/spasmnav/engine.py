"""The triage engine: a pure, deterministic function from findings to an assessment.

Red-flag rules set the floor of urgency; every fired rule becomes a reason that names its
findings and sources. Condition scores are sums of evidence weights, so each score can be
explained finding by finding.

Compiled once per pack: every leaf of every condition (a finding present, known absent, a value
compared) is a bit of one integer, computed once per assessment from the findings; the rules and
the checks are then a single generated function of that integer (:class:`_MaskCode`), and the
other conditions small ones. The parts of a result that depend on the pack and a few ids only
(a rule's reason for its findings, a condition's score for its evidence, a red flag) are built
once and shared between results, so one assessment takes a few tens of microseconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import expr as ex
from . import result as res
from .content import LEVELS, Pack
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

RANK = {lv: i for i, lv in enumerate(LEVELS)}
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


MaskPredicate = Callable[[int], bool]
_PRESENT = Observation(True)
_UNKNOWN = Observation(None)
# The result's memo tables (reasons per rule and findings, scores per condition and evidence)
# stop growing here: their keys are few for real finding sets, but a caller exploring random
# combinations must not make a server's memory grow without bound.
_MEMO_LIMIT = 8_192  # a few MiB (bench/web.py: RSS over 100,000 new texts)


class _MaskCode:
    """The leaves of a pack's conditions as bits, and conditions as Python over one integer.

    Bit ``2i`` says finding ``i`` is present, bit ``2i+1`` that it is known to be absent; every
    distinct comparison (``age >= 65``) has a bit of its own. :meth:`mask` computes the integer
    for a set of facts; :meth:`source` writes a condition as an expression over ``m`` whose
    truth is exactly that of :func:`spasmnav.expr.compile` on the same facts.
    """

    def __init__(self, findings: Sequence[str]) -> None:
        self.index = {fid: i for i, fid in enumerate(findings)}
        self._next = 2 * len(self.index)
        self._compare_bits: dict[tuple[str, str, float], int] = {}
        # fid -> (present bit, absent bit, ((comparison bit, op, bound), ...))
        self.bits: dict[
            str, tuple[int, int, tuple[tuple[int, Callable[[float, float], bool], float], ...]]
        ] = {fid: (1 << (2 * i), 1 << (2 * i + 1), ()) for fid, i in self.index.items()}

    def present(self, fid: str) -> int:
        return self._bit(fid)[0]

    def absent(self, fid: str) -> int:
        return self._bit(fid)[1]

    def _bit(self, fid: str) -> tuple[int, int, Any]:
        if fid not in self.bits:  # a finding the pack does not declare: never set
            self.bits[fid] = (0, 0, ())
        return self.bits[fid]

    def compare(self, fid: str, op: str, bound: float) -> int:
        key = (fid, op, bound)
        bit = self._compare_bits.get(key)
        if bit is None:
            bit = 1 << self._next
            self._next += 1
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

    def leaves(self, e: ex.Expr) -> int:
        """The bits of every leaf of ``e``: what its truth and its explanation depend on."""
        out = 0
        for leaf, _ in ex.literals(e):
            match leaf:
                case ex.Present(fid):
                    out |= self.present(fid)
                case ex.Absent(fid):
                    out |= self.absent(fid)
                case ex.Compare(fid, op, bound):
                    out |= self.compare(fid, op, bound)
        return out

    def all_bits(self, fid: str) -> int:
        """Every bit about ``fid`` (present, absent, its comparisons)."""
        p, a, cmps = self._bit(fid)
        out = p | a
        for bit, _, _ in cmps:
            out |= bit
        return out

    def predicate(self, e: ex.Expr) -> MaskPredicate:
        # The source holds integers and operators only (no pack text): safe to evaluate.
        fn: MaskPredicate = eval(f"lambda m: bool({self.source(e)})", {})
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
        self._advice_when = [
            (a.id, ex.compile(a.when).test) for a in pack.advice if a.when is not None
        ]
        # Items never shown while their `unless` holds (potassium foods with kidney failure,
        # adult medicine cards for a child), whichever rule or condition brought them.
        self._unless: dict[str, Predicate] = {
            **{f"advice:{a.id}": ex.compile(a.unless).test for a in pack.advice if a.unless},
            **{f"medicine:{m.id}": ex.compile(m.unless).test for m in pack.medicines if m.unless},
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
        """The bit masks, the generated rule-and-check function and the shared result parts
        of :meth:`assess` (see the module's docstring)."""
        pack = self.pack
        code = _MaskCode([f.id for f in pack.findings])
        self._mask = code
        self._scope_mask = 0
        for fid in self._scope:
            self._scope_mask |= code.present(fid)
        rules = self._rules
        self._rule_index = {r.id: i for i, r in enumerate(rules)}
        default = self._rule_index.get(DEFAULT_RULE, -1)
        # One function: the indices of the fired rules (the catch-all dropped when another
        # fires), then the indices of the open checks given those.
        lines = ["def decide(m):", "    fired = []"]
        for i, r in enumerate(rules):
            src = code.source(ex.parse(next(x.when for x in pack.rules if x.id == r.id)))
            lines.append(f"    if {src}:")
            lines.append(f"        fired.append({i})")
        if default >= 0:
            lines.append(f"    if len(fired) > 1 and {default} in fired:")
            lines.append(f"        fired.remove({default})")
        lines.append("    f = 0")
        lines.append("    for i in fired:")
        lines.append("        f |= 1 << i")
        lines.append("    checks = []")
        for ci, c in enumerate(self._checks):
            fp = fa = 0
            for fid in c.findings:
                fp |= code.present(fid)
                fa |= code.absent(fid)
            rule_bit = 1 << self._rule_index[c.rule] if c.rule in self._rule_index else 0
            tests = [
                f"not (f & {rule_bit})",
                f"not (m & {fp})",
                f"not (m & {code.absent(c.answer)})",
                f"(m & {fa}) != {fa}",
            ]
            check = next(x for x in pack.checks if x.id == c.id)
            if check.relevant is not None:
                tests.append(code.source(ex.parse(check.relevant)))
            lines.append(f"    if {' and '.join(tests)}:")
            lines.append(f"        checks.append({ci})")
        lines.append("    return fired, checks")
        namespace: dict[str, Any] = {}
        # Integers and operators only (no pack text): safe to execute.
        exec("\n".join(lines), namespace)
        self._decide: Callable[[int], tuple[list[int], list[int]]] = namespace["decide"]
        self._derived_mask = [
            (f.id, code.predicate(ex.parse(f.derived)), code.present(f.id), code.all_bits(f.id))
            for f in pack.findings
            if f.derived is not None
        ]
        self._rule_leaves = [
            code.leaves(ex.parse(next(x.when for x in pack.rules if x.id == r.id))) for r in rules
        ]
        self._advice_when_mask = [
            (a.id, code.predicate(ex.parse(a.when))) for a in pack.advice if a.when is not None
        ]
        self._unless_mask: dict[str, MaskPredicate] = {
            **{
                f"advice:{a.id}": code.predicate(ex.parse(a.unless))
                for a in pack.advice
                if a.unless
            },
            **{
                f"medicine:{m.id}": code.predicate(ex.parse(m.unless))
                for m in pack.medicines
                if m.unless
            },
        }
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
        self._condition_specialist = {c.id: c.specialist for c in self._conditions}
        self._reason_memo: dict[tuple[int, int], res.Reason] = {}
        self._score_memo: dict[
            tuple[int, tuple[int, ...]], tuple[float, res.ConditionScore | None]
        ] = {}
        # fid -> ((condition index, when present, evidence item, supports), ...)
        self._evidence_fast = {
            fid: tuple(
                (ci, when_present, item, item.weight > 0 and when_present)
                for ci, when_present, item in items
            )
            for fid, items in self._evidence_items.items()
        }

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

    def assess(
        self,
        facts: Facts,
        *,
        extra: dict[str, Any] | None = None,
    ) -> Assessment:
        facts, m = self._complete(facts)
        fired_idx, open_idx = self._decide(m)
        rules = self._rules
        fired = [rules[i] for i in fired_idx]
        in_scope = bool(m & self._scope_mask)
        level: res.Level = fired[0].level if fired else "self_care"
        checks = self._checks
        worries = [
            ci
            for ci in open_idx
            if checks[ci].worry
            and (o := facts.get(checks[ci].answer)) is not None
            and o.present is None
            and not o.qualifiers
        ]
        floor_reasons: list[res.Reason] = []
        if worries and RANK[level] < RANK["urgent"]:
            # «Не знаю» about consciousness, one-sided weakness or a cold leg is itself a worry.
            level = "urgent"
            floor_reasons = [self._worry_reasons[ci] for ci in worries]
        if not in_scope and RANK[level] < RANK["doctor"]:
            # SpasmNav does not reassure about what it does not assess.
            level = "doctor"

        conditions = self._scores(facts)

        top_rule = fired[0] if fired else None
        if floor_reasons and top_rule is not None and top_rule.rank < RANK["urgent"]:
            top_rule = None
        specialist = top_rule.specialist if top_rule else "therapist"
        if specialist == "by_condition":
            specialist = self._condition_specialist[conditions[0].id] if conditions else "therapist"

        reasons = list(floor_reasons)
        red_flags: list[res.RedFlag] = []
        advice_ids: list[str] = []
        test_ids: list[str] = []
        if fired:
            present: frozenset[str] | None = None
            memo = self._reason_memo
            leaves = self._rule_leaves
            for i, r in zip(fired_idx, fired, strict=True):
                # A rule's explanation depends on its own leaves only: one per combination.
                key = (i, m & leaves[i])
                reason = memo.get(key)
                if reason is None:
                    if present is None:
                        present = frozenset(k for k, o in facts.items() if o.present is True)
                    fids = tuple(dict.fromkeys(r.explain(facts, present)))
                    reason = res.Reason(
                        rule=r.id,
                        level=r.level,
                        text=r.reason,
                        findings=fids,
                        finding_labels=tuple(self._labels[f] for f in fids),
                        sources=r.sources,
                    )
                    if len(memo) < _MEMO_LIMIT:
                        memo[key] = reason
                reasons.append(reason)
                flag = self._red_flag_items[i]
                if flag is not None:
                    red_flags.append(flag)
                # What to do: first aid and rule advice first. A lower-level rule's visit or
                # self-help advice («запишитесь», «ведите дневник») would contradict the level
                # on the same screen; its first aid and cautions stay.
                advice_ids.extend(r.advice if r.level == level else self._rule_advice_kept[i])
                test_ids.extend(r.tests)

        # Care for the likely conditions (stretching, exercises, lifestyle) only at
        # self_care/doctor: at urgent or emergency nothing may distract from the visit today or
        # from calling 103/112, and self-help could harm (stretching or massaging a calf with a
        # thrombus). Self-help, exercises and medicines only for what SpasmNav assesses.
        exercise_ids: list[str] = []
        medicines: dict[str, res.MedicineCard] = {}
        routine = in_scope and level in ("self_care", "doctor")
        if level != "emergency" and in_scope:
            for c in conditions[:TOP_CONDITIONS_FOR_CARE]:
                _, _, _, _, tests, advice = self._condition_info[c.id]
                test_ids.extend(tests)
                if routine:
                    advice_ids.extend(advice)
                    exercise_ids.extend(self._condition_exercises[c.id])
        if routine and conditions:
            leading = leading_conditions(conditions)
            for cid in leading:
                for med in self._medicines_by_condition.get(cid, ()):
                    if self._medicine_not_with[med.id].isdisjoint(leading):
                        medicines.setdefault(med.id, med)
        for aid, pred in self._advice_when_mask:
            if (routine or self._advice_items[aid].kind in ("first_aid", "caution")) and pred(m):
                advice_ids.append(aid)

        unless = self._unless_mask
        if unless:
            advice_ids = [a for a in advice_ids if not (p := unless.get(f"advice:{a}")) or not p(m)]
            if medicines:
                medicines = {
                    mid: med
                    for mid, med in medicines.items()
                    if not (p := unless.get(f"medicine:{mid}")) or not p(m)
                }

        title, action = self._levels[level]
        items = self._advice_items
        return Assessment(
            level=level,
            title=title,
            action=action,
            specialist=specialist,
            specialist_title=self._specialists.get(specialist, specialist),
            in_scope=in_scope,
            reasons=tuple(reasons),
            red_flags=tuple(red_flags),
            conditions=conditions,
            findings=tuple([self._span(fid, o) for fid, o in facts.items()]),
            tests=tuple([self._test_items[t] for t in dict.fromkeys(test_ids)]),
            advice=tuple([items[a] for a in dict.fromkeys(advice_ids)]),
            exercises=tuple([self._exercise_items[x] for x in dict.fromkeys(exercise_ids)]),
            medicines=tuple(medicines.values()),
            message=None if in_scope else self.pack.texts.out_of_scope,
            disclaimer=self.pack.texts.disclaimer,
            pack_version=self.pack.version,
            red_flags_unchecked=tuple([self._unchecked_list[ci] for ci in open_idx]),
            extra=tuple((extra or {}).items()) if extra else (),
        )

    def _scores(self, facts: Facts) -> tuple[res.ConditionScore, ...]:
        """The conditions some present finding supports with a positive total, ranked; each
        score built once per condition and evidence (in the order the facts gave it)."""
        evidence: dict[int, list[Any]] = {}
        for fid, o in facts.items():
            p = o.present
            if p is None:
                continue
            for entry in self._evidence_fast.get(fid, ()):
                if p is entry[1]:
                    got = evidence.get(entry[0])
                    if got is None:
                        evidence[entry[0]] = [entry]
                    else:
                        got.append(entry)
        scored: list[tuple[float, int, res.ConditionScore]] = []
        memo = self._score_memo
        for ci, entries in evidence.items():
            key = (ci, tuple([id(e[2]) for e in entries]))
            hit = memo.get(key)
            if hit is None:
                hit = self._score(ci, entries)
                if len(memo) < _MEMO_LIMIT:
                    memo[key] = hit
            total, score = hit
            if score is not None:
                scored.append((total, ci, score))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return tuple([t[2] for t in scored])

    def _score(self, ci: int, entries: list[Any]) -> tuple[float, res.ConditionScore | None]:
        cond = self._conditions[ci]
        s = 0.0
        for e in entries:
            s += e[2].weight
        total = cond.prior + s
        if total <= 0 or not any(e[3] for e in entries):
            return total, None
        order = self._evidence_order[ci]
        ev = sorted((e[2] for e in entries), key=lambda item: order[item.finding])
        title, summary, mechanism, sources, _, _ = self._condition_info[cond.id]
        return total, res.ConditionScore(
            id=cond.id,
            title=title,
            score=round(_sigmoid(total - 1.0), 3),
            raw_score=round(total, 3),
            summary=summary,
            mechanism=mechanism,
            evidence=tuple(ev),
            sources=sources,
        )

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

    def _span(self, fid: str, o: Observation) -> res.FindingSpan:
        """The result's view of one observation; the bare ones (no words, no value, no
        qualifier: the findings path) are few per pack and shared between results."""
        bare = o.text is None and o.value is None and o.start is None and o.end is None
        if bare and not o.qualifiers and not o.cues:
            key = (fid, o.present)
            span = self._plain_spans.get(key)
            if span is None:
                span = res.FindingSpan(id=fid, label=self._labels.get(fid, fid), present=o.present)
                self._plain_spans[key] = span
            return span
        # Positional: measurably cheaper than keywords, and this is per finding per result.
        return res.FindingSpan(
            fid,
            self._labels.get(fid, fid),
            o.present,
            o.value,
            o.text,
            o.start,
            o.end,
            tuple(sorted(o.qualifiers)) if o.qualifiers else (),
            o.cues,
        )

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
