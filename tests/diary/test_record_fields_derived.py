"""More shapes derived from the records' declarations (``Info`` in ``spasmnav.diary.models``):
the doctor's report's «Кто» block, the columns of ``spasmnav diary list`` and the covering
index of the per-day statistics. Each test fails when a field is added to a model without
reaching the derived place (or the derived place names what the model does not declare)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, ClassVar

import pytest
from pydantic import Field
from sqlalchemy import Column as SqlColumn
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.sql import visitors
from typer.testing import CliRunner

from spasmnav.diary import report
from spasmnav.diary.cli import diary_app
from spasmnav.diary.display import LIST_COLUMNS, episode_view, list_cells
from spasmnav.diary.fields import (
    Column,
    Info,
    Listed,
    flag_columns,
    info,
    list_columns,
    report_columns,
    stats_columns,
    text_length,
)
from spasmnav.diary.models import Episode, Profile
from spasmnav.diary.orm import STATS_INDEX_COLUMNS, Base, EpisodeRow, day_sums
from spasmnav.diary.store import Store

TODAY = dt.date(2024, 5, 2)

# --- the «Кто» block of the doctor's report ------------------------------------------------


def test_the_who_block_is_the_profiles_declaration() -> None:
    """Every field of the profile is a line, headed and ordered by its ``Info.report``."""
    columns = report_columns(Profile)
    assert [c.field for c in columns] == list(Profile.model_fields)
    empty = report._who(Profile(), TODAY)
    assert [label for label, _ in empty] == [c.header for c in columns]
    assert empty == [
        ("Год рождения", "не указан"),
        ("Инсульт", "не указан"),
        ("Сахарный диабет", "не указано"),
        ("Операция на щитовидной", "не указано"),
        ("Беременность", "не указано"),
        ("Мочегонные", "не указано"),
        ("Лекарства (со слов)", "не указаны"),
    ]
    filled = Profile(
        birth_year=1950,
        stroke_date=dt.date(2023, 10, 5),
        diabetes=False,
        thyroid_surgery=True,
        pregnancy=None,
        diuretics=True,
        medicines=["баклофен", "магний"],
    )
    assert dict(report._who(filled, TODAY)) == {
        "Год рождения": "1950 (около 74 лет)",
        "Инсульт": "05.10.2023",
        "Сахарный диабет": "нет",
        "Операция на щитовидной": "да",
        "Беременность": "не указано",
        "Мочегонные": "да",
        "Лекарства (со слов)": "баклофен; магний",
    }


class _LongerProfile(Profile):
    """A profile with two more fields, as a future change would add them."""

    weight_kg: Annotated[
        int | None,
        Field(ge=20, le=300),
        Info("вес", report=Column("Вес, кг", empty="не указан", rank=1)),
    ] = None
    secret: Annotated[str | None, Info("скрыто", report=None)] = None


def test_a_new_profile_field_reaches_the_who_block() -> None:
    rows = report._who(_LongerProfile(weight_kg=70, secret="x", birth_year=1950), TODAY)
    labels = [label for label, _ in rows]
    assert ("Вес, кг", "70") in rows and "Скрыто" not in labels
    assert labels.index("Вес, кг") == 0  # its rank (the shipped fields keep rank 100)
    assert ("Вес, кг", "не указан") in report._who(_LongerProfile(), TODAY)


def test_the_pdf_draws_the_who_block(tmp_path: Path, pdf_texts: list[str]) -> None:
    drawn = pdf_texts
    with Store(f"sqlite:///{tmp_path}/d.db") as store:
        person = store.default_person_id()
        store.set_profile(person_id=person, profile=Profile(birth_year=1950, diabetes=True))
        data = report.gather_report(store, person_id=person, today=TODAY)
    assert report.render_report(data).startswith(b"%PDF")
    shown = drawn[drawn.index("Кто") :]
    for label, words in report._who(data.profile or Profile(), TODAY):
        assert label in "".join(shown) and words in "".join(shown), label


# --- the columns of `spasmnav diary list` ----------------------------------------------------

# What the terminal's list leaves out: a field added to the episode is not listed unless it
# declares ``Info.listed`` (the list is narrow); a field here that gets one fails the test.
NOT_LISTED = {"uid", "created_at"}


def test_the_list_columns_are_the_episodes_declaration() -> None:
    listed = {name for c in LIST_COLUMNS for name, _ in c.parts}
    assert set(Episode.model_fields) - listed == NOT_LISTED
    assert listed == {n for n, f in Episode.model_fields.items() if info(f).listed is not None}
    assert [(c.header, c.right) for c in LIST_COLUMNS] == [
        ("№", True),
        ("Когда", False),
        ("Что", False),
        ("Нога", False),
        ("Сила", True),
        ("Длит.", True),
        ("Провокаторы", False),
        ("Заметки", False),
    ]
    for column in LIST_COLUMNS:  # a column's header is its parts' header
        assert {listed.header for _, listed in column.parts} == {column.header}


def test_the_list_row_words_every_part(cramp_episode: Episode) -> None:
    e = cramp_episode.model_copy(
        update={"id": 7, "note": "после прогулки", "disturbs_sleep": True, "disturbs_walking": True}
    )
    assert episode_view(e).cells() == (
        "7",
        "01.05.2024 23:30",
        "судорога (крампи)",
        "левая",
        "6",
        "2 мин 30 с",
        "кофеин, холод",
        "мешал спать; мешал ходить; икра; помогло: растяжка; после прогулки",
    )
    bare = Episode(id=8, started_at=e.started_at, kind="spasm", duration_seconds=0)
    assert episode_view(bare).cells()[2:] == ("спазм", "—", "—", "0 с", "—", "—")


class _Listed(Episode):
    table: ClassVar[str] = "episodes_listed"
    mood: Annotated[
        int | None, Field(ge=0, le=5), Info("настроение", listed=Listed("Настр.", 45, right=True))
    ] = None
    calm: Annotated[bool, Info("спокойно", listed=Listed("Заметки", 69, mark="спокойно"))] = False
    unlisted: Annotated[str | None, Info("не в списке")] = None


def test_a_new_field_reaches_the_list() -> None:
    columns = list_columns(_Listed)
    headers = [c.header for c in columns]
    assert (
        headers.index("Настр.") == headers.index("Сила") + 1
        and columns[headers.index("Настр.")].right
    )
    assert all("unlisted" not in dict(c.parts) for c in columns)
    record = _Listed(
        id=1, started_at=dt.datetime(2024, 5, 1), kind="cramp", mood=3, calm=True, note="x"
    )
    cells = dict(zip(headers, list_cells(record, columns), strict=True))
    assert cells["Настр."] == "3" and cells["Заметки"] == "спокойно; x"


def test_diary_list_prints_the_derived_columns(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/d.db"
    runner = CliRunner()
    added = runner.invoke(diary_app, ["add", "cramp", "--leg", "left", "-i", "6", "--db", db])
    assert added.exit_code == 0, added.output
    shown = runner.invoke(diary_app, ["list", "--db", db], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    header = next(line for line in shown.output.splitlines() if "Когда" in line)
    positions = [header.index(c.header) for c in LIST_COLUMNS]
    assert positions == sorted(positions)
    assert "судорога (крампи)" in shown.output and "левая" in shown.output


# --- the covering index of the per-day statistics ---------------------------------------------


def _columns_read(expression: Any) -> set[str]:
    return {
        e.name
        for e in visitors.iterate(expression)
        if isinstance(e, SqlColumn) and e.table is not None and e.table.name == "episodes"
    }


def test_the_stats_index_is_the_fields_the_day_sums_read() -> None:
    """The covering index holds the person, the day and exactly the episode's columns that
    the per-day sums read; those are the fields marked ``Info.stats``."""
    assert ("person_id", "day", *stats_columns(Episode)) == STATS_INDEX_COLUMNS
    read = set().union(*(_columns_read(x) for x in day_sums(EpisodeRow).values()))
    assert read == set(stats_columns(Episode))
    marked = {n for n, f in Episode.model_fields.items() if info(f).stats is not None}
    flags = flag_columns(Episode)
    assert {c for n in marked for c in flags.get(n, {n: n}).values()} == read
    index = next(
        i
        for i in Base.metadata.tables["episodes"].indexes
        if i.name == "ix_episodes_person_day_stats"
    )
    assert tuple(c.name for c in index.columns) == STATS_INDEX_COLUMNS


def test_the_stats_index_is_the_migrations(tmp_path: Path) -> None:
    """The derived index is the one the migrations wrote (no new migration)."""
    with Store(f"sqlite:///{tmp_path}/d.db") as store:
        found = {
            i["name"]: i["column_names"] for i in sa_inspect(store.engine).get_indexes("episodes")
        }
    assert tuple(found["ix_episodes_person_day_stats"]) == STATS_INDEX_COLUMNS


def test_a_new_stats_field_joins_the_index_in_its_place() -> None:
    class Scored(Episode):
        table: ClassVar[str] = "episodes_scored"
        pain: Annotated[int | None, Field(ge=0, le=10), Info("боль", stats=1)] = None

    columns = stats_columns(Scored)
    assert columns[:3] == ("kind", "intensity", "pain")  # equal ranks keep field order
    assert columns[-len(flag_columns(Scored)["triggers"]) :] == tuple(
        flag_columns(Scored)["triggers"].values()
    )


# --- the longest text a form may send ---------------------------------------------------------


def test_the_clinics_form_limits_are_the_stored_lengths() -> None:
    from spasmnav.diary.models import ScaleScore
    from spasmnav.diary.orm import ScaleScoreRow
    from spasmnav.web.views import clinic

    table: Any = ScaleScoreRow.__table__
    for name, limit in (
        ("score", clinic._SCORE_LENGTH),
        ("leg", clinic._LEG_LENGTH),
        ("muscle", clinic._MUSCLE_LENGTH),
    ):
        assert limit == text_length(ScaleScore, name) == table.c[name].type.length, name
    assert text_length(Episode, "note") is not None  # a max_length on a TEXT column
    assert text_length(Episode, "started_at") is None


# --- the profile's other edges: the web's questions and FHIR ----------------------------------


def test_every_yes_no_of_the_profile_is_asked_and_exported() -> None:
    from spasmnav.diary import fhir
    from spasmnav.diary.fields import plain_type
    from spasmnav.web.views.checkin import PROFILE_FLAGS

    flags = [n for n, f in Profile.model_fields.items() if plain_type(f.annotation) is bool]
    assert [name for name, _ in PROFILE_FLAGS] == flags
    assert all(question for _, question in PROFILE_FLAGS)
    # FHIR: every field but the year of birth (the Patient's birthDate) has its code.
    coded = {n for n, f in Profile.model_fields.items() if info(f).fhir is not None}
    assert coded == set(Profile.model_fields) - {"birth_year"}
    assert set(fhir._PROFILE_CODES) == coded - {"medicines"}
    for code, display in (info(Profile.model_fields[n]).fhir or ("", "") for n in coded):
        assert fhir._RECORD_CODES[code] == display


def test_the_profile_bounds_its_medicines_where_the_page_does() -> None:
    """The model holds the limits the profile page words (one name per line), so the API and
    the command line refuse what the page refuses."""
    from pydantic import ValidationError

    from spasmnav.diary.models import MEDICINE_NAME_LENGTH, MEDICINES_LISTED, Profile

    assert Profile(medicines=["м" * MEDICINE_NAME_LENGTH]).medicines == ["м" * MEDICINE_NAME_LENGTH]
    with pytest.raises(ValidationError):
        Profile(medicines=["м" * (MEDICINE_NAME_LENGTH + 1)])
    assert len(Profile(medicines=[f"л{i}" for i in range(MEDICINES_LISTED)]).medicines) == 50
    with pytest.raises(ValidationError):
        Profile(medicines=[f"л{i}" for i in range(MEDICINES_LISTED + 1)])
