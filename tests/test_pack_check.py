"""``spasmnav pack check`` rejects every kind of broken rule condition, naming file and rule.

Each case copies the shipped pack into a temporary directory, breaks one rule's condition in
``rules.yaml`` and runs the real command: exit code 3, and the message names ``rules.yaml`` and
the rule. The conditions the loader rejects are exactly those the engine cannot compile, so
what passes ``pack check`` also runs.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from spasmnav import expr as ex
from spasmnav.cli import app
from spasmnav.content import PackError, load_pack, load_pack_from

# A rule of rules.yaml that no red-flag check settles (a check requires its rule's condition to
# use the check's answer, which the mutations below would break first).
RULE = next(
    r.id
    for r in load_pack().rules
    if r.id not in {c.rule for c in load_pack().checks} and r.id != "default_self_care"
)
runner = CliRunner()


def _copy_pack(tmp: Path) -> Path:
    src = resources.files("spasmnav") / "pack"
    for node in src.iterdir():
        if node.name.endswith(".yaml"):
            (tmp / node.name).write_text(node.read_text("utf-8"), "utf-8")
    return tmp


def _edit(tmp: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = tmp / name
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def _set_when(when: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        rules = [r for r in data["rules"] if r["id"] == RULE]
        assert rules, f"{RULE} is not in rules.yaml any more: pick another rule"
        rules[0]["when"] = when

    return change


def _orphan_finding(data: dict[str, Any]) -> None:
    # A finding with no words, no question and no derivation: nothing can ever set it.
    data["findings"].append({"id": "orphan_finding", "label": "Сирота", "kind": "symptom"})


CASES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("misspelled-operator", {"anyy": ["calf_swelling", "calf_pain"]}, ("anyy", "'any'")),
    ("unknown-finding", {"any": ["calf_swelling", "calf_swelin"]}, ("calf_swelin",)),
    (
        "value-not-a-number",
        {"all": ["calf_swelling", {"finding": "age", "op": ">=", "value": "sixty"}]},
        ("value", "sixty"),
    ),
    ("present-not-a-flag", {"finding": "calf_swelling", "present": "no"}, ("present",)),
    ("unknown-comparison", {"finding": "age", "op": "=>", "value": 60}, ("=>",)),
    (
        "comparing-a-finding-without-value",
        {"finding": "calf_swelling", "op": ">", "value": 1},
        ("calf_swelling", "not numeric"),
    ),
    ("min-larger-than-list", {"min": 3, "of": ["calf_swelling", "calf_pain"]}, ("min: 3",)),
    ("min-not-a-number", {"min": "two", "of": ["calf_swelling", "calf_pain"]}, ("min",)),
    ("empty-list", {"any": []}, ("empty",)),
    ("not-a-condition", 42, ("42",)),
    (
        "contradiction",
        {"all": ["calf_swelling", {"not": "calf_swelling"}]},
        ("never",),
    ),
    (
        "contradiction-in-values",
        {
            "all": [
                {"finding": "age", "op": ">=", "value": 60},
                {"finding": "age", "op": "<", "value": 18},
            ]
        },
        ("never",),
    ),
    (
        "present-and-absent",
        {"all": ["calf_swelling", {"finding": "calf_swelling", "present": False}]},
        ("never",),
    ),
    ("finding-nothing-sets", {"all": ["calf_swelling", "orphan_finding"]}, ("never",)),
]


@pytest.mark.parametrize(("when", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_pack_check_rejects_a_broken_rule(tmp_path: Path, when: Any, words: tuple[str]) -> None:
    pack_dir = _copy_pack(tmp_path)
    _edit(pack_dir, "findings.yaml", _orphan_finding)
    _edit(pack_dir, "rules.yaml", _set_when(when))
    r = runner.invoke(app, ["pack", "check", str(pack_dir)])
    assert r.exit_code == 3, r.output
    problems = [line for line in r.stderr.splitlines() if f"rules.{RULE}" in line]
    assert problems, r.stderr
    assert all(line.lstrip(" •").startswith("rules.yaml: ") for line in problems), problems
    for word in words:
        assert any(word in line for line in problems), (word, problems)


def test_the_mutated_copy_is_fine_before_the_mutation(tmp_path: Path) -> None:
    # The copy itself (with its one unused orphan finding) passes: the failures above are the
    # rule's.
    pack_dir = _copy_pack(tmp_path)
    _edit(pack_dir, "findings.yaml", _orphan_finding)
    r = runner.invoke(app, ["pack", "check", str(pack_dir)])
    assert r.exit_code == 0, r.output
    assert "Пакет в порядке" in r.stdout


def test_a_finding_only_a_derived_condition_can_set_counts_as_settable(tmp_path: Path) -> None:
    pack_dir = _copy_pack(tmp_path)

    def derived(data: dict[str, Any]) -> None:
        data["findings"].append(
            {
                "id": "old_and_swollen",
                "label": "Пожилой возраст и отёк",
                "kind": "context",
                "derived": {"all": ["calf_swelling", {"finding": "age", "op": ">=", "value": 60}]},
            }
        )

    _edit(pack_dir, "findings.yaml", derived)
    _edit(pack_dir, "rules.yaml", _set_when({"all": ["old_and_swollen"]}))
    r = runner.invoke(app, ["pack", "check", str(pack_dir)])
    assert r.exit_code == 0, r.output


def test_what_the_loader_rejects_the_engine_cannot_compile(tmp_path: Path) -> None:
    # The other direction: conditions the loader refuses (parse errors) are the ones that
    # would crash the engine's compiler, so the loader is not merely stricter by taste.
    parse_errors = {
        "misspelled-operator",
        "value-not-a-number",
        "present-not-a-flag",
        "unknown-comparison",
        "min-larger-than-list",
        "min-not-a-number",
        "empty-list",
        "not-a-condition",
    }
    for name, when, _ in CASES:
        if name in parse_errors:
            with pytest.raises(ex.ExprError):
                ex.compile(ex.parse(when))
        else:
            ex.compile(ex.parse(when))  # readable: a reference or logic problem, not syntax
    pack_dir = _copy_pack(tmp_path)
    _edit(pack_dir, "rules.yaml", _set_when({"anyy": ["calf_swelling"]}))
    with pytest.raises(PackError):
        load_pack_from(pack_dir)


def test_a_yaml_error_names_the_file(tmp_path: Path) -> None:
    pack_dir = _copy_pack(tmp_path)
    with (pack_dir / "care.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n  - id: [unclosed\n")
    r = runner.invoke(app, ["pack", "check", str(pack_dir)])
    assert r.exit_code == 3
    assert "care.yaml" in r.stderr


@pytest.mark.parametrize(
    ("pseudo", "word"),
    [
        ({"phrase": "^тугой бинт", "findings": ["stifness"]}, "stifness"),
        ({"phrase": "^тугой бинт", "finding": ["stiffness"]}, "finding"),
        ({"phrase": "^тугой бинт", "findings": []}, "needs words and findings"),
    ],
    ids=["unknown-finding", "misspelled-field", "no-findings"],
)
def test_pack_check_rejects_a_broken_pseudo_phrase(
    tmp_path: Path, pseudo: dict[str, Any], word: str
) -> None:
    pack_dir = _copy_pack(tmp_path)

    def change(data: dict[str, Any]) -> None:
        data["context"]["pseudo"].append(pseudo)

    _edit(pack_dir, "context.yaml", change)
    r = runner.invoke(app, ["pack", "check", str(pack_dir)])
    assert r.exit_code == 3, r.output
    assert word in r.stderr, r.stderr


def _set_source(source_id: str, **fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        found = [s for s in data["sources"] if s["id"] == source_id]
        assert found, f"{source_id} is not in sources.yaml any more: pick another source"
        for key, value in fields.items():
            if value is None:
                found[0].pop(key, None)
            else:
                found[0][key] = value

    return change


_CRAMPS = "https://cks.nice.org.uk/topics/leg-cramps/"
BAD_SOURCES: list[tuple[str, str, dict[str, Any], tuple[str, ...]]] = [
    ("plain-http", "nice_cks_cramps", {"url": _CRAMPS.replace("https", "http")}, ("https",)),
    ("no-scheme", "nice_cks_cramps", {"url": _CRAMPS.removeprefix("https://")}, ("url",)),
    ("not-web", "nice_cks_cramps", {"url": "javascript:alert(1)"}, ("url",)),
    ("bare-host", "nice_cks_cramps", {"url": "https://localhost/leg-cramps"}, ("host",)),
    ("space", "nice_cks_cramps", {"url": _CRAMPS.replace("-", " ")}, ("white space",)),
    ("month-13", "nice_cks_cramps", {"url": _CRAMPS, "checked": "2026-13"}, ("checked",)),
    ("month-words", "nice_cks_cramps", {"url": _CRAMPS, "checked": "Dec 2026"}, ("checked",)),
    (
        "checked-no-url",
        "nice_cks_cramps",
        {"url": None, "checked": "2026-12"},
        ("`checked` needs",),
    ),
    ("seed-with-url", "seed_cramps", {"url": "https://ngs.ru/"}, ("seed",)),
]


@pytest.mark.parametrize(
    ("source_id", "fields", "words"), [c[1:] for c in BAD_SOURCES], ids=[c[0] for c in BAD_SOURCES]
)
def test_pack_check_rejects_a_malformed_source_address_or_date(
    tmp_path: Path, source_id: str, fields: dict[str, Any], words: tuple[str, ...]
) -> None:
    pack_dir = _copy_pack(tmp_path)
    _edit(pack_dir, "sources.yaml", _set_source(source_id, **fields))
    r = runner.invoke(app, ["pack", "check", str(pack_dir)])
    assert r.exit_code == 3, r.output
    assert "sources.yaml" in r.stderr or f"sources.{source_id}" in r.stderr, r.stderr
    for word in words:
        assert word in r.stderr, (word, r.stderr)


def test_a_checked_source_with_a_good_address_passes(tmp_path: Path) -> None:
    pack_dir = _copy_pack(tmp_path)
    change = _set_source(
        "nice_cks_cramps", url="https://cks.nice.org.uk/topics/leg-cramps/", checked="2026-12"
    )
    _edit(pack_dir, "sources.yaml", change)
    pack = load_pack_from(pack_dir)
    src = pack.source("nice_cks_cramps")
    assert (src.url, src.checked) == ("https://cks.nice.org.uk/topics/leg-cramps/", "2026-12")
