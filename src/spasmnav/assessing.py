"""Assessment from text or from findings, for one engine; the edges call these through a
:class:`spasmnav.core.Navigator` (``assess_text`` and ``parse_findings`` here are thin
compatibility functions over the default navigator)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .engine import Engine
from .facts import Observation
from .result import Assessment, TextMatch

if TYPE_CHECKING:
    from .language.extract import Understanding

__all__ = [
    "FindingsError",
    "assess_text",
    "assess_understood",
    "check_facts",
    "facts_from_values",
    "parse_findings",
    "parse_findings_for",
    "understand",
]


class FindingsError(ValueError):
    """Structured findings are invalid; the message names the bad ids or values, in Russian."""


CHECK_ANSWERS: dict[str, bool | None] = {
    "yes": True,
    "да": True,
    "no": False,
    "нет": False,
    "unknown": None,
    "не знаю": None,
}


def check_facts(engine: Engine, answers: Mapping[str, str]) -> dict[str, Observation]:
    """Answers to the red-flag checks («да» / «нет» / «не знаю», or yes / no / unknown) as
    the findings they settle; FindingsError names an unknown check or answer, in Russian."""
    by_id = {c.id: c for c in engine.pack.checks}
    unknown = sorted(k for k in answers if k not in by_id)
    if unknown:
        raise FindingsError("Неизвестные проверки: " + ", ".join(unknown))
    facts: dict[str, Observation] = {}
    bad = []
    for cid, raw in answers.items():
        key = str(raw).strip().lower()
        if key not in CHECK_ANSWERS:
            bad.append(f"{cid}={raw!r}")
            continue
        facts[by_id[cid].answer_finding] = Observation(CHECK_ANSWERS[key])
    if bad:
        raise FindingsError("Ответ на проверку — «да», «нет» или «не знаю»: " + ", ".join(bad))
    return facts


def assess_understood(
    engine: Engine,
    u: Understanding,
    text: str,
    checks: Mapping[str, str] | None = None,
) -> Assessment:
    """The assessment of what was read from ``text``, with the words shown; ``checks`` are
    the person's answers to the red-flag checks (answering re-assesses)."""
    facts = {**u.facts, **check_facts(engine, checks)} if checks else u.facts
    return engine.assess(
        facts,
        subject=u.subject,
        text=text,
        matches=tuple([TextMatch.from_mapping(m) for m in u.matches]),
        notes=tuple(u.notes),
    )


def assess_text(text: str) -> Assessment:
    """Assess a person's own words with the default navigator (``language.TextError`` for
    unusable text)."""
    from .core import default_navigator

    return default_navigator().assess_text(text)


def understand(text: str) -> Understanding:
    """Read a person's words with the default navigator's reader."""
    from .core import default_navigator

    return default_navigator().understand(text)


def facts_from_values(
    engine: Engine, findings: Mapping[str, bool | float | None]
) -> dict[str, Observation]:
    """Plain values as observations; KeyError names the first id the engine does not know."""
    known = engine.known_findings()
    facts: dict[str, Observation] = {}
    for fid, v in findings.items():
        if fid not in known:
            raise KeyError(fid)
        if isinstance(v, bool) or v is None:
            facts[fid] = Observation(v)
        else:
            facts[fid] = Observation(True, float(v))
    return facts


def parse_findings(data: Any) -> dict[str, Observation]:
    """:func:`parse_findings_for` the default navigator's engine."""
    from .core import default_navigator

    return parse_findings_for(default_navigator().engine, data)


def parse_findings_for(engine: Engine, data: Any) -> dict[str, Observation]:
    """Read ``{"findings": {id: true|false|null|number}}`` (or the inner mapping, or a list of
    ``{"id", "present", "value"}``) into observations, rejecting unknown ids and bad values."""
    if isinstance(data, Mapping) and "findings" in data:
        data = data["findings"]
    items: list[tuple[Any, Any]]
    if isinstance(data, Mapping):
        items = list(data.items())
    elif isinstance(data, list):
        items = []
        for entry in data:
            if not isinstance(entry, Mapping) or "id" not in entry:
                raise FindingsError("Каждый элемент списка находок должен иметь поле «id».")
            value = entry.get("value")
            items.append((entry["id"], value if value is not None else entry.get("present", True)))
    else:
        raise FindingsError(
            'Ожидается объект JSON вида {"findings": {"id находки": true/false/число}}.'
        )
    known = engine.known_findings()
    unknown = sorted(str(k) for k, _ in items if k not in known)
    if unknown:
        raise FindingsError("Неизвестные находки: " + ", ".join(unknown))
    facts: dict[str, Observation] = {}
    bad = []
    for fid, v in items:
        if isinstance(v, bool) or v is None:
            facts[fid] = Observation(v)
        elif isinstance(v, int | float) and v == v and abs(v) < 1e9:
            facts[fid] = Observation(True, float(v))
        else:
            bad.append(f"{fid}={v!r}")
    if bad:
        raise FindingsError(
            "Недопустимые значения (нужно true, false, null или число): " + ", ".join(bad)
        )
    return facts
