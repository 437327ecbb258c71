"""The fast start of ``spasmnav assess``: the same output, errors and exit codes as the Typer
app, and the Typer app for every form the plain parser does not read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from spasmnav.assess_cli import parse_fast
from spasmnav.cli import app

SPASMNAV = [sys.executable, "-m", "spasmnav"]
TEXT = "после инсульта нога дергается, по ночам сводит икру"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SPASMNAV, *args], capture_output=True, text=True, input=stdin, check=False
    )


def test_plain_forms_are_read() -> None:
    got = parse_fast(["--text", TEXT, "--json", "-c", "stroke_signs=нет", "--check=dvt=да"])
    assert got is not None
    assert got["text"] == TEXT and got["as_json"] is True and got["ask"] is False
    assert got["check"] == ["stroke_signs=нет", "dvt=да"]
    assert got["findings"] is None and got["batch"] is None and got["batch_file"] is None
    assert parse_fast(["--text=-"]) == {**parse_fast(["-t", "-"]), "text": "-"}  # type: ignore[dict-item]
    positional = parse_fast(["cases.jsonl"])
    assert positional is not None and positional["batch_file"] == Path("cases.jsonl")


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["--text"],  # no value
        ["--text", "--json"],  # a value that looks like an option
        ["--text", "a", "--text", "b"],  # repeated
        ["--json", "--json", "--text", "a"],
        ["--jsn", "--text", "a"],  # unknown
        ["-tтекст"],  # glued short option
        ["--json=1", "--text", "a"],  # a value on a flag
        ["--", "--text"],
        ["a.jsonl", "b.jsonl"],
    ],
)
def test_anything_else_goes_to_typer(args: list[str]) -> None:
    assert parse_fast(args) is None


@given(st.lists(st.sampled_from(["--text", "-t", "--json", "--ask", "x", "-", "--zz", "-c"])))
def test_the_parser_never_raises(args: list[str]) -> None:
    got = parse_fast(args)
    assert got is None or set(got) == {
        "text",
        "findings",
        "batch",
        "as_json",
        "check",
        "ask",
        "batch_file",
    }


@pytest.mark.parametrize(
    "args",
    [
        ["--text", TEXT, "--json"],
        ["-t", TEXT, "--json", "--check", "stroke_signs=нет"],
        ["--text", TEXT],  # the terminal report
        ["--text", "   ", "--json"],  # unusable text: exit 2, «Ошибка: …»
        ["--text", TEXT, "--check", "stroke_signs"],  # a bad --check
        ["--text", TEXT, "--check", "no_such_check=да"],
        ["--json"],  # none of --text, --findings, --batch
        ["--findings", "/nonexistent/findings.json"],
    ],
)
def test_fast_path_matches_the_typer_app(args: list[str]) -> None:
    fast = _run("assess", *args)
    typer_result = CliRunner().invoke(app, ["assess", *args])
    assert fast.returncode == typer_result.exit_code, fast.stderr
    assert fast.stdout == typer_result.stdout
    assert fast.stderr.split() == typer_result.stderr.split()  # rich wraps to the width


def test_help_and_unknown_options_are_typers() -> None:
    helped = _run("assess", "--help")
    assert helped.returncode == 0 and "--text" in helped.stdout and "--findings" in helped.stdout
    bad = _run("assess", "--jsn", "--text", TEXT)
    assert bad.returncode == 2 and "--jsn" in bad.stderr


def test_text_from_stdin_and_batch(tmp_path: Path) -> None:
    r = _run("assess", "--text", "-", "--json", stdin="сводит икры каждую ночь\n")
    assert r.returncode == 0 and json.loads(r.stdout)["triage"]["level"] == "doctor"
    f = tmp_path / "b.jsonl"
    f.write_text('{"id": 1, "text": "сводит икру"}\nnot json\n', encoding="utf-8")
    b = _run("assess", str(f))
    lines = [json.loads(x) for x in b.stdout.splitlines()]
    assert b.returncode == 1 and [x["id"] for x in lines] == [1, None]
    assert "error" in lines[1] and "Строк с ошибками: 1" in b.stderr


def test_the_console_script_is_the_dispatcher() -> None:
    exe = Path(sys.executable).parent / "spasmnav"
    if not exe.exists():
        pytest.skip("not installed as a console script")
    r = subprocess.run(
        [str(exe), "assess", "--text", TEXT, "--json"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0 and json.loads(r.stdout)["text"] == TEXT


_COLLECTOR = """
import gc, sys
from spasmnav.__main__ import _quick
done = _quick(lambda args: args == ["yes"], sys.argv[1:])
print(done, gc.isenabled(), gc.get_freeze_count() > 0)
"""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # Done: the process is about to exit; what the start built is frozen for its exit.
        (["yes"], "True False True"),
        # Not done: the Typer app takes over with the collector running, nothing frozen.
        (["no"], "False True False"),
    ],
)
def test_a_quick_path_leaves_the_collector_as_the_process_needs(
    args: list[str], expected: str
) -> None:
    r = subprocess.run(
        [sys.executable, "-c", _COLLECTOR, *args], capture_output=True, text=True, check=True
    )
    assert r.stdout.split() == expected.split()


_EXIT = """
import sys
from spasmnav.__main__ import _exit_done
print("вывод")
print("ошибка", file=sys.stderr)
_exit_done()
print("не дошло")
"""


def test_a_quick_exit_writes_what_is_buffered_and_ends_the_process() -> None:
    # A quick path leaves without the interpreter's teardown: what is still buffered is
    # written first (to a pipe stdout is block-buffered), and nothing after it runs.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    r = subprocess.run(
        [sys.executable, "-c", _EXIT], capture_output=True, text=True, env=env, check=False
    )
    assert (r.returncode, r.stdout, r.stderr) == (0, "вывод\n", "ошибка\n")
