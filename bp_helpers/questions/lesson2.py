"""Lesson 2's quizzes and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson2.quiz("vanishing")`,
`lesson2.exercise("backward").check(my_backward, cases)`); what would give it
away lives here.
"""

from bp_helpers import chain
from bp_helpers.exercises import Catalogue, Exercise, Solution, read_only


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

read_only(__name__)
