"""Frozen copy (for the equivalence test) of the normalisation as it was before the reading
was sped up. Spelling and script before lemmas: lookalike letters and transliterated Russian.

``normalise(text)`` folds case and ё→е and, only when the text has Latin letters,

* maps Latin lookalikes inside a mostly Cyrillic word to Cyrillic («нoгa» with Latin o, a →
  «нога»), and Cyrillic lookalikes inside a mostly Latin word to Latin;
* turns runs of transliterated Russian («nogu svodit, litso perekosilo») into Cyrillic.

Chat transliteration is ambiguous (y is ы, й or и; i is и or й; c is ц or к; ts is ц or тс;
e is е or э; the soft sign is mostly left out), so each Latin word is spelled out as a small
lattice of Cyrillic readings, cheapest first, and the first one pymorphy3 knows wins. The
standard libraries (cyrtranslit, transliterate) give one fixed reading per scheme and miss
exactly these chat habits («byla» → «била», «ja» → «жа», «shch» → «шч», no soft sign), so the
table here is the whole converter.

A run of Latin words is converted when most of its words read as known Russian words and few
are common English words; a lone Latin word among Cyrillic ones («Magne B6», «spastic»,
«leg day») is left alone unless it reads as a known Russian word of three letters or more.

The result is a ``Normalised`` string that knows, for each of its characters, where it came
from in the original text, so spans of findings slice the original characters.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["Normalised", "fold", "normalise", "transliterate"]


class Normalised(str):
    """Normalised text with a map back to the original: ``origin(i)`` is the original offset of
    the boundary before normalised character ``i`` (``i == len(self)`` gives the end)."""

    _offsets: list[int] | None
    _orig_len: int

    def __new__(cls, text: str, offsets: list[int] | None, orig_len: int) -> Normalised:
        obj = super().__new__(cls, text)
        obj._offsets = offsets
        obj._orig_len = orig_len
        return obj

    @property
    def length_preserving(self) -> bool:
        return self._offsets is None

    def origin(self, i: int) -> int:
        if self._offsets is None:
            return i
        if i >= len(self._offsets):
            return self._orig_len
        return self._offsets[i]


def fold(text: str) -> str:
    """Lower case and ё→е, one character in, one character out."""
    low = text.lower()
    # No character lowered to several, and no capital sigma (the one letter whose lower case
    # depends on its neighbours): each character is then its own lower case.
    if len(low) == len(text) and "Σ" not in text:
        return low.replace("ё", "е")
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        out.append("е" if low == "ё" else low)
    return "".join(out)


_HAS_LATIN = re.compile(r"[A-Za-z]")
# A word: letters of either script with inner apostrophes («pod'ezd»), and an optional final
# one («bol'»); digits glued on («B6», «L5») make it a code, left as it is.
_WORD = re.compile(r"[0-9A-Za-zА-Яа-яЁё]+(?:['’][A-Za-zА-Яа-яЁё]+)*['’]?")
_CYR = re.compile(r"[А-Яа-яЁё]")
_LAT = re.compile(r"[A-Za-z]")

# Latin letters that look like Cyrillic ones; several readings where the shape is ambiguous.
_LAT_TO_CYR: dict[str, tuple[str, ...]] = {
    **{
        lat: (cyr,)
        for lat, cyr in zip("acepxykmthunrABCEHKMOPTXY", "асерхукмтнипгавсенкмортху", strict=True)
    },
    "o": ("о",),
    "b": ("ь", "в"),
}
_CYR_TO_LAT = dict(zip("аеорсхукмтАВЕКМНОРСТХУ", "aeopcxykmtabekmhopctxy", strict=True))

# Chat transliteration: Latin chunk -> Cyrillic readings, the usual one first. A reading's
# index is its cost. Splitting a digraph into single letters is free («tsya» → «тся»), the
# dictionary decides.
_CHUNKS: dict[str, tuple[str, ...]] = {
    "shch": ("щ",),
    "shh": ("щ",),
    "sch": ("щ", "сч"),
    "zh": ("ж",),
    "kh": ("х",),
    "ch": ("ч",),
    "sh": ("ш",),
    "ts": ("ц",),
    "tz": ("ц",),
    "cz": ("ц",),
    "ck": ("к",),
    "ya": ("я", "ья"),
    "ja": ("я", "ья"),
    "ia": ("я", "ия"),
    "yu": ("ю", "ью"),
    "ju": ("ю", "ью"),
    "iu": ("ю", "ию"),
    "yo": ("е", "ье", "йо"),
    "jo": ("е", "йо"),
    "ye": ("е", "ье"),
    "je": ("е", "ье"),
    "yi": ("ый", "ьи"),
    "iy": ("ий", "ый"),
    "ij": ("ий", "ый"),
    "y'": ("ы",),
    "e'": ("э",),
    "''": ("ъ",),
    "'": ("ь", "ъ"),
    "’": ("ь", "ъ"),
    "a": ("а",),
    "b": ("б",),
    "c": ("ц", "к", "с"),
    "d": ("д",),
    "e": ("е", "э"),
    "f": ("ф",),
    "g": ("г",),
    "h": ("х",),
    "i": ("и", "й", "ы"),
    "j": ("й", "ж"),
    "k": ("к",),
    "l": ("л",),
    "m": ("м",),
    "n": ("н",),
    "o": ("о",),
    "p": ("п",),
    "q": ("к",),
    "r": ("р",),
    "s": ("с",),
    "t": ("т",),
    "u": ("у",),
    "v": ("в",),
    "w": ("в", "ш"),
    "x": ("кс", "х"),
    "y": ("ы", "й", "и"),
    "z": ("з",),
}
_MAX_CHUNK = max(len(k) for k in _CHUNKS)
_NO_SOFT_BEFORE = frozenset("aeiouy'’")
# A soft sign may follow these when the writer left it out («delat» → «делать»).
_SOFTENS = frozenset("лтндсзчмврпбфшж")
_BUDGET = 2
_MAX_CANDIDATES = 400

# Common English words (and English words a Russian writer mixes in): never read as Russian.
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "my",
        "your",
        "his",
        "her",
        "our",
        "their",
        "we",
        "you",
        "they",
        "he",
        "she",
        "me",
        "him",
        "them",
        "what",
        "which",
        "who",
        "how",
        "when",
        "where",
        "why",
        "not",
        "no",
        "yes",
        "ok",
        "okay",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "just",
        "very",
        "so",
        "but",
        "if",
        "then",
        "than",
        "also",
        "too",
        "all",
        "any",
        "some",
        "more",
        "most",
        "much",
        "many",
        "one",
        "two",
        "three",
        "leg",
        "legs",
        "foot",
        "feet",
        "knee",
        "calf",
        "calves",
        "arm",
        "arms",
        "hand",
        "face",
        "head",
        "back",
        "neck",
        "pain",
        "cramp",
        "cramps",
        "spasms",
        "spastic",
        "spasticity",
        "stroke",
        "post",
        "day",
        "night",
        "week",
        "month",
        "year",
        "time",
        "muscle",
        "muscles",
        "twitch",
        "twitching",
        "shaking",
        "weakness",
        "numb",
        "numbness",
        "sleep",
        "walk",
        "run",
        "gym",
        "training",
        "workout",
        "after",
        "before",
        "during",
        "again",
        "still",
        "only",
        "like",
        "feel",
        "feels",
        "feeling",
        "help",
        "please",
        "doctor",
        "pill",
        "pills",
        "magne",
        "bcaa",
        "protein",
        "vitamin",
        "omega",
    ]
)
# Words that are both («no» но, «do» до, «i» и, «a» а...): they vote for neither side.
_BOTH = frozenset(
    [
        "i",
        "a",
        "o",
        "u",
        "v",
        "s",
        "k",
        "no",
        "do",
        "to",
        "on",
        "net",
        "da",
        "ty",
        "my",
        "bot",
        "most",
        "pot",
        "rot",
        "nos",
        "tut",
        "tremor",
        "spasm",
    ]
)
# Short words that only Russian has, votes for Russian below three letters.
_SHORT_RU = frozenset(
    [
        "ne",
        "na",
        "po",
        "za",
        "ot",
        "iz",
        "ya",
        "ja",
        "mne",
        "uzhe",
        "uzh",
        "eto",
        "vse",
        "vsyo",
        "ego",
        "ee",
        "eyo",
        "ih",
    ]
)


# Frequent chat spellings whose cheapest reading is another real word («podnyat» is «поднят»,
# a participle, far more often meant as «поднять»).
_CHAT_WORDS = {
    "eto": "это",
    "ochen": "очень",
    "podnyat": "поднять",
    "vzyat": "взять",
    "ponyat": "понять",
    "snyat": "снять",
    "chut": "чуть",
    "vsyo": "всё",
    "vse": "все",
    "shto": "что",
    "chto": "что",
}


def _paths(word: str, i: int, budget: int, prev_cons: bool) -> list[tuple[str, int]]:
    """Readings of ``word[i:]`` with their costs, at most ``budget``; longest chunks first."""
    if i == len(word):
        return [("", 0)]
    out: list[tuple[str, int]] = []
    for n in range(min(_MAX_CHUNK, len(word) - i), 0, -1):
        chunk = word[i : i + n]
        readings = _CHUNKS.get(chunk)
        if readings is None:
            continue
        for cost, cyr in enumerate(readings):
            if cost > budget:
                break
            nxt = i + n
            soft_ok = (
                cyr[-1] in _SOFTENS
                and (nxt == len(word) or word[nxt] not in _NO_SOFT_BEFORE)
                and chunk not in ("'", "’")
            )
            for rest, rc in _paths(word, nxt, budget - cost, True):
                out.append((cyr + rest, cost + rc))
            if soft_ok and cost + 1 <= budget:
                for rest, rc in _paths(word, nxt, budget - cost - 1, True):
                    out.append((cyr + "ь" + rest, cost + 1 + rc))
            if len(out) > _MAX_CANDIDATES:
                return out
    return out


@lru_cache(maxsize=50_000)
def transliterate(word: str) -> tuple[str, bool]:
    """The Cyrillic reading of a lower-case Latin word and whether pymorphy3 knows it; the
    cheapest known reading wins, else the plain letter-for-letter one."""
    from spasmnav.language.morph import strongly_known, word_is_known

    word = word.replace("’", "'")
    if word in _CHAT_WORDS:
        return _CHAT_WORDS[word], True
    # Most words need no budget at all; widen only when the cheap readings are unknown. A
    # reading known only as a distorted, archaic or informal form («ето») is kept in reserve.
    first: str | None = None
    weak: str | None = None
    for budget in range(_BUDGET + 1):
        cands = _paths(word, 0, budget, False)
        if not cands:
            return word, False
        if first is None:
            first = cands[0][0]
        for cyr, c in cands:
            if c != budget or not word_is_known(cyr):
                continue
            if strongly_known(cyr):
                return cyr, True
            weak = weak or cyr
    if weak is not None:
        return weak, True
    assert first is not None
    return first, False


def _lookalikes(word: str, table: dict[str, tuple[str, ...]]) -> str:
    """Replace Latin lookalikes in a mostly Cyrillic word; ambiguous shapes by the dictionary."""
    from spasmnav.language.morph import word_is_known

    options: list[tuple[str, ...]] = [table.get(ch, (ch,)) for ch in word]
    plain = "".join(o[0] for o in options)
    if all(len(o) == 1 for o in options):
        return plain
    amb = [i for i, o in enumerate(options) if len(o) > 1]
    if len(amb) <= 3:
        from itertools import product

        for combo in product(*(options[i] for i in amb)):
            chars = [o[0] for o in options]
            for i, c in zip(amb, combo, strict=True):
                chars[i] = c
            cand = "".join(chars)
            if word_is_known(fold(cand)):
                return cand
    return plain


def _english(w: str) -> bool:
    return w in _ENGLISH or "th" in w or "wh" in w or "ght" in w


def normalise(text: str) -> Normalised:
    """The script fix below, then the live chart-shorthand pass (not part of the matcher)."""
    from spasmnav.language.normalise import _shorthand

    n = _script(text)
    live = _shorthand(n)  # type: ignore[arg-type]
    if str(live) == str(n):
        return n
    return Normalised(str(live), live._offsets, live._orig_len)


def _script(text: str) -> Normalised:
    """Fold case and ё, fix script (see the module docstring); offsets map to ``text``."""
    if not _HAS_LATIN.search(text):
        return Normalised(fold(text), None, len(text))
    # Pass 1: words, their script, and mixed words made single-script.
    words: list[tuple[int, int, str, str]] = []  # start, end, kind, form
    for m in _WORD.finditer(text):
        w = m.group()
        n_cyr = len(_CYR.findall(w))
        n_lat = len(_LAT.findall(w))
        if any(ch.isdigit() for ch in w) or n_lat == 0:
            words.append((m.start(), m.end(), "keep", w))
        elif n_cyr == 0:
            words.append((m.start(), m.end(), "latin", w.lower()))
        elif n_cyr >= n_lat:
            words.append((m.start(), m.end(), "fixed", _lookalikes(w, _LAT_TO_CYR)))
        else:
            latin = "".join(_CYR_TO_LAT.get(ch, ch) for ch in w)
            kind = "latin" if not _CYR.search(latin) else "keep"
            words.append((m.start(), m.end(), kind, latin.lower()))
    # Pass 2: runs of Latin words (no Cyrillic word between them) and whether each is Russian.
    convert: dict[int, str] = {}
    run: list[int] = []

    def close_run() -> None:
        ru = en = 0
        readings: dict[int, str] = {}
        for k in run:
            w = words[k][3].rstrip("'’")
            cyr, known = transliterate(w)
            readings[k] = cyr
            if w in _BOTH:
                continue
            if _english(w):
                en += 1
            elif known and (len(w) >= 3 or w in _SHORT_RU):
                ru += 1
        if ru and ru > en and 2 * ru >= len(run) - sum(1 for k in run if words[k][3] in _BOTH):
            for k in run:
                w = words[k][3]
                if not _english(w.rstrip("'’")):
                    convert[k] = transliterate(w)[0] if w[-1] in "'’" else readings[k]
        run.clear()

    for k, (_, _, kind, _) in enumerate(words):
        if kind == "latin":
            run.append(k)
        elif run and _CYR.search(words[k][3]):
            close_run()
    if run:
        close_run()
    # Pass 3: assemble the normalised text with its offset map.
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    same_length = True
    for k, (a, b, kind, form) in enumerate(words):
        if a > pos:
            out.append(fold(text[pos:a]))
            offsets.extend(range(pos, a))
        if k in convert:
            rep = fold(convert[k])
            same_length &= len(rep) == b - a
            out.append(rep)
            size = len(rep)
            offsets.extend(a + (j * (b - a)) // size for j in range(size))
        else:
            rep = fold(form) if kind in ("fixed", "latin") else fold(text[a:b])
            if len(rep) != b - a:  # a lookalike never changes length; keep the text if it did
                rep = fold(text[a:b])
            out.append(rep)
            offsets.extend(range(a, b))
        pos = b
    if pos < len(text):
        out.append(fold(text[pos:]))
        offsets.extend(range(pos, len(text)))
    result = "".join(out)
    if same_length and len(result) == len(text):
        return Normalised(result, None, len(text))
    return Normalised(result, offsets, len(text))
