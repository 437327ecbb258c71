"""Compile the pack's lexicon and find its terms in tokenised text.

A term is a short phrase; each word is lemmatised at compile time, or is a prefix when it ends
with ``*``. Words of a term may stand in any order, within a window a little longer than the
term, inside one sentence: «лицо перекосило» and «перекосило лицо» are the same finding.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from .morph import Token, lemmas, make_room, word_is_known
from .normalise import fold, russian_letters

if TYPE_CHECKING:
    from ..content import Pack

__all__ = ["VOCABULARY", "Lexicon", "Match", "Term", "TokenIndex", "Vocabulary"]

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


# A term as Lexicon.find first looks at it: its index, its words, whether one of them matches
# weakly whenever it matches at all, and its prefix words.
_TermCheck = tuple[int, frozenset[int], bool, tuple[int, ...]]
# A term as Lexicon.find matches it (see Lexicon._plans).
_Plan = tuple[str, str, tuple[int, ...], tuple[int, ...] | None, int]
_CONTIGUOUS, _ONE, _TWO, _MORE = range(4)


class Vocabulary:
    """Every distinct word of the pack's matchers (lexicon terms, frames, qualifier triggers),
    numbered, and the inverse: from a token's text and lemmas straight to the numbers of the
    words it can be. The answer depends on the token's text and lemmas only, so it is cached
    across texts; a word added later clears the cache."""

    __slots__ = (
        "_by_exact",
        "_by_lemma",
        "_by_prefix",
        "_cache",
        "_generation",
        "_ids",
        "_patterns",
        "words",
    )

    def __init__(self) -> None:
        self.words: list[Word] = []
        self._ids: dict[Word, int] = {}
        self._by_lemma: dict[str, list[int]] = defaultdict(list)
        self._by_exact: dict[str, list[int]] = defaultdict(list)
        self._by_prefix: dict[str, list[int]] = defaultdict(list)
        self._patterns: list[tuple[re.Pattern[str], int]] = []
        self._cache: dict[tuple[str, frozenset[str]], tuple[frozenset[int], frozenset[int]]] = {}
        self._generation = 0  # words added so far: an answer computed before one is not kept

    def number(self, w: Word) -> int:
        """The word's number (the same for equal words)."""
        hit = self._ids.get(w)
        if hit is not None:
            return hit
        n = len(self.words)
        self.words.append(w)
        self._ids[w] = n
        # The same precedence as Word.matches: a pattern, else an exact form, else a prefix.
        if w.pattern is not None:
            self._patterns.append((w.pattern, n))
        elif w.exact is not None:
            self._by_exact[w.exact].append(n)
        elif w.prefix is not None:
            self._by_prefix[w.prefix].append(n)
        else:
            for lem in w.lemmas:
                self._by_lemma[lem].append(n)
        self._generation += 1
        self._cache.clear()
        return n

    @property
    def generation(self) -> int:
        """How many words were numbered so far: an answer of ``match`` holds while it stays."""
        return self._generation

    def forget(self) -> None:
        """Forget the answers kept for the tokens seen so far."""
        self._cache.clear()

    def match(self, token: Token) -> tuple[frozenset[int], frozenset[int]]:
        """The words the token matches (``Word.matches``), and the prefix words that start its
        text or equal one of its lemmas (what makes a term worth trying, see Lexicon.find)."""
        key = (token.text, token.lemmas)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        generation = self._generation
        text = token.text
        full: set[int] = set()
        weak: set[int] = set()
        for lem in token.lemmas:
            full.update(self._by_lemma.get(lem, ()))
        full.update(self._by_exact.get(text, ()))
        by_prefix = self._by_prefix
        if by_prefix:
            for n in range(len(text) + 1):
                ids = by_prefix.get(text[:n])
                if ids:
                    full.update(ids)
                    weak.update(ids)
            for lem in token.lemmas:
                if lem == text:
                    continue
                for n in range(len(lem) + 1):
                    ids = by_prefix.get(lem[:n])
                    if ids:
                        full.update(ids)
                weak.update(by_prefix.get(lem, ()))
        for pattern, n in self._patterns:
            if pattern.fullmatch(text) is not None:
                full.add(n)
        out = (frozenset(full), frozenset(weak))
        make_room(self._cache, 4_096)  # a few MiB at most (morph._WORDS)
        if generation == self._generation:  # no word was added meanwhile (another thread)
            self._cache[key] = out
        return out


# One vocabulary for every matcher: a token is looked up once per text for all of them.
VOCABULARY = Vocabulary()


class TokenIndex:
    """Where each word of a text stands, built once per text: lexicon terms, frames and
    qualifier triggers look their words up here instead of scanning the tokens again.

    ``at[i]`` are the numbers of the words token i matches; ``pos[n]`` the sorted positions of
    the (non-punctuation) tokens word n matches; ``ppos`` the same for punctuation tokens."""

    __slots__ = ("_present", "at", "negs", "pos", "ppos", "terms", "tokens", "vocabulary", "weak")

    def __init__(self, tokens: list[Token], vocabulary: Vocabulary | None = None) -> None:
        vocab = vocabulary if vocabulary is not None else VOCABULARY
        self.vocabulary = vocab
        self.tokens = tokens
        self.at: list[frozenset[int]] = []
        self.pos: dict[int, list[int]] = {}
        self.ppos: dict[int, list[int]] = {}
        weak: set[int] = set()
        match = vocab.match
        for i, tok in enumerate(tokens):
            full, wk = match(tok)
            self.at.append(full)
            where = self.ppos if tok.punct else self.pos
            for n in full:
                plist = where.get(n)
                if plist is None:
                    where[n] = [i]
                else:
                    plist.append(i)
            if wk and not tok.punct:
                weak.update(wk)
        self.weak = weak
        self.negs: list[int] | None = None
        # The lexicon's terms its tokens decide alone (``Lexicon.chunk_terms``), when gathered.
        self.terms: set[int] | None = None
        self._present: frozenset[int] | None = None

    @classmethod
    def of(
        cls,
        tokens: list[Token],
        vocabulary: Vocabulary,
        at: list[frozenset[int]],
        pos: dict[int, list[int]],
        ppos: dict[int, list[int]],
        weak: set[int],
        negs: list[int] | None = None,
        terms: set[int] | None = None,
    ) -> TokenIndex:
        """An index whose parts were gathered elsewhere, as ``__init__`` gathers them
        (``at[i]``: ``vocabulary.match(tokens[i])[0]``; ``weak``: the weak matches of the
        tokens outside punctuation; ``negs``, if given: the sorted places of the tokens that can
        negate, ``context.negates``)."""
        self = cls.__new__(cls)
        self.vocabulary = vocabulary
        self.tokens = tokens
        self.at = at
        self.pos = pos
        self.ppos = ppos
        self.weak = weak
        self.negs = negs
        self.terms = terms
        self._present = None
        return self

    def present(self) -> frozenset[int]:
        """The numbers of the words standing in the text (outside punctuation), as a set:
        intersected with a matcher's (far larger) key set, only this one is walked."""
        if self._present is None:
            self._present = frozenset(self.pos)
        return self._present

    def positions(self, w: Word) -> list[int]:
        """Sorted positions of the non-punctuation tokens the word matches."""
        return self.pos.get(self.vocabulary.number(w), [])

    def anywhere(self, n: int) -> bool:
        """Does word n match any token, punctuation included?"""
        return n in self.pos or n in self.ppos

    def phrase_ids(self, ids: tuple[int, ...]) -> list[tuple[int, ...]]:
        """Every place where the words (by number) stand side by side, in order."""
        if not ids:
            return []
        first = self.pos.get(ids[0])
        if not first:
            return []
        if len(ids) == 1:
            return [(i,) for i in first]
        pos = self.pos
        rest: list[list[int] | set[int]] = []
        for n in ids[1:]:
            plist = pos.get(n)
            if not plist:
                return []
            rest.append(plist if len(plist) <= 8 else set(plist))  # a short list is searched
        return [
            tuple(range(i, i + len(ids)))
            for i in first
            if all(i + k + 1 in r for k, r in enumerate(rest))
        ]

    def phrase(self, words: tuple[Word, ...]) -> list[tuple[int, ...]]:
        """Every place where the words stand side by side, in order."""
        return self.phrase_ids(tuple(self.vocabulary.number(w) for w in words))


def _nearest_in(plist: list[int], anchor: int, lo: int, hi: int, chosen: list[int]) -> int | None:
    """The position in sorted ``plist``, inside ``[lo, hi)`` and not chosen, nearest to the
    anchor; of two as near, the earlier (as a scan in order keeping the first best would)."""
    j = bisect_left(plist, anchor)
    left, right = j - 1, j
    while left >= 0 and plist[left] >= lo and plist[left] in chosen:
        left -= 1
    n = len(plist)
    while right < n and plist[right] < hi and plist[right] in chosen:
        right += 1
    a = plist[left] if left >= 0 and plist[left] >= lo else None
    b = plist[right] if right < n and plist[right] < hi else None
    if a is None:
        return b
    if b is None:
        return a
    return a if anchor - a <= b - anchor else b


@dataclass(frozen=True, slots=True)
class Term:
    finding: str
    source: str
    words: tuple[Word, ...]
    contiguous: bool = False  # "^без сознания": these words, in this order, side by side


class Match(NamedTuple):
    """One finding's words found in a text (a named tuple: one is made per match)."""

    finding: str
    term: str
    positions: tuple[int, ...]  # token indices, sorted

    @property
    def first(self) -> int:
        return self.positions[0]

    @property
    def last(self) -> int:
        return self.positions[-1]


_finding_of = itemgetter(0)  # of a Match


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
        # Matching: every word numbered in the shared vocabulary; each term keyed by its first
        # word, so only the terms whose first word stands in the text are ever tried.
        vocab = VOCABULARY
        self._vocabulary = vocab
        self._term_ids: list[tuple[int, ...]] = []
        # A term is tried when one of its words matched a token "weakly" (its lemma, exact form
        # or — for a prefix — the token's text start or one of its lemmas); every word but a
        # prefix matches weakly whenever it matches at all.
        self._term_always: list[bool] = []
        self._term_prefixes: list[tuple[int, ...]] = []
        self._by_first: dict[int, list[int]] = defaultdict(list)
        for term in self.terms:
            ids = tuple(vocab.number(w) for w in term.words)
            self._term_ids.append(ids)
            self._term_always.append(
                any(w.pattern is None and w.prefix is None for w in term.words)
            )
            self._term_prefixes.append(
                tuple(
                    n
                    for n, w in zip(ids, term.words, strict=True)
                    if w.pattern is None and w.exact is None and w.prefix is not None
                )
            )
        # Each term keyed by its rarest word (the one in fewest terms): a term is only looked at
        # when that word stands in the text, then kept when all of its words do.
        uses: dict[int, int] = defaultdict(int)
        for ids in self._term_ids:
            for n in set(ids):
                uses[n] += 1
        self._term_sets: list[frozenset[int]] = [frozenset(ids) for ids in self._term_ids]
        for i, ids in enumerate(self._term_ids):
            self._by_first[min(ids, key=lambda n: uses[n])].append(i)
        self._near_ids = {
            fid: tuple(vocab.number(w) for w in words) for fid, words in self._near.items()
        }
        self._near_sets = {fid: frozenset(ids) for fid, ids in self._near_ids.items()}
        self._elsewhere_ids = {
            fid: tuple(vocab.number(w) for w in words) for fid, words in self._elsewhere.items()
        }
        self._leg_ids = tuple(vocab.number(w) for w in self._legs)
        self._elsewhere_findings = frozenset(self._elsewhere_ids)
        self._first_words = frozenset(self._by_first)
        # The same, each term with what decides whether it is tried: its words, whether one of
        # them matches weakly whenever it matches at all, and its prefix words otherwise.
        # A term of one word that matches weakly whenever it matches is tried whenever its word
        # stands: those apart, without the checks.
        sure = {
            ti for ti, ids in enumerate(self._term_ids) if len(ids) == 1 and self._term_always[ti]
        }
        self._sure_by_first: dict[int, tuple[int, ...]] = {}
        self._by_first_info: dict[int, tuple[_TermCheck, ...]] = {}
        for n, tis in self._by_first.items():
            if any(ti in sure for ti in tis):
                self._sure_by_first[n] = tuple(ti for ti in tis if ti in sure)
            checks = tuple(
                (ti, self._term_sets[ti], self._term_always[ti], self._term_prefixes[ti])
                for ti in tis
                if ti not in sure
            )
            if checks:
                self._by_first_info[n] = checks
        # Both, by the word they are keyed by: (sure terms, checked terms of that one word, the
        # other checked terms by a second word of theirs, the rarest of the rest): a term is only
        # checked when its second word stands too.
        self._first_entry: dict[
            int,
            tuple[
                tuple[int, ...],
                tuple[_TermCheck, ...],
                tuple[tuple[int, tuple[_TermCheck, ...]], ...],
            ],
        ] = {}
        for n in self._by_first:
            alone: list[_TermCheck] = []
            by_second: dict[int, list[_TermCheck]] = {}
            for check in self._by_first_info.get(n, ()):
                rest = check[1] - {n}
                if rest:
                    m = min(rest, key=lambda k: (uses[k], k))
                    by_second.setdefault(m, []).append(check)
                else:
                    alone.append(check)
            self._first_entry[n] = (
                self._sure_by_first.get(n, ()),
                tuple(alone),
                tuple((m, tuple(checks)) for m, checks in by_second.items()),
            )
        # What a word decides alone, so a chunk can work it out once (``chunk_terms``): the terms
        # tried whenever the word stands (the sure ones, and those of that one word that match
        # weakly whenever they match), and those tried when it matches weakly (the word a prefix
        # that starts a token's text or equals a lemma: what ``find`` asks of the rest).
        self._standing_terms: dict[int, frozenset[int]] = {}
        self._weak_terms: dict[int, frozenset[int]] = {}
        for n, (sure_tis, alone_checks, _) in self._first_entry.items():
            standing = set(sure_tis) | {c[0] for c in alone_checks if c[2]}
            weakly = {c[0] for c in alone_checks if not c[2] and n in c[3]}
            if standing:
                self._standing_terms[n] = frozenset(standing)
            if weakly:
                self._weak_terms[n] = frozenset(weakly)
        self._standing_words = frozenset(self._standing_terms)
        self._weak_words = frozenset(self._weak_terms)
        # The key words with terms checked against a second word: all ``find`` does per text.
        self._second_entry = {n: e[2] for n, e in self._first_entry.items() if e[2]}
        self._second_words = frozenset(self._second_entry)
        # Each term as find reads it: finding, source, word numbers, the finding's «near» words
        # (None without), and its shape (_CONTIGUOUS, _ONE, _TWO or _MORE words).
        self._plans: list[_Plan] = [
            (
                term.finding,
                term.source,
                ids,
                self._near_ids.get(term.finding) or None,
                _CONTIGUOUS
                if term.contiguous
                else (_ONE if len(ids) == 1 else _TWO if len(ids) == 2 else _MORE),
            )
            for term, ids in zip(self.terms, self._term_ids, strict=True)
        ]
        self._leg_set = frozenset(self._leg_ids)
        self._long_prefixes: dict[int, list[str]] = defaultdict(list)
        for prefix in sorted({p for p, _ in self._prefixes}):
            if len(prefix) >= TYPO_MIN_PREFIX:
                self._long_prefixes[len(prefix)].append(prefix)
        self._typo_cache: dict[tuple[str, frozenset[str]], frozenset[str]] = {}

    def forget(self) -> None:
        """Forget the typo readings kept for the words seen so far."""
        self._typo_cache.clear()

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
        make_room(self._typo_cache, 4_096)
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

    def _elsewhere_clauses(self, index: TokenIndex, clause_of: list[int]) -> dict[str, set[int]]:
        """Per finding, the clauses naming a body part other than the leg, in a text that names
        no leg at all (a text that does — even «не веко, а мышца на голени» — keeps them)."""
        if not self._elsewhere_ids:
            return {}
        legs = self._leg_set
        if not legs.isdisjoint(index.present()) or not legs.isdisjoint(index.ppos):
            return {}
        pos = index.pos
        return {
            fid: {clause_of[i] for n in ids for i in pos.get(n, ())}
            for fid, ids in self._elsewhere_ids.items()
        }

    def chunk_terms(self, full: frozenset[int], weak: frozenset[int]) -> frozenset[int]:
        """The terms a token decides alone that ``find`` tries, given the words it matches
        (``full``) and those it matches weakly (``weak``, of a token outside punctuation): over
        a text's tokens outside punctuation, their union is the part of ``find``'s candidates
        that needs no second word."""
        out: set[int] = set()
        standing = self._standing_terms
        for n in self._standing_words.intersection(full):
            out |= standing[n]
        weakly = self._weak_terms
        for n in self._weak_words.intersection(weak):
            out |= weakly[n]
        return frozenset(out)

    def find(
        self,
        tokens: list[Token],
        sentence_of: list[int],
        clause_of: list[int] | None = None,
        index: TokenIndex | None = None,
    ) -> list[Match]:
        """All term matches; ``sentence_of[i]`` is the sentence number of token i (numbers never
        decrease), and ``clause_of[i]`` its clause (for findings that name where they are not).

        Only terms whose every word stands in the text are tried; a word of a term is looked
        for in the anchor's sentence only, by bisection, so a long text costs in proportion to
        its length."""
        idx = index if index is not None else TokenIndex(tokens, self._vocabulary)
        pos = idx.pos
        present = idx.present()
        weak = idx.weak
        candidates: list[int]
        chunked = idx.terms
        if chunked is not None:
            # The terms each chunk decided alone, gathered while scanning (``chunk_terms``);
            # what is left: terms keyed by a word standing here, checked against a second one.
            candidates = list(chunked)
            seconds = self._second_entry
            for n in present & self._second_words:
                for also, checked in seconds[n]:
                    if also in present:
                        for ti, words, always, prefixes in checked:
                            if words <= present and (always or any(m in weak for m in prefixes)):
                                candidates.append(ti)
        else:
            candidates = []
            entries = self._first_entry
            for n in present & self._first_words:  # the words that terms are keyed by
                sure, alone, by_second = entries[n]
                if sure:
                    candidates += sure
                for ti, _, always, prefixes in alone:
                    if always or any(m in weak for m in prefixes):
                        candidates.append(ti)
                for also, checked in by_second:
                    if also in present:
                        for ti, words, always, prefixes in checked:
                            if words <= present and (always or any(m in weak for m in prefixes)):
                                candidates.append(ti)
        if not candidates:
            return []
        candidates.sort()
        near_sentences: dict[str, set[int]] = {}
        out: list[Match] = []
        seen: set[tuple[str, tuple[int, ...]]] = set()
        plans = self._plans
        near_sets = self._near_sets
        new_match = tuple.__new__  # Match(...) without its Python-level __new__

        def near_where(finding: str) -> set[int]:
            """The sentences where one of the finding's «near» words stands."""
            where = near_sentences.get(finding)
            if where is None:
                where = set()
                words = near_sets[finding]
                for at in (pos, idx.ppos):
                    for m in words.intersection(at):  # the near words standing in the text
                        where.update(sentence_of[i] for i in at[m])
                near_sentences[finding] = where
            return where

        for ti in candidates:
            finding, source, ids, near, shape = plans[ti]
            if shape == _ONE:
                # One word: every place it stands (inside any window), in its sentence if near.
                if near is None:
                    for anchor in pos[ids[0]]:
                        one = (finding, (anchor,))
                        if one not in seen:
                            seen.add(one)
                            out.append(new_match(Match, (finding, source, one[1])))
                    continue
                where = near_where(finding)
                for anchor in pos[ids[0]]:
                    if sentence_of[anchor] not in where:
                        continue
                    one = (finding, (anchor,))
                    if one not in seen:
                        seen.add(one)
                        out.append(new_match(Match, (finding, source, one[1])))
                continue
            size = len(ids)
            if shape == _CONTIGUOUS:
                positions = [pos[m] for m in ids]
                rest = [set(p) for p in positions[1:]]
                for anchor in positions[0]:
                    if all(anchor + k + 1 in r for k, r in enumerate(rest)):
                        seq = tuple(range(anchor, anchor + size))
                        key = (finding, seq)
                        if key not in seen:
                            seen.add(key)
                            out.append(new_match(Match, (finding, source, seq)))
                continue
            window = size + EXTRA_WINDOW
            if shape == _TWO:
                # Two words (the commonest term): the second's nearest place to each anchor.
                # ``_nearest_in(second, anchor, lo, hi, [anchor])`` inline: the places are
                # sorted and distinct, so only the one right at the anchor is skipped.
                second = pos[ids[1]]
                n2 = len(second)
                for anchor in pos[ids[0]]:
                    s = sentence_of[anchor]
                    j = bisect_left(second, anchor)
                    right = j + 1 if j < n2 and second[j] == anchor else j
                    b = second[right] if right < n2 else -1
                    if b >= 0 and sentence_of[b] != s:
                        b = -1  # past the anchor's sentence
                    a = second[j - 1] if j else -1
                    if a >= 0 and sentence_of[a] != s:
                        a = -1  # before the anchor's sentence
                    if a < 0:
                        if b < 0:
                            continue
                        pair = (anchor, b)
                    elif b < 0 or anchor - a <= b - anchor:
                        pair = (a, anchor)
                    else:
                        pair = (anchor, b)
                    if pair[1] - pair[0] >= window:
                        continue
                    if near is not None and s not in near_where(finding):
                        continue
                    key = (finding, pair)
                    if key not in seen:
                        seen.add(key)
                        out.append(new_match(Match, (finding, source, pair)))
                continue
            others = [pos[m] for m in ids[1:]]
            for anchor in pos[ids[0]]:
                s = sentence_of[anchor]
                # the anchor's sentence, as token indices (sentence numbers never decrease)
                lo = bisect_left(sentence_of, s)
                hi = bisect_right(sentence_of, s, anchor)
                chosen = [anchor]
                for plist in others:
                    best = _nearest_in(plist, anchor, lo, hi, chosen)
                    if best is None:
                        break
                    chosen.append(best)
                else:
                    pos_t = tuple(sorted(chosen))
                    if pos_t[-1] - pos_t[0] >= window:
                        continue
                    if near is not None and s not in near_where(finding):
                        continue
                    key = (finding, pos_t)
                    if key not in seen:
                        seen.add(key)
                        out.append(new_match(Match, (finding, source, pos_t)))
        # Findings that name where they are not: dropped in a clause that names such a place.
        elsewhere = (
            self._elsewhere_clauses(idx, clause_of)
            if clause_of is not None
            and not self._elsewhere_findings.isdisjoint(map(_finding_of, out))
            else {}
        )
        if elsewhere:
            assert clause_of is not None
            out = [m for m in out if clause_of[m.positions[0]] not in elsewhere.get(m.finding, ())]
        return out
