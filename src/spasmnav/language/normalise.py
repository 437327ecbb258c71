"""Spelling and script before lemmas: lookalike letters and transliterated Russian.

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
from collections.abc import Callable
from functools import lru_cache

__all__ = ["Normalised", "fold", "normalise", "russian_letters", "transliterate"]


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


@lru_cache(maxsize=4_096)  # bounded as morph._WORDS
def transliterate(word: str) -> tuple[str, bool]:
    """The Cyrillic reading of a lower-case Latin word and whether pymorphy3 knows it; the
    cheapest known reading wins, else the plain letter-for-letter one."""
    from .morph import strongly_known, word_is_known  # late: morph imports this module

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
    from .morph import word_is_known

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


# Chart shorthand (how a nurse or a doctor types a complaint record): the abbreviations whose
# full word the lexicon and the qualifiers read («лев. голени» → «левой голени», «п/о 5-е
# сутки» → «после операции 5-е сутки», «t 38,4» → «температура 38,4»). The full stop of an
# abbreviation would otherwise end the clause and cut «лев.» from «голени». Applied to the folded
# text; a word must stand on its own (no letter touching it on either side).
_SHORTHAND: dict[str, str] = {
    "лев.": "левой",
    "прав.": "правой",
    "пр.": "правой",
    "п/о": "после операции",
    "т/б": "тазобедренного",
    "н/к": "нижних конечностей",
    "в/к": "верхних конечностей",
    "нед.": "недели",
    "мес.": "месяцев",
    "сут.": "суток",
    "дн.": "дней",
    "мин.": "минут",
    "ок.": "около",
    "б-ой": "больной",
    "б-ая": "больная",
    "б-го": "больного",
    "б-ного": "больного",
    "т.к.": "так как",
    "т. к.": "так как",
    "т.е.": "то есть",
    "чсс": "пульс",
    "болезн.": "болезненность",
    "пальп.": "пальпации",
    # «не» glued to its verb, as phones and dictation write it («неможет сказать»)
    "неможет": "не может",
    "немогу": "не могу",
    "немог": "не мог",
    "немогла": "не могла",
    "немогли": "не могли",
    "немогут": "не могут",
    "неполучается": "не получается",
    "небыло": "не было",
    "нечувствую": "не чувствую",
    "нечувствует": "не чувствует",
    "недержит": "не держит",
    "неслушается": "не слушается",
    "непроходит": "не проходит",
    "неподнимает": "не поднимает",
    "неходит": "не ходит",
    "неотвечает": "не отвечает",
    "непонимает": "не понимает",
    # Ukrainian and surzhyk time words, read as the Russian ones: «з ранку» is «с утра», not
    # «ранка» (a small wound); «ранок» (morning) and «ранку» are Russian forms of «ранка», so
    # only the phrases that make them a time of day are rewritten, never the bare word.
    "з ранку": "с утра",
    "з ранка": "с утра",
    "с ранку": "с утра",
    "с ранка": "с утра",
    "зранку": "с утра",
    "зранка": "с утра",
    "від ранку": "с утра",
    "до ранку": "до утра",
    "під ранок": "под утро",
    "на ранок": "наутро",
    "кожного ранку": "каждое утро",
    "кожен ранок": "каждое утро",
    "щоранку": "каждое утро",
    "цього ранку": "этим утром",
    "сьогодні вранці": "сегодня утром",
    "вранці": "утром",
    "уранці": "утром",
    "ранком": "утром",
    "сьогодні": "сегодня",
    "сьогодня": "сегодня",
    "вчора": "вчера",
    "учора": "вчера",
    "позавчора": "позавчера",
    "ввечері": "вечером",
    "увечері": "вечером",
    "вночі": "ночью",
    "уночі": "ночью",
    "щодня": "каждый день",
    "щоночі": "каждую ночь",
    "тиждень тому": "неделю назад",
    "тижні тому": "недели назад",
    "тижнів тому": "недель назад",
    "дні тому": "дня назад",
    "днів тому": "дней назад",
    "годину тому": "час назад",
    "години тому": "часа назад",
    "годин тому": "часов назад",
    "місяць тому": "месяц назад",
    "місяці тому": "месяца назад",
    "місяців тому": "месяцев назад",
    "рік тому": "год назад",
    "роки тому": "года назад",
    "років тому": "лет назад",
    "тиждень": "неделю",
    "тижні": "недели",
    "тижнів": "недель",
    "півгодини": "полчаса",
    "пів години": "полчаса",
    "годину": "час",
    "години": "часа",
    "годин": "часов",
    "добу": "сутки",
    "доби": "суток",
    # Ukrainian, surzhyk and Belarusian words for the red-flag signs (speech, a weak hand,
    # breathlessness, blue lips, a swollen leg), read as the Russian ones so that the lexicon
    # and the frames see them: «почав погано говорити, слова якісь не ті», «рука не тримає»,
    # «задихається», «задыхаецца, губы сінія», «нага тоўстая». Only words that are no Russian
    # word (or «і», the Ukrainian «и», which joins a list into one clause).
    "і": "и",
    "ў": "в",
    "почав": "начал",
    "почала": "начала",
    "погано": "плохо",
    "говорити": "говорить",
    "розмовляти": "разговаривать",
    "розмовляє": "разговаривает",
    "якісь": "какие-то",
    "якийсь": "какой-то",
    "не ті": "не те",
    "не тих": "не тех",
    "тримає": "держит",
    "тримати": "держать",
    "втримати": "удержать",
    "утримати": "удержать",
    "задихається": "задыхается",
    "задихаюся": "задыхаюсь",
    "задихаюсь": "задыхаюсь",
    "задыхаецца": "задыхается",
    "задыхаюся": "задыхаюсь",
    "задишка": "одышка",
    "задишки": "одышки",
    "задышка": "одышка",
    "задышкі": "одышки",
    "дихати": "дышать",
    "дихає": "дышит",
    "дыхаць": "дышать",
    "дыхае": "дышит",
    "важко": "тяжело",
    "цяжка": "тяжело",
    "повітря": "воздуха",
    "паветра": "воздуха",
    "губи": "губы",
    "сині": "синие",
    "сінія": "синие",
    "сінія губы": "синие губы",
    "посиніли": "посинели",
    "пасінелі": "посинели",
    "синюшні": "синюшные",
    "синювата": "синеватая",
    "синюватий": "синеватый",
    "набрякла": "опухла",
    "набряк": "отек",
    "набрякли": "опухли",
    "апухла": "опухла",
    "нага": "нога",
    "нагу": "ногу",
    "нагі": "ноги",
    "тоўстая": "толстая",
    "адна": "одна",
    "адну": "одну",
    "товста": "толстая",
    "литка": "икра",
    "литку": "икру",
    "литки": "икры",
    "зводить": "сводит",
    "зводзіць": "сводит",
    "смикається": "дергается",
    "смикає": "дергает",
    # Belarusian
    "з раніцы": "с утра",
    "раніцай": "утром",
    "раптам": "вдруг",
    "раптоўна": "внезапно",
    "не можа": "не может",
    "гаварыць": "говорить",
    "гаворыць": "говорит",
    "твар": "лицо",
    "перакасіла": "перекосило",
    "перакасіла твар": "перекосило лицо",
    "трымае": "держит",
    "трымаць": "держать",
    "абвісла": "повисла",
    "анямела": "онемела",
    "анямеў": "онемел",
    "слабасць": "слабость",
    "страціла прытомнасць": "потеряла сознание",
    "страціў прытомнасць": "потерял сознание",
    "прытомнасць": "сознание",
    "ўсяго цела": "всего тела",
    "усяго цела": "всего тела",
    "цела": "тела",
    "маці": "мать",
    "нармальна": "нормально",
    "зробити": "сделать",
    "зробить": "сделать",
    "можна": "можно",
    "знепритомнів": "потерял сознание",
    "знепритомніла": "потеряла сознание",
    "непритомний": "без сознания",
    "непритомна": "без сознания",
    "непритомність": "обморок",
    "судоми": "судороги",
    "судомить": "судорожит",
    "по всьому тілу": "по всему телу",
    "всього тіла": "всего тела",
    "прикусив язик": "прикусил язык",
    "прикусила язик": "прикусила язык",
    "не відповідає": "не отвечает",
    "не розуміє": "не понимает",
    "тиск": "давление",
    "тиску": "давления",
    "паморочиться": "кружится",
    "запаморочення": "головокружение",
    "раптово": "внезапно",
    "раптом": "вдруг",
    "холодна": "холодная",
    "бліда": "бледная",
    "синя": "синяя",
    "посиніла": "посинела",
    "червона": "красная",
    "гаряча": "горячая",
    "біль": "боль",
    "болить": "болит",
    "сильний": "сильный",
    "дуже": "очень",
    "почалось": "началось",
    "почалося": "началось",
    "слабкість": "слабость",
    "нудить": "тошнит",
    "нудота": "тошнота",
    "блює": "рвет",
    "блювота": "рвота",
    "обличчя": "лицо",
    "оніміла": "онемела",
    "онімів": "онемел",
    "оніміння": "онемение",
    "після": "после",
    "інсульту": "инсульта",
    "інсульт": "инсульт",
    "не може": "не может",
    "лежати": "лежать",
    "встати": "встать",
    "ходити": "ходить",
    "по хаті": "по дому",
    "залізо": "железо",
    "заліза": "железа",
    "низьке": "низкое",
    "кинув": "бросил",
    "кинула": "бросила",
    "пив": "пил",
    "тепер": "теперь",
    "бачить": "видит",
    "бачу": "вижу",
    "бачив": "видел",
    "бачила": "видела",
    "кутку": "углу",
    "підкидає": "подбрасывает",
    "трусить": "трясет",
    "трусило": "трясло",
    "сутаргі": "судороги",
    "сутарга": "судорога",
    "упаў": "упал",
    "сення": "сегодня",
    "дзед": "дед",
    "операція": "операция",
    "операції": "операции",
    "коліні": "колене",
}
# Where a shorthand (or a temperature sign) stands, as one alternation: each key not glued to a
# letter or digit before it nor to a letter after it, the longest key first; the temperature
# sign only before a plausible temperature («t 38,4», «t=38.2», «t° 39», «т 37,8», «т-ра 38»).
_BEFORE = "[0-9a-zа-яіїєґў]"
_TEMPERATURE_SIGNS = ("t", "т", "т-ра", "темп.")
_TEMPERATURE_AHEAD = r"\s*[°=:]?\s*(?=(?:3[5-9]|4[0-2])(?:[.,][0-9])?(?![0-9]))"
_SHORTHAND_PLAIN = (
    rf"(?<!{_BEFORE})(?:"
    + "|".join(re.escape(k) for k in sorted(_SHORTHAND, key=len, reverse=True))
    + r")(?![a-zа-яіїєґў])"
    + rf"|(?<!{_BEFORE})(?:"
    + "|".join(re.escape(k) for k in _TEMPERATURE_SIGNS)
    + ")"
    + _TEMPERATURE_AHEAD
)


def _trie(words: list[str]) -> str:
    """An alternation of the words as a trie («б-(?:ой|ая|…)»): at each branch the longer words
    first, so of the words that match at a place the longest is tried first, as in a plain
    alternation of the words sorted by length."""
    root: dict[str, dict[str, object]] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})  # type: ignore[assignment]
        node[""] = {}

    def emit(node: dict[str, dict[str, object]]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in node.items() if ch]  # type: ignore[arg-type]
        if not alts:
            return ""
        if len(alts) == 1 and "" not in node:
            return alts[0]
        return "(?:" + "|".join(alts) + ("|" if "" in node else "") + ")"

    return emit(root)


def _by_first_letter() -> str:
    """``_SHORTHAND_PLAIN`` as an alternation whose every branch starts with a letter and checks
    what stands before that letter after it: the regex engine then skips every place whose
    letter starts no key at once (a plain alternation behind a look-behind tries every key at
    every place). The same matches: of the branches sharing a first letter the keys come first,
    then the temperature signs, as in the plain pattern."""
    keys = sorted(_SHORTHAND, key=len, reverse=True)
    firsts = dict.fromkeys([k[0] for k in keys] + [k[0] for k in _TEMPERATURE_SIGNS])
    branches = []
    for c in firsts:
        inner = []
        rests = [k[1:] for k in keys if k[0] == c]
        if rests:
            inner.append(_trie(rests) + "(?![a-zа-яіїєґў])")
        signs = [k[1:] for k in _TEMPERATURE_SIGNS if k[0] == c]
        if signs:
            inner.append("(?:" + "|".join(re.escape(r) for r in signs) + ")" + _TEMPERATURE_AHEAD)
        body = inner[0] if len(inner) == 1 else "(?:" + "|".join(inner) + ")"
        branches.append(re.escape(c) + rf"(?<!{_BEFORE}.)" + body)
    return "|".join(branches)


_SHORTHAND_RE = re.compile(_by_first_letter())


_TENS = {
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "шестьдесят": 60,
    "семьдесят": 70,
    "восемьдесят": 80,
    "девяносто": 90,
}
_UNITS = {
    "один": 1, "одна": 1, "одну": 1, "одного": 1, "два": 2, "две": 2, "двух": 2, "три": 3,
    "трех": 3, "четыре": 4, "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6,
    "семь": 7, "семи": 7, "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9,
}  # fmt: skip
_ORDINAL_STEMS = {
    "перв": 1, "втор": 2, "трет": 3, "четверт": 4, "пят": 5, "шест": 6, "седьм": 7,
    "восьм": 8, "девят": 9,
}  # fmt: skip
# «тридцать шестая неделя», «сорок пять лет»: a compound numeral read as one number (the
# quantities read a number word at a time, so «тридцать шесть» would be 6).
_COMPOUND_RE = re.compile(
    r"(?<![а-я])("
    + "|".join(_TENS)
    + r")\s+(?:("
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")|("
    + "|".join(_ORDINAL_STEMS)
    + r")(ий|ой|ый|ая|ое|ую|ого|ом|ей|ые|ых|ья|ье|ьей|ьего|ьем)?)(?![а-я])"
)


def _compound(m: re.Match[str]) -> str:
    tens = _TENS[m.group(1)]
    if m.group(2):
        return str(tens + _UNITS[m.group(2)])
    return f"{tens + _ORDINAL_STEMS[m.group(3)]}-{m.group(4) or 'й'}"


# A body temperature written bare, without «температура» or «t» («было 38,7», «к вечеру 39,2»,
# «мерили — 38.5»): a decimal from 37.5 to 42.9 not glued to another number, followed by no unit
# and said of no other measure («окружность голени 39,5 см», «вес 38,5», «сахар 38,2»). It is
# read as «температура 38,7».
_BARE_TEMPERATURE_RE = re.compile(
    r"(?<![0-9a-zа-я,./:\-])(?:37[.,][5-9]|3[89][.,][0-9]|4[0-2][.,][0-9])(?![0-9])"
    r"(?!\s*°?\s*(?:кг|см|мм|мл|мг|мкг|ммоль|мкмоль|ед|нед|лет|год|мес|дн|час|мин|сек|раз|кв|%"
    r"|[гмлч](?![а-я])))"
)
_LAST_WORD_RE = re.compile(r"([a-zа-я]+)[^a-zа-я0-9]*$")
# Words naming what a bare number measures when it is no temperature (prefixes).
_OTHER_MEASURES = (
    "окружн", "обхват", "вес", "имт", "рост", "гематокрит", "hct", "срок", "сахар", "глюкоз",
    "гликем", "объем", "размер", "диаметр", "калий", "натрий", "кальций", "мно", "весит",
    "темп", "t", "т",
)  # fmt: skip


# A potassium written as a lab sign: «K+ 6,8», «К+: 7,0», «K+=6.8», «K(+) 6,9» (Latin or
# Cyrillic K) is read as «калий 6,8».
_POTASSIUM_SIGN_RE = re.compile(r"(?<![0-9a-zа-я])[kк]\s*(?:\+|\(\+\))\s*[=:]?\s*(?=[0-9])")


def _potassium_sign(m: re.Match[str]) -> str:
    return "калий "


# A word said twice for emphasis («часто-часто», «быстро-быстро», «сильно-сильно») is read as
# the word once, so the lexicon sees «дышит часто».
_REDUPLICATED_RE = re.compile(r"(?<![a-zа-я-])([а-я]{3,})-\1(?![a-zа-я-])")


def _reduplicated(m: re.Match[str]) -> str:
    return m.group(1)


def _bare_temperature(m: re.Match[str]) -> str:
    before = _LAST_WORD_RE.search(m.string, max(0, m.start() - 30), m.start())
    if before is not None and before.group(1).startswith(_OTHER_MEASURES):
        return m.group()
    return "температура " + m.group()


# A chart reading with a mark between the measure and its number («SpO2: 88 %», «АД = 200/120»,
# «сатурация — 90», «K+: 6,8»): the mark is dropped, so the number stands right after its
# name, as the pack's readings expect (a colon or a dash would break the clause between them).
_READING_MARK_RE = re.compile(
    r"(?<![0-9a-zа-я])(spo2|sao2|sat|сат|сатурация|ад|давление|t|т|температура|кальций|ca\+*"
    r"|са\+*|калий|k\+*|к\+*|натрий|na\+*|сахар|глюкоза|мно|чсс|пульс|чдд|ps|hr)"
    r"\s*[:=—–-]\s*(?=[0-9])"
    # «сат. 91»: the abbreviation's own dot
    r"|(?<![0-9a-zа-я])(сат|sat)\.\s*(?=[0-9])"
)


def _reading_mark(m: re.Match[str]) -> str:
    return (m.group(1) or m.group(2)) + " "


# What is left of Ukrainian and Belarusian letters after the word list: read as the nearest
# Russian letters, so that drug names and loanwords meet the lexicon («тизанідин» →
# «тизанидин», «інсульт» → «инсульт»). One letter for one, so offsets stay.
_UK_LETTERS = {"і": "и", "ї": "и", "є": "е", "ґ": "г", "ў": "в"}
_UK_LETTER_RE = re.compile("[іїєґў]")


def _uk_letter(m: re.Match[str]) -> str:
    return _UK_LETTERS[m.group()]


def russian_letters(word: str) -> str:
    """A pack word as the reader will see it: the Ukrainian and Belarusian letters read as the
    nearest Russian ones, so that a term written «повіс*» meets the text «повіситися»."""
    return _UK_LETTER_RE.sub(_uk_letter, word) if _UK_LETTER_RE.search(word) else word


# A side written as one letter and a full stop before a body part («слабость в л. ноге», «п. кисть
# не держит»): «левой» or «правой». Only before a body part: «68 л.» is an age, «2 л. воды» litres,
# and the full stop would otherwise end the sentence between the onset and the limb; never
# after a number («80 л. голени отёчные» is an age, not one left shin).
_SIDE_LETTER_RE = re.compile(
    r"(?<![0-9a-zа-я])(?<![0-9] )([лп])\.\s*(?=(?:ног|ножк|рук|руч|стоп|ступн|кист|голен|бедр"
    r"|икр|колен|пятк|лодыж|плеч|половин|сторон|конечн|нижн|верхн|глаз|щек|угол|н/к|в/к)[а-я/]*)"
)


def _side_letter(m: re.Match[str]) -> str:
    return "левой " if m.group(1) == "л" else "правой "


# An arrow in a chart's sequence («подёргивания стопы → голени → кисти») is «затем», not a
# clause break: the march from the foot to the hand is one event.
_ARROW_RE = re.compile(r"\s*(?:→|⟶|->|—>|–>|=>)\s*")


# What each rewrite below needs to find anything, looked for first (a plain pattern the regex
# engine scans fast): a reading's mark before a number; a bare temperature's digits.
_MARK_BEFORE_NUMBER_RE = re.compile(r"[:=—–-]\s*[0-9]")
_TEMPERATURE_DIGITS_RE = re.compile(r"(?:3[7-9]|4[0-2])[.,][0-9]")


def _shorthand(norm: Normalised) -> Normalised:
    if (any(mark in norm for mark in ":=—–-") and _MARK_BEFORE_NUMBER_RE.search(norm)) or (
        "сат." in norm or "sat." in norm
    ):
        norm = _rewrite(norm, _READING_MARK_RE, _reading_mark)
    norm = _rewrite(norm, _SHORTHAND_RE, _short)
    norm = _rewrite(norm, _UK_LETTER_RE, _uk_letter)
    if ">" in norm or "→" in norm or "⟶" in norm:
        norm = _rewrite(norm, _ARROW_RE, lambda m: " затем ")
    if "л." in norm or "п." in norm:
        norm = _rewrite(norm, _SIDE_LETTER_RE, _side_letter)
    if _TEMPERATURE_DIGITS_RE.search(norm):
        norm = _rewrite(norm, _BARE_TEMPERATURE_RE, _bare_temperature)
    if "-" in norm:
        norm = _rewrite(norm, _REDUPLICATED_RE, _reduplicated)
    if "+" in norm:
        norm = _rewrite(norm, _POTASSIUM_SIGN_RE, _potassium_sign)
    # A compound numeral starts with one of the tens: without one, nothing to look for (each
    # of the tens holds one of these).
    if "ьдесят" in norm or "дцать" in norm or "сорок" in norm or "девяносто" in norm:
        norm = _rewrite(norm, _COMPOUND_RE, _compound)
    return norm


def _short(m: re.Match[str]) -> str:
    word = _SHORTHAND.get(m.group())
    return word if word is not None else "температура "


def _rewrite(
    norm: Normalised, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]
) -> Normalised:
    """Rewrite the matches of ``pattern`` in a normalised text; offsets still map to the
    original."""
    if not pattern.search(norm):
        return norm
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in pattern.finditer(norm):
        a, b = m.span()
        out.append(norm[pos:a])
        offsets.extend(norm.origin(i) for i in range(pos, a))
        rep = replace(m)
        out.append(rep)
        offsets.extend(norm.origin(a + (j * (b - a)) // len(rep)) for j in range(len(rep)))
        pos = b
    out.append(norm[pos:])
    offsets.extend(norm.origin(i) for i in range(pos, len(norm)))
    return Normalised("".join(out), offsets, norm.origin(len(norm)))


def normalise(text: str) -> Normalised:
    """Fold case and ё, fix script, expand chart shorthand (see the module docstring); offsets
    map to ``text``."""
    return _shorthand(_script(text))


def _script(text: str) -> Normalised:
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
