"""Lesson 1's quizzes and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson1.quiz("zero_input")`,
`lesson1.exercise("dC0_dw").check(my_dC0_dw, cases)`); what would give it
away lives here.
"""

from bp_helpers import chain
from bp_helpers.activations import sigmoid_prime
from bp_helpers.exercises import Catalogue, Exercise, Solution, read_only


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

read_only(__name__)
