"""The ``spasmnav`` command: ``assess`` in its plain forms starts without Typer (see
:mod:`spasmnav.assess_cli`), and so does ``diary add`` on a local SQLite diary (see
:mod:`spasmnav.diary.quick_add`); everything else goes to the Typer app in :mod:`spasmnav.cli`."""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["assess"]:
        from .assess_cli import fast_main

        if fast_main(args[1:]):
            return
    elif args[:2] == ["diary", "add"]:
        from .diary.quick_add import fast_main as quick_add

        if quick_add(args[2:]):
            return
    from .startup import pause_gc, paused_gc

    if args[:1] in (["serve"], ["run"]):
        pause_gc()  # until the web app is built (spasmnav.web.cli.serve resumes it)
    with paused_gc():  # importing the commands is bounded work (see spasmnav.startup)
        from .cli import main as typer_main
    typer_main()


if __name__ == "__main__":
    main()
