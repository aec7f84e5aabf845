"""Lesson 5's quizzes, predictions and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson5.quiz("which_weights")`,
`lesson5.exercise("accuracy").grade(my_accuracy, cases)`); what would give it
away lives here.
"""


import numpy as np

from bp_helpers.data import load_digits
from bp_helpers.evaluation import confusion_matrix, gradient_sizes
from bp_helpers.exercises import Catalogue, Exercise, Solution, lock_module
from bp_helpers.network import Network, one_hot
from bp_helpers.panels.predict import Answer, Prediction


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

# Predictions ------------------------------------------------------------------------------

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


REACH_OPTIONS = ("About as far", "2 to 10 times as far", "10 to 100 times as far",
                 "More than 100 times as far")


def step_reach(X, lr, lr_lesson4, guess=None):
    """Lesson 5: how much farther one example's step moves a first-layer neuron here.

    One example's step moves first-layer neuron j's weighted input by
    -lr delta_j (|x|^2 + 1); X (n, 784) and lesson 4's 8x8 digits (m, 64) are
    compared by the mean of |x|^2 + 1 over their training rows.
    """

    def solve():
        X_lesson4 = load_digits().X_train
        here, there = (float(np.mean(np.sum(np.square(inputs), axis=1))) + 1
                       for inputs in (X, X_lesson4))
        ratio = here / there
        outcome = REACH_OPTIONS[int(np.searchsorted([2, 10, 100], ratio))]
        why = (f"|x|² + 1 averages {here:.0f} over these digits' {X.shape[1]} pixels, and "
               f"{there:.0f} over lesson 4's {X_lesson4.shape[1]}: {ratio:.1f} times as far "
               f"at the same η. So η = {lr:g} reaches as far as η = {lr * ratio:.2g} did in lesson "
               f"4: {lr * ratio / lr_lesson4:.2g} of its η = {lr_lesson4:g} step, not the "
               f"{lr / lr_lesson4:.2g} that the two η suggest.")
        return Answer(outcome, f"{ratio:.1f} times as far", why)

    return Prediction(f"Lesson 4 stepped with η = {lr_lesson4:g}; this recipe steps with "
                      f"η = {lr:g}. At the same η and δ_j, how much farther does one MNIST "
                      "digit's step move z_j than one of lesson 4's 8×8 digits, on average?",
                      "choice", solve, options=REACH_OPTIONS, guess=guess)



def hardest_digit(network, X, labels, guess=None):
    """Lesson 5: which true digit the trained network gets wrong most often (X (m, 784))."""
    digits = tuple(str(d) for d in range(10))

    def solve():
        counts = confusion_matrix(network, X, labels)
        wrong = counts.sum(axis=1) - np.diag(counts)
        worst, best = int(np.argmax(wrong)), int(np.argmin(wrong))
        mistaken = counts[worst].copy()
        mistaken[worst] = -1
        why = (f"The {worst}s: {wrong[worst]} of {counts[worst].sum()} wrong, most often "
               f"taken for a {int(np.argmax(mistaken))}. The fewest mistakes are on the "
               f"{best}s ({wrong[best]} of {counts[best].sum()}). The matrix below shows "
               "every pair.")
        return Answer(str(worst), f"the {worst}s", why)

    return Prediction("Before the confusion matrix: which digit does the network get wrong "
                      "most often?", "choice", solve, options=digits, guess=guess)


lock_module(__name__)
