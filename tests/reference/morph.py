"""Frozen copy (for the equivalence test) of normalisation and tokenisation as they were before
the reading was sped up: razdel over the whole text, each word analysed as it comes. The
analyses themselves (pymorphy3's, cached) and the token type are the live ones."""

from __future__ import annotations

import razdel

from spasmnav.language.morph import Token, _analyse

from .normalise import Normalised, normalise

__all__ = ["normalize", "tokenize"]

_PUNCT = frozenset(".,;:!?—–-()[]\"'«»…/")
_SENTENCE_END_CHARS = frozenset(".!?;…")
_CLAUSE_CHARS = frozenset("—–:()")


def normalize(text: str) -> Normalised:
    return normalise(text)


def punctuation(text: str, start: int, end: int) -> Token:
    ends = not _SENTENCE_END_CHARS.isdisjoint(text)
    breaks = ends or not _CLAUSE_CHARS.isdisjoint(text)
    return Token(text, start, end, frozenset({text}), None, True, ends, breaks)


_ORDINAL_ENDINGS = frozenset(
    {"й", "я", "ой", "ая", "ей", "ю", "ую", "го", "ого", "ом", "ем", "е", "х", "ти", "ть"}
)


def _join_ordinals(pieces: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for word, start, stop in pieces:
        if out and word in _ORDINAL_ENDINGS and out[-1][0].isdigit() and out[-1][2] == start:
            prev = out.pop()
            out.append((prev[0] + word, prev[1], stop))
        else:
            out.append((word, start, stop))
    return out


def tokenize(norm_text: str) -> list[Token]:
    tokens = []
    origin = (
        norm_text.origin
        if isinstance(norm_text, Normalised) and not norm_text.length_preserving
        else None
    )
    plain = str(norm_text)
    pieces = _join_ordinals([(t.text, t.start, t.stop) for t in razdel.tokenize(plain)])
    for word, t_start, t_stop in pieces:
        start, end = (t_start, t_stop) if origin is None else (origin(t_start), origin(t_stop))
        if _PUNCT.issuperset(word):
            tokens.append(punctuation(word, start, end))
            continue
        lem, p = _analyse(word) if word.isalpha() else (frozenset({word}), None)
        tokens.append(Token(word, start, end, lem, p, False))
    return tokens
