"""Static figures for the lessons, one module per kind.

Every function returns a matplotlib Figure that pyplot does not track, so a
notebook cell shows it exactly once (as an inline PNG, readable without a
kernel) and nothing accumulates in memory. Live figures belong to panels.
"""

from bp_helpers.plots.descent import (
    descent_paths,
    learning_rate_paths,
    slice_contours,
    training_curves,
)
from bp_helpers.plots.gradients import (
    backprop_vs_nudging_plot,
    gradient_check_heatmap,
    gradient_per_layer,
)
from bp_helpers.plots.graphs import (
    chain_graph,
    computation_tree,
    draw_graph,
    draw_matrix,
    draw_network,
    network_and_matrix,
)

__all__ = [
    "backprop_vs_nudging_plot",
    "chain_graph",
    "computation_tree",
    "descent_paths",
    "draw_graph",
    "draw_matrix",
    "draw_network",
    "gradient_check_heatmap",
    "gradient_per_layer",
    "learning_rate_paths",
    "network_and_matrix",
    "slice_contours",
    "training_curves",
]
