"""The diary as a table for people: «для Excel» CSV (read back with the csv module) and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spasmnav.diary.cli import register
from spasmnav.diary.excel import excel_columns, excel_csv, excel_xlsx, neutralise
from spasmnav.diary.models import DayNote, Episode, ExerciseSession
from spasmnav.diary.store import Store

EPISODES = [
    Episode(
        started_at=dt.datetime(2026, 12, 1, 19, 10),
        kind="cramp",
        leg="left",
        duration_seconds=150,
        intensity=6,
        triggers=("caffeine", "cold"),
        disturbs_sleep=True,
        note='=HYPERLINK("http://x";"жми")',
    ),
    Episode(started_at=dt.datetime(2026, 12, 2, 7, 5), kind="twitch", duration_seconds=60),
    Episode(started_at=dt.datetime(2026, 12, 3, 7, 5), kind="spasm", helped="+растяжка; тепло"),
]


def _read(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "Russian Excel needs the UTF-8 BOM"
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_excel_csv_has_russian_headers_semicolons_and_minutes() -> None:
    body = excel_csv(EPISODES, model=Episode)
    rows = _read(body)
    header = rows[0]
    assert header[:3] == ["Дата и время", "Вид эпизода", "Нога"]
    assert "Длительность, мин" in header and header[-1] == "Заметка"
    assert not any(h.isascii() for h in header), header  # no English column names
    assert b"\r\n" in body and b";" in body.splitlines()[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Дата и время"] == "01.12.2026 19:10"
    assert first["Вид эпизода"] == "судорога (крампи)"
    assert first["Нога"] == "левая"
    assert first["Длительность, мин"] == "2,5"
    assert first["Сила (0–10)"] == "6"
    assert first["Провокаторы"] == "кофеин, холод"
    assert first["Мешает спать"] == "да" and first["Мешает ходить"] == "нет"
    second = dict(zip(header, rows[2], strict=True))
    assert second["Длительность, мин"] == "1"
    assert second["Нога"] == "" and second["Сила (0–10)"] == ""


def test_a_formula_in_a_note_is_shown_not_run() -> None:
    rows = _read(excel_csv(EPISODES, model=Episode))
    header = rows[0]
    note = dict(zip(header, rows[1], strict=True))["Заметка"]
    assert note == '\'=HYPERLINK("http://x";"жми")'
    helped = dict(zip(header, rows[3], strict=True))["Что помогло"]
    assert helped == "'+растяжка; тепло"  # the «;» inside stays in its cell


@given(st.text(max_size=40))
def test_neutralise_never_leaves_a_formula_start(text: str) -> None:
    out = neutralise(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out.removeprefix("'") == text or out == text


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            Episode,
            started_at=st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1)),
            kind=st.sampled_from(["twitch", "cramp", "spasm", "tremor", "stiffness"]),
            duration_seconds=st.none() | st.integers(0, 7 * 24 * 3600),
            # A NUL is refused by the model itself (PostgreSQL stores none), and so is a lone
            # surrogate (no UTF-8 text holds one).
            note=st.none()
            | st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=30),
        ),
        max_size=5,
    )
)
def test_every_record_is_one_row_with_its_duration_in_minutes(episodes: list[Episode]) -> None:
    rows = _read(excel_csv(episodes, model=Episode))
    assert len(rows) == len(episodes) + 1
    col = rows[0].index("Длительность, мин")
    for e, row in zip(episodes, rows[1:], strict=True):
        assert len(row) == len(rows[0])
        if e.duration_seconds is None:
            assert row[col] == ""
        else:
            assert abs(float(row[col].replace(",", ".")) - e.duration_seconds / 60) <= 0.05 + 1e-6


def test_other_tables_work_too() -> None:
    rows = _read(
        excel_csv([DayNote(day=dt.date(2026, 12, 1), triggers=("stress",))], model=DayNote)
    )
    assert rows[0][:2] == ["День", "Провокаторы"] and rows[1][:2] == ["01.12.2026", "стресс"]
    session = ExerciseSession(done_at=dt.datetime(2026, 12, 1, 9, 0), exercise_id="calf", sets=2)
    rows = _read(excel_csv([session], model=ExerciseSession))
    assert "Подходов" in rows[0]
    assert "uid" not in excel_columns(ExerciseSession)


def test_xlsx_keeps_types_and_never_makes_a_formula() -> None:
    book = openpyxl.load_workbook(io.BytesIO(excel_xlsx(EPISODES, model=Episode, title="эпизоды")))
    sheet = book.active
    assert sheet is not None and sheet.title == "эпизоды"
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Дата и время"] == dt.datetime(2026, 12, 1, 19, 10)
    assert first["Длительность, мин"] == 2.5
    assert first["Сила (0–10)"] == 6
    note_cell = sheet.cell(row=2, column=header.index("Заметка") + 1)
    assert note_cell.data_type == "s" and note_cell.value == EPISODES[0].note
    assert sheet.freeze_panes == "A2"


def test_the_cli_exports_for_excel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    monkeypatch.setenv("SPASMNAV_DATABASE_URL", url)
    store = Store(url)
    person = store.default_person_id()
    for e in EPISODES:
        store.add_episode(person_id=person, episode=e)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    target = tmp_path / "эпизоды.csv"
    result = runner.invoke(app, ["diary", "export", str(target), "--format", "excel"])
    assert result.exit_code == 0, result.output
    rows = _read(target.read_bytes())
    assert len(rows) == 4 and rows[0][0] == "Дата и время"
    xlsx = tmp_path / "эпизоды.xlsx"
    result = runner.invoke(app, ["diary", "export", str(xlsx)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None and sheet.max_row == 4
    # The lossless CSV is still there, unchanged: English codes, commas, seconds.
    plain = tmp_path / "plain.csv"
    assert runner.invoke(app, ["diary", "export", str(plain)]).exit_code == 0
    assert plain.read_text(encoding="utf-8").splitlines()[0].startswith("uid,")
    bad = runner.invoke(app, ["diary", "export", str(tmp_path / "x.txt"), "--format", "ods"])
    assert bad.exit_code == 2 and "excel, xlsx" in bad.output
