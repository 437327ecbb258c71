"""A readable Russian report of an assessment in the terminal (Rich).

The level comes first and is unmistakable (icon + words + colour, never colour alone), then why,
then what to do. The person's own words that led to findings are highlighted.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

__all__ = ["LEVEL_STYLE", "highlighted_text", "print_assessment"]

LEVEL_STYLE: dict[str, tuple[str, str]] = {
    "emergency": ("bold white on red", "🚑 СРОЧНО"),
    "urgent": ("bold black on yellow", "⚠ СЕГОДНЯ"),
    "doctor": ("bold white on blue", "🩺 К ВРАЧУ"),
    "self_care": ("bold white on green", "✓ НАБЛЮДАТЬ"),
}


def _sources(items: list[str]) -> str:
    return "Источник: " + "; ".join(items) if items else ""


def highlighted_text(text: str, matches: list[dict[str, Any]]) -> Text:
    """The person's text with the words behind findings underlined (negated ones dimmed)."""
    out = Text(text)
    for m in matches:
        style = "strike dim" if m.get("negated") else "bold underline cyan"
        out.stylize(style, int(m["start"]), int(m["end"]))
    return out


def print_assessment(console: Console, a: dict[str, Any]) -> None:
    triage = a["triage"]
    style, badge = LEVEL_STYLE[triage["level"]]
    head = Text()
    head.append(f" {badge} ", style=style)
    head.append(f"  {triage['title']}", style="bold")
    body = [head, Text(triage["action"])]
    if triage["level"] != "self_care" or triage["specialist"] != "therapist":
        body.append(Text(f"Кто поможет: {triage['specialist_title']}", style="bold"))
    console.print(Panel(Group(*body), border_style=style.split()[-1], expand=True))

    if a.get("message"):
        console.print(Panel(a["message"], title="Что мы рассматриваем", border_style="yellow"))

    if a["red_flags"]:
        console.print("[bold red]Опасные признаки:[/]")
        for rf in a["red_flags"]:
            console.print(f"  ⚠ {rf['title']}  [dim]{_sources(rf['sources'])}[/]")

    console.print("\n[bold]Почему такой вывод[/]")
    for r in triage["reasons"]:
        console.print(f"  • {r['text']}")
        if r.get("finding_labels"):
            console.print(f"    [cyan]Что указывает: {', '.join(r['finding_labels'])}[/]")
        console.print(f"    [dim]{_sources(r['sources'])}[/]")

    if a.get("text") and a.get("matches"):
        console.print("\n[bold]Что мы поняли из вашего описания[/]")
        console.print(highlighted_text(a["text"], a["matches"]))
        present = [
            f"{f['label']}: {f['value']:g}" if f.get("value") is not None else f["label"]
            for f in a["findings"]
            if f["present"] is True
        ]
        absent = [f["label"] for f in a["findings"] if f["present"] is False]
        if present:
            console.print(f"  Есть: {'; '.join(present)}")
        if absent:
            console.print(f"  [dim]Нет: {'; '.join(absent)}[/]")

    if a["conditions"]:
        console.print("\n[bold]Что, вероятно, происходит[/]")
        for c in a["conditions"][:3]:
            ev = ", ".join(
                f"{e['label']}{'' if e['present'] else ' (нет)'} {e['weight']:+g}"
                for e in c["evidence"]
            )
            console.print(f"  • [bold]{c['title']}[/] — {c['summary']}")
            console.print(f"    [cyan]Доводы: {ev}[/]")
            console.print(f"    [dim]{_sources(c['sources'])}[/]")

    if a["advice"]:
        console.print("\n[bold]Что делать[/]")
        for adv in a["advice"]:
            console.print(f"  • [bold]{adv['title']}[/]. {adv['text']}")
            console.print(f"    [dim]{_sources(adv['sources'])}[/]")
    if a["tests"]:
        console.print("\n[bold]Какие обследования обсудить с врачом[/]")
        for t in a["tests"]:
            console.print(f"  • {t['title']} — {t['why']}  [dim]{_sources(t['sources'])}[/]")
    if a["exercises"]:
        console.print("\n[bold]Упражнения[/]")
        for x in a["exercises"]:
            params = [
                x.get(k)
                for k in (
                    "repetitions",
                    "hold_seconds",
                    "sets_per_day",
                    "distance",
                    "duration_minutes",
                    "per_week",
                )
                if x.get(k)
            ]
            console.print(f"  • [bold]{x['title']}[/]: {x['instructions']}")
            if params:
                console.print(f"    {'; '.join(str(p) for p in params)}")
            console.print(f"    [dim]{_sources(x['sources'])}[/]")
    if a["medicines"]:
        console.print("\n[bold]Что может рассмотреть врач (не принимайте сами)[/]")
        for m in a["medicines"]:
            console.print(f"  • {m['name']} — {m['what_a_doctor_may_consider']}")
            console.print(f"    [yellow]Осторожно: {' '.join(m['cautions'])}[/]")
            console.print(f"    [dim]{_sources(m['sources'])}[/]")
    for note in a.get("notes", []):
        console.print(f"\n[yellow]{note}[/]")
    console.print(f"\n[dim]{a['disclaimer']}[/]")
