"""``spasmnav interview``: the guided interview in the terminal (also what ``make run`` starts).

Made for an older person or a tired carer: one question at a time, numbered answers
(«1 — Да», «2 — Нет», «0 — Не знаю», «Н — назад»), the reason for every question, the
emergency screen in red, a summary before the result. Ctrl-C leaves at once with a short
message (exit code 130), Ctrl-D (end of input) says goodbye (exit code 0); never a traceback.
``--answers FILE.json`` replays answers without asking anything.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from . import interview as iv
from .clitext import parse_yes_no
from .presenter import source_labels
from .terminal import print_assessment

__all__ = [
    "Output",
    "parse_answer",
    "register",
    "run_default",
    "run_interactive",
    "run_replay",
    "save_to_diary",
]

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

# A Latin «H» looks just like the Cyrillic «Н» and is typed for it.
_BACK_WORDS = frozenset({"н", "n", "h", "назад", "back", "b"})
_QUIT_WORDS = frozenset({"выход", "выйти", "quit", "exit", "q"})
_UNKNOWN_WORDS = frozenset({"0", "не знаю", "незнаю", "?", "unknown"})
_YES = frozenset({"1", "да", "д", "yes", "y"})
_NO = frozenset({"2", "нет", "no"})
_NONE_WORDS = frozenset({"нет", "ничего", "ничего из этого", "no", "none"})

# Latin letters that look like Cyrillic ones: a Latin «H» typed for «Н», «HET» for «нет».
_LOOKALIKES = str.maketrans("aehkmoptcxyb3", "аенкмортсхув3")


def _forms(raw: str) -> frozenset[str]:
    """What the person typed, lower-cased, as typed and with Latin lookalikes read as Cyrillic
    (so «H», «Н» and «n» all go back, and «HET» is «нет»)."""
    text = " ".join(raw.strip().lower().split())
    return frozenset({text, text.translate(_LOOKALIKES)})


Reader = Callable[[str], str]


class _Back(Exception):
    """The person asked to go back one question."""


class _Quit(Exception):
    """The person typed «выход»."""


def _console() -> Console:
    return Console(highlight=False)


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    Console(stderr=True, highlight=False).print(f"[bold red]Ошибка:[/] {escape(message)}")
    raise typer.Exit(code)


# --- Rendering -------------------------------------------------------------------------------


def _welcome(console: Console) -> None:
    body = Group(
        Text("Несколько вопросов о подёргиваниях, спазмах и судорогах в ногах.", style="bold"),
        Text(""),
        Text("Отвечайте цифрой и нажимайте Enter."),
        Text("0 — не знаю.   Н — вернуться к предыдущему вопросу.   Ctrl+C — выйти."),
        Text(""),
        Text(
            "Если человеку сейчас очень плохо — не отвечайте на вопросы, звоните 103 или 112.",
            style="bold red",
        ),
    )
    console.print(Panel(body, title="SpasmNav", border_style="cyan", padding=(1, 2)))


def _number_width(n: int) -> int:
    return len(str(n))


def render_question(console: Console, step: iv.QuestionStep) -> None:
    console.print()
    title = f"Вопрос {step.number}"
    if step.red_flag:
        title += " · о тревожных признаках"
    console.print(Rule(title, style="red" if step.red_flag else "cyan"))
    console.print(Text(step.text, style="bold"))
    if step.repeats:
        console.print(
            Text("Можно выбрать несколько: введите номера через пробел, например: 1 3", "italic")
        )
    choices = [o for o in step.options if o.code != iv.UNKNOWN]
    if step.type in ("integer", "decimal"):
        unit = f" ({step.unit})" if step.unit else ""
        console.print(f"  Введите число{escape(unit)}.")
    else:
        width = _number_width(len(choices))
        for i, o in enumerate(choices, start=1):
            console.print(f"  [bold]{i:>{width}}[/] — {escape(o.display)}")
    console.print("  [bold]0[/] — Не знаю")
    if step.number > 1:
        console.print("  [bold]Н[/] — назад")
    console.print(Text(f"Зачем мы спрашиваем: {step.why}", style="dim"))
    hint = _suggestion(step)
    if hint:
        console.print(Text(f"По вашему описанию подходит: {hint}", style="cyan"))


def _suggestion(step: iv.QuestionStep) -> str | None:
    value = step.suggested
    if value is None:
        return None
    if isinstance(value, bool):
        return "1 (да)" if value else "2 (нет)"
    if isinstance(value, int | float):
        return f"{value:g}"
    codes = value if isinstance(value, list) else [value]
    choices = [o.code for o in step.options if o.code != iv.UNKNOWN]
    numbers = [str(choices.index(c) + 1) for c in codes if c in choices]
    return " ".join(numbers) if numbers else None


def render_emergency(console: Console, step: iv.EmergencyStep) -> None:
    console.print()
    head = Text(f" 🚑 СРОЧНО: ЗВОНИТЕ {step.call} ", style="bold white on red")
    parts: list[Any] = [head, Text(""), Text(step.action, style="bold")]
    for r in step.reasons:
        parts.append(Text(f"• {r.text}"))
    console.print(Panel(Group(*parts), border_style="red", padding=(1, 2)))
    if step.first_aid:
        console.print("[bold red]Что делать, пока едет скорая[/]")
        for a in step.first_aid:
            console.print(f"  • [bold]{escape(a.title)}.[/] {escape(a.text)}")
            if a.sources:
                labels = "; ".join(source_labels(a.sources))
                console.print(f"    [dim]Источник: {escape(labels)}[/]")
    console.print("\n[bold]Запишите время, когда начались симптомы: это важно врачам.[/]")


def render_summary(console: Console, step: iv.SummaryStep) -> None:
    console.print()
    console.print(Rule("Проверьте ваши ответы", style="cyan"))
    if step.text:
        console.print(Text(f"Ваше описание: «{step.text}»", style="italic"))
    if step.from_text:
        present = [f["label"] for f in step.from_text if f["present"] is True]
        absent = [f["label"] for f in step.from_text if f["present"] is False]
        if present:
            console.print(f"  Из описания — есть: {escape('; '.join(present))}")
        if absent:
            console.print(f"  Из описания — нет: {escape('; '.join(absent))}")
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column("№", justify="right", width=3)
    table.add_column("Вопрос")
    table.add_column("Ответ", style="bold")
    for i, row in enumerate(step.answers, start=1):
        table.add_row(str(i), Text(row["question"]), Text(row["answer"]))
    if step.answers:
        console.print(table)


def render_understood(console: Console, state: iv.InterviewState) -> list[str]:
    """Show what the opening text established; return the finding ids in display order."""
    shown = iv.understood(state)
    if not shown:
        console.print("Из описания мы пока ничего определённого не поняли — зададим вопросы.")
        return []
    console.print("\n[bold]Из вашего описания мы поняли:[/]")
    for i, item in enumerate(shown, start=1):
        console.print(f"  [bold]{i}[/]. {escape(item['text'])}")
    return [str(item["finding"]) for item in shown]


# --- Reading answers -------------------------------------------------------------------------


def parse_answer(step: iv.QuestionStep, raw: str) -> Any:
    """What the person typed as an answer value; ``ValueError`` with a Russian hint."""
    text = raw.strip().lower()
    forms = _forms(raw)
    if forms & _BACK_WORDS:
        raise _Back
    if forms & _QUIT_WORDS:
        raise _Quit
    if forms & _UNKNOWN_WORDS:
        return None
    choices = [o for o in step.options if o.code != iv.UNKNOWN]
    if step.type in ("integer", "decimal"):
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise ValueError("Введите число, 0 — не знаю, Н — назад.") from None
    if step.type == "boolean":
        if forms & _YES:
            return True
        if forms & _NO:
            return False
        answer = parse_yes_no(text)
        if answer is not None:
            return answer
        raise ValueError("Введите 1 — да, 2 — нет, 0 — не знаю или Н — назад.")
    hint = f"Введите номер от 1 до {len(choices)}, 0 — не знаю или Н — назад."
    if step.repeats and forms & _NONE_WORDS and any(o.code == iv.NONE for o in choices):
        return [iv.NONE]
    tokens = [t for t in re.split(r"[\s,;.]+", text) if t]
    if not tokens or not all(t.isdigit() for t in tokens):
        raise ValueError("Ответ не понятен. " + hint)
    numbers = [int(t) for t in tokens]
    if any(n < 1 or n > len(choices) for n in numbers):
        raise ValueError("Такого номера нет. " + hint)
    codes = list(dict.fromkeys(choices[n - 1].code for n in numbers))
    if not step.repeats:
        if len(codes) > 1:
            raise ValueError("Здесь нужен один ответ. " + hint)
        return codes[0]
    return codes


def _answer_question(
    console: Console, read: Reader, state: iv.InterviewState, step: iv.QuestionStep
) -> iv.InterviewState:
    render_question(console, step)
    while True:
        raw = read("Ваш ответ: ")
        try:
            value = parse_answer(step, raw)
            return iv.answer(state, step.link_id, value)
        except _Back:
            if not state.history:
                console.print("[yellow]Это первый вопрос, назад нельзя.[/]")
                continue
            return iv.back(state)
        except (ValueError, iv.InterviewError) as exc:
            console.print(f"[yellow]{escape(str(exc))}[/]")


def _correct_understood(
    console: Console, read: Reader, state: iv.InterviewState
) -> iv.InterviewState:
    while True:
        ids = render_understood(console, state)
        if not ids:
            return state
        raw = read(
            "Если что-то понято неверно, введите его номер (можно несколько через пробел).\n"
            "Если всё верно — просто нажмите Enter: "
        ).strip()
        if not raw:
            return state
        tokens = [t for t in re.split(r"[\s,;.]+", raw) if t]
        if not all(t.isdigit() and 1 <= int(t) <= len(ids) for t in tokens):
            console.print(f"[yellow]Введите номера от 1 до {len(ids)} или просто Enter.[/]")
            continue
        facts = iv.facts(state)
        for t in tokens:
            fid = ids[int(t) - 1]
            known = facts.get(fid)
            if known is not None and known.present is True and known.value is None:
                state = iv.correct(state, fid, False)
            elif known is not None and known.present is False:
                state = iv.correct(state, fid, True)
            else:
                state = iv.correct(state, fid, None)
        console.print("[green]Исправлено.[/]")


# --- Output ----------------------------------------------------------------------------------


def _save(path: Path, data: dict[str, Any]) -> None:
    try:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        _fail(f"не удалось сохранить {path}: {exc}")


def save_to_diary(data: dict[str, Any], *, text: str | None, db: str | None) -> str:
    """Keep the assessment in the diary (for the doctor's report); returns a Russian note."""
    # Imported here: the diary pulls in SQLAlchemy, which the interview itself does not need.
    from sqlalchemy.exc import SQLAlchemyError

    from .diary.models import DiaryError
    from .diary.store import Store

    try:
        with Store(db) as store:
            saved = store.save_assessment(person_id=store.default_person_id(), data=data, text=text)
    except (DiaryError, ValueError) as exc:
        _fail(f"не удалось сохранить в дневник: {exc}", 1)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        _fail(f"не удалось сохранить в дневник (база данных): {reason}", 1)
    except OSError as exc:
        _fail(f"не удалось сохранить в дневник: {exc}", 1)
    return f"Результат сохранён в дневник (№{saved.id})."


@dataclass(frozen=True, slots=True)
class Output:
    """Where the result goes: JSON on stdout, a JSON file, the diary."""

    save: Path | None = None
    as_json: bool = False
    diary: bool = False
    db: str | None = None


def _finish(console: Console, state: iv.InterviewState, out: Output, *, pretty: bool) -> None:
    assessment = iv.result(state)
    data = assessment.to_json()
    if out.as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    elif pretty:
        print_assessment(console, assessment)
        unchecked = assessment.interview.unchecked if assessment.interview else ()
        if unchecked:
            console.print(
                "\n[bold]Не проверено[/] (вы ответили «Не знаю»; это не значит, что этого нет):"
            )
            for question in unchecked:
                console.print(f"  • {escape(question)}")
    notes: list[str] = []
    if out.save is not None:
        _save(out.save, data)
        notes.append(f"Результат сохранён в файл {out.save}.")
    if out.diary:
        notes.append(save_to_diary(data, text=state.text, db=out.db))
    if not out.as_json:
        for note in notes:
            console.print(f"\n[green]{escape(note)}[/]")


# --- Interactive -----------------------------------------------------------------------------


def run_interactive(
    console: Console,
    *,
    text: str | None = None,
    out: Output | None = None,
    read: Reader | None = None,
) -> int:
    """The interview in the terminal; returns the exit code (Ctrl-C → 130, end of input → 0)."""
    reader: Reader = read or console.input
    try:
        return _interactive(console, reader, text=text, out=out or Output())
    except KeyboardInterrupt:
        console.print("\n[bold]Опрос прерван.[/] Ничего не сохранено. Берегите себя!")
        return EXIT_INTERRUPTED
    except EOFError:
        console.print("\nДо свидания. Ответы не сохранены.")
        return 0
    except _Quit:
        console.print("Опрос прерван. Ничего не сохранено.")
        return 0


def _interactive(console: Console, read: Reader, *, text: str | None, out: Output) -> int:
    _welcome(console)
    state = iv.start()
    if text is None:
        text = read(
            "\nОпишите своими словами, что происходит с ногой.\n"
            "Если не хотите писать — просто нажмите Enter.\n> "
        )
    if text.strip():
        try:
            state = iv.start(text)
        except iv.InterviewError as exc:
            console.print(f"[yellow]{escape(str(exc))} Продолжим с вопросами.[/]")
        else:
            state = _correct_understood(console, read, state)
    while True:
        step = iv.next_step(state)
        if isinstance(step, iv.QuestionStep):
            state = _answer_question(console, read, state, step)
        elif isinstance(step, iv.EmergencyStep):
            render_emergency(console, step)
            raw = read(
                "\nЕсли вы ошиблись в ответе, введите Н, чтобы вернуться.\n"
                "Иначе нажмите Enter и звоните 103 или 112: "
            )
            if _forms(raw) & _BACK_WORDS and state.history:
                state = iv.back(state)
                continue
            _finish(console, state, out, pretty=False)
            return 0
        elif isinstance(step, iv.SummaryStep):
            render_summary(console, step)
            raw = read("\n1 — Показать результат,  Н — вернуться и изменить последний ответ: ")
            choice = _forms(raw)
            if choice & _BACK_WORDS:
                state = iv.back(state)
            elif choice & {"1", "", "да", "д"}:
                state = iv.confirm(state)
            else:
                console.print("[yellow]Введите 1 или Н.[/]")
        else:
            console.print()
            console.print(Rule("Результат", style="cyan"))
            _finish(console, state, out, pretty=True)
            return 0


# --- Replay ----------------------------------------------------------------------------------


def _read_answers_file(path: Path) -> tuple[str | None, str | None, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(f"файл не найден: {path}")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"не удалось прочитать файл {path}: {exc}")
    except json.JSONDecodeError as exc:
        _fail(f"в файле {path} не JSON (строка {exc.lineno}, позиция {exc.colno}).")
    if not isinstance(data, dict):
        _fail('ожидается объект JSON: {"text": …, "subject": …, "answers": {…}}.')
    unknown_keys = sorted(set(data) - {"text", "subject", "answers"})
    if unknown_keys:
        _fail(f"лишние поля в файле: {', '.join(unknown_keys)}.")
    text = data.get("text")
    subject = data.get("subject")
    answers = data.get("answers", {})
    if text is not None and not isinstance(text, str):
        _fail("поле «text» должно быть строкой.")
    if subject not in (None, "self", "other"):
        _fail("поле «subject»: «self» (о себе) или «other» (о близком).")
    if not isinstance(answers, dict):
        _fail("поле «answers» должно быть объектом {linkId: ответ}.")
    return text, subject, answers


def run_replay(console: Console, path: Path, out: Output | None = None) -> int:
    """Replay answers from a file; questions it does not answer get «Не знаю»."""
    out = out or Output()
    text, subject, answers = _read_answers_file(path)
    known = set(iv.question_ids())
    unknown = sorted(set(answers) - known)
    removed = [link for link in unknown if link in iv.REMOVED_QUESTIONS]
    if removed:
        _fail(" ".join(str(iv.unknown_question(link)) for link in removed))
    if unknown:
        _fail(f"неизвестные вопросы в файле: {', '.join(unknown)}.")
    try:
        state = iv.start(text, subject)
        run = iv.drive(state, lambda step: answers.get(step.link_id))
    except iv.InterviewError as exc:
        _fail(str(exc))
    state = run.state
    if isinstance(run.step, iv.SummaryStep):
        state = iv.confirm(state)
    if not out.as_json:
        if isinstance(run.step, iv.EmergencyStep):
            render_emergency(console, run.step)
        console.print()
        console.print(Rule("Заданные вопросы", style="cyan"))
        for i, link in enumerate(run.asked, start=1):
            question = escape(iv.question_text(link, state.subject))
            given = escape(iv.describe_answer(link, state.answers[link]))
            console.print(f"  {i}. {question} — [bold]{given}[/]")
        if not run.asked:
            console.print("  (вопросов не понадобилось)")
        console.print()
    _finish(console, state, out, pretty=True)
    return 0


# --- Typer -----------------------------------------------------------------------------------


def interview_cmd(
    text: Annotated[
        str | None,
        typer.Option("--text", "-t", help="Описание своими словами: с него начнётся опрос."),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", "-a", help='Пройти опрос без вопросов: JSON {"answers": {linkId: …}}.'
        ),
    ] = None,
    save: Annotated[
        Path | None, typer.Option("--save", "-s", help="Сохранить результат в JSON-файл.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Вывести результат как JSON.")] = False,
    to_diary: Annotated[
        bool,
        typer.Option("--save-to-diary", help="Сохранить результат в дневник (для отчёта врачу)."),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Адрес базы дневника (SQLAlchemy URL); по умолчанию — из настроек."
        ),
    ] = None,
) -> None:
    """Пошаговый опрос: самые важные вопросы — первыми, с объяснением, зачем мы спрашиваем."""
    console = _console()
    out = Output(save=save, as_json=as_json, diary=to_diary, db=db)
    if answers is not None:
        if text is not None:
            _fail("укажите описание в поле «text» файла ответов, а не в --text.")
        code = run_replay(console, answers, out)
    else:
        # With --json the questions go to stderr, so that stdout carries only the result.
        screen = Console(stderr=True, highlight=False) if as_json else console
        code = run_interactive(screen, text=text, out=out)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("interview")(interview_cmd)


def run_default() -> None:
    """What ``spasmnav run`` (and ``make run``) starts until the web app exists."""
    code = run_interactive(_console())
    if code:
        raise typer.Exit(code)
