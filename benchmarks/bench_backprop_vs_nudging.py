"""Lesson 2's measured claim: nudging is slower at every length, and the gap widens with L.

The lesson times, on the learner's machine, all 2L partial derivatives of a
chain of L sigmoid neurons, by one backward pass and by nudging every
parameter (`time_gradients`, the lesson's own call), and says: "nudging is
slower at every length, and the gap between the lines widens as L grows".
This prints, for each length, nudging's seconds over backprop's (the gap,
measured), beside the ratio of layer evaluations (2L, counted), and checks
the claim. Timings vary with load, so this is a benchmark, not a test.

    python benchmarks/bench_backprop_vs_nudging.py
"""

import numpy as np

from bp_helpers.backprop_vs_nudging import layer_evaluations, time_gradients

LENGTHS = np.array([2, 4, 8, 16, 32, 64])  # the lesson's


def main():
    backprop, nudging = time_gradients(LENGTHS, seed=0)
    counted_backprop, counted_nudging = layer_evaluations(LENGTHS)
    print(f"{'L':>4} {'backprop s':>11} {'nudging s':>11} {'gap (x)':>9} {'counted (x)':>12}")
    for L, b, n, cb, cn in zip(LENGTHS, backprop, nudging, counted_backprop, counted_nudging,
                               strict=True):
        print(f"{L:4d} {b:11.2e} {n:11.2e} {n / b:9.1f} {cn / cb:12.0f}")
    gap = nudging / backprop
    slower = bool(np.all(gap > 1))
    widens = bool(gap[-1] > gap[0])
    print(f"nudging slower at every length: {slower}; gap widens from L={LENGTHS[0]} to "
          f"L={LENGTHS[-1]}: {widens} ({gap[0]:.1f}x -> {gap[-1]:.1f}x)")
    print("the lesson's claim", "holds" if slower and widens else "DOES NOT HOLD", "here")


if __name__ == "__main__":
    main()
