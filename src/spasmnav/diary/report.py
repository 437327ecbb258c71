"""A one-to-two page PDF in Russian for the doctor: who, since when, what the diary shows;
then, as an appendix, the latest episodes (their columns derived from the episode's fields:
``Info.report``; today date, leg, kind, strength, duration, what helped, triggers) and the
days marked in the check-in.

Built with fpdf2 and the DejaVu Sans font that matplotlib ships, so no system font is needed.
It states facts from the diary and the saved assessment; it never suggests a drug or a dose.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from matplotlib.figure import Figure

from .. import wording
from ..result import AssessmentDigest
from .analytics import PERSISTENCE_DAYS, Analysis, analyse, fmt_number
from .display import field_words
from .feedback import assess_diary
from .fields import ReportColumn, report_columns
from .models import (
    KIND_TITLES,
    LEG_TITLES,
    SCALE_TITLES,
    TRIGGER_TITLES,
    Assessment,
    DayNote,
    Episode,
    MedicineIntake,
    Profile,
    Record,
    ScaleScore,
)
from .plots import episodes_chart, intensity_chart
from .store import Store

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..core import Navigator

__all__ = [
    "FONT_DIR",
    "RecordTable",
    "ReportData",
    "build_report",
    "gather_report",
    "record_table",
    "render_report",
]

EPISODE_ROWS = 30
DAY_ROWS = 14

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
DISCLAIMER = (
    "Сводка составлена программой SpasmNav по записям самого человека. Это не диагноз и не "
    "назначение: решения о диагнозе, обследовании и лечении принимает врач."
)


def _date(value: dt.date | None) -> str:
    return wording.short_date(value)


def _png(fig: Figure) -> io.BytesIO:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    buf.seek(0)
    return buf


# Fallback fonts for characters DejaVu lacks: STIX (math letters, symbols; shipped with
# matplotlib) and, when the system has them, Noto (CJK, more scripts) and Symbola (emoji in
# outline). A character none of them has is printed as MISSING_GLYPH, visibly, never dropped.
_FALLBACKS: tuple[tuple[str, Path], ...] = (
    ("STIX", FONT_DIR / "STIXGeneral.ttf"),
    ("NotoSans", Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")),
    ("NotoSansSymbols", Path("/usr/share/fonts/truetype/noto/NotoSansSymbols-Regular.ttf")),
    ("NotoSansSymbols2", Path("/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf")),
    ("NotoSansCJK", Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")),
    ("Symbola", Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")),
)
MISSING_GLYPH = "□"


@functools.cache
def _fallbacks() -> tuple[tuple[str, Path], ...]:
    return tuple(
        (name, path) for name, path in _FALLBACKS if path.suffix == ".ttf" and path.exists()
    )


@functools.cache
def _covered() -> frozenset[int]:
    """Every code point the report's fonts can draw."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    points: set[int] = set()
    for path in (FONT_DIR / "DejaVuSans.ttf", *(p for _, p in _fallbacks())):
        font = TTFont(str(path), lazy=True)
        points.update(font.getBestCmap() or {})
        font.close()
    return frozenset(points)


def drawable(text: str) -> str:
    """``text`` with each character no font has replaced by MISSING_GLYPH (line breaks kept)."""
    covered = _covered()
    return "".join(c if ord(c) in covered or c in "\n\r\t" else MISSING_GLYPH for c in text)


class _NoGlyphNames(logging.Filter):
    # fpdf2 lists the characters a font lacks: the person's own text must never reach a log.
    def filter(self, record: logging.LogRecord) -> bool:
        return "missing the following glyphs" not in str(record.msg)


logging.getLogger("fpdf.output").addFilter(_NoGlyphNames())


class _Doc(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        for name, path in _fallbacks():
            self.add_font(name, "", str(path))
        self.set_fallback_fonts([name for name, _ in _fallbacks()], exact_match=False)
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(True, margin=14)
        self.alias_nb_pages()

    def normalize_text(self, text: str) -> str:
        return str(super().normalize_text(drawable(text)))

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(110)
        self.cell(0, 4, f"SpasmNav · стр. {self.page_no()} из {{nb}}", align="C")
        self.set_text_color(0)

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(1.5)
        self.set_font("DejaVu", "B", 11)
        self.set_text_color(30, 70, 120)
        self.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_font("DejaVu", "", 9.5)

    def para(self, text: str, *, size: float = 9.5, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, 4.6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 9.5)

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.set_x(self.l_margin)
            self.cell(4, 4.6, "•")
            self.multi_cell(0, 4.6, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pairs(self, rows: Sequence[tuple[str, str]], label_width: float = 52) -> None:
        for label, value in rows:
            self.set_x(self.l_margin)
            self.set_font("DejaVu", "B", 9)
            self.cell(label_width, 4.6, label)
            self.set_font("DejaVu", "", 9.5)
            self.multi_cell(0, 4.6, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _who(profile: Profile, today: dt.date) -> list[tuple[str, str]]:
    """The «Кто» block: a line for each field of the profile with an ``Info.report``, headed,
    ordered and worded by its declaration (``fields.report_columns``, ``display.field_words``)."""
    return [
        (
            c.header,
            _cell(profile, c) + (c.aside(value, today) if c.aside and value is not None else ""),
        )
        for c in report_columns(type(profile))
        for value in (getattr(profile, c.field),)
    ]


def _cell(record: BaseModel, column: ReportColumn) -> str:
    value = getattr(record, column.field)
    return field_words(type(record), column.field, value, empty=column.empty)


@dataclass(frozen=True, slots=True)
class RecordTable:
    """A table of records as the report draws it: headers, relative widths and the rows."""

    headers: tuple[str, ...]
    widths: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]


def record_table(records: Sequence[Record], *, model: type[Record] = Episode) -> RecordTable:
    """The report's table of ``model`` records: its columns derived from the model's fields
    (``fields.report_columns``), each cell in the presenter's words (``display.field_words``)."""
    columns = report_columns(model)
    return RecordTable(
        headers=tuple(c.header for c in columns),
        widths=tuple(c.width for c in columns),
        rows=tuple(tuple(_cell(r, c) for c in columns) for r in records),
    )


def _episode_table(pdf: _Doc, episodes: Sequence[Episode], total: int) -> None:
    shown = len(episodes)
    if total > shown:
        pdf.para(f"Показаны последние {shown}, всего в дневнике — {total}.", size=8.5)
    pdf.set_font("DejaVu", "", 7.5)
    shape = record_table(episodes, model=Episode)
    with pdf.table(
        col_widths=shape.widths,
        text_align="LEFT",
        line_height=3.6,
        padding=0.8,
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        head = table.row()
        for title in shape.headers:
            head.cell(title)
        for cells in shape.rows:
            row = table.row()
            for value in cells:
                row.cell(value)
    pdf.set_font("DejaVu", "", 9.5)


def _day_note_line(n: DayNote, episodes_by_day: Mapping[dt.date, int]) -> str:
    count = episodes_by_day.get(n.day, 0)
    said = "без эпизодов" if not count else f"эпизодов: {count}"
    triggers = ", ".join(TRIGGER_TITLES[t] for t in n.triggers)
    parts = [f"{n.day:%d.%m.%Y} — {said}"]
    if triggers:
        parts.append(f"провокаторы: {triggers}")
    if n.note:
        parts.append(f"«{n.note}»")
    return "; ".join(parts)


def _diary_rows(a: Analysis) -> list[tuple[str, str]]:
    if not a.total_episodes:
        return [("Эпизоды", "пока не записаны")]
    kinds = ", ".join(f"{KIND_TITLES[k]} — {n}" for k, n in a.kinds.items() if n)
    rows = [
        (
            "Период дневника",
            f"{_date(a.start)} — {_date(a.end)} ({wording.count(a.days_observed, 'день')})",
        ),
        ("Эпизодов", a.rate_text),
        ("Виды", kinds),
        (
            "Средняя сила",
            f"{fmt_number(a.mean_intensity, 1)} из 10" if a.mean_intensity is not None else "—",
        ),
        ("Мешали спать", wording.count(a.sleep_episodes, "эпизод")),
        ("Мешали ходить", wording.count(a.walking_episodes, "эпизод")),
    ]
    if a.duration_days is not None:
        rows.append(
            ("Симптомы длятся", f"{wording.count(a.duration_days, 'день')} (текущий период)")
        )
    return rows


def _questions(a: Analysis, assessment: AssessmentDigest | None) -> list[str]:
    out = []
    if a.trend.worsening:
        out.append("Эпизоды учащаются или становятся сильнее: с чем это может быть связано?")
    if a.duration_days is not None and a.duration_days >= PERSISTENCE_DAYS:
        out.append("Симптомы держатся две недели и дольше: какое обследование нужно?")
    if a.sleep_episodes:
        out.append("Эпизоды мешают спать: что можно сделать?")
    if a.walking_episodes:
        out.append("Эпизоды мешают ходить: нужна ли реабилитация или помощь при ходьбе?")
    for t in a.triggers:
        if t.verdict == "higher":
            out.append(f"Эпизоды чаще в дни с {t.label}: стоит ли это учитывать?")
    if a.adherence.verdict == "below_plan":
        out.append("Упражнения получается делать реже плана: как их упростить?")
    if assessment:
        out.extend(f"Обсудить обследование: {title}" for title in assessment.tests)
    out.append("Нужно ли оценить тонус мышц по шкале Ашворта на приёме?")
    return out


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows, gathered once (``gather_report``) for the PDF's pages."""

    analysis: Analysis
    profile: Profile
    assessment: Assessment | None  # the latest saved one
    saved_view: AssessmentDigest | None  # what that saved assessment said
    diary_view: AssessmentDigest | None  # the engine's reading of the diary itself
    medicines: Sequence[MedicineIntake]
    scores: Sequence[ScaleScore]
    today: dt.date
    # The latest episodes and marked days, oldest first (at most EPISODE_ROWS / DAY_ROWS).
    episodes: Sequence[Episode] = ()
    day_notes: Sequence[DayNote] = ()
    episodes_total: int = 0
    day_counts: Mapping[dt.date, int] = field(default_factory=dict)  # episodes of those days


def gather_report(
    store: Store,
    *,
    person_id: int,
    today: dt.date | None = None,
    change_date: dt.date | None = None,
    change_label: str = "изменения",
    navigator: Navigator | None = None,
) -> ReportData:
    """Read the person's diary and analyse it: the one place a report's data comes from."""
    today = today or dt.date.today()
    data = store.diary_data(person_id=person_id)
    analysis = analyse(data, today=today, change_date=change_date, change_label=change_label)
    saved = store.latest_assessment(person_id=person_id)
    view = assess_diary(analysis.findings, navigator)
    latest = store.list_episodes(person_id=person_id, limit=EPISODE_ROWS, newest_first=True)
    notes = store.list_records(DayNote, person_id=person_id, limit=DAY_ROWS, newest_first=True)
    return ReportData(
        analysis=analysis,
        profile=data.profile or Profile(),
        assessment=saved,
        saved_view=AssessmentDigest.from_json(saved.data) if saved is not None else None,
        diary_view=view.digest() if view is not None else None,
        medicines=store.list_records(MedicineIntake, person_id=person_id, since=analysis.start),
        scores=store.list_records(ScaleScore, person_id=person_id),
        today=today,
        episodes=latest[::-1],
        day_notes=notes[::-1],
        episodes_total=analysis.total_episodes,
        day_counts={d.day: d.episodes for d in data.days if d.day in {n.day for n in notes}},
    )


def _level_title(level: str) -> str:
    from ..content import load_pack

    pack = load_pack()
    return pack.level(level).title if pack.has("levels", level) else level


def render_report(report: ReportData) -> bytes:
    """The PDF bytes; pure apart from font files (testable without a database)."""
    a = report.analysis
    profile, assessment, today = report.profile, report.assessment, report.today
    diary_view, saved_view = report.diary_view, report.saved_view
    scores, medicines = report.scores, report.medicines
    pdf = _Doc()
    pdf.set_title("SpasmNav: дневник симптомов для врача")
    pdf.set_creator("SpasmNav")
    pdf.set_creation_date(dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 8, "Дневник симптомов ног: сводка для врача", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(90)
    pdf.multi_cell(
        0, 4, f"Составлено {_date(today)}. {DISCLAIMER}", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_text_color(0)

    pdf.heading("Кто")
    pdf.pairs(_who(profile, today))

    pdf.heading("Что показывает дневник")
    pdf.pairs(_diary_rows(a))
    pdf.ln(1)
    pdf.bullets([a.trend.frequency.text, a.trend.intensity.text])
    if diary_view:
        pdf.para(
            f"Оценка SpasmNav по данным дневника: {diary_view.title}".rstrip(": "),
            bold=True,
        )

    if a.total_episodes:
        y = pdf.get_y() + 1
        if y > pdf.h - 70:
            pdf.add_page()
            y = pdf.get_y()
        width = (pdf.w - pdf.l_margin - pdf.r_margin - 4) / 2
        pdf.image(_png(episodes_chart(a.weeks)), x=pdf.l_margin, y=y, w=width)
        pdf.image(_png(intensity_chart(a.weeks)), x=pdf.l_margin + width + 4, y=y, w=width)
        pdf.set_y(y + width * 3 / 7 + 2)

    pdf.heading("Последняя сохранённая оценка")
    if assessment is None or saved_view is None:
        pdf.para("Сохранённых оценок нет: в дневнике нет ни одной оценки симптомов.")
    else:
        title = saved_view.title or _level_title(assessment.level)
        pdf.para(f"{assessment.assessed_at:%d.%m.%Y %H:%M} — {title}", bold=True)
        if assessment.text:
            pdf.para(f"Со слов: «{assessment.text}»")
        if saved_view.reasons:
            pdf.para("Почему:")
            pdf.bullets(saved_view.reasons[:6])
        if saved_view.conditions:
            pdf.para(
                "Вероятные причины (по убыванию): " + "; ".join(saved_view.conditions[:4]) + "."
            )

    pdf.heading("Провокаторы")
    if a.triggers:
        pdf.bullets([t.text for t in a.triggers])
        if a.triggers_note:
            pdf.para(a.triggers_note, size=8.5)
    else:
        pdf.para("Провокаторы не отмечались.")
    if a.before_after is not None:
        pdf.heading("До и после")
        pdf.para(a.before_after.text)
        mi = a.before_after
        if mi.mean_intensity_with is not None and mi.mean_intensity_without is not None:
            pdf.para(
                f"Средняя сила: до — {fmt_number(mi.mean_intensity_without, 1)}, после — "
                f"{fmt_number(mi.mean_intensity_with, 1)}."
            )

    pdf.heading("Упражнения")
    pdf.para(a.adherence.text)

    if scores:
        pdf.heading("Оценки по шкалам")
        pdf.bullets(
            [
                f"{s.recorded_at:%d.%m.%Y}: {SCALE_TITLES[s.scale]} — {s.score}"
                + (f", {LEG_TITLES[s.leg]} нога" if s.leg else "")
                + (f", {s.muscle}" if s.muscle else "")
                + (" (оценил врач)" if s.recorded_by == "clinician" else " (самооценка)")
                for s in scores[-6:]
            ]
        )

    pdf.heading("Приём лекарств (как записал сам человек)")
    if medicines:
        counts = Counter(m.name for m in medicines)
        last = {m.name: m.taken_at for m in medicines}
        pdf.bullets(
            [
                f"{name}: {wording.count(n, 'раз')}, последний {_date(last[name].date())}"
                for name, n in counts.items()
            ]
        )
    else:
        pdf.para("Приём лекарств в дневнике не записан.")

    pdf.heading("Что обсудить с врачом")
    pdf.bullets(_questions(a, saved_view))

    # The summary above stays within two pages; the records themselves follow as an appendix.
    if report.episodes or report.day_notes:
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 13)
        pdf.cell(0, 7, "Приложение: записи дневника", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 9.5)
    if report.episodes:
        pdf.heading("Эпизоды")
        _episode_table(pdf, report.episodes, report.episodes_total)
    if report.day_notes:
        pdf.heading("Отмеченные дни («Как прошёл день»)")
        pdf.bullets([_day_note_line(n, report.day_counts) for n in report.day_notes])
    return bytes(pdf.output())


def build_report(
    store: Store,
    out: Path,
    *,
    person_id: int,
    today: dt.date | None = None,
    change_date: dt.date | None = None,
    change_label: str = "изменения",
    navigator: Navigator | None = None,
) -> Path:
    """Gather the person's diary and write the PDF to ``out`` (the diary's own assessment by
    ``navigator``, the default one when not given)."""
    report = gather_report(
        store,
        person_id=person_id,
        navigator=navigator,
        today=today,
        change_date=change_date,
        change_label=change_label,
    )
    pdf = render_report(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(pdf)
    tmp.replace(out)
    return out
