"""Compile the pack's lexicon and find its terms in tokenised text.

A term is a short phrase; each word is lemmatised at compile time, or is a prefix when it ends
with ``*``. Words of a term may stand in any order, within a window a little longer than the
term, inside one sentence: «лицо перекосило» and «перекосило лицо» are the same finding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .morph import Token, analyse, lemmas, normalize, seed_analyses

if TYPE_CHECKING:
    from ..content import Pack

__all__ = ["Lexicon", "Match", "Term"]

EXTRA_WINDOW = 2


@dataclass(frozen=True, slots=True)
class Word:
    lemmas: frozenset[str]
    prefix: str | None
    exact: str | None = None

    def matches(self, token: Token) -> bool:
        if self.exact is not None:
            return token.text == self.exact
        if self.prefix is not None:
            return token.text.startswith(self.prefix) or any(
                lem.startswith(self.prefix) for lem in token.lemmas
            )
        return not self.lemmas.isdisjoint(token.lemmas)


@dataclass(frozen=True, slots=True)
class Term:
    finding: str
    source: str
    words: tuple[Word, ...]
    contiguous: bool = False  # "^без сознания": these words, in this order, side by side


@dataclass(frozen=True, slots=True)
class Match:
    finding: str
    term: str
    positions: tuple[int, ...]  # token indices, sorted

    @property
    def first(self) -> int:
        return self.positions[0]

    @property
    def last(self) -> int:
        return self.positions[-1]


def _word(raw: str) -> Word:
    raw = normalize(raw.strip())
    if raw.startswith("="):
        # An exact word form: «=сильнее» must not match «сильные» through the lemma.
        return Word(frozenset({raw[1:]}), None, raw[1:])
    if raw.endswith("*"):
        return Word(frozenset(), raw[:-1])
    return Word(lemmas(raw), None)


def _lexicon_words(pack: Pack) -> list[str]:
    words: set[str] = set()
    for f in pack.findings:
        for phrase in [*f.near, *f.lexicon]:
            for raw in phrase.lstrip("^").split():
                w = normalize(raw.strip())
                if w and not w.startswith("=") and not w.endswith("*") and w.isalpha():
                    words.add(w)
    return sorted(words)


def _seed_from_snapshot(pack: Pack) -> None:
    """Lemmatising the lexicon's ~700 words is a third of a cold start; the analyses depend only
    on the words, this module's rules and pymorphy3's dictionaries, so they are kept in the
    snapshot cache under a key of exactly those."""
    from pathlib import Path

    from .. import snapshot
    from . import morph

    words = _lexicon_words(pack)
    key = snapshot.fingerprint(
        [morph.analyser_version(), Path(morph.__file__).read_bytes(), "\n".join(words)]
    )
    table = snapshot.cached("lemmas", key, lambda: {w: analyse(w) for w in words}, dict)
    seed_analyses(table)


class Lexicon:
    def __init__(self, pack: Pack) -> None:
        _seed_from_snapshot(pack)
        self.terms: list[Term] = []
        self._near: dict[str, tuple[Word, ...]] = {
            f.id: tuple(_word(w) for w in f.near) for f in pack.findings if f.near
        }
        for f in pack.findings:
            for phrase in f.lexicon:
                contiguous = phrase.startswith("^")
                words = tuple(_word(w) for w in phrase.lstrip("^").split())
                if words:
                    self.terms.append(Term(f.id, phrase, words, contiguous))
        # Index: lemma -> terms having a word with that lemma; prefixes checked separately.
        self._by_lemma: dict[str, set[int]] = defaultdict(set)
        self._prefixes: list[tuple[str, int]] = []
        for i, term in enumerate(self.terms):
            for w in term.words:
                if w.prefix is not None:
                    self._prefixes.append((w.prefix, i))
                else:
                    for lem in w.lemmas:
                        self._by_lemma[lem].add(i)

    def _candidates(self, tokens: list[Token]) -> set[int]:
        cands: set[int] = set()
        for tok in tokens:
            if tok.punct:
                continue
            for lem in tok.lemmas:
                hit = self._by_lemma.get(lem)
                if hit:
                    cands |= hit
            for prefix, i in self._prefixes:
                if tok.text.startswith(prefix):
                    cands.add(i)
        return cands

    def find(self, tokens: list[Token], sentence_of: list[int]) -> list[Match]:
        """All term matches; ``sentence_of[i]`` is the sentence number of token i."""
        out: list[Match] = []
        seen: set[tuple[str, tuple[int, ...]]] = set()
        for ti in sorted(self._candidates(tokens)):
            term = self.terms[ti]
            positions = [
                [i for i, tok in enumerate(tokens) if not tok.punct and w.matches(tok)]
                for w in term.words
            ]
            if any(not p for p in positions):
                continue
            window = len(term.words) + EXTRA_WINDOW
            if term.contiguous:
                for anchor in positions[0]:
                    seq = tuple(range(anchor, anchor + len(term.words)))
                    if all(p in plist for p, plist in zip(seq, positions, strict=True)):
                        key = (term.finding, seq)
                        if key not in seen:
                            seen.add(key)
                            out.append(Match(term.finding, term.source, seq))
                continue
            for anchor in positions[0]:
                chosen = [anchor]
                ok = True
                for plist in positions[1:]:
                    best = None
                    for p in plist:
                        if p in chosen or sentence_of[p] != sentence_of[anchor]:
                            continue
                        if best is None or abs(p - anchor) < abs(best - anchor):
                            best = p
                    if best is None:
                        ok = False
                        break
                    chosen.append(best)
                if not ok:
                    continue
                pos = tuple(sorted(chosen))
                if pos[-1] - pos[0] >= window:
                    continue
                near = self._near.get(term.finding)
                if near and not any(
                    sentence_of[i] == sentence_of[anchor] and any(w.matches(t) for w in near)
                    for i, t in enumerate(tokens)
                ):
                    continue
                key = (term.finding, pos)
                if key not in seen:
                    seen.add(key)
                    out.append(Match(term.finding, term.source, pos))
        return out
