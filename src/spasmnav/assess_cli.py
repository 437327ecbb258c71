"""The ``assess`` command without Typer: what ``spasmnav assess`` does, and its fast start.

``spasmnav assess --text …`` is the command people and scripts run most, one process per
question, so its cold start is most of its cost. Typer, Click and Rich together take about a
third of that start, and none of them is needed to read a few well-formed options and print
JSON. :func:`fast_main` reads exactly the forms the command documents (``--text VALUE``,
``--text=VALUE``, ``-t VALUE``, the flags, the positional batch file) and runs the command;
anything else (``--help``, an unknown or repeated option, a missing value) makes it return
``None`` and the Typer app handles the whole command line as before, with its own help and
error messages. The command's body (:func:`run_assess`) is shared by both paths, so they cannot
drift apart.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from rich.console import Console

    from .core import Navigator
    from .result import Assessment

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BAD_PACK",
    "console",
    "emit",
    "fail",
    "fast_main",
    "guarded",
    "run_assess",
]

EXIT_BAD_INPUT = 2
EXIT_BAD_PACK = 3


# Rich (about 40 ms to import) is loaded only when something is printed for a person: the JSON
# path of `assess` does without it.


def console(*, stderr: bool = False, **kwargs: Any) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, **kwargs)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print «Ошибка: …» to stderr and exit with ``code`` (SystemExit: Click and its test
    runner pass it through unchanged)."""
    from rich.markup import escape

    console(stderr=True).print(f"[bold red]Ошибка:[/] {escape(message)}")
    raise SystemExit(code)


def emit(obj: dict[str, Any]) -> None:
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


def assess_line(nav: Navigator, line: str) -> dict[str, Any]:
    """One batch line to one output object; errors become an error object for that id."""
    from .assessing import FindingsError
    from .language import TextError

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


def run_assess(
    text: str | None,
    findings: Path | None,
    batch: Path | None,
    as_json: bool,
    check: list[str] | None,
    ask: bool,
    batch_file: Path | None,
) -> None:
    """The ``assess`` command's body, whichever parser read its options."""
    from .assessing import FindingsError
    from .core import default_navigator
    from .language import TextError
    from .startup import running_gc

    if batch is None and batch_file is not None and text is None and findings is None:
        batch = batch_file
    chosen = sum(x is not None for x in (text, findings, batch))
    if chosen != 1:
        fail("укажите ровно одно: --text, --findings или --batch.")
    nav = default_navigator()
    if batch is not None:
        with running_gc():  # a batch may be long: the collector runs while it reads lines
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
        emit(result.to_json())
    else:
        from .terminal import print_assessment

        print_assessment(console(), result)


def _check_answers(raw: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in raw:
        cid, sep, answer = item.partition("=")
        if not sep or not cid.strip():
            fail(f"--check ждёт id=да|нет|не знаю, а получено «{item}».")
        out[cid.strip()] = answer.strip()
    return out


def _ask_checks(
    nav: Navigator, text: str, answers: dict[str, str], result: Assessment
) -> Assessment:
    """Ask the open red-flag checks one by one in the terminal, then re-assess."""
    out = console()
    asked = dict(answers)
    if not result.red_flags_unchecked or result.level == "emergency":
        return result
    out.print("[bold yellow]Проверьте, нет ли сейчас:[/] (да / нет / не знаю)")
    for c in result.red_flags_unchecked:
        while True:
            try:
                reply = input(f"  {c.question} ").strip().lower()
            except EOFError:
                reply = "не знаю"
            if reply in ("не знаю", "unknown", "?", ""):
                break
            from .clitext import parse_yes_no  # only here: the quick path does without Typer

            yes = parse_yes_no(reply)
            if yes is not None:
                reply = "да" if yes else "нет"
                break
            out.print("  Ответьте «да», «нет» или «не знаю».")
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
            out = assess_line(nav, line)
            failed += "error" in out
            emit(out)
    if failed:
        console(stderr=True).print(f"Строк с ошибками: {failed}")
        raise SystemExit(1)


def guarded(run: Callable[[], object]) -> None:
    """Run a command as the person sees it: never a traceback (the exit codes of DESIGN.md)."""
    try:
        run()
    except KeyboardInterrupt:
        console(stderr=True).print("\nПрервано.")
        sys.exit(130)
    except Exception as exc:  # never a traceback for the person; the type helps a bug report
        from .content import PackError

        if isinstance(exc, PackError):
            console(stderr=True).print(f"Клинический пакет повреждён: {exc}")
            sys.exit(EXIT_BAD_PACK)
        console(stderr=True).print(
            f"Внутренняя ошибка SpasmNav ({type(exc).__name__}). Ваши данные не изменены. "
            "Сообщите разработчикам, что вы делали."
        )
        sys.exit(70)


# --- The fast parser -------------------------------------------------------------------------

_VALUED = {
    "--text": "text",
    "-t": "text",
    "--findings": "findings",
    "-f": "findings",
    "--batch": "batch",
    "-b": "batch",
    "--check": "check",
    "-c": "check",
}
_FLAGS = {"--json": "as_json", "--ask": "ask"}


def parse_fast(args: list[str]) -> dict[str, Any] | None:
    """The options of ``assess`` in the plain forms, or None for anything Typer should read
    (help, an unknown, repeated or incomplete option, a value that looks like an option)."""
    values: dict[str, Any] = {}
    checks: list[str] = []
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg.startswith("--") and "=" in arg:
            name, _, value = arg.partition("=")
            if name not in _VALUED or not name.startswith("--"):
                return None
        elif arg in _VALUED:
            name = arg
            if i >= len(args):
                return None
            value = args[i]
            i += 1
            if value.startswith("-") and value != "-":
                return None
        elif arg in _FLAGS:
            if _FLAGS[arg] in values:
                return None
            values[_FLAGS[arg]] = True
            continue
        elif arg.startswith("-"):
            return None  # --help, -h, an unknown option, "-", "--"
        else:
            positional.append(arg)
            continue
        key = _VALUED[name]
        if key == "check":
            checks.append(value)
        elif key in values:
            return None
        else:
            values[key] = value
    if len(positional) > 1:
        return None
    return {
        "text": values.get("text"),
        "findings": Path(values["findings"]) if "findings" in values else None,
        "batch": Path(values["batch"]) if "batch" in values else None,
        "as_json": bool(values.get("as_json", False)),
        "check": checks or None,
        "ask": bool(values.get("ask", False)),
        "batch_file": Path(positional[0]) if positional else None,
    }


def fast_main(args: list[str]) -> bool:
    """Run ``assess`` with ``args`` (after the command word) if the plain parser reads them;
    False means nothing was done and the Typer app should take the whole command line."""
    options = parse_fast(args)
    if options is None:
        return False
    from .startup import paused_gc

    # One assessment is bounded work, nearly all of it the start (imports, the pack, the
    # reader): the cyclic collector stays paused (see spasmnav.startup); a batch resumes it.
    with paused_gc():
        guarded(lambda: run_assess(**options))
    return True
