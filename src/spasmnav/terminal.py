"""A readable Russian report of an assessment in the terminal (Rich).

The level comes first and is unmistakable (icon + words + colour, never colour alone), then why,
then what to do. The person's own words that led to findings are highlighted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from .presenter import (
    exercise_parameters,
    first_sentence,
    level_words,
    now_items,
    qualifier_words,
    sorted_advice,
    source_labels,
)
from .result import Assessment, Citation, Evidence, TextMatch

__all__ = ["highlighted_text", "print_assessment"]


def _sources(items: Iterable[Citation]) -> str:
    labels = source_labels(items)
    return escape("Источник: " + "; ".join(labels)) if labels else ""


def highlighted_text(text: str, matches: Sequence[TextMatch]) -> Text:
    """The person's text with the words behind findings underlined (negated ones dimmed)."""
    out = Text(text)
    for m in matches:
        style = "strike dim" if m.negated else "bold underline cyan"
        out.stylize(style, m.start, m.end)
    return out


def _value(v: float) -> str:
    from . import wording  # Babel only when a finding has a number

    return wording.number(v, 0 if float(v).is_integer() else 1)


def _evidence(items: Sequence[Evidence]) -> str:
    """«За: судорога в икре, ночью; против: отёк (нет)» — the direction in words, not weights."""
    pro = [e.label + ("" if e.present else " (нет)") for e in items if e.weight > 0]
    con = [e.label + ("" if e.present else " (нет)") for e in items if e.weight <= 0]
    parts = []
    if pro:
        parts.append("за: " + ", ".join(pro))
    if con:
        parts.append("против: " + ", ".join(con))
    return "Доводы " + "; ".join(parts) if parts else ""


def print_assessment(console: Console, a: Assessment) -> None:
    words = level_words(a.level)
    head = Text()
    head.append(f" {words.emoji} {words.badge} ", style=words.style)
    head.append(f"  {a.title}", style="bold")
    body = [head]
    if a.level != "emergency" and a.reasons:
        body.append(Text(first_sentence(a.reasons[0].text), style="bold"))  # one sentence of why
    body.append(Text(a.action))
    if a.level != "self_care" or a.specialist != "therapist":
        body.append(Text(f"Кто поможет: {a.specialist_title}", style="bold"))
    console.print(Panel(Group(*body), border_style=words.style.split()[-1], expand=True))

    for note in a.notes:  # notices first: what was not read changes how to read the rest
        console.print(f"[yellow]{escape(note)}[/]")
    if a.message:
        console.print(Panel(a.message, title="Что мы рассматриваем", border_style="yellow"))

    if a.red_flags_unchecked and a.level != "emergency":
        # Unknown is not absent: what the text did not say is asked before anything else.
        console.print("\n[bold yellow]Проверьте, нет ли сейчас:[/] (ответ: да / нет / не знаю)")
        for u in a.red_flags_unchecked:
            console.print(f"  ? [bold]{u.title}[/]: {u.question}")
        console.print(
            "  [dim]Ответы пересчитают оценку: spasmnav assess --ask …, или --check "
            "id=да|нет|не знаю[/]"
        )

    now = now_items(a)
    if now:
        console.print("\n[bold]Что сделать сейчас[/]")
        for item in now:
            title = item.title
            if item.kind == "exercise":  # the page's timer is not in the terminal
                title = "Упражнение: " + title.split(": ", 1)[-1] + " (см. «Упражнения» ниже)"
            text = f". {escape(item.text)}" if item.text else ""
            console.print(f"  • [bold]{escape(title)}[/]{text}")

    if a.red_flags:
        console.print("[bold red]Опасные признаки:[/]")
        for rf in a.red_flags:
            console.print(f"  ⚠ {rf.title}  [dim]{_sources(rf.sources)}[/]")

    console.print("\n[bold]Почему такой вывод[/]")
    for r in a.reasons:
        console.print(f"  • {r.text}")
        if r.finding_labels:
            console.print(f"    [cyan]Что указывает: {', '.join(r.finding_labels)}[/]")
        console.print(f"    [dim]{_sources(r.sources)}[/]")

    if a.text and a.matches:
        console.print("\n[bold]Что мы поняли из вашего описания[/]")
        console.print(highlighted_text(a.text, a.matches))
        present = [
            f"{f.label}: {_value(f.value)}" if f.value is not None else f.label
            for f in a.present_findings
        ]
        absent = [f.label for f in a.absent_findings]
        if present:
            console.print(f"  Есть: {'; '.join(present)}")
        if absent:
            console.print(f"  [dim]Нет: {'; '.join(absent)}[/]")
        for f in a.qualified_findings:
            console.print(f"  [dim]Не сейчас: {f.label} — {qualifier_words(f)}[/]")

    if a.conditions:
        console.print("\n[bold]Что, вероятно, происходит[/]")
        for c in a.conditions[:3]:
            console.print(f"  • [bold]{c.title}[/] — {c.summary}")
            console.print(f"    [cyan]{_evidence(c.evidence)}[/]")
            console.print(f"    [dim]{_sources(c.sources)}[/]")

    if a.advice:
        console.print("\n[bold]Что делать[/]")
        for adv in (*a.first_aid, *sorted_advice(a)):
            console.print(f"  • [bold]{adv.title}[/]. {adv.text}")
            console.print(f"    [dim]{_sources(adv.sources)}[/]")
    if a.tests:
        console.print("\n[bold]Какие обследования обсудить с врачом[/]")
        for t in a.tests:
            console.print(f"  • {t.title} — {t.why}  [dim]{_sources(t.sources)}[/]")
    if a.exercises:
        console.print("\n[bold]Упражнения[/]")
        for x in a.exercises:
            params = [f"{label}: {value}" for label, value in exercise_parameters(x)]
            console.print(f"  • [bold]{x.title}[/]: {x.instructions}")
            if params:
                console.print(f"    {'; '.join(params)}")
            console.print(f"    [dim]{_sources(x.sources)}[/]")
    if a.medicines:
        console.print("\n[bold]Что может рассмотреть врач (не принимайте сами)[/]")
        for m in a.medicines:
            console.print(f"  • {m.name} — {m.what_a_doctor_may_consider}")
            console.print(f"    [yellow]Осторожно: {' '.join(m.cautions)}[/]")
            console.print(f"    [dim]{_sources(m.sources)}[/]")
    console.print(f"\n[dim]{a.disclaimer}[/]")
    # The report is longer than a screen: the level is said again where the scroll stops.
    end = Text("Итог: ", style="bold")
    end.append(f" {words.emoji} {words.badge} ", style=words.style)
    end.append(f"  {a.title}. ", style="bold")
    end.append(a.action)
    console.print()
    console.print(end)
