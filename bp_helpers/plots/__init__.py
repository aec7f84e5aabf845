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
from bp_helpers.plots.mnist import (
    confusion_plot,
    cost_every_steps,
    first_layer_weights,
    gradient_sizes_plot,
    learning_curves,
    misclassified_gallery,
    neuron_weights,
    sample_digits,
)

__all__ = [
    "backprop_vs_nudging_plot",
    "chain_graph",
    "computation_tree",
    "confusion_plot",
    "cost_every_steps",
    "descent_paths",
    "draw_graph",
    "draw_matrix",
    "draw_network",
    "first_layer_weights",
    "gradient_check_heatmap",
    "gradient_per_layer",
    "gradient_sizes_plot",
    "learning_curves",
    "learning_rate_paths",
    "misclassified_gallery",
    "network_and_matrix",
    "neuron_weights",
    "sample_digits",
    "slice_contours",
    "training_curves",
]
