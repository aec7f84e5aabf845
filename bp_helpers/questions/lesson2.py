"""Lesson 2's quizzes, predictions and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson2.quiz("vanishing")`,
`lesson2.exercise("backward").grade(my_backward, cases)`); what would give it
away lives here.
"""

import math

import numpy as np

from bp_helpers import chain
from bp_helpers.backprop_vs_nudging import layer_evaluations
from bp_helpers.exercises import Catalogue, Exercise, Solution, lock_module
from bp_helpers.panels.predict import Answer, Prediction, sign_of


def _backward(w, b, x, y):
    return chain.backward(w, b, x, y).dC_dw


QUIZZES = {
    "vanishing": dict(
        question="Ten sigmoid layers, every weight equal to 1. At most how large is ∂C₀/∂w(1), "
                 "relative to the error signal 2(a(10) − y) times the input x?",
        options=["(1/4)¹⁰ ≈ 1e-6", "1/4", "10 × 1/4 = 2.5", "It depends only on the last layer"],
        answer=0,
        explanations=[
            "Each of the ten layers contributes a factor w σ′(z) ≤ 1 × 1/4, and they multiply.",
            "That is one layer's slope; there are ten of them in the product.",
            "The factors multiply along the chain; they do not add.",
            "Every layer on the way from w(1) to the cost contributes a factor.",
        ],
    ),
}

EXERCISES = {
    "backward": Exercise(
        reference=_backward,
        hint="start from dC_da = 2(a[L] - y) and walk l = L, ..., 1.",
        solution=Solution(
            steps=(
                r"Run the chain forward once to get every $z^{(l)}$ and $a^{(l)}$: "
                r"f = chain.forward(w, b, x, y).",
                r"Start at the cost: $\partial C_0/\partial a^{(L)} = 2(a^{(L)} - y)$.",
                r"Walk back from $l = L$ to $1$, with lesson 1's three factors at each layer: "
                r"$\delta^{(l)} = \partial C_0/\partial a^{(l)}\;\sigma'(z^{(l)})$, then "
                r"$\partial C_0/\partial w^{(l)} = a^{(l-1)}\,\delta^{(l)}$.",
                r"Before moving down a layer, pass the derivative back through the weight: "
                r"$\partial C_0/\partial a^{(l-1)} = w^{(l)}\,\delta^{(l)}$. That is the "
                r"recursion: each layer reuses the one above it.",
                r"Mind the indices: layer $l$ is entry l - 1 of w and z, but entry l of a "
                r"(a[0] is x).",
            ),
            code="def my_backward(w, b, x, y):\n"
                 "    f = chain.forward(w, b, x, y)\n"
                 "    L = len(w)\n"
                 "    dC_dw = np.zeros(L)\n"
                 "    dC_da = 2 * (f.a[L] - y)\n"
                 "    for l in range(L, 0, -1):\n"
                 "        delta = dC_da * sigmoid_prime(f.z[l - 1])\n"
                 "        dC_dw[l - 1] = f.a[l - 1] * delta\n"
                 "        dC_da = w[l - 1] * delta\n"
                 "    return dC_dw\n",
        ),
    ),
}

questions = Catalogue("lesson 2", QUIZZES, EXERCISES)
quiz, exercise = questions.quiz, questions.exercise

# Predictions ------------------------------------------------------------------------------

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


def nudging_ratio(L, guess=None):
    """Lesson 2: how many times as many layer evaluations nudging needs as backprop."""

    def solve():
        backprop, nudging = layer_evaluations(L)
        ratio = nudging / backprop
        why = (f"Nudging runs 2 forward passes for each of the chain's {2 * L} parameters, "
               f"{L} layers each: {nudging:,} layer evaluations. Backprop runs one forward and "
               f"one backward pass: {backprop:,}. The ratio is 2L = {ratio:,.0f}: a longer "
               "chain has more parameters to nudge, and every nudge's forward pass is longer.")
        return Answer(ratio, f"{ratio:,.0f} times as many", why)

    return Prediction(f"A chain of L = {L} layers has {2 * L} parameters. To get every "
                      "derivative, how many times as many layer evaluations does nudging "
                      "need as backprop?", "number", solve, tolerance=0.1 * 2 * L, guess=guess)


lock_module(__name__)
