"""The four equations of backpropagation, one small function each.

In the lessons' notation, with layers numbered l = 1..L (layer 0 is the
input) and delta(l) = dC0/dz(l), the error of layer l:

    (1) output error        delta(L) = dC0/da(L) * sigma'(z(L))
    (2) error passed back    delta(l) = (W(l+1)^T delta(l+1)) * sigma'(z(l))
    (3) weight gradient      dC/dW(l) = delta(l) a(l-1)^T
    (4) bias gradient        dC/db(l) = delta(l)

(* multiplies entry by entry.) Examples are rows, as everywhere in the
package: a batch of m errors delta(l) is an (m, n_l) array, so W(l+1)^T
delta(l+1) for every example at once is delta_next @ W_next, and (3) and (4)
average over the batch, giving the gradient of C = (1/m) sum_k C_k. A
single example may be given as 1-D vectors (and (1) and (4) also take plain
numbers, which is how `network_loops` uses them, one neuron at a time).

With softmax and cross-entropy the output error is softmax(z) - y instead of
(1): see `costs.cross_entropy_delta`.
"""

import numpy as np


def output_error(dC_da, z, sigma_prime):
    """Equation (1): delta(L) = dC0/da(L) * sigma'(z(L)).

    dC_da, z: (m, n_L) for a batch (or (n_L,) for one example, or numbers);
    sigma_prime: the activation's slope, e.g. activations.sigmoid_prime.
    For the quadratic cost dC_da = 2(a(L) - y). Returns the shape of z.
    """
    return dC_da * sigma_prime(z)


def error_back(W_next, delta_next, z, sigma_prime):
    """Equation (2): delta(l) = (W(l+1)^T delta(l+1)) * sigma'(z(l)).

    W_next = W(l+1), shape (n_{l+1}, n_l); delta_next = delta(l+1),
    (m, n_{l+1}); z = z(l), (m, n_l). With examples as rows, W(l+1)^T
    delta(l+1) for every row at once is delta_next @ W_next: entry k of a
    row is sum_j w_jk delta_j, the path sum. Returns (m, n_l); with 1-D
    delta_next (n_{l+1},) and z (n_l,), one example's (n_l,).
    """
    return (delta_next @ W_next) * sigma_prime(z)


def weight_gradient(delta, a_prev):
    """Equation (3): dC/dW(l) = delta(l) a(l-1)^T, averaged over the batch.

    delta = delta(l), (m, n_l); a_prev = a(l-1), (m, n_{l-1}). Returns
    (n_l, n_{l-1}), shaped like W(l): entry (j, k) is the mean over the
    examples of delta_j a_k. For one example (1-D vectors) it is the outer
    product delta a_prev^T, and for numbers their product.
    """
    delta, a_prev = np.asarray(delta), np.asarray(a_prev)
    if delta.ndim < 2:
        return np.multiply.outer(delta, a_prev)
    return delta.T @ a_prev / len(delta)


def bias_gradient(delta):
    """Equation (4): dC/db(l) = delta(l), averaged over the batch.

    delta = delta(l), (m, n_l). Returns (n_l,), shaped like b(l). For one
    example (a 1-D vector, or a number) it is delta itself.
    """
    delta = np.asarray(delta)
    return delta.mean(axis=0) if delta.ndim == 2 else delta


__all__ = ["bias_gradient", "error_back", "output_error", "weight_gradient"]
