"""The reader as it was before the indexed matcher (frozen copy, for the equivalence test):
turn a person's own words into findings, each with the span of text it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spasmnav import expr as ex
from spasmnav.facts import Observation
from spasmnav.language import morph as live_morph
from spasmnav.language.extract import _STOPPED
from spasmnav.language.normalise import fold

from .context import is_negated
from .frames import Frames
from .lexicon import Lexicon, Match, TokenIndex
from .morph import normalize, tokenize
from .normalise import Normalised
from .qualifiers import Qualifiers, clauses
from .quantities import extract_quantities

if TYPE_CHECKING:
    from spasmnav.content import Pack

__all__ = ["MAX_TEXT_CHARS", "Reader", "TextError", "Understanding"]

MAX_TEXT_CHARS = 5000
NUMERIC = (
    "symptom_duration_days",
    "days_since_stroke",
    "age",
    "pregnancy_weeks",
    "episode_minutes",
    "episodes_per_week",
    "onset_hours_ago",
    "diary_count_rise",
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


def _raw_lemmas(raw: str) -> frozenset[str]:
    raw = fold(raw.strip())
    if raw.startswith("~") or raw.endswith("*"):
        return frozenset()
    if raw.startswith("="):
        return frozenset({raw[1:]})
    return live_morph.lemmas(raw)


def join_split(norm: str, known: frozenset[str]) -> str:
    """Two neighbouring chunks one space apart, at least one unknown to pymorphy3, whose letters
    together are a known word with a lemma in ``known``: written as one word."""
    plain = str(norm)
    closing = ",.!?;:…)»\"'"

    def unknown(piece: str) -> bool:
        core = piece.rstrip(closing)
        return len(core) >= 2 and core.isalpha() and not live_morph.word_is_known(core)

    spans = []
    i = 0
    while i < len(plain):
        if plain[i].isspace():
            i += 1
            continue
        j = i
        while j < len(plain) and not plain[j].isspace():
            j += 1
        spans.append((i, j))
        i = j
    gone: set[int] = set()
    k = 0
    while k + 1 < len(spans):
        (a0, a1), (b0, b1) = spans[k], spans[k + 1]
        a, b = plain[a0:a1], plain[b0:b1]
        core = b.rstrip(closing)
        if (
            b0 == a1 + 1
            and a.isalpha()
            and len(a) >= 2
            and core.isalpha()
            and len(core) >= 2
            and (unknown(a) or unknown(b))
            and live_morph.strongly_known(a + core)
            and live_morph.lemmas(a + core) & known
        ):
            gone.add(a1)
            k += 2
        else:
            k += 1
    if not gone:
        return norm
    text = "".join(ch for i, ch in enumerate(plain) if i not in gone)
    origin = norm.origin if isinstance(norm, Normalised) else (lambda n: n)
    return Normalised(
        text, [origin(i) for i in range(len(plain)) if i not in gone], origin(len(plain))
    )


class Reader:
    def __init__(self, pack: Pack) -> None:
        self._build(pack)
        words = [w for f in pack.findings for t in f.lexicon for w in t.lstrip("^").split()]
        words += [
            w
            for fr in pack.frames
            for slot in fr.clause + fr.sentence
            for phrase in slot
            for w in phrase.lstrip("^").split()
        ]
        self._known = frozenset(lem for w in words for lem in _raw_lemmas(w))

    def _build(self, pack: Pack) -> None:
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
        self.qualifiers = Qualifiers(pack.context)
        self.frames = Frames(pack.frames)
        kinds = {f.id: f.kind for f in pack.findings}
        red_flag_findings = frozenset(
            fid for r in pack.rules if r.red_flag for fid in ex.findings(r.when)
        )
        frame_findings = frozenset(fr.finding for fr in pack.frames)
        # Which qualifiers change what a finding means. A movement stays the complaint whatever
        # is said of it; an old mention of a history item is still history, but an old date
        # makes a recent event (an operation) old.
        events = frozenset(pack.context.events) if pack.context is not None else frozenset()
        medicines = frozenset(pack.context.medicines) if pack.context is not None else frozenset()
        self._qualifiable = {
            "other": frozenset(f for f, k in kinds.items() if k not in ("context", "check")),
            # A medicine named in a question or beside a possibility is taken or weighed.
            "hypothetical": frozenset(
                f
                for f, k in kinds.items()
                if k in ("sign", "symptom", "history", "risk_factor") and f not in medicines
            ),
            # Only a red flag is downgraded by an old mention: «поясница ноет давно» is still
            # the back pain the person has.
            "historical": frozenset(
                f
                for f, k in kinds.items()
                if k in ("sign", "symptom") and (f in red_flag_findings or f in frame_findings)
            )
            | (events & frozenset(f for f, k in kinds.items() if k == "risk_factor")),
        }
        self.history_as = {f.id: f.history_as for f in pack.findings if f.history_as}
        self.medicines = medicines

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
        norm = join_split(normalize(text), self._known)
        # Typo tolerance first, so lexicon, frames and qualifiers all read the corrected words.
        tokens = self.lexicon.with_typos(tokenize(norm))
        sentence_of: list[int] = []
        s = 0
        for tok in tokens:
            sentence_of.append(s)
            if tok.ends_sentence:
                s += 1
        clause_of = clauses(tokens, sentence_of)
        index = TokenIndex(tokens)  # where each word stands, shared by every matcher below
        found = self.lexicon.find(tokens, sentence_of, clause_of, index)
        found.extend(self.frames.find(tokens, sentence_of, clause_of, index))
        matches = self.qualifiers.drop_pseudo(index, self._drop_overridden(found))
        by_finding: dict[str, list[tuple[Match, bool, frozenset[str], tuple[str, ...]]]] = {}
        at_token: dict[int, set[str]] = {}
        listed = frozenset(p for m in matches if m.finding in self.symptoms for p in m.positions)
        qualified = self.qualifiers.qualify(
            tokens, matches, sentence_of, self.movement, self.symptoms, index
        )
        asked: set[int] | None = None  # the sentences that are questions, when needed
        read: list[tuple[Match, bool, frozenset[str], tuple[str, ...]]] = []
        for m, (quals, cues) in zip(matches, qualified, strict=True):
            neg = is_negated(tokens, m, listed, m.finding in self.medicines)
            if neg and m.finding in self.medicines:
                # «А это не от баклофена?»: a medicine in a question is taken or weighed.
                if asked is None:
                    asked = {
                        sentence_of[i]
                        for i, tok in enumerate(tokens)
                        if tok.punct and "?" in tok.text
                    }
                neg = sentence_of[m.positions[0]] not in asked
            effective = frozenset(
                q for q in quals if m.finding in self._qualifiable.get(q, frozenset())
            )
            read.append((m, neg, effective, cues))
        # A medicine denied in a sentence that says it was stopped or ran out was taken.
        stopped = {
            sentence_of[m.first]
            for m, neg, q, _ in read
            if m.finding in _STOPPED and not neg and not q
        }
        for m, neg, effective, cues in read:
            if neg and m.finding in self.medicines and sentence_of[m.first] in stopped:
                neg = False
            by_finding.setdefault(m.finding, []).append((m, neg, effective, cues))
            if not neg and not effective:
                for p in m.positions:
                    at_token.setdefault(p, set()).add(m.finding)
        facts: dict[str, Observation] = {}
        shown: list[dict[str, object]] = []
        history: dict[str, Observation] = {}
        for fid, ms in by_finding.items():
            current = [m for m, neg, q, _ in ms if not neg and not q]
            negated = [m for m, neg, _, _ in ms if neg]
            if current:
                chosen, present, quals, cues = current[0], True, frozenset[str](), ()
            elif negated:
                chosen, present = negated[0], False
                quals, cues = frozenset({"negated"}), ()
            else:
                # Only qualified mentions: old, hypothetical or someone else's — not current.
                chosen, _, quals, cues = ms[0]
                present = None
            start, end = tokens[chosen.first].start, tokens[chosen.last].end
            facts[fid] = Observation(
                present=present,
                text=text[start:end],
                start=start,
                end=end,
                qualifiers=quals,
                cues=cues,
            )
            if present is None and "historical" in quals and "other" not in quals:
                target = self.history_as.get(fid)
                if target is not None:
                    history[target] = Observation(
                        True, text=text[start:end], start=start, end=end, cues=cues
                    )
            for m, neg, mq, _ in ms:
                a, b = tokens[m.first].start, tokens[m.last].end
                shown.append(
                    {
                        "finding": fid,
                        "term": m.term,
                        "negated": neg,
                        "qualifiers": sorted(mq | ({"negated"} if neg else set())),
                        "start": a,
                        "end": b,
                        "text": text[a:b],
                    }
                )
        for fid, obs in history.items():
            if facts.get(fid) is None or facts[fid].present is not True:
                facts[fid] = obs
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
        if q.pregnancy_weeks is not None and not facts.get("pregnancy", Observation(None)).present:
            weeks = facts["pregnancy_weeks"]  # «на 36 неделе» says she is pregnant
            facts["pregnancy"] = Observation(True, None, weeks.text, weeks.start, weeks.end)
        subject = "other" if facts.get("subject_other", Observation(None)).present else "self"
        shown.sort(key=lambda d: (str(d["start"]).zfill(6), str(d["finding"])))
        notes = []
        if truncated:
            notes.append(
                f"Текст длиннее {MAX_TEXT_CHARS} знаков: разобраны первые {MAX_TEXT_CHARS}."
            )
        return Understanding(facts, shown, subject, truncated, notes)
