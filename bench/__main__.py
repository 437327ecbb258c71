"""`make bench`: every benchmark of the project, printed as figures with their targets."""

from __future__ import annotations

import importlib
import sys

SUITES = ("bench.core", "bench.text", "bench.interview", "bench.diary", "bench.web")


def main() -> int:
    only = sys.argv[1:]
    for name in SUITES:
        if only and name.split(".")[-1] not in only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                print(f"== {name}: not present")
                continue
            raise
        module.run()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
