"""Each record's fields are declared once (the pydantic model and its ``Info`` markers); every
other shape is derived from it. These tests fail when a field is added to a model but left out
of a derived shape, or when a derivation stops following the model."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, get_origin

import pytest
import typer
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    insert,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase
from typer.testing import CliRunner

import spasmnav.web
from spasmnav.core import default_navigator
from spasmnav.diary import fhir
from spasmnav.diary.cli import (
    DAY_OPTIONS,
    EDIT_OPTIONS,
    EXERCISE_OPTIONS,
    MEDICINE_OPTIONS,
    PROFILE_OPTIONS,
    SCORE_OPTIONS,
    diary_app,
    option_values,
    profile_rows,
    with_options,
)
from spasmnav.diary.display import field_words
from spasmnav.diary.entry import ADD_OPTIONS
from spasmnav.diary.excel import excel_columns, excel_csv
from spasmnav.diary.fields import (
    Cli,
    CliOption,
    Column,
    Info,
    allows_none,
    api_shapes,
    choices,
    cli_options,
    flag_columns,
    info,
    plain_type,
    report_columns,
)
from spasmnav.diary.io import csv_columns, dump_json, read_csv, read_json, write_csv
from spasmnav.diary.models import (
    FIELD_TITLES,
    RECORD_MODELS,
    DayNote,
    Episode,
    ExerciseSession,
    InputError,
    MedicineIntake,
    Profile,
    Record,
    ScaleScore,
    explain_validation,
)
from spasmnav.diary.orm import (
    STAGED_RECORD_ROWS,
    Base,
    PersonRow,
    ProfileRow,
    checks_of,
    columns_of,
)
from spasmnav.diary.report import record_table
from spasmnav.diary.store import RECORD_TYPES, Store
from spasmnav.web.diarykit import PlausibleDate, PlausibleTime
from spasmnav.web.recordforms import checkboxes, form_fields, form_name, from_form, values_of
from spasmnav.web.views.api_diary import EPISODE, NOT_CLEARABLE, SESSION

TEMPLATES = Path(spasmnav.web.__file__).parent / "templates"
ALL_MODELS: tuple[type[BaseModel], ...] = (*RECORD_MODELS, Profile)
STORAGE_ONLY = {"person_id", "day", "updated_at"}  # columns that are no model field

# Each record's command (``spasmnav diary …``) and its options; an assessment is saved from
# the engine's JSON (``diary save-assessment``), not typed field by field.
COMMANDS: dict[type[BaseModel], tuple[tuple[str, tuple[CliOption, ...], list[str]], ...]] = {
    Episode: (("add", cli_options(Episode), []), ("edit", EDIT_OPTIONS, ["episode_id"])),
    DayNote: (("day", DAY_OPTIONS, []),),
    ExerciseSession: (("exercise", EXERCISE_OPTIONS, []),),
    MedicineIntake: (("medicine", MEDICINE_OPTIONS, []),),
    ScaleScore: (("score", SCORE_OPTIONS, []),),
    Profile: (("profile", PROFILE_OPTIONS, []),),
}


def _stored_columns(model: type[BaseModel], name: str) -> list[str]:
    return list(flag_columns(model).get(name, {name: name}).values())


def _table(model: type[BaseModel]) -> Any:
    if model is Profile:
        return ProfileRow.__table__
    assert issubclass(model, Record)
    return Base.metadata.tables[model.table]


def test_every_record_type_is_stored_and_listed() -> None:
    assert set(RECORD_TYPES.values()) == set(RECORD_MODELS)
    assert {m.table for m in RECORD_MODELS} <= set(Base.metadata.tables)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_field_is_in_every_derived_shape(model: type[BaseModel]) -> None:
    table = _table(model)
    columns = {c.name for c in table.columns}
    for name, field in model.model_fields.items():
        meta = info(field)
        assert FIELD_TITLES[name] == meta.title
        for column in _stored_columns(model, name):
            assert column in columns, f"{model.__name__}.{name}: no column {column}"
        if issubclass(model, Record):
            assert (name in csv_columns(model)) == (name != "id")
            assert (name in excel_columns(model)) == meta.table
            shown = {c.field for c in report_columns(model)}
            assert (name in shown) == (meta.table and meta.report is not None), name
        for command, options, _ in COMMANDS.get(model, ()):
            assert (name in {o.field for o in options}) == meta.api, f"diary {command}: {name}"
    # …and nothing is stored that the model does not declare.
    declared = {c for n in model.model_fields for c in _stored_columns(model, n)}
    assert columns - declared <= STORAGE_ONLY


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_columns_follow_the_field_types(model: type[BaseModel]) -> None:
    """NULL exactly when the model admits None; every accepted text fits its column."""
    table = _table(model)
    for name, field in model.model_fields.items():
        if name == "id":
            continue
        for column_name in _stored_columns(model, name):
            column = table.columns[column_name]
            if name in flag_columns(model):
                assert isinstance(column.type, Boolean) and not column.nullable
                continue
            if name not in ("created_at",):  # always set on insert, optional on a model
                assert column.nullable == allows_none(field.annotation), f"{model.__name__}.{name}"
            if isinstance(column.type, String) and not isinstance(column.type, Text):
                longest = [getattr(m, "max_length", None) for m in field.metadata]
                limit = next((n for n in longest if n is not None), None)
                if limit is None:  # a code: every code fits
                    try:
                        limit = max(len(c) for c in choices(field.annotation))
                    except TypeError:
                        limit = info(field).length
                assert limit is not None and limit <= (column.type.length or 0), name


def test_a_field_without_its_info_is_refused() -> None:
    with pytest.raises(TypeError, match="mood"):

        class Moody(Episode):
            mood: int | None = None


def test_two_titles_for_one_name_are_refused() -> None:
    from spasmnav.diary.fields import field_titles

    class Other(BaseModel):
        kind: Annotated[str, Info("тип")]

    with pytest.raises(TypeError, match="two titles"):
        field_titles(Episode, Other)


class Longer(Episode):
    """An episode with one more field, as a future change would add it."""

    table: ClassVar[str] = "episodes_longer"
    mood: Annotated[
        int | None,
        Field(ge=0, le=5),
        Info("настроение", header="Настроение", check="mood", fhir=("mood", "Настроение")),
    ] = None
    calm: Annotated[bool, Info("спокойно", fhir=("calm", "Спокойно"))] = False


class _OtherBase(DeclarativeBase):
    """A metadata of its own: the copy's table must not join the diary's schema."""


def test_a_new_field_reaches_every_derived_shape(tmp_path: Path) -> None:
    # The ORM: a column each, typed and NULL as the field, with the field's CHECK.
    mixin = columns_of(Longer, skip=tuple(Record.model_fields))
    assert {"mood", "calm"} <= set(vars(mixin))

    class LongerRow(columns_of(Longer), _OtherBase):  # type: ignore[misc]
        __tablename__ = "episodes_longer"
        __table_args__ = (*checks_of(Longer),)

    table: Any = LongerRow.__table__
    assert isinstance(table.c.mood.type, Integer) and table.c.mood.nullable
    assert isinstance(table.c.calm.type, Boolean) and not table.c.calm.nullable
    checks = {c.name: str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint)}
    assert checks["mood"] == "mood IS NULL OR (mood >= 0 AND mood <= 5)"
    engine = create_engine(f"sqlite:///{tmp_path}/longer.db")
    _OtherBase.metadata.create_all(engine)
    row = {"uid": "u1", "started_at": dt.datetime(2024, 5, 1), "kind": "cramp", "mood": 6}
    with engine.begin() as c, pytest.raises(IntegrityError):  # the database refuses it too
        c.execute(insert(table).values(row))
    engine.dispose()
    # The lossless CSV and the Excel table.
    assert csv_columns(Longer)[-2:] == ["mood", "calm"]
    record = Longer(started_at=dt.datetime(2024, 5, 1), kind="cramp", mood=3, calm=True)
    out = io.StringIO()
    write_csv([record], out, model=Longer)
    assert out.getvalue().splitlines()[0].split(",")[-2:] == ["mood", "calm"]
    assert read_csv(io.StringIO(out.getvalue()), model=Longer) == [record]
    assert {"mood", "calm"} <= set(excel_columns(Longer))
    header = excel_csv([record], model=Longer).decode("utf-8-sig").splitlines()[0]
    assert "Настроение" in header and "Спокойно" in header
    # The API's three shapes.
    shapes = api_shapes(Longer, name="Longer", time=PlausibleTime, date=PlausibleDate)
    for shape in shapes:
        assert {"mood", "calm"} <= set(shape.model_fields), shape.__name__
    with pytest.raises(ValidationError):
        shapes.create.model_validate({"kind": "cramp", "mood": 6})
    # The web form.
    assert "mood" in form_fields(Longer) and "calm" in checkboxes(Longer)
    form = _Form({"kind": "cramp", "mood": "4", "calm": "1", "full": "1"})
    data = from_form(Longer, form, now=dt.datetime.now)  # type: ignore[arg-type]
    assert data["mood"] == "4" and data["calm"] is True
    # The command line: an option each on add and edit, parsed and checked as the field says.
    add = {o.param: o for o in cli_options(Longer)}
    assert add["mood"].names == ("--mood",) and add["mood"].help == "Настроение."
    assert add["calm"].names == ("--calm",) and add["calm"].how == "flag"
    edit = {o.param: o for o in cli_options(Longer, edit=True)}
    assert edit["calm"].names == ("--calm/--no-calm",)
    seen: list[dict[str, Any]] = []
    app = typer.Typer()

    @app.command()
    @with_options(cli_options(Longer))
    def longer_add(*, db: str | None = None, **given: Any) -> None:
        seen.append(option_values(cli_options(Longer), given))

    @app.command()
    def other() -> None:  # two commands: the first is invoked by its name
        pass

    result = CliRunner().invoke(app, ["longer-add", "cramp", "--mood", "4", "--calm"])
    assert result.exit_code == 0, result.output
    assert seen[0]["mood"] == 4 and seen[0]["calm"] is True and seen[0]["kind"] == "cramp"
    with pytest.raises(InputError, match="настроение: нужно число от 0 до 5"):
        option_values(cli_options(Longer), {**{o.param: None for o in add.values()}, "mood": "9"})
    # FHIR: a component each, read back into the same fields.
    exporter = fhir._Exporter(default_navigator().pack, "urn:patient", "urn:plan")
    parts = exporter.components(record)
    assert {fhir._code_of(p["code"]) for p in parts} >= {"mood", "calm"}
    back = fhir._Reader().components({"component": parts}, Longer)
    assert back["mood"] == 3 and back["calm"] is True
    # The Russian messages of validation.
    with pytest.raises(ValidationError) as exc:
        Longer.model_validate({"started_at": "2024-05-01T10:00", "kind": "cramp", "mood": 9})
    assert explain_validation(exc.value) == ["настроение: должно быть не больше 5, а указано 9"]


def test_the_cli_commands_are_the_derived_options() -> None:
    """``diary add`` / ``edit`` have exactly the derived options (then ``--db``), in order."""
    group: Any = typer.main.get_command(diary_app)
    add_options = cli_options(Episode)
    for name, options, before in (("add", add_options, []), ("edit", EDIT_OPTIONS, ["episode_id"])):
        params = group.commands[name].params
        assert [p.name for p in params] == [*before, *(o.param for o in options), "db"]
        for p, o in zip(params[len(before) : -1], options, strict=True):
            assert getattr(p, "help", None) == o.help
    written = {n for n, f in Episode.model_fields.items() if info(f).api}
    assert {o.field for o in add_options} == written
    # The quick start of `diary add` reads the same declaration.
    assert [o.param for o in ADD_OPTIONS] == [*(o.param for o in add_options), "db"]
    assert [o.names for o in ADD_OPTIONS][:-1] == [o.names for o in add_options]


@pytest.mark.parametrize("model", list(COMMANDS), ids=lambda m: m.__name__)
def test_every_record_command_is_its_derived_options(model: type[BaseModel]) -> None:
    """``diary day`` / ``exercise`` / ``medicine`` / ``score`` / ``profile`` (and ``add`` /
    ``edit``) have exactly the options derived from their model, in order, with their help;
    every field a person writes has its option."""
    group: Any = typer.main.get_command(diary_app)
    written = {n for n, f in model.model_fields.items() if info(f).api}
    for name, options, before in COMMANDS[model]:
        assert cli_options(model, edit=name in ("edit", "profile")) == options
        params = group.commands[name].params
        assert [p.name for p in params] == [*before, *(o.param for o in options), "db"], name
        for p, o in zip(params[len(before) : -1], options, strict=True):
            assert getattr(p, "help", None) == o.help, (name, o.param)
            if not o.argument:
                assert set(p.opts) | set(p.secondary_opts) >= {
                    n for spelled in o.names for n in spelled.split("/")
                }
        assert {o.field for o in options} == written, name


def test_the_record_commands_keep_their_option_names() -> None:
    """The names the README and people's habits use, now derived, are still there."""
    group: Any = typer.main.get_command(diary_app)

    def names(command: str) -> set[str]:
        params = group.commands[command].params
        return {n for p in params for n in (*p.opts, *getattr(p, "secondary_opts", ()))}

    assert {"--trigger", "-t", "--note", "--db"} <= names("day")
    assert {"--reps", "--sets", "--at", "--when", "--note"} <= names("exercise")
    assert {"--amount", "--at", "--when", "--note"} <= names("medicine")
    assert {"--by", "--leg", "-l", "--muscle", "--at", "--when"} <= names("score")
    assert {
        "--birth-year",
        "--stroke-date",
        "--diabetes",
        "--no-diabetes",
        "--thyroid-surgery",
        "--no-thyroid-surgery",
        "--pregnancy",
        "--no-pregnancy",
        "--diuretics",
        "--no-diuretics",
        "--medicine",
    } <= names("profile")
    arguments = {
        c: [p.name for p in group.commands[c].params if p.param_type_name == "argument"]
        for c in ("day", "exercise", "medicine", "score")
    }
    assert arguments == {
        "day": ["day"],
        "exercise": ["exercise_id"],
        "medicine": ["name"],
        "score": ["scale", "score"],
    }


_MOOD = Annotated[
    int | None,
    Field(ge=0, le=5),
    Info("настроение", header="Настроение", cli=Cli(("--mood", "-m"), rank=50)),
]
_CALM = Annotated[bool, Info("спокойно")]
_SMOKER = Annotated[bool | None, Info("курит")]
_SEEN = Annotated[dt.date | None, Info("осмотрен")]


class LongerDay(DayNote):
    mood: _MOOD = None


class LongerSession(ExerciseSession):
    mood: _MOOD = None
    calm: _CALM = False


class LongerIntake(MedicineIntake):
    seen: _SEEN = None


class LongerScore(ScaleScore):
    calm: _CALM = False


class LongerProfile(Profile):
    smoker: _SMOKER = None
    seen: _SEEN = None


@pytest.mark.parametrize(
    ("model", "edit", "given", "expected"),
    [
        (LongerDay, False, {"mood": "2", "day": "2024-05-01"}, {"mood": 2}),
        (LongerSession, False, {"mood": "4", "calm": True, "exercise_id": "x"}, {"calm": True}),
        (LongerIntake, False, {"seen": "01.05.2024", "name": "x"}, {"seen": dt.date(2024, 5, 1)}),
        (
            LongerScore,
            False,
            {"calm": True, "scale": "пенн", "score": "2"},
            {"calm": True, "scale": "penn"},
        ),
        (LongerProfile, True, {"smoker": False, "seen": ""}, {"smoker": False, "seen": None}),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else None,
)
def test_a_new_field_reaches_its_records_command(
    model: type[BaseModel], edit: bool, given: dict[str, Any], expected: dict[str, Any]
) -> None:
    """A field added to any record model is an option of its command, read and checked as
    its type and bounds say, with the Typer parameter a person types."""
    options = cli_options(model, edit=edit)
    added = set(model.model_fields) - set(model.__mro__[1].model_fields)  # type: ignore[attr-defined]
    assert added <= {o.field for o in options}
    by_field = {o.field: o for o in options if o.how != "clear"}
    if "mood" in added:
        assert by_field["mood"].names == ("--mood", "-m") and by_field["mood"].how == "int"
    if "calm" in added:
        assert by_field["calm"].names == ("--calm",) and by_field["calm"].how == "flag"
    if "smoker" in added:
        assert by_field["smoker"].names == ("--smoker/--no-smoker",)
    if "seen" in added:
        assert by_field["seen"].how == "date"
    raw = {o.param: False if o.how in ("flag", "clear") else None for o in options}
    values = option_values(options, {**raw, **given}, edit=edit)
    assert {k: values[k] for k in expected} == expected
    if "mood" in added:
        with pytest.raises(InputError, match="настроение: нужно число от 0 до 5"):
            option_values(options, {**raw, **given, "mood": "6"}, edit=edit)
    seen: list[dict[str, Any]] = []
    app = typer.Typer()

    @app.command()
    @with_options(options)
    def command(*, db: str | None = None, **typed: Any) -> None:
        seen.append(option_values(options, typed, edit=edit))

    @app.command()
    def other() -> None:  # two commands: the first is invoked by its name
        pass

    argv = ["command"]
    for o in options:
        value = given.get(o.field)
        if value is None:
            continue
        if o.argument:
            argv.append(str(value))
        elif o.how in ("flag", "switch"):
            argv.append(o.names[0].split("/")[0 if value else 1])
        else:
            argv += [o.names[0], str(value)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert {k: seen[0][k] for k in expected} == expected


def test_the_profile_command_shows_every_field() -> None:
    rows = profile_rows(Profile(birth_year=1950, diabetes=False, medicines=["баклофен", "x"]))
    titles = [info(f).title for f in Profile.model_fields.values()]
    assert [label.lower() for label, _ in rows] == titles
    shown = dict(rows)
    assert shown["Год рождения"] == "1950" and shown["Диабет"] == "нет"
    assert shown["Лекарства"] == "баклофен; x" and shown["Дата инсульта"] == "не указано"


# --- the doctor's report -----------------------------------------------------------------------

# What the doctor's table of episodes leaves out (the exports keep everything): a field added
# to the episode is in the table unless it is added here and declared ``report=None``.
NOT_IN_THE_REPORT = {
    "id",
    "uid",
    "created_at",
    "place",
    "note",
    "disturbs_sleep",
    "disturbs_walking",
}


def test_the_reports_episode_table_is_derived_from_the_episode(cramp_episode: Episode) -> None:
    shown = [c.field for c in report_columns(Episode)]
    assert set(Episode.model_fields) - set(shown) == NOT_IN_THE_REPORT
    e = cramp_episode
    table = record_table([e])
    assert table.headers == (
        "Когда",
        "Нога",
        "Что",
        "Сила 0–10",
        "Сколько",
        "Что помогло",
        "Провокаторы",
    )
    assert sum(table.widths) == 180  # the page's width between the margins, in mm
    assert table.rows == (
        (
            "01.05.2024 23:30",
            "левая",
            "судорога (крампи)",
            "6",
            "2 мин 30 с",
            "растяжка",
            "кофеин, холод",
        ),
    )
    assert record_table([Episode(started_at=e.started_at, kind="spasm")]).rows[0][1:] == (
        "—",
        "спазм",
        "—",
        "—",
        "—",
        "—",
    )


def test_the_pdf_draws_the_derived_episode_table(tmp_path: Path, pdf_texts: list[str]) -> None:
    """The PDF's appendix draws exactly :func:`record_table`'s headers and cells (every text
    the PDF draws passes through ``normalize_text``)."""
    from spasmnav.diary import report

    drawn = pdf_texts
    episode = Episode(
        started_at=dt.datetime(2024, 5, 1, 23, 30),
        kind="tremor",
        leg="both",
        duration_seconds=3 * 3600 + 120,
        helped="тёплая ванночка для ног",
        triggers=("heat",),
        place="не в таблице",
    )
    with Store(f"sqlite:///{tmp_path}/d.db") as store:
        person = store.default_person_id()
        store.add_episode(person_id=person, episode=episode)
        data = report.gather_report(store, person_id=person, today=dt.date(2024, 5, 2))
    pdf = report.render_report(data)
    assert pdf.startswith(b"%PDF")
    table = record_table(data.episodes)
    at = drawn.index("Приложение: записи дневника")
    shown = drawn[at:]
    for text in (*table.headers, *table.rows[0]):
        assert text in shown, text
    assert "3 ч 2 мин" in table.rows[0] and "не в таблице" not in shown


def test_a_new_field_reaches_the_reports_table() -> None:
    class Ranked(Longer):
        table: ClassVar[str] = "episodes_ranked"
        pain: Annotated[
            int | None, Field(ge=0, le=10), Info("боль", report=Column("Боль", width=9, rank=3))
        ] = None
        hidden: Annotated[str | None, Info("скрыто", report=None)] = None

    record = Ranked(
        started_at=dt.datetime(2024, 5, 1), kind="cramp", mood=3, calm=True, pain=4, hidden="x"
    )
    table = record_table([record], model=Ranked)
    cells = dict(zip(table.headers, table.rows[0], strict=True))
    assert cells["Настроение"] == "3" and cells["Спокойно"] == "да"  # by default: the end
    assert table.headers[-2:] == ("Настроение", "Спокойно")
    assert table.headers.index("Боль") == table.headers.index("Сила 0–10") + 1  # its rank
    assert cells["Боль"] == "4" and "Скрыто" not in table.headers


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_field_has_its_words(model: type[BaseModel]) -> None:
    """The presenter words every field of every model (the report, ``diary profile``)."""
    values: dict[str, Any] = {n: _value(model, n) for n in model.model_fields if n != "id"}
    for name, value in values.items():
        words = field_words(model, name, value)
        assert words and words != "—", (model.__name__, name)
        if info(model.model_fields[name]).words:
            assert all(c not in words for c in ("caffeine", "left", "ashworth", "self"))


def test_every_record_table_is_derived_from_its_model() -> None:
    """Table name, CHECKs and the index in time order of every record table come from its
    model (and equal the migrations': ``test_checks_are_the_migrations``, the schema tests)."""
    rows: dict[str, Any] = {}
    for row in STAGED_RECORD_ROWS:
        table: Any = row.__table__
        rows[table.name] = table
    assert set(rows) == {m.table for m in RECORD_MODELS}
    for model in RECORD_MODELS:
        table = rows[model.table]
        checks = sorted(str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint))
        assert checks == sorted(str(c.sqltext) for c in checks_of(model)), model.__name__
        in_time_order = [
            *([c.name for c in i.columns] for i in table.indexes),
            *(
                [c.name for c in u.columns]
                for u in table.constraints
                if isinstance(u, UniqueConstraint)
            ),
        ]
        assert ["person_id", model.time_field] in in_time_order, model.__name__


def test_checks_are_the_migrations(tmp_path: Path) -> None:
    """The CHECK constraints derived from the bounds are the ones the migrations created."""
    with Store(f"sqlite:///{tmp_path}/d.db") as store:
        found = {
            c["name"]: c["sqltext"]
            for c in sa_inspect(store.engine).get_check_constraints("episodes")
        }
    # Revision 0001 named them "ck_episodes_duration" under the "ck_%(table)s_" convention,
    # so the database holds "ck_episodes_ck_episodes_duration": the text is what counts.
    derived = {str(c.name): str(c.sqltext) for c in checks_of(Episode)}
    assert sorted(derived.values()) == sorted(found.values())
    assert all(any(str(n).endswith(f"_{d}") for n in found) for d in derived)


def test_api_shapes_are_the_models_fields() -> None:
    for model, shapes in ((Episode, EPISODE), (ExerciseSession, SESSION)):
        written = {n for n, f in model.model_fields.items() if info(f).api}
        assert set(shapes.create.model_fields) == written
        assert set(shapes.patch.model_fields) == written
        assert set(shapes.read.model_fields) == set(model.model_fields)
        # A PATCH with nothing is valid: every field optional.
        assert shapes.patch.model_validate({}).model_dump(exclude_unset=True) == {}
    assert set(NOT_CLEARABLE) == {
        "started_at",
        "kind",
        "triggers",
        "disturbs_sleep",
        "disturbs_walking",
    }


def test_api_create_shape_is_strict_and_keeps_the_models_limits() -> None:
    create = EPISODE.create
    ok = create.model_validate({"kind": "cramp", "intensity": 3, "triggers": ["cold"]})
    assert ok.model_dump(exclude_unset=True) == {
        "kind": "cramp",
        "intensity": 3,
        "triggers": ["cold"],
    }
    for bad in (
        {"kind": "cramp", "intensity": "3"},  # strict: text is not a number
        {"kind": "cramp", "intensity": 11},  # the model's limit
        {"kind": "cramp", "disturbs_sleep": 1},  # strict: 1 is not true
        {"kind": "cramp", "place": "x" * 201},
        {"kind": "cramp", "triggers": ["cold"] * 9},  # more than there are triggers
        {"kind": "cramp", "started_at": 0},  # times are text, not Unix seconds
        {"kind": "cramp", "uid": "x"},  # assigned by the diary
        {"intensity": 3},  # the kind is required
    ):
        with pytest.raises(ValidationError):
            create.model_validate(bad)


def test_episode_form_template_has_every_form_field() -> None:
    template = (TEMPLATES / "episode_form.html").read_text(encoding="utf-8")
    names = set(re.findall(r'name="([a-z_]+)"', template))
    assert set(form_fields(Episode)) | set(checkboxes(Episode)) <= names


class _Form(dict[str, Any]):
    """A minimal stand-in for Starlette's FormData (get, getlist, in)."""

    def getlist(self, key: str) -> list[Any]:
        value = self.get(key)
        return value if isinstance(value, list) else [] if value is None else [value]


episodes = st.builds(
    Episode,
    started_at=st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1)).map(
        lambda t: t.replace(second=0, microsecond=0)
    ),
    kind=st.sampled_from(["twitch", "cramp", "spasm", "tremor", "stiffness"]),
    leg=st.sampled_from([None, "left", "right", "both"]),
    place=st.one_of(st.none(), st.text("абв xyz", min_size=1, max_size=20).map(str.strip)).map(
        lambda v: v or None
    ),
    duration_seconds=st.one_of(st.none(), st.integers(0, 600).map(lambda m: m * 30)),
    intensity=st.one_of(st.none(), st.integers(0, 10)),
    triggers=st.lists(st.sampled_from(["cold", "stress", "caffeine"]), unique=True).map(tuple),
    disturbs_sleep=st.booleans(),
    disturbs_walking=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(episodes)
def test_form_round_trip(e: Episode) -> None:
    """An episode shown in the edit form and sent back unchanged is the same episode."""
    shown = values_of(e)
    form = _Form({k: v for k, v in shown.items() if v is not False})
    for name in ("disturbs_sleep", "disturbs_walking"):
        if shown[name]:
            form[name] = "1"
    form["full"] = "1"
    data = from_form(Episode, form, now=dt.datetime.now)  # type: ignore[arg-type]
    back = Episode.model_validate({**data, "uid": e.uid})
    assert back.model_dump(exclude={"created_at"}) == e.model_dump(exclude={"created_at"})
    assert form_name(Episode, "duration_seconds") in shown


# --- every field survives every lossless format ---------------------------------------------

# Values a type alone cannot give: a grade of its scale, an assessment as the engine writes it.
_DOMAIN: dict[tuple[str, str], Any] = {
    ("ScaleScore", "score"): "1+",
    ("ScaleScore", "scale"): "ashworth",
    ("Assessment", "level"): "doctor",
}


def _value(model: type[BaseModel], name: str) -> Any:
    """A value of the field that is not its default, so a format that drops it is caught."""
    if (model.__name__, name) in _DOMAIN:
        return _DOMAIN[model.__name__, name]
    field = model.model_fields[name]
    t = plain_type(field.annotation)
    if t is bool:
        return True
    if t is int:
        low = next((m.ge for m in field.metadata if hasattr(m, "ge")), 0)
        high = next((m.le for m in field.metadata if hasattr(m, "le")), low + 100)
        return min(high, low + 3)
    if t is dt.datetime:
        return dt.datetime(2024, 5, 1, 10, 30) if name != "created_at" else dt.datetime(2024, 5, 2)
    if t is dt.date:
        return dt.date(2024, 5, 1)
    if get_origin(t) is tuple:
        return choices(t)[:2]
    if get_origin(t) is list:
        return ["текст", "ещё"]
    if get_origin(t) is Literal:
        return choices(t)[-1]
    if t is dict or get_origin(t) is dict:
        return {"triage": {"level": "doctor"}, "schema_version": 1}
    if t is str:
        return "abc_1" if name.endswith("_id") else "текст"
    raise AssertionError(f"no test value for {model.__name__}.{name}: {t!r}")


def _full(model: type[Record]) -> Record:
    return model.model_validate(
        {n: _value(model, n) for n in model.model_fields if n not in ("id", "uid")}
    )


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_every_field_survives_csv_json_and_the_database(
    model: type[Record], tmp_path: Path
) -> None:
    record = _full(model)
    out = io.StringIO()
    write_csv([record], out, model=model)
    assert read_csv(io.StringIO(out.getvalue()), model=model) == [record]
    with Store(f"sqlite:///{tmp_path}/d.db") as store:
        person = store.default_person_id()
        store.import_records([record], person_id=person)
        (stored,) = store.list_records(model, person_id=person)
        assert stored.model_dump(exclude={"id"}) == record.model_dump(exclude={"id"})
        _, back = read_json(dump_json(store, person_id=person))
        assert back == [record]


def test_every_field_survives_fhir(tmp_path: Path) -> None:
    """The components are derived (``Info.fhir``), the rest of the FHIR mapping (times, kinds,
    legs, grades, extensions) is written by hand: a field added to a model and mapped nowhere
    is lost in a clinic's copy, and this test says which."""
    records = [_full(m) for m in RECORD_MODELS]
    with Store(f"sqlite:///{tmp_path}/d.db") as store:
        person = store.default_person_id()
        store.import_records(records, person_id=person)
        bundle = json.loads(json.dumps(fhir.bundle_for(store, person)))
        target = store.ensure_person(key="copy")
        with store.writing() as s:
            s.execute(delete(PersonRow).where(PersonRow.id == person))
        fhir.import_bundle(store, target, bundle)
        for record in records:
            (back,) = store.list_records(type(record), person_id=target)
            assert back.model_dump(exclude={"id"}) == record.model_dump(exclude={"id"})
