"""The cyclic garbage collector paused while a process builds what it keeps for its lifetime.

A start allocates a few hundred thousand objects (modules, classes, the pack, the reader, the
web app's routes) that all live as long as the process, and the collector, which runs every
few hundred allocations, walks them again and again for nothing: a fifth of the CPU time of a
cold start (``bench/core.py``, ``bench/web.py``). Reference counting still frees everything that
is not in a cycle while the collector is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["pause_gc", "paused_gc", "quick_exit_gc", "resume_gc", "running_gc"]


def pause_gc() -> None:
    """Pause the collector until :func:`resume_gc` (a server's start)."""
    gc.disable()


def resume_gc(*, freeze: bool = False) -> None:
    """Resume the collector if :func:`pause_gc` paused it; ``freeze=True`` first moves
    everything that exists now (what the start built, kept for the process's lifetime) out of
    the collector's sight for good, so a long-running server's collections walk only what its
    requests make. A process whose collector runs (a test calling the command) is left as is."""
    if gc.isenabled():
        return
    if freeze:
        gc.freeze()
    gc.enable()


def quick_exit_gc() -> None:
    """A short command is done and its process is about to exit: everything that exists is
    moved out of the collector's sight, so the collection the interpreter makes while it shuts
    down (and re-enabling a paused collector) does not walk the start's few hundred thousand
    objects once more, for nothing: a third of a cold ``spasmnav assess`` (``bench/core.py``).
    Only the console script's dispatcher (``spasmnav.__main__``) calls it, after the command."""
    gc.freeze()


@contextmanager
def paused_gc() -> Iterator[None]:
    """The collector paused for a bounded piece of start-up work (unless it already is)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def running_gc() -> Iterator[None]:
    """The collector running for open-ended work inside a paused start (a batch of lines)."""
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()
