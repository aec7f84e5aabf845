"""Every claim of lesson 3 that depends on computed output, recomputed with its parameters.

Claims (quoted or paraphrased from notebooks/text/03_many_neurons_per_layer.py):

The notation
- "W(1) has shape (4, 3) ...; W(2) has shape (2, 4)"; "row 0 holds the four edges that end
  at output neuron 0"; x = (0.9, 0.2, 0.6), y = (1, 0).
The weight derivative
- the formula for w_10^(2) and network.backprop agree (printed to 6 digits).
The paths panel, things to try (and their answers)
- 1: in layer 1, neurons 1 and 3 have paths of opposite signs (+0.241 / -0.105, total 0.136;
  +0.141 / -0.088, total 0.053); neuron 3's total is under 40% of its larger path, neuron
  1's over half; neurons 0 and 2 have two positive paths and totals larger than either.
- 2: 8 paths per input neuron, summing to backprop's value; 16 x 16 x 10 = 2560.
- 3: layer 1, neuron 0: ratio ~0.954 at Delta = 1, ~0.987 at 0.5, 0.99999 at 1e-3.
- "They agree exactly" (sum of paths and backprop).
The matrix form
- "4 x 3 + 4 + 2 x 4 + 2 = 26" parameters; "agree to 1e-12: True" (matrix and loop forms).
Checking every parameter
- the correct backprop passes; the forgotten sigma', grafted onto layer 2's gradients alone:
  "layer 2 lights up, while layer 1 stays pale"; the printout names w_jk^(2) in the
  lesson's notation. A backprop that really forgets sigma' (passing the wrong delta(L)
  back): "layer 1 lights up too".
"""

from pathlib import Path

import numpy as np
import pytest

from bp_helpers.gradcheck import check_gradients, in_notation
from bp_helpers.network_loops import backprop_loops
from bp_helpers.panels import PathsState, example_network, paths_result
from bp_helpers.zoo import BUGS

BY_NAME = {bug.name: bug.backprop for bug in BUGS}

pytestmark = pytest.mark.every_cpu  # the lesson's claims hold under every CPU's kernels


@pytest.fixture(scope="module")
def lesson():
    return example_network()


def test_shapes_and_example(lesson):
    network, x, y = lesson
    assert [W.shape for W in network.W] == [(4, 3), (2, 4)]
    assert x.tolist() == [0.9, 0.2, 0.6] and y.tolist() == [1.0, 0.0]
    assert sum(W.size + b.size for W, b in zip(network.W, network.b, strict=True)) == 26


def test_weight_derivative_formula_matches_backprop(lesson):
    network, x, y = lesson
    forward = network.forward(x)
    j, k = 1, 0
    a_prev, z, a = forward.activations[1], forward.zs[1], forward.activations[2]
    by_formula = a_prev[k] * network.activation.df(z[j]) * 2 * (a[j] - y[j])
    assert f"{by_formula:.6f}" == f"{network.backprop(x, y).dC_dW[1][j, k]:.6f}"


def paths_of(lesson, layer, k, delta=1e-3):
    network, x, y = lesson
    return paths_result(PathsState(layer=layer, k=k, delta=delta), network, x, y)


def test_try_1_singles_out_one_neuron(lesson):
    opposite = []
    for k in range(4):
        r = paths_of(lesson, 1, k)
        signs = {np.sign(p.contribution) for p in r.paths}
        largest = max(abs(p.contribution) for p in r.paths)
        if signs == {-1.0, 1.0}:
            opposite.append(k)
        else:
            assert abs(r.total) > largest
    assert opposite == [1, 3]
    one, three = paths_of(lesson, 1, 1), paths_of(lesson, 1, 3)
    assert [round(p.contribution, 3) for p in one.paths] == [0.241, -0.105]
    assert [round(p.contribution, 3) for p in three.paths] == [0.141, -0.088]
    assert (round(one.total, 3), round(three.total, 3)) == (0.136, 0.053)
    assert three.total < 0.4 * 0.141 and one.total > 0.5 * 0.241


def test_try_2_eight_paths_per_input(lesson):
    for k in range(3):
        r = paths_of(lesson, 0, k)
        assert len(r.paths) == 8
        assert r.total == pytest.approx(r.dC_da_k, rel=1e-12, abs=1e-15)
    assert 16 * 16 * 10 == 2560


def test_try_3_large_nudges_drift(lesson):
    ratio = {delta: paths_of(lesson, 1, 0, delta).ratio for delta in (1.0, 0.5, 1e-3)}
    assert (round(ratio[1.0], 3), round(ratio[0.5], 3), round(ratio[1e-3], 5)) == (
        0.954, 0.987, 0.99999)


def test_matrix_and_loop_forms_agree(lesson):
    network, _, _ = lesson
    rng = np.random.default_rng(0)
    X_batch, Y_batch = rng.uniform(0, 1, (5, 3)), rng.uniform(0, 1, (5, 2))
    dC_dW, dC_db = network.backprop(X_batch, Y_batch)
    loops = backprop_loops(network, X_batch, Y_batch)
    pairs = zip(dC_dW + dC_db, loops[0] + loops[1], strict=True)
    assert all(np.allclose(a, b, rtol=0, atol=1e-12) for a, b in pairs)
    assert check_gradients(network, X_batch, Y_batch).ok


def test_forgotten_sigma_prime_grafted_on_layer_2_lights_up_layer_2_only(lesson):
    network, _, _ = lesson
    rng = np.random.default_rng(0)
    X_batch, Y_batch = rng.uniform(0, 1, (5, 3)), rng.uniform(0, 1, (5, 2))

    def forgot_sigma_prime(network, X, Y):
        g = network.backprop(X, Y)
        delta_L = 2 * (g.activations[-1] - Y)
        dC_dW_L = delta_L.T @ g.activations[-2] / len(X)
        return [*g.dC_dW[:-1], dC_dW_L], [*g.dC_db[:-1], delta_L.mean(axis=0)]

    broken = check_gradients(network, X_batch, Y_batch, backprop=forgot_sigma_prime)
    assert not broken.ok
    assert broken.worst_at[:2] == ("W", 1)  # layer 2
    assert np.max(broken.error_W[0]) < 1e-6 and np.max(broken.error_b[0]) < 1e-6
    assert np.min(broken.error_W[1]) > 1e-2 and np.min(broken.error_b[1]) > 1e-2
    assert in_notation(broken.worst_at).startswith("w") and "⁽²⁾ (layer 2," in in_notation(
        broken.worst_at)


def test_forgotten_sigma_prime_passed_back_lights_up_layer_1_too(lesson):
    network, _, _ = lesson
    rng = np.random.default_rng(0)
    X_batch, Y_batch = rng.uniform(0, 1, (5, 3)), rng.uniform(0, 1, (5, 2))
    broken = check_gradients(network, X_batch, Y_batch, backprop=BY_NAME["no_sigma_prime"])
    for layer in range(2):
        assert np.max(broken.error_W[layer]) > 1e-2 and np.max(broken.error_b[layer]) > 1e-2


def test_locations_in_the_lessons_notation():
    assert in_notation(("W", 1, 1, 0)) == "w₁₀⁽²⁾ (layer 2, to neuron 1 from neuron 0)"
    assert in_notation(("W", 1, 15, 7)) == "w₁₅,₇⁽²⁾ (layer 2, to neuron 15 from neuron 7)"
    assert in_notation(("b", 0, 3)) == "b₃⁽¹⁾ (layer 1, neuron 3)"
    with pytest.raises(ValueError, match=r"expected \('W', i, j, k\) or \('b', i, j\)"):
        in_notation(("W", 1, 2))


def test_lesson_3_points_to_the_zoos_other_mistakes():
    text = (Path(__file__).resolve().parents[1] / "notebooks" / "text" /
            "03_many_neurons_per_layer.py").read_text()
    assert "the patterns of nine other mistakes" in text
    assert len(BUGS) == 10 and "no_sigma_prime" in [bug.name for bug in BUGS]
