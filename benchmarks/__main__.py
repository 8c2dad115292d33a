"""Run every benchmark: ``python -m benchmarks`` (``--quick`` for a smoke run)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from benchmarks._harness import Benchmark, report, run


def _collect() -> list[Benchmark]:
    import benchmarks  # noqa: PLC0415 - the package itself, to list its modules

    found: list[Benchmark] = []
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda i: i.name):
        if info.name.startswith("bench_"):
            module = importlib.import_module(f"benchmarks.{info.name}")
            found.extend(module.BENCHMARKS)
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the ratio table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few rounds: checks they run")
    parser.add_argument("-k", default="", help="run only benchmarks whose name contains this")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    results = [run(b, quick=args.quick) for b in _collect() if args.k in b.name]
    print(report(results))
    missed = [r.name for r in results if not r.met]
    if missed:
        print(f"{len(missed)} of {len(results)} targets missed: {', '.join(missed)}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
