"""Red flags as frames: onset × site × deficit (and the like) within one clause or sentence.

A frame is pack data (``pack/frames.yaml``): one word of each clause slot must stand in one
clause, one word of each sentence slot anywhere in that sentence. A slot entry of several words
matches them side by side. A frame's match is an ordinary lexicon match of its finding, so
negation and the qualifiers apply to it as to any other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..content import Frame
from .lexicon import VOCABULARY, Match, TokenIndex, Word, _word
from .morph import Token

__all__ = ["Frames"]


Phrase = tuple[Word, ...]
Ids = tuple[int, ...]  # a phrase's words by their numbers in the vocabulary
# A slot: its phrases, the first word of each, by first word the places of the phrases in
# the slot that start with it, and the words of each phrase as a set (a phrase stands only
# where all of its words do).
Slot = tuple[
    tuple[Ids, ...], frozenset[int], dict[int, tuple[int, ...]], tuple[frozenset[int], ...]
]


def _apposition(tokens: list[Token], clause_of: list[int], i: int) -> bool:
    """Does token i's clause open as an apposition to the clause before it («ослабла другая,
    правая нога»): only adjectives and commas before it in its clause, and the clause before
    ending in an adjective?"""
    c = clause_of[i]
    j = i - 1
    while j >= 0 and clause_of[j] == c:
        t = tokens[j]
        if (t.punct and t.text != ",") or (not t.punct and t.pos not in ("ADJF", "PRTF")):
            return False
        j -= 1
    while j >= 0 and tokens[j].punct and tokens[j].text == ",":
        j -= 1
    return j >= 0 and clause_of[j] == c - 1 and tokens[j].pos == "ADJF"


def _phrase(raw: str) -> Phrase:
    return tuple(_word(w) for w in raw.lstrip("^").split())


def _slot(raws: list[str]) -> Slot:
    phrases = tuple(tuple(VOCABULARY.number(w) for w in _phrase(raw)) for raw in raws)
    by_first: dict[int, list[int]] = {}
    for i, p in enumerate(phrases):
        if p:
            by_first.setdefault(p[0], []).append(i)
    return (
        phrases,
        frozenset(p[0] for p in phrases if p),
        {n: tuple(places) for n, places in by_first.items()},
        tuple(frozenset(p) for p in phrases),
    )


@dataclass(frozen=True, slots=True)
class _Frame:
    id: str
    finding: str
    clause: tuple[Slot, ...]
    sentence: tuple[Slot, ...]
    unless: Slot | None
    unless_sentence: Slot | None
    # Per slot (clause slots, then sentence slots), the first words of its phrases: a frame is
    # tried only when one of each stands in the text.
    needs: tuple[frozenset[int], ...] = ()


def _hits(index: TokenIndex, slot: Slot) -> list[tuple[int, ...]]:
    """Where the slot's phrases stand: phrase by phrase, each in text order. Only the phrases
    whose first word stands in the text are looked at, in the slot's order."""
    phrases, firsts, by_first, words = slot
    present = index.present()
    standing = firsts & present
    if not standing:
        return []
    if len(standing) == 1:
        places: tuple[int, ...] | list[int] = by_first[next(iter(standing))]
    else:
        places = sorted(i for n in standing for i in by_first[n])
    out: list[tuple[int, ...]] = []
    pos = index.pos
    for i in places:
        phrase = phrases[i]
        if len(phrase) == 1:  # ``phrase_ids`` of one word, inline
            out.extend([(j,) for j in pos[phrase[0]]])
        elif words[i] <= present:
            out.extend(index.phrase_ids(phrase))
    return out


class Frames:
    def __init__(self, frames: list[Frame]) -> None:
        # The numbers below are this vocabulary's: it travels with the frames (a pickled reader
        # carries its own copy, which the process's global one need not equal).
        self._vocabulary = VOCABULARY
        self._frames = [
            _Frame(
                id=f.id,
                finding=f.finding,
                clause=tuple(_slot(slot) for slot in f.clause),
                sentence=tuple(_slot(slot) for slot in f.sentence),
                unless=_slot(f.unless) if f.unless else None,
                unless_sentence=_slot(f.unless_sentence) if f.unless_sentence else None,
            )
            for f in frames
        ]
        self._frames = [
            replace(fr, needs=tuple(slot[1] for slot in fr.clause + fr.sentence))
            for fr in self._frames
        ]
        # Each frame by the first words of its first slot: only a frame one of them stands for
        # is looked at further.
        self._by_first: dict[int, list[int]] = {}
        self._always: list[int] = []  # frames without slots
        for i, fr in enumerate(self._frames):
            if not fr.needs:
                self._always.append(i)
            for n in fr.needs[0] if fr.needs else ():
                self._by_first.setdefault(n, []).append(i)
        self._firsts = frozenset(self._by_first)

    def find(
        self,
        tokens: list[Token],
        sentence_of: list[int],
        clause_of: list[int],
        index: TokenIndex | None = None,
    ) -> list[Match]:
        idx = index if index is not None else TokenIndex(tokens, self._vocabulary)
        out: list[Match] = []
        present = idx.present()
        by_first = self._by_first
        tried = {i for n in present & self._firsts for i in by_first[n]}
        tried.update(self._always)
        frames = self._frames
        for fr in [frames[i] for i in sorted(tried)]:  # in the frames' order
            # Can every slot be filled: does the first word of one of its phrases stand here?
            for first in fr.needs:
                if present.isdisjoint(first):
                    break
            else:
                out.extend(self._find_frame(fr, idx, sentence_of, clause_of))
        return out

    def _find_frame(
        self, fr: _Frame, idx: TokenIndex, sentence_of: list[int], clause_of: list[int]
    ) -> list[Match]:
        out: list[Match] = []
        clause_hits: list[list[tuple[int, ...]]] = []
        for slot in fr.clause:
            hits = _hits(idx, slot)
            if not hits:
                return out  # a slot that cannot be filled: the rest is not looked at
            clause_hits.append(hits)
        sentence_hits: list[list[tuple[int, ...]]] = []
        for slot in fr.sentence:
            hits = _hits(idx, slot)
            if not hits:
                return out
            sentence_hits.append(hits)
        blockers = (
            {clause_of[h[0]] for h in _hits(idx, fr.unless)} if fr.unless is not None else set()
        )
        blocked_sentences = (
            {sentence_of[h[0]] for h in _hits(idx, fr.unless_sentence)}
            if fr.unless_sentence is not None
            else set()
        )
        # The other slots' hits by clause and by sentence, each hit with its rank in the
        # slot's list (the nearest hit wins; of two as near, the one listed first).
        by_clause: list[dict[int, list[tuple[int, tuple[int, ...]]]]] = []
        for hits in clause_hits[1:]:
            groups: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
            for rank, h in enumerate(hits):
                groups.setdefault(clause_of[h[0]], []).append((rank, h))
            by_clause.append(groups)
        by_sentence: list[dict[int, list[tuple[int, ...]]]] = []
        for hits in sentence_hits:
            sgroups: dict[int, list[tuple[int, ...]]] = {}
            for h in hits:
                sgroups.setdefault(sentence_of[h[0]], []).append(h)
            by_sentence.append(sgroups)
        seen: set[tuple[int, ...]] = set()
        anchored = {clause_of[h[0]] for h in clause_hits[0]}
        for anchor in clause_hits[0]:
            c = clause_of[anchor[0]]
            if c in blockers or sentence_of[anchor[0]] in blocked_sentences:
                continue
            chosen = set(anchor)
            ok = True
            # The next clause continues this one when it names no site of its own
            # («левая нога как чужая, не слушается»).
            reach = (c,) if (c + 1) in anchored else (c, c + 1)
            # ... and the clause before, when this one is its apposition
            if (c - 1) not in anchored and _apposition(idx.tokens, clause_of, anchor[0]):
                reach = (c - 1, *reach)
            s_of = sentence_of[anchor[0]]
            at = anchor[0]
            for groups in by_clause:
                best: tuple[int, int, tuple[int, ...]] | None = None
                for cl in reach:
                    for rank, h in groups.get(cl, ()):
                        if sentence_of[h[0]] != s_of or not chosen.isdisjoint(h):
                            continue
                        key = (abs(h[0] - at), rank, h)
                        if best is None or key[:2] < best[:2]:
                            best = key
                if best is None:
                    ok = False
                    break
                chosen.update(best[2])
            if not ok:
                continue
            # Sentence slots are context («вдруг»): they must be there, but the match spans
            # only the clause, so negation and qualifiers read the clause itself.
            if not all(
                any(chosen.isdisjoint(h) for h in sgroups.get(s_of, ())) for sgroups in by_sentence
            ):
                continue
            pos = tuple(sorted(chosen))
            if pos not in seen:
                seen.add(pos)
                out.append(Match(fr.finding, f"frame:{fr.id}", pos))
        return out
