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
# # Lesson 4 · Gradient descent, on every example or on a few
#
# Lessons 1 to 3 built the hard part: backprop gives the gradient of the cost of one
# example, for every weight and bias at once. This lesson puts it to work. Training is a
# walk downhill on the cost, and two questions decide how that walk goes: *which* cost we
# walk on, and *how far* and *how often* we step.
#
# The cost is that of the whole training set, and stepping downhill on it is called
# gradient descent. The surprise is in the second question. Waiting to hear from every
# example before each step is careful, and slow. Stepping after a small random handful
# of examples is sloppy, and much faster. By the end you will have seen why, on a
# picture of the cost you can look at and on a real network learning to read digits.

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

from bp_helpers import Network, descent, load_digits, say, sigmoid, sigmoid_prime
from bp_helpers.descent import START, CostSlice, descend, gradient_step, head_start, train_run
from bp_helpers.panels import DescentPanel
from bp_helpers.plots import descent_paths, learning_rate_paths, slice_contours, training_curves
from bp_helpers.questions import lesson4

# %% [markdown]
# ## The digits
#
# Our training set is small enough to train on in a blink: scikit-learn's 8×8
# handwritten digits, each pixel a shade between 0 (blank) and 1 (full ink). Each image
# is one row of 64 numbers; the network is a 64-16-10 sigmoid network like lesson 3's, with
# 64 inputs, 16 hidden neurons and one output neuron per digit.

# %%
data = load_digits()
X, y = data.X_train, data.y_train
say(data.description)
print(f"X has shape {X.shape}, y has shape {y.shape}; the first labels are {y[:8]}")

# %% [markdown]
# ## The cost of the whole training set
#
# So far $C_0$ was the cost of one example. Training asks the network to do well on all
# $n$ of them, so the cost we minimise is their average,
#
# $$C = \frac{1}{n}\sum_{k=0}^{n-1} C_k, \qquad\text{and so}\qquad
#   \frac{\partial C}{\partial w} = \frac{1}{n}\sum_{k=0}^{n-1} \frac{\partial C_k}{\partial w}$$
#
# for every weight (and bias), because the derivative of a sum is the sum of the
# derivatives. $C_k$ is the cost of example $k$, written as the videos write it: the
# $C_0$ of lessons 1 to 3 was example 0's. (In this section $k$ counts examples, not
# neurons.)
#
# Each example backpropagates its own **wish** for every weight: the change it asks for,
# $-\partial C_k/\partial w$, the negative of its gradient. These are the videos'
# "desired nudges", and throughout the course a wish always means this wished change: a
# positive wish asks for a larger $w$, a negative one for a smaller $w$. The wished change
# of the whole cost, $-\partial C/\partial w$, is the average wish, so training listens to
# every example and goes where they want to go on average.
#
# `per_example_gradients` runs backprop on each of 100 digits separately, one wish
# each; `network.backprop` handles all 100 at once, the way lesson 3's matrix form does.
# The two agree:

# %%
network = Network([64, 16, 10], seed=0)
dC0_dW, dC0_db = descent.per_example_gradients(network, X[:100], y[:100])
wishes_W, wishes_b = [-g for g in dC0_dW], [-g for g in dC0_db]  # each example's −∂C_k/∂w
dC_dW, dC_db = network.backprop(X[:100], y[:100])
print("wishes for W(2):", wishes_W[1].shape, "   backprop's dC/dW(2):", dC_dW[1].shape)
pairs = zip(wishes_W + wishes_b, dC_dW + dC_db)
print("mean wish = −backprop:", all(np.allclose(wish.mean(axis=0), -g) for wish, g in pairs))

# %% [markdown]
# ### Derivation: the gradient of the average is the average of the gradients
#
# A weight $w$ appears in every example's cost. Nudge it by $\Delta$: each $C_k$ changes by
# $C_k(w + \Delta) - C_k(w)$, and their average $C$ changes by the average of those
# changes. Divide by $\Delta$ and let it shrink; the constant $\frac1n$ and the finite sum
# come out of the limit:
#
# $$\frac{\partial C}{\partial w}
#   = \lim_{\Delta \to 0} \frac{1}{n}\sum_{k=0}^{n-1} \frac{C_k(w+\Delta) - C_k(w)}{\Delta}
#   = \frac{1}{n}\sum_{k=0}^{n-1} \frac{\partial C_k}{\partial w}.$$
#
# Differentiation is linear, so averaging and differentiating can be done in either order.
# The check: nudge each of the 160 weights of $W^{(2)}$ in the *averaged* cost of the 100
# digits, and compare with the mean of their 100 gradients $\partial C_k/\partial w$.

# %%
from bp_helpers.gradcheck import numerical_gradient

(by_nudging,) = numerical_gradient(lambda: network.cost(X[:100], y[:100]), [network.W[1]],
                                   h=1e-6)
mean_gradient = dC0_dW[1].mean(axis=0)
print(f"w_34: mean of the gradients {mean_gradient[3, 4]:+.6f}   nudging C {by_nudging[3, 4]:+.6f}")
print("all 160 agree to 1e-8:", np.allclose(mean_gradient, by_nudging, rtol=0, atol=1e-8))

# %% [markdown]
# The examples do not agree with each other. Take $w_{34}^{(2)}$, the weight from hidden
# neuron 4 to output neuron 3, the one that should light up for a "3". Before looking at
# the 100 digits' wishes for it, predict:

# %%
lesson4.wishes_larger(wishes_W[1][:, 3, 4], y[:100], digit=3)

# %%
wishes = wishes_W[1][:, 3, 4]
print("the first six wishes:", np.round(wishes[:6], 4), "  for digits", y[:6])
print(f"{np.sum(wishes < 0)} wish w smaller, {np.sum(wishes > 0)} wish it larger; "
      f"the average wish is {wishes.mean():+.5f}")

# %% [markdown]
# The untrained network's output 3 says about 0.35 to every digit, much too much for
# the 91 digits that are not 3s (their target is 0). They want it quieter: hidden neuron 4 is active for them, so they
# wish $w_{34}^{(2)}$ smaller, a negative wish. The 9 threes among them want output 3
# *more* active, and are exactly the 9 positive wishes. Averaging settles the argument:
# the average wish is negative, and a step makes $w$ smaller. It also tells us what to
# expect if we ask only a few examples: their average wish points roughly, but only
# roughly, the same way as everyone's.

# %% [markdown]
# ## A step downhill
#
# Gradient descent changes every weight and bias against its slope,
#
# $$w \leftarrow w - \eta\,\frac{\partial C}{\partial w}, \qquad
#   b \leftarrow b - \eta\,\frac{\partial C}{\partial b},$$
#
# where the **learning rate** $\eta$ (`lr` in code) sets the step size. Why minus the
# gradient? Lesson 1's promise, applied to all parameters at once: a small change
# $\Delta w$ changes the cost by about $\sum \frac{\partial C}{\partial w}\,\Delta w$. With
# $\Delta w = -\eta\,\frac{\partial C}{\partial w}$ this is
# $-\eta \sum \big(\frac{\partial C}{\partial w}\big)^2$, never positive. The catch: the
# promise only holds for *small* steps.
#
# To test that, we need a network with something to lose. `head_start` gives it two
# passes of training over the digits (with the method you will meet in a moment). Before
# we take steps of several sizes, predict what a long one does:

# %%
network = head_start(X, y)
lesson4.one_large_step(network, X, y, lr=10)

# %%
C = network.cost(X, y)
dC_dW, dC_db = network.backprop(X, y)
squared_length = sum(np.sum(g**2) for g in dC_dW + dC_db)
for lr in [0.1, 1, 3, 10, 100]:
    after = gradient_step(network, X, y, lr).cost(X, y)
    print(f"η = {lr:<5g} C: {C:.4f} → {after:.4f}   promised: {C - lr * squared_length:.4f}")

# %% [markdown]
# With $\eta = 0.1$ the promise is kept to four digits. At $\eta = 1$ and $3$ the cost
# still falls, but by less than promised: the slopes change along the way, and the
# straight-line promise no longer describes the step. At $\eta = 10$ and $100$ the cost
# goes *up*: the step overshot, left the valley it was meant to descend and climbed
# the other side. (For $\eta = 100$ the promise is even a negative cost, which a sum of
# squares can never be.)

# %% [markdown]
# ## The gradient as one vector
#
# Stack all 1,210 partial derivatives of the cost into one list and you have the
# **gradient** of $C$,
#
# $$\nabla C = \Big(\frac{\partial C}{\partial w^{(1)}_{00}},\;
#   \frac{\partial C}{\partial w^{(1)}_{01}},\; \dots,\;
#   \frac{\partial C}{\partial b^{(2)}_{9}}\Big),$$
#
# a vector with one entry per weight and bias. Stack the parameters the same way into one
# vector $\mathbf{w}$, and the 1,210 update rules above become a single one,
#
# $$\mathbf{w} \leftarrow \mathbf{w} - \eta\,\nabla C .$$
#
# $-\nabla C$ is the wished change of the whole network, every example's wishes averaged:
# of all directions, the one in which the cost falls fastest. `gradient_vector` builds it
# from `network.backprop`, and `parameter_vector` lines the parameters up in the same
# order:

# %%
grad = descent.gradient_vector(network, X, y)
w = descent.parameter_vector(network)
print(f"∇C has {grad.values.size} entries; its length is {np.linalg.norm(grad.values):.4f}")
stepped = descent.parameter_vector(gradient_step(network, X, y, lr=1))
print("one step in vector form = gradient_step:", np.allclose(stepped, w - 1 * grad.values))
for name, dC in grad.largest(5):
    print(f"  ∂C/∂{name:11} = {dC:+.4f}")
print(f"the median entry's size: {np.median(np.abs(grad.values)):.4f}")

# %% [markdown]
# Before reading on: the videos' slide deck ends with a master challenge about what one
# entry of this vector means. Here it is, now that you have the whole vector in front of
# you.

# %%
lesson4.quiz("master_challenge")

# %% [markdown]
# The entries are far from equal. Changing one parameter by a small $h$ changes the cost
# by about $h\,|\partial C/\partial(\text{param})|$, so the largest entries are the changes
# that buy the most cost reduction per unit of change. Here the five largest all belong
# to output neuron 1, its bias and the weights into it, all positive: right now that
# neuron is too active on average, and quieting it is the cheapest way down. Each of
# them buys about 20 to 35 times as much per unit as the median entry, and the largest
# tenth of the entries make up three quarters of the squared length of $\nabla C$.
#
# A large entry does not mean the connection is important in general. It means that,
# for this training set and these weights, changing it moves the cost the most, so the
# step changes it the most. After the step the ranking is a different one.

# %% [markdown]
# ## A cost you can see
#
# Our network has $64 \cdot 16 + 16 + 16 \cdot 10 + 10 = 1210$ parameters, and its cost is
# a landscape over 1,210 dimensions. To *see* it, freeze all of them but two: the weight
# $w = w_{34}^{(2)}$ and the bias $b = b_3^{(2)}$ of output neuron 3. The full cost
# $C(w, b)$ is then a surface over a plane, drawn below as contour lines, darker where
# the cost is lower. The square marks the start we will use for every descent.

# %%
cost_slice = CostSlice.from_network(network, X, y, j=descent.OUTPUT_J, k=descent.HIDDEN_K)
grid = cost_slice.grid(*descent.WINDOW)
w0, b0 = cost_slice.w0, cost_slice.b0
print(f"the network's own (w, b) = ({w0:.4f}, {b0:.4f}), where C = {cost_slice.cost(w0, b0):.4f}")
slice_contours(grid, descent.OUTPUT_J, descent.HIDDEN_K, start=START)

# %% [markdown]
# Notice the shape: a long, narrow, slightly bent valley. Output 3 computes
# $z_3 = w\,a_4 + b + (\text{the rest})$, and hidden neuron 4's activation $a_4$ is about
# $0.43$ on average. Raise $w$ by 1 and lower $b$ by $0.43$, and $z_3$ hardly changes for
# most digits: that direction is the valley floor, nearly flat. Across it, $z_3$ changes
# fast and the walls are steep. Far up the walls the sigmoid saturates into two flat
# plateaus: in the top right output 3 says "3" to every digit; in the bottom left it
# never does.

# %% [markdown]
# ## Full batch or mini-batches
#
# **Full-batch gradient descent** averages all $n = 1347$ wishes before every step. Each
# step is exact, and costs a backward pass for every training example.
#
# **Mini-batch stochastic gradient descent (SGD)** shuffles the examples, cuts them into
# batches of $B$, and steps after each batch, using the average of just those $B$ wishes.
# One pass over the data, an **epoch**, then makes $\lceil n/B \rceil$ steps instead of
# one. Each step points only roughly downhill, but there are many more of them.
#
# Here is mini-batch SGD on the whole network, written out: shuffle, slice, backprop,
# step. The step is bp_helpers' `sgd_step`, and this is the code that runs, read from
# bp_helpers itself with `inspect.getsource` (not a copy): the same step `gradient_step`
# took above, and the one `training.sgd` and the slice's `descend` below take.

# %%
from bp_helpers.display import show_source
from bp_helpers.training import sgd, sgd_step

show_source(sgd_step)

# %%
def sgd_by_hand(network, X, y, batch_size, lr, epochs, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))  # a new order of the examples every epoch
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]  # the last batch may be smaller
            dC_dW, dC_db = network.backprop(X[batch], y[batch])
            sgd_step(network.W + network.b, dC_dW + dC_db, lr)


mine, theirs = head_start(X, y), head_start(X, y)
sgd_by_hand(mine, X, y, batch_size=10, lr=3, epochs=1)
sgd(theirs, X, y, epochs=1, batch_size=10, lr=3, dtype=np.float64, backprop=Network.backprop)
print(f"one epoch, B = 10: C = {head_start(X, y).cost(X, y):.4f} → {mine.cost(X, y):.4f}")
print("the same weights as training.sgd, bit for bit:",
      all(np.array_equal(p, q) for p, q in zip(mine.W + mine.b, theirs.W + theirs.b,
                                                strict=True)))

# %% [markdown]
# `training.sgd` runs this loop (in a faster form of its own unless you hand it a
# `backprop`, as here) and adds what a bare loop lacks: a record of the cost after every
# epoch, and a guard that stops training when it goes wrong.
#
# Back to the slice. Both kinds of descent start from the same square, with $\eta = 10$.
# Full batch gets 20 epochs (20 steps); mini-batches of 10 get only 2 epochs, a tenth
# of the reading.

# %%
lesson4.which_ends_lower(cost_slice, START, lr=10, full_epochs=20, batch_size=10,
                         mini_epochs=2)

# %%
full = descend(cost_slice, START, lr=10, batch_size=cost_slice.n, epochs=20)
mini = descend(cost_slice, START, lr=10, batch_size=10, epochs=2)
for name, path in [("full batch", full), ("B = 10", mini)]:
    print(f"{name:>10}: {path.steps:3} steps, {path.examples[-1]:6,} examples read, "
          f"final C = {path.final_cost:.4f}")
descent_paths(grid, {"full batch, 20 epochs": full, "B = 10, 2 epochs": mini})

# %% [markdown]
# The full-batch path (black, one dot per step) is smooth and sure, and slow: after
# reading 26,940 examples it has not yet reached the valley floor. The mini-batch path
# (orange) trembles, since every step listens to the wishes of 10 examples only, and near
# the bottom it keeps jittering instead of settling. But it was down in the valley after
# reading a few hundred examples, and it ends lower than full batch with a tenth of the
# work.
#
# This is the videos' picture. Full-batch descent is a careful man who works out the
# exact way down before every step. Mini-batch SGD is a drunk man stumbling quickly
# downhill: each step a little off, but so many more of them that he gets down first.

# %% [markdown]
# ## The whole network
#
# The slice is a cartoon with two parameters. Does the lesson carry over to all 1,210?
# `train_run` trains a fresh, seeded network with `training.sgd` and records the cost
# after every epoch. All runs use $\eta = 3$. Mini-batches of $B = 100$ and $B = 10$ get
# 20 epochs; the full batch gets ten times as many, 200, so that it takes about as many
# steps as $B = 100$ does. We plot the cost three ways: against the steps taken, against the
# examples read, and against the seconds of computing.

# %%
epochs = {len(X): 200, 100: 20, 10: 20}
runs = [train_run(X, y, B, lr=3, epochs=epochs[B], X_test=data.X_test, y_test=data.y_test)
        for B in epochs]
for run in runs:
    print(f"B = {run.batch_size:4}: {run.epochs[-1]:3} epochs, {run.steps[-1]:5,} steps, "
          f"final C = {run.final_cost:.4f}, test accuracy {100 * run.test_accuracy[-1]:.1f}%")
training_curves(runs)

# %% [markdown]
# * **Per step** (left), a step on 100 examples does as much good as a step on all 1,347:
#   the two curves lie on top of each other. A step on 10 does a little less. An average
#   of 100 random wishes is already a good estimate of the average of all of them.
# * **Per example read** (middle), which is what the work is, mini-batches win by far:
#   $B = 10$ reaches a cost the full batch never gets near, with a tenth of the reading.
# * **Per second** (right) the picture matches the middle one. (Your times will differ
#   from the ones stored here, but not their order.)
#
# Notice also the shelf near $C \approx 0.9$ at the start: there every output says
# "about 0.1" to every digit, a cheap first compromise. Getting off it takes steps,
# whatever their size, and mini-batches take their steps early.

# %% [markdown]
# The whole network trained well with $\eta = 3$. What if the steps are ten times larger?
# One thing to know first: `training.sgd` is not a bare loop. It watches every epoch,
# and when an epoch goes badly wrong (the cost explodes, or the neurons saturate so
# that learning cannot go on) it stops, keeps the weights from before that epoch, and
# says why. A plain loop, like the ones in most textbooks, would carry on regardless.

# %%
lesson4.large_learning_rate(X, y, lr=30, batch_size=10, epochs=5)

# %% [markdown]
# ## How large a step?
#
# Back to the slice, full batch only, 20 epochs each, four learning rates:

# %%
paths = [descend(cost_slice, START, lr, batch_size=cost_slice.n, epochs=20)
         for lr in (5, 20, 60, 120)]
learning_rate_paths(grid, paths)

# %% [markdown]
# * $\eta = 5$: every step is safe, and there are too few of them; the walk has barely
#   begun.
# * $\eta = 20$: it reaches the valley floor and turns along it.
# * $\eta = 60$: each step overshoots the narrow valley and lands on the opposite wall, so
#   the path zig-zags across the valley. It still makes progress along it, wastefully.
# * $\eta = 120$: after a few steps up the valley, one overshoots so far that it throws
#   $(w, b)$ out of the picture, onto a plateau where the slope is almost zero. No later
#   step brings it back.
#
# What does a too-large step do to the whole network? A sigmoid network's cost cannot
# blow up: each of the 10 outputs is between 0 and 1, so $C \le 10$. The damage is
# quieter, and lesson 1 named it: the first steps are so large that most neurons are
# thrown deep into saturation, and a saturated sigmoid has $\sigma'(z) \approx 0$. No
# gradient passes through it, so nothing can pull it back, and every output ends up
# saying 0 for every digit. Left alone, training would carry on for nothing.
#
# `training.sgd` watches for this, and for costs or weights that explode. When it sees
# it, it stops, keeps the weights from before the bad epoch, says what happened, and
# records what the undone epoch did:

# %%
run = train_run(X, y, batch_size=10, lr=30, epochs=5)
say(run.stopped)
print(f"The undone epoch {run.undone.epoch} left C = {run.undone.cost:.4f} and "
      f"{run.undone.saturated} of the {run.neurons} neurons saturated on every digit.")
print(f"The kept weights: {run.epochs_kept} epochs, C = {run.final_cost:.4f}, "
      f"{run.saturated} saturated.")

# %% [markdown]
# Nothing is lost: the network still holds its last good weights, here the ones it
# started with, and a smaller learning rate takes it from there. Keep the two apart when
# you read the panel below: its readouts always describe the weights that were kept,
# and its diagnosis says what the undone epoch did.

# %% [markdown]
# ## The descent panel
#
# Pick a learning rate and a batch size. For $5$ epochs, that is $5 \times 1347$ examples
# read by each method, the panel runs mini-batch SGD with your $B$ and full-batch
# gradient descent, both with your $\eta$, in two separate experiments:
#
# * **left, experiment 1**: the head-started network with every parameter frozen but
#   $w$ and $b$; both paths over the slice $C(w, b)$, from the square;
# * **right, experiment 2**: a fresh network, every weight and bias trained from its
#   random start by `training.sgd`; its cost after each epoch;
# * **readouts**: the steps taken, how many epochs' weights were kept, the final costs,
#   the test accuracy and the saturated neurons;
# * under the plots, a **diagnosis**: what went wrong, if anything. It names a run stuck
#   on the shelf near $C \approx 0.9$ seen above (every output saying "about 0.1"), a
#   cost that went up, saturated neurons, and an epoch that training had to undo.
#
# Each change reruns both trainings, which takes up to a few tenths of a second, so the
# plots follow when you let go of a slider.
#
# Things to try:
#
# 1. At the start ($\eta = 3$, $B = 10$) mini-batches reach the valley, while full batch's
#    5 steps have hardly left the square. Compare the network's test accuracy.
#
#    <details><summary>What you should see</summary>
#
#    Mini-batch SGD's 675 steps bring the network to $C \approx 0.06$ and about 94% of
#    the test digits; full batch's 5 steps leave it at $C = 0.8962$ and 16.9%, and the
#    diagnosis names it: stuck on the plateau, where every output says "about 0.1" to every digit.
#    Nothing went wrong with its steps; there were just too few of them.
#    </details>
#
# 2. Slide $B$ up to "all 1347": the two methods become one. Then down to 1: more steps,
#    a noisier path. At $B = 1$ and $\eta = 3$ the network's cost even goes up in some
#    epoch. Find a learning rate that suits $B = 1$.
#
#    <details><summary>What you should see</summary>
#
#    At "all 1347" one path and one curve are left, and both columns of the table agree.
#    At $B = 1$ and $\eta = 3$ the cost rises in at least one of the five epochs, and the
#    diagnosis names the first clear rise (more than 5%), with its two costs, and says
#    the steps overshoot. *Which*
#    epoch depends on your computer: 1,347 steps of this size per epoch magnify the last
#    digit of every rounding, and processors round sums in different orders, so each
#    kind of processor sends the run down its own path. The rise is there on every one.
#    At $\eta = 1$ the rises are gone, and 6,735 small steps end near $C = 0.035$ and
#    about 95% of the test digits: better than $B = 10$ at $\eta = 3$. A noisier step
#    needs to be a shorter one.
#    </details>
#
# 3. Raise $\eta$ to 30. On the slice, the mini-batch path now jitters all over the
#    valley. In the network, the steps are too large: read the diagnosis and the table
#    together.
#
#    <details><summary>What you should see</summary>
#
#    Mini-batch training's first epoch threw more than half of the 26 neurons into
#    saturation (the diagnosis counts them) and every output to 0 ($C = 1.0000$), so
#    `training.sgd` undid it: the table says "0 of 5
#    (stopped)" and shows the weights it kept, the untrained ones ($C = 2.9957$, 0
#    saturated, 10% right). Full batch was not stopped, but its five large steps left 14 of
#    the 26 neurons saturated and the network at $C = 0.9996$, no better than guessing.
#    </details>
#
# 4. At $\eta = 100$ the full-batch steps bounce back and forth across the valley, while
#    mini-batch steps throw $(w, b)$ out of the picture. At 300 both fly out.
#
#    <details><summary>What you should see</summary>
#
#    At $\eta = 100$ and $B = 10$ the black full-batch path climbs across the valley for
#    three steps, then its fourth overshoots to the other side, where the cost is higher,
#    and the fifth jumps back. The diagnosis reports the mini-batch path leaving the
#    picture. In the network
#    both trainings undo their first epoch. At $\eta = 300$ both paths leave the picture,
#    and the diagnosis says so for each.
#    </details>
#
# 5. For $B = 100$, which $\eta$ gives the lowest network cost? Is it the same as for
#    $B = 10$?
#
#    <details><summary>What you should see</summary>
#
#    For $B = 100$ the cost after 5 epochs is lowest near $\eta \approx 4.5$
#    ($C \approx 0.51$, about 81% right), and it rises on both sides. For $B = 10$ the
#    best is a little higher, between $\eta \approx 5$ and $7$ ($C \approx 0.05$), and
#    anything from 2 to 9 ends far below $B = 100$'s best: ten times as many steps.
#    Beyond $\eta \approx 10$ both break down: by $\eta \approx 13$, $B = 100$ is back at
#    $C \approx 1$, no better than guessing, and $B = 10$ ends several times above its
#    best. The best learning rate depends on the batch size, and on how long you
#    train.
#    </details>

# %%
DescentPanel()

# %% [markdown]
# ## Summary
#
# * The cost of training is the average over the training set,
#   $C = \frac{1}{n}\sum_k C_k$, and so is its gradient: each example backpropagates its
#   wish $-\partial C_k/\partial w$ and the wishes are averaged.
# * A gradient-descent step is $w \leftarrow w - \eta\,\partial C/\partial w$ for every
#   weight and bias. For a small enough $\eta$ it lowers the cost by about
#   $\eta \sum (\partial C/\partial w)^2$.
# * Full-batch descent takes one exact step per epoch. Mini-batch SGD takes
#   $\lceil n/B \rceil$ noisy steps per epoch, each from $B$ random examples; for the same
#   reading it gets much further.
# * Too small an $\eta$ crawls. Too large a one overshoots: the path zig-zags across
#   narrow valleys, the cost rises, and in a sigmoid network the neurons saturate and
#   learning stops.

# %% [markdown]
# ## Exercises
#
# **1. One step.** Write one gradient-descent step on the slice: given $w$, $b$ and the
# learning rate, return the new `(w, b)`. `cost_slice.gradient(w, b)` returns
# $(\partial C/\partial w, \partial C/\partial b)$ for the full batch. Each check says what
# is right or wrong; after your first attempt it also offers a worked solution, with the
# reasoning.

# %%
def my_step(w, b, lr):
    raise NotImplementedError


cases = [dict(w=0.0, b=-4.0, lr=10.0), dict(w=-3.0, b=0.5, lr=1.0), dict(w=5.0, b=2.0, lr=60.0)]
lesson4.exercise("step").grade(my_step, cases, cost_slice=cost_slice)

# %% [markdown]
# **2. A mini-batch's gradient.** Compute the gradient of the cost of a mini-batch, the
# examples at positions `rows`, on the slice. For the example at position `i`, output 3's
# weighted input is $z = w\,a + r + b$ with `a = cost_slice.a_k[i]` and
# `r = cost_slice.rest[i]`, and its target is `y = cost_slice.y_j[i]`. Lesson 1's three
# factors give that example's gradient, $\partial C_0/\partial w = a\,\sigma'(z)\,2(\sigma(z) - y)$
# and $\partial C_0/\partial b = \sigma'(z)\,2(\sigma(z) - y)$ (its wish is the
# negative of this); return the batch's average gradient as a pair. (The other outputs' costs do not depend on $w$ or $b$.)
# `sigmoid` and `sigmoid_prime` are imported at the top.

# %%
def my_batch_gradient(w, b, rows):
    raise NotImplementedError


cases = [dict(w=2.0, b=1.0, rows=np.arange(10)), dict(w=-3.0, b=0.5, rows=np.array([16, 23, 500]))]
lesson4.exercise("batch_gradient").grade(my_batch_gradient, cases, cost_slice=cost_slice)

# %% [markdown]
# **3. Counting steps.**

# %%
lesson4.quiz("counting_steps")

# %% [markdown]
# **4. Reading a cost curve.**

# %%
lesson4.quiz("cost_curve")
