"""Normalisation, tokenisation and cached lemmatisation of Russian text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pymorphy3
import razdel

__all__ = [
    "NOMINAL_POS",
    "Token",
    "analyse",
    "analyser_version",
    "lemmas",
    "normalize",
    "pos",
    "seed_analyses",
    "tokenize",
]

_PUNCT = frozenset(".,;:!?—–-()[]\"'«»…/")
# Parts of speech that continue a list («слабости, боли и онемения нет»).
LISTY_POS = frozenset({"NOUN", "ADJF", "ADJS", "NUMR"})
NOMINAL_POS = frozenset({"NOUN", "ADJF", "ADJS", "PRTF", "PRTS", "NUMR"})
VERB_POS = frozenset({"VERB", "INFN", "GRND", "PRTF", "PRTS"})


def normalize(text: str) -> str:
    """Lower case and ё→е, keeping every character's offset (one char in, one char out)."""
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        out.append("е" if low == "ё" else low)
    return "".join(out)


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


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


_ANALYSABLE = re.compile(r"^[а-яa-z]+(?:-[а-яa-z]+)*$")


@lru_cache(maxsize=200_000)
def _genitive(word: str) -> bool:
    """Can the word be in the genitive case («слабости», «отёка»)? Post-position «нет»
    governs the genitive, so only such words fall in its scope."""
    if not _ANALYSABLE.match(word):
        return False
    return any("gent" in p.tag for p in _morph().parse(word)[:4])


Analysis = tuple[frozenset[str], str | None]
# Analyses computed by an earlier process (the lexicon's words, see Lexicon); consulted first.
_seeded: dict[str, Analysis] = {}


def seed_analyses(table: dict[str, Analysis]) -> None:
    """Adopt analyses computed earlier with the same dictionaries (see ``analyser_version``)."""
    _seeded.update(table)


def analyser_version() -> str:
    """What an analysis depends on besides the word: pymorphy3 and its dictionaries."""
    import pymorphy3_dicts_ru

    return f"{pymorphy3.__version__}/{pymorphy3_dicts_ru.__version__}"


def _analyse(word: str) -> Analysis:
    hit = _seeded.get(word)
    return hit if hit is not None else _analyse_live(word)


@lru_cache(maxsize=200_000)
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


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # normalised surface form
    start: int
    end: int
    lemmas: frozenset[str]
    pos: str | None
    punct: bool

    @property
    def genitive(self) -> bool:
        return not self.punct and _genitive(self.text)

    @property
    def ends_sentence(self) -> bool:
        """«.», «...», «?!», «;» and the like (razdel keeps runs of dots as one token)."""
        return self.punct and not _SENTENCE_END_CHARS.isdisjoint(self.text)

    @property
    def breaks_clause(self) -> bool:
        return self.ends_sentence or (self.punct and not _CLAUSE_CHARS.isdisjoint(self.text))


def tokenize(norm_text: str) -> list[Token]:
    """Tokens of normalised text; offsets index the original text too (see ``normalize``)."""
    tokens = []
    for t in razdel.tokenize(norm_text):
        word = t.text
        is_punct = all(c in _PUNCT for c in word)
        if is_punct:
            tokens.append(Token(word, t.start, t.stop, frozenset({word}), None, True))
            continue
        # razdel keeps «37-40» and «2-3» together; words like «по-моему» stay one token.
        lem, p = _analyse(word) if word.isalpha() else (frozenset({word}), None)
        tokens.append(Token(word, t.start, t.stop, lem, p, False))
    return tokens
