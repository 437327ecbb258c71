"""The command line: a thin layer that reads input, calls the core and prints."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import assess_cli as _commands
from .clitext import RussianGroup

# The pack and the engine are imported by the commands that use them: the diary's quick
# commands need neither.

app = typer.Typer(
    name="spasmnav",
    cls=RussianGroup,
    help="SpasmNav: подёргивания, спазмы и судороги в ногах — насколько это опасно и что делать.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
pack_app = typer.Typer(help="Клинический контент: проверка и просмотр.", no_args_is_help=True)
app.add_typer(pack_app, name="pack")

EXIT_BAD_INPUT = _commands.EXIT_BAD_INPUT
EXIT_BAD_PACK = _commands.EXIT_BAD_PACK
_console = _commands.console
fail = _commands.fail


@app.command("assess")
def assess_cmd(
    text: Annotated[
        str | None, typer.Option("--text", "-t", help="Описание своими словами; «-» — из stdin.")
    ] = None,
    findings: Annotated[
        Path | None, typer.Option("--findings", "-f", help="JSON-файл с находками.")
    ] = None,
    batch: Annotated[
        Path | None, typer.Option("--batch", "-b", help='JSONL: по строке {"id", "text"}.')
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Вывести JSON (контракт).")] = False,
    check: Annotated[
        list[str] | None,
        typer.Option(
            "--check",
            "-c",
            help="Ответ на проверку опасного признака: id=да|нет|не знаю (можно несколько).",
        ),
    ] = None,
    ask: Annotated[
        bool, typer.Option("--ask", help="Задать вопросы проверки и пересчитать оценку.")
    ] = False,
    batch_file: Annotated[Path | None, typer.Argument(hidden=True)] = None,
) -> None:
    """Оценить ситуацию: по тексту, по находкам (JSON) или пакетом (JSONL)."""
    _commands.run_assess(text, findings, batch, as_json, check, ask, batch_file)


# The parts of the pack, as `pack check` counts them.
PACK_PARTS = {
    "sources": "источники",
    "seed_sections": "разделы исходных материалов",
    "findings": "находки",
    "conditions": "состояния",
    "rules": "правила",
    "specialists": "специалисты",
    "tests": "обследования",
    "advice": "советы",
    "exercises": "упражнения",
    "medicines": "лекарства",
    "brain_areas": "отделы мозга",
    "scales": "шкалы",
    "levels": "уровни срочности",
    "questions": "вопросы",
    "checks": "проверки опасных признаков",
    "frames": "шаблоны фраз",
    "lexicon_terms": "слова словаря",
    "red_flag_rules": "правила опасных признаков",
    "citations": "ссылки на источники",
}


@pack_app.command("check")
def pack_check(
    directory: Annotated[
        Path | None, typer.Argument(help="Каталог пакета (по умолчанию — встроенный).")
    ] = None,
) -> None:
    """Проверить клинический пакет: ссылки, источники, строки, условия правил.

    Отвергает всё, что отверг бы движок, и правила, которые никогда не сработают;
    код выхода 3, если есть ошибки (каждая названа с файлом и правилом).
    """
    from .content import SHIPPED_PACK_DIR, PackError, load_pack_from
    from .packdoc import pack_summary

    try:
        pack = load_pack_from(directory or SHIPPED_PACK_DIR, lint=True)
    except PackError as exc:
        from rich.markup import escape

        console = _console(stderr=True, soft_wrap=True)
        console.print(f"[bold red]Пакет содержит ошибки ({len(exc.problems)}):[/]")
        for p in exc.problems:
            console.print(f"  • {escape(p)}")
        raise typer.Exit(EXIT_BAD_PACK) from None
    console = _console()
    console.print(f"[bold green]Пакет в порядке[/] (версия {pack.version})")
    for kind, n in pack_summary(pack).items():
        console.print(f"  {PACK_PARTS.get(kind, kind)}: {n}")


@pack_app.command("show")
def pack_show() -> None:
    """Показать весь клинический пакет как читаемый документ для проверки врачом."""
    from rich.markdown import Markdown

    from .core import default_navigator
    from .packdoc import render_pack

    _console().print(Markdown(render_pack(default_navigator().pack)))


@app.command("run")
def run_cmd() -> None:
    """Главный сценарий: SpasmNav в браузере на этом компьютере (адрес будет напечатан)."""
    from .web.cli import run_default

    run_default()


# Commands served by the core alone. Their start-up must stay well under a second, so the
# sub-apps below (which import SQLAlchemy, numpy, matplotlib and FastAPI) are registered only
# when one of their commands is asked for; a word none of them is known to own (the full
# --help, a misspelled command, a command added since) registers them all.
CORE_COMMANDS = frozenset({"assess", "pack", "run"})
SUB_APPS: tuple[tuple[str, frozenset[str]], ...] = (
    ("spasmnav.diary.cli", frozenset({"diary", "trends", "report", "plan"})),
    ("spasmnav.interview_cli", frozenset({"interview"})),
    ("spasmnav.web.cli", frozenset({"serve"})),
    ("spasmnav.web.clinic_cli", frozenset({"clinic", "db"})),
)


def _sub_apps_for(argv: list[str]) -> list[str]:
    """The modules whose commands ``argv`` may ask for."""
    words = [a for a in argv if not a.startswith("-")]
    if words and words[0] in CORE_COMMANDS:
        return []
    owners = [module for module, commands in SUB_APPS if words and words[0] in commands]
    return owners or [module for module, _ in SUB_APPS]


def _needs_sub_apps(argv: list[str]) -> bool:
    return bool(_sub_apps_for(argv))


def _register_optional() -> None:
    # Sub-apps that live in their own modules register themselves here.
    for module in _sub_apps_for(sys.argv[1:]):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        mod.register(app)


_register_optional()


def main() -> None:
    """The Typer app, never with a traceback (``spasmnav.__main__`` starts ``assess`` without
    it when it can)."""
    _commands.guarded(app)
