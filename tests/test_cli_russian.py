"""The command line speaks Russian: the framework's own messages, «да / нет», the level at the end.

The terminal tests run the installed ``spasmnav`` script in a pseudo-terminal (pexpect), with an
English locale on purpose: the Russian must not depend on the machine's language.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from spasmnav.clitext import LOCALE_DIR, parse_yes_no

pexpect = pytest.importorskip("pexpect")
Child = Any  # pexpect.spawn (pexpect ships no type hints)

BIN = Path(sys.executable).parent / "spasmnav"
TIMEOUT = 120  # the machine may be busy: a diary command imports SQLAlchemy and scipy
PO = LOCALE_DIR / "ru" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
ENGLISH = ("Usage", "Options", "Show this message", "Missing", "No such", "Did you mean", "Error")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "TERM": "dumb",
        "COLUMNS": "100",
        "LINES": "50",
        "PYTHONIOENCODING": "utf-8",
        "LANG": "en_US.UTF-8",  # the machine speaks English; SpasmNav still speaks Russian
        "LANGUAGE": "en_US:en",
        "XDG_DATA_HOME": str(tmp_path),
        "SPASMNAV_DATABASE_URL": f"sqlite:///{tmp_path / 'diary.db'}",
    }
    env.pop("NO_COLOR", None)
    return env


def _bin() -> str:
    if BIN.exists():
        return str(BIN)
    found = shutil.which("spasmnav")
    if found is None:
        pytest.skip("the spasmnav script is not installed in this environment")
    return found


def _spawn(tmp_path: Path, *args: str) -> Child:
    return pexpect.spawn(
        _bin(),
        list(args),
        env=_env(tmp_path),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 100),
    )


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    child = _spawn(tmp_path, *args)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, " ".join(child.before.split())


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("asess",), 2, "Нет такой команды: 'asess'. Возможно, вы имели в виду 'assess'?"),
        (("assess", "--txt", "x"), 2, "Нет такого параметра: --txt. Возможно, вы имели в виду"),
        (("report",), 2, "Не указан параметр '--out'"),
        (("diary", "add"), 2, "Не указан аргумент 'kind'."),
        (("diary", "delete", "abc"), 2, "«abc» — нужно целое число."),
        (("diary", "list", "extra"), 2, "Лишнее в команде: extra"),
    ],
)
def test_usage_errors_are_in_russian(
    tmp_path: Path, args: tuple[str, ...], code: int, expected: str
) -> None:
    status, screen = _run(tmp_path, *args)
    assert status == code
    assert expected in screen
    assert "Как вызывать: spasmnav" in screen and "Справка: spasmnav" in screen
    assert "Ошибка" in screen
    assert not any(word in screen for word in ENGLISH), screen
    assert "Traceback" not in screen


@pytest.mark.parametrize("args", [("--help",), ("diary", "add", "--help")])
def test_help_is_in_russian(tmp_path: Path, args: tuple[str, ...]) -> None:
    status, screen = _run(tmp_path, *args)
    assert status == 0
    assert "Как вызывать:" in screen and "Показать эту справку и выйти." in screen
    assert "Параметры" in screen
    assert "<bool>" not in screen and "<str>" not in screen
    assert not any(word in screen for word in ENGLISH), screen


def _add_episode(tmp_path: Path) -> None:
    status, screen = _run(tmp_path, "diary", "add", "cramp", "--leg", "left", "-d", "60")
    assert status == 0, screen
    assert "1 мин" in screen and "1 мин 0 с" not in screen


@pytest.mark.parametrize("reply", ["Да", "lf"])
def test_a_deletion_is_confirmed_in_russian(tmp_path: Path, reply: str) -> None:
    _add_episode(tmp_path)
    child = _spawn(tmp_path, "diary", "delete", "1")
    child.expect(r"Удалить эпизод №1 .*\? \[да/Нет\]: ")
    child.sendline("может быть")
    child.expect("Ответьте «да» или «нет».")
    child.expect(r"\[да/Нет\]: ")
    child.sendline(reply)
    child.expect("Удалён эпизод №1.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    _, listing = _run(tmp_path, "diary", "list")
    assert "Записей пока нет" in listing or "судорога" not in listing


@pytest.mark.parametrize("reply", ["H", ""])
def test_a_refusal_or_enter_keeps_the_episode(tmp_path: Path, reply: str) -> None:
    _add_episode(tmp_path)
    child = _spawn(tmp_path, "diary", "delete", "1")
    child.expect(r"\[да/Нет\]: ")
    child.sendline(reply)
    child.expect("Ничего не удалено.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    _, listing = _run(tmp_path, "diary", "list")
    assert "судорога" in listing


def test_a_closed_input_is_a_refusal_not_a_crash(tmp_path: Path) -> None:
    _add_episode(tmp_path)
    done = subprocess.run(
        [_bin(), "diary", "delete", "1"],
        input="",
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0
    assert "Ничего не удалено." in done.stdout
    assert "Aborted" not in done.stderr + done.stdout


def test_a_long_report_ends_with_its_level(tmp_path: Path) -> None:
    status, screen = _run(tmp_path, "assess", "--text", "ночью свело икру, потянула носок и прошло")
    assert status == 0
    tail = screen[-600:]
    assert "Итог:" in tail and "НАБЛЮДАТЬ" in tail
    assert "+0.8" not in screen and "Доводы за:" in screen
    assert ".txt:" not in screen  # sources by title, never a file name


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("да", True),
        (" Да ", True),
        ("д", True),
        ("y", True),
        ("lf", True),
        ("нет", False),
        ("Н", False),
        ("H", False),  # a Latin letter that looks like the Cyrillic one
        ("n", False),
        ("ytn", False),
        ("может", None),
        ("", None),
    ],
)
def test_yes_no_words(reply: str, expected: bool | None) -> None:
    assert parse_yes_no(reply) is expected


# --- The catalogue -------------------------------------------------------------------------------


def _catalogue() -> Any:
    with PO.open("rb") as handle:
        return read_po(handle, locale="ru")


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalogue():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            for n, form in ((1, 0), (3, 1), (5, 2)):
                assert compiled.ngettext(singular, plural, n) == message.string[form]
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_every_message_the_installed_typer_marks_is_translated() -> None:
    """When Typer (or the Click it bundles) changes its wording, this says which are missing."""
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.string}
    root = Path(typer.__file__).parent
    marked: set[str] = set()
    for path in [*root.glob("*.py"), *root.glob("_click/*.py")]:
        for _, _, message, _ in extract_from_file(
            "python", str(path), keywords={"_": None, "ngettext": (1, 2)}
        ):
            first = message if isinstance(message, str) else next(iter(message or ()), None)
            if first:
                marked.add(first)
    # Messages of Click's Windows and shell-completion corners never reach a SpasmNav user.
    unused = {m for m in marked - translated if "Bash" in m or "stream" in m or "colour" in m}
    assert marked - translated - unused == set()
