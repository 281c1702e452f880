"""Run the benchmarks: ``python -m tests.benchmarks [bench_name ...]`` (``make bench``).

Every ``bench_*`` module of this package has a ``main()`` returning an exit status; the run
fails if any request failed (timings are printed against their budgets, never asserted).
"""

import importlib
import pkgutil
import sys
from pathlib import Path

from tests.benchmarks import harness


def main(names: list[str]) -> int:
    harness.configure()
    found = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    status = 0
    for name in names or found:
        if name not in found:
            print(f"No benchmark {name!r}; there are: {', '.join(found)}")
            return 2
        status |= importlib.import_module(f"tests.benchmarks.{name}").main()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
