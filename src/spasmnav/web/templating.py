"""Jinja2 templates (autoescape on) and the filters the pages use."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

if TYPE_CHECKING:
    from ..content import Pack

__all__ = [
    "LEVEL_BADGES",
    "highlight_segments",
    "make_templates",
    "phone_links",
    "render",
]

TEMPLATES_DIR = Path(str(resources.files("spasmnav.web") / "templates"))

# Level: (short badge word, icon id). The page shows icon + word + colour, never colour alone.
LEVEL_BADGES: dict[str, tuple[str, str]] = {
    "emergency": ("СРОЧНО", "phone"),
    "urgent": ("СЕГОДНЯ", "alert"),
    "doctor": ("К ВРАЧУ", "doctor"),
    "self_care": ("НАБЛЮДАТЬ", "check"),
}

_PHONE_RE = re.compile(r"\b(103|112)\b")


def phone_links(text: str) -> Markup:
    """Escape the text and make 103 / 112 tappable ``tel:`` links."""
    escaped = str(escape(text))
    return Markup(_PHONE_RE.sub(r'<a class="tel" href="tel:\1">\1</a>', escaped))


def highlight_segments(
    text: str, matches: list[dict[str, Any]], pack: Pack
) -> list[dict[str, Any]]:
    """Split the person's text into plain and highlighted pieces (matches may overlap).

    Each piece: ``{"text", "findings": [labels], "negated": bool}``; a piece is negated when
    every match covering it is negated («слабости нет»). Labels come from ``pack``.
    """
    spans: list[tuple[int, int, str, bool]] = []
    for m in matches:
        try:
            start, end = int(m["start"]), int(m["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= start < end <= len(text):
            fid = str(m.get("finding", ""))
            label = pack.finding(fid).label if pack.has("findings", fid) else fid
            spans.append((start, end, label, bool(m.get("negated"))))
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    pieces: list[dict[str, Any]] = []
    for a, b in itertools.pairwise(cuts):
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        labels = list(dict.fromkeys(s[2] for s in covering))
        piece = {
            "text": text[a:b],
            "findings": labels,
            "negated": bool(covering) and all(s[3] for s in covering),
        }
        if (
            pieces
            and pieces[-1]["findings"] == labels
            and pieces[-1]["negated"] == piece["negated"]
        ):
            pieces[-1]["text"] += piece["text"]
        else:
            pieces.append(piece)
    return pieces


_MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def ru_date(value: dt.date | dt.datetime | None, with_time: bool = True) -> str:
    if value is None:
        return ""
    out = f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    if with_time and isinstance(value, dt.datetime):
        out += f", {value:%H:%M}"
    return out


def plural(n: int, one: str, few: str, many: str) -> str:
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def make_templates(pack: Pack) -> Jinja2Templates:
    """The page templates, with ``pack`` behind the labels they show."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["phone_links"] = phone_links
    env.filters["ru_date"] = ru_date
    env.globals["LEVEL_BADGES"] = LEVEL_BADGES
    env.globals["plural"] = plural
    env.globals["highlight_segments"] = functools.partial(highlight_segments, pack=pack)
    return Jinja2Templates(env=env)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page with what every page needs: the core, the CSRF token, the user."""
    core = request.app.state.core
    ctx: dict[str, Any] = {
        "core": core,
        "emergency_line": core.pack.texts.emergency_line,
        "disclaimer": core.pack.texts.disclaimer,
        "csrf_token": core.csrf_token(request),
        "user": core.current_user(request),
        "multi_user": core.settings.multi_user,
        "path": request.url.path,
    }
    ctx.update(context or {})
    response = core.templates.TemplateResponse(
        request, name, ctx, status_code=status_code, headers=headers
    )
    assert isinstance(response, HTMLResponse)
    return response
