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
# # Lesson 1 · The last link
#
# Backpropagation has a reputation for being hard. It is not: it is the chain rule,
# applied with care, over and over. This lesson starts where the videos start, with a
# real network that gets a handwritten 2 wrong and what it would take to do better.
# Then we take the smallest network that has anything to learn, one neuron feeding one
# neuron, and look at a single derivative from every side: as a formula, as a picture,
# as a number, and as something you can *nudge* with a slider and watch the cost
# respond.
#
# By the end you will be able to say, for each of the three factors in
#
# $$\frac{\partial C_0}{\partial w^{(L)}} = a^{(L-1)}\,\sigma'\!\big(z^{(L)}\big)\,2\big(a^{(L)} - y\big),$$
#
# what it means, when it is large, and when it shuts learning off.

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

from bp_helpers import Network, chain, load_mnist, one_hot, relu_prime, sigmoid, sigmoid_prime
from bp_helpers.panels import NudgePanel, NudgeState, WishesPanel, next_example, nudge_result
from bp_helpers.panels.levers import LeversPanel, LeversState, levers_result
from bp_helpers.plots import computation_tree
from bp_helpers.questions import lesson1

# %% [markdown]
# ### Using the course with a keyboard or screen reader
#
# - **Cells.** Press Escape to leave a cell's editor; then the Up and Down arrows move
#   between cells, Enter edits one, and Shift+Enter runs it.
# - **Panels and questions.** Tab moves to the next control, Shift+Tab back; no control
#   or figure keeps the focus. Each control says its name and the value it shows, and
#   each figure is an image described in words, with its numbers in a table under it.
# - **Sliders.** An arrow key moves a slider one step. To set a value at once, Tab on to
#   the number beside the slider, type the value and press Enter.
# - **Shortcuts.** While a course control has the focus, JupyterLab's one-key shortcuts
#   (M for Markdown, D D to delete a cell) are off, so a stray key cannot change the
#   lesson, and the arrow keys move a choice; Shift+Enter and Ctrl+S still work. To turn
#   a shortcut off everywhere, open Settings → Settings Editor → Keyboard Shortcuts.
# - **Zoom.** The panels reflow up to 200% zoom: controls, then readouts, then the figure.
#   At that size Ctrl+B hides the file browser and gives the lesson the whole window. A
#   wide diagram, such as the computational graph, scrolls sideways in its own box: Tab
#   to it and use the arrow keys.

# %% [markdown]
# ## An untrained network meets a 2
#
# Here is the videos' network: 784 input neurons, one per pixel of a 28×28 image, two
# hidden layers of 16 neurons, and 10 outputs, one per digit. Its 13,002 weights and
# biases are random: it has never been trained. And here is a handwritten 2, the first
# among the test digits of MNIST (5,000 real MNIST digits come with a Python package the
# course installs, so this works offline). Before the network answers, predict what it says:

# %%
mnist = load_mnist("embedded")
network = Network([784, 16, 16, 10], seed=0)
two = next_example(mnist.y_test, 2, after=-1)  # the position of the first 2
x = mnist.X_test[two]
lesson1.untrained_answer(network, x, label=2)

# %% [markdown]
# To see how far off each output is, compare it with its target $y_j$: 1 for the 2, 0
# for every other digit. The cost of this one example,
# $C_0$, adds up the squared differences, $C_0 = \sum_j (a_j - y_j)^2$.
#
# What should change? Each output has a **wish**: how it would like to move to lower
# the cost, and how much. This course writes it $-\partial C_0/\partial a_j = -2(a_j - y_j)$,
# the negative of a derivative that this lesson takes apart below. For now read it as
# "how far off, doubled, pointing towards the target":

# %%
a, y = network.output(x), one_hot(2, 10)
wish = -2 * (a - y)
print(f"C0 = {np.sum((a - y) ** 2):.3f}")
for j in range(10):
    print(f"output {j}: a = {a[j]:.3f}   target {y[j]:.0f}   wish −2(a − y) = {wish[j]:+.3f}")

# %% [markdown]
# Garbage, as the videos say: every output says something middling, and the 2's is not
# even the largest. The 2's output wishes to go up, every other output wishes to go
# down, and the ones furthest off wish hardest. Those are only wishes: an output cannot change itself. It
# can only be changed through what feeds it. That is the question of the next section.

# %% [markdown]
# ## Three levers
#
# A network sees an image, and one output neuron, say the one for "2", is not active
# enough. What could make it more active? Output neuron
# $j$ adds up what every neuron $k$ of the layer before sends it, then squashes the sum:
# $a_j^{(L)} = \sigma\big(\sum_k w_{jk}^{(L)} a_k^{(L-1)} + b_j^{(L)}\big)$. The weight
# $w_{jk}^{(L)}$ goes *to* neuron $j$ and comes *from* neuron $k$, as in the videos;
# lesson 3 works with these indices in full. So there are three levers:
#
# 1. **raise the bias** $b_j^{(L)}$;
# 2. **raise the weights** $w_{jk}^{(L)}$, each *in proportion to* $a_k^{(L-1)}$: a weight
#    from a silent neuron ($a_k = 0$) cannot move the sum at all, a weight from a bright
#    one moves it most;
# 3. **change the activations** $a_k^{(L-1)}$, each in proportion to $w_{jk}^{(L)}$: up
#    where the weight is positive, down where it is negative. The network cannot set them
#    directly; it has to ask the layer before, and that request is what backpropagation
#    passes backward (lesson 2).
#
# Levers 1 and 2 move *parameters*, the numbers training changes, and one training step
# moves them all alike. So they can be compared fairly: give each a nudge of the same
# total size (the length of the vector of changes) and see how much $a_j^{(L)}$ rises
# per unit of nudge. That is $\sigma'(z_j)$ times $1$ for the bias, and times
# $|a^{(L-1)}| = \sqrt{\sum_k (a_k^{(L-1)})^2}$ for the weights. Lever 3 is different in
# kind: the activations are not parameters but what layer $L-1$ computes, each a
# sigmoid's output between 0 and 1. It is a *request*, and the panel shows what it would
# do if layer $L-1$ granted it, with every $a_k$ kept between 0 and 1. The left bars
# show how the weight nudge shares out: exactly like the inputs beside it.

# %%
levers = levers_result(LeversState())
for lever in levers.ranking:
    print(f"{lever:8s}  a_0 rises by {levers.effect[lever]:.3f} per unit nudge")
for k in np.argsort(levers.state.a_prev)[::-1]:
    print(f"a_{k}(L-1) = {levers.state.a_prev[k]:.1f}   "
          f"Δw_0{k} = {levers.w_direction[k]:.3f} per unit weight nudge")

# %% [markdown]
# For output neuron 0 the weights beat the bias: $|a^{(L-1)}| = 1.38$ here, and a weight
# nudge moves $z_0$ by that much per unit where the bias moves it by 1. The weight lever echoes the videos' loose analogy with "neurons
# that fire together wire together" (more on how loose in a moment): the weights from
# the most active inputs ($a_0$, then
# $a_5$) change the most, and the weight from the silent input $a_3 = 0$ does not change
# at all.
#
# Things to try:
#
# 1. Turn the two brightest inputs, $a_0$ and $a_5$, down step by step. When does the
#    bias overtake the weights?
# 2. Turn every $a_k^{(L-1)}$ down to $0$. What happens to the weight lever?
# 3. Turn every $a_k^{(L-1)}$ up to $1$. How does the weight lever compare with the bias?
# 4. Put everything back (re-run the cell) and raise the nudge size to 1. Which bars turn
#    grey, and why does lever 3 now do less than the bias?

# %%
LeversPanel()

# %% [markdown]
# <details><summary>What you should see</summary>
#
# 1. The bias overtakes the weights once $|a^{(L-1)}|$ falls below 1: the two effects are
#    $\sigma'(z_j)\,|a^{(L-1)}|$ and $\sigma'(z_j)$. With $a_0 = a_5 = 0.6$ the length is
#    still $1.09$ and the weights lead; at $0.5$ each it is $0.98$, and the bias leads.
# 2. The weight lever's effect drops to $0$, and its bars vanish: with every input silent,
#    no weight can move $z_j$. The bias still works.
# 3. Each of the six weights now moves $z_j$ one for one, and the weight lever's effect is
#    $\sqrt 6 \approx 2.45$ times the bias's.
# 4. $a_0$ and $a_5$ are asked to rise past 1 and $a_3$ to fall below 0, so they stop at 1
#    and 0 (grey bars). Granted only in part, the request raises $a_0$ to $0.859$, less
#    than the bias lever's $0.863$. An activation is a sigmoid's output: it can be asked
#    for, not set, and only within $(0, 1)$.
#
# </details>

# %%
lesson1.quiz("bright_pixel")

# %% [markdown]
# ## Every output asks every hidden neuron
#
# Back to the untrained network and its 2. Lever 3 is where backpropagation begins: each
# output neuron $j$ would like the last hidden layer's activations to change, and every
# hidden neuron $k$ hears from all ten outputs at once. Output $j$ asks neuron $k$ to
# change by $w_{jk}\,\sigma'(z_j)\,\text{wish}_j$, its own wish passed back through the
# weight between them; neuron $k$'s wish is the sum of the ten requests. The panel draws
# that sum as a stacked bar, one coloured segment per output neuron, with a diamond at
# the total. (Lesson 3 derives the formula; here, watch the requests add up.)
#
# One example is not what training follows, though. The videos then average the wishes
# of many examples: the panel's second bar, and the black marks among the output
# wishes, do that for a mini-batch of 10 digits, this 2 and the nine digits after it.
# Predict first:

# %%
lesson1.batch_wishes_up(network, mnist.X_test, mnist.y_test, first=two, batch_size=10)

# %%
WishesPanel(network, mnist.X_test, mnist.y_test, digit=2)

# %% [markdown]
# Every average points down: before it learns anything about digits, this network has to
# learn to say less to everything, and lesson 4 shows that this is indeed the first
# thing training does. Averaged over *all* the training examples, and passed back to
# every weight and bias, these wishes are the direction a step of gradient descent
# takes: minus the gradient of the cost, $-\nabla C$ (lesson 4). Lesson 5 comes back to
# this panel with a trained network.
#
# Why do the weights start random at all, and not, say, all at 0.1? Then every hidden
# neuron of a layer would compute the same activation, receive the same requests, and
# get the same wish, so every step would change them all alike: they would stay copies
# of each other forever, and 16 neurons would do the work of one. Random starting
# weights break that symmetry; the seed makes the random start the same on every run.
#
# The rest of this lesson takes the smallest piece of all this apart: one weight, one
# neuron feeding one neuron, and the chain rule that turns wishes into changes.

# %% [markdown]
# ## The notation
#
# Now zoom in on a single one of those connections. Look at the last two layers of a network, each with a single neuron. A superscript in
# parentheses names the *layer*: $L$ is the last one, $L-1$ the one before it.
#
# | symbol | meaning | in code |
# |---|---|---|
# | $a^{(L-1)}$ | the activation of the neuron in layer $L-1$ | `a_prev` |
# | $w^{(L)}$, $b^{(L)}$ | the weight and bias of the last layer | `w`, `b` |
# | $z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}$ | the weighted input | `z` |
# | $a^{(L)} = \sigma\big(z^{(L)}\big)$ | the output activation | `a` |
# | $y$ | the value we want $a^{(L)}$ to have | `y` |
# | $C_0 = \big(a^{(L)} - y\big)^2$ | the cost of this one training example | `C0` |
#
# Here $\sigma$ is the sigmoid, $\sigma(z) = 1/(1+e^{-z})$, which squashes any number
# into $(0, 1)$. Let us put in some numbers and run the link forward. `chain.forward`
# computes any chain of links (lesson 2) and calls the activation it starts from `x`,
# its input; here that input is $a^{(L-1)}$.

# %%
a_prev = 0.8
fwd = chain.forward(w=[1.5], b=[-0.5], x=a_prev, y=0.0)
print(f"z = {fwd.z[0]:.4f},  a = {fwd.a[1]:.4f},  C0 = {fwd.C0:.4f}")

# %% [markdown]
# With $w = 1.5$, $b = -0.5$ and $a^{(L-1)} = 0.8$ the weighted input is
# $z = 1.5 \cdot 0.8 - 0.5 = 0.7$, the neuron outputs $\sigma(0.7) \approx 0.668$, and
# since we wanted $y = 0$ the cost is $0.668^2 \approx 0.446$. Training means changing
# $w$ and $b$ so that this cost goes down. To know *which way* to change them, we need
# to know how sensitive $C_0$ is to each.

# %% [markdown]
# ## The computation tree
#
# Each quantity is computed from a few others. Drawn as a tree, $w^{(L)}$, $a^{(L-1)}$
# and $b^{(L)}$ feed $z^{(L)}$, which feeds $a^{(L)}$, which (together with the target
# $y$) feeds $C_0$. On every arrow we write the *local* derivative: how much the
# quantity at the head moves when the one at the tail moves a little.

# %%
computation_tree()

# %% [markdown]
# ## The chain rule, one factor at a time
#
# A nudge to $w^{(L)}$ travels along the arrows: it changes $z^{(L)}$, which changes
# $a^{(L)}$, which changes $C_0$. The total sensitivity is the product of the local
# ones along the way:
#
# $$
# \frac{\partial C_0}{\partial w^{(L)}}
# = \underbrace{\frac{\partial z^{(L)}}{\partial w^{(L)}}}_{a^{(L-1)}}\;
#   \underbrace{\frac{\partial a^{(L)}}{\partial z^{(L)}}}_{\sigma'(z^{(L)})}\;
#   \underbrace{\frac{\partial C_0}{\partial a^{(L)}}}_{2(a^{(L)} - y)} .
# $$
#
# Before reading on, try the formula on a case of your own:

# %%
lesson1.quiz("zero_input")

# %% [markdown]
# Each factor tells its own story.
#
# * **$a^{(L-1)}$, the input's activation.** A weight's influence is proportional to
#   how strongly its input neuron fires. If $a^{(L-1)} = 0$, changing $w^{(L)}$ changes
#   nothing at all. The videos compare this, loosely, with "neurons that fire together
#   wire together" (Hebbian learning), and they call the analogy loose for a reason: the
#   change a weight gets is $a^{(L-1)}$ times the *error* the next neuron should fix,
#   $\sigma'(z^{(L)})\,2(a^{(L)} - y)$, not $a^{(L-1)}$ times how strongly that neuron
#   fires. A neuron that already fires exactly as it should gets no change at all,
#   however active both neurons are; Hebb's rule, $\Delta w \propto a_{\text{pre}}\,
#   a_{\text{post}}$, would keep strengthening it.
# * **$\sigma'(z^{(L)})$, the activation's slope.** The sigmoid is steep near $z = 0$
#   (slope $1/4$) and flat far from it. A *saturated* neuron, with $|z|$ large, barely
#   responds to anything, so the gradient through it is close to zero.
# * **$2(a^{(L)} - y)$, the error.** The farther the output is from the target, the
#   stronger the signal. When the output is right, this factor is zero and nothing
#   needs to change.
#
# The bias and the previous activation follow the same path, with a different first
# factor: $\partial z/\partial b = 1$ and $\partial z/\partial a^{(L-1)} = w^{(L)}$.
# That last one matters in lesson 2: it is how the signal travels further back.
#
# `chain.backward` computes all of these in one pass:

# %%
lesson1.smallest_factor(w=1.5, b=-0.5, a_prev=a_prev, y=0.0)

# %%
g = chain.backward(w=[1.5], b=[-0.5], x=a_prev, y=0.0)
print(f"a_prev = {g.forward.a[0]:.4f}   sigma'(z) = {g.sigma_prime[0]:.4f}   "
      f"2(a - y) = {g.dC_da[1]:.4f}")
print(f"dC0/dw = {g.dC_dw[0]:.4f}   dC0/db = {g.dC_db[0]:.4f}   dC0/da_prev = {g.dC_da[0]:.4f}")

# %% [markdown]
# Check the product yourself: $0.8 \times 0.2217 \times 1.3364 \approx 0.2370$.
# The derivative is positive, so *increasing* $w$ increases the cost; gradient descent
# will decrease it.

# %% [markdown]
# ### Derivation: $\partial C_0/\partial b^{(L)}$
#
# The bias reaches the cost along the same path as the weight,
# $b^{(L)} \to z^{(L)} \to a^{(L)} \to C_0$, so the chain rule gives the same product
# with a different first factor:
#
# $$\frac{\partial C_0}{\partial b^{(L)}} = \frac{\partial z^{(L)}}{\partial b^{(L)}}\,
#   \frac{\partial a^{(L)}}{\partial z^{(L)}}\,\frac{\partial C_0}{\partial a^{(L)}}.$$
#
# In $z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}$ the bias is simply added, so nudging it by
# $\Delta$ moves $z^{(L)}$ by exactly $\Delta$: $\partial z^{(L)}/\partial b^{(L)} = 1$. Hence
#
# $$\frac{\partial C_0}{\partial b^{(L)}} = 1 \cdot \sigma'\big(z^{(L)}\big)\cdot
#   2\big(a^{(L)} - y\big),$$
#
# the weight's derivative without its factor $a^{(L-1)}$. Three ways to get it agree: the
# formula, `chain.backward`, and a central difference that nudges $b$ itself.

# %%
from bp_helpers.gradcheck import difference_quotient

w, b, a_prev, y = 1.5, -0.5, 0.8, 0.0
link = chain.forward([w], [b], a_prev, y)
by_formula = 1 * sigmoid_prime(link.z[0]) * 2 * (link.a[1] - y)
by_backprop = chain.backward([w], [b], a_prev, y).dC_db[0]
by_nudging = difference_quotient(lambda b_: chain.cost([w], [b_], a_prev, y), b, h=1e-6)
print(f"formula {by_formula:.6f}   backprop {by_backprop:.6f}   nudging {by_nudging:.6f}")

# %% [markdown]
# ## The tree, step by step
#
# Here is the computation tree again, with numbers. **step ▶** fills in one node at a
# time: first forward, left to right, each node's value; then backward, right to left,
# each node's $\partial C_0/\partial(\text{node})$, which is the local derivative on the
# arrow times the derivative already found at the arrow's head. **◀ step back** undoes a
# step, and ▶ on the player runs them all. Better: before each step, work out the number
# it will fill in, type it into **your next number** and press **check ▶**. The panel
# says whether you were right, then takes the step. Two patterns show up on the way back:
#
# * an **addition** passes the gradient on unchanged: in $z = w\,a^{(L-1)} + b$,
#   $\partial z/\partial b = 1$;
# * a **multiplication** hands each input the *other* one's value:
#   $\partial z/\partial w = a^{(L-1)}$ and $\partial z/\partial a^{(L-1)} = w$.

# %%
from bp_helpers.panels.graph import GraphPanel, GraphState

GraphPanel(GraphState(w=(1.5,), b=(-0.5,), x=0.8, y=0.0))

# %% [markdown]
# ## What a derivative promises
#
# A derivative is a promise about small changes: nudge $w$ by $\Delta$, and the cost
# changes by about $\frac{\partial C_0}{\partial w}\,\Delta$. We can test the promise
# directly, by measuring $\Delta C = C_0(w+\Delta) - C_0(w)$ and dividing by the
# prediction. (The same holds for $b$ and $a^{(L-1)}$.)

# %%
for delta in [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]:
    r = nudge_result(NudgeState(wrt="w", delta=delta))
    error = r.measured - r.predicted
    print(f"Δ = {delta:.0e}   measured ΔC = {r.measured:+.6e}   ratio = {r.ratio:.6f}   "
          f"error = {error:+.2e}   error/Δ² = {error / delta**2:+.6f}")

# %% [markdown]
# The ratio creeps towards 1 as $\Delta$ shrinks: the smaller the nudge, the better
# the straight-line (tangent) prediction. The leftover error, measured minus
# predicted, comes from the curvature the tangent ignores. For small $\Delta$ it is
# about $\tfrac12 C_0''\,\Delta^2$: it shrinks like $\Delta^2$, a hundredfold for each
# tenfold smaller nudge, and error/$\Delta^2$ settles at $\tfrac12 C_0'' \approx -0.00043$.
# This point was chosen almost straight ($C_0'' \approx -0.0009$), so for the larger nudges
# the next term, which grows like $\Delta^3$, outweighs the curvature and the error
# falls faster: 350 times from $\Delta = 10^{-1}$ to $10^{-2}$. At $10^{-6}$ round-off
# starts to show, as the nudge panel's right plot makes plain.

# %% [markdown]
# ## The nudge panel
#
# Now it is your turn. Pick which input to nudge (`w`, `b` or `a(L-1)`), set the
# sliders, and watch:
#
# * the **readouts**: $z$, $a$, $C_0$, the three factors of the derivative and their
#   product, the measured $\Delta C$, the predicted change and their ratio;
# * **left plot**: $C_0$ as a function of the variable you nudge, the tangent line at
#   the current point, and the nudge itself in red;
# * **right plot**: $|\text{measured} - \text{predicted}|$ for every nudge size from
#   $10^{-12}$ to $1$, with your current $\Delta$ marked.
#
# Things to try:
#
# 1. Drag $\Delta$ down from $1$ to $10^{-6}$ and watch the ratio approach 1.
# 2. Keep going to $10^{-12}$. On the right plot the error stops shrinking around
#    $10^{-17}$: that is round-off. $C_0(w+\Delta)$ and $C_0(w)$ agree in almost all of their
#    16 digits, and the subtraction leaves mostly noise.
# 3. Set $a^{(L-1)} = 0$ and nudge `w`: the cost does not move at all.
# 4. Set $y$ close to the current $a$: every derivative fades, because there is no
#    error left to correct.
# 5. Push $w$ and $b$ to $6$: the neuron saturates and $\sigma'(z)$ almost vanishes.

# %%
NudgePanel()

# %% [markdown]
# <details><summary>What you should see</summary>
#
# 1. At $\Delta = 1$ the ratio is about $0.94$, at $10^{-1}$ about $0.999$. From
#    $\Delta = 10^{-3}$ on, each tenfold smaller nudge brings it about ten times closer to 1,
#    and at $10^{-6}$ the readout shows $+1$: the two agree to the eight digits shown.
# 2. Below $\Delta \approx 10^{-7}$ the error curve goes flat and jagged, between about
#    $10^{-18}$ and $10^{-16}$, instead of falling on along its straight line of slope 2.
# 3. With $a^{(L-1)} = 0$ the first factor $\partial z/\partial w$ is $0$, the measured
#    $\Delta C$ is exactly $0$, and the ratio shows a dash: there is no predicted change to
#    compare with.
# 4. With $y = 0.67$ (the output is $0.668$) the error factor $2(a - y)$ is about
#    $-0.004$, and $\partial C_0/\partial w$ falls from $0.237$ to about $-0.0006$.
# 5. At $w = b = 6$, $z = 10.8$ and $\sigma'(z) \approx 2 \times 10^{-5}$: although the
#    output is as wrong as it can be ($a \approx 1$, $y = 0$), $\partial C_0/\partial w$ is
#    only about $3 \times 10^{-5}$.
#
# </details>

# %% [markdown]
# ## Sigmoid or ReLU: when learning stops
#
# The panel's **σ** switch swaps the sigmoid for the rectified linear unit,
# $\operatorname{ReLU}(z) = \max(0, z)$, whose slope is $1$ for $z > 0$ and $0$ for
# $z < 0$. At the kink, $z = 0$ exactly, it has no slope; like most libraries, the course
# uses $\operatorname{ReLU}'(0) = 0$ there. (A gradient check that nudges $z$ across 0
# measures something in between, so such checks stay away from the kink.) The two fail in
# different ways:

# %%
for z in [0.0, 2.0, 5.0, 10.0, -3.0]:
    print(f"z = {z:+5.1f}   sigmoid'(z) = {sigmoid_prime(z):.2e}   relu'(z) = {relu_prime(z):.0f}")

# %% [markdown]
# * A **saturated sigmoid** ($|z| \gtrsim 5$) has a slope below $0.01$: the neuron still
#   outputs something, but the gradient through it is tiny, so learning crawls.
# * A **dead ReLU** ($z < 0$) has slope exactly $0$: no gradient passes, and nothing
#   through that neuron is learned until something else moves $z$ back above zero.
#
# In both cases $\partial C_0/\partial w^{(L)} = a^{(L-1)}\,\sigma'(z^{(L)})\,2(a^{(L)}-y)$
# is (nearly) zero however wrong the output is. Here is the dead ReLU in numbers:

# %%
lesson1.dead_relu_slope(w=-2.0, b=-0.5, a_prev=0.8, y=1.0)

# %%
dead = nudge_result(NudgeState(w=-2.0, b=-0.5, a_prev=0.8, y=1.0, wrt="w", activation="relu"))
print(f"z = {dead.z:.2f}   a = {dead.a:.2f}   C0 = {dead.C0:.2f}   dC0/dw = {dead.dC_dx:.2f}")

# %% [markdown]
# The output is $0$ where we wanted $1$, the cost is as large as it gets, and yet the
# weight's derivative is $0$: gradient descent has nothing to go on.

# %% [markdown]
# ## One example, or all of them?
#
# Everything here is the cost of **one** training example, $C_0$. A network is trained
# on many examples, and the cost it really minimises is the *average*
# $C = \frac{1}{n}\sum_{k=0}^{n-1} C_k$ over all of them, where $C_k$ is the cost of
# example $k$ (the videos number examples from 0, so $C_0$ is the first one's). Because
# differentiation is linear,
# its gradient is simply the average of the per-example gradients we now know how to
# compute. Each example *wishes* for a change of every weight, the negative of its
# gradient (the videos' "desired nudges"), and the wishes are averaged. Lesson 4 builds gradient descent on exactly that, and shows why averaging
# over a small random *mini-batch* is usually better than waiting for all of them.

# %% [markdown]
# ## Summary
#
# * Three levers raise an output neuron: its bias, its weights (each in proportion to its
#   input's activation, so the most active inputs' weights change most) and the previous
#   layer's activations (each in proportion to its weight).
# * The last link computes $z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}$, $a^{(L)} = \sigma(z^{(L)})$,
#   $C_0 = (a^{(L)} - y)^2$.
# * By the chain rule, $\partial C_0/\partial w^{(L)} = a^{(L-1)} \cdot \sigma'(z^{(L)})
#   \cdot 2(a^{(L)}-y)$: input activation × slope × error. For the bias $b^{(L)}$ the first
#   factor is $1$; for the previous activation $a^{(L-1)}$ it is $w^{(L)}$.
# * A derivative predicts the change in cost for a small nudge. The prediction error
#   shrinks like $\Delta^2$ until round-off sets a floor, below about $\Delta = 10^{-7}$.
# * Learning through a weight stops when its input is $0$, its neuron is saturated or
#   dead, or the output is already right.

# %% [markdown]
# ## Exercises
#
# **1. Write $\sigma'(z)$.** Use $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$. Replace the
# `raise` line with your code and run the cell. (`np.exp` works on numbers and arrays
# alike.) Each check says what is right or wrong; after your first attempt it also offers
# a worked solution, with the reasoning.

# %%
def my_sigmoid_prime(z):
    raise NotImplementedError


cases = [{"z": 0.0}, {"z": 2.0}, {"z": np.array([-1.0, 3.0])}]
lesson1.exercise("sigmoid_prime").grade(my_sigmoid_prime, cases)

# %% [markdown]
# **2. Write $\partial C_0/\partial w^{(L)}$** for the sigmoid neuron, from `w`, `b`,
# `a_prev` and `y`. You may use `sigmoid` and `sigmoid_prime` from bp_helpers (they are
# imported at the top), or your own.

# %%
def my_dC0_dw(w, b, a_prev, y):
    raise NotImplementedError


cases = [{"w": 1.5, "b": -0.5, "a_prev": 0.8, "y": 0.0},
         {"w": -1.0, "b": 2.0, "a_prev": 0.3, "y": 1.0}]
lesson1.exercise("dC0_dw").grade(my_dC0_dw, cases)

# %% [markdown]
# **3. A quick question.** Pick an answer and press the button.

# %%
lesson1.quiz("round_off")
