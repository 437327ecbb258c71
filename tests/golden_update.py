"""Record (or recompute) the golden outputs that pin SpasmNav's behaviour.

Regenerate after a deliberate change of behaviour, from the repository root::

    make golden                       # or: .venv/bin/python -m tests.golden_update

then review ``git diff tests/golden`` line by line: it must show only what was changed on
purpose. ``tests/test_golden.py`` recomputes everything with :func:`compute` and compares.

What is recorded (each through the same entry point a person or a script uses):

* ``assess-<set>.jsonl``: ``spasmnav assess --batch FILE --json`` over every evaluation case.
  The inputs are snapshotted in ``golden/cases/`` (copied from ``../shared/eval`` when
  regenerating), so a new case in the shared set does not break the comparison.
* ``interview.json``: ``spasmnav interview --answers FILE --json`` for the replays in
  :data:`INTERVIEWS`.
* ``trends.json``: ``spasmnav trends --json`` over a synthetic diary with fixed dates.
* ``report.json``: the data the PDF report is built from (analysis, the diary's own
  assessment, the last saved assessment, the rows and questions printed), for a fixed "today".

Volatile fields are removed explicitly by :data:`VOLATILE` (with the reason next to each);
everything else must be equal.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import time_machine
import typer
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
CASES = GOLDEN / "cases"
SHARED_EVAL = ROOT.parent / "shared" / "eval"
if not SHARED_EVAL.is_dir():  # a worktree under /work/wt/NAME
    SHARED_EVAL = ROOT.parent.parent / "shared" / "eval"

# The diary's "today" for the report; the trends command has no such input, so its diary
# carries no birth year (age = today's year minus birth year would change every 1 January).
TODAY = dt.date(2024, 3, 1)
# The wall clock while computing: texts such as «инсульт в 2019» count days up to today, and
# the trends mark the current week, so the recording day is fixed.
RECORDED_ON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)

INTERVIEWS: dict[str, dict[str, Any]] = {
    "night_cramps_no_red_flags": {
        "text": "По ночам сводит икру правой ноги, уже месяц, пью мочегонные.",
        "answers": {
            "rf_stroke": "none",
            "rf_seizure": "none",
            "rf_breathing": "none",
            "sx_general": "none",
            "hx_age": 58,
        },
    },
    "after_stroke_relative": {
        "subject": "other",
        "text": "После инсульта у мамы нога стала тугой и дёргается.",
        "answers": {"rf_stroke": "none", "rf_seizure": "none", "hx_stroke": True},
    },
    "emergency_stroke_signs": {
        "text": "Сводит ногу.",
        "answers": {"rf_stroke": ["face", "speech"]},
    },
    "no_text_all_unknown": {"answers": {}},
}


def _drop_assessed_at(obj: dict[str, Any]) -> None:
    # The store stamps a saved assessment with the time it was saved (now).
    obj.pop("assessed_at", None)


# (golden file, what is removed, why). Applied to the freshly computed and the stored object.
VOLATILE: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("report.json", lambda d: _drop_assessed_at(d["latest_assessment"]), "wall-clock time"),
]


def _app() -> typer.Typer:
    """The real commands, registered explicitly (``spasmnav.cli`` registers the sub-apps
    depending on ``sys.argv``)."""
    from spasmnav import cli, interview_cli
    from spasmnav.diary import cli as diary_cli

    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
    app.command("assess")(cli.assess_cmd)
    interview_cli.register(app)
    diary_cli.register(app)
    return app


def _invoke(app: typer.Typer, args: list[str]) -> str:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    if result.exit_code not in (0, 1):  # 1: a batch with bad lines still prints them all
        raise RuntimeError(f"{args}: exit {result.exit_code}\n{result.output}")
    return result.stdout


def _fill_diary(url: str, *, with_report_extras: bool) -> None:
    from spasmnav.diary.models import DayNote, Episode, ExerciseSession, MedicineIntake
    from spasmnav.diary.store import Store

    start = dt.datetime(2024, 1, 1, 22, 0)
    rng = np.random.default_rng(7)
    with Store(url) as store:
        pid = store.default_person_id()
        episodes = []
        for d in range(56):
            for k in range(int(rng.poisson(0.4 + d / 25))):
                episodes.append(
                    Episode(
                        started_at=start + dt.timedelta(days=d, minutes=7 * k),
                        kind=("cramp", "twitch", "spasm")[k % 3],
                        leg="left" if d % 4 else "right",
                        intensity=int(min(10, 2 + d // 9 + k)),
                        triggers=["caffeine"] if d % 3 == 0 else [],
                        disturbs_sleep=d % 5 == 0,
                        disturbs_walking=d % 11 == 0,
                    )
                )
        store.import_records(episodes, person_id=pid)
        for d in range(0, 56, 3):
            store.add_day_note(
                person_id=pid,
                note=DayNote(day=(start + dt.timedelta(days=d)).date(), triggers=["caffeine"]),
            )
        for d in range(35, 56):
            for h in (9, 19):
                store.add_exercise_session(
                    person_id=pid,
                    session=ExerciseSession(
                        done_at=start.replace(hour=h) + dt.timedelta(days=d),
                        exercise_id="knee_flex_extend",
                    ),
                    check=False,
                )
        store.update_profile(person_id=pid, changes={"stroke_date": dt.date(2023, 10, 5)})
        if with_report_extras:
            store.add_medicine_intake(
                person_id=pid,
                intake=MedicineIntake(taken_at=start, name="Магний B6", amount="1 таб."),
            )
            store.update_profile(person_id=pid, changes={"birth_year": 1952})
            text = "После инсульта правую ногу сводит по ночам, стала тугой."
            from spasmnav.assessing import assess_text

            store.save_assessment(person_id=pid, data=assess_text(text).to_dict(), text=text)


def _report_data(url: str) -> dict[str, Any]:
    import dataclasses

    from spasmnav.diary import report
    from spasmnav.diary.store import Store
    from spasmnav.presenter import trends_json

    with Store(url) as store:
        pid = store.default_person_id()
        r = report.gather_report(
            store, person_id=pid, today=TODAY, change_date=dt.date(2024, 2, 5), change_label="ТМС"
        )
        latest = r.assessment
        assert latest is not None
        return {
            "analysis": trends_json(r.analysis, None),
            "diary_view": dataclasses.asdict(r.diary_view) if r.diary_view else None,
            "latest_assessment": {
                "level": latest.level,
                "text": latest.text,
                "assessed_at": latest.assessed_at.isoformat(),
                "data": latest.data,
            },
            "who": report._who(r.profile, TODAY),
            "diary_rows": report._diary_rows(r.analysis),
            "questions": report._questions(r.analysis, r.saved_view),
        }


def compute(*, refresh_cases: bool = False) -> dict[str, str]:
    """Every golden file's name and its freshly computed text (on :data:`RECORDED_ON`)."""
    with time_machine.travel(RECORDED_ON, tick=False):
        return _compute(refresh_cases=refresh_cases)


def _compute(*, refresh_cases: bool) -> dict[str, str]:
    if refresh_cases:
        CASES.mkdir(parents=True, exist_ok=True)
        for old in CASES.glob("*.jsonl"):
            old.unlink()
        for src in sorted(SHARED_EVAL.glob("*.jsonl")):
            shutil.copyfile(src, CASES / src.name)
    app = _app()
    out: dict[str, str] = {}
    for case_file in sorted(CASES.glob("*.jsonl")):
        text = _invoke(app, ["assess", "--batch", str(case_file), "--json"])
        out[f"assess-{case_file.stem}.jsonl"] = text
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for name, replay in INTERVIEWS.items():
            path = Path(tmp) / f"{name}.json"
            path.write_text(json.dumps(replay, ensure_ascii=False), encoding="utf-8")
            results[name] = json.loads(
                _invoke(app, ["interview", "--answers", str(path), "--json"])
            )
        out["interview.json"] = _dump(results)

        trends_url = f"sqlite:///{tmp}/trends.db"
        _fill_diary(trends_url, with_report_extras=False)
        trends = json.loads(_invoke(app, ["trends", "--json", "--db", trends_url]))
        out["trends.json"] = _dump(trends)

        report_url = f"sqlite:///{tmp}/report.db"
        _fill_diary(report_url, with_report_extras=True)
        out["report.json"] = _dump(_report_data(report_url))
    return {name: normalise(name, text) for name, text in out.items()}


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def normalise(name: str, text: str) -> str:
    """The text with the volatile fields of :data:`VOLATILE` removed."""
    rules = [fn for file, fn, _ in VOLATILE if file == name]
    if not rules:
        return text
    obj = json.loads(text)
    for fn in rules:
        fn(obj)
    return _dump(obj)


def main() -> int:
    refresh = "--keep-cases" not in sys.argv[1:]
    if refresh and not SHARED_EVAL.is_dir():
        print(f"{SHARED_EVAL} not found: keeping the stored cases", file=sys.stderr)
        refresh = False
    files = compute(refresh_cases=refresh)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*.json*"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} golden files to {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
