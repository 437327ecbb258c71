"""Import and export of the diary as CSV (one kind of record a file) and JSON (everything).

Both round trips are lossless: every field of every record, including its ``uid`` and the time
it was written down, comes back as it was. Import validates the whole file first and reports
every bad row with its line number; only a file without errors is written, in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO, get_origin

from pydantic import ValidationError

from .fields import plain_type
from .models import InputError, Profile, Record, explain_validation
from .store import RECORD_TYPES, ImportResult, Store

__all__ = [
    "FORMAT",
    "FORMATS",
    "FORMAT_VERSION",
    "MAX_PROBLEMS",
    "TABLE_TITLES",
    "csv_columns",
    "detect_format",
    "dump_json",
    "export_file",
    "import_file",
    "read_csv",
    "read_json",
    "write_csv",
]

FORMAT = "spasmnav-diary"
FORMAT_VERSION = 1
MAX_PROBLEMS = 20
TABLE_TITLES: dict[str, str] = {
    "episodes": "эпизоды",
    "day_notes": "провокаторы по дням",
    "exercise_sessions": "упражнения",
    "medicine_intakes": "приём лекарств",
    "assessments": "оценки",
    "scale_scores": "оценки по шкалам",
}
_TABLE_ALIASES = {
    "episode": "episodes",
    "days": "day_notes",
    "exercises": "exercise_sessions",
    "medicines": "medicine_intakes",
    "scales": "scale_scores",
}
_TRUE = {"да", "yes", "true", "1", "y", "д"}
_FALSE = {"нет", "no", "false", "0", "n", "н", ""}


def table_name(name: str) -> str:
    key = name.strip().lower()
    key = _TABLE_ALIASES.get(key, key)
    if key not in RECORD_TYPES:
        raise InputError([f"неизвестный вид записей «{name}»; можно: {', '.join(RECORD_TYPES)}"])
    return key


def csv_columns(model: type[Record]) -> list[str]:
    """Columns of a CSV file of ``model`` records: every field but the database-local id."""
    return [name for name in model.model_fields if name != "id"]


# OWASP's rule against formula injection: a text cell that a spreadsheet would read as a
# formula (= + - @, tab, CR) gets a leading apostrophe; a leading apostrophe is doubled, so
# reading the file back (read_csv) removes exactly one and every text comes back as it was.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise_formula(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def restore_formula(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_formula(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_row(record: Record, columns: list[str]) -> list[str]:
    """One record as CSV cells (formulas neutralised, see ``neutralise_formula``)."""
    dumped = record.model_dump()
    return [_cell(dumped[c]) for c in columns]


def write_csv(records: Iterable[Record], out: TextIO, *, model: type[Record]) -> int:
    columns = csv_columns(model)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for rec in records:
        writer.writerow(csv_row(rec, columns))
        n += 1
    return n


def _from_cell(model: type[Record], name: str, raw: str) -> Any:
    """A cell as the model's field reads it (its type decides: JSON, yes/no, empty)."""
    raw = restore_formula(raw)
    field = model.model_fields[name]
    t = plain_type(field.annotation)
    if t is dict or get_origin(t) is dict:
        return json.loads(raw) if raw.strip() else None
    if t is bool:
        key = raw.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        return raw
    if raw == "" and field.default_factory is not None:
        return field.get_default(call_default_factory=True, validated_data={})
    if raw == "" and get_origin(t) is tuple:
        return ()
    if raw == "":
        return None
    return raw


def read_csv(stream: TextIO, *, model: type[Record]) -> list[Record]:
    """Parse and validate a whole CSV file; InputError lists the bad rows by line number."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(["файл пуст: нет строки заголовка"]) from None
    except csv.Error as exc:
        raise InputError([f"строка 1: {exc}"]) from exc
    header = [h.strip().lstrip("\ufeff") for h in header]
    known = set(model.model_fields)
    problems: list[str] = []
    unknown = [h for h in header if h not in known]
    if unknown:
        problems.append(f"строка 1: неизвестные столбцы: {', '.join(unknown)}")
    required = [n for n, f in model.model_fields.items() if f.is_required() and n not in header]
    if required:
        problems.append(f"строка 1: нет обязательных столбцов: {', '.join(required)}")
    if problems:
        raise InputError(problems)
    records: list[Record] = []
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"строка {line}: {exc}")
            break
        if not any(cell.strip() for cell in row):
            line = reader.line_num + 1
            continue
        if len(row) != len(header):
            problems.append(
                f"строка {line}: {len(row)} значений вместо {len(header)} (по заголовку)"
            )
        else:
            try:
                values = {
                    name: _from_cell(model, name, raw)
                    for name, raw in zip(header, row, strict=True)
                    if name != "id"
                }
                records.append(model.model_validate(values))
            except ValidationError as exc:
                problems.extend(f"строка {line}: {p}" for p in explain_validation(exc))
            except (ValueError, json.JSONDecodeError) as exc:
                problems.append(f"строка {line}: {exc}")
        if len(problems) >= MAX_PROBLEMS:
            problems.append("… дальше не проверялось")
            break
        line = reader.line_num + 1
    if problems:
        raise InputError(problems)
    return records


def dump_json(store: Store, *, person_id: int) -> dict[str, Any]:
    """Everything recorded for one person, as one JSON-ready object."""
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "profile": store.get_profile(person_id=person_id).model_dump(mode="json"),
    }
    for table, model in RECORD_TYPES.items():
        out[table] = [
            r.model_dump(mode="json", exclude={"id"})
            for r in store.list_records(model, person_id=person_id)
        ]
    return out


def read_json(data: Any) -> tuple[Profile | None, list[Record]]:
    """Validate an exported JSON object (or a bare list of episodes)."""
    if isinstance(data, list):
        data = {"episodes": data}
    if not isinstance(data, Mapping):
        raise InputError(["JSON: ожидался объект дневника или список эпизодов"])
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise InputError([f"JSON: это не дневник SpasmNav (format = {fmt!r})"])
    version = data.get("version", FORMAT_VERSION)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InputError([f"JSON: версия {version!r} новее, чем понимает эта программа"])
    problems: list[str] = []
    unknown = set(data) - set(RECORD_TYPES) - {"format", "version", "exported_at", "profile"}
    if unknown:
        problems.append(f"JSON: неизвестные разделы: {', '.join(sorted(unknown))}")
    profile: Profile | None = None
    if data.get("profile") is not None:
        try:
            profile = Profile.model_validate(data["profile"])
        except ValidationError as exc:
            problems.extend(f"профиль: {p}" for p in explain_validation(exc))
    records: list[Record] = []
    for table, model in RECORD_TYPES.items():
        items = data.get(table) or []
        if not isinstance(items, list):
            problems.append(f"раздел {table}: ожидался список")
            continue
        for i, item in enumerate(items, start=1):
            if isinstance(item, Mapping):
                item = {k: v for k, v in item.items() if k != "id"}
            try:
                records.append(model.model_validate(item))
            except ValidationError as exc:
                problems.extend(
                    f"{TABLE_TITLES[table]}, запись {i}: {p}" for p in explain_validation(exc)
                )
            if len(problems) >= MAX_PROBLEMS:
                problems.append("… дальше не проверялось")
                raise InputError(problems)
    if problems:
        raise InputError(problems)
    return profile, records


FORMATS = ("csv", "json", "fhir")


def detect_format(path: Path, fmt: str | None) -> str:
    """``csv``, ``json`` or ``fhir`` (a FHIR R4 Bundle in JSON; never guessed from the name)."""
    if fmt:
        key = fmt.strip().lower()
        if key not in FORMATS:
            raise InputError([f"формат «{fmt}» не поддерживается; можно: {', '.join(FORMATS)}"])
        return key
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix[1:]
    raise InputError([f"не понять формат файла «{path.name}»: укажите --format csv, json или fhir"])


# An import file is read whole before anything is written (all or nothing): these caps keep
# ``diary import /dev/zero`` or a file of one endless line from filling the memory.
MAX_IMPORT_BYTES = 512 * 1024 * 1024
MAX_IMPORT_LINE = 1024 * 1024


def _read_limited(path: Path) -> str:
    with path.open("rb") as fh:
        data = fh.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise InputError(
            [
                f"файл {path.name} больше {MAX_IMPORT_BYTES // (1024 * 1024)} МБ: такой импорт "
                "не поддерживается (разделите файл на части)"
            ]
        )
    start, line = 0, 1
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > MAX_IMPORT_LINE:
            raise InputError(
                [
                    f"строка {line}: длиннее {MAX_IMPORT_LINE // 1024} КБ — это не файл дневника "
                    "(или он испорчен)"
                ]
            )
        start, line = end + 1, line + 1
    return data.decode("utf-8-sig")


def import_file(
    store: Store,
    path: Path,
    *,
    person_id: int,
    fmt: str | None = None,
    table: str = "episodes",
) -> ImportResult:
    """Validate the whole file, then write it in one transaction (all or nothing)."""
    kind = detect_format(path, fmt)
    try:
        raw = _read_limited(path)
    except FileNotFoundError:
        raise InputError([f"файл не найден: {path}"]) from None
    except UnicodeDecodeError:
        raise InputError([f"файл {path.name} не в кодировке UTF-8"]) from None
    except OSError as exc:
        raise InputError([f"не удалось прочитать {path}: {exc.strerror}"]) from exc
    if kind == "csv":
        records = read_csv(io.StringIO(raw, newline=""), model=RECORD_TYPES[table_name(table)])
        return store.import_records(records, person_id=person_id)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError([f"строка {exc.lineno}: неверный JSON ({exc.msg})"]) from exc
    if kind == "json" and isinstance(data, Mapping) and data.get("resourceType") == "Bundle":
        kind = "fhir"  # a FHIR Bundle saved as .json: read it as one
    if kind == "fhir":
        from .fhir import import_bundle

        return import_bundle(store, person_id, data)
    profile, records = read_json(data)
    return store.import_records(records, person_id=person_id, profile=profile)


def export_file(
    store: Store,
    out: TextIO,
    *,
    person_id: int,
    fmt: str,
    table: str = "episodes",
) -> int:
    """Write the diary to ``out``; returns how many records were written."""
    if fmt == "csv":
        model = RECORD_TYPES[table_name(table)]
        return write_csv(store.list_records(model, person_id=person_id), out, model=model)
    if fmt == "fhir":
        from .fhir import bundle_for

        bundle = bundle_for(store, person_id)
        json.dump(bundle, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return len(bundle["entry"])
    data = dump_json(store, person_id=person_id)
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return sum(len(data[t]) for t in RECORD_TYPES)
