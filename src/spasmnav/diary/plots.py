"""Charts of the diary: plain matplotlib Figures (no pyplot state, so safe in a web server)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .analytics import Analysis, RateComparison, WeekStat

__all__ = [
    "CHART_FORMATS",
    "PHONE",
    "ChartSize",
    "episodes_chart",
    "intensity_chart",
    "save_charts",
    "triggers_chart",
]

CHART_FORMATS = ("png", "svg")
_COLOR = "#2b6cb0"
_PARTIAL = "#a9c4e6"
_ALERT = "#c05621"


@dataclass(frozen=True, slots=True)
class ChartSize:
    """Figure inches and the font size: the report's wide charts, or the web's phone-first
    ones (about 12 px text when the image is 350 px wide on a phone)."""

    width: float = 7.0
    height: float = 3.0
    font: float = 9.0
    ticks: int = 12
    weeks: int | None = None  # only the last N weeks (None: all)


PAPER = ChartSize()
PHONE = ChartSize(width=4.4, height=3.3, font=13.0, ticks=5, weeks=26)


def _figure(width: float = 7.0, height: float = 3.0, font: float = 9.0) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), dpi=150, layout="constrained")
    ax = fig.add_subplot()
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=font)
    ax.xaxis.label.set_fontsize(font)
    ax.yaxis.label.set_fontsize(font)
    ax.title.set_fontsize(font + 2)
    return fig, ax


def _week_labels(weeks: Sequence[WeekStat]) -> list[str]:
    return [w.start.strftime("%d.%m") for w in weeks]


def _thin_ticks(ax: Axes, labels: list[str], most: int = 12) -> None:
    step = max(1, -(-len(labels) // most))
    positions = list(range(0, len(labels), step))
    ax.set_xticks(positions, [labels[i] for i in positions], rotation=45, ha="right")


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])


def episodes_chart(weeks: Sequence[WeekStat], size: ChartSize = PAPER) -> Figure:
    """Episodes counted per calendar week; a partial week (not over yet, or only partly in the
    diary) is a paler, hatched bar of its own count, never stretched to seven days."""
    fig, ax = _figure(size.width, size.height, size.font)
    ax.set_title("Эпизоды по неделям")
    if not weeks:
        _empty(ax, "Пока нет записей")
        return fig
    shown = list(weeks[-size.weeks :] if size.weeks else weeks)
    for i, w in enumerate(shown):
        ax.bar(
            i,
            w.episodes,
            color=_COLOR if w.complete else _PARTIAL,
            hatch="" if w.complete else "//",
            edgecolor=_COLOR,
            linewidth=0 if w.complete else 1,
        )
    _thin_ticks(ax, _week_labels(shown), size.ticks)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("эпизодов за неделю")
    if any(not w.complete for w in shown):
        ax.set_xlabel("штриховка — неделя не полная")
    else:
        ax.set_xlabel("неделя (с понедельника)")
    return fig


def intensity_chart(weeks: Sequence[WeekStat], size: ChartSize = PAPER) -> Figure:
    fig, ax = _figure(size.width, size.height, size.font)
    ax.set_title("Средняя сила эпизодов (0–10)")
    shown = list(weeks[-size.weeks :] if size.weeks else weeks)
    points = [(i, w.mean_intensity) for i, w in enumerate(shown) if w.mean_intensity is not None]
    if not points:
        _empty(ax, "Сила эпизодов пока не отмечена")
        return fig
    ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=_ALERT)
    ax.set_ylim(0, 10)
    ax.set_xlim(-0.5, len(shown) - 0.5)
    _thin_ticks(ax, _week_labels(shown), size.ticks)
    ax.set_ylabel("сила, 0–10")
    ax.set_xlabel("неделя (с понедельника)")
    return fig


def triggers_chart(effects: Sequence[RateComparison]) -> Figure:
    shown = [e for e in effects if e.ratio is not None]
    fig, ax = _figure(height=max(2.2, 0.45 * len(shown) + 1.2))
    ax.set_title("Провокаторы: во сколько раз чаще эпизоды (95 % ДИ)")
    if not shown:
        _empty(ax, "Недостаточно данных о провокаторах")
        return fig
    for i, e in enumerate(shown):
        assert e.ratio is not None and e.ci_low is not None and e.ci_high is not None
        color = _ALERT if e.verdict == "higher" else _COLOR
        ax.plot([e.ci_low, e.ci_high], [i, i], color=color, linewidth=2)
        ax.plot([e.ratio], [i], "o", color=color)
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(range(len(shown)), [e.label.strip("«»") for e in shown])
    ax.invert_yaxis()
    ax.set_xlabel("отношение частоты эпизодов (1 — нет разницы)")
    ax.grid(axis="x", alpha=0.3)
    return fig


def save_charts(analysis: Analysis, directory: Path, *, fmt: str = "png") -> list[Path]:
    """Write the three charts to ``directory``; returns their paths."""
    if fmt not in CHART_FORMATS:
        raise ValueError(f"формат графиков «{fmt}» не поддерживается; можно: png, svg")
    directory.mkdir(parents=True, exist_ok=True)
    charts = {
        "episodes_per_week": episodes_chart(analysis.weeks),
        "intensity": intensity_chart(analysis.weeks),
        "triggers": triggers_chart(analysis.triggers),
    }
    paths = []
    for name, fig in charts.items():
        path = directory / f"{name}.{fmt}"
        fig.savefig(path, format=fmt)
        paths.append(path)
    return paths
