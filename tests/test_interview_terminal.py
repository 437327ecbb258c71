"""A real terminal: pexpect runs ``spasmnav interview`` in a pseudo-terminal, types answers as a
person would and reads the screen."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

pexpect = pytest.importorskip("pexpect")
Child = Any  # pexpect.spawn (pexpect ships no type hints)

BIN = Path(sys.executable).parent / "spasmnav"
TIMEOUT = 30


def _spawn(*args: str, command: str = "interview") -> Child:
    if not BIN.exists() and not shutil.which("spasmnav"):
        pytest.skip("the spasmnav script is not installed in this environment")
    env = {
        **os.environ,
        "TERM": "dumb",  # plain text, no colour codes between the words we look for
        "COLUMNS": "120",
        "LINES": "50",
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        str(BIN if BIN.exists() else "spasmnav"),
        [command, *args],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 120),
    )
    return child


def _answer(child: Child, typed: str) -> None:
    child.expect("Ваш ответ: ")
    child.sendline(typed)


def test_a_person_answers_to_the_result() -> None:
    child = _spawn()
    child.expect("Опишите своими словами")
    child.sendline("")  # no description
    child.expect("О ком вы рассказываете")
    _answer(child, "1")
    child.expect("Появилось ли у вас внезапно")
    child.expect("Зачем мы спрашиваем")
    _answer(child, "что?")  # not a number: asked again with a hint
    child.expect("Ответ не понятен")
    _answer(child, "Н")  # back to the first question
    child.expect("О ком вы рассказываете")
    _answer(child, "1")
    for _ in range(40):
        i = child.expect(["Ваш ответ: ", "Проверьте ваши ответы"])
        if i == 1:
            break
        child.sendline("0")  # «Не знаю» to everything else
    else:
        pytest.fail("no summary")
    child.expect("1 — Показать результат")
    child.sendline("1")
    # «Не знаю» to the red-flag questions is not «nothing dangerous»: the result says «today».
    child.expect("СЕГОДНЯ")
    child.expect("Почему такой вывод")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


def test_an_emergency_shows_the_red_screen_and_asks_nothing_more() -> None:
    child = _spawn("--text", "Ночью сводит икру")
    child.expect("Из вашего описания мы поняли")
    child.expect("Есть: Судорога")
    child.expect("просто нажмите Enter: ")
    child.sendline("")
    child.expect("О ком вы рассказываете")
    _answer(child, "2")
    child.expect("у этого человека")
    _answer(child, "1 3")  # face droop and slurred speech
    child.expect("СРОЧНО: ЗВОНИТЕ 103 или 112")
    child.expect("Что делать, пока едет скорая")
    child.expect("Запишите время")
    child.expect("нажмите Enter")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Вопрос" not in (child.before or "")


def test_ctrl_c_leaves_cleanly() -> None:
    child = _spawn()
    child.expect("Опишите своими словами")
    child.sendline("")
    child.expect("Ваш ответ: ")
    child.sendintr()
    child.expect("Опрос прерван")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")


def test_end_of_input_says_goodbye() -> None:
    child = _spawn(command="interview")
    child.expect("Опишите своими словами")
    child.sendeof()
    child.expect("До свидания")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
