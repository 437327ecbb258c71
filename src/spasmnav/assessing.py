"""One entry point for an assessment from text or from findings (used by CLI, web, interview)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .engine import Observation, assess, get_engine
from .language import Understanding, understand
from .result import Assessment, TextMatch

__all__ = ["FindingsError", "assess_text", "parse_findings"]


class FindingsError(ValueError):
    """Structured findings are invalid; the message names the bad ids or values, in Russian."""


def assess_text(text: str) -> Assessment:
    """Assess a person's own words (raises ``language.TextError`` for unusable text)."""
    u: Understanding = understand(text)
    return dataclasses.replace(
        assess(u.facts),
        subject=u.subject,
        text=text,
        matches=tuple(TextMatch.from_mapping(m) for m in u.matches),
        notes=tuple(u.notes),
    )


def parse_findings(data: Any) -> dict[str, Observation]:
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
    known = get_engine().known_findings()
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
