"""Shape the assessment contract for the result page: order, grouping and readable sources.

The page follows the terminal report: the level first, then the person's own words with what we
understood, then why, then what to do. In an emergency only the call and first aid come first;
everything else waits, folded, below.
"""

from __future__ import annotations

import re
from typing import Any

from ..content import Pack
from .templating import LEVEL_BADGES, highlight_segments

__all__ = ["exercise_view", "present_assessment", "source_label"]

_NUM = re.compile(r"\d+")


def _seed_titles(pack: Pack) -> dict[str, str]:
    return {s.file: s.short for s in pack.sources if s.file}


def source_label(raw: str, pack: Pack) -> str:
    """``000_….txt:44`` → «Материал «…», строка 44»; guideline names stay as they are."""
    file, _, lines = raw.partition(":")
    title = _seed_titles(pack).get(file)
    if title is None:
        return raw
    if not lines:
        return title
    word = "строки" if "-" in lines else "строка"
    return f"{title}, {word} {lines.replace('-', '–')}"


def _sources(items: list[str], pack: Pack) -> list[str]:
    return [source_label(s, pack) for s in items]


def present_assessment(a: dict[str, Any], pack: Pack) -> dict[str, Any]:
    """The page's view of an assessment; titles and labels come from ``pack``."""
    triage = a["triage"]
    level = triage["level"]
    badge, icon = LEVEL_BADGES[level]
    advice = [{**x, "sources": _sources(x["sources"], pack)} for x in a["advice"]]
    first_aid = [x for x in advice if x["kind"] == "first_aid"]
    other_advice = [x for x in advice if x["kind"] != "first_aid"]
    text = a.get("text")
    findings = a.get("findings", [])
    present = [f for f in findings if f.get("present") is True]
    absent = [f for f in findings if f.get("present") is False]
    return {
        "raw": a,
        "level": level,
        "badge": badge,
        "icon": icon,
        "title": triage["title"],
        "action": triage["action"],
        "specialist": triage["specialist"],
        "specialist_title": triage["specialist_title"],
        "emergency": level == "emergency",
        "reasons": [{**r, "sources": _sources(r["sources"], pack)} for r in triage["reasons"]],
        "red_flags": [{**r, "sources": _sources(r["sources"], pack)} for r in a["red_flags"]],
        "conditions": [{**c, "sources": _sources(c["sources"], pack)} for c in a["conditions"][:3]],
        "first_aid": first_aid,
        "advice": other_advice,
        "tests": [{**t, "sources": _sources(t["sources"], pack)} for t in a["tests"]],
        "exercises": [{**x, "sources": _sources(x["sources"], pack)} for x in a["exercises"]],
        "medicines": [{**m, "sources": _sources(m["sources"], pack)} for m in a["medicines"]],
        "message": a.get("message"),
        "notes": a.get("notes", []),
        "text": text,
        "segments": highlight_segments(text, a.get("matches", []), pack) if text else [],
        "present": present,
        "absent": absent,
        "disclaimer": a["disclaimer"],
        "in_scope": a["in_scope"],
    }


def _first_number(value: str | None) -> int | None:
    if not value:
        return None
    m = _NUM.search(value)
    return int(m.group()) if m else None


def exercise_view(x: dict[str, Any], pack: Pack) -> dict[str, Any]:
    """An exercise with its parameters listed and the numbers the session player counts.

    Ranges («10–15 раз», «3–5 секунд») start the player at the lower, gentler number.
    """
    cite = pack.exercise(x["id"]).cite if pack.has("exercises", x["id"]) else []
    params = [
        (label, x.get(key))
        for key, label in (
            ("repetitions", "Повторений"),
            ("hold_seconds", "Задержка"),
            ("sets_per_day", "Сколько раз в день"),
            ("distance", "Расстояние"),
            ("duration_minutes", "Длительность"),
            ("per_week", "Сколько раз в неделю"),
        )
        if x.get(key)
    ]
    return {
        **x,
        "params": params,
        "target_reps": _first_number(x.get("repetitions")),
        "hold": _first_number(x.get("hold_seconds")),
        "sources": _sources(pack.cite(cite) if cite else x.get("sources", []), pack),
    }
