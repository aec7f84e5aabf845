"""Backprop on any graph: a scalar `Value` and an array `Tensor` that know their derivatives.

Lesson 7 builds these. A `Value` holds a number (`data`), the Values it was
computed from (`parents`), the local derivative of itself with respect to
each parent (`local`), and its `grad`, dC/d(this value) once `backward()` has
run from the cost C. `backward()` visits the nodes in reverse topological
order, so every node has received all it will ever get before it passes its
grad on, and it *adds* (`+=`) into its parents: a value that feeds several
places collects the sum over paths of lesson 3. Like PyTorch, grads add up
across calls of `backward()`; `zero_grad` resets them.

`Tensor` is the same idea for numpy arrays (examples as rows, as everywhere
in bp_helpers): each operation stores a function that turns its output's grad
into its parents' grads. `forward_mode_derivative` is the other way round, one
derivative per pass, for lesson 7's count of why backprop runs in reverse.
"""

import math

import numpy as np


class Value:
    """A number in a computation graph: data, parents, local derivatives, grad."""

    def __init__(self, data, parents=(), local=(), op="", name=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents, self.local = tuple(parents), tuple(local)  # local[i] = d self/d parents[i]
        self.op, self.name = op, name

    def __repr__(self):
        name = f"{self.name}, " if self.name else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = as_value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = as_value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "×")

    def __pow__(self, k):  # a power by a constant number k
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),), f"^{k:g}")

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,), "exp")

    def log(self):
        return Value(math.log(self.data), (self,), (1 / self.data,), "log")

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        return Value(s, (self,), (s * (1 - s),), "σ")

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,), "tanh")

    def relu(self):  # max(0, x); at the kink x = 0 the slope taken is 0, as in PyTorch
        return Value(max(0.0, self.data), (self,), (float(self.data > 0),), "ReLU")

    def max(self, other):  # the whole gradient goes to the winner (to self on a tie)
        other = as_value(other)
        wins = self.data >= other.data
        return Value(max(self.data, other.data), (self, other), (float(wins), float(not wins)),
                     "max")

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,), "−")

    def __sub__(self, other):
        other = as_value(other)
        return Value(self.data - other.data, (self, other), (1.0, -1.0), "−")

    def __truediv__(self, other):
        return self * as_value(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return as_value(other) - self

    def __rtruediv__(self, other):
        return as_value(other) / self

    def backward(self):
        """Fill in grad = d self/d node for every node self depends on (adding to what is there)."""
        self.grad = 1.0  # d self/d self
        for node in reversed(topological_order(self)):
            for parent, local in zip(node.parents, node.local, strict=True):
                parent.grad += local * node.grad  # chain rule; += sums over paths


def as_value(x):
    """x itself if it is a Value, else a new Value holding the number x (a constant)."""
    return x if isinstance(x, Value) else Value(x)


def topological_order(root):
    """Every node root depends on, each after all of its parents; root comes last."""
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)  # only once all its parents are in the list

    visit(root)
    return order


def zero_grad(values):
    """Set the grad of every Value in `values` back to 0 (before the next backward)."""
    for value in values:
        value.grad = np.zeros_like(value.data) if isinstance(value, Tensor) else 0.0


# The same idea with arrays. ----------------------------------------------------------------

class Tensor:
    """An array in a computation graph; each op stores how to pass its grad to its parents."""

    def __init__(self, data, parents=(), back=None):
        self.data = np.asarray(data, dtype=float)
        self.grad = np.zeros_like(self.data)
        self.parents, self.back = tuple(parents), back  # back(grad) -> one grad per parent

    def __matmul__(self, other):
        return Tensor(self.data @ other.data, (self, other),
                      lambda g: (g @ other.data.T, self.data.T @ g))

    def __add__(self, other):  # b of shape (n,) is added to every row of (m, n): broadcasting
        other = as_tensor(other)
        return Tensor(self.data + other.data, (self, other),
                      lambda g: (unbroadcast(g, self.data.shape), unbroadcast(g, other.data.shape)))

    def __sub__(self, other):
        return self + as_tensor(other) * -1

    def __pow__(self, k):
        return Tensor(self.data ** k, (self,), lambda g: (g * k * self.data ** (k - 1),))

    def sigmoid(self):
        s = 1 / (1 + np.exp(-self.data))
        return Tensor(s, (self,), lambda g: (g * s * (1 - s),))

    def relu(self):
        return Tensor(np.maximum(self.data, 0), (self,), lambda g: (g * (self.data > 0),))

    @property
    def T(self):  # the transpose; its grad is the grad's transpose
        return Tensor(self.data.T, (self,), lambda g: (g.T,))

    def sum(self, axis=None):
        out = self.data.sum(axis=axis)
        expand = (lambda g: g) if axis is None else (lambda g: np.expand_dims(g, axis))
        return Tensor(out, (self,), lambda g: (np.broadcast_to(expand(g), self.data.shape),))

    def mean(self, axis=None):
        total = self.sum(axis)
        return total * (total.data.size / self.data.size)

    def __mul__(self, k):  # by a constant number k
        return Tensor(self.data * k, (self,), lambda g: (g * k,))

    def backward(self):
        """Fill in every grad, d self/d node, with self a single number (the cost)."""
        self.grad = np.ones_like(self.data)
        for node in reversed(topological_order(self)):
            if node.back is not None:
                for parent, grad in zip(node.parents, node.back(node.grad), strict=True):
                    parent.grad = parent.grad + grad  # += across paths, new array each time


def as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def unbroadcast(g, shape):
    """g summed down to `shape`: a bias added to every row collects every row's grad."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def network_cost(W, b, X, Y, activation="sigmoid"):
    """C = (1/m) sum over examples of sum_j (a_j(L) - y_j)^2, as a Tensor graph.

    W, b: lists of Tensors shaped like Network.W and Network.b; X (m, n_0) and
    Y (m, n_L) are arrays. Every layer uses `activation` ("sigmoid" or "relu").
    """
    a = Tensor(X)
    for W_l, b_l in zip(W, b, strict=True):
        z = a @ W_l.T + b_l  # examples as rows: z = a W^T + b
        a = z.sigmoid() if activation == "sigmoid" else z.relu()
    return ((a - Y) ** 2).sum(axis=1).mean()


def tensor_backprop(network, X, Y):
    """(dC_dW, dC_db) for a sigmoid quadratic Network, by Tensor's backward: Network.backprop's."""
    W = [Tensor(w) for w in network.W]
    b = [Tensor(v) for v in network.b]
    network_cost(W, b, np.atleast_2d(X), np.atleast_2d(Y), network.activation.name).backward()
    return [w.grad for w in W], [v.grad for v in b]


def sgd_epoch(W, b, X, Y, batch_size, lr, rng):
    """One epoch of lesson 6's loop on Tensors: shuffle, slice, zero_grad, backward, step."""
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start:start + batch_size]
        zero_grad(W + b)  # forget the last batch's grads: backward adds to what is there
        network_cost(W, b, X[batch], Y[batch]).backward()
        for parameter in W + b:
            parameter.data -= lr * parameter.grad  # in place, downhill


# Forward mode: one pass per parameter. ------------------------------------------------------

def forward_mode_derivative(network, X, Y, dW, db):
    """dC along the direction (dW, db): one forward pass that carries a nudge's effect along.

    Each layer carries z and its change dz = dW a + W da + db (for the batch,
    examples as rows); da = sigma'(z) dz. One pass gives the derivative of C
    with respect to one direction, so the gradient takes one pass per parameter.
    """
    a, da = X, np.zeros_like(X)
    for W, b, dW_l, db_l in zip(network.W, network.b, dW, db, strict=True):
        z, dz = a @ W.T + b, a @ dW_l.T + da @ W.T + db_l
        a = 1 / (1 + np.exp(-z))
        da = a * (1 - a) * dz
    return float(np.mean(np.sum(2 * (a - Y) * da, axis=1)))


def forward_mode_gradient(network, X, Y):
    """(dC_dW, dC_db) by forward mode: one pass per weight and bias, as a nudge-free sweep."""
    dW = [np.zeros_like(w) for w in network.W]
    db = [np.zeros_like(v) for v in network.b]
    grads_W = [np.zeros_like(w) for w in network.W]
    grads_b = [np.zeros_like(v) for v in network.b]
    for tangents, grads in ((dW, grads_W), (db, grads_b)):
        for direction, grad in zip(tangents, grads, strict=True):
            for index in np.ndindex(direction.shape):
                direction[index] = 1.0  # the unit direction of this one parameter
                grad[index] = forward_mode_derivative(network, X, Y, dW, db)
                direction[index] = 0.0
    return grads_W, grads_b


__all__ = ["Tensor", "Value", "as_tensor", "as_value", "forward_mode_derivative",
           "forward_mode_gradient", "network_cost", "sgd_epoch", "tensor_backprop",
           "topological_order", "unbroadcast", "zero_grad"]
