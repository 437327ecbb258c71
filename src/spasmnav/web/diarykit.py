"""What the diary pages and the diary API share: trends, charts, downloads, error mapping.

Everything here takes the store and a ``person_id`` that the caller resolved from the session.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from ..content import Pack
from ..diary.analytics import Analysis, analyse
from ..diary.display import episode_view
from ..diary.excel import excel_csv, excel_xlsx
from ..diary.feedback import assess_diary
from ..diary.ics import build_plan
from ..diary.io import (
    FORMAT,
    FORMAT_VERSION,
    TABLE_TITLES,
    csv_columns,
    csv_row,
    table_name,
)
from ..diary.models import (
    DiaryError,
    InputError,
    NotFoundError,
)
from ..diary.store import RECORD_TYPES, Store, is_busy
from ..presenter import trends_json
from .problems import Problem
from .security import ExportSlots, security_event

__all__ = [
    "BUSY_TEXT",
    "CHARTS",
    "PlausibleDate",
    "PlausibleTime",
    "StoreBusy",
    "analysis_for",
    "analysis_json",
    "chart_data_uri",
    "chart_png",
    "csv_download",
    "diary_errors",
    "episode_view",
    "export_csv",
    "export_json",
    "exporting",
    "json_download",
    "plan_ics",
    "report_pdf",
    "saved_or_shown_again",
    "saving",
    "stream_csv",
    "stream_json",
    "with_offset",
]

log = logging.getLogger("spasmnav.web")

CHARTS = ("episodes", "intensity")

EARLIEST = dt.datetime(1900, 1, 1)
TIME_RANGE_TEXT = "время должно быть не раньше 1900 года и не позже завтрашнего дня"


def plausible_time(value: dt.datetime) -> dt.datetime:
    """A diary time between 1900 and tomorrow (a year 9999 typo would break the trends)."""
    latest = dt.datetime.now() + dt.timedelta(days=1)
    if value.tzinfo is not None:
        low, high = EARLIEST.replace(tzinfo=dt.UTC), latest.astimezone(dt.UTC)
    else:
        low, high = EARLIEST, latest
    if not low <= value <= high:
        raise ValueError(TIME_RANGE_TEXT)
    return value


def plausible_date(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value <= dt.date.today() + dt.timedelta(days=366):
        raise ValueError("дата должна быть между 1900 годом и следующим годом")
    return value


def _no_number(value: Any) -> Any:
    # JSON numbers would be read as Unix seconds ("started_at": -1 → 1969): times are text.
    if isinstance(value, int | float):
        raise ValueError("время нужно текстом, например 2024-05-01T23:30:00+03:00, а не числом")
    return value


PlausibleTime = Annotated[
    dt.datetime,
    BeforeValidator(_no_number),
    AfterValidator(plausible_time),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339; без смещения — местное время. С 1900 года до завтра.",
            "examples": ["2024-05-01T23:30:00+03:00"],
        }
    ),
]
PlausibleDate = Annotated[
    dt.date,
    BeforeValidator(_no_number),
    AfterValidator(plausible_date),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2024-05-01"]}),
]


def with_offset(data: Any) -> Any:
    """Stored times are local wall-clock times without an offset; answers give them as RFC 3339
    with this machine's offset (what a client needs to read them unambiguously)."""
    if isinstance(data, dict):
        return {k: with_offset(v) for k, v in data.items()}
    if isinstance(data, list):
        return [with_offset(v) for v in data]
    if isinstance(data, dt.datetime):
        return (data if data.tzinfo else data.astimezone()).isoformat()
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


@contextmanager
def diary_errors() -> Iterator[None]:
    """Diary exceptions as problems: bad input 422, a record of nobody (or of someone else) 404.

    Another person's record is reported exactly like a missing one, so ids reveal nothing.
    """
    try:
        yield
    except InputError as exc:
        raise Problem(
            422, "Данные не подходят: " + "; ".join(exc.problems[:5]), errors=exc.problems
        ) from None
    except NotFoundError:
        # Also what another person's record looks like: worth a line in the security log.
        security_event("record_not_found")
        raise Problem(404, "Такой записи нет.") from None
    except DiaryError as exc:
        raise Problem(400, str(exc)) from None


# What a diary form says when the database stays busy past the wait (a long import on SQLite):
# the form is shown again with everything typed, so nothing is lost.
BUSY_TEXT = (
    "База дневника сейчас занята (например, идёт большой импорт), поэтому запись пока не "
    "сохранена. Всё, что вы ввели, осталось в форме: попробуйте ещё раз через минуту."
)


class StoreBusy(Exception):
    """The write could not be made because the database is busy; nothing was written."""


@contextmanager
def saving() -> Iterator[None]:
    """``diary_errors`` for a form's write, and a busy database as StoreBusy: the view shows
    its form again with what was typed and BUSY_TEXT (503) instead of an error page."""
    try:
        with diary_errors():
            yield
    except Exception as exc:
        if is_busy(exc):
            raise StoreBusy from exc
        raise


def saved_or_shown_again(
    write: Callable[[], object],
    show_again: Callable[[list[str], int], Response],
    done: str,
) -> Response:
    """A form's write, then ``done`` (303); a database that stays busy shows the form again
    with what was typed and :data:`BUSY_TEXT` (503): nothing is lost, sending again is safe.
    ``show_again(errors, status_code)`` renders the form with the person's values."""
    try:
        with saving():
            write()
    except StoreBusy:
        return show_again([BUSY_TEXT], 503)
    return RedirectResponse(done, status_code=303)


@contextmanager
def _arithmetic_guard() -> Iterator[None]:
    """A statistics failure on unusual data is not the person's fault and loses nothing:
    say so plainly (503) instead of a bare 500; the log gets the class name only."""
    try:
        yield
    except Exception as exc:
        # NumPy is imported by the analysis itself (not at start): if it is not loaded, no
        # LinAlgError can have been raised.
        numpy = sys.modules.get("numpy")
        linalg = (numpy.linalg.LinAlgError,) if numpy is not None else ()
        if not isinstance(exc, (ArithmeticError, *linalg)):
            raise
        log.error("diary analytics failed: %s", type(exc).__name__)
        raise Problem(
            503,
            "Не удалось посчитать тренды по этим записям. Записи в сохранности; список эпизодов "
            "и выгрузка работают. Сообщите, пожалуйста, разработчикам.",
            code="analytics-failed",
        ) from None


def analysis_for(
    store: Store, *, person_id: int, change_date: dt.date | None = None, label: str = ""
) -> Analysis:
    data = store.diary_data(person_id=person_id)
    with _arithmetic_guard():
        return analyse(
            data,
            today=dt.date.today(),
            change_date=change_date,
            change_label=label or "изменения",
        )


def analysis_json(a: Analysis) -> dict[str, Any]:
    """The analysis as JSON (the one shape the CLI prints too), with the engine's view."""
    return trends_json(a, assess_diary(a.findings))


# Matplotlib and the PDF library (about a second together to import) load with the first chart
# or report asked for, not with the server: `spasmnav serve` must answer within two seconds.


def chart_png(kind: str, a: Analysis) -> bytes:
    """A chart for the web: phone-first size and type, the last 26 weeks."""
    from ..diary.plots import PHONE, episodes_chart, intensity_chart

    chart = episodes_chart if kind == "episodes" else intensity_chart
    fig = chart(a.weeks, PHONE)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    return buf.getvalue()


def chart_data_uri(kind: str, a: Analysis) -> str:
    """The chart inlined into the page, drawn from the page's own analysis."""
    return "data:image/png;base64," + base64.b64encode(chart_png(kind, a)).decode("ascii")


def report_pdf(store: Store, *, person_id: int) -> bytes:
    from ..diary.report import gather_report, render_report

    with _arithmetic_guard():
        report = gather_report(store, person_id=person_id)
    return render_report(report)


def plan_ics(pack: Pack) -> bytes:
    return build_plan(pack.exercises, start=dt.date.today())


def export_json(store: Store, *, person_id: int) -> bytes:
    return b"".join(stream_json(store, person_id=person_id))


def export_csv(store: Store, *, person_id: int, table: str) -> tuple[str, bytes]:
    name, chunks = stream_csv(store, person_id=person_id, table=table)
    return name, b"".join(chunks)


_STREAM_ROWS = 500


def stream_json(store: Store, *, person_id: int) -> Iterator[bytes]:
    """The lossless JSON export (the same object as ``diary.io.dump_json``), written piece by
    piece as the rows are read: memory stays flat however long the diary."""
    head = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "profile": store.get_profile(person_id=person_id).model_dump(mode="json"),
    }
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2].encode()
    for table, model in RECORD_TYPES.items():
        parts: list[str] = []
        first = True
        yield f',\n  "{table}": ['.encode()
        for rec in store.iter_records(model, person_id=person_id):
            item = json.dumps(rec.model_dump(mode="json", exclude={"id"}), ensure_ascii=False)
            parts.append(("\n    " if first else ",\n    ") + item)
            first = False
            if len(parts) >= _STREAM_ROWS:
                yield "".join(parts).encode()
                parts = []
        parts.append("]" if first else "\n  ]")
        yield "".join(parts).encode()
    yield b"\n}\n"


def stream_csv(store: Store, *, person_id: int, table: str) -> tuple[str, Iterator[bytes]]:
    """One table as CSV for a spreadsheet (formulas neutralised), streamed in chunks."""
    with diary_errors():
        name = table_name(table)
    model = RECORD_TYPES[name]

    def chunks() -> Iterator[bytes]:
        columns = csv_columns(model)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        # A BOM so that Excel opens Cyrillic correctly.
        out.write("\ufeff")
        writer.writerow(columns)
        for n, rec in enumerate(store.iter_records(model, person_id=person_id), start=1):
            writer.writerow(csv_row(rec, columns))
            if n % _STREAM_ROWS == 0:
                yield out.getvalue().encode()
                out.seek(0)
                out.truncate()
        yield out.getvalue().encode()

    return name, chunks()


def json_download(
    slots: ExportSlots, store: Store, *, person_id: int, filename: str
) -> StreamingResponse:
    """The lossless JSON export as a streamed attachment (the API's and the pages' route)."""
    chunks = stream_json(store, person_id=person_id)
    return exporting(slots, person_id, "json", chunks, "application/json", filename)


def csv_download(
    slots: ExportSlots, store: Store, *, person_id: int, table: str
) -> StreamingResponse:
    """One lossless CSV table as a streamed attachment (the API's and the pages' route)."""
    name, chunks = stream_csv(store, person_id=person_id, table=table)
    return exporting(
        slots, person_id, "csv", chunks, "text/csv; charset=utf-8", f"spasmnav-{name}.csv"
    )


def exporting(
    slots: ExportSlots,
    person_id: int,
    kind: str,
    chunks: Iterable[bytes],
    media_type: str,
    filename: str,
) -> StreamingResponse:
    """A streamed attachment holding one of the person's export slots until it is sent."""
    if not slots.acquire(person_id):
        raise Problem(
            429,
            "Выгрузка вашего дневника уже идёт. Дождитесь её конца и попробуйте снова.",
            headers={"Retry-After": "10"},
        )
    security_event("export", kind=kind)

    def body() -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            slots.release(person_id)

    return StreamingResponse(
        body(),
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def export_excel(store: Store, *, person_id: int, table: str, xlsx: bool) -> tuple[str, bytes]:
    """One table for a person: «для Excel» CSV (Russian, «;», minutes) or XLSX."""
    with diary_errors():
        name = table_name(table)
    model = RECORD_TYPES[name]
    records = store.list_records(model, person_id=person_id)
    if xlsx:
        return name, excel_xlsx(records, model=model, title=TABLE_TITLES[name])
    return name, excel_csv(records, model=model)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
