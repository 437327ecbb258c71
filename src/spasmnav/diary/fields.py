"""What the diary knows about each field of a record, declared once, beside the field.

Every field of a diary model carries one :class:`Info` marker in its ``Annotated`` type: its
Russian title and how it is stored and shown. Everything that used to repeat the field list is
derived from the model and these markers:

* the ORM columns (``spasmnav.diary.orm.columns_of``): type from the annotation, length from
  ``Info.length`` or the field's ``max_length``, NULL when the field admits ``None``;
* the Russian field titles of validation messages and the Excel headers (``FIELD_TITLES``);
* the API's create / patch / read shapes (:func:`api_shapes`);
* the web form's fields (``spasmnav.web.recordforms``);
* the lossless CSV columns (``spasmnav.diary.io.csv_columns``: the model's field order);
* the options of ``spasmnav diary add`` / ``edit``, ``day``, ``exercise``, ``medicine``,
  ``score`` and ``profile`` (:func:`cli_options`: plain data, no Typer, so a fast path may read
  it too), worded by an optional :class:`Cli` in the ``Info``;
* the columns of the doctor's report's table of episodes (:func:`report_columns`), worded by
  an optional :class:`Column` in the ``Info`` (``report=None``: not in that table);
* the components of the FHIR Observations (``Info.fhir``: written and read back);
* the database's CHECK constraints of bounded fields (``Info.check``), the primary key, the
  unique ``uid`` and the time stamp of writing (``spasmnav.diary.orm``).

The migrations stay explicit history; a test compares them with the derived ORM.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

from annotated_types import MaxLen
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, create_model
from pydantic.fields import FieldInfo

__all__ = [
    "Cli",
    "CliOption",
    "Column",
    "Info",
    "ListColumn",
    "Listed",
    "ReportColumn",
    "Shapes",
    "allows_none",
    "api_shapes",
    "bounds",
    "check_described",
    "choices",
    "cli_options",
    "field_titles",
    "flag_columns",
    "info",
    "kept_texts",
    "list_columns",
    "max_length",
    "not_clearable",
    "plain_type",
    "read_shape",
    "report_columns",
    "stats_columns",
    "text_length",
]


@dataclass(frozen=True, slots=True)
class Cli:
    """How ``spasmnav diary add`` and ``edit`` word a field (``Info.cli``). A field without
    one still has its option: ``--field-name``, its capitalised title as the help."""

    names: tuple[str, ...] = ()
    """Option names (``("--leg", "-l")``); the first names the parameter. Default
    ``--field-name``."""
    help: str | None = None
    """The help on ``add``; ``{choices}`` is replaced by the codes and their titles."""
    edit_help: str | None = None
    """The help on ``edit`` (default: the capitalised title)."""
    parse: Callable[[str], Any] | None = None
    """A code's parser (Russian words welcome); its ValueError is the message shown."""
    argument: bool = False
    """Positional on ``add`` (the one thing a quick entry must say); ``--name`` on edit."""
    default: str | None = None
    """What a positional argument left out means, as a person would type it («сегодня»)."""
    upper: Callable[[], Any] | None = None
    """An upper bound tighter than the field's, known only when the command runs (a year of
    birth is not in the future; the model admits up to its ``le`` for stored data)."""
    rank: int = 100
    """Where the option stands in the help (lower first; equal ranks keep field order)."""


@dataclass(frozen=True, slots=True)
class Column:
    """How the doctor's report (the PDF) heads and sizes a field's column in its table of
    episodes (``Info.report``). A field without one still has its column: its header is the
    ``Info.header`` or the capitalised title."""

    header: str | None = None
    width: float = 20
    """Relative width (the table spans the page; the shipped widths add up to 180 mm)."""
    rank: int = 100
    """Where the column stands (lower first; equal ranks keep field order)."""
    empty: str = "—"
    """What the report says for nothing («не указан»)."""
    aside: Callable[[Any, dt.date], str] | None = None
    """Words after a value, given the report's day (a year of birth: the age)."""


@dataclass(frozen=True, slots=True)
class Listed:
    """The field's part of the terminal's table of records (``spasmnav diary list``;
    ``Info.listed``). Fields of one ``header`` share its column, their words joined by «; »
    in ``rank`` order; the column stands at the rank of its first part."""

    header: str
    rank: int
    right: bool = False
    """Aligned right (numbers)."""
    mark: str | None = None
    """A yes/no field's words when yes (no says nothing)."""
    prefix: str = ""
    """Words before the value («помогло: »)."""


@dataclass(frozen=True, slots=True)
class Info:
    """How a person and the database know one field (put it in the field's ``Annotated``)."""

    title: str
    """Russian name of the field: validation messages, the Excel header (capitalised)."""
    header: str | None = None
    """The Excel header when it is not the capitalised title (e.g. a unit)."""
    length: int | None = None
    """VARCHAR length of a text or a code; without it the field's ``max_length``, else TEXT."""
    text: bool = False
    """Stored as TEXT whatever its ``max_length``."""
    words: Mapping[str, str] | None = None
    """The Russian title of each code (Excel cells, lists)."""
    minutes: bool = False
    """A duration in seconds that people read and type in minutes (``*_seconds`` fields)."""
    flags: str | None = None
    """A set of codes stored as one boolean column per code, named ``flags + code``."""
    table: bool = True
    """Shown in the people's tables (Excel); ids and the raw assessment are not."""
    api: bool = True
    """Written through the API and the forms (``False``: assigned by the diary itself)."""
    primary_key: bool = False
    """The table's primary key (the database assigns it)."""
    unique: bool = False
    """Unique over the whole table (``uid``)."""
    stamp: bool = False
    """Set to the time of writing when stored: NOT NULL in the database, though a record not
    yet stored has none (``created_at``)."""
    check: str | None = None
    """Name of the database CHECK constraint holding the field's bounds (``ge`` / ``le``)."""
    check_upper: bool = True
    """Whether that CHECK holds the upper bound too (the migrations of ``duration`` wrote the
    lower bound alone; the model's upper bound is checked by the model)."""
    cli: Cli | None = None
    """The wording of the field's command-line option (:func:`cli_options`)."""
    report: Column | None = Column()
    """Its column in the doctor's report (:func:`report_columns`); None: not in the table
    (the report shows what a doctor reads at a glance; every field is in the exports)."""
    listed: Listed | None = None
    """Its part of the terminal's table of records (:func:`list_columns`); None: not there."""
    ask: str | None = None
    """How the web's profile page asks a yes/no field (``web.views.checkin.PROFILE_FLAGS``)."""
    kept: int | None = None
    """A free text a person types at length, kept for them when the web refuses a form (the
    page of a stale CSRF token shows it back to copy): its place there (:func:`kept_texts`)."""
    stats: int | None = None
    """An input of the per-day statistics of trends (``spasmnav.diary.orm.day_sums``): its
    place in the covering index that the per-day scan reads alone (:func:`stats_columns`;
    revision 0002 wrote that index, so a change here needs a migration)."""
    fhir: tuple[str, str] | None = None
    """The field as a component of its FHIR Observation: the code and its display in
    SpasmNav's code system (``spasmnav.diary.fhir``); a set of codes is one component each
    (``code-value``), a duration in seconds a UCUM quantity."""

    def __post_init__(self) -> None:
        if self.minutes and not self.header:
            raise ValueError("a field shown in minutes needs its header (with the unit)")


def info(field: FieldInfo) -> Info:
    """The field's :class:`Info`; a field without one is a programming error."""
    for item in field.metadata:
        if isinstance(item, Info):
            return item
    raise TypeError(f"field {field!r} has no Info marker (its title, storage)")


def check_described(model: type[BaseModel]) -> None:
    """Every field of ``model`` has its :class:`Info` (called when a model class is made)."""
    missing = [
        n for n, f in model.model_fields.items() if not any(isinstance(m, Info) for m in f.metadata)
    ]
    if missing:
        raise TypeError(f"{model.__name__}: fields without an Info marker: {', '.join(missing)}")


def bounds(field: FieldInfo) -> tuple[Any, Any]:
    """The field's ``ge`` and ``le`` (None where it has none)."""
    low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    return low, high


def max_length(field: FieldInfo) -> int | None:
    """The field's ``max_length`` (None where it has none)."""
    return next((m.max_length for m in field.metadata if hasattr(m, "max_length")), None)


def text_length(model: type[BaseModel], name: str) -> int | None:
    """The longest text ``model``'s field ``name`` stores (its column's length): the
    ``Info.length`` of a code, else the field's ``max_length``; None: unbounded."""
    field = model.model_fields[name]
    return info(field).length or max_length(field)


def _args_without_none(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return (annotation,)


def allows_none(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def plain_type(annotation: Any) -> Any:
    """The annotation without ``| None`` (diary fields have one type besides None)."""
    args = _args_without_none(annotation)
    if len(args) != 1:
        raise TypeError(f"a diary field has one type (or None), not {annotation!r}")
    return args[0]


def choices(annotation: Any) -> tuple[str, ...]:
    """The codes a Literal field (or a tuple of them) may hold, in their declared order."""
    t = plain_type(annotation)
    if get_origin(t) in (tuple, list):
        t = get_args(t)[0]
    if get_origin(t) is not Literal:
        raise TypeError(f"not a field of codes: {annotation!r}")
    return tuple(get_args(t))


@functools.cache
def flag_columns(model: type[BaseModel]) -> dict[str, dict[str, str]]:
    """Fields stored as one boolean column per code: field → {code: column} (shared: read
    it, do not change it)."""
    out: dict[str, dict[str, str]] = {}
    for name, field in model.model_fields.items():
        prefix = info(field).flags
        if prefix is not None:
            out[name] = {code: prefix + code for code in choices(field.annotation)}
    return out


def field_titles(*models: type[BaseModel]) -> dict[str, str]:
    """Field name → Russian title over ``models``; one name has one title everywhere."""
    titles: dict[str, str] = {}
    for model in models:
        for name, field in model.model_fields.items():
            title = info(field).title
            if titles.setdefault(name, title) != title:
                raise TypeError(f"field {name} has two titles: {titles[name]!r} and {title!r}")
    return titles


def kept_texts(*models: type[BaseModel]) -> dict[str, str]:
    """The fields marked ``Info.kept`` over ``models``: name → capitalised title, in the
    marks' order (one name is one text whichever form sent it)."""
    marked: dict[str, tuple[int, str]] = {}
    for model in models:
        for name, field in model.model_fields.items():
            meta = info(field)
            if meta.kept is not None:
                marked.setdefault(name, (meta.kept, meta.title[:1].upper() + meta.title[1:]))
    return {name: title for name, (_, title) in sorted(marked.items(), key=lambda kv: kv[1][0])}


def not_clearable(model: type[BaseModel]) -> tuple[str, ...]:
    """Fields an update cannot set to nothing (their type does not admit None)."""
    return tuple(
        name
        for name, field in model.model_fields.items()
        if info(field).api and not allows_none(field.annotation)
    )


def stats_columns(model: type[BaseModel]) -> tuple[str, ...]:
    """The stored columns of the fields marked ``Info.stats``, in that order (a set of codes
    gives its boolean columns, in the codes' order)."""
    marked = sorted(
        (meta.stats, index, name)
        for index, (name, field) in enumerate(model.model_fields.items())
        if (meta := info(field)).stats is not None
    )
    flags = flag_columns(model)
    return tuple(
        column
        for _, _, name in marked
        for column in (flags[name].values() if name in flags else (name,))
    )


# --- the API's shapes ------------------------------------------------------------------------


class Shapes(NamedTuple):
    """The API's three shapes of one record: what a client sends, changes, and reads back."""

    create: type[BaseModel]
    patch: type[BaseModel]
    read: type[BaseModel]


def _with_constraints(t: Any, field: FieldInfo) -> Any:
    """``t`` with the field's constraints (ge, le, max_length, pattern …), without its Info."""
    constraints = [m for m in field.metadata if not isinstance(m, Info)]
    return Annotated[t, *constraints] if constraints else t


def _strict(t: Any, *, time: Any, date: Any) -> Any:
    """A JSON client's type: no "5" for 5, no 1 for true, times as checked text."""
    if t is bool:
        return StrictBool
    if t is int:
        return StrictInt
    if t is dt.datetime:
        return time
    if t is dt.date:
        return date
    if get_origin(t) is tuple:
        item = get_args(t)[0]
        return Annotated[list[item], MaxLen(len(choices(t)))]  # type: ignore[valid-type]
    return t


def _readable(t: Any) -> Any:
    return list[get_args(t)[0]] if get_origin(t) is tuple else t  # type: ignore[misc]


def read_shape(
    model: type[BaseModel],
    *,
    name: str,
    only: tuple[str, ...] | None = None,
    doc: str | None = None,
) -> type[BaseModel]:
    """``{name}``: a record as the API reads it back, ``id`` and every field as stored (or the
    fields ``only``, in the model's order)."""
    fields: dict[str, Any] = {"id": (int, ...)} if "id" in model.model_fields else {}
    for fname, field in model.model_fields.items():
        if fname != "id":
            fields[fname] = (_readable(field.annotation), ...)
    if only is not None:
        unknown = set(only) - set(fields)
        if unknown:
            raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
        fields = {k: v for k, v in fields.items() if k in only}
    return create_model(name, __doc__=doc, **fields)


def api_shapes(
    model: type[BaseModel],
    *,
    name: str,
    time: Any,
    date: Any,
    limits: Mapping[str, tuple[Any, Any]] | None = None,
) -> Shapes:
    """``{name}In``, ``{name}Patch`` and ``{name}Out`` of a diary model, field by field.

    In: the fields a client writes (``Info.api``), strict JSON types, the model's constraints
    and defaults; the record's time field (``time_field``) may be left out (it means now).
    Patch: the same fields, each optional (left out: unchanged). Out: ``id`` and every field
    as stored. ``time``/``date`` are the API's checked time and date types. ``limits`` gives
    a field a stricter API type and default (a bound on what one request may carry).
    """
    time_field = getattr(model, "time_field", None)
    create: dict[str, Any] = {}
    patch: dict[str, Any] = {}
    for fname, field in model.model_fields.items():
        annotation = field.annotation
        base = plain_type(annotation)
        if not info(field).api:
            continue
        strict: Any = _with_constraints(_strict(base, time=time, date=date), field)
        optional = strict | None
        if fname == time_field:
            create[fname] = (optional, None)
        elif field.is_required():
            create[fname] = (strict, ...)
        else:
            default: Any = field.default
            if isinstance(default, tuple):  # a set of codes is a JSON list
                default = Field(default_factory=list)
            elif field.default_factory is not None:
                default = Field(default_factory=field.default_factory)
            create[fname] = (optional if allows_none(annotation) else strict, default)
        if limits and fname in limits:
            strict, default = limits[fname]
            create[fname] = (strict, default)
            optional = strict | None
        patch[fname] = (optional, None)
    config = ConfigDict(extra="forbid")
    what = (model.__doc__ or name).strip().splitlines()[0]
    what = what[:1].lower() + what[1:]
    now = f" ``{time_field}`` defaults to now (local time)." if time_field else ""
    return Shapes(
        create=create_model(
            f"{name}In", __config__=config, __doc__=f"A new record: {what}{now}", **create
        ),
        patch=create_model(
            f"{name}Patch",
            __config__=config,
            __doc__="Fields to change; those left out stay as they are.",
            **patch,
        ),
        read=read_shape(model, name=f"{name}Out", doc=f"A record as stored: {what}"),
    )


# --- the command line's options --------------------------------------------------------------

CliHow = Literal[
    "text", "code", "int", "duration", "time", "date", "codes", "texts", "flag", "switch", "clear"
]


@dataclass(frozen=True, slots=True)
class CliOption:
    """One parameter of a diary command that adds (or, ``edit``, changes) a record, derived
    from a model field.

    ``how`` says what the typed text becomes: ``text`` as typed, ``code`` through ``parse``,
    ``int`` a whole number within ``low``–``high`` (message: ``what``), ``duration`` seconds
    from «30с», «2мин», «1:30», ``time`` a time from «вчера 23:30», ``date`` a day from
    «01.05.2024» or «вчера», ``codes`` a repeatable list of codes (each through ``parse``),
    ``texts`` a repeatable list of free texts, ``flag`` a yes-only switch (``add``),
    ``switch`` ``--x/--no-x`` (``edit``: unset leaves it), ``clear`` empties a list (``edit``).
    """

    field: str
    param: str
    names: tuple[str, ...]
    help: str
    how: CliHow
    what: str
    argument: bool = False
    nullable: bool = True
    low: Any = None
    high: Any = None
    parse: Callable[[str], Any] | None = None
    default: str | None = None
    """A positional argument's text when it is left out (None: it must be given)."""
    upper: Callable[[], Any] | None = None
    """The upper bound when the command runs, if tighter than ``high``."""


def _cli_help(text: str, words: Mapping[str, str] | None) -> str:
    if "{choices}" in text:
        return text.replace("{choices}", ", ".join(f"{k} ({v})" for k, v in (words or {}).items()))
    return text


def _cli_how(model: type[BaseModel], name: str, t: Any, meta: Info, *, edit: bool) -> CliHow:
    cli = meta.cli or Cli()
    if name == getattr(model, "time_field", None) and t is dt.datetime:
        return "time"
    if meta.minutes:
        return "duration"
    if t is bool:
        return "switch" if edit else "flag"
    if t is int:
        return "int"
    if t is dt.date:
        return "date"
    if get_origin(t) in (tuple, list) and cli.parse is not None:
        return "codes"
    if get_origin(t) in (tuple, list) and get_args(t)[0] is str:
        return "texts"
    if get_origin(t) is Literal and cli.parse is not None:
        return "code"
    if t is str or get_origin(t) is Literal:
        return "text"
    raise TypeError(f"{model.__name__}.{name}: no command-line option for {t!r}")


def cli_options(model: type[BaseModel], *, edit: bool = False) -> tuple[CliOption, ...]:
    """The options of the command that adds (or, ``edit``, changes) a ``model`` record: one
    per field written through the API (``Info.api``), in ``Cli.rank`` order."""
    ranked: list[tuple[int, int, list[CliOption]]] = []
    for index, (name, field) in enumerate(model.model_fields.items()):
        meta = info(field)
        if not meta.api:
            continue
        cli = meta.cli or Cli()
        t = plain_type(field.annotation)
        names = cli.names or ("--" + name.replace("_", "-"),)
        title = meta.title[:1].upper() + meta.title[1:]
        chosen = cli.edit_help if edit else cli.help
        help_text = _cli_help(chosen, meta.words) if chosen else f"{title}."
        how = _cli_how(model, name, t, meta, edit=edit)
        argument = cli.argument and not edit
        if argument:
            param = name
            names = ()
        else:
            param = names[0].removeprefix("--").replace("-", "_")
            if edit and cli.argument:
                names = ("--" + name.replace("_", "-"),)
                param = name
        if how == "switch":
            names = (f"{names[0]}/--no-{names[0].removeprefix('--')}", *names[1:])
        low, high = bounds(field)
        options = [
            CliOption(
                field=name,
                param=param,
                names=names,
                help=help_text,
                how=how,
                what=meta.title,
                argument=argument,
                nullable=allows_none(field.annotation),
                low=low,
                high=high,
                parse=cli.parse,
                default=cli.default if argument else None,
                upper=cli.upper,
            )
        ]
        if edit and how in ("codes", "texts"):
            options.append(
                CliOption(
                    field=name,
                    param=f"clear_{name}",
                    names=(f"--clear-{name.replace('_', '-')}",),
                    help=f"Убрать все {meta.title}.",
                    how="clear",
                    what=meta.title,
                )
            )
        ranked.append((cli.rank, index, options))
    return tuple(o for _, _, options in sorted(ranked, key=lambda r: r[:2]) for o in options)


# --- the doctor's report ---------------------------------------------------------------------


class ReportColumn(NamedTuple):
    """One column of the doctor's report's table of records (or one line of its list of the
    profile's fields): the field, header, width, the words for nothing and after a value."""

    field: str
    header: str
    width: float
    empty: str = "—"
    aside: Callable[[Any, dt.date], str] | None = None


def report_columns(model: type[BaseModel]) -> tuple[ReportColumn, ...]:
    """The columns of the report's table of ``model`` records: every field shown in the
    people's tables (``Info.table``) whose ``Info.report`` is not None, in ``Column.rank``
    order (equal ranks keep the model's order)."""
    ranked: list[tuple[int, int, ReportColumn]] = []
    for index, (name, field) in enumerate(model.model_fields.items()):
        meta = info(field)
        if not meta.table or meta.report is None:
            continue
        header = meta.report.header or meta.header or meta.title[:1].upper() + meta.title[1:]
        column = meta.report
        ranked.append(
            (
                column.rank,
                index,
                ReportColumn(name, header, column.width, column.empty, column.aside),
            )
        )
    return tuple(c for _, _, c in sorted(ranked, key=lambda r: r[:2]))


# --- the terminal's list ---------------------------------------------------------------------


class ListColumn(NamedTuple):
    """One column of the terminal's table of records: its header, alignment and the fields
    whose words it shows (with how each is worded), in order."""

    header: str
    right: bool
    parts: tuple[tuple[str, Listed], ...]


def list_columns(model: type[BaseModel]) -> tuple[ListColumn, ...]:
    """The columns of ``spasmnav diary list``'s table of ``model`` records: every field with
    an ``Info.listed``, grouped by header, in rank order (equal ranks keep field order)."""
    marked = sorted(
        (meta.listed.rank, index, name, meta.listed)
        for index, (name, field) in enumerate(model.model_fields.items())
        if (meta := info(field)).listed is not None
    )
    columns: dict[str, list[tuple[str, Listed]]] = {}
    for _, _, name, listed in marked:
        columns.setdefault(listed.header, []).append((name, listed))
    return tuple(
        ListColumn(header, parts[0][1].right, tuple(parts)) for header, parts in columns.items()
    )
