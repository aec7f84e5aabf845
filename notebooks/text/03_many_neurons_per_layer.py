# ---
# jupyter:
#   jupytext:
#     formats: ipynb,text//py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 3 · Many neurons per layer
#
# So far every layer had a single neuron. Real layers have many, and every neuron of
# one layer feeds every neuron of the next. You might expect backpropagation to become
# a different, harder algorithm. It does not: the weight derivative keeps its three
# factors, and only one equation is genuinely new. It says that a neuron's activation
# reaches the cost along *several* paths, and that their effects add up.
#
# At the end we write everything with matrices. That is how every deep learning library
# computes it, and you will be able to check each line against the index form.

# %%
# On Google Colab this installs the course's package (once per session) and lets
# Colab draw its widgets; if Colab then offers to restart the session, accept and
# run the lesson from the top. Anywhere else this cell does nothing.
import sys
from importlib.util import find_spec

if "google.colab" in sys.modules:
    if find_spec("bp_helpers") is None:
        # %pip install --quiet "bp_helpers @ git+https://github.com/backprop-hands-on/backprop-hands-on"
    from google.colab import output

    output.enable_custom_widget_manager()

# %%
# %matplotlib inline
import numpy as np

from bp_helpers import backprop_loops, check_gradients, in_notation
from bp_helpers.panels import PathsPanel, example_network
from bp_helpers.plots import gradient_check_heatmap, network_and_matrix
from bp_helpers.questions import lesson3

# %% [markdown]
# ## The notation
#
# Two indices name the neurons: $k$ runs over layer $L-1$ and $j$ over layer $L$. Neuron
# $j$ of layer $L$ adds up what every neuron $k$ sends it:
#
# $$z_j^{(L)} = \sum_k w_{jk}^{(L)}\, a_k^{(L-1)} + b_j^{(L)}, \qquad
#   a_j^{(L)} = \sigma\big(z_j^{(L)}\big), \qquad
#   C_0 = \sum_j \big(a_j^{(L)} - y_j\big)^2 .$$
#
# Read $w_{jk}$ as "the weight *to* neuron $j$ *from* neuron $k$". The order looks
# backwards at first, but it is what makes the matrix form work: all the weights into
# layer $L$ form a matrix $W^{(L)}$ with **row $j$** for the receiving neuron and
# **column $k$** for the sending one, and then $z^{(L)} = W^{(L)} a^{(L-1)} + b^{(L)}$ is a
# single matrix-vector product.
#
# Our example network has 3 inputs, 4 hidden neurons and 2 outputs (a "3-4-2"
# network). On the left, each edge is drawn by its weight: thicker for larger $|w|$,
# blue for positive, red for negative. On the right is $W^{(2)}$, the weights into the
# output layer: row 0 holds the four edges that end at output neuron 0.

# %%
network, x, y = example_network()
network_and_matrix(network.W)

# %%
for l, (W, b) in enumerate(zip(network.W, network.b), start=1):
    print(f"W({l}) has shape {W.shape} (n_{l} rows, n_{l - 1} columns);  "
          f"b({l}) has shape {b.shape}")

# %% [markdown]
# In code, `network.W[l - 1][j, k]` is $w_{jk}^{(l)}$. Let us run our example
# $x = (0.9, 0.2, 0.6)$, with target $y = (1, 0)$, through it:

# %%
forward = network.forward(x)
for l, a in enumerate(forward.activations):
    print(f"a({l}) = {np.round(a, 4)}")
print(f"C0 = {network.cost(x, y):.4f}")

# %% [markdown]
# ## The weight derivative keeps its three factors
#
# The weight $w_{jk}^{(L)}$ enters exactly one weighted input, $z_j^{(L)}$, and
# $z_j^{(L)}$ feeds exactly one activation, $a_j^{(L)}$. So its path to the cost is a
# single chain, and lesson 1's formula carries over with indices attached:
#
# $$\frac{\partial C_0}{\partial w_{jk}^{(L)}} = a_k^{(L-1)}\;\sigma'\big(z_j^{(L)}\big)\;
#   2\big(a_j^{(L)} - y_j\big).$$
#
# Here is the derivative for $w_{10}^{(2)}$ (to output neuron 1, from hidden neuron 0),
# once from the formula and once from `network.backprop`:

# %%

lesson3.weight_derivative(network, x, y, j=1, k=0)

# %%
j, k = 1, 0
a_prev, z, a = forward.activations[1], forward.zs[1], forward.activations[2]
sigma_prime = network.activation.df
by_formula = a_prev[k] * sigma_prime(z[j]) * 2 * (a[j] - y[j])
by_backprop = network.backprop(x, y).dC_dW[1][j, k]
print(f"formula: {by_formula:.6f}   backprop: {by_backprop:.6f}")

# %% [markdown]
# ## The one new equation: summing over paths
#
# The activation $a_k^{(L-1)}$ is different. It feeds *every* neuron of layer $L$: a
# nudge to it changes $z_0^{(L)}$, $z_1^{(L)}$, and all the others, and each of those
# changes the cost. The chain rule adds up the effects of all these paths:
#
# $$\frac{\partial C_0}{\partial a_k^{(L-1)}} = \sum_{j}\; w_{jk}^{(L)}\;
#   \sigma'\big(z_j^{(L)}\big)\; 2\big(a_j^{(L)} - y_j\big).$$
#
# Each term is one path, $k \to j \to C_0$, and is the familiar product of local
# derivatives along it. This is the only truly new idea of the lesson. Further back the
# paths branch again: from an input neuron there is one path through every hidden
# neuron *and* every output neuron, $4 \times 2 = 8$ of them in our network.

# %% [markdown]
# ## The paths panel
#
# Pick a layer and a neuron $k$. The diagram highlights every path from it to the cost,
# and the bars show each path's product of $w\,\sigma'$ factors times the final error.
# **Each path's factors** opens the same products written out, one factor at a time: a
# weight and a $\sigma'$ for every layer the path crosses, then $2(a_j - y_j)$. Check
# one by hand. The orange bar is their sum; the dashed line is what backprop computes for
# $\partial C_0/\partial a_k$. They agree exactly. The readouts add a third opinion:
# nudge $a_k$ by $\Delta$, run the rest of the network forward, and measure the change
# in cost.
#
# Things to try:
#
# 1. In layer 1, two neurons have paths that pull in opposite directions (a positive and
#    a negative bar). Find them. For which of the two do the paths cancel more?
# 2. In layer 0, count the paths: 8 per input neuron. In a network with 16-neuron
#    hidden layers, as in lesson 5, an input pixel reaches the cost by
#    $16 \times 16 \times 10 = 2560$ paths.
# 3. Make $\Delta$ large (0.5 or 1). The measured change drifts away from the prediction;
#    shrink it again and they meet.

# %%
lesson3.path_sign(network, x, y, layer=1, k=0, j=0)

# %%
PathsPanel()

# %% [markdown]
# <details><summary>What you should see</summary>
#
# 1. Neurons 1 and 3. Neuron 1's paths are $+0.241$ and $-0.105$, total $0.136$; neuron
#    3's are $+0.141$ and $-0.088$, total $0.053$. Neuron 3's cancel more: its total is less
#    than 40% of its larger path (neuron 1's keeps more than half). Neurons 0 and 2 have
#    two positive paths, and their totals are larger than either.
# 2. Every input neuron shows 8 bars, one for each hidden neuron times each output neuron,
#    and their sum meets the dashed line.
# 3. For neuron 0 of layer 1 the ratio measured/predicted is about $0.954$ at
#    $\Delta = 1$ and $0.987$ at $\Delta = 0.5$; at $\Delta = 10^{-3}$ it is $0.99999$.
#
# </details>

# %% [markdown]
# Adding up 2,560 paths for every pixel would be hopeless. Backprop never does: it sums
# over $j$ *one layer at a time*. It first finds $\partial C_0/\partial a_j$ for every
# neuron of layer $L-1$ (a short sum each), then reuses those numbers for layer $L-2$,
# and so on. The sum over all paths is still what it computes, but each partial sum is
# done once and shared. That bookkeeping is what makes backpropagation fast.

# %% [markdown]
# ## The matrix form
#
# Give every neuron's $\partial C_0/\partial z_j$ a name, its *error*
# $\delta_j^{(l)} = \frac{\partial C_0}{\partial z_j^{(l)}}$ (Nielsen's symbol, as in
# lesson 2), and collect the errors of a
# layer into a vector $\delta^{(l)}$. The index equations become four lines of matrix
# algebra ($\odot$ multiplies entry by entry, and $\nabla_a C_0$ is the vector of the
# output layer's $\partial C_0/\partial a_j^{(L)}$, here $2(a^{(L)} - y)$):
#
# | index form | matrix form |
# |---|---|
# | $\delta_j^{(L)} = 2\big(a_j^{(L)} - y_j\big)\,\sigma'\big(z_j^{(L)}\big)$ | $\delta^{(L)} = \nabla_a C_0 \odot \sigma'\big(z^{(L)}\big)$ |
# | $\delta_k^{(l)} = \Big(\sum_j w_{jk}^{(l+1)}\,\delta_j^{(l+1)}\Big)\,\sigma'\big(z_k^{(l)}\big)$ | $\delta^{(l)} = \big(W^{(l+1)\top} \delta^{(l+1)}\big) \odot \sigma'\big(z^{(l)}\big)$ |
# | $\partial C_0/\partial w_{jk}^{(l)} = \delta_j^{(l)}\, a_k^{(l-1)}$ | $\partial C_0/\partial W^{(l)} = \delta^{(l)}\, a^{(l-1)\top}$ |
# | $\partial C_0/\partial b_j^{(l)} = \delta_j^{(l)}$ | $\partial C_0/\partial b^{(l)} = \delta^{(l)}$ |
#
# The second row is the path sum, one layer at a time: summing $w_{jk}\,\delta_j$ over
# $j$ means running down *column* $k$ of $W$, which is row $k$ of $W^\top$. So the
# transpose appears precisely because the signal now flows backward, from $j$ to $k$.
# The third row is an outer product: the entry in row $j$, column $k$ is
# $\delta_j a_k$, the three-factor formula again.
#
# bp_helpers has both forms, and this is the code that runs, read from bp_helpers itself
# with `inspect.getsource` (not a copy). `network.backprop` runs the matrix form over a
# whole batch at once: equation (1) gives $\delta^{(L)}$, and `backward` is the matrix
# column of the table in a short loop, `error_back`, `weight_gradient` and
# `bias_gradient` being its second, third and fourth rows (examples are rows of a batch,
# so $W^{(l+1)\top}\delta^{(l+1)}$ is written `delta @ W`):

# %%
from bp_helpers.display import show_source
from bp_helpers.network import backward

show_source(network.backprop, backward)

# %% [markdown]
# `backprop_loops` loops over examples, $j$ and $k$ exactly as the index column reads,
# calling the same four equations on one neuron or one weight at a time:

# %%
show_source(backprop_loops)

# %% [markdown]
# On a batch of five random examples the two forms agree to the last digits that floating
# point keeps:

# %%
rng = np.random.default_rng(0)
X_batch, Y_batch = rng.uniform(0, 1, (5, 3)), rng.uniform(0, 1, (5, 2))
dC_dW, dC_db = network.backprop(X_batch, Y_batch)
dC_dW_loops, dC_db_loops = backprop_loops(network, X_batch, Y_batch)
pairs = zip(dC_dW + dC_db, dC_dW_loops + dC_db_loops)
print("agree to 1e-12:", all(np.allclose(a, b, rtol=0, atol=1e-12) for a, b in pairs))

# %% [markdown]
# ### Derivation: the bias gradient with many neurons
#
# The bias $b_j^{(l)}$ enters a single weighted input,
# $z_j^{(l)} = \sum_k w_{jk}^{(l)} a_k^{(l-1)} + b_j^{(l)}$, and
# $\partial z_j^{(l)}/\partial b_j^{(l)} = 1$. So every path from $b_j^{(l)}$ to the cost
# starts with the same single step, $b_j \to z_j$, and the sum over all the paths after
# it is $\partial C_0/\partial z_j^{(l)} = \delta_j^{(l)}$:
#
# $$\frac{\partial C_0}{\partial b_j^{(l)}} = 1 \cdot \delta_j^{(l)}.$$
#
# In a hidden layer ($l < L$), the matrix form's second row gives that $\delta$. Written
# for neuron $k$ of layer $l$, which sends to every neuron $j$ of layer $l+1$ (as always,
# $w_{jk}$ goes to $j$ and comes from $k$):
#
# $$\frac{\partial C_0}{\partial b_k^{(l)}} = \delta_k^{(l)}
#   = \sigma'\big(z_k^{(l)}\big) \sum_j w_{jk}^{(l+1)}\,\delta_j^{(l+1)}
#   \qquad (l < L).$$
#
# A hidden neuron's bias collects the errors of every neuron it feeds, each weighted by
# the connection to it. For the hidden layer of our network: the formula, backprop, and a
# central difference that nudges each of the four biases in turn.

# %%
from bp_helpers.equations import error_back, output_error
from bp_helpers.gradcheck import numerical_gradient

g = network.backprop(x, y)
delta_out = output_error(2 * (g.activations[2] - y), g.zs[1], sigma_prime)
by_formula = error_back(network.W[1], delta_out, g.zs[0], sigma_prime)  # = dC0/db(1)
(by_nudging,) = numerical_gradient(lambda: network.cost(x, y), [network.b[0]], h=1e-6)
print("formula: ", np.round(by_formula, 6))
print("backprop:", np.round(g.dC_db[0], 6))
print("nudging: ", np.round(by_nudging, 6))

# %% [markdown]
# ## Checking every parameter
#
# The honest test of any backprop is to nudge every single parameter and compare. Our
# network has $4 \cdot 3 + 4 + 2 \cdot 4 + 2 = 26$ of them. `check_gradients` does this
# with central differences and reports the relative error of each one: around $10^{-7}$
# or less means agreement, $10^{-2}$ means a bug.

# %%
# NBVAL_IGNORE_OUTPUT
# (round-off-sized errors: their digits vary with the machine)
report = check_gradients(network, X_batch, Y_batch)
print(report)

# %% [markdown]
# What does a bug look like? Here the most common mistake of all, forgetting the factor
# $\sigma'(z^{(L)})$ in the output layer's error, is grafted onto layer 2's gradients
# alone: layer 1's gradients still come from the true errors. The heat map shows the
# relative error of every weight and bias, layer by layer; layer 2 lights up, while
# layer 1 stays pale.

# %%
from bp_helpers.equations import bias_gradient, weight_gradient


def forgot_sigma_prime(network, X, Y):
    """Backprop with a classic bug: delta(L) = 2(a - y), without the factor σ'(z(L))."""
    g = network.backprop(X, Y)
    delta_L = 2 * (g.activations[-1] - Y)  # should be output_error(2(a - y), z, σ')
    dC_dW_L = weight_gradient(delta_L, g.activations[-2])
    return g.dC_dW[:-1] + [dC_dW_L], g.dC_db[:-1] + [bias_gradient(delta_L)]


broken = check_gradients(network, X_batch, Y_batch, backprop=forgot_sigma_prime)
print(f"passed: {broken.ok};  worst error {broken.worst:.1f} at {in_notation(broken.worst_at)}")
gradient_check_heatmap(broken)

# %% [markdown]
# That pale layer 1 is the graft's, not the bug's. A backprop that really forgets
# $\sigma'$ also passes its wrong $\delta^{(L)}$ back to layer 1, and then layer 1 lights
# up too: a mistake in $\delta^{(L)}$ spreads to every layer below it. Lesson 6's bug zoo
# shows that pattern, and the patterns of nine other mistakes.

# %% [markdown]
# ## Summary
#
# * With many neurons per layer, $z_j^{(L)} = \sum_k w_{jk}^{(L)} a_k^{(L-1)} + b_j^{(L)}$;
#   $w_{jk}$ goes *to* neuron $j$ *from* neuron $k$ and sits at row $j$, column $k$ of
#   $W^{(L)}$.
# * A weight touches one neuron, so its derivative keeps the three factors
#   $a_k^{(L-1)}\,\sigma'(z_j^{(L)})\,2(a_j^{(L)} - y_j)$.
# * An activation touches every neuron of the next layer, so its derivative sums over
#   them: $\partial C_0/\partial a_k^{(L-1)} = \sum_j w_{jk}\,\sigma'(z_j)\,2(a_j - y_j)$,
#   one term per path.
# * In matrix form: $\delta^{(L)} = \nabla_a C_0 \odot \sigma'(z^{(L)})$,
#   $\delta^{(l)} = (W^{(l+1)\top}\delta^{(l+1)}) \odot \sigma'(z^{(l)})$,
#   $\partial C_0/\partial W^{(l)} = \delta^{(l)} a^{(l-1)\top}$,
#   $\partial C_0/\partial b^{(l)} = \delta^{(l)}$.
# * A gradient check nudges every parameter; a heat map of its errors points at a bug.

# %% [markdown]
# ## Exercises
#
# **1. The path sum.** Write $\partial C_0/\partial a_k^{(L-1)}$ for the last layer as a
# plain loop over $j$. You get the weight matrix `W` (shape `(n_L, n_{L-1})`), the
# output layer's weighted inputs `z` and activations `a`, the target `y`, and `k`.
# `sigma_prime` is the sigmoid's slope. Each check says what is right or wrong; after your
# first attempt it also offers a worked solution, with the reasoning.

# %%
def my_dC_da_k(W, z, a, y, k):
    raise NotImplementedError


cases = [dict(W=network.W[1], z=forward.zs[1], a=forward.activations[2], y=y, k=k)
         for k in range(4)]
lesson3.exercise("dC_da_k").grade(my_dC_da_k, cases)

# %% [markdown]
# **2. The matrix form.** Given `W_next` $= W^{(l+1)}$, `delta_next` $= \delta^{(l+1)}$
# and `z` $= z^{(l)}$ for one example, return $\delta^{(l)}$, in one line, without loops.

# %%
def my_delta(W_next, delta_next, z):
    raise NotImplementedError


g = network.backprop(x, y)
cases = [dict(W_next=network.W[1], delta_next=g.deltas[1], z=g.zs[0])]
lesson3.exercise("delta").grade(my_delta, cases)

# %% [markdown]
# **3. Reading a weight matrix.**

# %%
lesson3.quiz("weight_index")
