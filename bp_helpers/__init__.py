"""bp_helpers: the math, data, plots and widgets behind *Backprop, hands-on*.

Every lesson imports this package; the notebooks only hold narrative, formulas
and a few calls into it, so everything a lesson shows can be tested without a
browser.

Notation (the lessons' own)
---------------------------
``a_prev`` is a(L-1), the activation feeding layer L; ``w``, ``b`` are that
layer's weight(s) and bias(es); ``z = w a_prev + b``; ``a = sigma(z)``;
``y`` is the target; ``C0`` the cost of one example; ``delta = dC/dz``;
``dC_dw``, ``dC_db``, ``dC_da`` are partial derivatives of the cost.

Layers and indices
------------------
Layer 0 is the input, layers 1..L compute. In code, per-layer lists are
0-based: ``W[l - 1]`` and ``b[l - 1]`` belong to layer l, while activations
keep their layer number, ``a[0] = x`` ... ``a[L]`` (one more entry than
there are layers). ``W[l - 1][j, k]`` connects neuron k of layer l-1 to
neuron j of layer l, so a weight matrix has shape ``(n_l, n_{l-1})``:
row j = *to* neuron j, column k = *from* neuron k.

Batch layout (fixed for the whole package)
------------------------------------------
**Examples are rows.** A single example is a 1-D vector of shape ``(n,)``;
a batch of m examples is a 2-D array of shape ``(m, n)``, the way datasets
are stored. For one example ``z = W @ a_prev + b``; for a batch
``Z = A_prev @ W.T + b``, the same equation applied to every row.
The one exception is internal to training: ``bp_helpers.fast_trainer`` keeps its
buffers with examples as columns, for speed (its docstring says why); what
goes in and comes out of it is rows, like everywhere else.

Randomness
----------
Everything random takes a ``seed`` (int) or a ``numpy.random.Generator``, so
every lesson gives the same numbers on every run.

The package's face
------------------
What the lessons call is importable from here, from ``bp_helpers.panels`` (the live
widgets) and from ``bp_helpers.plots`` (the static figures), so a lesson's imports
fit in a few lines; each name still lives in the one module that defines it.
"""

__version__ = "0.1.0"

from bp_helpers.activations import relu_prime, sigmoid, sigmoid_prime
from bp_helpers.backprop_vs_nudging import layer_evaluations, time_gradients
from bp_helpers.data import load_digits, load_mnist
from bp_helpers.display import say
from bp_helpers.gradcheck import check_gradients, in_notation
from bp_helpers.network import Network, one_hot
from bp_helpers.network_loops import backprop_loops
from bp_helpers.recipes import RECIPES, train_or_load
from bp_helpers.training import History, sgd

__all__ = [
    "RECIPES",
    "History",
    "Network",
    "backprop_loops",
    "check_gradients",
    "in_notation",
    "layer_evaluations",
    "load_digits",
    "load_mnist",
    "one_hot",
    "relu_prime",
    "say",
    "sgd",
    "sigmoid",
    "sigmoid_prime",
    "time_gradients",
    "train_or_load",
]
