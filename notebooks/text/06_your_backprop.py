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
# # Lesson 6 · Your backprop: the code you write trains the network
#
# In lesson 3 you met the four equations of backpropagation, and in lesson 5 bp_helpers
# used them to train the 784-16-16-10 network on handwritten digits. Now you write them
# yourself, one equation at a time, put them together into a complete `backprop`, check
# it against nudged gradients, and let *your* code train the network.
#
# Then we go to the zoo: ten broken backprops, each with a classic mistake, each shown
# first by its gradient check alone. You diagnose it from the picture, the way a doctor
# reads an X-ray, and only then see its code.

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
import time

import numpy as np

from bp_helpers import History, Network, check_gradients, load_mnist, one_hot, sgd, sigmoid_prime
from bp_helpers.panels import TrainingMonitor
from bp_helpers.plots import cost_every_steps, gradient_check_heatmap
from bp_helpers.questions import lesson6

# %% [markdown]
# ## The four equations, for a whole batch
#
# Layer $l$ computes $z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}$ and
# $a^{(l)} = \sigma(z^{(l)})$, for $l = 1, \dots, L$; $a^{(0)}$ is the input. The error of
# layer $l$ is $\delta^{(l)} = \partial C_0/\partial z^{(l)}$, and backprop computes it
# from the top down:
#
# | | equation | in code, for a batch |
# |---|---|---|
# | 1. output error | $\delta^{(L)} = 2\big(a^{(L)} - y\big) \odot \sigma'\big(z^{(L)}\big)$ | ? |
# | 2. error passed back | $\delta^{(l)} = \big(W^{(l+1)\top} \delta^{(l+1)}\big) \odot \sigma'\big(z^{(l)}\big)$ | ? |
# | 3. weight gradient | $\partial C/\partial W^{(l)} = \delta^{(l)}\, a^{(l-1)\top}$, averaged | ? |
# | 4. bias gradient | $\partial C/\partial b^{(l)} = \delta^{(l)}$, averaged | ? |
#
# The code works on a batch of $m$ examples at once, and bp_helpers stores a batch the
# way data sets do: **examples are rows**. So $a^{(l)}$ and $\delta^{(l)}$ are arrays of
# shape $(m, n_l)$, one row per example, while $W^{(l)}$ has shape $(n_l, n_{l-1})$: row
# $j$ holds the weights *to* neuron $j$. The cost is the average of the $m$ examples'
# costs (lesson 4's $C = \frac1m \sum_k C_k$, with $k$ counting examples), so the gradients of equations 3 and 4 are averages over the
# rows. Filling in the question marks is your job. Keep the shapes in front of you: most
# bugs in backprop are shape bugs that happen not to crash.

# %% [markdown]
# ## Step 1 · The output error
#
# Write $\delta^{(L)} = 2\big(a^{(L)} - y\big) \odot \sigma'\big(z^{(L)}\big)$.
# `a_L`, `y` and `z_L` all have shape $(m, n_L)$, and so has the result.
# `sigmoid_prime` is imported above. Replace `raise NotImplementedError` with your code,
# then run the cell: the check compares your function with bp_helpers' on a batch. Stuck?
# After your first try, a button under the check's answer shows a worked solution (each
# step below has one too).

# %%
def output_error(a_L, y, z_L):
    raise NotImplementedError


lesson6.grade_step("output_error", output_error)

# %% [markdown]
# ## Step 2 · The error passed back
#
# Write $\delta^{(l)} = \big(W^{(l+1)\top} \delta^{(l+1)}\big) \odot \sigma'\big(z^{(l)}\big)$.
# `W_next` is $W^{(l+1)}$, shape $(n_{l+1}, n_l)$; `delta_next` is $\delta^{(l+1)}$, shape
# $(m, n_{l+1})$; `z` is $z^{(l)}$, shape $(m, n_l)$; return $\delta^{(l)}$, shape
# $(m, n_l)$.
#
# The formula is written for one example as a column. With examples as rows, ask which
# product of `delta_next` and `W_next` gives shape $(m, n_l)$, with entry $k$ of each row
# equal to $\sum_j w_{jk}\, \delta_j$, the path sum of lesson 3.

# %%
def error_back(W_next, delta_next, z):
    raise NotImplementedError


lesson6.grade_step("error_back", error_back)

# %% [markdown]
# ## Step 3 · The weight gradient
#
# For one example, $\partial C_0/\partial w_{jk}^{(l)} = \delta_j^{(l)}\, a_k^{(l-1)}$: the
# outer product $\delta^{(l)} a^{(l-1)\top}$. For the batch, average it over the examples.
# `delta` is $\delta^{(l)}$, shape $(m, n_l)$; `a_prev` is $a^{(l-1)}$, shape
# $(m, n_{l-1})$; return an array shaped like $W^{(l)}$, $(n_l, n_{l-1})$. One matrix
# product does the sum over all $m$ examples at once.

# %%
def weight_gradient(delta, a_prev):
    raise NotImplementedError


lesson6.grade_step("weight_gradient", weight_gradient)

# %% [markdown]
# ## Step 4 · The bias gradient
#
# $\partial C_0/\partial b_j^{(l)} = \delta_j^{(l)}$: a bias is a weight from a neuron that
# is always 1. Average over the batch. `delta` has shape $(m, n_l)$; return shape $(n_l,)$,
# like $b^{(l)}$.

# %%
def bias_gradient(delta):
    raise NotImplementedError


lesson6.grade_step("bias_gradient", bias_gradient)

# %% [markdown]
# ## Step 5 · Backprop, assembled
#
# Now put the four together. `network.forward(X)` returns every $z$ and $a$ of the
# forward pass: `zs[l - 1]` is $z^{(l)}$ and `activations[l]` is $a^{(l)}$, with
# `activations[0]` the input $X$ (Python lists start at 0, layers at 1). `network.W[l - 1]`
# is $W^{(l)}$. Compute $\delta^{(L)}$ and layer $L$'s gradients first, then walk down
# $l = L-1, \dots, 1$, passing the error back and filling in each layer's gradients.
# Return `(dC_dW, dC_db)`, two lists shaped like `network.W` and `network.b`.

# %%
def backprop(network, X, Y):
    zs, activations = network.forward(X)  # zs[l-1] = z(l), activations[l] = a(l)
    L = len(network.W)
    dC_dW, dC_db = [None] * L, [None] * L
    raise NotImplementedError  # your code: layer L first, then l = L-1 down to 1
    return dC_dW, dC_db


feedback, report = lesson6.grade_backprop(backprop)
feedback

# %% [markdown]
# The check is lesson 3's: it nudges each of the 74 weights and biases of a small
# 6-5-4-3 network up and down, measures how the cost of a batch of 8 examples changes,
# and compares with your gradients. If it finds a disagreement, the heat map shows where
# (pale agrees, dark does not):

# %%
if report is None:
    print("No heat map yet: backprop has to run first.")
else:
    display(gradient_check_heatmap(report))

# %% [markdown]
# ## Your backprop trains the network
#
# From here on the lesson uses your `backprop` if it passes its check, and the worked
# solution until it does, so everything below runs either way:

# %%
my_backprop = lesson6.use_backprop(backprop)
network, X, Y = lesson6.grading_network()
print(lesson6.fingerprint(check_gradients(network, X, Y, backprop=my_backprop)))

# %% [markdown]
# ## Step 6 · The training loop
#
# Lesson 4's mini-batch gradient descent, written by you. One *epoch* visits every training
# example once:
#
# 1. shuffle: draw a new order of the rows, `rng.permutation(len(X))`, from the random
#    generator `rng` you are given (so the same seed gives the same run);
# 2. slice: cut that order into consecutive batches of `batch_size` row numbers (the last
#    batch holds what is left);
# 3. backprop: `backprop(network, X[batch], Y[batch])` gives `(dC_dW, dC_db)`;
# 4. step: move every `network.W[l]` and `network.b[l]` by $-\eta$ times its gradient, in
#    place.
#
# `Y` holds one-hot rows, shape $(m, n_L)$. The check runs two epochs of a small network
# with the worked backprop and compares the weights with those of bp_helpers' `sgd` with
# the same seed: they must take exactly the same steps.

# %%
def sgd_epoch(network, X, Y, batch_size, lr, rng, backprop):
    raise NotImplementedError


lesson6.grade_loop(sgd_epoch)

# %% [markdown]
# As with backprop, the cells below use your loop once it passes its check:

# %%
my_sgd_epoch = lesson6.use_loop(sgd_epoch)
ran = lesson6.what_ran(my_backprop, my_sgd_epoch)
print(f"The training below runs {ran}.")

# %% [markdown]
# Now your loop, with your backprop, trains the 784-16-16-10 sigmoid network, with
# $\eta = 0.5$ and batches of 10 (a step of the size lesson 5 explained for 784 pixels):
# 30 passes over the 4,000 training digits of the embedded subset, or 5 passes over the
# full set's 60,000 if you have downloaded it. The monitor
# shows the cost on the training set and the accuracy on the test set after every epoch;
# every `every` steps (ten points an epoch) the cost is also recorded for the curves
# below. It takes well under a minute.

# %%
# NBVAL_IGNORE_OUTPUT
# (which MNIST is present differs between machines)
mnist = load_mnist()
print(mnist.description)
# On the embedded subset, 30 epochs at lr=0.5 end at 92.2% for the worked solution's loop
# and backprop and for bp_helpers' fast trainer alike, and at 91.7% or more in each of the last five
# epochs, under OpenBLAS's default, Haswell, SkylakeX and Sandybridge kernels (measured
# 2026-12-03; tests/test_lesson6_exercises.py runs it under each).
epochs = 30 if mnist.source == "embedded" else 5
every = len(mnist.X_train) // 10 // 10  # steps of batch 10 between two points: ten an epoch

# %%
network = Network([784, 16, 16, 10], seed=0)
Y_train = one_hot(mnist.y_train, 10)
rng = np.random.default_rng(0)
monitor = TrainingMonitor(epochs, name=ran)
display(monitor)
steps = lesson6.StepCosts(network, mnist.X_train, mnist.y_train, every)
mine = History(records=[lesson6.record(network, mnist, epoch=0, seconds=0.0)])
monitor(mine.records[-1])
for epoch in range(1, epochs + 1):
    started = time.perf_counter()
    my_sgd_epoch(network, mnist.X_train, Y_train, batch_size=10, lr=0.5, rng=rng,
                 backprop=steps.counted(my_backprop))
    mine.records.append(lesson6.record(network, mnist, epoch, time.perf_counter() - started))
    monitor(mine.records[-1])

# %% [markdown]
# bp_helpers' `sgd` does the same with its own fast trainer: the same starting weights, the same
# batches in the same order (seed 0), but in preallocated buffers and in single precision,
# for speed.

# %%
fast = Network([784, 16, 16, 10], seed=0)
histories = {ran: mine, "bp_helpers' fast trainer": sgd(
    fast, mnist.X_train, mnist.y_train, epochs=epochs, batch_size=10, lr=0.5, seed=0,
    X_test=mnist.X_test, y_test=mnist.y_test, record_every=every)}

# %%
# NBVAL_IGNORE_OUTPUT
# (the accuracies depend on the data present)
for name, history in histories.items():
    print(f"{name:28s} test accuracy {history.test_accuracies[-1]:.2%}")

# %% [markdown]
# Side by side, a point every `every` steps, with each run's training time in the legend:

# %%
seconds = {name: sum(record.seconds for record in h.records) for name, h in histories.items()}
fast_steps = [(0, histories["bp_helpers' fast trainer"].costs[0]),
              *histories["bp_helpers' fast trainer"].step_costs]
curves = {ran: steps.finish(), "bp_helpers' fast trainer": fast_steps}
cost_every_steps({f"{name}, {seconds[name]:.1f} s": c for name, c in curves.items()}, every)

# %%
yours, ours = (history.test_accuracies[-1] for history in histories.values())
print(f"at least 90%: {min(yours, ours) >= 0.9};  within half a point of each other: "
      f"{abs(yours - ours) <= 0.005}")

# %% [markdown]
# The run labelled with what it used (yours once it passes its check, the worked solution
# until then) classifies over 90% of the test digits correctly, within a few tenths of a
# percent of bp_helpers' fast trainer. The two do not agree to the last digit: it
# computes in single precision and in a different order, and over thousands of steps the
# tiny differences in rounding take the two runs along slightly different paths to
# equally good networks. The fast trainer is faster because it works in buffers it allocates
# once, in single precision, but the mathematics is exactly the four equations and the
# loop.

# %% [markdown]
# ## The bug zoo
#
# Here are ten broken backprops, each with one classic mistake. Real bugs in backprop rarely
# crash; they train a little worse, or not at all, and keep quiet about why. A gradient
# check catches every one of them, and the *pattern* of its errors tells you where to look.
#
# Each specimen is gradient-checked on a small network with four layers of 4 neurons (so
# every weight matrix is square and no shape error can give a mistake away) and a batch of
# $m = 5$ examples. For each one you first see only its check: the worst relative error of
# each layer's weights and biases ("ok" where it agrees), and the heat map of every entry.
# The relative error of an entry is $|g - \tilde g| / \max(|g|, |\tilde g|)$, where $g$ is
# the specimen's gradient and $\tilde g$ the nudged one: 0 when they agree, 1 when they are
# completely different, 2 when they are equal and opposite. Read the check, say where the
# mistake must be, and commit. Only then does the code appear, and you name the line.
#
# To read a check, ask two questions:
#
# * **Where does it start?** Every $\delta$ is computed from the one above, and each
#   layer's gradients from its own $\delta$. So a mistake in $\delta^{(L)}$ spreads to every
#   layer below; a mistake in how $\delta$ is passed back leaves layer $L$ alone and lights
#   up the hidden layers; a mistake in a gradient formula stays in its own layer, and in its
#   own kind of parameter, weights or biases.
# * **How much?** A constant factor $c$ gives the same error everywhere,
#   $|cg - g| / |cg|$; a mistake that depends on the values (a wrong $\sigma'$, a wrong
#   matrix) gives errors that vary from entry to entry.
#
# Then, if you like, fix it: paste the specimen's body (all but its `def` line) into the
# `fix` function below it, correct the mistake, and run the cell. The check runs your fix
# with bp_helpers' versions of the four steps (`output_error`, `error_back`,
# `weight_gradient`, `bias_gradient`, with the arguments you gave yours), so it works
# whether or not your own steps above are finished.

# %% [markdown]
# ### Specimen 1

# %%
lesson6.specimen(1)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 1's body, corrected


lesson6.grade_fix(1, fix)

# %% [markdown]
# ### Specimen 2

# %%
lesson6.specimen(2)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 2's body, corrected


lesson6.grade_fix(2, fix)

# %% [markdown]
# ### Specimen 3

# %%
lesson6.specimen(3)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 3's body, corrected


lesson6.grade_fix(3, fix)

# %% [markdown]
# ### Specimen 4

# %%
lesson6.specimen(4)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 4's body, corrected


lesson6.grade_fix(4, fix)

# %% [markdown]
# ### Specimen 5

# %%
lesson6.specimen(5)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 5's body, corrected


lesson6.grade_fix(5, fix)

# %% [markdown]
# ### Specimen 6

# %%
lesson6.specimen(6)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 6's body, corrected


lesson6.grade_fix(6, fix)

# %% [markdown]
# ### Specimen 7

# %%
lesson6.specimen(7)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 7's body, corrected


lesson6.grade_fix(7, fix)

# %% [markdown]
# ### Specimen 8

# %%
lesson6.specimen(8)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 8's body, corrected


lesson6.grade_fix(8, fix)

# %% [markdown]
# ### Specimen 9

# %%
lesson6.specimen(9)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 9's body, corrected


lesson6.grade_fix(9, fix)

# %% [markdown]
# ### Specimen 10, the mystery
#
# This one comes with no word at all. Its check is all you have: read it, commit your
# diagnosis, and only then look at the code.

# %%
lesson6.specimen(10)

# %%
def fix(network, X, Y):
    raise NotImplementedError  # replace this line with specimen 10's body, corrected


lesson6.grade_fix(10, fix)

# %% [markdown]
# ## Fingerprints
#
# Every specimen in one table, now that you have seen them all: the worst relative error in
# each layer's weights and biases, "ok" where the check agrees. A sign flip gives exactly 2
# everywhere, a factor $m$ exactly $1 - 1/m$. Of these mistakes one does little harm in
# training: summing the batch instead of averaging it makes every gradient $m$ times too
# large, which is the correct backprop with a learning rate $m$ times larger. With batches of
# 10 and $\eta = 1$ it steps like $\eta = 10$: the direction is right, the step may
# overshoot.

# %%
lesson6.Fingerprints()

# %% [markdown]
# ## Summary
#
# * Backprop is four equations: the output error
#   $\delta^{(L)} = 2(a^{(L)} - y) \odot \sigma'(z^{(L)})$, the error passed back
#   $\delta^{(l)} = (W^{(l+1)\top}\delta^{(l+1)}) \odot \sigma'(z^{(l)})$, and the gradients
#   $\delta^{(l)} a^{(l-1)\top}$ and $\delta^{(l)}$, averaged over the batch.
# * With examples as rows, the equations' transposes change places: the code multiplies
#   by $W$ where the column form has $W^\top$, and transposes $\delta$ where the column
#   form transposes $a$. Your step functions are the worked example; keep them.
# * Mini-batch SGD is a short loop: shuffle, slice, backprop, step. Your loop with your
#   backprop trains the 784-16-16-10 network past 90% on MNIST, as well as bp_helpers' own.
# * A gradient check catches every bug in the zoo, and its pattern tells you where to look:
#   which layers light up, which parameters, and by how much.

# %% [markdown]
# ## Exercises
#
# **1. Reading a fingerprint.**

# %%
lesson6.quiz("fingerprint")

# %% [markdown]
# **2. A bug a gradient check cannot see.** A gradient check compares backprop with the
# cost function. Which bug would it miss?

# %%
lesson6.quiz("blind_spot")
