"""Lesson 5's quizzes and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson5.quiz("which_weights")`,
`lesson5.exercise("accuracy").check(my_accuracy, cases)`); what would give it
away lives here.
"""

import numpy as np

from bp_helpers.exercises import Catalogue, Exercise, Solution, read_only
from bp_helpers.network import one_hot


def _accuracy(outputs, labels):
    return float(np.mean(np.argmax(outputs, axis=1) == labels))


def _wishes(a, label):
    return -2 * (a - one_hot(label, 10))


QUIZZES = {
    "which_weights": dict(
        question="A training digit leaves most of the 784 pixels blank (0). During backprop on "
                 "this one example, which first-layer weights get a non-zero gradient?",
        options=["All of them, equally", "Only those from inked (non-zero) pixels",
                 "Only those from blank pixels", "Only those into the most active hidden neuron"],
        answer=1,
        explanations=[
            "∂C₀/∂w_jk = δ_j x_k, and x_k = 0 for a blank pixel.",
            "The gradient is δ_j x_k, so a blank pixel (x_k = 0) contributes nothing, however "
            "wrong the output.",
            "The opposite: x_k = 0 makes δ_j x_k = 0.",
            "Every hidden neuron j with δ_j ≠ 0 gets gradient on the weights from inked pixels.",
        ],
    ),
}

EXERCISES = {
    "accuracy": Exercise(
        reference=_accuracy,
        hint="np.argmax(outputs, axis=1) gives each prediction.",
        solution=Solution(
            steps=(
                r"Row $i$ of outputs holds example $i$'s ten output activations. The network's "
                r"answer is the digit whose neuron is most active: the index of the row's "
                r"largest entry, np.argmax(outputs, axis=1), shape $(m,)$.",
                r"Comparing the predictions with labels gives $m$ True/False values.",
                r"True counts as 1 and False as 0, so their mean is the fraction that are right.",
            ),
            code="def my_accuracy(outputs, labels):\n"
                 "    predictions = np.argmax(outputs, axis=1)\n"
                 "    return np.mean(predictions == labels)\n",
        ),
    ),
    "wishes": Exercise(
        reference=_wishes,
        hint="the target y is one_hot(label, 10).",
        solution=Solution(
            steps=(
                r"The target is $y$ = one_hot(label, 10): 1 for the true digit, 0 for the nine "
                r"others.",
                r"The quadratic cost is $C_0 = \sum_j (a_j - y_j)^2$, so "
                r"$\partial C_0/\partial a_j = 2(a_j - y_j)$, one entry per output neuron.",
                r"The wishes are the negative gradient, $-2(a - y)$: the true digit's neuron "
                r"wishes to go up, every other neuron to go down, each in proportion to how "
                r"far it is from its target.",
            ),
            code="def my_wishes(a, label):\n"
                 "    y = one_hot(label, 10)\n"
                 "    return -2 * (a - y)\n",
        ),
    ),
}

questions = Catalogue("lesson 5", QUIZZES, EXERCISES)
quiz, exercise = questions.quiz, questions.exercise

read_only(__name__)
