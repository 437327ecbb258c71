"""Turn a person's own words into findings, each with the span of text it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..facts import Observation
from .context import is_negated
from .lexicon import Lexicon, Match
from .morph import normalize, tokenize
from .quantities import extract_quantities

if TYPE_CHECKING:
    from ..content import Pack

__all__ = ["MAX_TEXT_CHARS", "Reader", "TextError", "Understanding"]

MAX_TEXT_CHARS = 5000
NUMERIC = (
    "symptom_duration_days",
    "days_since_stroke",
    "age",
    "pregnancy_weeks",
    "episode_minutes",
    "episodes_per_week",
)


class TextError(ValueError):
    """The text cannot be assessed; the message is in Russian, for the person."""


@dataclass(slots=True)
class Understanding:
    facts: dict[str, Observation]
    matches: list[dict[str, object]]
    subject: str  # "self" or "other"
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


class Reader:
    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.lexicon = Lexicon(pack)
        self.movement = frozenset(f.id for f in pack.findings if f.kind == "movement" or f.scope)
        self.symptoms = frozenset(
            f.id for f in pack.findings if f.kind in ("symptom", "sign", "movement")
        )
        self.overrides = {f.id: frozenset(f.overrides) for f in pack.findings if f.overrides}
        self.history = frozenset(
            f.id for f in pack.findings if f.kind in ("history", "risk_factor")
        )

    def _drop_overridden(self, matches: list[Match]) -> list[Match]:
        if not self.overrides:
            return matches
        spans = [
            (set(m.positions), self.overrides[m.finding])
            for m in matches
            if m.finding in self.overrides
        ]
        return [
            m
            for m in matches
            if not any(m.finding in hidden and set(m.positions) <= pos for pos, hidden in spans)
        ]

    def read(self, text: str) -> Understanding:
        if not isinstance(text, str) or not text.strip():
            raise TextError("Пустой текст: опишите, что происходит с ногой, своими словами.")
        truncated = len(text) > MAX_TEXT_CHARS
        if truncated:
            text = text[:MAX_TEXT_CHARS]
        norm = normalize(text)
        tokens = tokenize(norm)
        sentence_of: list[int] = []
        s = 0
        for tok in tokens:
            sentence_of.append(s)
            if tok.ends_sentence:
                s += 1
        matches = self._drop_overridden(self.lexicon.find(tokens, sentence_of))
        by_finding: dict[str, list[tuple[Match, bool]]] = {}
        at_token: dict[int, set[str]] = {}
        listed = frozenset(p for m in matches if m.finding in self.symptoms for p in m.positions)
        for m in matches:
            neg = is_negated(tokens, m, listed)
            by_finding.setdefault(m.finding, []).append((m, neg))
            if not neg:
                for p in m.positions:
                    at_token.setdefault(p, set()).add(m.finding)
        facts: dict[str, Observation] = {}
        shown: list[dict[str, object]] = []
        for fid, ms in by_finding.items():
            positive = [m for m, neg in ms if not neg]
            chosen = positive[0] if positive else ms[0][0]
            start, end = tokens[chosen.first].start, tokens[chosen.last].end
            facts[fid] = Observation(
                present=bool(positive), text=text[start:end], start=start, end=end
            )
            for m, neg in ms:
                a, b = tokens[m.first].start, tokens[m.last].end
                shown.append(
                    {
                        "finding": fid,
                        "term": m.term,
                        "negated": neg,
                        "start": a,
                        "end": b,
                        "text": text[a:b],
                    }
                )
        q = extract_quantities(tokens, at_token, self.movement, self.history)
        for name in NUMERIC:
            value = getattr(q, name)
            if value is None:
                continue
            span = (q.spans or {}).get(name)
            facts[name] = Observation(
                present=True,
                value=float(value),
                text=text[span[0] : span[1]] if span else None,
                start=span[0] if span else None,
                end=span[1] if span else None,
            )
        subject = "other" if facts.get("subject_other", Observation(None)).present else "self"
        shown.sort(key=lambda d: (str(d["start"]).zfill(6), str(d["finding"])))
        notes = []
        if truncated:
            notes.append(
                f"Текст длиннее {MAX_TEXT_CHARS} знаков: разобраны первые {MAX_TEXT_CHARS}."
            )
        return Understanding(facts, shown, subject, truncated, notes)
