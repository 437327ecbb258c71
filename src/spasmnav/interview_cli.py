"""Placeholder until the interview lands: `run` shows a sample assessment."""

from __future__ import annotations

import typer
from rich.console import Console

from .assessing import assess_text
from .terminal import print_assessment


def register(app: typer.Typer) -> None:
    return None


def run_default() -> None:
    sample = "Ночью резко свело икру, потянула носок на себя — прошло."
    Console().print(f"Пример: «{sample}»\n")
    print_assessment(Console(), assess_text(sample).to_dict())
