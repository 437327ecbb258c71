"""Diary commands: ``spasmnav diary …``, ``spasmnav trends``, ``report`` and ``plan``.

A thin layer: parse what the person typed (Russian words welcome), call the store and the
analytics, print in Russian. Bad input exits with code 2 and a clear message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from .. import wording
from ..clitext import ask_yes_no
from .display import LIST_COLUMNS, episode_view, field_words
from .entry import (
    ADD_OPTIONS,
    DB_HELP,
    AddOption,
    added_line,
    new_episode,
    option_value,
    parse_date,
    parse_duration,
    parse_when,
    validate_record,
)
from .entry import describe as _describe
from .entry import one as _one
from .fields import CliOption, cli_options, info
from .ics import DEFAULT_BREATHING_TIMES, DEFAULT_SESSION_TIMES, build_plan, parse_times
from .models import (
    SCALE_TITLES,
    DayNote,
    DiaryError,
    Episode,
    ExerciseSession,
    InputError,
    MedicineIntake,
    NotFoundError,
    Profile,
    ScaleScore,
    parse_kind,
)
from .store import RECORD_TYPES, Store

if TYPE_CHECKING:
    from .analytics import Analysis

# The analysis (numpy), the assessment of a diary (the content pack) and the import and
# export formats are imported by the commands that use them: a quick `diary add` needs none.

__all__ = [
    "DAY_OPTIONS",
    "EDIT_OPTIONS",
    "EXERCISE_OPTIONS",
    "MEDICINE_OPTIONS",
    "PROFILE_OPTIONS",
    "SCORE_OPTIONS",
    "diary_app",
    "option_values",
    "parse_duration",
    "parse_when",
    "profile_rows",
    "register",
    "with_options",
]

diary_app = typer.Typer(
    name="diary",
    help="Дневник симптомов: эпизоды, провокаторы, упражнения, лекарства, шкалы.",
    no_args_is_help=True,
)
# Plain consoles: what a person typed («[/x]», «:smile:») is printed as typed, never read as
# Rich markup or an emoji code; the few styled lines say their style.
out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, markup=False, emoji=False)

DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP, metavar="URL")]


# --- running commands -----------------------------------------------------------------------


@contextmanager
def _guard() -> Iterator[None]:
    """Turn every expected failure into a Russian message and an exit code."""
    try:
        yield
    except InputError as exc:
        for problem in exc.problems:
            err.print(f"Ошибка: {problem}")
        raise typer.Exit(2) from None
    except NotFoundError as exc:
        err.print(f"Ошибка: {exc}.")
        raise typer.Exit(1) from None
    except DiaryError as exc:
        err.print(f"Ошибка: {exc}")
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        err.print(f"Ошибка базы данных: {reason}")
        raise typer.Exit(1) from None
    except OSError as exc:
        err.print(f"Ошибка файла: {exc.strerror or exc} ({exc.filename or ''})")
        raise typer.Exit(1) from None


@contextmanager
def _store(db: str | None) -> Iterator[tuple[Store, int]]:
    with _guard():
        try:
            store = Store(db)
        except ValueError as exc:  # unparseable URL
            raise InputError([f"не удалось понять адрес базы данных: {exc}"]) from None
        try:
            yield store, store.default_person_id()
        finally:
            store.close()


# --- diary commands -------------------------------------------------------------------------


def _add(**options: Any) -> None:
    """Записать эпизод одной короткой командой: spasmnav diary add cramp --leg left -i 6"""
    with _guard():
        episode = new_episode(options)
    with _store(options["db"]) as (store, person):
        saved = store.add_episode(person_id=person, episode=episode)
    out.print(added_line(saved))


def _typer_parameter(option: AddOption) -> inspect.Parameter:
    """One parameter of ``diary add`` as Typer reads it, from :data:`entry.ADD_OPTIONS`."""
    annotation: Any
    default: Any = None
    if not option.names:
        annotation = Annotated[str, typer.Argument(help=option.help, show_default=False)]
        default = inspect.Parameter.empty
    elif option.flag:
        annotation = Annotated[bool, typer.Option(*option.names, help=option.help)]
        default = False
    else:
        kind: Any = list[str] | None if option.many else str | None
        annotation = Annotated[
            kind, typer.Option(*option.names, help=option.help, metavar=option.metavar)
        ]
    return inspect.Parameter(
        option.param, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


# The command's parameters are those of the one declaration (`entry.ADD_OPTIONS`), which the
# quick start of `diary add` (`spasmnav.diary.quick_add`) reads as well.
_add.__signature__ = inspect.Signature([_typer_parameter(o) for o in ADD_OPTIONS])  # type: ignore[attr-defined]
add = diary_app.command("add")(_add)


@diary_app.command("list")
def list_(
    since: Annotated[str | None, typer.Option(help="С какой даты.")] = None,
    until: Annotated[str | None, typer.Option(help="По какую дату (включительно).")] = None,
    kind: Annotated[str | None, typer.Option(help="Только этот вид.")] = None,
    limit: Annotated[int, typer.Option(help="Сколько последних показать (0 — все).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Вывести JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Показать последние эпизоды."""
    with _guard():
        since_d = parse_date(since, what="--since") if since else None
        until_d = parse_date(until, what="--until") if until else None
        kinds = [_one(parse_kind, kind)] if kind else None
        if limit < 0:
            raise InputError(["--limit: нужно число не меньше 0"])
    with _store(db) as (store, person):
        episodes = store.list_episodes(
            person_id=person, since=since_d, until=until_d, kinds=kinds, limit=limit or None
        )
        total = store.count_records(Episode, person_id=person)
    if as_json:
        sys.stdout.write(
            json.dumps([e.model_dump(mode="json") for e in episodes], ensure_ascii=False, indent=2)
            + "\n"
        )
        return
    if not episodes:
        out.print("Эпизодов пока нет. Записать: spasmnav diary add cramp --leg left -i 6")
        return
    table = Table(title=f"Эпизоды (показано {len(episodes)} из {total})", show_lines=False)
    for column in LIST_COLUMNS:
        table.add_column(
            column.header, justify="right" if column.right else "left", overflow="fold"
        )
    for e in episodes:
        table.add_row(*episode_view(e).cells())
    out.print(table)


# --- `diary edit`: its options derived from the episode's fields -------------------------------


def _parameter(o: CliOption) -> inspect.Parameter:
    """The Typer parameter of one derived option (``spasmnav.diary.fields.cli_options``)."""
    annotation: Any
    default: Any = None
    if o.argument:
        annotation = Annotated[str, typer.Argument(help=o.help, show_default=o.default is not None)]
        default = inspect.Parameter.empty if o.default is None else o.default
    elif o.how in ("codes", "texts"):
        annotation = Annotated[list[str] | None, typer.Option(*o.names, help=o.help)]
    elif o.how in ("flag", "clear"):
        annotation = Annotated[bool, typer.Option(*o.names, help=o.help)]
        default = False
    elif o.how == "switch":
        annotation = Annotated[bool | None, typer.Option(*o.names, help=o.help)]
    else:
        annotation = Annotated[str | None, typer.Option(*o.names, help=o.help)]
    return inspect.Parameter(
        o.param, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


_DB_PARAMETER = inspect.Parameter(
    "db", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DbOption
)


def with_options(
    options: tuple[CliOption, ...], *, before: tuple[inspect.Parameter, ...] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a ``**given`` command the Typer parameters of ``options`` (then ``--db``)."""

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        params = [*before, *(_parameter(o) for o in options), _DB_PARAMETER]
        func.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        func.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
        return func

    return decorate


def option_values(
    options: tuple[CliOption, ...], given: dict[str, Any], *, edit: bool = False
) -> dict[str, Any]:
    """The record's fields from the options given (``entry.option_value`` each): every field
    on ``add`` (a field that cannot be empty and was not given is left to the model's default
    or its «не указано»); on ``edit`` only those given (an empty text clears one)."""
    values: dict[str, Any] = {}
    for o in options:
        raw = given[o.param]
        if o.how == "clear":
            if raw:
                values.setdefault(o.field, [])  # new codes given as well replace the old
            continue
        if edit and raw is None:
            continue
        value = option_value(o, raw, edit=edit)
        if value is None and not o.nullable:
            continue
        values[o.field] = value
    return values


EDIT_OPTIONS = cli_options(Episode, edit=True)

_EPISODE_ID = inspect.Parameter(
    "episode_id",
    inspect.Parameter.KEYWORD_ONLY,
    annotation=Annotated[int, typer.Argument(help="Номер эпизода (из spasmnav diary list).")],
)


@diary_app.command("edit")
@with_options(EDIT_OPTIONS, before=(_EPISODE_ID,))
def edit(*, episode_id: int, db: str | None = None, **given: Any) -> None:
    """Исправить эпизод: меняются только указанные поля."""
    with _guard():
        changes = option_values(EDIT_OPTIONS, given, edit=True)
        if not changes:
            raise InputError(["не указано, что изменить (например --intensity 5)"])
    with _store(db) as (store, person):
        saved = store.update_episode(person_id=person, episode_id=episode_id, changes=changes)
    out.print(f"Исправлено: эпизод №{saved.id} — {_describe(saved)}.")


@diary_app.command("delete")
def delete(
    episode_id: Annotated[int, typer.Argument(help="Номер эпизода.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Не переспрашивать.")] = False,
    db: DbOption = None,
) -> None:
    """Удалить эпизод (с подтверждением)."""
    with _store(db) as (store, person):
        episode = store.get_episode(person_id=person, episode_id=episode_id)
        if not yes and not ask_yes_no(f"Удалить эпизод №{episode_id} ({_describe(episode)})?"):
            out.print("Ничего не удалено.")
            return
        store.delete_episode(person_id=person, episode_id=episode_id)
    out.print(f"Удалён эпизод №{episode_id}.")


@diary_app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="Файл CSV, JSON или FHIR (Bundle в JSON).")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, json или fhir (FHIR R4 Bundle).")
    ] = None,
    table: Annotated[
        str, typer.Option(help="Для CSV — вид записей: " + ", ".join(RECORD_TYPES))
    ] = "episodes",
    db: DbOption = None,
) -> None:
    """Загрузить записи из файла: всё или ничего; ошибки — с номерами строк."""
    from .io import import_file

    with _store(db) as (store, person):
        result = import_file(store, path, person_id=person, fmt=fmt, table=table)
    msg = f"Загружено записей: {result.added}"
    if result.skipped:
        msg += f"; уже были в дневнике (пропущены): {result.skipped}"
    if result.merged:
        msg += f"; объединено с имеющимися днями: {result.merged}"
    out.print(msg + ".")


@diary_app.command("export")
def export(
    path: Annotated[str, typer.Argument(help="Куда сохранить (- — на экран).")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv или json (без потерь, для программ и для обратного импорта); excel — "
            "таблица для Excel (русские заголовки, «;», минуты); xlsx — файл Excel; "
            "fhir — FHIR R4 Bundle (всё).",
        ),
    ] = None,
    table: Annotated[
        str, typer.Option(help="Для таблиц — вид записей: " + ", ".join(RECORD_TYPES))
    ] = "episodes",
    db: DbOption = None,
) -> None:
    """Сохранить дневник: CSV или JSON без потерь, FHIR R4 (всё), таблица для Excel (CSV, XLSX)."""
    from .io import detect_format, export_file, table_name

    with _guard():
        kind = (fmt or "").strip().lower()
        if not kind and path == "-":
            kind = "json"
        elif not kind:
            suffix = Path(path).suffix.lower()
            kind = "xlsx" if suffix == ".xlsx" else detect_format(Path(path), None)
        if kind not in ("csv", "json", "fhir", "excel", "xlsx"):
            raise InputError(
                [f"формат «{fmt}» не поддерживается; можно: csv, json, fhir, excel, xlsx"]
            )
        table = table_name(table)
    if kind in ("excel", "xlsx"):
        _export_table(path, kind, table, db)
        return
    with _store(db) as (store, person):
        if path == "-":
            n = export_file(store, sys.stdout, person_id=person, fmt=kind, table=table)
            return
        target = Path(path)
        tmp = target.with_name(target.name + ".part")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            n = export_file(store, fh, person_id=person, fmt=kind, table=table)
        tmp.replace(target)
    out.print(f"Сохранено записей: {n} → {path}")


def _export_table(path: str, kind: str, table: str, db: str | None) -> None:
    """The diary as a table for a person: «для Excel» CSV or XLSX (written whole, then moved)."""
    from .excel import excel_csv, excel_xlsx
    from .io import TABLE_TITLES

    model = RECORD_TYPES[table]
    with _store(db) as (store, person):
        records = store.list_records(model, person_id=person)
    body = (
        excel_csv(records, model=model)
        if kind == "excel"
        else excel_xlsx(records, model=model, title=TABLE_TITLES[table])
    )
    if path == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        return
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    try:
        tmp.write_bytes(body)
        tmp.replace(target)
    except OSError as exc:
        err.print(f"Ошибка: не удалось сохранить {path}: {exc.strerror}")
        raise typer.Exit(1) from None
    out.print(f"Сохранено записей: {len(records)} → {path}")


# --- the other records: their options derived from their fields, as those of `diary add` ---

DAY_OPTIONS = cli_options(DayNote)
EXERCISE_OPTIONS = cli_options(ExerciseSession)
MEDICINE_OPTIONS = cli_options(MedicineIntake)
SCORE_OPTIONS = cli_options(ScaleScore)
PROFILE_OPTIONS = cli_options(Profile, edit=True)


@diary_app.command("day")
@with_options(DAY_OPTIONS)
def day(*, db: str | None = None, **given: Any) -> None:
    """Отметить провокаторы дня — и в дни без эпизодов, чтобы сравнение было честным."""
    with _guard():
        values = option_values(DAY_OPTIONS, given)
        if not values.get("triggers") and not (values.get("note") or "").strip():
            raise InputError(["укажите провокаторы (-t кофе) или заметку (--note)"])
        record = validate_record(DayNote, values)
    with _store(db) as (store, person):
        saved = store.add_day_note(person_id=person, note=record)
    names = field_words(DayNote, "triggers", saved.triggers, empty="нет")
    out.print(f"День {saved.day:%d.%m.%Y}: провокаторы — {names}.")


@diary_app.command("exercise")
@with_options(EXERCISE_OPTIONS)
def exercise(*, db: str | None = None, **given: Any) -> None:
    """Отметить выполненное упражнение."""
    with _guard():
        session = validate_record(ExerciseSession, option_values(EXERCISE_OPTIONS, given))
    with _store(db) as (store, person):
        saved = store.add_exercise_session(person_id=person, session=session)
    out.print(f"Записано: {saved.exercise_id}, {saved.done_at:%d.%m.%Y %H:%M}.")


@diary_app.command("medicine")
@with_options(MEDICINE_OPTIONS)
def medicine(*, db: str | None = None, **given: Any) -> None:
    """Записать приём лекарства (только для памяти и врача; программа ничего не советует)."""
    with _guard():
        intake = validate_record(MedicineIntake, option_values(MEDICINE_OPTIONS, given))
    with _store(db) as (store, person):
        saved = store.add_medicine_intake(person_id=person, intake=intake)
    out.print(f"Записано: {saved.name}, {saved.taken_at:%d.%m.%Y %H:%M}.")


@diary_app.command("score")
@with_options(SCORE_OPTIONS)
def score(*, db: str | None = None, **given: Any) -> None:
    """Записать оценку по шкале Ашворта (со слов врача) или Пенна (самооценка)."""
    with _guard():
        values = option_values(SCORE_OPTIONS, given)
        # Modified Ashworth is a clinician's examination; Penn is the person's own count.
        values.setdefault("recorded_by", "clinician" if values["scale"] == "ashworth" else "self")
        record = validate_record(ScaleScore, values)
    with _store(db) as (store, person):
        saved = store.add_scale_score(person_id=person, score=record)
    out.print(f"Записано: {SCALE_TITLES[saved.scale]} — {saved.score}.")


@diary_app.command("profile")
@with_options(PROFILE_OPTIONS)
def profile(*, db: str | None = None, **given: Any) -> None:
    """Показать или изменить профиль (всё необязательно)."""
    with _guard():
        changes = option_values(PROFILE_OPTIONS, given, edit=True)
    with _store(db) as (store, person):
        current = (
            store.update_profile(person_id=person, changes=changes)
            if changes
            else store.get_profile(person_id=person)
        )
    _print_profile(current)


def profile_rows(p: Profile) -> list[tuple[str, str]]:
    """``diary profile``'s table: every field of the profile, its title and its words."""
    rows = []
    for name, field in Profile.model_fields.items():
        title = info(field).title
        rows.append(
            (
                title[:1].upper() + title[1:],
                field_words(Profile, name, getattr(p, name), empty="не указано"),
            )
        )
    return rows


def _print_profile(p: Profile) -> None:
    table = Table(title="Профиль", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    for label, value in profile_rows(p):
        table.add_row(label, value)
    out.print(table)


@diary_app.command("save-assessment")
def save_assessment(
    path: Annotated[str, typer.Argument(help="JSON оценки (spasmnav assess --json), - — stdin.")],
    text: Annotated[str | None, typer.Option(help="Текст, по которому сделана оценка.")] = None,
    db: DbOption = None,
) -> None:
    """Сохранить оценку в дневник, чтобы она попала в отчёт для врача."""
    with _guard():
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError([f"неверный JSON: {exc.msg} (строка {exc.lineno})"]) from None
        if not isinstance(data, dict):
            raise InputError(["ожидался JSON-объект оценки"])
    with _store(db) as (store, person):
        saved = store.save_assessment(person_id=person, data=data, text=text or data.get("text"))
    out.print(f"Оценка сохранена (№{saved.id}, уровень: {saved.level}).")


# --- trends, report, plan -------------------------------------------------------------------


def _analysis(
    store: Store,
    person: int,
    *,
    since: str | None,
    until: str | None,
    change: str | None,
    change_label: str,
) -> Analysis:
    since_d = parse_date(since, what="--since") if since else None
    until_d = parse_date(until, what="--until") if until else None
    change_d = parse_date(change, what="--change") if change else None
    from .analytics import analyse

    data = store.diary_data(person_id=person, since=since_d, until=until_d)
    return analyse(data, today=dt.date.today(), change_date=change_d, change_label=change_label)


def trends(
    since: Annotated[str | None, typer.Option(help="С какой даты.")] = None,
    until: Annotated[str | None, typer.Option(help="По какую дату.")] = None,
    change: Annotated[
        str | None,
        typer.Option(help="Дата изменения (новое лекарство, ботулотоксин, ТМС, упражнения)."),
    ] = None,
    change_label: Annotated[
        str, typer.Option(help="Как назвать изменение в выводе.")
    ] = "изменения",
    plots: Annotated[Path | None, typer.Option(help="Папка для графиков.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Формат графиков: png или svg.")] = "png",
    as_json: Annotated[bool, typer.Option("--json", help="Вывести JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Динамика по дневнику: частота, сила, провокаторы, до и после, упражнения."""
    with _guard():
        if fmt not in ("png", "svg"):
            raise InputError([f"формат графиков «{fmt}» не поддерживается; можно: png, svg"])
    with _store(db) as (store, person):
        a = _analysis(
            store, person, since=since, until=until, change=change, change_label=change_label
        )
    from .analytics import fmt_number
    from .feedback import assess_diary

    view = assess_diary(a.findings)
    if plots is not None:
        with _guard():
            from .plots import save_charts

            paths = save_charts(a, plots, fmt=fmt)
    if as_json:
        from ..presenter import trends_json

        payload = trends_json(a, view)
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if not a.total_episodes:
        out.print("Эпизодов пока нет. Записать: spasmnav diary add cramp --leg left -i 6")
        return
    heading = Text(f"Дневник: {a.start:%d.%m.%Y} — {a.end:%d.%m.%Y}", style="bold")
    out.print(heading.append(f" ({a.rate_text})", style="not bold"))
    out.print(f"Итог: {a.trend.title}.", style="bold")

    for part in (a.trend.frequency, a.trend.intensity):
        out.print(part.plain)
        if part.summary:  # the statistics behind the plain words, for whoever wants them
            out.print(f"  {part.text}", style="dim")
    if a.duration_days is not None:
        out.print(f"Текущий период симптомов: {wording.count(a.duration_days, 'день')}.")
    if a.sleep_episodes or a.walking_episodes:
        out.print(
            f"Мешали спать: {wording.count(a.sleep_episodes, 'эпизод')}; "
            f"мешали ходить: {wording.count(a.walking_episodes, 'эпизод')}."
        )
    weeks = Table(title="По неделям (последние 12)")
    for col in ("Неделя с", "Дней", "Эпизодов", "Неделя", "Средняя сила"):
        weeks.add_column(col, justify="right")
    for w in a.weeks[-12:]:
        weeks.add_row(
            f"{w.start:%d.%m.%Y}",
            str(w.days),
            str(w.episodes),
            "полная" if w.complete else "не полная",
            "—" if w.mean_intensity is None else fmt_number(w.mean_intensity, 1),
        )
    out.print(weeks)
    if a.triggers:
        trig = Table(title="Провокаторы: эпизодов в день с ним и без него")
        for col in (
            "Провокатор",
            "Дней с ним",
            "Эп./день",
            "Без него",
            "Отношение (95 % ДИ)",
            "Вывод",
        ):
            trig.add_column(col)
        for t in a.triggers:
            ratio = (
                f"{fmt_number(t.ratio)} ({fmt_number(t.ci_low or 0)}–{fmt_number(t.ci_high or 0)})"
                if t.ratio is not None
                else "—"
            )
            trig.add_row(
                t.label,
                str(t.days_with),
                fmt_number(t.rate_with or 0),
                fmt_number(t.rate_without or 0),
                ratio,
                {
                    "higher": "чаще",
                    "lower": "реже",
                    "no_clear_difference": "разницы не видно",
                    "not_enough_data": "мало данных",
                }[t.verdict],
            )
        out.print(trig)
        if a.triggers_note:
            out.print(a.triggers_note)
    if a.before_after is not None:
        out.print(a.before_after.text)
    out.print(a.adherence.text)
    if view:
        out.print(f"Что это значит: {view.title}", style="bold")
        for reason in view.reasons[:3]:
            out.print(f"• {reason.text}")
    if plots is not None:
        out.print("Графики: " + ", ".join(str(p) for p in paths))


def report(
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Куда сохранить PDF.")],
    change: Annotated[
        str | None, typer.Option(help="Дата изменения для сравнения до/после.")
    ] = None,
    change_label: Annotated[str, typer.Option(help="Как назвать изменение.")] = "изменения",
    db: DbOption = None,
) -> None:
    """Отчёт для врача в PDF (1–2 страницы)."""
    from .report import build_report

    with _guard():
        change_d = parse_date(change, what="--change") if change else None
    with _store(db) as (store, person):
        build_report(
            store, out_path, person_id=person, change_date=change_d, change_label=change_label
        )
    out.print(f"Отчёт сохранён: {out_path}")


_DEFAULT_TIMES = ",".join(t.strftime("%H:%M") for t in DEFAULT_SESSION_TIMES)
_DEFAULT_BREATHING = ",".join(t.strftime("%H:%M") for t in DEFAULT_BREATHING_TIMES)


def plan(
    ics: Annotated[Path, typer.Option("--ics", help="Куда сохранить календарь (.ics).")],
    times: Annotated[
        str, typer.Option(help="Время занятий упражнениями (2–3 в день).")
    ] = _DEFAULT_TIMES,
    breathing: Annotated[
        str, typer.Option(help="Время дыхания 4-4-6 (утром и вечером).")
    ] = _DEFAULT_BREATHING,
    start: Annotated[str | None, typer.Option(help="С какого дня (по умолчанию сегодня).")] = None,
    weeks: Annotated[
        int | None, typer.Option(help="Сколько недель (по умолчанию без конца).")
    ] = None,
) -> None:
    """План упражнений и дыхания как повторяющиеся события календаря (телефон напомнит)."""
    with _guard():
        from ..content import load_pack

        try:
            exercises = load_pack().exercises
        except Exception as exc:  # the pack reports its own problems
            raise DiaryError(f"не удалось загрузить набор упражнений: {exc}") from None
        data = build_plan(
            exercises,
            session_times=parse_times(times),
            breathing_times=parse_times(breathing),
            start=parse_date(start, what="--start") if start else dt.date.today(),
            weeks=weeks,
        )
        ics.parent.mkdir(parents=True, exist_ok=True)
        ics.write_bytes(data)
    out.print(f"Календарь сохранён: {ics}. Откройте файл на телефоне, чтобы добавить напоминания.")


def _quick_add_only(argv: list[str]) -> bool:
    """``spasmnav diary add …``: the one command a quick entry needs."""
    words = [a for a in argv if not a.startswith("-")]
    return words[:2] == ["diary", "add"] and "--help" not in argv


def register(app: typer.Typer) -> None:
    """Add ``diary`` and the top-level ``trends``, ``report`` and ``plan`` to the main app.

    For ``diary add`` the diary group holds that one command: Typer builds the parameters of
    every command of a group it runs, which would cost a quick entry more than its write."""
    if _quick_add_only(sys.argv[1:]):
        quick = typer.Typer(name="diary", help=diary_app.info.help, no_args_is_help=True)
        quick.command("add")(add)
        app.add_typer(quick, name="diary")
        return
    app.add_typer(diary_app, name="diary")
    app.command("trends")(trends)
    app.command("report")(report)
    app.command("plan")(plan)
