"""Numbers in free text and what each one means: age, week of pregnancy, time since onset,
length of one episode, how long the complaint has lasted, time since a stroke, frequency.

«3 нед», «полтора месяца», «второй месяц», «дней пять», «уже месяц»; «каждую ночь»,
«2-3 раза в неделю», «раз в пару месяцев»; «мне 64 года», «маме 74», «ребёнку 5 лет»,
«80-летний», «в 70 лет»; «28 недель», «на 30-й неделе», «7 месяц беременности»; «час назад»,
«с утра», «только что»; «длится 10 минут», «держит по полминуты».
A duration is attached to what its clause is about: the stroke («два месяца после инсульта»),
another event («месяц назад удалили щитовидную железу»), a history item («диабет 15 лет»), an
activity («стою по 10 часов»), or otherwise the symptom itself. A time counted back from now
(«час назад») says when something began, never how long an episode lasted.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from itertools import pairwise
from operator import or_

from .morph import Token, make_room

__all__ = ["Quantities", "extract_quantities", "forget", "token_kind"]

NUMBER_WORDS: dict[str, float] = {
    "один": 1,
    "одна": 1,
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
    "пятнадцать": 15,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "шестьдесят": 60,
    "семьдесят": 70,
    "восемьдесят": 80,
    "девяносто": 90,
    "полтора": 1.5,
    "полторы": 1.5,
    "пара": 2,
    "несколько": 3,
    "пол": 0.5,
    "сто": 100,
}
ORDINALS: dict[str, float] = {
    "первый": 1,
    "второй": 2,
    "третий": 3,
    "четвертый": 4,
    "пятый": 5,
    "шестой": 6,
    "седьмой": 7,
    "восьмой": 8,
    "девятый": 9,
    "десятый": 10,
}
UNIT_DAYS: dict[str, float] = {
    "секунда": 1 / 86400,
    "сек": 1 / 86400,
    "минута": 1 / 1440,
    "мин": 1 / 1440,
    "час": 1 / 24,
    "день": 1,
    "сутки": 1,
    "дн": 1,
    "неделя": 7,
    "нед": 7,
    "месяц": 30.4,
    "мес": 30.4,
    "год": 365,
    "лет": 365,
    "полгода": 182,
    "полмесяца": 15,
    "полчаса": 1 / 48,
    "полминуты": 1 / 2880,
    "полминута": 1 / 2880,
    "ночь": 1,
}
HALF_UNITS = frozenset({"полгода", "полмесяца", "полчаса", "полминуты"})
SINGLE_UNIT_CUES = frozenset(
    {
        "уже",
        "больше",
        "более",
        "около",
        "почти",
        "целый",
        "весь",
        "последний",
        "свыше",
        "с",
        "длиться",
        "продолжаться",
        "дольше",
    }
)
# Words before a number that make it a length of time, not a week of pregnancy or an age.
DURATION_CUES = SINGLE_UNIT_CUES | frozenset({"за", "через", "течение", "назад", "примерно"})
FREQ_CUES_EVERY = frozenset({"каждый", "ежедневно", "еженощно", "ежедневный"})
STROKE_LEMMAS = frozenset({"инсульт", "онмк", "микроинсульт"})
EVENT_LEMMAS = frozenset(
    {
        "операция",
        "удалить",
        "прооперировать",
        "удаление",
        "роды",
        "травма",
        "перелом",
        "перелет",
        "укус",
        "прививка",
        "порезаться",
        "порезать",
        "наступить",
        "ушиб",
        "вырезать",
        "оперировать",
        "переболеть",
        "прилететь",
        "выписать",
    }
)
# The person an age belongs to: «мне 64», «маме 74 года», «ребёнку 5 лет», «девочка 8 лет».
ADULT_LEMMAS = frozenset(
    {
        "я",
        "он",
        "она",
        "мужчина",
        "женщина",
        "пациент",
        "пациентка",
        "больной",
        "больная",
        "возраст",
        "мама",
        "мамочка",
        "папа",
        "отец",
        "мать",
        "муж",
        "жена",
        "бабушка",
        "бабуля",
        "дедушка",
        "дед",
        "брат",
        "сестра",
        "свекровь",
        "свекор",
        "теща",
        "тесть",
        "подопечный",
        "подопечная",
        "старик",
        "пенсионер",
        "пенсионерка",
        "пожилой",
        "сосед",
        "соседка",
        "тетя",
        "дядя",
    }
)
CHILD_LEMMAS = frozenset(
    {
        "ребенок",
        "ребёнок",
        "малыш",
        "малышка",
        "сын",
        "сынок",
        "сынишка",
        "дочь",
        "дочка",
        "дочурка",
        "девочка",
        "мальчик",
        "подросток",
        "внук",
        "внучка",
        "младенец",
        "школьник",
        "школьница",
    }
)
PERSON_LEMMAS = ADULT_LEMMAS | CHILD_LEMMAS
_AGE_APART = frozenset({",", "(", "—", "–", "-", ":"})
_PERSON_TEXTS = frozenset({"мне", "ему", "ей"})  # «мне 30»: dative pronouns name an age
# «мне сейчас 52 года», «отцу почти 80», «маме исполнилось 74»: an age, not a duration.
_BETWEEN_PERSON_AND_AGE = frozenset(
    {
        "наш",
        "мой",
        "его",
        "ее",
        "их",
        "твой",
        "ваш",
        "уже",
        "сейчас",
        "теперь",
        "почти",
        "всего",
        "скоро",
        "ровно",
        "исполниться",
        "исполнилось",
    }
)
# A length of time spent doing something else: «стою по 10 часов», «сплю по 4 часа».
ACTIVITY_LEMMAS = frozenset(
    {
        "стоять",
        "сидеть",
        "спать",
        "поспать",
        "идти",
        "ходить",
        "лежать",
        "ехать",
        "лететь",
        "бегать",
        "работать",
        "ждать",
        "гулять",
        "тренироваться",
        "самолет",
        "поезд",
        "машина",
        "прилететь",
        "дорога",
        "сходить",
        "мочиться",
    }
)
# Words that make a sub-day length the length of one episode.
EPISODE_LEMMAS = frozenset(
    {
        "приступ",
        "судорога",
        "судорожный",
        "спазм",
        "длиться",
        "продолжаться",
        "держать",
        "держаться",
        "отпускать",
        "отпустить",
        "пройти",
        "проходить",
        "прекратиться",
        "закончиться",
        "сознание",
        "очнуться",
        "трясти",
        "свести",
        "сводить",
        "дергаться",
        "дергать",
    }
)
RESOLVED_LEMMAS = frozenset(
    {"пройти", "отпустить", "прекратиться", "закончиться", "успокоиться", "расслабиться"}
)
NOTHING_LEMMAS = frozenset({"нет", "ничего", "без"})
# A test or a visit not done for a time («МНО не сдавала полгода», «давление не мерил неделю»,
# «к врачу не показывался год»): the time is the test's, not the complaint's.
UNDONE_LEMMAS = frozenset(
    {
        "сдавать",
        "сдать",
        "проверять",
        "проверить",
        "проверяться",
        "мерить",
        "померить",
        "измерять",
        "измерить",
        "обследоваться",
        "посещать",
        "показываться",
        "показаться",
        "контролировать",
    }
)
NOT_LEMMAS = frozenset({"не"})
PREGNANCY_PREFIX = "беремен"
# Time since onset from words without a number, in hours: a typical reading of each phrase.
ONSET_WORDS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("только", "что"), 0.1),
    (("с", "утра"), 6),
    (("со", "утра"), 6),
    (("сегодня", "утром"), 6),
    (("утром", "сегодня"), 6),
    (("сегодня", "ночью"), 8),
    (("этой", "ночью"), 8),
    (("с", "ночи"), 8),
    (("сегодня", "днем"), 4),
    (("сегодня", "вечером"), 2),
    (("вчера", "вечером"), 18),
    (("вчера", "ночью"), 14),
    (("вчера", "утром"), 30),
    (("вчера", "днем"), 24),
    (("со", "вчера"), 24),
    (("с", "вчера"), 24),
    (("со", "вчерашнего"), 24),
    (("с", "вчерашнего"), 24),
    (("позавчера",), 48),
    (("вчера",), 24),
    (("сегодня",), 12),
)
# The same phrases by their first word, in the same order.
_ONSET_BY_FIRST: dict[str, list[tuple[tuple[str, ...], float]]] = {}
for _words, _hours in ONSET_WORDS:
    _ONSET_BY_FIRST.setdefault(_words[0], []).append((_words, _hours))
# The words that say how often or when without a number (see the end of extract_quantities).
_WORDS_WITHOUT_NUMBERS = frozenset({"иногда", "изредка", "периодически", "редко"}) | frozenset(
    _ONSET_BY_FIRST
)
# Lemmas a quantity can start at: numbers, ordinals, units, frequency words.
_COUNTING = frozenset(NUMBER_WORDS) | frozenset(ORDINALS) | frozenset(UNIT_DAYS)
_COUNTING |= FREQ_CUES_EVERY | {"раз"}
_YEAR = re.compile(r"(19|20)\d\d")
_RANGE = re.compile(r"^(\d+(?:[.,]\d+)?)(?:-(\d+(?:[.,]\d+)?))?$")
_AGED = re.compile(r"^(\d+)-?летн")
_ORDINAL_NUM = re.compile(r"^(\d{1,2})-?(?:й|я|ой|ая|ей|ю|ую|го|ого|ом|ем|е)$")


@dataclass(slots=True)
class Quantities:
    symptom_duration_days: float | None = None
    days_since_stroke: float | None = None
    age: float | None = None
    pregnancy_weeks: float | None = None
    episode_minutes: float | None = None
    episodes_per_week: float | None = None
    onset_hours_ago: float | None = None
    diary_count_rise: float | None = None
    spans: dict[str, tuple[int, int]] | None = None


def _number(tok: Token) -> float | None:
    m = _RANGE.match(tok.text)
    if m:
        # A range («2-3 недели») counts as its upper end: the cautious reading.
        return float((m.group(2) or m.group(1)).replace(",", "."))
    for lem in tok.lemmas:
        if lem in NUMBER_WORDS:
            return NUMBER_WORDS[lem]
    return None


def _ordinal(tok: Token) -> float | None:
    """«30-й», «20-я», «восьмом»: a number that counts, not one that measures."""
    m = _ORDINAL_NUM.match(tok.text)
    if m:
        return float(m.group(1))
    found = [ORDINALS[x] for x in tok.lemmas if x in ORDINALS]
    return max(found) if found else None


def _unit(tok: Token) -> float | None:
    if tok.text in UNIT_DAYS:
        return UNIT_DAYS[tok.text]
    for lem in tok.lemmas:
        if lem in UNIT_DAYS:
            return UNIT_DAYS[lem]
    return None


_CLAUSE_BREAK_WORDS = frozenset({"а", "но", "однако"})


_STROKE, _EPISODE, _EVENT, _ACTIVITY, _RESOLVED, _NOTHING, _COUNTS, _WORDLESS = (
    1 << i for i in range(8)
)
# And where it stands in a clause: it ends one (``_measured``'s clauses), it ends a sentence,
# it starts with a pregnancy word.
_BREAK, _ENDS, _PREGNANT, _UNDONE, _NOT = (1 << i for i in range(8, 13))
# And whether a diary's day can start at it (see ``_diary_rise``): a day's label, a date, a
# label glued to its count, an ordinal.
_DIARY = 1 << 13
_KINDS = (
    (STROKE_LEMMAS, _STROKE),
    (EPISODE_LEMMAS, _EPISODE),
    (EVENT_LEMMAS, _EVENT),
    (ACTIVITY_LEMMAS, _ACTIVITY),
    (RESOLVED_LEMMAS, _RESOLVED),
    (NOTHING_LEMMAS, _NOTHING),
    (UNDONE_LEMMAS, _UNDONE),
    (NOT_LEMMAS, _NOT),
)
_kind_cache: dict[tuple[str, frozenset[str]], int] = {}


def _kind(tok: Token) -> int:
    """The kinds of word a token is, as bits; ``_COUNTS``: a number, a unit or a frequency can
    start at it (digits, or a number word, ordinal, unit or frequency word); ``_WORDLESS``: it
    is one of the words that say how often or when without a number."""
    key = (tok.text, tok.lemmas)
    bits = _kind_cache.get(key)
    if bits is None:
        bits = 0
        for lemmas, bit in _KINDS:
            if not lemmas.isdisjoint(tok.lemmas):
                bits |= bit
        if tok.text[:1].isdigit() or tok.text in UNIT_DAYS or not _COUNTING.isdisjoint(tok.lemmas):
            bits |= _COUNTS
        if tok.text in _WORDS_WITHOUT_NUMBERS:
            bits |= _WORDLESS
        if tok.breaks_clause or tok.text == "," or tok.text in _CLAUSE_BREAK_WORDS:
            bits |= _BREAK
        if tok.ends_sentence:
            bits |= _ENDS
        if tok.text.startswith(PREGNANCY_PREFIX):
            bits |= _PREGNANT
        if _diary_day(tok.text):
            bits |= _DIARY
        make_room(_kind_cache, 4_096)  # bounded as morph._WORDS
        _kind_cache[key] = bits
    return bits


token_kind = _kind


def forget() -> None:
    """Forget the kinds kept for the tokens seen so far."""
    _kind_cache.clear()


def _frequency(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """A frequency starting at token i, in episodes per week, and the index after it."""
    tok = tokens[i]
    if tok.lemmas & FREQ_CUES_EVERY:
        nxt = [t.lemmas for t in tokens[i + 1 : i + 5]]
        if tok.text in {"ежедневно", "еженощно"}:
            return 7.0, i + 1
        if nxt and ({"день", "ночь", "вечер", "утро", "сутки"} & nxt[0]):
            return 7.0, i + 2
        if nxt and "неделя" in nxt[0]:
            return 1.0, i + 2
        return None
    # «N раз в день/неделю/месяц», «раз в пару месяцев», «несколько раз в день»
    n: float | None = None
    j = i
    if "раз" in tok.lemmas:
        n = 1.0
    else:
        n = _number(tok)
        if n is None or i + 1 >= len(tokens) or "раз" not in tokens[i + 1].lemmas:
            return None
        j = i + 1
    rest = tokens[j + 1 : j + 5]
    if not rest or rest[0].text not in {"в", "за"}:
        return None
    per = 1.0
    k = 1
    if k < len(rest):
        m = _number(rest[k])
        if m is not None:
            per, k = m, k + 1
    if k >= len(rest):
        return None
    unit = _unit(rest[k])
    if unit is None or unit < 1:
        return None
    return round(n * 7.0 / (per * unit), 3), j + 1 + k + 1


def _person_before(tokens: list[Token], lo: int, k: int) -> tuple[str, bool] | None:
    """The person named right before token k («маме», «у сына», «бабуля наша»):
    ("child" | "adult" | "pronoun", whether «у» precedes it)."""
    j = k - 1
    while j >= lo and tokens[j].lemmas & _BETWEEN_PERSON_AND_AGE and j > k - 3:
        j -= 1
    if j < lo:
        # «Дочка, 3 года», «сын (2 года)», «внучка — 4 года»: a child named just before the
        # comma, bracket or dash that starts the number's clause
        if (
            k == lo
            and lo >= 2
            and tokens[lo - 1].text in _AGE_APART
            and tokens[lo - 2].lemmas & CHILD_LEMMAS
        ):
            return "child", False
        return None
    tok = tokens[j]
    after_u = j > lo and tokens[j - 1].text == "у"
    if tok.text in _PERSON_TEXTS:
        return "pronoun", after_u
    if tok.lemmas & CHILD_LEMMAS:
        return "child", after_u
    if tok.lemmas & ADULT_LEMMAS and tok.text not in {"я", "он", "она"}:
        return "adult", after_u
    return None


def _near_pregnancy(tokens: list[Token], lo: int, hi: int, k: int, end: int) -> bool:
    """A pregnancy word or «срок» right next to the quantity («беременность 28 недель»,
    «36 недель беременности», «срок 25 недель»)."""
    for j in range(max(lo, k - 2), min(hi, end + 2)):
        if j in range(k, end):
            continue
        t = tokens[j]
        if t.text.startswith(PREGNANCY_PREFIX) or "срок" in t.lemmas:
            return True
    return False


def extract_quantities(
    tokens: list[Token],
    clause_findings: dict[int, set[str]],
    movement: frozenset[str],
    history: frozenset[str] = frozenset(),
    today: date | None = None,
    kinds: list[int] | None = None,
    place: Callable[[int, int], tuple[int, int]] | None = None,
) -> Quantities:
    """``clause_findings`` maps a token index to findings matched there; ``movement`` and
    ``history`` are the finding ids that make a clause about the symptom or about the past;
    ``kinds``, if given, is ``token_kind`` of every token; ``place(i, j)``, if given, the span
    from token i's start to token j's end (else the tokens' own offsets)."""
    q = Quantities(spans={})
    spans: dict[str, tuple[int, int]] = {}

    def put(name: str, value: float, lo: int, hi: int, keep: str = "max") -> None:
        current = getattr(q, name)
        if (
            current is None
            or (keep == "max" and value > current)
            or (keep == "min" and value < current)
        ):
            setattr(q, name, round(value, 3))
            spans[name] = (
                (tokens[lo].start, tokens[hi - 1].end) if place is None else place(lo, hi - 1)
            )

    # What kinds of word each token is (stroke, episode, event...), one bit per kind.
    if kinds is None:
        kinds = [_kind(tok) for tok in tokens]
    every = reduce(or_, kinds, 0)  # every kind standing in the text
    if every & _COUNTS:
        _measured(tokens, kinds, clause_findings, movement, history, today, q, put)
    # Words without numbers that still say how often, or when it began.
    for i, tok in enumerate(tokens if every & _WORDLESS else ()):
        if tok.text not in _WORDS_WITHOUT_NUMBERS:
            continue
        if tok.text in {"иногда", "изредка", "периодически"} and q.episodes_per_week is None:
            put("episodes_per_week", 1.0, i, i + 1)
        elif tok.text == "редко" and q.episodes_per_week is None:
            put("episodes_per_week", 0.3, i, i + 1)
        for words, hours in _ONSET_BY_FIRST.get(tok.text, ()):
            n = len(words)
            if tuple(t.text for t in tokens[i : i + n]) == words:
                put("onset_hours_ago", hours, i, i + n, keep="min")
                break
    # A diary's days each start at a token that can start one: fewer than four, no diary.
    if every & _DIARY and sum(1 for k in kinds if k & _DIARY) >= 4:
        _diary_rise(tokens, put)
    q.spans = spans
    return q


# A diary written out day by day («пн — 3, вт — 5, ср — 4, чт — 7…», «1-й день 2 раза, 2-й
# день 4 раза…», «01.03 — 2, 02.03 — 3…»): the days' labels, then a count right after each.
_DAY_LABELS = frozenset(
    {
        "пн", "вт", "ср", "чт", "пт", "сб", "вс",
        "понедельник", "вторник", "среда", "среду", "четверг", "пятница", "пятницу",
        "суббота", "субботу", "воскресенье",
    }
)  # fmt: skip
_DATE_LABEL = re.compile(r"^\d{1,2}[./]\d{1,2}$")
_GLUED_DAY = re.compile(r"^(?:пн|вт|ср|чт|пт|сб|вс)[-–—:](\d{1,3})$")
# a whole count; razdel may keep the comma after it («день 3, 3-й день» gives «3,»)
_COUNT = re.compile(r"^(\d{1,3})[,;]?$")
_DIARY_SKIP = frozenset({"—", "-", "–", ":", "=", "(", "день", "дня", "ночь", "ночью"})
# What a number after a day's label must not be followed by: a time, a dose, a reading.
_NOT_A_COUNT = frozenset({"мин", "минута", "час", "ч", "мг", "мл", "ммоль", "градус", "мм"})


def _diary_day(text: str) -> bool:
    """Can a diary's day start at a token of this text (``_diary_rise``'s labels)?"""
    return (
        _GLUED_DAY.match(text) is not None
        or text in _DAY_LABELS
        or _DATE_LABEL.match(text) is not None
        or _ORDINAL_NUM.match(text) is not None
    )


def _diary_rise(tokens: list[Token], put: Callable[..., None]) -> None:
    """How much a day-by-day diary's count rose, first day to last, when it rose steadily: at
    least four days, more rises than falls (twice as many), the last at least half as much
    again as the first and three more. The cautious reading of a worsening the person did not
    name; a diary that goes up and down is not a trend."""
    counts: list[tuple[float, int, int]] = []  # (count, first token, last token)
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        glued = _GLUED_DAY.match(tok.text)  # «пн-1», «вт-2»: a label and its count as one word
        if glued:
            counts.append((float(glued.group(1)), i, i))
            i += 1
            continue
        label = tok.text in _DAY_LABELS or bool(_DATE_LABEL.match(tok.text))
        ordinal_day = (
            _ORDINAL_NUM.match(tok.text) is not None
            and i + 1 < n
            and tokens[i + 1].text in {"день", "сутки", "ночь"}
        )
        if not (label or ordinal_day):
            i += 1
            continue
        j = i + (2 if ordinal_day else 1)
        while j < n and j < i + 4 and (tokens[j].punct or tokens[j].text in _DIARY_SKIP):
            j += 1
        count = _COUNT.match(tokens[j].text) if j < n else None
        if count and not (j + 1 < n and tokens[j + 1].text in _NOT_A_COUNT):
            counts.append((float(count.group(1)), i, j))
            i = j + 1
            continue
        i += 1
    if len(counts) < 4:
        return
    values = [c[0] for c in counts]
    ups = sum(1 for a, b in pairwise(values) if b > a)
    downs = sum(1 for a, b in pairwise(values) if b < a)
    first, last = values[0], values[-1]
    if ups >= 2 * max(downs, 1) and last >= first + 3 and last >= 1.5 * first:
        put("diary_count_rise", last - first, counts[0][1], counts[-1][2] + 1)


def _episodic(
    clauses: list[tuple[int, int, bool]],
    clause_kinds: list[int],
    clause_findings: dict[int, set[str]],
    movement: frozenset[str],
) -> list[bool]:
    """Whether each clause's sentence speaks of an episode («бьётся … уже минуты три»).
    Once one clause of a sentence is episodic, all of them are."""
    episodic: list[bool] = []
    sentence_start, sentence_episodic = 0, False
    # The tokens inside a match of a movement.
    moving = sorted(j for j, found in clause_findings.items() if not movement.isdisjoint(found))
    for ci, (lo, hi, starts_sentence) in enumerate(clauses):
        if starts_sentence or not episodic:
            sentence_start, sentence_episodic = len(episodic), False
        episodic.append(
            bool(clause_kinds[ci] & _EPISODE)
            or (bool(moving) and bisect_left(moving, hi) > bisect_left(moving, lo))
            # «…дергаются!!! уже минуты три»: a bare time goes on from what came before
            or (hi - lo <= 4 and bool(episodic) and episodic[-1])
        )
        if episodic[-1] and not sentence_episodic:
            for i in range(sentence_start, len(episodic)):
                episodic[i] = True
            sentence_episodic = True
        elif sentence_episodic:
            episodic[-1] = True
    return episodic


def _measured(
    tokens: list[Token],
    kinds: list[int],
    clause_findings: dict[int, set[str]],
    movement: frozenset[str],
    history: frozenset[str],
    today: date | None,
    q: Quantities,
    put: Callable[..., None],
) -> None:
    """The quantities with a number, a unit or a frequency word, clause by clause."""
    # Clauses as (start, end, starts_sentence): sentence ends, dashes, colons, brackets, commas
    # and «а», «но», «однако» end one; and what kinds of word each has, one bit per kind.
    clauses: list[tuple[int, int, bool]] = []
    clause_kinds: list[int] = []
    start, new_sentence, bits = 0, True, 0
    for i, kind in enumerate(kinds):
        if kind & _BREAK:
            if i > start:
                clauses.append((start, i, new_sentence))
                clause_kinds.append(bits)
                new_sentence = False
            start, bits = i + 1, 0
            if kind & _ENDS:
                new_sentence = True
        else:
            bits |= kind
    if start < len(tokens):
        clauses.append((start, len(tokens), new_sentence))
        clause_kinds.append(bits)
    stroke_clause = [bool(b & _STROKE) for b in clause_kinds]
    # Whether each clause's sentence speaks of an episode («бьётся … уже минуты три»), worked
    # out when a length under a day first asks.
    episodic_of: list[bool] | None = None

    def episodic_at(ci: int) -> bool:
        nonlocal episodic_of
        if episodic_of is None:
            episodic_of = _episodic(clauses, clause_kinds, clause_findings, movement)
        return episodic_of[ci]

    for ci, (lo, hi, starts_sentence) in enumerate(clauses):
        if not clause_kinds[ci] & _COUNTS:
            continue  # nothing here can be a quantity
        found: set[str] = set()
        for k in range(lo, hi):
            here_found = clause_findings.get(k)
            if here_found:
                found |= here_found
        has_movement = bool(found & movement)
        has_stroke = stroke_clause[ci]
        if not has_stroke and not found and not starts_sentence and ci > 0:
            # «после инсульта (3 года назад)»: a bare time leans on the clause before it.
            has_stroke = stroke_clause[ci - 1]
        here = clause_kinds[ci]
        has_event = bool(here & _EVENT)
        activity = bool(here & _ACTIVITY)
        resolved = bool(here & _RESOLVED)
        says_nothing = (
            bool(here & _NOTHING) or (here & (_UNDONE | _NOT)) == _UNDONE | _NOT
        ) and not has_movement
        pregnant = "pregnancy" in found or bool(here & _PREGNANT)
        about_history = bool(found & history) and not has_movement and not pregnant
        bare_clause = not found and not has_event and not has_stroke
        k = lo
        while k < hi:
            if not kinds[k] & _COUNTS:
                k += 1
                continue
            tok = tokens[k]
            prev = tokens[k - 1] if k > lo else None
            aged = _AGED.match(tok.text)
            if aged or (
                tok.text.isdigit() and k + 1 < hi and tokens[k + 1].text.startswith("летн")
            ):
                # «80-летний», «80 летняя»
                value_a = float(aged.group(1) if aged else tok.text)
                put("age", value_a, k, k + (1 if aged else 2), keep="first")
                k += 1 if aged else 2
                continue
            person = _person_before(tokens, lo, k) if tok.text.isdigit() else None
            if (
                person is not None
                and person[0] in {"pronoun", "adult", "child"}
                and not person[1]
                and (
                    k + 1 >= hi
                    or (_unit(tokens[k + 1]) is None and "раз" not in tokens[k + 1].lemmas)
                )
                and 0 < int(tok.text) < 120
            ):
                put("age", float(tok.text), k - 1, k + 1, keep="first")  # «мне 30», «маме 74»
                k += 1
                continue
            if (
                _YEAR.fullmatch(tok.text)
                and prev is not None
                and prev.text in {"в", "с"}
                and not (k + 1 < hi and _unit(tokens[k + 1]) is not None)
            ):
                # «в 2021»: a calendar year
                if has_stroke and int(tok.text) < (today or date.today()).year:
                    elapsed = (today or date.today()) - date(int(tok.text), 12, 31)
                    put("days_since_stroke", max(elapsed.days, 0), k, k + 1, keep="first")
                k += 1
                continue
            freq = _frequency(tokens, k)
            if freq is not None:
                value_f, after = freq
                put("episodes_per_week", value_f, k, min(after, hi))
                k = after
                continue
            value: float | None = None
            unit: float | None = None
            counted = False  # «на 30-й неделе», «третью ночь»: a count, not a measure
            end = k + 1
            num = _number(tok)
            ordn = _ordinal(tok) if num is None else None
            if num is not None and k + 1 < hi and _unit(tokens[k + 1]) is not None:
                # «28 недель», «полтора месяца»; not «2 раза»
                value, unit, end = num, _unit(tokens[k + 1]), k + 2
            elif ordn is not None and k + 1 < hi and _unit(tokens[k + 1]) is not None:
                value, unit, end, counted = ordn, _unit(tokens[k + 1]), k + 2, True
            elif _unit(tok) is not None and not (prev is not None and "раз" in prev.lemmas):
                u = _unit(tok)
                nxt = _number(tokens[k + 1]) if k + 1 < hi else None
                if nxt is not None and (k + 2 >= hi or _unit(tokens[k + 2]) is None):
                    value, unit, end = nxt, u, k + 2  # «дней пять»
                elif (
                    k + 2 < hi and tokens[k + 1].text == "на" and _number(tokens[k + 2]) is not None
                ):
                    value, unit, end = _number(tokens[k + 2]), u, k + 3  # «минуты на две»
                elif prev is not None and prev.lemmas & FREQ_CUES_EVERY:
                    pass  # «каждые полминуты»: how often, not how long
                elif (
                    tok.text in HALF_UNITS
                    or (
                        prev is not None
                        and (prev.lemmas & (SINGLE_UNIT_CUES | {"через", "спустя"}))
                        and not (prev.lemmas & FREQ_CUES_EVERY)
                    )
                    or (k + 1 < hi and tokens[k + 1].text == "назад")
                ):
                    value, unit = 1.0, u
            if value is None or unit is None:
                k += 1
                continue
            start = k
            before = tokens[start - 1] if start > lo else None
            ago = end < hi and tokens[end].text == "назад"
            later = before is not None and before.lemmas & {"через", "спустя"}
            after_stroke_word = end + 1 < hi and (
                tokens[end].text == "после" and bool(tokens[end + 1].lemmas & STROKE_LEMMAS)
            )
            after_other = end < hi and tokens[end].text == "после" and not after_stroke_word
            over = before is not None and before.text == "за"  # «усилилась за два дня»
            cue_before = before is not None and bool(before.lemmas & DURATION_CUES)
            unit_text = tokens[end - 1].text
            days = value * unit
            is_years = unit >= 365 and unit_text in {"год", "года", "лет", "году"}
            is_weeks = unit == 7
            is_months = unit == 30.4
            in_prep = before is not None and before.text in {"на", "в"}
            singular_form = unit_text in {"неделя", "неделе", "месяц", "месяце"}
            person = _person_before(tokens, lo, start)
            # 1. A calendar year: «в 2019 году».
            if value >= 1900 and is_years:
                if has_stroke and value < (today or date.today()).year:
                    elapsed = (today or date.today()) - date(int(value), 12, 31)
                    put("days_since_stroke", max(elapsed.days, 0), start, end, keep="first")
                k = end
                continue
            # 2. Age.
            if (
                is_years
                or (
                    is_months
                    and person is not None
                    and person[0] in {"child", "pronoun"}
                    and tokens[start - 1].text != "мне"
                )
            ) and (not ago and not later and not after_stroke_word):
                years = value if is_years else value / 12
                if person is not None and not (person[1] and person[0] == "adult" and value < 18):
                    put("age", years, start - 1, end, keep="first")  # «ребёнку 5 лет»
                    k = end
                    continue
                if is_years and before is not None and before.text == "в" and value < 120:
                    if q.age is None:
                        put("age", years, start - 1, end, keep="first")  # «в 70 лет»
                    k = end
                    continue
                if is_years and before is not None and before.lemmas & {"с", "до"}:
                    k = end  # «с 15 лет», «до 3 лет»: an age, not a current one
                    continue
                if is_years and bare_clause and 30 <= value < 120 and not cue_before:
                    put("age", years, start, end, keep="first")  # «Старая я, 81 год»
                    k = end
                    continue
                if (
                    is_years
                    and before is not None
                    and before.text in {"сейчас", "теперь"}
                    and 18 <= value < 120
                ):
                    put("age", years, start, end, keep="first")  # «с юности…, сейчас 40 лет»
                    k = end
                    continue
            # 3. Week or month of pregnancy.
            if (is_weeks or is_months) and not ago and not later and not over:
                near = _near_pregnancy(tokens, lo, hi, start, end)
                # «7 месяц», «на восьмом месяце»: in that month; «7 месяцев»: completed
                month = value - 0.5 if counted or singular_form else value
                wk = value if is_weeks else month * 4.345
                pregnancy = False
                if near or (in_prep and before is not None and before.text == "на"):
                    pregnancy = is_weeks or value <= 10  # «на 34 неделе», «на восьмом месяце»
                elif is_weeks and (counted or singular_form) and value >= 4:
                    pregnancy = True  # «20 неделя», «30-я неделя»
                elif is_weeks and 13 <= value <= 42 and not cue_before:
                    pregnancy = True  # «36 недель»: no one counts a complaint in such weeks
                elif pregnant and is_weeks and not has_movement and not cue_before:
                    pregnancy = True
                if pregnancy and 0 < wk <= 43:
                    put("pregnancy_weeks", wk, start, end)
                    k = end
                    continue
            # 4. Counted back from now: when it began.
            if ago:
                stop = end + 1
                if has_stroke:
                    put("days_since_stroke", days, start, stop, keep="first")
                elif has_event or about_history:
                    pass  # when an operation or a trip happened
                else:
                    put("onset_hours_ago", days * 24, start, stop, keep="min")
                    if unit >= 1 and not says_nothing:
                        put("symptom_duration_days", days, start, end)
                k = stop
                continue
            # 5. Sub-day lengths: one episode, or something else entirely.
            if unit < 1:
                if later and not resolved:
                    pass  # «через час шею свернуло»: a delay, not a length
                elif activity or not episodic_at(ci):
                    pass  # «стою по 10 часов», «икаю уже час»
                elif days * 1440 >= 0.49:
                    put("episode_minutes", days * 1440, start, end)
                k = end
                continue
            # 6. Time since a stroke.
            if has_stroke and not over and (later or after_stroke_word or not has_movement):
                put("days_since_stroke", days, start, end, keep="first")
            elif after_other or (later and has_event):
                pass  # «2 недели после родов», «через неделю после укуса»
            elif has_event and not has_movement:
                pass  # «месяц назад удалили»
            elif about_history or says_nothing:
                pass  # «диабет 15 лет», «приступов нет 3 года»
            elif pregnant and is_weeks and not has_movement:
                put("pregnancy_weeks", value, start, end)
            elif unit == 1 and tok.text == "ночь" and not counted:
                pass  # «всю ночь», «каждую ночь»
            elif (
                unit == 1
                and cue_before
                and before is not None
                and before.lemmas
                & {
                    "весь",
                    "целый",
                }
                and not has_movement
            ):
                pass  # «весь день стою»
            else:
                # 7. Otherwise: how long the complaint has lasted.
                put("symptom_duration_days", days, start, end)
            k = end
