"""Kernel time of one update of lesson 4's descent panel, per batch size.

An update reruns mini-batch SGD on the slice and on the whole network
(training.sgd), 5 epochs each, and redraws; the full-batch runs are cached
per learning rate, so they are not redone (here they come from the cache). The
sliders use continuous_update=False, so an update happens when the learner
lets go; the target is to answer within half a second on the 2-core machine.
The reference, measured in the same run, is one epoch of training.sgd with
batch size 10 on the same digits.

    python benchmarks/bench_descent_panel.py
"""


from timing import median_ms

from bp_helpers.descent import lesson_setup, train_run
from bp_helpers.panels import DescentPanel

TARGET_MS = 500.0


def main():
    setup = lesson_setup()
    reference = median_ms(lambda i: train_run(setup.X, setup.y, 10, 3.0, 1), repeats=5,
                          warmups=1)
    print(f"reference, one epoch of training.sgd at B = 10: {reference:6.1f} ms")
    panel = DescentPanel()
    for B in (1, 3, 10, 100, setup.n):
        panel.batch_size.value = B
        def step(i):
            panel.lr.value = (3.0, 3.1)[i % 2]  # one update; full batch comes from the cache

        ms = median_ms(step, repeats=5, warmups=1)
        verdict = "meets" if ms < TARGET_MS else "MISSES"
        print(f"batch size {B:5}: {ms:6.1f} ms per update ({ms / reference:5.1f} reference "
              f"epochs)   {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
