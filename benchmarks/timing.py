"""The timer the benchmarks share: the median of repeated calls, after warm-up."""

import statistics
import time


def median_ms(step, repeats, warmups=2):
    """Median wall time of step(i) in milliseconds, i = 0, 1, ... counting every call.

    The first `warmups` calls are not timed (caches, first draws). The call
    index lets a step alternate between values, so that each call changes
    something.
    """
    for i in range(warmups):
        step(i)
    times = []
    for i in range(warmups, warmups + repeats):
        start = time.perf_counter()
        step(i)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)
