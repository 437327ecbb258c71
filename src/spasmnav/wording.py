"""Russian numbers, counts, dates and durations: one helper for every edge.

The plural category comes from Babel's CLDR rules for Russian (one / few / many / other), the
number and date formats from Babel's Russian locale (decimal comma, no-break-space grouping,
«1 декабря 2026»). Only the word forms are ours, in :data:`NOUNS`; ``tests/test_wording.py``
checks every form against pymorphy3's ``make_agree_with_number``.

>>> count(21, "день")
'21 день'
>>> count(21, "день", case="gent")   # «не меньше 21 дня»
'21 дня'
>>> count(2.5, "день", digits=1)
'2,5 дня'
>>> duration(60)
'1 мин'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, cast

if TYPE_CHECKING:
    from babel import Locale

# Babel (with its locale data about a tenth of a second) is imported on first use: the web app
# and the diary import this module at start, and most starts format nothing before a request.

__all__ = [
    "NOUNS",
    "count",
    "date",
    "duration",
    "minutes",
    "number",
    "plural",
    "plural_category",
    "short_date",
    "word",
]

LOCALE = "ru_RU"

Case = Literal["nomn", "gent"]
Category = Literal["one", "few", "many", "other"]


@lru_cache(maxsize=1)
def _locale() -> Locale:
    from babel import Locale

    return Locale.parse(LOCALE)


def plural_category(n: int | float | Decimal) -> Category:
    """CLDR's Russian plural category of ``n`` as it is written (``Decimal("2.0")`` is «other»)."""
    value = n if isinstance(n, int | Decimal) else Decimal(str(n))
    return cast(Category, _locale().plural_form(value))


# Each noun's forms: the nominative after a number (one / few / many / other: «1 день», «2 дня»,
# «5 дней», «2,5 дня») and the genitive after a number («не меньше 1 дня», «… 5 дней»: after
# «один» the singular, else the plural; a fraction takes the singular).
_Forms = tuple[str, str, str, str, str, str]  # nomn one, few, many, other; gent one, plural

NOUNS: dict[str, _Forms] = {
    "день": ("день", "дня", "дней", "дня", "дня", "дней"),
    "неделя": ("неделя", "недели", "недель", "недели", "недели", "недель"),
    "месяц": ("месяц", "месяца", "месяцев", "месяца", "месяца", "месяцев"),
    "год": ("год", "года", "лет", "года", "года", "лет"),
    "эпизод": ("эпизод", "эпизода", "эпизодов", "эпизода", "эпизода", "эпизодов"),
    "раз": ("раз", "раза", "раз", "раза", "раза", "раз"),
    "оценка": ("оценка", "оценки", "оценок", "оценки", "оценки", "оценок"),
    "запись": ("запись", "записи", "записей", "записи", "записи", "записей"),
    "занятие": ("занятие", "занятия", "занятий", "занятия", "занятия", "занятий"),
    "повторение": (
        "повторение",
        "повторения",
        "повторений",
        "повторения",
        "повторения",
        "повторений",
    ),
    "подход": ("подход", "подхода", "подходов", "подхода", "подхода", "подходов"),
    "минута": ("минута", "минуты", "минут", "минуты", "минуты", "минут"),
    "секунда": ("секунда", "секунды", "секунд", "секунды", "секунды", "секунд"),
    "час": ("час", "часа", "часов", "часа", "часа", "часов"),
    "строка": ("строка", "строки", "строк", "строки", "строки", "строк"),
    "вопрос": ("вопрос", "вопроса", "вопросов", "вопроса", "вопроса", "вопросов"),
    "ошибка": ("ошибка", "ошибки", "ошибок", "ошибки", "ошибки", "ошибок"),
    "человек": ("человек", "человека", "человек", "человека", "человека", "человек"),
    "попытка": ("попытка", "попытки", "попыток", "попытки", "попытки", "попыток"),
}

# Accusative after a number equals the nominative for these (inanimate) nouns and for the
# count itself («нужно хотя бы 21 день»), so ``case="nomn"`` covers «за 21 день» too.
_CATEGORY_INDEX: dict[str, int] = {"one": 0, "few": 1, "many": 2, "other": 3}


_QUANTA = tuple(Decimal(1).scaleb(-k) for k in range(7))


def _below_thousand(x: float | int, digits: int) -> str | None:
    """``x`` rounded to ``digits`` as Babel rounds it, with a point and a leading ``-`` when
    negative («-0.50»), for a finite ``int`` or ``float`` that rounds to less than 1,000 in
    absolute value (no thousands to group); None otherwise (Babel formats it).

    Babel's steps: the number's shortest decimal form (``str``), its sign apart (``-0.0``
    keeps its minus, as «-0,00»), the absolute value normalised and quantized in the current
    decimal context (half to even). A diary write formats a few numbers of its trend, and
    Babel's pattern machinery costs tens of microseconds a number; the result is the same
    (``tests/test_wording_numbers.py`` compares the two)."""
    kind = type(x)
    if (kind is not float and kind is not int) or not 0 <= digits < len(_QUANTA):
        return None
    if not -1000 < x < 1000:  # also NaN
        return None
    value = Decimal(str(x))
    rounded = abs(value).normalize().quantize(_QUANTA[digits])
    if rounded >= 1000:
        return None
    text = f"{rounded:f}"
    return "-" + text if value.is_signed() else text


def _decimal(x: float | int, digits: int) -> Decimal:
    fast = _below_thousand(x, digits)
    if fast is not None:
        return Decimal(fast)
    from babel.numbers import format_decimal

    return Decimal(format_decimal(x, format="0." + "0" * digits if digits else "0", locale="en"))


def number(x: float | int, digits: int = 0, *, group: bool = True) -> str:
    """``x`` in Russian: decimal comma, ``digits`` after it, no-break-space thousands («1 234,5»).

    ``group=False`` leaves out the thousands separator (cells a spreadsheet reads as numbers).
    """
    fast = _below_thousand(x, digits)
    if fast is not None:
        return fast.replace(".", ",")
    from babel.numbers import format_decimal

    frac = "." + "0" * digits if digits else ""
    pattern = ("#,##0" if group else "0") + frac
    return str(format_decimal(x, format=pattern, locale=LOCALE))


def plural(
    n: int | float | Decimal, one: str, few: str, many: str, other: str | None = None
) -> str:
    """The form of a word that agrees with ``n``: ``plural(21, "день", "дня", "дней")``."""
    forms = (one, few, many, other if other is not None else few)
    return forms[_CATEGORY_INDEX[plural_category(n)]]


def _form(n: Decimal, noun: str, case: Case) -> str:
    try:
        forms = NOUNS[noun]
    except KeyError:
        raise KeyError(f"no Russian forms for {noun!r}: add it to wording.NOUNS") from None
    category = plural_category(n)
    if case == "gent":
        return forms[4] if category in ("one", "other") else forms[5]
    return forms[_CATEGORY_INDEX[category]]


def count(n: int | float, noun: str, *, digits: int = 0, case: Case = "nomn") -> str:
    """A number with the noun that agrees with it: «21 день», «3 эпизода», «2,5 дня»;
    ``case="gent"`` after «не меньше», «из», «больше»: «не меньше 21 дня»."""
    shown = _decimal(n, digits)
    return f"{number(n, digits)} {_form(shown, noun, case)}"


def word(n: int | float, noun: str, *, digits: int = 0, case: Case = "nomn") -> str:
    """Only the agreeing form of ``noun`` (for tables whose number sits in another column)."""
    return _form(_decimal(n, digits), noun, case)


def duration(seconds: int | float) -> str:
    """A duration as people say it: «45 с», «1 мин», «2 мин 30 с», «1 ч 5 мин» (no «0 с»)."""
    total = round(seconds)
    if total < 60:
        return f"{total} с"
    hours, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{number(hours)} ч")
    if mins:
        parts.append(f"{mins} мин")
    if secs and not hours:
        parts.append(f"{secs} с")
    return " ".join(parts)


def minutes(seconds: int | float | None, digits: int = 1) -> str:
    """Seconds as minutes for a spreadsheet: «2,5»; ``None`` is an empty cell."""
    if seconds is None:
        return ""
    value = number(seconds / 60, digits, group=False)
    # «2,0» reads worse than «2» in a column of minutes; the trailing zeros go.
    return value.rstrip("0").rstrip(",") if "," in value else value


def date(value: dt.date | dt.datetime | None, *, with_time: bool = False) -> str:
    """«1 декабря 2026» (and «, 19:10» with the time of a datetime); empty for ``None``."""
    if value is None:
        return ""
    from babel.dates import format_date

    out = str(format_date(value, "d MMMM y", locale=LOCALE))
    if with_time and isinstance(value, dt.datetime):
        out += f", {value:%H:%M}"
    return out


def short_date(value: dt.date | dt.datetime | None, empty: str = "—") -> str:
    """«01.12.2026» for tables; ``empty`` for ``None``."""
    if value is None:
        return empty
    from babel.dates import format_date

    return str(format_date(value, "dd.MM.y", locale=LOCALE))
