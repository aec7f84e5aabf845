"""Kernel time of one slider update, per panel, against a full redraw.

For each panel, a slider steps back and forth; one update is the panel's
logic, its readouts, its artists updated in place, and the render of the
changed figure and its PNG (what the kernel sends to the browser). The reference, measured
in the same run, is the approach we avoided: drawing the same plots into a
fresh figure and encoding a PNG, as an Output widget would on every step.
Target: under 50 ms per update on the 2-core machine.

    python benchmarks/bench_panels.py
"""

import io

import numpy as np
from matplotlib.figure import Figure
from timing import median_ms

from bp_helpers.panels import ChainPanel, NudgePanel, NudgeState, nudge_result

TARGET_MS = 50.0


def slider_step(slider, values):
    """One update: the slider moves and the panel redraws what changed (blitting)."""

    def step(i):
        slider.value = values[i % len(values)]

    return step


def redraw_from_scratch(i):
    """The reference: the nudge panel's two plots, drawn anew and encoded as PNG."""
    r = nudge_result(NudgeState(w=1.0 + 0.01 * (i % 2)))
    fig = Figure(figsize=(9.0, 3.2), layout="constrained")
    ax_cost, ax_error = fig.subplots(1, 2)
    ax_cost.plot(r.curve_x, r.curve_C)
    ax_cost.plot(r.curve_x, r.tangent_C, "--")
    ax_error.loglog(r.deltas, r.errors, ".-")
    fig.savefig(io.BytesIO(), format="png")


def main():
    reference = median_ms(redraw_from_scratch, repeats=15)
    nudge_panel, chain_panel = NudgePanel(), ChainPanel()
    rows = [
        ("nudge panel: w slider", slider_step(nudge_panel.sliders["w"],
                                              np.linspace(-1, 1, 7))),
        ("nudge panel: Δ slider", slider_step(nudge_panel.sliders["delta"],
                                              [1e-1, 1e-4, 1e-8])),
        ("nudge panel: b slider", slider_step(nudge_panel.sliders["b"],
                                              np.linspace(-1, 1, 7))),
        ("nudge panel: wrt toggle (axes change)", slider_step(nudge_panel.wrt,
                                                              ["w", "b", "a_prev"])),
        ("chain panel: w(1) slider", slider_step(chain_panel.w_sliders[0],
                                                 np.linspace(-2, 2, 7))),
    ]
    print(f"reference, full redraw to PNG: {reference:6.1f} ms per update")
    for name, step in rows:
        ms = median_ms(step, repeats=40)
        if "slider" in name:
            verdict = ("meets" if ms < TARGET_MS else "MISSES") + f" the {TARGET_MS:.0f} ms target"
        else:
            verdict = "(a toggle, redrawing the axes: the slider target does not apply)"
        print(f"{name:38s} {ms:6.1f} ms per update   {reference / ms:4.1f}x faster than the "
              f"reference   {verdict}")


if __name__ == "__main__":
    main()
