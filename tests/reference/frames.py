"""Red flags as frames: onset × site × deficit (and the like) within one clause or sentence.

A frame is pack data (``pack/frames.yaml``): one word of each clause slot must stand in one
clause, one word of each sentence slot anywhere in that sentence. A slot entry of several words
matches them side by side. A frame's match is an ordinary lexicon match of its finding, so
negation and the qualifiers apply to it as to any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from spasmnav.content import Frame
from spasmnav.language.frames import _apposition  # the apposition test is shared, not mirrored
from spasmnav.language.morph import Token

from .lexicon import Match, TokenIndex, Word, _word

__all__ = ["Frames"]


Phrase = tuple[Word, ...]


def _phrase(raw: str) -> Phrase:
    return tuple(_word(w) for w in raw.lstrip("^").split())


@dataclass(frozen=True, slots=True)
class _Frame:
    id: str
    finding: str
    clause: tuple[tuple[Phrase, ...], ...]
    sentence: tuple[tuple[Phrase, ...], ...]
    unless: tuple[Phrase, ...]
    unless_sentence: tuple[Phrase, ...]


def _hits(index: TokenIndex, slot: tuple[Phrase, ...]) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = []
    for phrase in slot:
        out.extend(index.phrase(phrase))
    return out


def _nearest(hits: list[tuple[int, ...]], at: int) -> tuple[int, ...]:
    return min(hits, key=lambda h: abs(h[0] - at))


class Frames:
    def __init__(self, frames: list[Frame]) -> None:
        self._frames = [
            _Frame(
                id=f.id,
                finding=f.finding,
                clause=tuple(tuple(_phrase(w) for w in slot) for slot in f.clause),
                sentence=tuple(tuple(_phrase(w) for w in slot) for slot in f.sentence),
                unless=tuple(_phrase(w) for w in f.unless),
                unless_sentence=tuple(_phrase(w) for w in f.unless_sentence),
            )
            for f in frames
        ]

    def find(
        self,
        tokens: list[Token],
        sentence_of: list[int],
        clause_of: list[int],
        index: TokenIndex | None = None,
    ) -> list[Match]:
        idx = index if index is not None else TokenIndex(tokens)
        out: list[Match] = []
        for fr in self._frames:
            clause_hits = [_hits(idx, slot) for slot in fr.clause]
            if any(not h for h in clause_hits):
                continue
            sentence_hits = [_hits(idx, slot) for slot in fr.sentence]
            if any(not h for h in sentence_hits):
                continue
            blockers = {clause_of[h[0]] for h in _hits(idx, fr.unless)} if fr.unless else set()
            quiet = {sentence_of[h[0]] for h in _hits(idx, fr.unless_sentence)}
            seen: set[tuple[int, ...]] = set()
            anchored = {clause_of[h[0]] for h in clause_hits[0]}
            for anchor in clause_hits[0]:
                c = clause_of[anchor[0]]
                if c in blockers or sentence_of[anchor[0]] in quiet:
                    continue
                chosen = set(anchor)
                ok = True
                # The next clause continues this one when it names no site of its own
                # («левая нога как чужая, не слушается»).
                reach = {c} if (c + 1) in anchored else {c, c + 1}
                # ... and the clause before, when this one is its apposition
                if (c - 1) not in anchored and _apposition(idx.tokens, clause_of, anchor[0]):
                    reach.add(c - 1)
                s_of = sentence_of[anchor[0]]
                for hits in clause_hits[1:]:
                    same = [
                        h
                        for h in hits
                        if clause_of[h[0]] in reach
                        and sentence_of[h[0]] == s_of
                        and chosen.isdisjoint(h)
                    ]
                    if not same:
                        ok = False
                        break
                    chosen.update(_nearest(same, anchor[0]))
                if not ok:
                    continue
                # Sentence slots are context («вдруг»): they must be there, but the match spans
                # only the clause, so negation and qualifiers read the clause itself.
                s = sentence_of[anchor[0]]
                if not all(
                    any(sentence_of[h[0]] == s and chosen.isdisjoint(h) for h in hits)
                    for hits in sentence_hits
                ):
                    continue
                pos = tuple(sorted(chosen))
                if pos not in seen:
                    seen.add(pos)
                    out.append(Match(fr.finding, f"frame:{fr.id}", pos))
        return out
