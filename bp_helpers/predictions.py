"""The lessons' predict-then-reveal moments, each answered by bp_helpers itself.

Every function takes the lesson's own parameters and returns a `Prediction`
whose answer (and the sentence on why) is computed from them, and only when
the learner commits a guess. Two or three per lesson, in lesson order, for lessons
1-5 (lesson 6 asks its zoo's diagnoses in bp_helpers.questions.lesson6).
"""

import math

import numpy as np

from bp_helpers import chain
from bp_helpers.descent import descend, gradient_step, train_run
from bp_helpers.evaluation import gradient_sizes
from bp_helpers.network import Network
from bp_helpers.panels.paths import PathsState, paths_result
from bp_helpers.panels.wishes import WishesState, wishes_result
from bp_helpers.predict import Answer, Prediction, sign_of
from bp_helpers.validate import whole_number


def _neuron(name, value, layer, network):
    """value as a neuron index of layer `layer` of network, or an error naming `name`.

    Checked when the question is asked: inside the Commit button's callback a
    bad index would end in an error the learner never sees.
    """
    return whole_number(f"{name} (a neuron of layer {layer})", value, 0,
                        network.sizes[layer] - 1)


def _factor_word(value):
    return "negative" if value < 0 else "positive"


# Lesson 1 ----------------------------------------------------------------------------------

def untrained_answer(network, x, label, guess=None):
    """Lesson 1: what an untrained 784-16-16-10 network answers for one digit x (784,)."""
    options = (f"Output {label} near 1, the others near 0",
               f"All ten middling, output {label} the largest",
               "All ten middling, another output the largest",
               "All ten near 0")

    def solve():
        a = network.output(x)
        others = np.delete(a, label)
        if a[label] > 0.9 and others.max() < 0.1:
            outcome = options[0]
        elif a.max() < 0.1:
            outcome = options[3]
        else:
            outcome = options[1] if int(np.argmax(a)) == label else options[2]
        largest = int(np.argmax(a))
        why = (f"The ten outputs lie between {a.min():.2f} and {a.max():.2f}; the largest is "
               f"output {largest} ({a[largest]:.2f}), and output {label} says {a[label]:.2f}. "
               "With random weights and biases each output is a sigmoid of a random mix of "
               "pixels: the network has no idea yet.")
        return Answer(outcome, outcome, why)

    return Prediction(f"This network has never been trained. What do its ten outputs say "
                      f"for this {label}?", "choice", solve, options=options, guess=guess)


def batch_wishes_up(network, X, labels, first, batch_size, guess=None):
    """Lesson 1: how many of the ten output wishes, averaged over a mini-batch, point up?

    The mini-batch is the one the wishes panel averages: batch_size examples of X
    from index `first` on.
    """

    def solve():
        result = wishes_result(WishesState(index=first, batch_size=batch_size), network, X,
                               labels)
        wishes = result.batch_output_wishes
        up = int(np.sum(wishes > 0))
        said = float(network.output(X[result.batch]).mean())
        why = (f"{up} of the 10 point up: the averages run from {wishes.min():+.2f} to "
               f"{wishes.max():+.2f}. Each digit asks for its own output up and the nine "
               f"others down; this network's outputs average {said:.2f} on these digits, "
               f"where a target averages 0.1")
        why += (", so on average every output is asked to say less." if up == 0 else
                "; where an output already says little, the one digit that wants it up "
                "can outweigh the others.")
        return Answer(up, f"{up} of 10", why)

    return Prediction(f"Average the output wishes over a mini-batch of {batch_size} digits "
                      "(this one and the next ones). How many of the ten averages point up "
                      "(0 to 10)?", "number", solve, tolerance=0, guess=guess)


FACTORS = ("a(L-1)", "σ′(z(L))", "2(a(L) − y)")


def smallest_factor(w, b, a_prev, y, guess=None):
    """Lesson 1: which of the three factors of dC0/dw(L) is smallest in size here?"""

    def solve():
        g = chain.backward([w], [b], a_prev, y)
        values = (a_prev, float(g.sigma_prime[0]), float(g.dC_da[1]))
        smallest = int(np.argmin(np.abs(values)))
        listed = ", ".join(f"{name} = {v:.4g}" for name, v in zip(FACTORS, values, strict=True))
        why = (f"The three factors are {listed}; the smallest in size is {FACTORS[smallest]}."
               f" Their product is ∂C0/∂w = {g.dC_dw[0]:.4g}.")
        if smallest == 1:
            why += " The sigmoid's slope is never more than 1/4, so it is often the smallest."
        return Answer(FACTORS[smallest], f"{FACTORS[smallest]} = {values[smallest]:.4g}", why)

    return Prediction(f"With w = {w:g}, b = {b:g}, a(L-1) = {a_prev:g} and y = {y:g}, which "
                      "of the three factors of ∂C0/∂w(L) is smallest in size?",
                      "choice", solve, options=FACTORS, guess=guess)


def dead_relu_slope(w, b, a_prev, y, guess=None):
    """Lesson 1: dC0/dw(L) for a ReLU neuron whose weighted input is negative."""

    def solve():
        g = chain.backward([w], [b], a_prev, y, activation="relu")
        z, a, slope = float(g.forward.z[0]), float(g.forward.a[1]), float(g.dC_dw[0])
        why = (f"z = {w:g} × {a_prev:g} + ({b:g}) = {z:.4g}"
               + (f" is negative, so relu′(z) = 0 and the product a(L-1) × 0 × 2(a − y) is 0, "
                  f"even though the output a = {a:.4g} is far from y = {y:g}."
                  if z < 0 else
                  " is positive, so relu′(z) = 1 and the product is a(L-1) × 2(a − y)."))
        return Answer(slope, f"∂C0/∂w = {slope:.4g}", why)

    return Prediction(f"A ReLU neuron with w = {w:g}, b = {b:g} and a(L-1) = {a_prev:g} should "
                      f"output y = {y:g}. What is ∂C0/∂w(L)?", "number", solve,
                      tolerance=0.01, guess=guess)


# Lesson 2 ----------------------------------------------------------------------------------

def first_weight_sign(w, b, x, y, guess=None):
    """Lesson 2: the sign of dC0/dw(1), a product of factors along the whole chain."""

    def solve():
        g = chain.backward(w, b, x, y)
        L = len(w)
        factors = [("a(0)", x)] + [(f"w({l})", w[l - 1]) for l in range(2, L + 1)]
        factors.append((f"2(a({L}) − y)", float(g.dC_da[L])))
        negative = [f"{name} = {value:.4g}" for name, value in factors if value < 0]
        value = float(g.dC_dw[0])
        why = (f"∂C0/∂w(1) = a(0) σ′(z(1)) w(2) σ′(z(2)) ⋯ 2(a({L}) − y). Every σ′ is "
               f"positive, so only the other factors can flip the sign: "
               + (f"{len(negative)} of them are negative ({', '.join(negative)})"
                  if negative else "none of them is negative")
               + f", so the product is {sign_of(value)}.")
        return Answer(value, f"∂C0/∂w(1) = {value:+.4g}", why)

    return Prediction("Before running the backward pass: is ∂C0/∂w(1) of this chain positive "
                      "or negative?", "sign", solve, guess=guess)


def vanishing_powers(w, b, x, y, guess=None):
    """Lesson 2: how many powers of ten separate dC0/dw(1) from dC0/dw(L) (sigmoid).

    Both derivatives must be nonzero, or no number of powers separates them:
    x = 0 makes dC0/dw(1) zero, and y = a(L) makes both zero.
    """
    g = chain.backward(w, b, x, y)
    if g.dC_dw[0] == 0 or g.dC_dw[-1] == 0:
        raise ValueError(
            f"∂C0/∂w(1) = {float(g.dC_dw[0]):.4g} and ∂C0/∂w({len(w)}) = "
            f"{float(g.dC_dw[-1]):.4g}: powers of ten can only compare two nonzero numbers, so "
            "choose x ≠ 0 and a y that the chain does not already output"
        )

    def solve():
        L = len(w)
        first, last = abs(float(g.dC_dw[0])), abs(float(g.dC_dw[-1]))
        powers = math.log10(last / first)
        links = np.abs(np.asarray(w[1:]) * g.sigma_prime[:-1])
        typical = float(np.exp(np.mean(np.log(links))))
        why = (f"|∂C0/∂w({L})| = {last:.2g} and |∂C0/∂w(1)| = {first:.2g}: a ratio of "
               f"{last / first:.2g}. On the way back the signal crosses {L - 1} links "
               f"w(l+1) σ′(z(l)), each about {typical:.2g} in size (their geometric mean), "
               f"and these multiply.")
        return Answer(powers, f"{powers:.1f} powers of ten (a ratio of {last / first:.2g})", why)

    return Prediction(f"In the {len(w)}-layer sigmoid chain, |∂C0/∂w({len(w)})| is larger than "
                      f"|∂C0/∂w(1)|. By how many powers of ten? (3 means 1000 times.)",
                      "number", solve, tolerance=1.0, guess=guess)


# Lesson 3 ----------------------------------------------------------------------------------

def path_sign(network, x, y, layer, k, j, guess=None):
    """Lesson 3: the sign of one path's product, from a_k(layer) through output neuron j.

    Such a path has one weight, so layer is the last before the output.
    """
    last = len(network.W) - 1
    if whole_number("layer", layer) != last:
        raise ValueError(f"layer must be {last}, the last before the output (a path from it "
                         f"to the cost has one weight), got {layer}")
    k, j = _neuron("k", k, layer, network), _neuron("j", j, last + 1, network)

    def solve():
        result = paths_result(PathsState(layer=layer, k=k), network, x, y)
        path = next(p for p in result.paths if p.neurons[-1] == j and len(p.neurons) == 2)
        g = network.backprop(x, y)
        w_jk = float(network.W[layer][j, k])
        error = float(g.dC_da[-1][j])
        why = (f"The path's product is w_{j}{k} × σ′(z_{j}) × 2(a_{j} − y_{j}) = {w_jk:.3g} × "
               f"{float(network.activation.df(g.zs[layer][j])):.3g} × {error:.3g}. σ′ is always "
               f"positive; the weight is {_factor_word(w_jk)} and the error "
               f"{_factor_word(error)}, so the product is {sign_of(path.contribution)}.")
        return Answer(path.contribution, f"{path.contribution:+.4g}", why)

    return Prediction(f"Follow the path from a_{k}({layer}) through output neuron {j} to the "
                      f"cost. Is its product w_{j}{k} σ′(z_{j}) 2(a_{j} − y_{j}) positive or "
                      f"negative?", "sign", solve, guess=guess)


def weight_derivative(network, x, y, j, k, guess=None):
    """Lesson 3: dC0/dw_jk of the last layer, estimated from the printed activations."""
    L = len(network.W)
    j, k = _neuron("j", j, L, network), _neuron("k", k, L - 1, network)

    def solve():
        g = network.backprop(x, y)
        L = len(network.W)
        a_prev, a = g.activations[L - 1], g.activations[L]
        value = float(g.dC_dW[-1][j, k])
        why = (f"a_{k}({L - 1}) σ′(z_{j}) 2(a_{j} − y_{j}) = {a_prev[k]:.4f} × "
               f"{a[j] * (1 - a[j]):.4f} × {2 * (a[j] - y[j]):.4f}, where the sigmoid's "
               f"slope is σ′(z_{j}) = a_{j}(1 − a_{j}). One path, three factors, as in lesson 1.")
        return Answer(value, f"∂C0/∂w_{j}{k}({L}) = {value:+.4f}", why)

    return Prediction(f"From the activations printed above (and σ′(z) = a(1 − a) for the "
                      f"sigmoid), estimate ∂C0/∂w_{j}{k}({len(network.W)}).", "number", solve,
                      tolerance=0.02, guess=guess)


# Lesson 4 ----------------------------------------------------------------------------------

STEP_OUTCOMES = (
    "The cost falls by about what the promise says",
    "The cost falls, but by less than promised",
    "The cost goes up",
)


def one_large_step(network, X, y, lr, guess=None):
    """Lesson 4: does one full-batch step of size lr keep the first-order promise?"""

    def solve():
        C = network.cost(X, y)
        dC_dW, dC_db = network.backprop(X, y)
        promised = C - lr * sum(float(np.sum(g**2)) for g in dC_dW + dC_db)
        after = gradient_step(network, X, y, lr).cost(X, y)
        if after > C:
            outcome = STEP_OUTCOMES[2]
        elif abs(after - promised) < 0.05 * (C - promised):  # within 5% of the promised fall
            outcome = STEP_OUTCOMES[0]
        else:
            outcome = STEP_OUTCOMES[1]
        why = (f"C goes from {C:.4f} to {after:.4f}; the promise C − η Σ(∂C/∂w)² said "
               f"{promised:.4f}. The promise is a tangent-line prediction: "
               + ("a step this short stays where the tangent describes the cost."
                  if outcome == STEP_OUTCOMES[0] else
                  "a step this long leaves the region where the tangent describes the cost."))
        return Answer(outcome, outcome, why)

    return Prediction(f"One full-batch step with η = {lr:g}: lesson 1's promise says the cost "
                      "falls by η Σ(∂C/∂w)². What happens?", "choice", solve,
                      options=STEP_OUTCOMES, guess=guess)


def which_ends_lower(cost_slice, start, lr, full_epochs, batch_size, mini_epochs, guess=None):
    """Lesson 4: full batch or mini-batches, which descent on the slice ends lower?"""
    options = (f"full batch, {full_epochs} epochs", f"B = {batch_size}, {mini_epochs} epochs")

    def solve():
        full = descend(cost_slice, start, lr=lr, batch_size=cost_slice.n, epochs=full_epochs)
        mini = descend(cost_slice, start, lr=lr, batch_size=batch_size, epochs=mini_epochs)
        lower = options[1] if mini.final_cost < full.final_cost else options[0]
        why = (f"Full batch ends at C = {full.final_cost:.4f} after {full.steps} steps; "
               f"B = {batch_size} ends at C = {mini.final_cost:.4f} after {mini.steps} steps. "
               f"Each mini-batch step is rougher, but there are "
               f"{mini.steps / full.steps:.0f} times as many of them.")
        return Answer(lower, lower, why)

    return Prediction(f"Both start from the square with η = {lr:g}. Sketch the two cost "
                      f"curves in your head: which one ends lower?", "choice", solve,
                      options=options, guess=guess)


LARGE_LR_OUTCOMES = (
    "It learns faster: bigger steps, quicker descent",
    "The cost explodes to ever larger values",
    "The neurons saturate, learning stalls, and training stops itself",
)


def large_learning_rate(X, y, lr, batch_size, epochs, guess=None):
    """Lesson 4: what a too-large learning rate does to the whole sigmoid network."""

    def solve():
        run = train_run(X, y, batch_size=batch_size, lr=lr, epochs=epochs)
        # training.sgd says in words why it stopped; saturation is the quiet failure.
        if run.stopped is None:
            outcome = LARGE_LR_OUTCOMES[0]
            why = (f"Training ran all {epochs} epochs and ended at C = {run.final_cost:.4f}.")
        else:
            outcome = LARGE_LR_OUTCOMES[2 if "saturated" in run.stopped else 1]
            why = run.stopped
        return Answer(outcome, outcome, why)

    return Prediction(f"Train the whole network with η = {lr:g} (ten times η = 3), B = "
                      f"{batch_size}, for {epochs} epochs. What happens?", "choice", solve,
                      options=LARGE_LR_OUTCOMES, guess=guess)


# Lesson 5 ----------------------------------------------------------------------------------

def favoured_digit(network, X, labels, j, guess=None):
    """Lesson 5: which digit's average image drives first-layer neuron j hardest?"""
    digits = tuple(str(d) for d in range(10))

    def solve():
        means = np.array([X[labels == d].mean(axis=0) for d in range(10)])
        z = means @ network.W[0][j] + network.b[0][j]
        best, worst = int(np.argmax(z)), int(np.argmin(z))
        why = (f"Weigh the average image of each digit with neuron {j}'s weights: its weighted "
               f"input z is highest for the average {best} (z = {z[best]:.2f}) and lowest for "
               f"the average {worst} (z = {z[worst]:.2f}): its blue (positive) weights, less "
               f"its red ones, overlap the {best}s' ink more than any other digit's.")
        return Answer(str(best), f"the digit {best}", why)

    return Prediction(f"Look at neuron {j}'s weight image above. Which digit does it favour, "
                      "that is, which digit's average image gives it the largest weighted "
                      "input?", "choice", solve, options=digits, guess=guess)


GAP_OPTIONS = ("about the same (less than 3 times)", "3 to 30 times weaker",
               "30 to 1000 times weaker", "more than 1000 times weaker")


def first_layer_gap(recipe, X, labels, guess=None):
    """Lesson 5: how much weaker layer 1's gradient is than the output layer's, untrained."""

    def solve():
        net = Network(recipe.sizes, activation=recipe.activation, cost=recipe.cost,
                      seed=recipe.seed)
        sizes = gradient_sizes(net, X, labels)
        ratio = float(sizes[-1] / sizes[0])
        bucket = int(np.searchsorted([3, 30, 1000], ratio))
        why = (f"Before training, the typical |∂C/∂w| is {sizes[0]:.2g} in layer 1 and "
               f"{sizes[-1]:.2g} in layer {len(sizes)}: {ratio:.0f} times weaker. The signal "
               f"crossed {len(sizes) - 1} more layers of w σ′ factors, each σ′ at most 1/4.")
        return Answer(GAP_OPTIONS[bucket], f"{ratio:.0f} times weaker", why)

    return Prediction(f"In the untrained {recipe.name} network {recipe.sizes}, how much weaker "
                      "is the first layer's typical weight gradient than the output layer's?",
                      "choice", solve, options=GAP_OPTIONS, guess=guess)

