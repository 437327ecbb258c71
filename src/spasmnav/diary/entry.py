"""What a person types to record something, read into a record: the options of ``diary add``
and the parsers of dates, times, durations and numbers the diary commands share.

The options of ``spasmnav diary add`` (:data:`ADD_OPTIONS`) are derived from the episode's
fields (``spasmnav.diary.fields.cli_options``: each field's ``Info`` and its ``Cli`` wording,
its codes, its bounds), as are those of ``diary edit``: a field added to the model has its
option in both, with its help and its checks. The Typer command (``spasmnav.diary.cli``) and
the quick start of ``diary add`` (``spasmnav.diary.quick_add``) are both built from
:data:`ADD_OPTIONS` and both call :func:`new_episode` and :func:`added_line`, so they read,
check and answer alike.

This module imports the models (pydantic) and nothing heavier: no Typer, Rich or SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from .. import wording
from .display import episode_view
from .fields import CliOption, bounds, cli_options
from .models import TRIGGER_HELP as TRIGGER_HELP_TEMPLATE
from .models import (
    TRIGGER_TITLES,
    WHEN_HELP,
    Episode,
    InputError,
    explain_validation,
    parse_trigger,
)

__all__ = [
    "ADD_OPTIONS",
    "AT_HELP",
    "DB_HELP",
    "TRIGGER_HELP",
    "AddOption",
    "added_line",
    "describe",
    "field_bounds",
    "fmt_duration",
    "new_episode",
    "now_minute",
    "one",
    "option_value",
    "parse_codes",
    "parse_date",
    "parse_duration",
    "parse_int",
    "parse_triggers",
    "parse_when",
    "validate_episode",
    "validate_record",
]


# --- parsing what a person types ------------------------------------------------------------


def now_minute() -> dt.datetime:
    return dt.datetime.now().replace(second=0, microsecond=0)


def parse_date(text: str, *, what: str = "дата") -> dt.date:
    value = text.strip().lower()
    today = dt.date.today()
    if value in ("сегодня", "today"):
        return today
    if value in ("вчера", "yesterday"):
        return today - dt.timedelta(days=1)
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InputError(
        [f"{what} «{text}»: не удалось понять дату; напишите, например, 2024-05-01 или 01.05.2024"]
    )


def parse_when(text: str | None, *, now: dt.datetime | None = None) -> dt.datetime:
    """When something happened; a bare time later than now means the day before."""
    now = now or now_minute()
    if text is None or not text.strip():
        return now
    value = re.sub(r"\s+", " ", text.strip().lower().replace("t", " "))
    if value in ("сейчас", "now"):
        return now
    day: dt.date | None = None
    rest = value
    for word, shift in (("сегодня", 0), ("вчера", 1), ("позавчера", 2)):
        if value.startswith(word):
            day = now.date() - dt.timedelta(days=shift)
            rest = value[len(word) :].strip(" ,в")
            break
    if day is None:
        parts = value.split(" ", 1)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4}", parts[0]):
            day = parse_date(parts[0], what="дата")
            rest = parts[1] if len(parts) > 1 else ""
    m = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?", rest) if rest else None
    if rest and (m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59):
        raise InputError(
            [
                f"время «{text}»: не удалось понять; напишите, например, «2024-05-01 23:30» "
                "или «вчера 23:30»"
            ]
        )
    clock = dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) if m else dt.time()
    if day is None:
        stamp = dt.datetime.combine(now.date(), clock)
        return stamp - dt.timedelta(days=1) if stamp > now else stamp
    return dt.datetime.combine(day, clock)


_UNITS = {
    "": 1,
    "s": 1,
    "с": 1,
    "сек": 1,
    "m": 60,
    "min": 60,
    "м": 60,
    "мин": 60,
    "h": 3600,
    "ч": 3600,
    "час": 3600,
}


def parse_duration(text: str) -> int:
    """``30``, ``30с``, ``2мин``, ``1.5 мин``, ``1:30`` → seconds."""
    value = text.strip().lower().replace(",", ".")
    m = re.fullmatch(r"(\d+):(\d{2})", value)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2))
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-zа-я]*)\.?", value)
    if m and m.group(2).rstrip("ау") in _UNITS:
        return round(float(m.group(1)) * _UNITS[m.group(2).rstrip("ау")])
    raise InputError(
        [f"длительность «{text}»: не удалось понять; напишите, например, 30с, 2мин или 1:30"]
    )


def parse_int(text: str, *, what: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError([f"{what}: нужно целое число от {low} до {high}, а не «{text}»"]) from None
    if not low <= value <= high:
        raise InputError([f"{what}: нужно число от {low} до {high}, а указано {value}"])
    return value


def parse_codes(values: list[str] | None, parse: Callable[[str], Any]) -> list[Any]:
    """Codes given once each or comma-separated («-t кофе,стресс»); every bad one is said."""
    out: list[Any] = []
    problems = []
    for value in values or []:
        for part in (p for p in re.split(r"[,;]", value) if p.strip()):
            try:
                out.append(parse(part))
            except ValueError as exc:
                problems.append(str(exc))
    if problems:
        raise InputError(problems)
    return out


def parse_triggers(values: list[str] | None) -> list[str]:
    return parse_codes(values, parse_trigger)


def one(parser: Any, value: str) -> Any:
    try:
        return parser(value)
    except ValueError as exc:
        raise InputError([str(exc)]) from None


def fmt_duration(seconds: int) -> str:
    return wording.duration(seconds)


def describe(e: Episode) -> str:
    """The terminal's line of an episode (``spasmnav.diary.display``, shared with the web)."""
    return episode_view(e).line


M = TypeVar("M", bound=BaseModel)


def validate_record(model: type[M], values: Mapping[str, Any]) -> M:
    """A ``model`` from what a command read; InputError with the Russian messages otherwise."""
    try:
        return model.model_validate(values)
    except ValueError as exc:
        errors = getattr(exc, "errors", None)
        if callable(errors):
            raise InputError(explain_validation(exc)) from None  # type: ignore[arg-type]
        raise InputError([str(exc)]) from None


def validate_episode(values: dict[str, Any]) -> Episode:
    return validate_record(Episode, values)


# --- the options of `diary add`, from the episode's fields ------------------------------------


def field_bounds(name: str) -> tuple[int, int]:
    """The inclusive bounds the episode's field declares (``Field(ge=…, le=…)``)."""
    low, high = bounds(Episode.model_fields[name])
    if not isinstance(low, int) or not isinstance(high, int):
        raise TypeError(f"the episode's field {name} declares no whole-number bounds")
    return low, high


def option_value(o: CliOption, raw: Any, *, edit: bool = False) -> Any:
    """What one derived option's text means for its field (InputError says what is wrong):
    on ``add`` nothing typed is nothing (the time: now); on ``edit`` an empty text clears."""
    if o.how in ("text", "flag", "switch"):
        return raw
    if o.how == "time":
        return parse_when(raw)
    if o.how == "codes":
        assert o.parse is not None
        return parse_codes(raw, o.parse)
    if o.how == "texts":
        return [v for v in (raw or []) if v.strip()]
    if raw is None or (o.nullable and not (raw.strip() if edit else raw)):
        return None
    if o.how == "code":
        return one(o.parse, raw)
    if o.how == "int":
        high = o.upper() if o.upper is not None else o.high
        return parse_int(raw, what=o.what, low=o.low, high=high)
    if o.how == "date":
        return parse_date(raw, what=o.what)
    return parse_duration(raw)


@dataclass(frozen=True, slots=True)
class AddOption:
    """One parameter of ``spasmnav diary add``: how it is typed and the field it fills."""

    param: str
    """The command's parameter name (what :func:`new_episode` reads)."""
    names: tuple[str, ...]
    """Its option names, long first; none for the positional argument."""
    help: str
    field: str | None = None
    """The episode's field it fills (None: not a field, e.g. the database)."""
    parse: Callable[[Any], Any] | None = None
    """The raw value (text, a list of texts, a flag) → the field's value; None: as typed."""
    flag: bool = False
    many: bool = False
    metavar: str | None = None


AT_HELP = WHEN_HELP
TRIGGER_HELP = TRIGGER_HELP_TEMPLATE.replace(
    "{choices}", ", ".join(f"{k} ({v})" for k, v in TRIGGER_TITLES.items())
)
DB_HELP = (
    "Адрес базы данных (SQLAlchemy URL); по умолчанию SPASMNAV_DATABASE_URL или "
    "файл в папке данных пользователя."
)


def _add_option(o: CliOption) -> AddOption:
    parse = None if o.how in ("text", "flag") else functools.partial(option_value, o)
    return AddOption(
        o.param,
        o.names,
        o.help,
        field=o.field,
        parse=parse,
        flag=o.how == "flag",
        many=o.how == "codes",
    )


def _add_options() -> tuple[AddOption, ...]:
    return (
        *(_add_option(o) for o in cli_options(Episode)),
        AddOption("db", ("--db",), DB_HELP, metavar="URL"),
    )


ADD_OPTIONS: tuple[AddOption, ...] = _add_options()
"""The parameters of ``spasmnav diary add``, in the order of its help and of its checks."""


def new_episode(options: Mapping[str, Any]) -> Episode:
    """The episode ``diary add`` records from its parameters (:data:`ADD_OPTIONS` by
    ``param``); InputError with the Russian messages of the first bad value otherwise."""
    values: dict[str, Any] = {}
    for option in ADD_OPTIONS:
        if option.field is None:
            continue
        raw = options.get(option.param, False if option.flag else None)
        values[option.field] = option.parse(raw) if option.parse is not None else raw
    return validate_episode(values)


def added_line(saved: Episode) -> str:
    """What ``diary add`` prints once the episode is saved."""
    return f"Записано: эпизод №{saved.id} — {describe(saved)}."
