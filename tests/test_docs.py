"""The README stays true: every setting is documented, the two set-up commands come first."""

from __future__ import annotations

from pathlib import Path

from spasmnav.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_setting_is_documented() -> None:
    missing = [n for n in Settings.model_fields if f"SPASMNAV_{n.upper()}" not in README]
    assert not missing, f"settings missing from the README: {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    head = README[:400]
    assert "make run" in head and "make test" in head
