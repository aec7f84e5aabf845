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
# # Lesson 2 · A chain of layers
#
# In lesson 1 the cost depended on one weight through one neuron. Real networks stack
# layers, and the weights of the *first* layer influence the cost only through every
# layer after it. How do we find their derivatives without starting from scratch for
# each one?
#
# The answer is the heart of backpropagation: the derivative with respect to a layer's
# *input*, $\partial C_0/\partial a^{(L-1)}$, is exactly where the same three-factor
# step for the previous layer begins. Compute it once, pass it back, repeat.

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

from bp_helpers import chain, layer_evaluations, sigmoid, sigmoid_prime, time_gradients
from bp_helpers.panels import ChainPanel
from bp_helpers.plots import backprop_vs_nudging_plot, chain_graph, gradient_per_layer
from bp_helpers.questions import lesson2

# %% [markdown]
# ## The chain
#
# Still one neuron per layer, but now three layers: the input $x = a^{(0)}$ feeds
# $a^{(1)}$, which feeds $a^{(2)}$, which feeds $a^{(3)}$, and the cost of the example
# is $C_0 = \big(a^{(3)} - y\big)^2$. Every layer $l$ does the same thing:
#
# $$z^{(l)} = w^{(l)} a^{(l-1)} + b^{(l)}, \qquad a^{(l)} = \sigma\big(z^{(l)}\big).$$
#
# Three weights and three biases: six parameters.

# %%
chain_graph(L=3)

# %%
w, b, x, y = [1.5, -2.0, 2.5], [0.5, 1.0, -1.0], 1.0, 1.0
fwd = chain.forward(w, b, x, y)
print("a(0..3) =", np.round(fwd.a, 4), "  C0 =", round(fwd.C0, 4))

# %% [markdown]
# In code, `w[0]` is $w^{(1)}$ (lists count from 0, layers from 1), while `a[l]` is
# $a^{(l)}$ with `a[0]` the input $x$. Everything that belongs to a layer's parameters
# counts like `w`: layer $l$'s `delta[l - 1]`, `dC_dw[l - 1]` and `sigma_prime[l - 1]`.
# Everything that belongs to an activation counts like `a`: `dC_da[l]` is
# $\partial C_0/\partial a^{(l)}$, and `dC_da[0]` is $\partial C_0/\partial x$. That is
# why `dC_da[l]` and `delta[l - 1]` sit side by side below: both are layer $l$'s.

# %% [markdown]
# ## Propagating backward
#
# For the last layer nothing is new. With $\delta^{(3)} = \frac{\partial C_0}{\partial z^{(3)}}
# = 2\big(a^{(3)} - y\big)\,\sigma'\big(z^{(3)}\big)$ (the letter $\delta$ is Michael
# Nielsen's, not the videos': see the table below), lesson 1 gives
#
# $$\frac{\partial C_0}{\partial w^{(3)}} = a^{(2)}\,\delta^{(3)}, \qquad
#   \frac{\partial C_0}{\partial b^{(3)}} = \delta^{(3)}, \qquad
#   \frac{\partial C_0}{\partial a^{(2)}} = w^{(3)}\,\delta^{(3)}.$$
#
# Now look at layer 2. Its weight reaches the cost through $z^{(2)} \to a^{(2)} \to
# \dots \to C_0$, so
#
# $$\frac{\partial C_0}{\partial w^{(2)}} = a^{(1)}\;\sigma'\big(z^{(2)}\big)\;
#   \frac{\partial C_0}{\partial a^{(2)}}.$$
#
# It is the *same* three-factor product, with $\frac{\partial C_0}{\partial a^{(2)}}$
# playing the role that $2(a - y)$ played at the end of the chain. And we have just
# computed it. So the whole backward pass is one step, repeated from the last layer
# to the first:
#
# $$
# \delta^{(l)} = \frac{\partial C_0}{\partial a^{(l)}}\,\sigma'\big(z^{(l)}\big), \quad
# \frac{\partial C_0}{\partial w^{(l)}} = a^{(l-1)}\,\delta^{(l)}, \quad
# \frac{\partial C_0}{\partial b^{(l)}} = \delta^{(l)}, \quad
# \frac{\partial C_0}{\partial a^{(l-1)}} = w^{(l)}\,\delta^{(l)},
# $$
#
# starting from $\frac{\partial C_0}{\partial a^{(3)}} = 2\big(a^{(3)} - y\big)$. Here it
# is, layer by layer, on our chain:

# %%

lesson2.first_weight_sign(w, b, x, y)

# %%
g = chain.backward(w, b, x, y)
for l in [3, 2, 1]:
    print(f"layer {l}:  ∂C0/∂a({l}) = {g.dC_da[l]:+.4f}   σ'(z({l})) = {g.sigma_prime[l - 1]:.4f}"
          f"   δ({l}) = {g.delta[l - 1]:+.4f}   ∂C0/∂w({l}) = {g.dC_dw[l - 1]:+.4f}"
          f"   → ∂C0/∂a({l - 1}) = {g.dC_da[l - 1]:+.4f}")

# %% [markdown]
# Read the last column of each row and the first column of the next: what layer $l$
# hands back, $\partial C_0/\partial a^{(l-1)}$, is what layer $l-1$ starts from. Each
# step needs only numbers that the forward pass already stored ($a^{(l-1)}$ and
# $z^{(l)}$) and the one number handed back from above.

# %% [markdown]
# `chain.backward` is nothing more than that step in a loop. This is the code that runs,
# read from bp_helpers itself with `inspect.getsource` (not a copy). The loop from $L$ down
# to 1 is the step above; the rest checks the inputs and returns every number it found.

# %%
from bp_helpers.display import show_source

show_source(chain.backward)

# %% [markdown]
# ### Derivation: $\partial C_0/\partial a^{(L-2)}$, the recursion's next step
#
# Here $L = 3$, so $a^{(L-2)} = a^{(1)}$. It reaches the cost only through
# $z^{(L-1)} = w^{(L-1)} a^{(L-2)} + b^{(L-1)}$, so
#
# $$\frac{\partial C_0}{\partial a^{(L-2)}}
#   = \frac{\partial z^{(L-1)}}{\partial a^{(L-2)}}\,
#     \frac{\partial a^{(L-1)}}{\partial z^{(L-1)}}\,
#     \frac{\partial C_0}{\partial a^{(L-1)}}
#   = w^{(L-1)}\,\sigma'\big(z^{(L-1)}\big)\,\frac{\partial C_0}{\partial a^{(L-1)}} .$$
#
# The last factor is what layer $L$ handed back,
# $w^{(L)}\,\sigma'\big(z^{(L)}\big)\,2\big(a^{(L)} - y\big)$. Substituting it,
#
# $$\frac{\partial C_0}{\partial a^{(L-2)}} = w^{(L-1)}\,\sigma'\big(z^{(L-1)}\big)\;
#   w^{(L)}\,\sigma'\big(z^{(L)}\big)\; 2\big(a^{(L)} - y\big):$$
#
# one more $w\,\sigma'$ factor per layer, which is the whole recursion. To check it,
# nudge $a^{(1)}$ itself and run the rest of the network (layers 2 and 3, a chain of its
# own with input $a^{(1)}$) forward again:

# %%
from bp_helpers.gradcheck import difference_quotient

run = chain.forward(w, b, x, y)
by_formula = (w[1] * sigmoid_prime(run.z[1]) * w[2] * sigmoid_prime(run.z[2])
              * 2 * (run.a[3] - y))
by_backprop = chain.backward(w, b, x, y).dC_da[1]
by_nudging = difference_quotient(lambda a1: chain.cost(w[1:], b[1:], a1, y), run.a[1], h=1e-6)
print(f"formula {by_formula:+.6f}   backprop {by_backprop:+.6f}   nudging {by_nudging:+.6f}")

# %% [markdown]
# ## The chain, step by step
#
# The same backward pass, one number at a time, and this time you compute each one first:
# type it into **your next number** and press **check ▶** (**step ▶** just shows it).
# The steps first run the chain forward, filling in each node's value from left to right;
# then they run backward, from the cost
# to the input, filling in each node's $\partial C_0/\partial(\text{node})$ as the local
# derivative on an arrow times the derivative already found at its head. Watch the
# addition $z = w\,a + b$ pass the gradient on unchanged to $b$ ($\partial z/\partial b = 1$),
# and the multiplication $w\,a$ hand $w$ the value of $a$ and $a$ the value of $w$. The
# last number, $\partial C_0/\partial a^{(0)}$, is what a layer before this chain would
# start from.

# %%
from bp_helpers.panels.graph import GraphPanel, GraphState

GraphPanel(GraphState(w=tuple(w), b=tuple(b), x=x, y=y))

# %% [markdown]
# ### Three notations, one quantity
#
# The videos never name $\partial C_0/\partial z^{(l)}$; they write out its factors
# each time. Michael Nielsen's book *Neural Networks and Deep Learning* (chapter 2) calls
# it the *error* of the neuron and writes it $\delta$, and so does this course from here
# on. The same quantities in the three places you will meet them:
#
# | quantity | the videos | Nielsen | bp_helpers |
# |---|---|---|---|
# | cost of one example | $C_0 = (a^{(L)} - y)^2$ | $C_x = \tfrac12 (a^L - y)^2$, half of ours | `C0` |
# | activation of layer $l$ | $a^{(l)}$ | $a^l$ | `a[l]` |
# | weight of layer $l$ (to $j$ from $k$) | $w_{jk}^{(l)}$ | $w_{jk}^l$ | `w[l - 1]`, `W[l - 1][j, k]` |
# | $\partial C_0/\partial z^{(l)}$ | $\sigma'(z^{(l)})\,\frac{\partial C_0}{\partial a^{(l)}}$, unnamed | $\delta^l$, half of ours | `delta[l - 1]` |
# | $\partial C_0/\partial w^{(l)}$ | $\frac{\partial C_0}{\partial w^{(l)}}$ | $\frac{\partial C_x}{\partial w^l}$, half of ours | `dC_dw[l - 1]` |
#
# (Lesson 3 explains the indices $j$ and $k$; in a chain each layer has one neuron.)
#
# **The factor 2.** The videos' cost is the plain square, so its derivative brings down
# a 2: $\partial C_0/\partial a^{(L)} = 2(a^{(L)} - y)$. Nielsen's cost carries a
# $\tfrac12$, put there to cancel that 2, so his $\delta^L = (a^L - y)\,\sigma'(z^L)$ is
# half of our $\delta^{(L)}$, and every derivative he computes from it is half of ours
# too. A library's *mean* squared error (PyTorch's `MSELoss`) averages over the outputs
# instead of adding them up: for this chain's one output it is our $C_0$, and for a
# digit's ten outputs it is a tenth of the sum, so its gradients are a tenth of ours. A
# constant factor in the cost scales every derivative by the same factor: the gradient
# points the same way, and only the step a learning rate $\eta$ takes changes in size.

# %% [markdown]
# ## The chain panel
#
# Move any of the eight sliders. The table puts the six derivatives from **one backward
# pass** next to the same six **measured by nudging** each parameter up and down by
# $10^{-6}$, and their relative error. The bars show how large each layer's derivatives
# are.
#
# The error column needs a floor. Two costs computed $10^{-6}$ apart agree in all but
# their last few digits, and floating point keeps only about 16 (its spacing near 1 is
# $\varepsilon \approx 2.2 \times 10^{-16}$). So a nudge measures a derivative only to
# about $\varepsilon\,C_0/10^{-6} \approx 2 \times 10^{-10}$ (for $C_0 \le 1$), whatever its size. Near a derivative of
# $0$, dividing that noise by the derivative itself would report an error of 1 where
# backprop is exactly right. The column therefore divides
# $|\text{backprop} - \text{nudged}|$ by $\max(|\text{backprop}|, |\text{nudged}|,
# \text{floor})$, with the floor ($2.2 \times 10^{-4}$ for $C_0 \le 1$) the size of
# derivative at which that round-off is one part in a million, as lesson 3's gradient
# check does. Anywhere on the sliders the error then stays below $10^{-4}$.
#
# Things to try:
#
# 1. Set $y$ to the output $a^{(3)}$ (read it above the table, $0.45$ to two digits):
#    every derivative nearly vanishes at once.
# 2. Push $w^{(1)}$ to $6$. Layer 1's neuron saturates, and the bars of layer 1 drop.
# 3. Switch to ReLU. With these sliders $z^{(2)} = -3$ and $z^{(3)} = -1$: both neurons
#    are dead and all six derivatives are $0$. Now raise $b^{(3)}$ to $0.5$ and look at
#    layer 3's two derivatives.
# 4. Compare the bars of layer 1 and layer 3 with the sigmoid. Which layer learns faster?

# %%
ChainPanel()

# %% [markdown]
# <details><summary>What you should see</summary>
#
# 1. At $y = 0.45$ every derivative is below $5 \times 10^{-4}$ in size, about 600 times
#    smaller than before, because every one of them carries the factor
#    $2(a^{(3)} - y) \approx -0.002$. The error column still reads $10^{-9}$ or less: the
#    floor keeps the tiny derivatives from looking wrong.
# 2. At $w^{(1)} = 6$, $\partial C_0/\partial w^{(1)}$ falls from $0.031$ to $0.0004$:
#    $z^{(1)} = 6.5$, where $\sigma'$ is about $0.0015$.
# 3. With $b^{(3)} = 0.5$, layer 3 is alive ($z^{(3)} = 0.5$) and learns through its bias,
#    $\partial C_0/\partial b^{(3)} = \delta^{(3)} = -1$, but not through its weight:
#    $\partial C_0/\partial w^{(3)} = a^{(2)}\,\delta^{(3)} = 0$, because the dead neuron
#    below outputs $a^{(2)} = 0$. Layer 2 is dead ($\sigma'(z^{(2)}) = 0$), so its own
#    derivatives are $0$, and so are layer 1's, which reach the cost only through it. Those
#    are the two ways a neuron goes silent: a dead neuron passes no signal back, and a
#    neuron whose output is $0$ gives the weights *after* it nothing to learn from.
# 4. Layer 1's bars are the shortest ($0.031$ each): its signal has been multiplied by
#    $w\,\sigma'$ twice on the way back. Layer 3's bias bar is the tallest ($0.27$), but
#    among the weights layer 2's ($0.13$) beats layer 3's ($0.087$): a weight's derivative
#    also carries its input, and $a^{(2)} = 0.32$ is small. Nearer the output learns faster
#    here, though not strictly layer by layer.
#
# </details>

# %% [markdown]
# ## Vanishing gradients
#
# Unroll the recursion and the derivative for the first layer is a long product:
#
# $$\frac{\partial C_0}{\partial w^{(1)}} = a^{(0)}\,\sigma'\big(z^{(1)}\big)\,
#   w^{(2)}\sigma'\big(z^{(2)}\big) \cdots w^{(L)}\sigma'\big(z^{(L)}\big)\;2\big(a^{(L)}-y\big).$$
#
# The sigmoid's slope is at most $\tfrac14$, so each layer multiplies the signal by
# $|w\,\sigma'(z)| \le |w|/4$. Where $|w| \le 1$ that shrinks it by a factor of 4 or
# more, and eleven such layers by at least $4^{11} \approx 4$ million. Larger weights
# shrink it less, and only a weight above 4 could keep a layer from shrinking it.
# This demo's twelve weights lie between 0.37 and 1.65, so the bound for them is the
# product of their $|w|/4$ from layer 2 on, about one in 9 million. Here they are, with
# their biases, under three activations:

# %%
lesson2.vanishing_powers(*chain.random_chain(12, seed=0))

# %%
w12, b12, x12, y12 = chain.random_chain(12, seed=0)
gradients = {name: chain.backward(w12, b12, x12, y12, name) for name in ["sigmoid", "tanh", "relu"]}
gradient_per_layer(gradients)

# %%
for name, grads in gradients.items():
    first, last = abs(grads.dC_dw[0]), abs(grads.dC_dw[-1])
    print(f"{name:8s} |∂C0/∂w(1)| = {first:.1e}   |∂C0/∂w(12)| = {last:.1e}")

# %% [markdown]
# With the sigmoid, the first layer's gradient is about seven orders of magnitude
# smaller than the last one's: gradient descent would barely move the early layers.
# tanh (slope up to 1) fares much better, and ReLU, whose slope is exactly 1 wherever
# the neuron is alive, keeps the first layer's gradient within a factor of 2 of the last
# one's.
# This *vanishing gradient* problem is why deep networks mostly use ReLU-like
# activations in their hidden layers.
#
# ReLU removes the $\sigma'$ factors, not the $w$ factors. Where every neuron is alive
# the backward signal is $\delta^{(1)} = w^{(2)} w^{(3)} \cdots w^{(12)}\,\delta^{(12)}$,
# and this demo's weights are drawn around $1$ (`random_chain` centres them there), so
# their product stays within a few times of 1 (below you will see it: 0.46). Here are the same weights scaled by $0.7$ and by $1.3$,
# with the biases set to $0$ so that every ReLU stays alive, and the backward signal
# $\delta^{(l)} = \partial C_0/\partial b^{(l)}$ layer by layer. Each line is divided by
# its value at layer 12: the three chains' outputs are wrong by different amounts, so
# their $\delta^{(12)}$ differ, and what matters here is how $\delta$ changes on its way
# back. Before you run it, predict which line ends highest at layer 1.

# %%
scaled = {f"relu, weights × {c}": chain.backward(c * w12, 0 * b12, x12, y12, "relu")
          for c in [0.7, 1.0, 1.3]}
for name, grads in scaled.items():
    print(f"{name}:  δ(1)/δ(12) = {grads.delta[0] / grads.delta[-1]:.3f}   "
          f"∂C0/∂w(1) / ∂C0/∂w(12) = {grads.dC_dw[0] / grads.dC_dw[-1]:.3f}")
gradient_per_layer(scaled, quantity="dC_db", relative=True)

# %% [markdown]
# Weights 0.7 times as large and the signal reaching layer 1 is about a hundred times
# weaker than at layer 12; 1.3 times as large and it is eight times stronger; as drawn
# (×1.0) it ends at about half, the product of the eleven weights $w^{(2)}$ to
# $w^{(12)}$, 0.46. With ReLU the backward signal $\delta$ vanishes or explodes with the
# product of the weights.
#
# The weight derivatives tell a different story in this particular chain: their ratio,
# $a^{(0)}\delta^{(1)} / a^{(11)}\delta^{(12)}$, is the same 0.960 in all three. With zero
# biases and every ReLU alive, the activations grow or shrink on the way *forward* by
# exactly the factors that $\delta$ shrinks or grows by on the way back, and
# $\partial C_0/\partial w^{(l)} = a^{(l-1)}\delta^{(l)}$ multiplies the two, so the factors
# cancel. The signal that carries the error back still vanishes or explodes, and so do
# the bias derivatives, which are $\delta$ itself. Keeping the product of the weights
# near 1 is what careful weight initialisation is for.

# %% [markdown]
# ## Why backprop?
#
# There is a simpler way to get every derivative: nudge each parameter up and down,
# run the network forward each time, and divide. With $P$ parameters that costs $2P$
# forward passes. For our chain, $P = 2L$ and each forward pass evaluates $L$ layers,
# so nudging costs $4L^2$ layer evaluations. Backprop needs one forward and one
# backward pass: about $2L$. Before the table, work it out for a long chain:

# %%
lesson2.nudging_ratio(L=100)

# %%
for L in [1, 3, 10, 100, 1000]:
    backprop, nudging = layer_evaluations(L)
    print(f"L = {L:5d}:  backprop {backprop:7d}   nudging {nudging:9d}   "
          f"ratio {nudging // backprop}")

# %% [markdown]
# The ratio grows with the size of the network: it is $2L$ here, and $P$, the number
# of parameters, in general. A network with 13,000 parameters (the MNIST network of
# lesson 5) would need 26,000 forward passes per example to be nudged, against one
# backward pass. Measured on this machine, as the chain grows:

# %%
lengths = np.array([2, 4, 8, 16, 32, 64])
backprop_seconds, nudging_seconds = time_gradients(lengths, seed=0)
backprop_vs_nudging_plot(lengths, backprop_seconds, nudging_seconds)

# %% [markdown]
# Both panels have logarithmic axes on both sides, where a power law $c\,L^p$ is a
# straight line of slope $p$; each legend gives the slope of the line through the points.
# On the left, the counts: exactly 1 for backprop ($2L$) and 2 for nudging ($4L^2$). On
# the right, the seconds this machine measured: nudging is slower at every length, and
# the gap between the lines widens as $L$ grows. The measured slopes need not match the
# counts':
# at these sizes much of each call is Python's fixed overhead, which does not grow with
# $L$, and other work on the machine adds noise. The counts are what the two ways cost;
# the seconds are what one run of them took. Nudging is still precious, though. It is how
# we *check* backprop, as the panel above does.

# %% [markdown]
# ## Summary
#
# * A chain of layers repeats $z^{(l)} = w^{(l)} a^{(l-1)} + b^{(l)}$, $a^{(l)} = \sigma(z^{(l)})$.
# * Backpropagation starts from $\partial C_0/\partial a^{(L)} = 2(a^{(L)} - y)$ and
#   repeats one step per layer, from the last to the first: $\delta^{(l)} =
#   \frac{\partial C_0}{\partial a^{(l)}}\sigma'(z^{(l)})$, then
#   $\partial C_0/\partial w^{(l)} = a^{(l-1)}\delta^{(l)}$,
#   $\partial C_0/\partial b^{(l)} = \delta^{(l)}$ and
#   $\partial C_0/\partial a^{(l-1)} = w^{(l)}\delta^{(l)}$.
# * Early layers' derivatives are long products of $w\,\sigma'$ factors. With the
#   sigmoid ($\sigma' \le \tfrac14$) they vanish; ReLU removes the $\sigma'$ factors, but
#   the product of the weights still makes them vanish or explode.
# * In a chain, one backward pass costs about as much as a forward pass. (With lesson
#   3's matrices it makes two products per layer, one to pass $\delta$ back and one for
#   the weights' gradient, against the forward pass's one; the first layer passes
#   nothing back, so a backward pass costs between one and two forward passes.) Nudging
#   every parameter costs $2P$ forward passes: $2L$ against $4L^2$ layer evaluations for
#   a chain.

# %% [markdown]
# ## Exercises
#
# **1. Write the backward pass.** Given a chain's `w`, `b` (lists, one number per
# layer), `x` and `y`, return the array of $\partial C_0/\partial w^{(l)}$ for every
# layer, using the sigmoid. `chain.forward(w, b, x, y)` gives you every `z` and `a`,
# and `sigmoid_prime` is imported at the top. The check says what is right or wrong;
# after your first attempt it also offers a worked solution, with the reasoning.

# %%
def my_backward(w, b, x, y):
    raise NotImplementedError


cases = [{"w": [2.0], "b": [0.0], "x": 0.5, "y": 1.0}, {"w": w, "b": b, "x": x, "y": y}]
lesson2.exercise("backward").grade(my_backward, cases)

# %% [markdown]
# **2. Vanishing gradients.**

# %%
lesson2.quiz("vanishing")
