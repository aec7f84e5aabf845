"""Backprop written out one index at a time, exactly as the formulas read.

This is the slow, plain version of `Network.backprop`, for reading next to
the lesson and for testing: the two must give the same gradients. For each
example, layer by layer,

    z_j(l)  = sum_k w_jk(l) a_k(l-1) + b_j(l),      a_j(l) = sigma(z_j(l))
    dC0/da_j(L) = 2 (a_j(L) - y_j)
    dC0/dz_j(l) = sigma'(z_j(l)) dC0/da_j(l)         (delta_j(l))
    dC0/dw_jk(l) = a_k(l-1) delta_j(l),              dC0/db_j(l) = delta_j(l)
    dC0/da_k(l-1) = sum_j w_jk(l) delta_j(l)

and the batch gradient is the average over the examples. The backward pass
calls the four equations of `bp_helpers.equations` on one neuron or one
weight at a time, the way the formulas above read them. Those formulas are
for the quadratic cost; any other cost (network.cost_function) gives
dC0/da_j(L) in place of 2 (a_j(L) - y_j). A cost with an output layer of its
own computes that layer and its delta(L) in one go, since each output then
depends on every z_j(L): softmax with cross-entropy has
a_j(L) = e^(z_j) / sum_i e^(z_i) and delta_j(L) = a_j(L) - y_j.
"""

import numpy as np

from bp_helpers.equations import bias_gradient, error_back, output_error, weight_gradient


def backprop_loops(network, X, Y):
    """(dC_dW, dC_db) for the batch-averaged cost, with one Python loop per index.

    network is a `Network`; X, Y are what `Network.backprop` takes.
    The result has the shapes of network.W and network.b.
    """
    X, Y = network.as_batch(X, Y)
    W, b = network.W, network.b
    sigma, sigma_prime = network.activation.f, network.activation.df
    cost = network.cost_function
    L, m = len(W), len(X)
    dC_dW = [np.zeros_like(w) for w in W]
    dC_db = [np.zeros_like(b_l) for b_l in b]
    for x, y in zip(X, Y, strict=True):
        # Forward: a[layer][k] and z[layer][j], keeping the lessons' layer numbers.
        a = [list(x)]
        z = [None]
        for layer in range(1, L + 1):
            w = W[layer - 1]
            z_layer = []
            for j in range(len(b[layer - 1])):
                z_j = b[layer - 1][j]
                for k in range(len(a[layer - 1])):
                    z_j += w[j, k] * a[layer - 1][k]
                z_layer.append(z_j)
            z.append(z_layer)
            if layer == L and cost.output is not None:  # the whole layer at once
                a.append([float(a_j) for a_j in cost.output(np.array(z_layer))])
            else:
                a.append([float(sigma(z_j)) for z_j in z_layer])

        # Backward: delta_j(layer) = dC0/dz_j(layer), from the output down, by the
        # four equations of bp_helpers.equations applied to one neuron (or weight) at a time.
        if cost.delta is not None:  # the cost's own output layer: its delta(L) in one go
            delta = [float(d_j) for d_j in cost.delta(np.array(z[L]), np.array(a[L]), y)]
        else:
            dC_da = cost.dC_da(np.array(a[L]), y)  # 2 (a_j(L) - y_j) for the quadratic cost
            delta = [float(output_error(dC_da[j], z[L][j], sigma_prime)) for j in range(len(y))]
        for layer in range(L, 0, -1):
            w = W[layer - 1]
            for j in range(len(delta)):
                dC_db[layer - 1][j] += bias_gradient(delta[j]) / m
                for k in range(len(a[layer - 1])):
                    dC_dW[layer - 1][j, k] += weight_gradient(delta[j], a[layer - 1][k]) / m
            if layer > 1:
                # delta_k(layer-1) = (sum_j w_jk delta_j(layer)) sigma'(z_k): column k of W
                delta = [float(error_back(w[:, k], np.array(delta), z[layer - 1][k], sigma_prime))
                         for k in range(len(a[layer - 1]))]
    return dC_dW, dC_db
