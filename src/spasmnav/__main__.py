"""The ``spasmnav`` command: ``assess`` in its plain forms starts without Typer (see
:mod:`spasmnav.assess_cli`), and so does ``diary add`` on a local SQLite diary (see
:mod:`spasmnav.diary.quick_add`); everything else goes to the Typer app in :mod:`spasmnav.cli`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def _quick(run: Callable[[list[str]], bool], args: list[str]) -> bool:
    """Run a quick path with the collector paused from its first import to the process's exit
    (see :mod:`spasmnav.startup`); False (nothing done) resumes it for the Typer app."""
    from .startup import pause_gc, quick_exit_gc, resume_gc

    pause_gc()
    try:
        done = run(args)
    except SystemExit:  # a bad option or input, reported: the process exits all the same
        quick_exit_gc()
        raise
    if done:
        quick_exit_gc()
    else:
        resume_gc()
    return done


def _exit_done() -> None:
    """Exit a process whose quick path is done, without the interpreter's teardown.

    Tearing down (every module emptied, the start's few hundred thousand objects freed one by
    one) costs some 10-20 ms of a cold ``spasmnav assess`` and serves nothing here: the command
    has written its output and closed its files (the snapshot cache, the diary's connection) and
    runs no thread; the one exit handler registered (``logging.shutdown``, logging being
    imported by pymorphy3) has no log handler to flush. What it printed is flushed first; if
    that fails (a closed pipe), this returns and the interpreter exits as it always has,
    reporting it."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        return
    os._exit(0)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["assess"]:
        from .assess_cli import fast_main

        if _quick(fast_main, args[1:]):
            _exit_done()
            return
    elif args[:2] == ["diary", "add"]:
        from .diary.quick_add import fast_main as quick_add

        if _quick(quick_add, args[2:]):
            _exit_done()
            return
    from .startup import pause_gc, paused_gc

    if args[:1] in (["serve"], ["run"]):
        pause_gc()  # until the web app is built (spasmnav.web.cli.serve resumes it)
    with paused_gc():  # importing the commands is bounded work (see spasmnav.startup)
        from .cli import main as typer_main
    typer_main()


if __name__ == "__main__":
    main()
