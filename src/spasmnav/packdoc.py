"""The content pack as a readable Russian document, for clinical review.

``render_pack`` turns the whole pack into Markdown: every finding with its lexicon, every
condition with its evidence weights, every rule with its level, priority and condition spelled
out in Russian («если: … и …»), and all the care content, each item followed by its citations.
A clinician reads this instead of the YAML; the CLI prints it with Rich (``spasmnav pack show``).
``pack_summary`` gives the counts per kind for ``spasmnav pack check``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from . import expr as ex
from .content import LEVELS, SECTIONS, Citation, Pack
from .presenter import EXERCISE_LABELS
from .result import LEVEL_RANK

__all__ = ["describe_expr", "pack_summary", "render_pack"]

_FINDING_KINDS = {
    "movement": "движение",
    "symptom": "симптом",
    "sign": "признак",
    "history": "анамнез",
    "risk_factor": "фактор риска",
    "trigger": "провоцирующий фактор",
    "context": "обстоятельства",
}

_ADVICE_KINDS = {
    "first_aid": "Первая помощь",
    "visit": "Визит к врачу",
    "self_help": "Самопомощь",
    "lifestyle": "Образ жизни",
    "caution": "Предостережения",
    "info": "Пояснения",
}

_SOURCE_KINDS = {
    "seed": "исходный материал",
    "guideline": "клиническое руководство",
    "scale": "шкала",
    "reference": "справочник",
}


_LIST_AFTER = 3  # an «any» of more parts than this is shown as a list

_OPS_RU = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def pack_summary(pack: Pack) -> dict[str, int]:
    """Counts per kind of item, plus lexicon terms, red-flag rules and citations."""
    counts = {kind: len(getattr(pack, kind)) for kind in SECTIONS}
    counts["lexicon_terms"] = sum(len(f.lexicon) for f in pack.findings)
    counts["red_flag_rules"] = sum(1 for r in pack.rules if r.red_flag)
    counts["citations"] = sum(1 for _ in pack.citations())
    return counts


def _code(text: str) -> str:
    # Inline code keeps ids and lexicon terms (with their * wildcards) away from Markdown.
    return f"`{text.replace('`', '')}`"


def _label(pack: Pack, fid: str) -> str:
    if pack.has("findings", fid):
        return f"«{pack.finding(fid).label}»"
    return f"«{fid}» (неизвестный признак)"


def _join(parts: Sequence[str], word: str) -> str:
    if len(parts) == 1:
        return parts[0]
    return f" {word} ".join(parts)


def _expr(pack: Pack, e: ex.Expr, nested: bool) -> str:
    match e:
        case ex.TrueExpr():
            return "всегда"
        case ex.Present(fid):
            return _label(pack, fid)
        case ex.Absent(fid):
            return f"точно нет: {_label(pack, fid)}"
        case ex.Compare(fid, op, value):
            return f"{_label(pack, fid)} {_OPS_RU.get(op, op)} {value:g}"
        case ex.All(items) | ex.AnyOf(items):
            every = isinstance(e, ex.All)
            parts = [_expr(pack, i, True) for i in items]
            if not every and len(parts) > _LIST_AFTER:
                # A long chain of «или» is hard to read; a list is not.
                return "одно из [" + "; ".join(parts) + "]"
            text = _join(parts, "и" if every else "или")
            return f"({text})" if nested and len(parts) > 1 else text
        case ex.Not(item):
            return f"не {_expr(pack, item, True)}"
        case ex.MinOf(n, items):
            parts = [_expr(pack, i, True) for i in items]
            return f"не меньше {n} из: " + "; ".join(parts)


def describe_expr(pack: Pack, expr: ex.Expr | object) -> str:
    """A rule or advice condition in plain Russian: «Отёк икры» и («Боль» или «Жар»).

    Takes a parsed condition, or one as written in YAML (parsed here)."""
    return _expr(pack, ex.parse(expr), nested=False)


def _cites(pack: Pack, cites: Iterable[Citation]) -> str:
    return "Источники: " + "; ".join(c.render(pack) for c in cites)


def _ids(pack: Pack, attr: str, ids: Sequence[str]) -> str:
    out = []
    for i in ids:
        title = _title_of(pack, attr, i)
        out.append(f"{title} ({_code(i)})" if title else _code(i))
    return ", ".join(out)


def _title_of(pack: Pack, attr: str, id: str) -> str | None:
    for item in getattr(pack, attr):
        if getattr(item, "id", None) == id:
            for field in ("title", "label", "name"):
                value = getattr(item, field, None)
                if isinstance(value, str):
                    return value
    return None


def _specialist(pack: Pack, sid: str) -> str:
    if sid == "by_condition":
        return "по наиболее вероятному состоянию"
    title = _title_of(pack, "specialists", sid)
    return f"{title} ({_code(sid)})" if title else _code(sid)


def _level_title(pack: Pack, level: str) -> str:
    return pack.level(level).title if pack.has("levels", level) else level


class _Doc:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def h(self, depth: int, text: str) -> None:
        self.lines += ["#" * depth + " " + text, ""]

    def p(self, text: str) -> None:
        self.lines += [text, ""]

    def items(self, items: Iterable[str]) -> None:
        rows = [f"- {i}" for i in items]
        if rows:
            self.lines += [*rows, ""]

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def _render_sources(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Источники")
    for s in pack.sources:
        bits = [f"**{s.short}** ({_code(s.id)}, {_SOURCE_KINDS.get(s.kind, s.kind)}): {s.title}"]
        if s.publisher:
            bits.append(f"Издатель: {s.publisher}.")
        if s.file:
            bits.append(f"Файл: {_code(s.file)}" + (f", строк: {s.lines}." if s.lines else "."))
        if s.url:
            bits.append(f"Адрес: <{s.url}>.")
        if s.checked:
            bits.append(f"Сверено с источником: {s.checked}.")
        elif s.kind != "seed":
            bits.append("Не сверено с оригиналом.")
        if s.note:
            bits.append(s.note)
        doc.items([" ".join(bits)])
    if pack.seed_sections:
        doc.h(3, "Разделы исходных материалов")
        doc.items(
            f"{pack.source(s.source).short if pack.has('sources', s.source) else s.source}, "
            f"строки {s.line}–{s.end_line}: {s.title}"
            for s in pack.seed_sections
        )


def _render_findings(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Признаки (что человек описывает или что видит врач)")
    for f in pack.findings:
        doc.h(3, f"{f.label} ({_code(f.id)})")
        facts = [f"Вид: {_FINDING_KINDS.get(f.kind, f.kind)}."]
        if f.scope:
            facts.append("Сам по себе показывает, что жалоба относится к SpasmNav.")
        if f.numeric:
            facts.append(f"Числовой признак{f', единица: {f.unit}' if f.unit else ''}.")
        doc.p(" ".join(facts))
        if f.lexicon:
            doc.p("Слова и выражения: " + ", ".join(_code(t) for t in f.lexicon))
        if f.near:
            doc.p(
                "Считается, только если в том же предложении есть: "
                + ", ".join(_code(t) for t in f.near)
            )
        if f.implies:
            doc.p("Влечёт за собой: " + _ids(pack, "findings", f.implies))
        if f.derived is not None:
            doc.p("Вычисляется: если " + describe_expr(pack, f.derived))
        if f.note:
            doc.p(f"Примечание: {f.note}")


def _render_conditions(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Состояния (вероятные причины) и вес признаков")
    for c in pack.conditions:
        doc.h(3, f"{c.title} ({_code(c.id)})")
        doc.p(c.summary)
        doc.p(f"Механизм: {c.mechanism}")
        doc.p(f"Врач: {_specialist(pack, c.specialist)}. Исходный балл: {c.prior:g}.")
        rows = ["| Признак | Вес | Когда учитывается |", "|---|---|---|"]
        for e in c.evidence:
            when = "есть" if e.present else "точно нет"
            rows.append(
                f"| {_label(pack, e.finding)} ({_code(e.finding)}) | {e.weight:+g} | {when} |"
            )
        doc.lines += [*rows, ""]
        if c.tests:
            doc.p("Обследования: " + _ids(pack, "tests", c.tests))
        if c.advice:
            doc.p("Советы: " + _ids(pack, "advice", c.advice))
        if c.exercises:
            doc.p("Упражнения: " + _ids(pack, "exercises", c.exercises))
        meds = [m for m in pack.medicines if c.id in m.conditions]
        if meds:
            doc.p("Что может рассмотреть врач: " + ", ".join(m.name for m in meds))
        doc.p(_cites(pack, c.cite))


def _render_rules(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Правила срочности")
    doc.p(
        "Итоговый уровень — самый срочный из сработавших правил; среди них врача выбирает "
        "правило с наибольшим приоритетом."
    )
    ordered = sorted(pack.rules, key=lambda r: (-LEVEL_RANK[r.level], -r.priority))
    for level in reversed(LEVELS):
        rules = [r for r in ordered if r.level == level]
        if not rules:
            continue
        doc.h(3, f"Уровень «{_level_title(pack, level)}» ({_code(level)})")
        for r in rules:
            flag = " — тревожный признак" if r.red_flag else ""
            doc.h(4, f"{r.title} ({_code(r.id)}){flag}")
            doc.p(f"Приоритет: {r.priority}. Куда обращаться: {_specialist(pack, r.specialist)}.")
            doc.p("если: " + describe_expr(pack, r.when))
            doc.p(f"Объяснение: {r.reason}")
            if r.advice:
                doc.p("Советы: " + _ids(pack, "advice", r.advice))
            if r.tests:
                doc.p("Обследования: " + _ids(pack, "tests", r.tests))
            doc.p(_cites(pack, r.cite))


def _render_levels(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Уровни срочности")
    for lv in sorted(pack.levels, key=lambda x: LEVEL_RANK[x.id]):
        doc.h(3, f"{lv.title} ({_code(lv.id)})")
        doc.p(lv.action)
        doc.p(_cites(pack, lv.cite))


def _render_specialists(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Специалисты")
    for s in pack.specialists:
        doc.h(3, f"{s.title} ({_code(s.id)})")
        doc.p(s.why)
        doc.p(_cites(pack, s.cite))


def _render_tests(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Обследования")
    for t in pack.tests:
        doc.h(3, f"{t.title} ({_code(t.id)})")
        doc.p(t.why)
        doc.p(_cites(pack, t.cite))


def _render_advice(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Советы")
    for kind, title in _ADVICE_KINDS.items():
        items = [a for a in pack.advice if a.kind == kind]
        if not items:
            continue
        doc.h(3, title)
        for a in items:
            doc.h(4, f"{a.title} ({_code(a.id)})")
            doc.p(a.text)
            if a.when is not None:
                doc.p("Показывается сам, если: " + describe_expr(pack, a.when))
            doc.p(_cites(pack, a.cite))


def _render_exercises(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Упражнения")
    for x in pack.exercises:
        doc.h(3, f"{x.title} ({_code(x.id)})")
        doc.p(f"Зачем: {x.goal}")
        doc.p(f"Как делать: {x.instructions}")
        doc.items(
            f"{label}: {getattr(x, field)}"
            for field, label in EXERCISE_LABELS.items()
            if getattr(x, field) is not None
        )
        if x.caution:
            doc.p(f"Осторожно: {x.caution}")
        doc.p(_cites(pack, x.cite))


def _render_medicines(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Лекарства и методы лечения: что может рассмотреть врач")
    doc.p("Только для информации. SpasmNav не назначает лекарства и не подбирает дозы.")
    for m in pack.medicines:
        doc.h(3, f"{m.name} ({_code(m.id)})")
        doc.p(f"Группа: {m.group}.")
        doc.p(f"Что может рассмотреть врач: {m.what_a_doctor_may_consider}")
        doc.p("Осторожно:")
        doc.items(m.cautions)
        doc.p("Связано с состояниями: " + _ids(pack, "conditions", m.conditions))
        doc.p(_cites(pack, m.cite))


def _render_brain_and_scales(doc: _Doc, pack: Pack) -> None:
    doc.h(2, "Зоны мозга")
    for b in pack.brain_areas:
        doc.h(3, f"{b.title} ({_code(b.id)})")
        doc.p(b.effect)
        doc.p("Связано с состоянием: " + _ids(pack, "conditions", [b.condition]))
        doc.p(_cites(pack, b.cite))
    doc.h(2, "Шкалы")
    for s in pack.scales:
        doc.h(3, f"{s.title} ({_code(s.id)})")
        doc.p(s.description)
        doc.items(s.grades)
        if s.threshold:
            doc.p(f"Порог: {s.threshold}")
        doc.p(_cites(pack, s.cite))


def _render_questions(doc: _Doc, pack: Pack) -> None:
    if not pack.questions:
        return
    doc.h(2, "Уточняющие вопросы")
    for q in pack.questions:
        flag = " — о тревожном признаке" if q.red_flag else ""
        doc.h(3, f"{q.text} ({_code(q.linkId)}){flag}")
        if q.text_other:
            doc.p(f"О другом человеке: {q.text_other}")
        doc.p(f"Зачем спрашиваем: {q.why}")
        if q.finding:
            doc.p("Отвечает на признак: " + _ids(pack, "findings", [q.finding]))
        options = []
        for opt in q.answerOption:
            sets = ", ".join(f"{_label(pack, fid)} = {_value_ru(v)}" for fid, v in opt.sets.items())
            options.append(f"{opt.display}" + (f" → {sets}" if sets else ""))
        doc.items(options)
        if q.enableWhen:
            conds = [f"{_code(e.question)} {e.operator} {e.answer}" for e in q.enableWhen]
            word = "и" if q.enableBehavior == "all" else "или"
            doc.p("Задаётся, если: " + f" {word} ".join(conds))
        if q.cite:
            doc.p(_cites(pack, q.cite))


def _render_codes(doc: _Doc, pack: Pack) -> None:
    if not pack.codes:
        return
    doc.h(2, "Стандартные коды для обмена FHIR")
    doc.p(
        "Только коды, в которых нет сомнений, с источником; всё остальное — в собственной "
        "системе кодов SpasmNav."
    )
    for c in pack.codes:
        doc.h(3, f"{c.display} ({_code(c.id)})")
        doc.p(f"Код {_code(c.code)} в системе {c.system}")
        doc.p(_cites(pack, c.cite))


def _value_ru(value: bool | float) -> str:
    if value is True:
        return "да"
    if value is False:
        return "нет"
    return f"{value:g}"


def render_pack(pack: Pack) -> str:
    """The whole pack as one Markdown document in Russian, every item with its citations."""
    doc = _Doc()
    doc.h(1, f"Клиническое содержание SpasmNav, версия {pack.version}")
    doc.p(
        "Документ для проверки врачом: все признаки, состояния, правила, советы, упражнения, "
        "лекарства и обследования, с источником каждого утверждения (строка исходного "
        "материала или раздел руководства)."
    )
    counts = pack_summary(pack)
    doc.lines += ["| Раздел | Количество |", "|---|---|"]
    doc.lines += [f"| {_code(k)} | {v} |" for k, v in counts.items()]
    doc.lines.append("")
    doc.h(2, "Общие тексты")
    doc.p(f"**Оговорка:** {pack.texts.disclaimer}")
    doc.p(f"**Вне темы:** {pack.texts.out_of_scope}")
    doc.p(f"**Экстренная строка:** {pack.texts.emergency_line}")
    doc.p(_cites(pack, pack.texts.cite))
    _render_levels(doc, pack)
    _render_rules(doc, pack)
    _render_conditions(doc, pack)
    _render_findings(doc, pack)
    _render_specialists(doc, pack)
    _render_tests(doc, pack)
    _render_advice(doc, pack)
    _render_exercises(doc, pack)
    _render_medicines(doc, pack)
    _render_brain_and_scales(doc, pack)
    _render_questions(doc, pack)
    _render_codes(doc, pack)
    _render_sources(doc, pack)
    return doc.text()
