"""Lesson 4: gradient descent on the full cost, with all examples or with mini-batches.

The cost a network is trained on is the average of the per-example costs over
the n training examples, C = (1/n) sum_k C_k. Differentiation is linear, so
its gradient is the average of the per-example gradients. The course speaks
of what an example "wishes": the change -dC_k/dw it asks of every weight
(the videos' "desired nudges"); the wished change of the whole cost, -dC/dw,
is the average wish. A gradient-descent step moves every parameter by lr
times that wish: w <- w - lr dC/dw.

Full-batch gradient descent (GD) averages all n wishes before each step; mini-batch
stochastic gradient descent (SGD) averages the wishes of B random examples and
steps at once, so one pass over the data (an epoch) makes ceil(n/B) steps.

One concept per module:

- gradient: the full cost's gradient, per example and as one vector, and one step;
- cost_slice: `CostSlice` freezes every parameter of a network but two, the
  weight w = W[L-1][j, k] and the bias b = b[L-1][j], so the full cost over
  (w, b) is a landscape to draw as contours; `descend` walks it either way;
- runs: `train_run` trains a whole network with bp_helpers.training.sgd, for
  comparison, and says what went wrong if training stopped;
- setup: the lesson's network, where its slice lies, and the digits every run reads.
"""

from bp_helpers.descent.cost_slice import CostSlice, DescentPath, descend
from bp_helpers.descent.gradient import (
    GradientVector,
    gradient_step,
    gradient_vector,
    parameter_vector,
    per_example_gradients,
)
from bp_helpers.descent.runs import (
    PLATEAU,
    SATURATED,
    TrainingRun,
    same_output_cost,
    saturated_neurons,
    train_run,
)
from bp_helpers.descent.setup import (
    HIDDEN_K,
    OUTPUT_J,
    SIZES,
    START,
    WINDOW,
    DescentSetup,
    head_start,
    lesson_setup,
)

__all__ = [
    "HIDDEN_K",
    "OUTPUT_J",
    "PLATEAU",
    "SATURATED",
    "SIZES",
    "START",
    "WINDOW",
    "CostSlice",
    "DescentPath",
    "DescentSetup",
    "GradientVector",
    "TrainingRun",
    "descend",
    "gradient_step",
    "gradient_vector",
    "head_start",
    "lesson_setup",
    "parameter_vector",
    "per_example_gradients",
    "same_output_cost",
    "saturated_neurons",
    "train_run",
]
