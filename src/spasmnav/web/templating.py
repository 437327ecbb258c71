"""Jinja2 templates (autoescape on) and the filters the pages use."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from .. import wording
from ..diary.models import KEPT_TEXTS
from ..presenter import exercise_parameters, source_label

if TYPE_CHECKING:
    from ..content import Pack

__all__ = [
    "make_templates",
    "phone_links",
    "render",
]

TEMPLATES_DIR = Path(str(resources.files("spasmnav.web") / "templates"))

_PHONE_RE = re.compile(r"\b(103|112)\b")


def phone_links(text: str) -> Markup:
    """Escape the text and make 103 / 112 tappable ``tel:`` links."""
    escaped = str(escape(text))
    return Markup(_PHONE_RE.sub(r'<a class="tel" href="tel:\1">\1</a>', escaped))


def ru_date(value: dt.date | dt.datetime | None, with_time: bool = True) -> str:
    return wording.date(value, with_time=with_time)


def plural(n: int, one: str, few: str, many: str) -> str:
    return wording.plural(n, one, few, many)


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
    env.filters["source_label"] = source_label
    env.filters["exercise_parameters"] = exercise_parameters
    env.globals["plural"] = plural
    env.globals["count"] = wording.count
    env.globals["kept_titles"] = KEPT_TEXTS
    env.filters["number"] = wording.number
    env.filters["duration"] = wording.duration
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
