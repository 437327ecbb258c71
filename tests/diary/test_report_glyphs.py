"""The doctor's PDF with characters DejaVu lacks (review F13): drawn by a fallback font or
replaced visibly, never dropped, and never written to a log."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest

from spasmnav.diary.models import Episode
from spasmnav.diary.report import MISSING_GLYPH, drawable, gather_report, render_report
from spasmnav.diary.store import Store

ODD = "中文 𝐓𝐡𝐞 🦵 ∮ ⅀"


def test_missing_glyphs_are_replaced_visibly() -> None:
    out = drawable("нога " + ODD + "\n")
    assert out.startswith("нога ") and out.endswith("\n")
    assert len(out) == len("нога " + ODD + "\n")  # one character for one: nothing dropped
    assert "𝐓" in out  # math letters: STIX has them


def test_report_keeps_every_character_and_logs_none(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) не установлен")
    caplog.set_level(logging.DEBUG)
    store = Store(f"sqlite:///{tmp_path}/d.db")
    try:
        pid = store.default_person_id()
        store.add_episode(
            person_id=pid,
            episode=Episode(kind="cramp", started_at="2024-05-01T10:00", note="икра " + ODD),
        )
        store.save_assessment(
            person_id=pid,
            data={"triage": {"level": "routine"}},
            text="после инсульта нога дергается " + ODD,
        )
        pdf = render_report(gather_report(store, person_id=pid))
    finally:
        store.close()
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in text.splitlines() if "после инсульта нога" in x)
    expected = drawable(ODD)
    assert expected in line, line
    assert MISSING_GLYPH in expected or expected == ODD
    for record in caplog.records:
        message = record.getMessage()
        assert "missing the following glyphs" not in message
        assert not any(c in message for c in "中文𝐓🦵")
