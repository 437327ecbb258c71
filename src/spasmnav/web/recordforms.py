"""A diary record's HTML form fields, derived from its model (``spasmnav.diary.fields``).

Which fields a form has and how each is read follow from the field's type: a text or a code
is a text input (empty is nothing), a number is typed as text and validated by the model, a
time field left empty means now, a duration in seconds (``Info.minutes``) is typed in minutes
(``duration_seconds`` → ``duration_minutes``, «1,5» allowed), a yes/no is a checkbox and a set
of codes is a group of checkboxes. Checkboxes are read only from the full form (``full``): on
it an unticked box is an explicit "no"; the quick form has none.

The template lays the fields out and words their labels; a test checks that it has every one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, get_origin

from pydantic import BaseModel
from starlette.datastructures import FormData

from ..diary.fields import info, plain_type

__all__ = ["checkboxes", "form_fields", "form_name", "from_form", "re_shown", "values_of"]

TIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def form_name(model: type[BaseModel], name: str) -> str:
    """The form's name of a model field: a duration in seconds is typed in minutes."""
    if info(model.model_fields[name]).minutes:
        return name.removesuffix("_seconds") + "_minutes"
    return name


def _written(model: type[BaseModel]) -> list[str]:
    return [name for name, f in model.model_fields.items() if info(f).api]


def _is_box(model: type[BaseModel], name: str) -> bool:
    t = plain_type(model.model_fields[name].annotation)
    return t is bool or get_origin(t) is tuple


def form_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The form's single-value fields (text inputs, selects, radios, yes/no boxes)."""
    return tuple(
        form_name(model, n)
        for n in _written(model)
        if get_origin(plain_type(model.model_fields[n].annotation)) is not tuple
    )


def checkboxes(model: type[BaseModel]) -> tuple[str, ...]:
    """The form's checkbox fields: yes/no boxes and groups of codes."""
    return tuple(n for n in _written(model) if _is_box(model, n))


def _minutes_to_seconds(raw: str | None) -> Any:
    try:
        minutes = float(raw.replace(",", ".")) if raw else None
    except ValueError:
        return raw  # let validation name the field
    # inf, nan and 1e308 (whose seconds overflow) are typos too: validation names them.
    if minutes is not None and not (math.isfinite(minutes) and abs(minutes) < 1e9):
        return raw
    return round(minutes * 60) if minutes is not None else None


def from_form(
    model: type[BaseModel],
    form: FormData,
    *,
    now: Callable[[], dt.datetime | dt.date],
    base: dict[str, Any] | None = None,
    full: bool | None = None,
) -> dict[str, Any]:
    """Form fields to model data; fields not in the form are left out (cleared when sent
    empty). The model validates the result. Checkboxes are read when ``full`` (default: when
    the form says ``full``): a form made of checkboxes alone passes ``full=True``."""
    data: dict[str, Any] = dict(base or {})
    time_field = getattr(model, "time_field", None)

    def text(key: str) -> str | None:
        value = form.get(key)
        return value.strip() or None if isinstance(value, str) else None

    for name in _written(model):
        key = form_name(model, name)
        if _is_box(model, name):
            if full or (full is None and "full" in form):
                t = plain_type(model.model_fields[name].annotation)
                if t is bool:
                    data[name] = key in form
                else:
                    data[name] = [v for v in form.getlist(key) if isinstance(v, str)]
        elif key in form:
            if info(model.model_fields[name]).minutes:
                data[name] = _minutes_to_seconds(text(key))
            elif name == time_field:
                data[name] = text(key) or now()
            else:
                data[name] = text(key)
    return data


def re_shown(model: type[BaseModel], form: FormData) -> dict[str, Any]:
    """What the person typed, to show the form again with the errors."""
    values: dict[str, Any] = {}
    for name in _written(model):
        key = form_name(model, name)
        if not _is_box(model, name):
            if isinstance(form.get(key), str):
                values[key] = form.get(key)
        elif plain_type(model.model_fields[name].annotation) is bool:
            values[key] = key in form
        else:
            values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
    return values


def values_of(record: BaseModel) -> dict[str, Any]:
    """A stored record as the form shows it for editing."""
    model = type(record)
    values: dict[str, Any] = {}
    for name in _written(model):
        value = getattr(record, name)
        key = form_name(model, name)
        if info(model.model_fields[name]).minutes:
            values[key] = "" if value is None else f"{value / 60:g}".replace(".", ",")
        elif isinstance(value, bool):
            values[key] = value
        elif isinstance(value, tuple):
            values[key] = list(value)
        elif isinstance(value, dt.datetime):
            values[key] = value.strftime(TIME_FORMAT)
        elif isinstance(value, dt.date):
            values[key] = value.isoformat()
        else:
            values[key] = "" if value is None else str(value)
    return values
