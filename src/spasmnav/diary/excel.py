"""The diary as a table for people: «для Excel» CSV and XLSX.

Beside the lossless CSV of :mod:`spasmnav.diary.io` (English column names and codes, made to be
read back), this writes what a person opens in a spreadsheet: Russian headers and values, «;»
between cells and a UTF-8 byte-order mark (what Russian Excel expects), durations in minutes
with a decimal comma, dates as «01.12.2026 19:10». Nothing here is read back.

A cell whose text starts with ``= + - @``, a tab or a carriage return would run as a formula in
a spreadsheet; it gets a leading apostrophe in the CSV and is stored as plain text in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import Any

from .. import wording
from ..presenter import level_words
from .models import (
    FIELD_TITLES,
    KIND_TITLES,
    LEG_TITLES,
    SCALE_TITLES,
    TRIGGER_TITLES,
    Record,
)

__all__ = [
    "EXCEL_CSV_MEDIA_TYPE",
    "XLSX_MEDIA_TYPE",
    "excel_columns",
    "excel_csv",
    "excel_rows",
    "excel_xlsx",
    "neutralise",
]

EXCEL_CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Fields a person does not need in a table: the sync id, when the row was typed in, the raw
# assessment. They stay in the lossless exports.
_LEFT_OUT = frozenset({"id", "uid", "created_at", "data"})

_HEADERS: dict[str, str] = {
    **{k: v[:1].upper() + v[1:] for k, v in FIELD_TITLES.items()},
    "started_at": "Дата и время",
    "done_at": "Дата и время",
    "taken_at": "Дата и время",
    "assessed_at": "Дата и время",
    "recorded_at": "Дата и время",
    "day": "День",
    "duration_seconds": "Длительность, мин",
    "intensity": "Сила (0–10)",
    "level": "Вывод",
}
_RATERS = {"self": "сам человек", "clinician": "врач"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text that a spreadsheet will show, never run: «=1+1» becomes «'=1+1»."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _words(table: dict[str, str]) -> Callable[[Any], str]:
    return lambda v: table.get(str(v), str(v))


_LEVELS = frozenset({"emergency", "urgent", "doctor", "self_care"})
_VALUES: dict[str, Callable[[Any], Any]] = {
    "kind": _words(KIND_TITLES),
    "leg": _words(LEG_TITLES),
    "scale": _words(SCALE_TITLES),
    "recorded_by": _words(_RATERS),
    "level": lambda v: level_words(v).badge.capitalize() if v in _LEVELS else str(v),
    "triggers": lambda v: ", ".join(TRIGGER_TITLES.get(t, t) for t in v),
}


def excel_columns(model: type[Record]) -> list[str]:
    """The fields shown, in the model's order; the note last."""
    names = [name for name in model.model_fields if name not in _LEFT_OUT]
    return [n for n in names if n != "note"] + (["note"] if "note" in names else [])


def _typed(name: str, value: Any) -> Any:
    """A cell's value with its type kept (for XLSX): numbers, dates, words."""
    if value is None or value == ():
        return None
    if name == "duration_seconds":
        return round(value / 60, 2)
    if name in _VALUES:
        return _VALUES[name](value)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return value


def _text(name: str, value: Any) -> str:
    """A record's field as CSV text: minutes, decimal comma, Russian dates, formulas neutralised."""
    if name == "duration_seconds":
        return wording.minutes(value)
    value = _typed(name, value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        return wording.number(value, 2, group=False)
    return neutralise(str(value))


def excel_rows(records: Iterable[Record], *, model: type[Record]) -> list[list[Any]]:
    """The header row, then one row of typed values per record."""
    columns = excel_columns(model)
    rows: list[list[Any]] = [[_HEADERS.get(c, c) for c in columns]]
    for rec in records:
        rows.append([_typed(c, getattr(rec, c)) for c in columns])
    return rows


def excel_csv(records: Iterable[Record], *, model: type[Record]) -> bytes:
    """«;»-separated, UTF-8 with a BOM, CRLF line ends: what Russian Excel opens as a table."""
    columns = excel_columns(model)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_HEADERS.get(c, c) for c in columns])
    for rec in records:
        writer.writerow([_text(c, getattr(rec, c)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def excel_xlsx(records: Iterable[Record], *, model: type[Record], title: str) -> bytes:
    """An XLSX workbook of one sheet: bold frozen header, dates and numbers as real cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = excel_rows(records, model=model)
    columns = excel_columns(model)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(rows[0])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for r, row in enumerate(rows[1:], start=2):
        for c, (name, value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, dt.datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(value, dt.date):
                cell.number_format = "DD.MM.YYYY"
            elif name == "duration_seconds":
                cell.number_format = "0.0#"
    for c, header in enumerate(rows[0], start=1):
        width = max([len(str(header)), *(len(str(row[c - 1] or "")) for row in rows[1:])])
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(
            max(10, width + 2), 60
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
