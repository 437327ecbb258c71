"""Compile the pack's lexicon and find its terms in tokenised text.

A term is a short phrase; each word is lemmatised at compile time, or is a prefix when it ends
with ``*``. Words of a term may stand in any order, within a window a little longer than the
term, inside one sentence: «лицо перекосило» and «перекосило лицо» are the same finding.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spasmnav.language.morph import Token, lemmas, word_is_known
from spasmnav.language.normalise import fold, russian_letters

if TYPE_CHECKING:
    from spasmnav.content import Pack

__all__ = ["Lexicon", "Match", "Term", "TokenIndex"]

EXTRA_WINDOW = 2
# Typo tolerance: a word pymorphy3 does not know matches a lexicon word of this many letters or
# more at edit distance 1, sharing the first letter («перекасило», «судароги»); prefixes need
# one letter more and allow only one vowel written for another («перекас…» for «перекос*»),
# the commonest slip, since the rest of the word is not checked («спастич…» is not «спастик*»).
TYPO_MIN_LEN = 5
TYPO_MIN_PREFIX = 6
_VOWELS = frozenset("аеиоуыэюя")


def _vowel_slip(a: str, b: str) -> bool:
    """Do two strings of one length differ in exactly one place, a vowel for a vowel?"""
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0][0] in _VOWELS and diff[0][1] in _VOWELS


@dataclass(frozen=True, slots=True)
class Word:
    lemmas: frozenset[str]
    prefix: str | None
    exact: str | None = None
    pattern: re.Pattern[str] | None = None

    def matches(self, token: Token) -> bool:
        if self.pattern is not None:
            return self.pattern.fullmatch(token.text) is not None
        if self.exact is not None:
            return token.text == self.exact
        if self.prefix is not None:
            return token.text.startswith(self.prefix) or any(
                lem.startswith(self.prefix) for lem in token.lemmas
            )
        return not self.lemmas.isdisjoint(token.lemmas)


class TokenIndex:
    """Where each word of a text stands, built once per text: lexicon terms, frames and
    qualifier triggers look their words up here instead of scanning every token again."""

    __slots__ = ("_cache", "by_lemma", "by_text", "tokens")

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.by_lemma: dict[str, list[int]] = defaultdict(list)
        self.by_text: dict[str, list[int]] = defaultdict(list)
        for i, tok in enumerate(tokens):
            if tok.punct:
                continue
            self.by_text[tok.text].append(i)
            for lem in tok.lemmas:
                self.by_lemma[lem].append(i)
        # Keyed by identity: the words are the lexicon's own long-lived objects, and hashing a
        # frozen dataclass of frozensets on every lookup cost more than the lookup.
        self._cache: dict[int, list[int]] = {}

    def positions(self, w: Word) -> list[int]:
        """Sorted positions of the non-punctuation tokens the word matches."""
        key = id(w)
        hit = self._cache.get(key)
        if hit is None:
            if w.pattern is None and w.exact is None and w.prefix is None:
                found: set[int] = set()
                for lem in w.lemmas:
                    found.update(self.by_lemma.get(lem, ()))
                hit = sorted(found)
            elif w.exact is not None and w.pattern is None:
                hit = list(self.by_text.get(w.exact, ()))
            else:
                hit = [i for i, t in enumerate(self.tokens) if not t.punct and w.matches(t)]
            self._cache[key] = hit
        return hit

    def phrase(self, words: tuple[Word, ...]) -> list[tuple[int, ...]]:
        """Every place where the words stand side by side, in order."""
        if not words:
            return []
        rest = [set(self.positions(w)) for w in words[1:]]
        return [
            tuple(range(i, i + len(words)))
            for i in self.positions(words[0])
            if all(i + k + 1 in r for k, r in enumerate(rest))
        ]


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
    if raw.startswith("~"):
        # A regular expression over the word («~[0-9]{1,2}:[0-9]{2}», a clock time).
        return Word(frozenset(), None, None, re.compile(raw[1:]))
    raw = russian_letters(fold(raw.strip()))
    if raw.startswith("="):
        # An exact word form: «=сильнее» must not match «сильные» through the lemma.
        return Word(frozenset({raw[1:]}), None, raw[1:])
    if raw.endswith("*"):
        return Word(frozenset(), raw[:-1])
    return Word(lemmas(raw), None)


class Lexicon:
    def __init__(self, pack: Pack, typos: bool = True) -> None:
        self.typos = typos
        self.terms: list[Term] = []
        self._near: dict[str, tuple[Word, ...]] = {
            f.id: tuple(_word(w) for w in f.near) for f in pack.findings if f.near
        }
        self._elsewhere: dict[str, tuple[Word, ...]] = {
            f.id: tuple(_word(w) for w in f.elsewhere) for f in pack.findings if f.elsewhere
        }
        legs = pack.context.leg_words if pack.context is not None else []
        self._legs = tuple(_word(w) for w in legs)
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
        # Typo index: lexicon lemmas and forms by length; long prefixes by length.
        self._by_len: dict[int, list[str]] = defaultdict(list)
        for lem in sorted(self._by_lemma):
            if len(lem) >= TYPO_MIN_LEN and lem.isalpha():
                self._by_len[len(lem)].append(lem)
        self._prefix_buckets: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._short_prefixes: list[tuple[str, int]] = []
        for prefix, i in self._prefixes:
            if len(prefix) >= 2:
                self._prefix_buckets[prefix[:2]].append((prefix, i))
            else:
                self._short_prefixes.append((prefix, i))
        self._prefix_set = frozenset(p for p, _ in self._prefixes)
        self._long_prefixes: dict[int, list[str]] = defaultdict(list)
        for prefix in sorted({p for p, _ in self._prefixes}):
            if len(prefix) >= TYPO_MIN_PREFIX:
                self._long_prefixes[len(prefix)].append(prefix)
        self._typo_cache: dict[tuple[str, frozenset[str]], frozenset[str]] = {}

    def typo_lemmas(self, token: Token) -> frozenset[str]:
        """Lexicon lemmas (or prefixes) an unknown word is one typo away from; empty for a word
        pymorphy3 knows: a known word is not a typo («свет» is not «свело»)."""
        word = token.text
        if token.punct or len(word) < TYPO_MIN_LEN or not word.isalpha() or word_is_known(word):
            return frozenset()
        key = (word, token.lemmas)
        hit = self._typo_cache.get(key)
        if hit is not None:
            return hit
        # Imported here: most texts never need it, and a cold start should not pay for it.
        from rapidfuzz import process
        from rapidfuzz.distance import OSA  # a swap of two letters is one typo («чувтсвует»)

        found: set[str] = set()
        for form in token.lemmas | {word}:
            if len(form) < TYPO_MIN_LEN or form in self._by_lemma:
                continue
            for n in (len(form) - 1, len(form), len(form) + 1):
                bucket = self._by_len.get(n)
                if not bucket:
                    continue
                for cand, _, _ in process.extract(
                    form, bucket, scorer=OSA.distance, score_cutoff=1, limit=None
                ):
                    if cand[0] == form[0]:
                        found |= lemmas(cand)  # read the word as the one it misspells
        for n, prefixes in self._long_prefixes.items():
            head = word[:n]
            if len(head) < n:
                continue
            for prefix in prefixes:
                if head[0] == prefix[0] and _vowel_slip(head, prefix):
                    found.add(prefix)
        out = frozenset(found)
        if len(self._typo_cache) > 100_000:
            self._typo_cache.clear()
        self._typo_cache[key] = out
        return out

    def with_typos(self, tokens: list[Token]) -> list[Token]:
        """The tokens, unknown words given the lexicon lemmas they are one typo away from."""
        if not self.typos:
            return tokens
        out = tokens
        for i, tok in enumerate(tokens):
            extra = self.typo_lemmas(tok)
            if extra:
                if out is tokens:
                    out = list(tokens)
                out[i] = tok._replace(lemmas=tok.lemmas | extra)
        return out

    def _candidates(self, tokens: list[Token]) -> set[int]:
        cands: set[int] = set()
        for tok in tokens:
            if tok.punct:
                continue
            for lem in tok.lemmas:
                hit = self._by_lemma.get(lem)
                if hit:
                    cands |= hit
            # Prefixes by their first two letters: only those a word can start with are tried.
            for key in {tok.text[:2], *(lem[:2] for lem in tok.lemmas if lem in self._prefix_set)}:
                for prefix, i in self._prefix_buckets.get(key, ()):
                    if tok.text.startswith(prefix) or prefix in tok.lemmas:
                        cands.add(i)
            for prefix, i in self._short_prefixes:
                if tok.text.startswith(prefix) or prefix in tok.lemmas:
                    cands.add(i)
        return cands

    def _elsewhere_clauses(
        self, tokens: list[Token], sentence_of: list[int], clause_of: list[int]
    ) -> dict[str, set[int]]:
        """Per finding, the clauses naming a body part other than the leg, in a text that names
        no leg at all (a text that does — even «не веко, а мышца на голени» — keeps them)."""
        if not self._elsewhere or any(w.matches(t) for t in tokens for w in self._legs):
            return {}
        legged: set[int] = set()
        out: dict[str, set[int]] = {}
        for fid, words in self._elsewhere.items():
            out[fid] = {
                clause_of[i]
                for i, t in enumerate(tokens)
                if not t.punct and clause_of[i] not in legged and any(w.matches(t) for w in words)
            }
        return out

    def find(
        self,
        tokens: list[Token],
        sentence_of: list[int],
        clause_of: list[int] | None = None,
        index: TokenIndex | None = None,
    ) -> list[Match]:
        """All term matches; ``sentence_of[i]`` is the sentence number of token i, and
        ``clause_of[i]`` its clause (for findings that name where they are not)."""
        elsewhere = (
            self._elsewhere_clauses(tokens, sentence_of, clause_of) if clause_of is not None else {}
        )
        idx = index if index is not None else TokenIndex(tokens)
        out: list[Match] = []
        seen: set[tuple[str, tuple[int, ...]]] = set()
        for ti in sorted(self._candidates(tokens)):
            term = self.terms[ti]
            positions = [idx.positions(w) for w in term.words]
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
        if elsewhere:
            assert clause_of is not None
            out = [m for m in out if clause_of[m.first] not in elsewhere.get(m.finding, ())]
        return out
