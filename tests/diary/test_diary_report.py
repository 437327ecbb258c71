"""The PDF for the doctor: renders, is not blank, says what it must, never advises a drug."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from spasmnav.diary.models import DayNote, Episode, ExerciseSession, MedicineIntake, ScaleScore
from spasmnav.diary.report import build_report
from spasmnav.diary.store import Store


def _pdf_text(path: Path, *, first_page: int = 1, last_page: int = 0) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) не установлен")
    pages = ["-f", str(first_page)] + (["-l", str(last_page)] if last_page else [])
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _render_png(path: Path, out: Path) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) не установлен: PDF не проверить картинкой")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(out)], check=True)
    return sorted(out.parent.glob(out.name + "*.png"))


def _fill(store: Store, pid: int) -> None:
    start = dt.datetime(2024, 1, 1, 22, 0)
    rng = np.random.default_rng(4)
    episodes = []
    for d in range(56):
        for k in range(int(rng.poisson(0.5 + d / 20))):
            episodes.append(
                Episode(
                    started_at=start + dt.timedelta(days=d, minutes=10 * k),
                    kind="cramp" if k % 3 else "twitch",
                    leg="left",
                    intensity=int(min(10, 3 + d // 10 + k)),
                    triggers=["caffeine"] if d % 3 == 0 else [],
                    disturbs_sleep=d % 5 == 0,
                )
            )
    store.import_records(episodes, person_id=pid)
    for d in range(0, 56, 3):
        store.add_day_note(
            person_id=pid,
            note=DayNote(day=(start + dt.timedelta(days=d)).date(), triggers=["caffeine"]),
        )
    for d in range(40, 56):
        for h in (9, 19):
            store.add_exercise_session(
                person_id=pid,
                session=ExerciseSession(
                    done_at=start.replace(hour=h) + dt.timedelta(days=d),
                    exercise_id="knee_flex_extend",
                ),
                check=False,
            )
    store.add_medicine_intake(
        person_id=pid, intake=MedicineIntake(taken_at=start, name="Магний B6", amount="1 таб.")
    )
    store.add_scale_score(
        person_id=pid,
        score=ScaleScore(
            recorded_at=start,
            scale="ashworth",
            score="1+",
            recorded_by="clinician",
            leg="left",
            muscle="икроножная",
        ),
    )
    store.update_profile(
        person_id=pid, changes={"birth_year": 1952, "stroke_date": dt.date(2023, 10, 5)}
    )


@pytest.mark.slow
def test_report_renders_and_is_not_blank(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/r.db") as store:
        pid = store.default_person_id()
        _fill(store, pid)
        store.save_assessment(
            person_id=pid,
            data={
                "triage": {
                    "level": "doctor",
                    "title": "Запишитесь к врачу",
                    "reasons": [{"text": "После инсульта такие симптомы оценивает невролог."}],
                },
                "conditions": [{"id": "spasticity", "title": "Спастичность"}],
                "tests": [{"id": "electrolytes", "title": "Электролиты крови"}],
            },
            text="ногу сводит по ночам",
            assessed_at=dt.datetime(2024, 2, 20, 10, 0),
        )
        pdf = build_report(
            store,
            tmp_path / "visit.pdf",
            person_id=pid,
            today=dt.date(2024, 2, 26),
            change_date=dt.date(2024, 2, 10),
            change_label="начала упражнений",
        )
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = _render_png(pdf, tmp_path / "page")
    # The summary fits on one or two pages; the appendix of records follows on its own page.
    assert 2 <= len(pages) <= 3, len(pages)
    summary = _pdf_text(pdf, last_page=len(pages) - 1)
    assert "Что обсудить с врачом" in summary and "Приложение" not in summary
    appendix = _pdf_text(pdf, first_page=len(pages))
    assert "Приложение: записи дневника" in appendix
    assert "Показаны последние 30, всего в дневнике — " in appendix
    for column in ("Когда", "Нога", "Что", "Сила", "Сколько", "Что помогло", "Провокаторы"):
        assert column in appendix, column
    img = imread(pages[0])
    gray = img[..., :3].mean(axis=2)
    dark = (gray < 0.5).mean()
    assert 0.01 < dark < 0.5, f"page looks blank or black: {dark:.3f} dark"
    assert gray.std() > 0.05

    text = _pdf_text(pdf)
    for needle in (
        "сводка для врача",
        "1952",
        "05.10.2023",
        "Запишитесь к врачу",
        "ногу сводит по ночам",
        "Электролиты крови",
        "кофеин",
        "Магний B6",
        "Ашворта",
        "начала упражнений",
        "Упражнения:",
    ):
        assert needle in text, needle
    assert "доз" not in text.lower().replace("дозвон", "")


def test_report_without_assessment_says_so(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/e.db") as store:
        pdf = build_report(store, tmp_path / "empty.pdf", person_id=store.default_person_id())
    text = _pdf_text(pdf)
    assert "Сохранённых оценок нет" in text
    assert "пока не записаны" in text


def test_report_data_is_gathered_once_from_the_saved_and_the_diary_assessment(
    tmp_path: Path,
) -> None:
    from spasmnav.assessing import assess_text
    from spasmnav.diary.report import gather_report, render_report

    with Store(f"sqlite:///{tmp_path}/g.db") as store:
        pid = store.default_person_id()
        _fill(store, pid)
        saved = assess_text("После инсульта по вечерам дёргается правая нога")
        store.save_assessment(person_id=pid, data=saved.to_json(), text="дёргается нога")
        report = gather_report(store, person_id=pid, today=dt.date(2024, 2, 26))
    assert report.saved_view == saved.digest()
    assert report.assessment is not None and report.assessment.level == saved.level
    assert report.diary_view is not None and report.diary_view.level in (
        "self_care",
        "doctor",
        "urgent",
        "emergency",
    )
    assert report.analysis.total_episodes > 0 and report.today == dt.date(2024, 2, 26)
    assert render_report(report).startswith(b"%PDF")
