"""The rule-condition language of the content pack: one typed implementation.

A condition is written in YAML in one of these forms::

    finding_id                              # the finding is present
    true                                    # always
    {all: [c, ...]}    {any: [c, ...]}      # every / at least one (non-empty lists)
    {not: c}
    {min: n, of: [c, ...]}                  # at least n of the list (1 <= n <= its length)
    {finding: id}                           # present (same as the bare id)
    {finding: id, present: false}           # explicitly absent («слабости нет»)
    {finding: id, op: ">=", value: 21}      # a known value compared (>=, >, <=, <, =)

:func:`parse` turns that into a tree of frozen nodes once, when the pack is loaded, and rejects
anything else with the path to the bad part (a misspelled operator, a wrong value type, a ``min``
larger than its list). Everyone reads conditions through this module: the pack's reference
checks (:func:`findings`), the engine (:func:`compile`, whose :class:`Compiled` carries both the
predicate and a precompiled :meth:`Compiled.explain`), the interview (:func:`compile3`,
three-valued), the pack document (the nodes themselves) and ``pack check``'s test that a rule
can fire at all (:func:`satisfiable`).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeAlias, TypeVar

from .facts import Facts, Observation

__all__ = [
    "OPS",
    "Absent",
    "All",
    "AnyOf",
    "Compare",
    "Compiled",
    "Expr",
    "ExprError",
    "Leaves3",
    "MinOf",
    "Not",
    "Present",
    "TrueExpr",
    "and3",
    "compile",
    "compile3",
    "findings",
    "literals",
    "or3",
    "parse",
    "satisfiable",
    "thresholds",
    "to_raw",
    "witness",
]


class ExprError(ValueError):
    """A condition cannot be read; the message names where in the condition and why."""


OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "=": operator.eq,
}


# --- The nodes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrueExpr:
    """Always holds (``true``: the catch-all rule)."""


@dataclass(frozen=True, slots=True)
class Present:
    finding: str


@dataclass(frozen=True, slots=True)
class Absent:
    """The finding is known to be absent (not merely unknown)."""

    finding: str


@dataclass(frozen=True, slots=True)
class Compare:
    finding: str
    op: str
    value: float


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one item holds (``any``; not called ``Any`` so as not to shadow typing's)."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Expr


@dataclass(frozen=True, slots=True)
class MinOf:
    n: int
    items: tuple[Expr, ...]


Expr: TypeAlias = TrueExpr | Present | Absent | Compare | All | AnyOf | Not | MinOf

_FORMS = ("all", "any", "not", "min", "of", "finding", "present", "op", "value")


# --- Parsing ---------------------------------------------------------------------------------


def _fail(where: str, message: str) -> ExprError:
    return ExprError(f"{where}: {message}" if where else message)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _items(raw: object, key: str, where: str) -> tuple[Expr, ...]:
    if not isinstance(raw, list):
        raise _fail(where, f"`{key}` needs a list of conditions, got {type(raw).__name__}")
    if not raw:
        raise _fail(where, f"`{key}` has an empty list")
    return tuple(
        parse(sub, f"{where}.{key}[{i}]" if where else f"{key}[{i}]") for i, sub in enumerate(raw)
    )


def parse(raw: object, where: str = "") -> Expr:
    """Read a condition as written in the pack; raise :class:`ExprError` naming the bad part."""
    if isinstance(raw, Expr):  # already parsed (pydantic revalidation, tests)
        return raw
    if raw is True:
        return TrueExpr()
    if isinstance(raw, str):
        if not raw.strip():
            raise _fail(where, "empty finding id")
        return Present(raw)
    if raw is False or raw is None:
        raise _fail(where, f"`{str(raw).lower()}` is not a condition (a rule that never holds)")
    if not isinstance(raw, dict):
        raise _fail(where, f"cannot read condition {raw!r}")
    keys = set(raw)
    unknown = sorted(str(k) for k in keys - set(_FORMS))
    if unknown:
        import difflib  # only for the error message

        hints = []
        for k in unknown:
            close = difflib.get_close_matches(k, _FORMS, n=1)
            hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise _fail(where, "unknown operator " + ", ".join(hints))
    if keys == {"all"}:
        return All(_items(raw["all"], "all", where))
    if keys == {"any"}:
        return AnyOf(_items(raw["any"], "any", where))
    if keys == {"not"}:
        return Not(parse(raw["not"], f"{where}.not" if where else "not"))
    if keys == {"min", "of"}:
        n = raw["min"]
        if not isinstance(n, int) or isinstance(n, bool):
            raise _fail(where, f"`min` needs a whole number, got {n!r}")
        items = _items(raw["of"], "of", where)
        if not 1 <= n <= len(items):
            raise _fail(where, f"`min: {n}` of a list of {len(items)}: needs 1 to {len(items)}")
        return MinOf(n, items)
    if "finding" in keys:
        fid = raw["finding"]
        if not isinstance(fid, str) or not fid.strip():
            raise _fail(where, f"`finding` needs a finding id, got {fid!r}")
        if keys == {"finding"}:
            return Present(fid)
        if keys == {"finding", "present"}:
            flag = raw["present"]
            if not isinstance(flag, bool):
                raise _fail(where, f"`present` needs true or false, got {flag!r}")
            return Present(fid) if flag else Absent(fid)
        if keys == {"finding", "op", "value"}:
            op, value = raw["op"], raw["value"]
            if op not in OPS:
                raise _fail(where, f"unknown comparison {op!r}; use one of {', '.join(OPS)}")
            if not _is_number(value):
                raise _fail(where, f"`value` needs a number, got {value!r}")
            return Compare(fid, str(op), float(value))
    forms = "{all}, {any}, {not}, {min, of}, {finding[, present | op, value]}"
    raise _fail(where, f"keys {sorted(keys)} do not make a condition; the forms are {forms}")


def to_raw(e: Expr) -> object:
    """The YAML form of a node (what :func:`parse` reads back to the same node)."""
    match e:
        case TrueExpr():
            return True
        case Present(fid):
            return fid
        case Absent(fid):
            return {"finding": fid, "present": False}
        case Compare(fid, op, value):
            return {"finding": fid, "op": op, "value": int(value) if value.is_integer() else value}
        case All(items):
            return {"all": [to_raw(i) for i in items]}
        case AnyOf(items):
            return {"any": [to_raw(i) for i in items]}
        case Not(item):
            return {"not": to_raw(item)}
        case MinOf(n, items):
            return {"min": n, "of": [to_raw(i) for i in items]}


# --- Walking ---------------------------------------------------------------------------------


def literals(e: Expr, positive: bool = True) -> Iterator[tuple[Present | Absent | Compare, bool]]:
    """Every leaf, in order, with its polarity (False under an odd number of ``not``)."""
    match e:
        case Present() | Absent() | Compare():
            yield e, positive
        case All(items) | AnyOf(items) | MinOf(_, items):
            for i in items:
                yield from literals(i, positive)
        case Not(item):
            yield from literals(item, not positive)
        case TrueExpr():
            return


def findings(e: Expr) -> Iterator[str]:
    """The finding ids a condition names, in order (with repeats)."""
    for leaf, _ in literals(e):
        yield leaf.finding


def thresholds(e: Expr) -> Iterator[tuple[str, float]]:
    """``(finding, value)`` of every comparison."""
    for leaf, _ in literals(e):
        if isinstance(leaf, Compare):
            yield leaf.finding, leaf.value


# --- Compiling to a predicate (the engine) ---------------------------------------------------

Predicate: TypeAlias = Callable[[Facts, frozenset[str]], bool]
Explainer: TypeAlias = Callable[[Facts, frozenset[str]], list[str]]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A condition compiled once: ``test`` decides, ``explain`` names the findings that make
    it true (the satisfied branches only; a ``not`` explains by absence, which shows nothing)."""

    test: Predicate
    explain: Explainer


def _true(facts: Facts, present: frozenset[str]) -> bool:
    return True


def _nothing(facts: Facts, present: frozenset[str]) -> list[str]:
    return []


def compile(e: Expr) -> Compiled:
    """Compile a node into a predicate over ``(facts, present ids)`` and its explainer.

    Lists of plain ids compile to frozenset operations, which keeps a whole assessment in the
    tens of microseconds.
    """
    match e:
        case TrueExpr():
            return Compiled(_true, _nothing)
        case Present(fid):

            def has(facts: Facts, present: frozenset[str]) -> bool:
                return fid in present

            def why_has(facts: Facts, present: frozenset[str]) -> list[str]:
                return [fid] if fid in present else []

            return Compiled(has, why_has)
        case Absent(fid):

            def absent(facts: Facts, present: frozenset[str]) -> bool:
                o = facts.get(fid)
                return o is not None and o.present is False

            def why_absent(facts: Facts, present: frozenset[str]) -> list[str]:
                return [fid] if absent(facts, present) else []

            return Compiled(absent, why_absent)
        case Compare(fid, op_name, bound):
            op = OPS[op_name]

            def compare(facts: Facts, present: frozenset[str]) -> bool:
                o = facts.get(fid)
                return o is not None and o.value is not None and op(o.value, bound)

            def why_compare(facts: Facts, present: frozenset[str]) -> list[str]:
                return [fid] if compare(facts, present) else []

            return Compiled(compare, why_compare)
        case All(items) | AnyOf(items):
            return _compile_list(items, every=isinstance(e, All))
        case Not(item):
            inner = compile(item).test

            def negate(facts: Facts, present: frozenset[str]) -> bool:
                return not inner(facts, present)

            return Compiled(negate, _nothing)
        case MinOf(n, items):
            parts = [compile(i) for i in items]
            tests = [p.test for p in parts]
            explains = [p.explain for p in parts]

            def at_least(facts: Facts, present: frozenset[str]) -> bool:
                count = 0
                for t in tests:
                    if t(facts, present):
                        count += 1
                        if count >= n:
                            return True
                return False

            # Every item's own explanation, as the engine has always shown it.
            def why_min(facts: Facts, present: frozenset[str]) -> list[str]:
                return [f for x in explains for f in x(facts, present)]

            return Compiled(at_least, why_min)


def _compile_list(items: tuple[Expr, ...], *, every: bool) -> Compiled:
    ids = frozenset(i.finding for i in items if isinstance(i, Present))
    parts = [compile(i) for i in items if not isinstance(i, Present)]
    tests = [p.test for p in parts]
    # For explain: in written order, a plain id is its own explanation when present.
    order: list[str | Compiled] = [
        i.finding if isinstance(i, Present) else compile(i) for i in items
    ]

    def why(facts: Facts, present: frozenset[str]) -> list[str]:
        out: list[str] = []
        for part in order:
            if isinstance(part, str):
                if part in present:
                    out.append(part)
            elif part.test(facts, present):
                out.extend(part.explain(facts, present))
        return out

    if every:
        if not tests:

            def all_ids(facts: Facts, present: frozenset[str]) -> bool:
                return ids <= present

            return Compiled(all_ids, why)

        if len(tests) == 1:
            (only,) = tests

            def all_of_one(facts: Facts, present: frozenset[str]) -> bool:
                return ids <= present and only(facts, present)

            return Compiled(all_of_one, why)

        # explicit loops: a generator inside all()/any() costs more than the test itself
        def all_of(facts: Facts, present: frozenset[str]) -> bool:
            if not ids <= present:
                return False
            for t in tests:  # noqa: SIM110 - the loop is faster than all(<generator>)
                if not t(facts, present):
                    return False
            return True

        return Compiled(all_of, why)
    if not tests:

        def any_id(facts: Facts, present: frozenset[str]) -> bool:
            return not ids.isdisjoint(present)

        return Compiled(any_id, why)

    def any_of(facts: Facts, present: frozenset[str]) -> bool:
        if not ids.isdisjoint(present):
            return True
        for t in tests:  # noqa: SIM110 - the loop is faster than any(<generator>)
            if t(facts, present):
                return True
        return False

    return Compiled(any_of, why)


# --- Three-valued compilation (the interview: what could still become true) -----------------

T3: TypeAlias = bool | None  # True, False, None = could still go either way
V = TypeVar("V")
V_contra = TypeVar("V_contra", contravariant=True)


class Leaves3(Protocol[V_contra]):
    """How a caller decides the leaves in three values over its own view of the facts."""

    def present3(self, fid: str) -> Callable[[V_contra], T3]: ...

    def absent3(self, fid: str) -> Callable[[V_contra], T3]: ...

    def compare3(
        self, fid: str, op: Callable[[float, float], bool], value: float
    ) -> Callable[[V_contra], T3]: ...


def and3(values: Iterable[T3]) -> T3:
    out: T3 = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out


def or3(values: Iterable[T3]) -> T3:
    out: T3 = False
    for v in values:
        if v is True:
            return True
        if v is None:
            out = None
    return out


class _Three(Generic[V]):
    def __init__(self, leaves: Leaves3[V]) -> None:
        self.leaves = leaves

    def __call__(self, e: Expr) -> Callable[[V], T3]:
        match e:
            case TrueExpr():
                return lambda v: True
            case Present(fid):
                return self.leaves.present3(fid)
            case Absent(fid):
                return self.leaves.absent3(fid)
            case Compare(fid, op, value):
                return self.leaves.compare3(fid, OPS[op], value)
            case All(items):
                parts = [self(i) for i in items]
                return lambda v: and3(p(v) for p in parts)
            case AnyOf(items):
                parts = [self(i) for i in items]
                return lambda v: or3(p(v) for p in parts)
            case Not(item):
                inner = self(item)

                def negate(v: V) -> T3:
                    r = inner(v)
                    return None if r is None else not r

                return negate
            case MinOf(n, items):
                parts = [self(i) for i in items]

                def at_least(v: V) -> T3:
                    values = [p(v) for p in parts]
                    yes = sum(1 for x in values if x is True)
                    maybe = sum(1 for x in values if x is None)
                    if yes >= n:
                        return True
                    return None if yes + maybe >= n else False

                return at_least


def compile3(e: Expr, leaves: Leaves3[V]) -> Callable[[V], T3]:
    """Compile into a three-valued predicate whose leaves ``leaves`` decides."""
    return _Three(leaves)(e)


# --- Can it hold at all? ---------------------------------------------------------------------
#
# A search for an assignment of the findings that makes the condition true. Each finding has a
# presence (True, False or unknown) and maybe a value; `Present`, `Absent` and `Compare` are
# constraints on those, and a finding that nothing can set (``settable`` says False) stays
# unknown with no value. The answer is exact for the condition as written; implications between
# findings (``implies``, ``derived``) are not used, so "cannot hold" is only ever claimed when it
# is certain. A search budget keeps pathological conditions from stalling a check: when it runs
# out, the condition is taken to be satisfiable.

_Lit: TypeAlias = tuple[Present | Absent | Compare, bool]
_Env: TypeAlias = Mapping[str, tuple[_Lit, ...]]
_BUDGET = 20_000


def _holds(lit: _Lit, present: bool | None, value: float | None) -> bool:
    leaf, positive = lit
    if isinstance(leaf, Present):
        got = present is True
    elif isinstance(leaf, Absent):
        got = present is False
    else:
        got = value is not None and OPS[leaf.op](value, leaf.value)
    return got is positive


def _states(lits: tuple[_Lit, ...], settable: bool) -> Iterator[tuple[bool | None, float | None]]:
    if not settable:
        yield None, None
        return
    cuts = sorted({leaf.value for leaf, _ in lits if isinstance(leaf, Compare)})
    values: list[float | None] = [None]
    if cuts:
        values += [cuts[0] - 1, *cuts, *((a + b) / 2 for a, b in itertools.pairwise(cuts))]
        values.append(cuts[-1] + 1)
    for p in (True, False, None):
        for v in values:
            yield p, v


def _consistent(lits: tuple[_Lit, ...], settable: bool) -> bool:
    return any(all(_holds(lit, p, v) for lit in lits) for p, v in _states(lits, settable))


class _Search:
    def __init__(self, settable: Callable[[str], bool]) -> None:
        self.settable = settable
        self.steps = 0

    def run(self, e: Expr, positive: bool, env: _Env) -> Iterator[_Env]:
        self.steps += 1
        if self.steps > _BUDGET:
            raise _OutOfBudget
        match e:
            case TrueExpr():
                if positive:
                    yield env
            case Present() | Absent() | Compare():
                lits = (*env.get(e.finding, ()), (e, positive))
                if _consistent(lits, self.settable(e.finding)):
                    yield {**env, e.finding: lits}
            case Not(item):
                yield from self.run(item, not positive, env)
            case All(items) | AnyOf(items):
                if isinstance(e, All) is positive:  # a conjunction
                    yield from self._every(items, positive, env)
                else:
                    for i in items:
                        yield from self.run(i, positive, env)
            case MinOf(n, items):
                # at least n hold; negated: at least len - n + 1 fail
                k = n if positive else len(items) - n + 1
                for combo in itertools.combinations(items, k):
                    yield from self._every(combo, positive, env)

    def _every(self, items: tuple[Expr, ...], positive: bool, env: _Env) -> Iterator[_Env]:
        if not items:
            yield env
            return
        for env2 in self.run(items[0], positive, env):
            yield from self._every(items[1:], positive, env2)


class _OutOfBudget(Exception):
    pass


def _first(e: Expr, settable: Callable[[str], bool]) -> _Env | None:
    try:
        return next(_Search(settable).run(e, True, {}), None)
    except _OutOfBudget:
        return {}  # undecided: taken as satisfiable, with no witness to show


def satisfiable(e: Expr, settable: Callable[[str], bool] = lambda fid: True) -> bool:
    """Whether some facts make the condition true, with unsettable findings left unknown."""
    return _first(e, settable) is not None


def _preference(state: tuple[bool | None, float | None]) -> tuple[int, bool]:
    p, v = state
    rank = 0 if p is None and v is None else 1 if p is True else 2 if p is False else 3
    return rank, v is None


def witness(
    e: Expr, settable: Callable[[str], bool] = lambda fid: True
) -> dict[str, Observation] | None:
    """Facts that make the condition true (a finding is left out where unknown suffices), or
    None when it can never hold. Tests use it to fire each rule on its own findings."""
    found = _first(e, settable)
    if found is None:
        return None
    out: dict[str, Observation] = {}
    for fid, lits in found.items():
        states = [s for s in _states(lits, settable(fid)) if all(_holds(lit, *s) for lit in lits)]
        p, v = min(states, key=_preference)
        if p is not None or v is not None:
            out[fid] = Observation(p, v)
    return out
