"""The engine as it was before its fast path: the reference the fast engine is compared with.

A frozen copy of ``spasmnav.engine.Engine`` (closures over ``(facts, present)``, a typed result
built item by item). ``tests/test_engine_fast.py`` asserts that the engine in ``src`` gives the
same JSON for every finding set it tries. Do not optimise this file; change it only together
with a deliberate change of the engine's behaviour.
"""

# mypy: ignore-errors
# ruff: noqa

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spasmnav import expr as ex
from spasmnav import result as res
from spasmnav.content import LEVELS, Pack
from spasmnav.facts import Facts, Observation
from spasmnav.result import Assessment

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
        self._plain_spans: dict[tuple[str, Observation], res.FindingSpan] = {}
        self._levels: dict[str, tuple[str, str]] = {
            lv.id: (lv.title, lv.action) for lv in pack.levels
        }
        self._specialists = {s.id: s.title for s in pack.specialists}

    def known_findings(self) -> frozenset[str]:
        return frozenset(self._labels)

    def complete(self, facts: Facts) -> dict[str, Observation]:
        """Add implied and derived findings (never removing what was observed)."""
        out = dict(facts)
        for fid, obs in facts.items():
            if obs.present is True:
                for implied in self._implies.get(fid, ()):
                    if out.get(implied, Observation(None)).present is not True:
                        out[implied] = Observation(True)
        if self._derived:
            present = frozenset(k for k, o in out.items() if o.present is True)
            for fid, pred in self._derived:
                if pred(out, present) and fid not in present:
                    out[fid] = Observation(True)
                    present = present | {fid}
        return out

    def assess(
        self,
        facts: Facts,
        *,
        extra: dict[str, Any] | None = None,
    ) -> Assessment:
        facts = self.complete(facts)
        present = frozenset(k for k, o in facts.items() if o.present is True)
        fired = [r for r in self._rules if r.predicate(facts, present)]
        if len(fired) > 1:
            # The catch-all rule speaks only when nothing else does.
            fired = [r for r in fired if r.id != DEFAULT_RULE]
        in_scope = not self._scope.isdisjoint(present)
        level: res.Level = fired[0].level if fired else "self_care"
        fired_ids = {r.id for r in fired}
        unchecked, worries = self._unchecked(facts, present, fired_ids)
        floor_reasons: list[res.Reason] = []
        if worries and RANK[level] < RANK["urgent"]:
            # «Не знаю» about consciousness, one-sided weakness or a cold leg is itself a worry.
            level = "urgent"
            floor_reasons = [
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
                for c in worries
            ]
        if not in_scope and RANK[level] < RANK["doctor"]:
            # SpasmNav does not reassure about what it does not assess.
            level = "doctor"

        # Conditions: sum of evidence weights over present (or explicitly absent) findings,
        # visiting only the evidence that names a known finding.
        totals, supported = self._totals(facts)
        evidence: dict[int, list[res.Evidence]] = {}
        for fid, o in facts.items():
            if o.present is None:
                continue
            for ci, when_present, item in self._evidence_items.get(fid, ()):
                if o.present is when_present:
                    evidence.setdefault(ci, []).append(item)
        scored: list[tuple[float, int, str, list[res.Evidence]]] = []
        for ci in supported:
            cond = self._conditions[ci]
            total = cond.prior + totals[ci]
            if total > 0:
                order = self._evidence_order[ci]
                ev = sorted(evidence[ci], key=lambda e: order[e.finding])
                scored.append((total, ci, cond.id, ev))
        scored.sort(key=lambda t: (-t[0], t[1]))
        conditions: list[res.ConditionScore] = []
        for total, _, cid, ev in scored:
            title, summary, mechanism, sources, _, _ = self._condition_info[cid]
            conditions.append(
                res.ConditionScore(
                    id=cid,
                    title=title,
                    score=round(_sigmoid(total - 1.0), 3),
                    raw_score=round(total, 3),
                    summary=summary,
                    mechanism=mechanism,
                    evidence=tuple(ev),
                    sources=sources,
                )
            )

        top_rule = fired[0] if fired else None
        if floor_reasons and top_rule is not None and top_rule.rank < RANK["urgent"]:
            top_rule = None
        specialist = top_rule.specialist if top_rule else "therapist"
        if specialist == "by_condition":
            specialist = (
                self._condition_by_id(conditions[0].id).specialist if conditions else "therapist"
            )

        reasons = list(floor_reasons)
        for r in fired:
            fids = tuple(dict.fromkeys(r.explain(facts, present)))
            reasons.append(
                res.Reason(
                    rule=r.id,
                    level=r.level,
                    text=r.reason,
                    findings=fids,
                    finding_labels=tuple(self._labels[f] for f in fids),
                    sources=r.sources,
                )
            )
        red_flags = [
            res.RedFlag(id=r.id, title=r.title, level=r.level, sources=r.sources)
            for r in fired
            if r.red_flag
        ]

        # What to do: first aid and rule advice first. Care for the likely conditions (stretching,
        # exercises, lifestyle) only at self_care/doctor: at urgent or emergency nothing may
        # distract from the visit today or from calling 103/112, and self-help could harm
        # (stretching or massaging a calf with a thrombus).
        advice_ids: list[str] = []
        test_ids: list[str] = []
        for r in fired:
            # A lower-level rule's visit or self-help advice («запишитесь», «ведите дневник»)
            # would contradict the level on the same screen; its first aid and cautions stay.
            advice_ids.extend(
                a
                for a in r.advice
                if r.level == level or self._advice_items[a].kind in ("first_aid", "caution")
            )
            test_ids.extend(r.tests)
        exercise_ids: list[str] = []
        medicines: dict[str, res.MedicineCard] = {}
        # Self-help, exercises and medicines only for what SpasmNav assesses, at routine levels.
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
                for m in self._medicines_by_condition.get(cid, []):
                    if self._medicine_not_with[m.id].isdisjoint(leading):
                        medicines.setdefault(m.id, m)
        advice_ids.extend(
            aid
            for aid, pred in self._advice_when
            if (routine or self._advice_items[aid].kind in ("first_aid", "caution"))
            and pred(facts, present)
        )

        if self._unless:
            advice_ids = [
                a
                for a in advice_ids
                if not (p := self._unless.get(f"advice:{a}")) or not p(facts, present)
            ]
            medicines = {
                mid: m
                for mid, m in medicines.items()
                if not (p := self._unless.get(f"medicine:{mid}")) or not p(facts, present)
            }

        findings_out = tuple(self._span(fid, o) for fid, o in facts.items())
        title, action = self._levels[level]
        return Assessment(
            level=level,
            title=title,
            action=action,
            specialist=specialist,
            specialist_title=self._specialists.get(specialist, specialist),
            in_scope=in_scope,
            reasons=tuple(reasons),
            red_flags=tuple(red_flags),
            conditions=tuple(conditions),
            findings=findings_out,
            tests=tuple(self._test_items[t] for t in dict.fromkeys(test_ids)),
            advice=tuple(self._advice_items[a] for a in dict.fromkeys(advice_ids)),
            exercises=tuple(self._exercise_items[x] for x in dict.fromkeys(exercise_ids)),
            medicines=tuple(medicines.values()),
            message=None if in_scope else self.pack.texts.out_of_scope,
            disclaimer=self.pack.texts.disclaimer,
            pack_version=self.pack.version,
            red_flags_unchecked=tuple(self._unchecked_items[c.id] for c in unchecked),
            extra=tuple((extra or {}).items()),
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
        """The result's view of one observation; the plain ones (no words, no value: the
        findings path) are few per pack and shared between results."""
        plain = o.text is None and o.value is None
        if plain and (span := self._plain_spans.get((fid, o))) is not None:
            return span
        span = res.FindingSpan(
            id=fid,
            label=self._labels.get(fid, fid),
            present=o.present,
            value=o.value,
            text=o.text,
            start=o.start,
            end=o.end,
            qualifiers=tuple(sorted(o.qualifiers)),
            cues=o.cues,
        )
        if plain and len(self._plain_spans) < 100_000:
            self._plain_spans[(fid, o)] = span
        return span

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
