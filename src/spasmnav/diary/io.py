"""Import and export of the diary as CSV (one kind of record a file) and JSON (everything).

Both round trips are lossless: every field of every record, including its ``uid`` and the time
it was written down, comes back as it was. Import validates the whole file and reports every bad
row with its line number; only a file without errors becomes visible, all at once. A CSV file is
read as a stream (bounded memory, whatever its size) and staged in short transactions, so other
writers are not kept waiting (``Store.import_records``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO, get_origin

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
    "iter_csv",
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
    return list(iter_csv(stream, model=model))


def iter_csv(lines: Iterable[str], *, model: type[Record]) -> Iterator[Record]:
    """The records of a CSV file, one at a time, as its lines are read (bounded memory).

    Every row is validated; once a bad row is found nothing more is yielded, the rest is still
    checked (up to MAX_PROBLEMS), and InputError lists every bad row by its line number at the
    end. A consumer that writes what it is given must therefore undo it on InputError (the
    store's import publishes nothing until the generator is exhausted)."""
    reader = csv.reader(lines)
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
                record = model.model_validate(values)
                if not problems:
                    yield record
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


# Caps on an import file: ``diary import /dev/zero`` or a file of one endless line is refused
# with a clear message instead of filling the memory (or, for a CSV stream, the disk).
MAX_IMPORT_BYTES = 512 * 1024 * 1024
MAX_IMPORT_LINE = 1024 * 1024
_SKIP_CHUNK = 1024 * 1024


def _too_big(path: Path) -> InputError:
    return InputError(
        [
            f"файл {path.name} больше {MAX_IMPORT_BYTES // (1024 * 1024)} МБ: такой импорт "
            "не поддерживается (разделите файл на части)"
        ]
    )


def _too_long(line: int) -> InputError:
    return InputError(
        [
            f"строка {line}: длиннее {MAX_IMPORT_LINE // 1024} КБ — это не файл дневника "
            "(или он испорчен)"
        ]
    )


def _open_import(path: Path) -> BinaryIO:
    """The import file, opened for reading; a regular file over the size cap is refused."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise InputError([f"файл не найден: {path}"]) from None
    except OSError as exc:
        raise InputError([f"не удалось прочитать {path}: {exc.strerror}"]) from exc
    with suppress(OSError):
        if path.is_file() and path.stat().st_size > MAX_IMPORT_BYTES:
            fh.close()
            raise _too_big(path)
    return fh


def _read_limited(path: Path) -> str:
    """A whole (JSON) file as text, within the caps."""
    return "".join(_limited_lines(path))


def _limited_lines(path: Path) -> Iterator[str]:
    """The lines of ``path`` (UTF-8, a BOM dropped), read one at a time within the caps: the
    memory holds one line, never the file. A file over the size cap is refused as such even
    when a too long line comes first (the rest of that line is skipped, not kept)."""
    with _open_import(path) as fh:
        total, number = 0, 0
        while True:
            try:
                raw = fh.readline(MAX_IMPORT_LINE + 2)
            except OSError as exc:
                raise InputError([f"не удалось прочитать {path}: {exc.strerror}"]) from exc
            if not raw:
                return
            number += 1
            total += len(raw)
            if total > MAX_IMPORT_BYTES:
                raise _too_big(path)
            content = len(raw) - 1 if raw.endswith(b"\n") else len(raw)
            if content > MAX_IMPORT_LINE:
                while not raw.endswith(b"\n"):
                    raw = fh.readline(_SKIP_CHUNK)
                    if not raw:
                        break
                    total += len(raw)
                    if total > MAX_IMPORT_BYTES:
                        raise _too_big(path)
                raise _too_long(number)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError([f"файл {path.name} не в кодировке UTF-8"]) from None
            yield text.removeprefix("\ufeff") if number == 1 else text


class _CappedReader:
    """A binary file for ijson: a BOM dropped, the size and line caps enforced as it is read."""

    def __init__(self, fh: BinaryIO, path: Path) -> None:
        self._fh, self._path = fh, path
        self._total = self._line_len = 0
        self._line = 1
        self._first = True

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing to learn whether the file gives bytes
            return b""
        try:
            data = self._fh.read(size if size > 0 else _SKIP_CHUNK)
        except OSError as exc:
            raise InputError([f"не удалось прочитать {self._path}: {exc.strerror}"]) from exc
        if self._first and data:
            self._first = False
            data = data.removeprefix(b"\xef\xbb\xbf")
        self._total += len(data)
        if self._total > MAX_IMPORT_BYTES:
            raise _too_big(self._path)
        start = 0
        while True:
            end = data.find(b"\n", start)
            stop = len(data) if end < 0 else end
            self._line_len += stop - start
            if self._line_len > MAX_IMPORT_LINE:
                raise _too_long(self._line)
            if end < 0:
                return data
            self._line += 1
            self._line_len = 0
            start = end + 1


_SCALARS = frozenset({"null", "boolean", "integer", "double", "number", "string"})


def _json_units(path: Path, *, items: bool) -> Iterator[tuple[str, str, Any]]:
    """A JSON file's top level as it is parsed, one unit at a time (bounded memory):
    ``("member", key, value)`` for a member of the top object whose value is not a list,
    ``("section", key, None)`` when a list member starts, ``("item", key, element)`` for each
    of its elements (built only when ``items``; for a bare top-level list the key is
    ``episodes``) and ``("top", "", value)`` for a top level that is neither object nor list."""
    import ijson

    fh = _open_import(path)
    with fh:
        reader = _CappedReader(fh, path)
        builder: Any = None
        unit = kind = key = ""
        top_list = False
        for prefix, event, value in ijson.parse(reader, use_float=True):
            if builder is not None:
                builder.event(event, value)
                if prefix == unit and event in ("end_map", "end_array"):
                    yield kind, key, builder.value
                    builder = None
                continue
            if prefix == "":
                if event == "map_key":
                    key = value
                elif event == "start_array":
                    top_list, key = True, "episodes"
                    yield "section", key, None
                elif event in _SCALARS:
                    yield "top", "", value
                continue
            element = prefix == ("item" if top_list else f"{key}.item")
            if not element and prefix != key:
                continue  # inside an element that is not built
            if not element and event == "start_array":
                yield "section", key, None
                continue
            what = "item" if element else "member"
            if element and not items:
                continue
            if event in ("start_map", "start_array"):
                builder, unit, kind = ijson.ObjectBuilder(), prefix, what
                builder.event(event, value)
            elif event in _SCALARS:
                yield what, key, value


def _json_problem(path: Path, exc: Exception) -> InputError:
    """The line of a JSON syntax error (the standard parser says where; ijson does not)."""
    try:
        json.loads(_read_limited(path))
    except json.JSONDecodeError as err:
        return InputError([f"строка {err.lineno}: неверный JSON ({err.msg})"])
    return InputError([f"неверный JSON ({exc})"])


@dataclass
class _JsonHeader:
    bundle: bool = False
    profile: Profile | None = None
    problems: list[str] = field(default_factory=list)


def _json_header(path: Path) -> _JsonHeader:
    """The first pass over a JSON import: everything but the records (format, version,
    profile, which sections), so the records can stream in the second pass."""
    import ijson

    head = _JsonHeader()
    members: dict[str, Any] = {}
    top_kind = "object"
    try:
        for what, key, value in _json_units(path, items=False):
            if what == "top":
                top_kind = "other"
            elif what == "member":
                members[key] = value
            elif what == "section" and key not in RECORD_TYPES and key not in members:
                members[key] = []
    except ijson.JSONError as exc:
        raise _json_problem(path, exc) from None
    if top_kind == "other":
        raise InputError(["JSON: ожидался объект дневника или список эпизодов"])
    if members.get("resourceType") == "Bundle":
        head.bundle = True
        return head
    fmt = members.get("format", FORMAT)
    if fmt != FORMAT:
        raise InputError([f"JSON: это не дневник SpasmNav (format = {fmt!r})"])
    version = members.get("version", FORMAT_VERSION)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InputError([f"JSON: версия {version!r} новее, чем понимает эта программа"])
    unknown = set(members) - set(RECORD_TYPES) - {"format", "version", "exported_at", "profile"}
    if unknown:
        head.problems.append(f"JSON: неизвестные разделы: {', '.join(sorted(unknown))}")
    if members.get("profile") is not None:
        try:
            head.profile = Profile.model_validate(members["profile"])
        except ValidationError as exc:
            head.problems.extend(f"профиль: {p}" for p in explain_validation(exc))
    for table in RECORD_TYPES:
        if members.get(table):  # a section that is an object or a scalar, not a list
            head.problems.append(f"раздел {table}: ожидался список")
    return head


def _json_records(path: Path, head: _JsonHeader) -> Iterator[Record]:
    """The second pass: the records, validated one at a time; like ``iter_csv``, nothing more
    is yielded after a problem and InputError lists them all at the end."""
    import ijson

    problems = list(head.problems)
    counts: dict[str, int] = {}
    try:
        for what, table, item in _json_units(path, items=True):
            if what != "item" or table not in RECORD_TYPES:
                continue
            counts[table] = i = counts.get(table, 0) + 1
            if isinstance(item, Mapping):
                item = {k: v for k, v in item.items() if k != "id"}
            try:
                record = RECORD_TYPES[table].model_validate(item)
                if not problems:
                    yield record
            except ValidationError as exc:
                problems.extend(
                    f"{TABLE_TITLES[table]}, запись {i}: {p}" for p in explain_validation(exc)
                )
            if len(problems) >= MAX_PROBLEMS:
                problems.append("… дальше не проверялось")
                break
    except ijson.JSONError as exc:
        raise _json_problem(path, exc) from None
    if problems:
        raise InputError(problems)


def import_file(
    store: Store,
    path: Path,
    *,
    person_id: int,
    fmt: str | None = None,
    table: str = "episodes",
) -> ImportResult:
    """Validate the whole file and import it: all or nothing (see ``Store.import_records``).

    A CSV or JSON file streams: it is read, validated and staged a batch at a time, so neither
    the memory nor the write lock grows with the file (a JSON file is read twice: first all but
    its records, then the records). A FHIR Bundle is read whole, within the cap."""
    kind = detect_format(path, fmt)
    if kind == "csv":
        model = RECORD_TYPES[table_name(table)]
        rows = iter_csv(_limited_lines(path), model=model)
        return store.import_records(rows, person_id=person_id)
    if kind == "json":
        head = _json_header(path)
        if not head.bundle:
            records = _json_records(path, head)
            return store.import_records(records, person_id=person_id, profile=head.profile)
        # A FHIR Bundle saved as .json: read it as one.
    try:
        data = json.loads(_read_limited(path))
    except json.JSONDecodeError as exc:
        raise InputError([f"строка {exc.lineno}: неверный JSON ({exc.msg})"]) from exc
    from .fhir import import_bundle

    return import_bundle(store, person_id, data)


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
