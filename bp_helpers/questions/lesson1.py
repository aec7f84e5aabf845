"""Lesson 1's quizzes, predictions and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson1.quiz("zero_input")`,
`lesson1.exercise("dC0_dw").grade(my_dC0_dw, cases)`); what would give it
away lives here.
"""


import numpy as np

from bp_helpers import chain
from bp_helpers.activations import sigmoid_prime
from bp_helpers.exercises import Catalogue, Exercise, Solution, lock_module
from bp_helpers.panels.predict import Answer, Prediction
from bp_helpers.panels.wishes import WishesState, wishes_result


def _dC0_dw(w, b, a_prev, y):
    return chain.backward([w], [b], a_prev, y).dC_dw[0]


QUIZZES = {
    "zero_input": dict(
        question="The input neuron is silent: a(L-1) = 0. What is ∂C₀/∂w(L)?",
        options=["It depends on how wrong the output is", "Exactly 0", "It equals σ′(z(L))",
                 "It is 2(a(L) − y)"],
        answer=1,
        explanations=[
            "The error factor can be large, but it is multiplied by a(L-1) = 0.",
            "The first factor, ∂z/∂w = a(L-1), is 0, so the whole product is 0: "
            "changing w cannot change z.",
            "σ′(z) is only the middle factor; the first factor a(L-1) = 0 wipes the product out.",
            "That is the last factor alone; it is multiplied by a(L-1) = 0.",
        ],
    ),
    "round_off": dict(
        question="You shrink Δ from 1e-6 to 1e-12. What happens to |measured ΔC − predicted|?",
        options=["It keeps shrinking like Δ²", "It stops shrinking: round-off sets a floor",
                 "It becomes exactly 0"],
        answer=1,
        explanations=[
            "It does for a while, but below about Δ = 1e-7 it cannot go further.",
            "C(x+Δ) and C(x) agree in almost all their digits, so their difference is "
            "dominated by round-off near 1e-17.",
            "Floating-point numbers carry about 16 digits; the difference keeps some noise.",
        ],
    ),
    "bright_pixel": dict(
        question="The output neuron for \"2\" should fire more for this image. One of its "
                 "inputs is a bright pixel that is clearly part of the 2. What should the "
                 "weight of that connection do?",
        options=["Decrease, so that the neuron depends less on a single pixel",
                 "Increase, and by more the brighter the pixel",
                 "Stay as it is: only the bias of the \"2\" neuron should change",
                 "Increase by the same amount as every other weight into the \"2\" neuron"],
        answer=1,
        explanations=[
            "Decreasing the weight from a bright pixel lowers z, so the \"2\" neuron would "
            "fire less, the opposite of what this example wants.",
            "∂z/∂w = a(L-1): raising the weight raises z in proportion to the pixel's "
            "brightness, so the gradient step changes the weights from the brightest pixels "
            "the most. Neurons that fire together wire together.",
            "The bias is one lever, but the weights are too: every weight whose input is "
            "active moves z, and this pixel is very active.",
            "A weight's effect on z is its input's activation: the weights from dark pixels "
            "(a = 0) cannot move z at all, so the step gives them nothing.",
        ],
    ),
}

EXERCISES = {
    "sigmoid_prime": Exercise(
        reference=sigmoid_prime,
        hint="the slope at z = 0 should be 1/4.",
        solution=Solution(
            steps=(
                r"The sigmoid is $\sigma(z) = 1/(1 + e^{-z})$. Its derivative, "
                r"$e^{-z}/(1 + e^{-z})^2$, can be written with $\sigma$ itself: "
                r"$\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.",
                r"Compute $\sigma(z)$ once and reuse it. numpy works entry by entry, so the "
                r"same two lines handle a number and an array.",
                r"Check one value by hand: at $z = 0$, $\sigma = 1/2$, so "
                r"$\sigma' = \tfrac12 \cdot \tfrac12 = \tfrac14$, the sigmoid's steepest slope.",
            ),
            code="def my_sigmoid_prime(z):\n"
                 "    s = 1 / (1 + np.exp(-z))\n"
                 "    return s * (1 - s)\n",
        ),
    ),
    "dC0_dw": Exercise(
        reference=_dC0_dw,
        hint="multiply the three factors a_prev, sigma'(z) and 2(a - y).",
        solution=Solution(
            steps=(
                r"Run the neuron forward: $z = w\,a^{(L-1)} + b$, then $a = \sigma(z)$.",
                r"$w$ reaches the cost along one path, $w \to z \to a \to C_0$. The chain rule "
                r"gives one factor per link: $\partial z/\partial w = a^{(L-1)}$, "
                r"$\partial a/\partial z = \sigma'(z)$ and $\partial C_0/\partial a = 2(a - y)$.",
                r"Multiply the three factors: "
                r"$\partial C_0/\partial w = a^{(L-1)}\,\sigma'(z)\,2(a - y)$.",
            ),
            code="def my_dC0_dw(w, b, a_prev, y):\n"
                 "    z = w * a_prev + b\n"
                 "    a = sigmoid(z)\n"
                 "    return a_prev * sigmoid_prime(z) * 2 * (a - y)\n",
        ),
    ),
}

questions = Catalogue("lesson 1", QUIZZES, EXERCISES)
quiz, exercise = questions.quiz, questions.exercise

# Predictions ------------------------------------------------------------------------------

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


lock_module(__name__)
