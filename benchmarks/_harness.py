"""Timing harness shared by every benchmark.

Each :class:`Benchmark` pairs a library function with a hand-written *floor* that
does the same work. Both are run in interleaved rounds in the same process (the
side that goes first alternates), so machine noise hits both alike; the reported
figure is the ratio of the two medians. Before timing, the benchmark checks that
the library and the floor produce the same result. As in :mod:`timeit`, garbage
collection is paused while timing.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    """One comparison of the library against a floor doing the same work."""

    name: str
    library: Callable[[], object]
    floor: Callable[[], object]
    check: Callable[[object, object], None]
    target: float
    number: int = 1000
    setup: Callable[[bool], None] | None = None
    """Called once before the check with whether the run is quick (to size the data)."""


@dataclass(frozen=True)
class Result:
    """Medians in nanoseconds per call and their ratio."""

    name: str
    library_ns: float
    floor_ns: float
    target: float

    @property
    def ratio(self) -> float:
        """Library time over floor time."""
        return self.library_ns / self.floor_ns

    @property
    def met(self) -> bool:
        """Whether the ratio is within the target."""
        return self.ratio <= self.target


def _time(fn: Callable[[], object], number: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(number):
        fn()
    return (time.perf_counter_ns() - start) / number


def run(bench: Benchmark, *, rounds: int = 21, quick: bool = False) -> Result:
    """Check, then time ``bench`` in interleaved rounds; return the medians."""
    if bench.setup is not None:
        bench.setup(quick)
    bench.check(bench.library(), bench.floor())
    number = max(1, bench.number // 20) if quick else bench.number
    rounds = 3 if quick else rounds
    lib: list[float] = []
    flo: list[float] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _time(bench.library, number)  # warm-up
        _time(bench.floor, number)
        for round_number in range(rounds):
            # Alternate which side goes first, so neither always runs on a warmer cache.
            if round_number % 2:
                flo.append(_time(bench.floor, number))
                lib.append(_time(bench.library, number))
            else:
                lib.append(_time(bench.library, number))
                flo.append(_time(bench.floor, number))
    finally:
        if gc_was_enabled:
            gc.enable()
    return Result(bench.name, statistics.median(lib), statistics.median(flo), bench.target)


def report(results: list[Result]) -> str:
    """Render results as a fixed-width table."""
    lines = [f"{'benchmark':<48} {'library':>12} {'floor':>12} {'ratio':>7} {'target':>7}"]
    for r in results:
        mark = "ok" if r.met else "MISSED"
        lines.append(
            f"{r.name:<48} {r.library_ns:>10.0f}ns {r.floor_ns:>10.0f}ns "
            f"{r.ratio:>6.2f}x {r.target:>6.1f}x {mark}"
        )
    return "\n".join(lines)
