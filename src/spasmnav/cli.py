"""The command line: a thin layer that reads input, calls the core and prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .assessing import FindingsError
from .clitext import RussianGroup, parse_yes_no
from .content import PackError, load_pack_from
from .core import Navigator, default_navigator
from .language import TextError

if TYPE_CHECKING:
    from rich.console import Console

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

EXIT_BAD_INPUT = 2
EXIT_BAD_PACK = 3


# Rich (about 40 ms to import) is loaded only when something is printed for a person: the JSON
# path of `assess` does without it.


def _console(*, stderr: bool = False, **kwargs: Any) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, **kwargs)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    _console(stderr=True).print(f"[bold red]Ошибка:[/] {message}")
    raise typer.Exit(code)


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _read_json_file(path: Path) -> Any:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"файл не найден: {path}")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"не удалось прочитать файл {path}: {exc}")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        fail(f"в файле {path} не JSON (строка {exc.lineno}, позиция {exc.colno}).")


def _assess_line(nav: Navigator, line: str) -> dict[str, Any]:
    """One batch line to one output object; errors become an error object for that id."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": {"code": "bad_json", "message": f"строка не JSON: {exc.msg}"}}
    if not isinstance(item, dict):
        return {"id": None, "error": {"code": "bad_line", "message": "ожидается объект JSON"}}
    ident = item.get("id")
    try:
        if "findings" in item:
            result = nav.assess(nav.parse_findings(item["findings"])).to_json()
        else:
            text = item.get("text")
            if not isinstance(text, str):
                raise TextError("В строке нет поля «text» с текстом.")
            result = nav.assess_text(text).to_json()
    except (TextError, FindingsError) as exc:
        return {"id": ident, "error": {"code": "bad_input", "message": str(exc)}}
    except Exception as exc:  # one bad line must not stop the batch
        return {
            "id": ident,
            "error": {"code": "internal", "message": f"внутренняя ошибка: {type(exc).__name__}"},
        }
    return {"id": ident, **result}


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
    if batch is None and batch_file is not None and text is None and findings is None:
        batch = batch_file
    chosen = sum(x is not None for x in (text, findings, batch))
    if chosen != 1:
        fail("укажите ровно одно: --text, --findings или --batch.")
    nav = default_navigator()
    if batch is not None:
        _run_batch(nav, batch)
        return
    try:
        if findings is not None:
            result = nav.assess(nav.parse_findings(_read_json_file(findings)))
        else:
            assert text is not None
            source = sys.stdin.read() if text == "-" else text
            answers = _check_answers(check or [])
            result = nav.assess_text(source, answers)
            if ask and not as_json:
                result = _ask_checks(nav, source, answers, result)
    except (TextError, FindingsError) as exc:
        fail(str(exc))
    if as_json:
        _emit(result.to_json())
    else:
        from .terminal import print_assessment

        print_assessment(_console(), result)


def _check_answers(raw: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in raw:
        cid, sep, answer = item.partition("=")
        if not sep or not cid.strip():
            fail(f"--check ждёт id=да|нет|не знаю, а получено «{item}».")
        out[cid.strip()] = answer.strip()
    return out


def _ask_checks(nav: Navigator, text: str, answers: dict[str, str], result: Any) -> Any:
    """Ask the open red-flag checks one by one in the terminal, then re-assess."""
    console = _console()
    asked = dict(answers)
    if not result.red_flags_unchecked or result.level == "emergency":
        return result
    console.print("[bold yellow]Проверьте, нет ли сейчас:[/] (да / нет / не знаю)")
    for c in result.red_flags_unchecked:
        while True:
            try:
                reply = input(f"  {c.question} ").strip().lower()
            except EOFError:
                reply = "не знаю"
            if reply in ("не знаю", "unknown", "?", ""):
                break
            yes = parse_yes_no(reply)
            if yes is not None:
                reply = "да" if yes else "нет"
                break
            console.print("  Ответьте «да», «нет» или «не знаю».")
        asked[c.id] = reply or "не знаю"
        if asked[c.id] in ("да", "yes"):
            break  # one red flag is enough: the level is settled
    return nav.assess_text(text, asked)


def _run_batch(nav: Navigator, path: Path) -> None:
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        fail(f"файл не найден: {path}")
    except OSError as exc:
        fail(f"не удалось открыть {path}: {exc}")
    failed = 0
    with handle:
        for line in handle:
            if not line.strip():
                continue
            out = _assess_line(nav, line)
            failed += "error" in out
            _emit(out)
    if failed:
        _console(stderr=True).print(f"Строк с ошибками: {failed}")
        raise typer.Exit(1)


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
    from .content import SHIPPED_PACK_DIR
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

    from .packdoc import render_pack

    _console().print(Markdown(render_pack(default_navigator().pack)))


@app.command("run")
def run_cmd() -> None:
    """Главный сценарий: SpasmNav в браузере на этом компьютере (адрес будет напечатан)."""
    from .web.cli import run_default

    run_default()


# Commands served by the core alone. Their start-up must stay well under a second, so the
# sub-apps below (which import SQLAlchemy, scipy, matplotlib and FastAPI) are registered only
# when some other command, or the full --help, is asked for.
CORE_COMMANDS = frozenset({"assess", "pack"})


def _needs_sub_apps(argv: list[str]) -> bool:
    words = [a for a in argv if not a.startswith("-")]
    return not words or words[0] not in CORE_COMMANDS


def _register_optional() -> None:
    # Sub-apps that live in their own modules register themselves here.
    if not _needs_sub_apps(sys.argv[1:]):
        return
    for module, attr in (
        ("spasmnav.diary.cli", "register"),
        ("spasmnav.interview_cli", "register"),
        ("spasmnav.web.cli", "register"),
    ):
        try:
            mod = __import__(module, fromlist=[attr])
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        getattr(mod, attr)(app)


_register_optional()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        _console(stderr=True).print("\nПрервано.")
        sys.exit(130)
    except PackError as exc:
        _console(stderr=True).print(f"Клинический пакет повреждён: {exc}")
        sys.exit(EXIT_BAD_PACK)
    except Exception as exc:  # never a traceback for the person; the type helps a bug report
        _console(stderr=True).print(
            f"Внутренняя ошибка SpasmNav ({type(exc).__name__}). Ваши данные не изменены. "
            "Сообщите разработчикам, что вы делали."
        )
        sys.exit(70)
