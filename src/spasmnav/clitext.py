"""The command line's own words in Russian: the framework's messages and «да / нет» answers.

Typer (and the Click it bundles) mark their messages for gettext in the default domain; this
package ships a Russian catalogue (``locale/ru/LC_MESSAGES/messages.mo``, compiled from the
``.po`` beside it) and binds it. The few messages Typer builds without gettext («Missing
argument …», «No such option …», «Did you mean …») are rebuilt in Russian by
:class:`RussianGroup`, the root command's class, which also renders every usage error itself.
"""

from __future__ import annotations

import gettext
import os
import re
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

__all__ = ["LOCALE_DIR", "RussianGroup", "ask_yes_no", "install", "parse_yes_no", "russian_error"]

LOCALE_DIR = Path(str(resources.files("spasmnav") / "locale"))

_installed = False


def install() -> None:
    """Bind the Russian catalogue for the framework's messages (once per process).

    The catalogue is chosen by gettext's ``LANGUAGE``: Russian is put first, the person's own
    list after it, so every message SpasmNav cannot translate still follows their choice.
    """
    global _installed
    if _installed:
        return
    _installed = True
    gettext.bindtextdomain("messages", str(LOCALE_DIR))
    current = os.environ.get("LANGUAGE", "")
    if not current.startswith("ru"):
        os.environ["LANGUAGE"] = "ru" + (":" + current if current else "")


# --- Usage errors the framework words in English -----------------------------------------------

_PARAM_TYPES = {"argument": "аргумент", "option": "параметр", "parameter": "значение"}
# Messages Typer's bundled Click words without gettext.
_UNMARKED = (
    (
        re.compile(r"^Got unexpected extra argument\(s\) \((?P<args>.*)\)$"),
        r"Лишнее в команде: \g<args>",
    ),
    (re.compile(r"^Value (?P<v>.+) is not a valid (?P<t>\w+)\.$"), r"\g<v> — неверное значение."),
)
_DID_YOU_MEAN = re.compile(r"\.? Did you mean (?P<what>.+)\?$")


def russian_error(e: typer._click.exceptions.ClickException) -> str:
    """The message of a usage error, in Russian."""
    exc = typer._click.exceptions
    if isinstance(e, exc.MissingParameter):
        kind = e.param_type or (e.param.param_type_name if e.param is not None else "parameter")
        hint = e.param_hint
        if hint is None and e.param is not None:
            hint = e.param.get_error_hint()
        if hint is not None and not isinstance(hint, str):
            hint = " / ".join(repr(h) for h in hint)
        what = _PARAM_TYPES.get(kind, kind)
        text = f"Не указан {what} {hint}." if hint else f"Не указан {what}."
        if what == "значение":
            text = f"Не указано значение {hint}." if hint else "Не указано значение."
        return text + (f" {e.message}" if e.message else "")
    if isinstance(e, exc.BadParameter):
        hint = e.param_hint
        if hint is None and e.param is not None:
            hint = e.param.get_error_hint()
        if hint is not None and not isinstance(hint, str):
            hint = " / ".join(repr(h) for h in hint)
        why = _validation_words(e.__cause__) or e.message
        return f"Неверное значение {hint}: {why}" if hint else f"Неверное значение: {why}"
    if isinstance(e, exc.NoSuchOption):
        text = f"Нет такого параметра: {e.option_name}."
        if e.possibilities:
            options = ", ".join(sorted(e.possibilities))
            text += f" Возможно, вы имели в виду {options}?"
        return text
    message = e.format_message()
    for pattern, words in _UNMARKED:
        message = pattern.sub(words, message)
    return _DID_YOU_MEAN.sub(lambda m: f". Возможно, вы имели в виду {m['what']}?", message)


USAGE = "Как вызывать: "
HELP_OPTION = "Показать эту справку и выйти."


# Pydantic's error types (Typer coerces values with pydantic) in words.
_PYDANTIC_WORDS = {
    "int_parsing": "нужно целое число",
    "int_type": "нужно целое число",
    "int_from_float": "нужно целое число",
    "float_parsing": "нужно число",
    "float_type": "нужно число",
    "bool_parsing": "нужно «да» или «нет»",
    "date_from_datetime_parsing": "нужна дата, например 2024-05-01",
    "date_parsing": "нужна дата, например 2024-05-01",
    "greater_than_equal": "должно быть не меньше {ge}",
    "greater_than": "должно быть больше {gt}",
    "less_than_equal": "должно быть не больше {le}",
    "less_than": "должно быть меньше {lt}",
    "enum": "можно: {expected}",
    "literal_error": "можно: {expected}",
}


def _validation_words(cause: BaseException | None) -> str | None:
    """«„abc“ — нужно целое число» from pydantic's ValidationError, if that is the cause."""
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return None
    try:
        first = errors()[0]
        words = _PYDANTIC_WORDS[first["type"]].format(**first.get("ctx", {}))
    except (IndexError, KeyError, TypeError, ValueError, AttributeError):
        return None
    value = first.get("input")
    return f"«{value}» — {words}." if isinstance(value, str) else f"{words}."


_TYPE_WORDS = {
    "<bool>": None,  # a flag: its name says it all
    "<str>": "<текст>",
    "<int>": "<целое число>",
    "<float>": "<число>",
    "<path>": "<путь>",
    "<file>": "<файл>",
    "<directory>": "<каталог>",
    "<list[str]>": "<текст>…",
    "<datetime>": "<дата и время>",
}


def _russian_type(param: Any) -> None:
    original = param.display_type_rich

    def display_type_rich(ctx: Any) -> str | None:
        label = original(ctx)
        return _TYPE_WORDS.get(label, label) if label is not None else None

    param.display_type_rich = display_type_rich


class RussianFormatter(typer._click.formatting.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)


class RussianContext(typer._click.Context):
    formatter_class = RussianFormatter

    def get_usage(self) -> str:
        # Typer's Rich help prints the usage line from here, without the formatter's prefix.
        return super().get_usage().replace("Usage: ", USAGE, 1)


def _russify(cmd: typer._click.Command) -> None:
    """The Russian context (usage line) and help option text for a command and its children."""
    cmd.context_class = RussianContext
    cmd.options_metavar = "[ПАРАМЕТРЫ]"
    if hasattr(cmd, "subcommand_metavar"):
        cmd.subcommand_metavar = "КОМАНДА [АРГУМЕНТЫ]..."
    option = cmd.get_help_option(RussianContext(cmd))
    if option is not None:
        option.help = HELP_OPTION
    for param in [*cmd.params, *([option] if option is not None else [])]:
        if hasattr(param, "display_type_rich"):
            _russian_type(param)
    for child in getattr(cmd, "commands", {}).values():
        _russify(child)


class RussianGroup(TyperGroup):
    """The root command: usage errors and «Отменено» in Russian, rendered as Typer would."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        install()
        _russify(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        exc = typer._click.exceptions
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except exc.UsageError as e:
            from typer import rich_utils

            rich_utils.rich_format_error(exc.UsageError(russian_error(e), ctx=e.ctx))
            sys.exit(e.exit_code)
        except exc.ClickException as e:
            from typer import rich_utils

            e.message = russian_error(e)
            rich_utils.rich_format_error(e)
            sys.exit(e.exit_code)
        except typer.Abort:
            print("Отменено.", file=sys.stderr)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


# --- «да / нет» ---------------------------------------------------------------------------------

# The answers people type, in either keyboard layout: «да» typed on a Latin layout is «lf»,
# «нет» is «ytn»; a Latin «H» looks just like the Cyrillic «Н».
_YES = frozenset({"да", "д", "y", "yes", "lf", "l", "ага", "конечно"})
_NO = frozenset({"нет", "н", "n", "no", "ytn", "h", "не"})


def parse_yes_no(reply: str) -> bool | None:
    """``True`` for «да», ``False`` for «нет», ``None`` when the reply is neither."""
    word = reply.strip().lower().rstrip(".!")
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def ask_yes_no(question: str, *, default: bool = False) -> bool:
    """Ask in the terminal; «да», «д», «y» and «нет», «н», «n» all work; Enter is the default.

    The end of the input (Ctrl-D, a closed pipe) is the default, never a crash.
    """
    suffix = " [Да/нет]: " if default else " [да/Нет]: "
    while True:
        try:
            reply = input(question + suffix)
        except EOFError:
            print(file=sys.stderr)
            return default
        if not reply.strip():
            return default
        answer = parse_yes_no(reply)
        if answer is not None:
            return answer
        print("Ответьте «да» или «нет».", file=sys.stderr)
