"""Numbers in free text: durations, frequencies, age, weeks of pregnancy.

«3 нед», «полтора месяца», «второй месяц», «дней пять», «уже месяц»; «каждую ночь»,
«2-3 раза в неделю», «раз в пару месяцев»; «мне 64 года», «мужчине 70 лет»; «28 недель».
A duration is attached to what its clause is about: the stroke («два месяца после инсульта»),
another event («месяц назад удалили щитовидную железу»), a history item («диабет 15 лет»), or
otherwise the symptom itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .morph import Token

__all__ = ["Quantities", "extract_quantities"]

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
    "ночь": 1,
}
SINGLE_UNIT_CUES = frozenset(
    {"уже", "больше", "более", "около", "почти", "целый", "весь", "последний", "свыше", "с"}
)
FREQ_CUES_EVERY = frozenset({"каждый", "ежедневно", "еженощно", "ежедневный"})
STROKE_LEMMAS = frozenset({"инсульт", "онмк", "микроинсульт"})
EVENT_LEMMAS = frozenset(
    {"операция", "удалить", "прооперировать", "удаление", "роды", "травма", "перелом", "перелет"}
)
AGE_CUES = frozenset(
    {
        "мне",
        "ему",
        "ей",
        "мужчина",
        "женщина",
        "пациент",
        "возраст",
        "мама",
        "папа",
        "отец",
        "мать",
        "муж",
        "жена",
        "бабушка",
        "дедушка",
        "сын",
        "дочь",
    }
)
# Words for a child: «ребёнку 5 лет», «малышу 8 месяцев» give an age, not a duration.
CHILD_CUES = frozenset(
    {
        "ребенок",
        "малыш",
        "младенец",
        "грудничок",
        "сынок",
        "дочка",
        "доча",
        "внук",
        "внучка",
        "мальчик",
        "девочка",
        "подросток",
        "школьник",
    }
)
_RANGE = re.compile(r"^(\d+(?:[.,]\d+)?)(?:-(\d+(?:[.,]\d+)?))?$")
_AGED = re.compile(r"^(\d+)-?летн")


@dataclass(slots=True)
class Quantities:
    symptom_duration_days: float | None = None
    days_since_stroke: float | None = None
    age: float | None = None
    pregnancy_weeks: float | None = None
    episode_minutes: float | None = None
    episodes_per_week: float | None = None
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


def _unit(tok: Token) -> float | None:
    if tok.text in UNIT_DAYS:
        return UNIT_DAYS[tok.text]
    for lem in tok.lemmas:
        if lem in UNIT_DAYS:
            return UNIT_DAYS[lem]
    return None


def _clauses(tokens: list[Token]) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, tok in enumerate(tokens):
        if (
            tok.breaks_clause
            or tok.text == ","
            or tok.text
            in {
                "а",
                "но",
                "однако",
            }
        ):
            if i > start:
                out.append((start, i))
            start = i + 1
    if start < len(tokens):
        out.append((start, len(tokens)))
    return out


def _has(tokens: list[Token], lo: int, hi: int, lemmas: frozenset[str]) -> bool:
    return any(not tokens[k].lemmas.isdisjoint(lemmas) for k in range(lo, hi))


def _frequency(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """A frequency starting at token i, in episodes per week, and the index after it."""
    tok = tokens[i]
    nxt = [t.lemmas for t in tokens[i + 1 : i + 5]]
    if tok.lemmas & FREQ_CUES_EVERY:
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


def extract_quantities(
    tokens: list[Token],
    clause_findings: dict[int, set[str]],
    movement: frozenset[str],
    history: frozenset[str] = frozenset(),
) -> Quantities:
    """``clause_findings`` maps a token index to findings matched there; ``movement`` and
    ``history`` are the finding ids that make a clause about the symptom or about the past."""
    q = Quantities(spans={})
    spans: dict[str, tuple[int, int]] = {}

    def put(name: str, value: float, lo: int, hi: int, keep_max: bool = True) -> None:
        current = getattr(q, name)
        if current is None or (keep_max and value > current):
            setattr(q, name, round(value, 3))
            spans[name] = (tokens[lo].start, tokens[hi - 1].end)

    for lo, hi in _clauses(tokens):
        found: set[str] = set()
        for k in range(lo, hi):
            found |= clause_findings.get(k, set())
        has_movement = bool(found & movement)
        has_stroke = _has(tokens, lo, hi, STROKE_LEMMAS)
        has_event = _has(tokens, lo, hi, EVENT_LEMMAS)
        has_ago = _has(tokens, lo, hi, frozenset({"назад", "через"}))
        pregnant = "pregnancy" in found
        about_history = bool(found & history) and not has_movement
        k = lo
        while k < hi:
            tok = tokens[k]
            aged = _AGED.match(tok.text)
            if aged:
                put("age", float(aged.group(1)), k, k + 1, keep_max=False)
                k += 1
                continue
            if (
                tok.text in {"мне", "ему", "ей"}
                and k + 1 < hi
                and tokens[k + 1].text.isdigit()
                and (k + 2 >= hi or _unit(tokens[k + 2]) is None)
                and 0 < int(tokens[k + 1].text) < 120
            ):
                put("age", float(tokens[k + 1].text), k, k + 2, keep_max=False)  # «мне 30»
                k += 2
                continue
            freq = _frequency(tokens, k)
            if freq is not None:
                value_f, after = freq
                put("episodes_per_week", value_f, k, min(after, hi))
                k = after
                continue
            value: float | None = None
            unit: float | None = None
            end = k + 1
            num = _number(tok)
            if num is not None and k + 1 < hi and _unit(tokens[k + 1]) is not None:
                # «28 недель», «полтора месяца»; not «2 раза»
                value, unit, end = num, _unit(tokens[k + 1]), k + 2
            elif _unit(tok) is not None and not (k > lo and "раз" in tokens[k - 1].lemmas):
                u = _unit(tok)
                nxt = _number(tokens[k + 1]) if k + 1 < hi else None
                prev = tokens[k - 1] if k > lo else None
                if nxt is not None and (k + 2 >= hi or _unit(tokens[k + 2]) is None):
                    value, unit, end = nxt, u, k + 2  # «дней пять»
                elif prev is not None and prev.lemmas & ORDINALS.keys():
                    value = max(ORDINALS[x] for x in prev.lemmas if x in ORDINALS)
                    unit = u
                elif (
                    tok.text in {"полгода", "полмесяца", "полчаса"}
                    or (
                        prev is not None
                        and (prev.lemmas & SINGLE_UNIT_CUES)
                        and not (prev.lemmas & FREQ_CUES_EVERY)
                    )
                    or (k + 1 < hi and tokens[k + 1].text == "назад")
                ):
                    value, unit = 1.0, u
            if value is None or unit is None:
                k += 1
                continue
            days = value * unit
            is_years = unit >= 365 and tokens[end - 1].text in {"год", "года", "лет"}
            before = {lem for t in tokens[max(lo, k - 3) : k] for lem in t.lemmas}
            if is_years and (before & (AGE_CUES | CHILD_CUES)) and not has_ago:
                put("age", value, k, end, keep_max=False)
            elif 28 <= unit <= 31 and (before & CHILD_CUES) and not has_ago and not has_movement:
                put("age", round(value / 12, 2), k, end, keep_max=False)  # «малышу 8 месяцев»
            elif pregnant and unit == 7 and not has_movement:
                put("pregnancy_weeks", value, k, end)
            elif unit < 1:
                if days * 1440 >= 0.5:
                    put("episode_minutes", days * 1440, k, end)
            elif unit == 1 and tok.text in {"ночь"}:
                pass
            elif has_stroke and (has_ago or not has_movement):
                put("days_since_stroke", days, k, end, keep_max=False)
            elif has_ago and has_event:
                pass  # when an operation or trip happened: not the symptom's duration
            elif about_history or (has_event and not has_movement):
                pass  # «диабет 15 лет», «курю 30 лет»
            elif pregnant and unit == 7:
                put("pregnancy_weeks", value, k, end)
            else:
                put("symptom_duration_days", days, k, end)
            k = end
    # Words without numbers that still say how often.
    for i, tok in enumerate(tokens):
        if tok.text in {"иногда", "изредка", "периодически"} and q.episodes_per_week is None:
            put("episodes_per_week", 1.0, i, i + 1)
        elif tok.text == "редко" and q.episodes_per_week is None:
            put("episodes_per_week", 0.3, i, i + 1)
    q.spans = spans
    return q
