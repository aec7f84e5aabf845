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
# # Lesson 7 · Backprop on any graph: your own autodiff, and the bridge to PyTorch
#
# Six lessons taught backprop on one shape of network, layer by layer, as the videos do.
# The next thing you will meet is PyTorch, where you write any code you like, call
# `loss.backward()`, and every weight has its gradient. How does it know the derivative
# of *your* code?
#
# You already know the answer. It is the chain rule, applied one small step at a time,
# with lesson 3's sum over paths. In this lesson you build it: a number that remembers
# where it came from and the local derivative of each step, and a `backward()` that
# walks the steps in reverse. Under a hundred lines, about sixty more for arrays, and it
# trains the 784-16-16-10 network.

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

from bp_helpers.autodiff import Tensor, Value, topological_order, zero_grad
from bp_helpers.display import show_source
from bp_helpers.panels.value_graph import ValueGraphPanel
from bp_helpers.questions import lesson7

# %% [markdown]
# ## A node that knows its local derivative
#
# In lesson 1 you met the computation tree of one neuron: $w^{(L)}$, $a^{(L-1)}$ and
# $b^{(L)}$ feed $z^{(L)}$, which feeds $a^{(L)}$, which feeds $C_0$. Each arrow carried
# a *local* derivative, such as $\partial z/\partial w = a^{(L-1)}$, and the chain rule
# multiplied them.
#
# A `Value` is one node of such a tree, as code. It holds its number, `data`; the
# Values it was computed from, its `parents`; the local derivative of itself with
# respect to each parent, `local`; and `grad`, which will hold $\partial C/\partial$ (this
# node) once backprop has run. Every operation fills these in as it computes. Here is
# multiplication, whole:

# %%
show_source(Value.__mul__)

# %% [markdown]
# $\partial(ab)/\partial a = b$ and $\partial(ab)/\partial b = a$: the local derivatives are
# stored the moment the product is computed, while both numbers are at hand. The sigmoid
# stores lesson 1's $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$:

# %%
show_source(Value.sigmoid)

# %% [markdown]
# `Value` also knows $+$, $-$, division, a power by a constant, `exp`, `log`, `tanh` and
# `relu`, each in two to four lines like these. Now lesson 1's chain,
# $C_0 = \big(\sigma(w\,a^{(L-1)} + b) - y\big)^2$, with its numbers: $w = 1.5$,
# $b = -0.5$, $a^{(L-1)} = 0.8$ and $y = 0$.

# %%
w, b, a_prev = Value(1.5), Value(-0.5), Value(0.8)
z = w * a_prev + b
a = z.sigmoid()
C0 = (a - 0.0) ** 2
print(f"z = {z.data:.4f}   a = {a.data:.4f}   C0 = {C0.data:.4f}")

# %% [markdown]
# Running the code built the graph: `C0.parents` leads to `a`, and on down to `w`. One
# call now fills in every `grad`:

# %%
C0.backward()
print(f"dC0/dw = {w.grad:.4f}   dC0/db = {b.grad:.4f}   dC0/da_prev = {a_prev.grad:.4f}")

# %% [markdown]
# These are lesson 1's numbers, $0.2370$, $0.2963$ and $0.4444$. And the three factors of
# $\partial C_0/\partial w$ are sitting in the graph: the grad of the node `a` is
# $\partial C_0/\partial a^{(L)} = 2(a^{(L)} - y)$, the sigmoid node's local derivative
# is $\sigma'(z^{(L)})$, and the product's local derivative for $w$ is $a^{(L-1)}$.

# %%
print(f"2(a - y) = a.grad = {a.grad:.4f}   σ'(z) = a.local[0] = {a.local[0]:.4f}   "
      f"a(L-1) = z.parents[0].local[0] = {z.parents[0].local[0]:.4f}")
print(f"their product: {a.grad * a.local[0] * z.parents[0].local[0]:.4f}")

# %% [markdown]
# $0.8 \times 0.2217 \times 1.3364 \approx 0.2370$, exactly as lesson 1 multiplied them.

# %% [markdown]
# ## The graph is data
#
# Because every Value remembers its parents, the graph can be drawn: lessons 1 and 2 drew
# theirs by hand, this one is read from the Values themselves. Step through it:
# first forward, one node at a time, as the values are computed; then backward, one node
# at a time, as each node passes its grad to its parents. Each box shows the node, its
# value and, on the way back, its grad. (The unnamed boxes are operations, drawn by their
# symbol: `×`, `+`, `σ`, `−` and `^2`, the square.)

# %%
w, b, a_prev = Value(1.5, name="w"), Value(-0.5, name="b"), Value(0.8, name="a(L-1)")
y = Value(0.0, name="y")
C0 = ((w * a_prev + b).sigmoid() - y) ** 2
ValueGraphPanel(C0)

# %% [markdown]
# Any expression you write can be drawn the same way. Change this one, run it, and step
# through it: name the Values you want to recognise.

# %%
x, y = Value(2.0, name="x"), Value(-1.0, name="y")
ValueGraphPanel(x * y + x.tanh())

# %% [markdown]
# ## The topological order, and why
#
# Here is all of `backward`:

# %%
show_source(Value.backward, topological_order)

# %% [markdown]
# Its loop is the chain rule: a parent's grad gets *local derivative × this node's grad*.
# The order is what makes that right. A node may pass its grad on only when it is
# complete, that is, once every node it feeds has added its share. A *topological order*
# lists every node after all of its parents; walked in reverse, every node comes after
# all the nodes it feeds.
#
# What goes wrong in another order? Take $b = 3a$ and $C = b + e^{b}$, with $a = 0.5$:
# $b$ feeds $C$ twice, directly and through $e^b$. A natural-looking order visits the
# nodes by their distance from $C$: first $C$, then its parents $b$ and $e^b$, then theirs.
# But $b$ comes up before $e^b$ has passed anything back to it:

# %%
C, nodes = lesson7.wrong_order_graph(a=0.5)
C.backward()
print(f"reverse topological order: b.grad = {nodes['b'].grad:.4f}   "
      f"a.grad = {nodes['a'].grad:.4f}")
C, nodes = lesson7.wrong_order_graph(a=0.5)
lesson7.backward_breadth_first(C)
print(f"by distance from C:        b.grad = {nodes['b'].grad:.4f}   "
      f"a.grad = {nodes['a'].grad:.4f}")

# %% [markdown]
# By distance, $b$ passed $3 \times 1 = 3$ to $a$ when its own grad was still 1, the direct
# path only. The path through $e^b$ arrived afterwards, too late: $a$ never heard of it.
# The right answer is $3\,(1 + e^{1.5}) \approx 16.4451$. The breadth-first walk even
# ends with $b$'s grad right ($1 + e^{1.5} \approx 5.4817$); it just read it too early.
# On a chain, every order that starts at the cost is the same order, which is why lessons
# 1 and 2 never had to think about it. On a graph with fan-out, only a topological order
# is safe.

# %% [markdown]
# ## Fan-out is the sum over paths
#
# Now look at the `+=` in `backward`. When a value feeds two places, each sends a grad
# back, and the value's grad is their *sum*. That is lesson 3's one new equation,
#
# $$\frac{\partial C_0}{\partial a_k^{(L-1)}} = \sum_{j}\; w_{jk}^{(L)}\;
#   \sigma'\big(z_j^{(L)}\big)\; 2\big(a_j^{(L)} - y_j\big),$$
#
# one term per path. Here is lesson 3's 3-4-2 network, built from Values neuron by neuron,
# with its input $x = (0.9, 0.2, 0.6)$ and target $y = (1, 0)$. Hidden neuron 1 feeds both
# output neurons; what each sends back to it:

# %%
from bp_helpers.panels import example_network

network, x, y = example_network()
C0, layers = lesson7.lesson3_graph(network, x, y)
C0.backward()
a_1 = layers[1][1]  # hidden neuron 1, a_1 of layer 1
for child, amount in lesson7.paths_into(a_1, C0):
    print(f"through {child.name}: {amount:+.4f}")
print(f"a_1.grad = {a_1.grad:.4f}   network.backward: {network.backprop(x, y).dC_da[1][1]:.4f}")

# %% [markdown]
# The two paths are lesson 3's bars, $+0.241$ and $-0.105$, and `a_1.grad` is their sum,
# $0.136$, the number the paths panel showed. (Each path arrives through a multiply node,
# $w_{j1}^{(2)} a_1^{(1)}$, named after its two factors.) Write `=` for `+=`, and a node
# keeps only the path that reached it last:

# %%
C0, layers = lesson7.lesson3_graph(network, x, y)
lesson7.backward_assign(C0)
print(f"with = instead of +=: a_1.grad = {layers[1][1].grad:.4f}")

# %% [markdown]
# $-0.105$ has vanished, and the grad is the path through output neuron 0 alone, $0.241$. Nothing crashes;
# the number is merely wrong, the kind of bug only a gradient check finds.
#
# The same `+=` is why PyTorch *accumulates* into `.grad`: two calls of `backward` add up,
# exactly like two paths. That is a feature for fan-out, and a trap for training loops.

# %% [markdown]
# ## The reset you must not forget
#
# A training loop runs forward and backward once per mini-batch. The weights are the same
# Values every time, so their grads keep what the last batch left there, unless the loop
# sets them back to 0 first: `zero_grad`.

# %%
lesson7.missed_reset()

# %% [markdown]
# What does a forgotten reset do to training? Here is one epoch of lesson 6's run on the
# 784-16-16-10 network (the embedded 4,000 training digits, batches of 10, $\eta = 0.5$),
# with the array version of `Value` that we build further down, once with `zero_grad` and
# once without:

# %%
# NBVAL_IGNORE_OUTPUT
# (after thousands of steps, the last digits depend on the processor)
from bp_helpers.autodiff import sgd_epoch
from bp_helpers.data import load_mnist
from bp_helpers.network import Network, one_hot

mnist = load_mnist(source="embedded")
Y_train = one_hot(mnist.y_train, 10)
for epoch_fn in (sgd_epoch, lesson7.sgd_epoch_no_reset):
    start = Network([784, 16, 16, 10], seed=0)
    W, b = [Tensor(w) for w in start.W], [Tensor(v) for v in start.b]
    epoch_fn(W, b, mnist.X_train, Y_train, 10, 0.5, np.random.default_rng(0))
    after = Network.from_weights([w.data for w in W], [v.data for v in b])
    print(f"{epoch_fn.__name__:18s} test accuracy {after.accuracy(mnist.X_test, mnist.y_test):.1%}"
          f"   training cost {after.cost(mnist.X_train, mnist.y_train):.3f}")

# %% [markdown]
# Without the reset, step $n$ moves by the sum of all $n$ gradients so far. The steps grow
# and grow, the sigmoids saturate, every output sits at 0, and the cost is stuck at 1:
# the network answers one digit for everything, about one in ten right. With the reset,
# the same epoch is a normal first epoch. So every PyTorch loop starts with
# `optimizer.zero_grad()`.
#
# Your turn. Write one step of gradient descent on a list of Values `params`, where
# `cost_of(params)` runs the forward pass and returns the cost. The check runs three steps
# of lesson 1's neuron and compares every one.

# %%
def train_step(params, cost_of, lr):
    raise NotImplementedError  # reset, forward, backward, step


lesson7.grade_train_step(train_step)

# %% [markdown]
# ## Gates
#
# Three kinds of node carry most of the traffic in a network, and each moves the gradient
# in its own recognisable way. Predict before you look.

# %%
lesson7.add_gate()

# %%
lesson7.multiply_gate()

# %%
lesson7.max_gate()

# %% [markdown]
# * **Add passes its gradient through**: its local derivatives are 1, so both inputs get
#   the output's grad unchanged. A bias, added to $z$, gets exactly $\delta$.
# * **Multiply swaps its inputs**: each gets the output's grad times the *other* input.
#   A weight's grad is $a^{(L-1)}$ times $\delta$, the swap that gave lesson 1 its first
#   factor.
# * **Max routes everything to the winner**: the larger input gets the whole grad, the
#   other gets 0. ReLU is `max(0, z)`: a neuron with $z < 0$ passes nothing back.
#
# Now write three gates yourself. Each returns a new `Value(data, parents, local)`: its
# number, its inputs, and its local derivative with respect to each input. The checks
# also recognise a local derivative that belongs to a different gate.

# %%
def multiply(a, b):
    raise NotImplementedError  # return Value(..., parents=(a, b), local=(..., ...))


lesson7.grade_gate("multiply", multiply)

# %%
def maximum(a, b):
    raise NotImplementedError


lesson7.grade_gate("maximum", maximum)

# %%
import math


def sigmoid(a):
    raise NotImplementedError  # math.exp is imported


lesson7.grade_gate("sigmoid", sigmoid)

# %% [markdown]
# ## Gradient checks at ReLU's kink
#
# Lesson 3 trusted backprop because a gradient check agreed: nudge a parameter both ways,
# measure, compare. At a kink that test can fail with correct code. Take
# $C = \mathrm{ReLU}(w \cdot 1 + b)$ at $w = 0.5$, $b = -0.5$, so that $z = 0$ exactly.

# %%
lesson7.kink_check()

# %%
w, b = Value(0.5), Value(-0.5)
(w * 1.0 + b).relu().backward()
print(f"backprop: dC/dw = {w.grad:g}")
for h in (1e-2, 1e-4, 1e-6):
    measured = (max(0.0, 0.5 + h - 0.5) - max(0.0, 0.5 - h - 0.5)) / (2 * h)
    print(f"nudge ±{h:g}: measured {measured:.3f}")

# %% [markdown]
# No nudge is small enough: at the kink the slope from the right is 1 and from the left
# is 0, and the central difference always reports their average, $0.5$. There *is* no
# derivative there, and the code has to pick a value; `relu` picks 0, as PyTorch does.
# Both numbers are "right", so a gradient check that lands on a kink disagrees with correct
# code. In practice $z$ is exactly 0 rarely, but a nudge can *cross* the kink when $z$ is
# within $h$ of it, with the same effect. When a check fails on a ReLU network, look at
# which $z$ are within $h$ of 0 before you look for a bug.

# %% [markdown]
# ## Your backward
#
# Now the heart of it. Write `backward(root)` as a function: use
# `topological_order(root)` (imported above), each node's `parents` and `local`, and
# every node's `grad`, which starts at 0. The check runs it on three graphs, lesson 1's
# chain and two with fan-out, and compares every node's grad. If your numbers are those of
# a classic bug (`=` for `+=`, or the wrong order), it says which.

# %%
def backward(root):
    raise NotImplementedError


lesson7.grade_backward(backward)

# %% [markdown]
# ## From scalars to arrays
#
# One Value per number is clear, but slow: a 784-16-16-10 network has 13,002 parameters
# and a batch multiplies that. Real libraries make each node an *array*, and each operation
# a whole matrix operation. The idea is unchanged: every node stores how to turn its
# output's grad into its parents' grads. For an array node that is a small function,
# `back`, instead of a list of numbers. Here are the matrix product and the broadcasting
# addition of a bias:

# %%
show_source(Tensor.__matmul__, Tensor.__add__)

# %% [markdown]
# For $Z = A\,W^\top$ with examples as rows, the grad of $A$ is $G\,W$ and that of $W^\top$
# is $A^\top G$: lesson 6's `error_back` and `weight_gradient`, now as the two halves of
# one gate. Adding $b$, shape $(n,)$, to every row of an $(m, n)$ array is fan-out: $b$
# reaches the cost through all $m$ examples, so its grad is the sum of the rows' grads
# (`unbroadcast`). With σ, ReLU, a square, a sum and a mean, the Tensor is about 60 lines,
# and it runs lesson 6's network:

# %%
show_source(lesson7.network_cost)

# %% [markdown]
# Does it reproduce `Network`'s gradients, the four equations of lessons 3 and 6? On the
# 784-16-16-10 network and a batch of 10 digits:

# %%
from bp_helpers.autodiff import tensor_backprop

network = Network([784, 16, 16, 10], seed=0)
X, Y = mnist.X_train[:10], Y_train[:10]
mine, theirs = tensor_backprop(network, X, Y), network.backprop(X, Y)
largest = max(np.max(np.abs(g - r)) for ours, ref in zip(mine, theirs)
              for g, r in zip(ours, ref))
print(f"13,002 gradients; the largest difference is below 1e-10: {largest < 1e-10}")

# %% [markdown]
# They agree to rounding. So the array autodiff can train: lesson 6's loop, with
# `zero_grad`, `backward` and the step written against Tensors. The loop:

# %%
show_source(sgd_epoch)

# %% [markdown]
# 30 epochs on the 4,000 embedded training digits, batches of 10, $\eta = 0.5$, from the
# same starting weights (seed 0) as lesson 6. Your own run prints its time and accuracy:

# %%
# NBVAL_IGNORE_OUTPUT
# (the time depends on the machine, and the accuracy's last digits on its processor)
import time

start = Network([784, 16, 16, 10], seed=0)
W, b = [Tensor(w) for w in start.W], [Tensor(v) for v in start.b]
rng = np.random.default_rng(0)
started = time.perf_counter()
for _ in range(30):
    sgd_epoch(W, b, mnist.X_train, Y_train, batch_size=10, lr=0.5, rng=rng)
seconds = time.perf_counter() - started
trained = Network.from_weights([w.data for w in W], [v.data for v in b])
accuracy = trained.accuracy(mnist.X_test, mnist.y_test)
lesson7.Measured({"30 epochs": f"{seconds:.1f} s", "test accuracy": f"{accuracy:.1%}"})

# %%
print(f"at least 90%: {accuracy >= 0.9};  under a minute: {seconds < 60}")

# %% [markdown]
# Over 90%, as in lesson 6, and in well under a minute. Lesson 6's worked solution, from
# the same seed, ends within half a point of it: the arithmetic is the same four
# equations, summed in a slightly different order. What changed is that nobody wrote the
# equations. Each gate knew its local derivative, and `backward` did the
# rest.

# %% [markdown]
# ## Why reverse mode
#
# Backprop runs *backward*. Could the chain rule run forward instead? It can: carry, next
# to every value, how much it changes when one chosen parameter is nudged, $\dot z =
# \dot W a + W \dot a + \dot b$ and $\dot a = \sigma'(z)\,\dot z$, layer by layer up to the
# cost. That is *forward mode*. It is exact, like backprop, with no nudge size to choose.
# But one pass gives the derivative for *one* parameter. For the whole gradient it needs
# one pass per parameter:

# %%
from bp_helpers.autodiff import forward_mode_gradient

n_parameters = sum(w.size + v.size for w, v in zip(network.W, network.b))
print(f"forward mode: {n_parameters:,} passes; reverse mode: one backward pass")

# %%
# NBVAL_IGNORE_OUTPUT
# (times depend on the machine)
started = time.perf_counter()
forward_W, forward_b = forward_mode_gradient(network, X, Y)
forward_seconds = time.perf_counter() - started
started = time.perf_counter()
reverse_W, reverse_b = tensor_backprop(network, X, Y)
reverse_seconds = time.perf_counter() - started
lesson7.Measured({"forward mode, 13,002 passes": f"{forward_seconds:.2f} s",
                  "reverse mode, one backward pass": f"{reverse_seconds * 1000:.2f} ms",
                  "forward mode takes": f"{forward_seconds / reverse_seconds:,.0f} times as long"})

# %%
same = all(np.allclose(f, r, rtol=1e-8, atol=1e-12) for f, r in
           zip(forward_W + forward_b, reverse_W + reverse_b))
print(f"the same gradient either way: {same}")

# %% [markdown]
# Same numbers, thousands of times the work. This is lesson 2's backprop-against-nudging
# result once more, and now you can see it as a design rule: forward mode costs one pass
# per *input* of the computation, reverse mode one pass per *output*. A network's cost has
# 13,002 inputs that we care about and one output, so every deep learning library runs the
# chain rule in reverse. (For one input and many outputs, forward mode would win.)

# %% [markdown]
# ## The bridge to PyTorch
#
# You have now written, in small, what PyTorch's autograd does. The names map one to one:
#
# | your code | PyTorch | what it is |
# |---|---|---|
# | `Value(1.5)`, `Tensor(W)` | `torch.tensor(W, requires_grad=True)` | a leaf the cost depends on, whose grad we want |
# | running `w * a + b` builds parents and `local` | the graph is built by running code ("define by run") | the forward pass records every operation |
# | `C.backward()` | `loss.backward()` | reverse topological order, local derivative × grad, `+=` |
# | `w.grad` | `w.grad` | $\partial C/\partial w$, after backward |
# | `zero_grad(params)` | `optimizer.zero_grad()` | grads accumulate, so reset them before each backward |
# | `p.data -= lr * p.grad` | `optimizer.step()` (plain SGD), or the same inside `torch.no_grad()` | the step must not become part of the graph |
# | `topological_order`, `local` | autograd's graph of `grad_fn` nodes | hidden from you in PyTorch |
#
# The last row is the one PyTorch hides: each tensor's `grad_fn` is your `back`, and
# `loss.grad_fn.next_functions` are its parents. And `no_grad` is the answer to a question
# this lesson never had to ask: our step changes `.data` directly, which builds no graph;
# in PyTorch an update such as `W -= lr * W.grad` would itself be recorded, unless it runs
# inside `with torch.no_grad():`.
#
# Here is this lesson's network and loop, both ways (PyTorch's side is text: the course
# does not install it):
#
# ```python
# # this lesson                                   # PyTorch
# W = [Tensor(w) for w in start.W]                W = [torch.tensor(w, requires_grad=True) for w in start.W]
# b = [Tensor(v) for v in start.b]                b = [torch.tensor(v, requires_grad=True) for v in start.b]
# for start_row in range(0, len(X), 10):          for start_row in range(0, len(X), 10):
#     batch = order[start_row:start_row + 10]         batch = order[start_row:start_row + 10]
#     zero_grad(W + b)                                for p in W + b: p.grad = None
#     a = Tensor(X[batch])                            a = torch.tensor(X[batch])
#     for W_l, b_l in zip(W, b):                      for W_l, b_l in zip(W, b):
#         a = (a @ W_l.T + b_l).sigmoid()                 a = torch.sigmoid(a @ W_l.T + b_l)
#     C = ((a - Y[batch]) ** 2).sum(axis=1).mean()    C = ((a - torch.tensor(Y[batch])) ** 2).sum(dim=1).mean()
#     C.backward()                                    C.backward()
#     for p in W + b:                                 with torch.no_grad():
#         p.data -= 0.5 * p.grad                          for p in W + b: p -= 0.5 * p.grad
# ```
#
# Line for line the same program. What PyTorch adds is speed (its gates run on GPUs),
# hundreds of gates, and care for memory; the idea is the one you just built.

# %% [markdown]
# ## Summary
#
# * A `Value` holds its number, its parents and its local derivatives. Running the code
#   builds the graph; nobody writes the derivative of the whole.
# * `backward` sets the root's grad to 1 and walks the nodes in reverse topological order,
#   so that every grad is complete before it is passed on. Each parent gets local
#   derivative × grad.
# * `+=` is lesson 3's sum over paths: a value that feeds several places adds up what
#   comes back. The same accumulation makes `zero_grad` necessary in every training loop;
#   without it, one epoch on MNIST ends at chance.
# * Add passes the gradient through, multiply swaps its inputs, max routes it all to the
#   winner. At ReLU's kink a gradient check measures 0.5 while backprop says 0, with
#   correct code.
# * The same idea on arrays reproduces `Network`'s gradients and trains the 784-16-16-10
#   network past 90%. Reverse mode needs one backward pass where forward mode needs 13,002.
# * PyTorch's `requires_grad`, `.backward()`, `.grad`, `zero_grad()` and `no_grad` are
#   these ideas, with these names.

# %% [markdown]
# ## Exercises
#
# **1. Accumulating on purpose.**

# %%
lesson7.quiz("zero_grad")

# %% [markdown]
# **2. When forward mode wins.**

# %%
lesson7.quiz("forward_mode")

# %% [markdown]
# **3. Draw a graph with fan-out.** Write $C = (x \cdot y + x)^2$ with Values,
# $x = 1.5$ and $y = -2$, and step through it in the panel. Before the backward steps,
# predict `x.grad`: how many paths lead from $x$ to $C$, and what does each contribute?
# The answer is in the panel's last step.
