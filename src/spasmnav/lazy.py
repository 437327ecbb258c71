"""Modules imported on first use, for the heavy ones only a few code paths need."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["lazy_module"]


class _Lazy(ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._target: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        target = self._target
        if target is None:
            target = importlib.import_module(self.__name__)
            self._target = target
        return getattr(target, attr)


def lazy_module(name: str) -> Any:
    """A stand-in for module ``name`` that imports it when an attribute is first read."""
    return _Lazy(name)
