"""Timing for the benchmarks' Python peers, measured as the engine's
examples measure theirs (`node/engine/examples/common`)."""

import time


def median_ms(runs, run):
    """The median of RUNS timed calls of RUN, in milliseconds, after one
    untimed warm-up call."""
    run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[len(times) // 2]
