"""The command line, as a person or a script uses it (real subprocesses where it matters)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmnav.cli import app

runner = CliRunner()
SPASMNAV = [sys.executable, "-m", "spasmnav"]


def test_assess_text_json_contract() -> None:
    r = runner.invoke(
        app, ["assess", "--text", "Ночью свело икру, потянула носок — прошло", "--json"]
    )
    assert r.exit_code == 0, r.output
    a = json.loads(r.stdout)
    for key in (
        "schema_version",
        "in_scope",
        "triage",
        "red_flags",
        "conditions",
        "findings",
        "tests",
        "advice",
        "disclaimer",
    ):
        assert key in a
    assert a["triage"]["level"] == "self_care"
    assert {"level", "title", "specialist", "reasons"} <= set(a["triage"])
    cramp = next(f for f in a["findings"] if f["id"] == "cramp")
    assert a["text"][cramp["start"] : cramp["end"]] == cramp["text"]


def test_assess_text_report_puts_the_level_first() -> None:
    r = runner.invoke(app, ["assess", "--text", "перекосило лицо и нога дергается"])
    assert r.exit_code == 0
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert "103" in "\n".join(lines[:4])
    assert "Почему" in r.stdout and "Источник" in r.stdout


def test_assess_text_from_stdin() -> None:
    r = runner.invoke(app, ["assess", "--text", "-", "--json"], input="сводит икры каждую ночь\n")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["triage"]["level"] == "doctor"


@pytest.mark.parametrize(
    ("findings", "level"),
    [
        ({"cramp": True, "exertion": True}, "self_care"),
        ({"post_stroke": True, "twitching": True}, "doctor"),
        ({"calf_swelling": True, "calf_redness": True}, "urgent"),
        ({"twitching": True, "loss_of_consciousness": True}, "emergency"),
    ],
)
def test_assess_findings_each_level(tmp_path: Path, findings: dict[str, bool], level: str) -> None:
    f = tmp_path / "f.json"
    f.write_text(json.dumps({"findings": findings}), encoding="utf-8")
    r = runner.invoke(app, ["assess", "--findings", str(f), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["triage"]["level"] == level
    human = runner.invoke(app, ["assess", "--findings", str(f)])
    assert human.exit_code == 0


def test_unknown_findings_are_named(tmp_path: Path) -> None:
    f = tmp_path / "f.json"
    f.write_text(json.dumps({"findings": {"cramp": True, "leg_on_fire": True}}), "utf-8")
    r = runner.invoke(app, ["assess", "--findings", str(f)])
    assert r.exit_code == 2
    assert "leg_on_fire" in r.stderr and "Неизвестные" in r.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"findings": {"cramp": "yes"}}', "Недопустимые"),
        ("not json", "не JSON"),
        ("[1, 2]", "id"),
    ],
)
def test_bad_findings_files(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "f.json"
    f.write_text(content, "utf-8")
    r = runner.invoke(app, ["assess", "--findings", str(f)])
    assert r.exit_code == 2
    assert message in r.stderr


def test_missing_file_and_bad_option_combinations(tmp_path: Path) -> None:
    r = runner.invoke(app, ["assess", "--findings", str(tmp_path / "nope.json")])
    assert r.exit_code == 2 and "не найден" in r.stderr
    r = runner.invoke(app, ["assess"])
    assert r.exit_code == 2 and "ровно одно" in r.stderr
    # A file name that looks like Rich markup is named as typed (it vanished, or crashed).
    r = runner.invoke(app, ["assess", "--findings", str(tmp_path / "[/x] [bold].json")])
    assert r.exit_code == 2 and "[/x] [bold].json" in r.stderr.replace("\n", "")


def test_empty_text_is_a_clear_error() -> None:
    r = runner.invoke(app, ["assess", "--text", "   "])
    assert r.exit_code == 2
    assert "Пустой текст" in r.stderr


def test_batch_keeps_order_ids_and_reports_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "text": "перекосило лицо"},
        {"id": "b", "text": ""},
        {"id": "c", "findings": {"cramp": True}},
        {"id": "d", "text": "сводит икру ночью"},
    ]
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{oops\n", "utf-8")
    proc = subprocess.run([*SPASMNAV, "assess", "--batch", str(f)], capture_output=True, text=True)
    assert proc.returncode == 1
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d", None]
    assert out[0]["triage"]["level"] == "emergency"
    assert "error" in out[1] and "error" in out[4]
    assert out[2]["triage"]["level"] == "self_care" and out[3]["in_scope"] is True
    assert "Traceback" not in proc.stderr


def test_batch_positional_form_used_by_the_scorer(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"id": 7, "text": "нога дергается"}) + "\n", "utf-8")
    proc = subprocess.run([*SPASMNAV, "assess", "--batch", str(f)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == 7


def test_output_is_deterministic() -> None:
    args = ["assess", "--text", "У папы после инсульта нога дергается, ходить мешает", "--json"]
    assert runner.invoke(app, args).stdout == runner.invoke(app, args).stdout


def test_pack_check_and_show() -> None:
    r = runner.invoke(app, ["pack", "check"])
    assert r.exit_code == 0, r.output
    assert "Пакет в порядке" in r.stdout
    show = runner.invoke(app, ["pack", "show"])
    assert show.exit_code == 0
    assert "Спастичность" in show.stdout


def test_pack_check_reports_a_broken_pack(tmp_path: Path) -> None:
    from importlib import resources

    src = resources.files("spasmnav") / "pack"
    for name in (
        "sources",
        "findings",
        "conditions",
        "rules",
        "care",
        "exercises",
        "medicines",
        "questions",
    ):
        node = src / f"{name}.yaml"
        if node.is_file():
            (tmp_path / f"{name}.yaml").write_text(node.read_text("utf-8"), "utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text(rules.read_text("utf-8").replace("- face_droop", "- face_dropp", 1), "utf-8")
    r = runner.invoke(app, ["pack", "check", str(tmp_path)])
    assert r.exit_code == 3
    assert "face_dropp" in r.stderr and "rules.yaml" in r.stderr


def test_vignettes_meet_the_quality_targets(shared_dir: Path) -> None:
    # Every visible set at once, as the quality bar is stated. The sets disagree in a few
    # labels (the first-round vignettes call a clot without a contraction in scope and
    # symptomatic low calcium after neck surgery urgent; the later sets and the clinical
    # review say out of scope, and SfE 2016 says emergency): the contract and the review win.
    scorer = shared_dir / "eval" / "score_vignettes.py"
    cases = sorted(str(p) for p in (shared_dir / "eval").glob("*.jsonl"))
    cmd = f"{sys.executable} -m spasmnav assess --batch"
    proc = subprocess.run(
        [sys.executable, str(scorer), *cases, "--run", cmd], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all targets met" in proc.stdout


def test_python_dash_m_works() -> None:
    proc = subprocess.run([*SPASMNAV, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "assess" in proc.stdout


def test_assess_asks_the_checks_and_reassesses() -> None:
    text = "Ночью свело икру, потянул носок — прошло"
    proc = subprocess.run(
        [*SPASMNAV, "assess", "--text", text, "--ask"],
        input="да\n",
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Проверьте, нет ли сейчас" in proc.stdout and "103" in proc.stdout
    out = subprocess.run(
        [*SPASMNAV, "assess", "--text", text, "--check", "stroke_signs=нет", "--json"],
        capture_output=True,
        text=True,
    )
    data = json.loads(out.stdout)
    assert "stroke_signs" not in {c["id"] for c in data["red_flags_unchecked"]}
    bad = subprocess.run(
        [*SPASMNAV, "assess", "--text", text, "--check", "stroke_signs"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "--check ждёт" in bad.stderr
