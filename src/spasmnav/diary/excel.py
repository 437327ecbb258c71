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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .. import wording
from ..presenter import level_words
from ..result import LEVELS
from .fields import info
from .models import Assessment as AssessmentModel
from .models import Record

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

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text that a spreadsheet will show, never run: «=1+1» becomes «'=1+1»."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _level(value: Any) -> str:
    return level_words(value).badge.capitalize() if value in LEVELS else str(value)


def _in_minutes(seconds: int) -> float:
    return round(seconds / 60, 2)


def _words(words: Mapping[str, str], *, many: bool) -> Callable[[Any], str]:
    """Codes as their Russian titles: one code, or a set of them joined by commas."""
    if many:
        return lambda v: ", ".join(words.get(t, t) for t in v)
    return lambda v: words.get(str(v), str(v))


def _header(model: type[Record], name: str) -> str:
    """``Info.header``, or the field's Russian title capitalised."""
    meta = info(model.model_fields[name])
    return meta.header or meta.title[:1].upper() + meta.title[1:]


def excel_columns(model: type[Record]) -> list[str]:
    """The fields shown (``Info.table``), in the model's order; the note last."""
    names = [name for name, f in model.model_fields.items() if info(f).table]
    return [n for n in names if n != "note"] + (["note"] if "note" in names else [])


def _converters(model: type[Record]) -> dict[str, Callable[[Any], Any]]:
    """Per field, how its value reads in a table: codes as words, seconds as minutes."""
    out: dict[str, Callable[[Any], Any]] = {}
    for name, field in model.model_fields.items():
        meta = info(field)
        if meta.minutes:
            out[name] = _in_minutes
        elif meta.words is not None:
            out[name] = _words(meta.words, many=meta.flags is not None)
    if model is AssessmentModel:
        out["level"] = _level  # the engine's levels, in the presenter's words
    return out


def _typed(convert: dict[str, Callable[[Any], Any]], name: str, value: Any) -> Any:
    """A cell's value with its type kept (for XLSX): numbers, dates, words."""
    if value is None or value == ():
        return None
    if name in convert:
        return convert[name](value)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return value


def _text(
    model: type[Record], convert: dict[str, Callable[[Any], Any]], name: str, value: Any
) -> str:
    """A record's field as CSV text: minutes, decimal comma, Russian dates, formulas neutralised."""
    if info(model.model_fields[name]).minutes:
        return wording.minutes(value)
    value = _typed(convert, name, value)
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
    convert = _converters(model)
    rows: list[list[Any]] = [[_header(model, c) for c in columns]]
    for rec in records:
        rows.append([_typed(convert, c, getattr(rec, c)) for c in columns])
    return rows


def excel_csv(records: Iterable[Record], *, model: type[Record]) -> bytes:
    """«;»-separated, UTF-8 with a BOM, CRLF line ends: what Russian Excel opens as a table."""
    columns = excel_columns(model)
    convert = _converters(model)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_header(model, c) for c in columns])
    for rec in records:
        writer.writerow([_text(model, convert, c, getattr(rec, c)) for c in columns])
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
            elif info(model.model_fields[name]).minutes:
                cell.number_format = "0.0#"
    for c, header in enumerate(rows[0], start=1):
        width = max([len(str(header)), *(len(str(row[c - 1] or "")) for row in rows[1:])])
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(
            max(10, width + 2), 60
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
