"""Lesson 3's quizzes, predictions and exercises: answers, references and worked solutions.

The lesson shows each question (`lesson3.quiz("weight_index")`,
`lesson3.exercise("delta").grade(my_delta, cases)`); what would give it away
lives here.
"""


import numpy as np

from bp_helpers.activations import sigmoid_prime
from bp_helpers.exercises import Catalogue, Exercise, Solution, lock_module
from bp_helpers.panels.paths import PathsState, paths_result
from bp_helpers.panels.predict import Answer, Prediction, sign_of
from bp_helpers.validate import whole_number


def _dC_da_k(W, z, a, y, k):
    return float(np.sum(W[:, k] * sigmoid_prime(z) * 2 * (a - y)))


def _delta(W_next, delta_next, z):
    return (W_next.T @ delta_next) * sigmoid_prime(z)


QUIZZES = {
    "weight_index": dict(
        question="In a 784-16-16-10 network, W(3) has shape (10, 16). "
                 "What does W(3)[2, 7] connect?",
        options=["Neuron 2 of layer 2 to neuron 7 of layer 3",
                 "Neuron 7 of layer 2 to neuron 2 of layer 3",
                 "Neuron 2 of layer 3 to neuron 7 of layer 4",
                 "Pixel 7 to hidden neuron 2"],
        answer=1,
        explanations=[
            "The row is where the signal goes, not where it comes from: w_jk goes to j.",
            "Row j = 2 is the receiving neuron in layer 3; column k = 7 the sender in layer 2.",
            "W(3) holds the weights into layer 3; there is no layer 4 in this network.",
            "Pixels feed layer 1, through W(1).",
        ],
    ),
}

EXERCISES = {
    "dC_da_k": Exercise(
        reference=_dC_da_k,
        hint="add up W[j, k] * sigma_prime(z[j]) * 2 * (a[j] - y[j]) over every j.",
        solution=Solution(
            steps=(
                r"$a_k^{(L-1)}$ feeds every output neuron: "
                r"$z_j^{(L)} = \sum_k w_{jk}^{(L)} a_k^{(L-1)} + b_j^{(L)}$ for each $j$. So it "
                r"reaches the cost along one path per output neuron.",
                r"Along the path through neuron $j$, lesson 1's three factors are "
                r"$\partial z_j/\partial a_k = w_{jk}$, $\partial a_j/\partial z_j = "
                r"\sigma'(z_j)$ and $\partial C_0/\partial a_j = 2(a_j - y_j)$.",
                r"The paths add up: $\partial C_0/\partial a_k^{(L-1)} = \sum_j w_{jk}\,"
                r"\sigma'(z_j)\,2(a_j - y_j)$. The weights $w_{jk}$ out of neuron $k$ are "
                r"column k of W, W[:, k].",
            ),
            code="def my_dC_da_k(W, z, a, y, k):\n"
                 "    total = 0.0\n"
                 "    for j in range(len(z)):\n"
                 "        total += W[j, k] * sigma_prime(z[j]) * 2 * (a[j] - y[j])\n"
                 "    return total\n",
        ),
    ),
    "delta": Exercise(
        reference=_delta,
        hint="the sum over j is a product with the transpose, W_next.T @ delta_next.",
        solution=Solution(
            steps=(
                r"$\delta_k^{(l)} = \partial C_0/\partial z_k^{(l)}$. Exercise 1's path sum, one "
                r"layer further back, gives $\delta_k^{(l)} = \sigma'(z_k^{(l)}) \sum_j "
                r"w_{jk}^{(l+1)}\,\delta_j^{(l+1)}$.",
                r"For a fixed $k$, the sum runs down column $k$ of $W^{(l+1)}$. Doing it for "
                r"every $k$ at once is a matrix product with the transpose: "
                r"$\big(W^{(l+1)}\big)^{\mathsf T} \delta^{(l+1)}$, shape $(n_l,)$.",
                r"Then multiply entry by entry by $\sigma'(z^{(l)})$: numpy's *, not a second "
                r"matrix product.",
            ),
            code="def my_delta(W_next, delta_next, z):\n"
                 "    return (W_next.T @ delta_next) * sigma_prime(z)\n",
        ),
    ),
}

questions = Catalogue("lesson 3", QUIZZES, EXERCISES)
quiz, exercise = questions.quiz, questions.exercise

# Predictions ------------------------------------------------------------------------------

def _neuron(name, value, layer, network):
    """value as a neuron index of layer `layer` of network, or an error naming `name`.

    Checked when the question is asked: inside the Commit button's callback a
    bad index would end in an error the learner never sees.
    """
    return whole_number(f"{name} (a neuron of layer {layer})", value, 0,
                        network.sizes[layer] - 1)


def _factor_word(value):
    return "negative" if value < 0 else "positive"


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


lock_module(__name__)
