"""SpasmNav: triage and self-help navigator for involuntary leg contractions.

The public API, in process::

    from spasmnav import Navigator
    nav = Navigator()                      # the shipped pack, compiled once
    result = nav.assess_text("По ночам сводит икру")
    result.to_dict()                       # the JSON contract of DESIGN.md

Names are imported on first use, so ``import spasmnav`` stays instant and the CLI's cold start
pays only for what a command needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .assessing import FindingsError, assess_text, parse_findings, understand
    from .content import Pack, PackError, load_pack, load_pack_from
    from .core import Navigator, default_navigator, set_default_navigator
    from .engine import Assessment, Engine
    from .expr import Expr, ExprError
    from .facts import Observation
    from .language import Reader, TextError, Understanding

__all__ = [
    "Assessment",
    "Engine",
    "Expr",
    "ExprError",
    "FindingsError",
    "Navigator",
    "Observation",
    "Pack",
    "PackError",
    "Reader",
    "TextError",
    "Understanding",
    "__version__",
    "assess_text",
    "default_navigator",
    "load_pack",
    "load_pack_from",
    "parse_findings",
    "set_default_navigator",
    "understand",
]

_WHERE = {
    "FindingsError": "assessing",
    "assess_text": "assessing",
    "parse_findings": "assessing",
    "understand": "assessing",
    "Pack": "content",
    "PackError": "content",
    "load_pack": "content",
    "load_pack_from": "content",
    "Navigator": "core",
    "default_navigator": "core",
    "set_default_navigator": "core",
    "Assessment": "engine",
    "Engine": "engine",
    "Expr": "expr",
    "ExprError": "expr",
    "Observation": "facts",
    "Reader": "language",
    "TextError": "language",
    "Understanding": "language",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'spasmnav' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
