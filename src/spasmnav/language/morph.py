"""Normalisation, tokenisation and cached lemmatisation of Russian text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice
from typing import Any, NamedTuple

import pymorphy3
import razdel
from razdel.segmenters.punct import DASHES
from razdel.segmenters.tokenize import PUNCTS

from .normalise import Normalised, normalise

__all__ = [
    "NOMINAL_POS",
    "Token",
    "analyse",
    "analyser_version",
    "lemmas",
    "make_room",
    "normalize",
    "pos",
    "punctuation",
    "recording",
    "seed_analyses",
    "tokenize",
    "word_is_known",
]

_PUNCT = frozenset(".,;:!?—–-()[]\"'«»…/")
# Parts of speech that continue a list («слабости, боли и онемения нет»).
LISTY_POS = frozenset({"NOUN", "ADJF", "ADJS", "NUMR"})
NOMINAL_POS = frozenset({"NOUN", "ADJF", "ADJS", "PRTF", "PRTS", "NUMR"})
VERB_POS = frozenset({"VERB", "INFN", "GRND", "PRTF", "PRTS"})


def normalize(text: str) -> Normalised:
    """Lower case and ё→е, lookalike letters and transliterated Russian fixed (see
    ``normalise``); the result maps each character back to ``text``."""
    return normalise(text)


# Words remembered per cache: more than all 372 evaluation texts hold (about 2,400 words are
# analysed live for them), so common words stay; a server meeting new words and misspellings
# all day keeps a bounded few MiB, not the 200,000 entries (some 2.5 KiB a word with the other
# caches: about 500 MiB) it once allowed (bench/web.py: RSS over 100,000 new texts).
_WORDS = 4_096


def make_room(cache: dict[Any, Any], limit: int) -> None:
    """Bound a cache kept in insertion order: once it holds ``limit`` entries, forget the oldest
    quarter. Emptying it all at once (as these caches did) freed a few MiB of small objects in
    one go and refilled them among what other caches kept meanwhile: the server's resident
    memory kept climbing long after every cache was full (bench/web.py: 100,000 texts). An
    answer forgotten is only worked out again, never changed."""
    if len(cache) >= limit:
        for key in list(islice(cache, max(1, limit // 4))):
            del cache[key]


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=_WORDS)
def word_is_known(word: str) -> bool:
    """Is the (normalised) word in pymorphy3's dictionary, as it is or by a common misspelling
    of its ending («дергаеться»)? Unknown words are the ones typo tolerance looks at."""
    morph = _morph()
    return bool(morph.word_is_known(word)) or any(morph.word_is_known(v) for v in _variants(word))


def _variants(word: str) -> list[str]:
    # Common misspellings: «дергаеться» for «дергается», and the reverse.
    out = []
    if word.endswith("ться"):
        out.append(word[:-4] + "тся")
    elif word.endswith("тся"):
        out.append(word[:-3] + "ться")
    if word.endswith("ца") and len(word) > 4:
        out.append(word[:-2] + "тся")
    return out


_WEAK_TAGS = frozenset({"Dist", "Arch", "Infr", "Slng", "Abbr", "Erro", "Name", "Surn", "Patr"})


@lru_cache(maxsize=_WORDS)
def strongly_known(word: str) -> bool:
    """Known with at least one ordinary reading (not only a distorted, archaic, informal form,
    an abbreviation or a name): «ето» is known to pymorphy3 only as a distorted «это»."""
    return any(
        _morph().word_is_known(word) and _WEAK_TAGS.isdisjoint(p.tag.grammemes)
        for p in _morph().parse(word)
    )


_ANALYSABLE = re.compile(r"^[а-яa-z]+(?:-[а-яa-z]+)*$")


@lru_cache(maxsize=_WORDS)
def _genitive(word: str) -> bool:
    """Can the word be in the genitive case («слабости», «отёка»)? Post-position «нет»
    governs the genitive, so only such words fall in its scope."""
    if not _ANALYSABLE.match(word):
        return False
    return any("gent" in p.tag for p in _morph().parse(word)[:4])


@lru_cache(maxsize=_WORDS)
def _object_case(word: str) -> bool:
    """Can the word stand as an object (accusative or genitive: «внезапную слабость»,
    «слабости»)? A chart's «…отрицает» denies objects; «внезапная» (nominative only) begins a
    complaint of its own, not an item of the denied list."""
    if not _ANALYSABLE.match(word):
        return True
    return any("accs" in p.tag or "gent" in p.tag for p in _morph().parse(word)[:4])


Analysis = tuple[frozenset[str], str | None]
# Analyses computed by an earlier process (the pack's own words, see extract.Reader); consulted
# first. And the tables that record live analyses while a Reader is built.
_seeded: dict[str, Analysis] = {}
_recording: list[dict[str, Analysis]] = []


@contextmanager
def recording() -> Iterator[dict[str, Analysis]]:
    """Collect every word analysed live inside the ``with`` block, with its analysis."""
    table: dict[str, Analysis] = {}
    _recording.append(table)
    try:
        yield table
    finally:
        _recording.pop()


def seed_analyses(table: dict[str, Analysis]) -> None:
    """Adopt analyses computed earlier with the same dictionaries (see ``analyser_version``)."""
    _seeded.update(table)


def analyser_version() -> str:
    """What an analysis depends on besides the word: pymorphy3 and its dictionaries."""
    import pymorphy3_dicts_ru

    return f"{pymorphy3.__version__}/{pymorphy3_dicts_ru.__version__}"


def _analyse(word: str) -> Analysis:
    hit = _seeded.get(word)
    if hit is not None:
        return hit
    out = _analyse_live(word)
    if _recording:
        # plain strings: a word may arrive as a str subclass (normalise.Normalised) that does
        # not pickle; it compares and hashes as the same string
        forms, tag = out
        _recording[-1][str(word)] = (frozenset(str(f) for f in forms), tag)
    return out


@lru_cache(maxsize=_WORDS)
def _analyse_live(word: str) -> Analysis:
    # pymorphy3 raises on some exotic code points; only Russian and Latin words are analysed,
    # anything else stands for itself.
    if not _ANALYSABLE.match(word):
        return frozenset({word}), None
    morph = _morph()
    parses = morph.parse(word)
    forms = {p.normal_form.replace("ё", "е") for p in parses[:4]}
    forms.add(word)
    top = str(parses[0].tag.POS) if parses and parses[0].tag.POS else None
    if not morph.word_is_known(word):
        for v in _variants(word):
            if morph.word_is_known(v):
                vp = morph.parse(v)
                forms.update(p.normal_form.replace("ё", "е") for p in vp[:4])
                top = str(vp[0].tag.POS) if vp[0].tag.POS else top
                break
    return frozenset(forms), top


def analyse(word: str) -> Analysis:
    """The word's plausible normal forms and its most likely part of speech."""
    return _analyse(word)


def lemmas(word: str) -> frozenset[str]:
    """Every plausible normal form of a (normalised) word, the word itself included."""
    if not word.isalpha():
        return frozenset({word})
    return _analyse(word)[0]


def pos(word: str) -> str | None:
    if not word.isalpha():
        return None
    return _analyse(word)[1]


_SENTENCE_END_CHARS = frozenset(".!?;…")
_CLAUSE_CHARS = frozenset("—–:()")


class Token(NamedTuple):
    """One word or punctuation mark (a named tuple: tens of them are made per text)."""

    text: str  # normalised surface form
    start: int
    end: int
    lemmas: frozenset[str]
    pos: str | None
    punct: bool
    # «.», «...», «?!», «;» and the like (razdel keeps runs of dots as one token); see
    # ``punctuation`` for how they are set.
    ends_sentence: bool = False
    breaks_clause: bool = False  # a sentence end, a dash, a colon or a bracket

    @property
    def genitive(self) -> bool:
        return not self.punct and _genitive(self.text)

    @property
    def object_case(self) -> bool:
        return self.punct or _object_case(self.text)


def punctuation(text: str, start: int, end: int) -> Token:
    """A punctuation token, with whether it ends a sentence and whether it breaks a clause."""
    ends = not _SENTENCE_END_CHARS.isdisjoint(text)
    breaks = ends or not _CLAUSE_CHARS.isdisjoint(text)
    return Token(text, start, end, frozenset({text}), None, True, ends, breaks)


_ORDINAL_ENDINGS = frozenset(
    {"й", "я", "ой", "ая", "ей", "ю", "ую", "го", "ого", "ом", "ем", "е", "х", "ти", "ть"}
)


def _join_ordinals(pieces: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """razdel splits «24й» into «24» + «й»: join a number and an ordinal ending it touches."""
    out: list[tuple[str, int, int]] = []
    for word, start, stop in pieces:
        if out and word in _ORDINAL_ENDINGS and out[-1][0].isdigit() and out[-1][2] == start:
            prev = out.pop()
            out.append((prev[0] + word, prev[1], stop))
        else:
            out.append((word, start, stop))
    return out


# razdel never joins across white space (a token is inside one run of non-space characters,
# a "chunk"), and decides inside a chunk from the chunk itself, except at its two ends: a
# chunk that begins (ends) with one of these delimiters asks the kind of the atom before
# (after) it, across the space («а -то», «5 .5»): razdel's dash, underscore, float and
# fraction rules, the only ones that look two atoms away.
_EDGE_DELIMITERS = frozenset(DASHES + "_" + ".," + "/\\")
EDGE_DELIMITERS = _EDGE_DELIMITERS
_RAZDEL_PUNCT = frozenset(PUNCTS)
# One character of each kind razdel's rules tell apart, standing in for the neighbour.
_STAND_IN = {"digit": "1", "punct": "!", "word": "ж"}
# Tokens of one chunk, offsets relative to it: (start, end, text, lemmas, pos, punct,
# ends_sentence, breaks_clause). Keyed by the chunk and its neighbours' kinds where they count.
_Piece = tuple[int, int, str, frozenset[str], str | None, bool, bool, bool]
_Template = tuple[_Piece, ...]
_chunks: dict[tuple[str, str, str], _Template] = {}
_CHUNK_CACHE_SIZE = 4_096  # bounded as _WORDS (the reader keeps its own copy of the same size)
_new_token = tuple.__new__


def _kind_of(ch: str) -> str:
    """The kind of razdel atom the character is part of, as far as razdel's rules look."""
    if ch.isdecimal():  # what re's \d matches: Unicode category Nd
        return "digit"
    return "punct" if ch in _RAZDEL_PUNCT else "word"


kind_of = _kind_of


def _pieces(text: str) -> list[tuple[str, int, int]]:
    return _join_ordinals([(t.text, t.start, t.stop) for t in razdel.tokenize(text)])


def _template(chunk: str, before: str, after: str) -> _Template:
    """The chunk's tokens as razdel finds them in a text where the chunk stands between a
    neighbour of kind ``before`` and one of kind ``after`` ("" for none or irrelevant)."""
    head = _STAND_IN[before] + " " if before else ""
    text = head + chunk + (" " + _STAND_IN[after] if after else "")
    lo, hi = len(head), len(head) + len(chunk)
    out: list[_Piece] = []
    for word, start, stop in _pieces(text):
        if start < lo or stop > hi:
            continue
        if _PUNCT.issuperset(word):
            ends = not _SENTENCE_END_CHARS.isdisjoint(word)
            breaks = ends or not _CLAUSE_CHARS.isdisjoint(word)
            out.append((start - lo, stop - lo, word, frozenset({word}), None, True, ends, breaks))
            continue
        # razdel keeps «37-40» and «2-3» together; words like «по-моему» stay one token.
        lem, p = _analyse(word) if word.isalpha() else (frozenset({word}), None)
        out.append((start - lo, stop - lo, word, lem, p, False, False, False))
    return tuple(out)


ChunkKey = tuple[str, str, str]


def chunks(plain: str) -> list[tuple[ChunkKey, int]]:
    """The text's chunks, each as its key for ``template`` and the offset where it starts."""
    out = []
    pieces = plain.split()  # the same white space as razdel's (str.isspace is re's \s)
    last = len(pieces) - 1
    at = 0
    for k, chunk in enumerate(pieces):
        a = plain.find(chunk, at)
        at = a + len(chunk)
        out.append(((chunk, *edges(pieces, k, last)), a))
    return out


def edges(pieces: list[str], k: int, last: int) -> tuple[str, str]:
    """What razdel's rules see of chunk k's neighbours (see ``_EDGE_DELIMITERS``): the kind of
    the one before and of the one after, each "" when none or when it does not count."""
    chunk = pieces[k]
    before = after = ""
    if chunk[0] in _EDGE_DELIMITERS and k:
        before = _kind_of(pieces[k - 1][-1])
    if chunk[-1] in _EDGE_DELIMITERS and k < last:
        after = _kind_of(pieces[k + 1][0])
    return before, after


def template(key: ChunkKey) -> _Template:
    """The tokens of a chunk (see ``chunks``), offsets relative to it; kept (bounded)."""
    found = _chunks.get(key)
    if found is None:
        found = _template(*key)
        make_room(_chunks, _CHUNK_CACHE_SIZE)
        _chunks[key] = found
    return found


def origin_map(norm_text: str) -> Callable[[int], int] | None:
    """Normalised offsets to original ones, or None when they are the same."""
    if isinstance(norm_text, Normalised) and not norm_text.length_preserving:
        return norm_text.origin
    return None


def tokenize(norm_text: str) -> list[Token]:
    """Tokens of normalised text. Their offsets index the original text: ``normalize`` keeps a
    map when it changed lengths (translit «litso» → «лицо» spans the five original letters).

    razdel's tokens and pymorphy3's analyses, found once per chunk (a run of non-space
    characters with what razdel's rules see of its neighbours) and kept: a text costs a look-up
    per chunk and a token per word."""
    origin = origin_map(norm_text)
    # razdel on a plain string: on a str subclass its regular expressions run markedly slower
    plain = str(norm_text)
    if _recording:  # building a reader: every analysis is to be recorded, none skipped
        return _tokens_of_pieces(_pieces(plain), origin)
    cache = _chunks
    tokens: list[Token] = []
    append = tokens.append
    for key, a in chunks(plain):
        found = cache.get(key)
        if found is None:
            found = template(key)
        for start, end, word, lem, p, punct, ends, breaks in found:
            start += a
            end += a
            if origin is not None:
                start, end = origin(start), origin(end)
            append(_new_token(Token, (word, start, end, lem, p, punct, ends, breaks)))
    return tokens


def forget() -> None:
    """Forget every word and chunk analysed so far (not the seeded analyses of the pack's own
    words): the next text is read as if its words were new (the benchmark's cold rounds)."""
    from .normalise import transliterate

    _chunks.clear()
    for cached in (
        word_is_known,
        strongly_known,
        _genitive,
        _object_case,
        _analyse_live,
        transliterate,
    ):
        cached.cache_clear()


def recording_now() -> bool:
    """Is a reader being built (every analysis recorded, see ``recording``)?"""
    return bool(_recording)


def _tokens_of_pieces(
    pieces: list[tuple[str, int, int]], origin: Callable[[int], int] | None
) -> list[Token]:
    tokens = []
    for word, t_start, t_stop in pieces:
        start, end = (t_start, t_stop) if origin is None else (origin(t_start), origin(t_stop))
        if _PUNCT.issuperset(word):
            tokens.append(punctuation(word, start, end))
            continue
        lem, p = _analyse(word) if word.isalpha() else (frozenset({word}), None)
        tokens.append(Token(word, start, end, lem, p, False))
    return tokens
