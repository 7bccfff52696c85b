"""Deep autoencoders: unrolling a stack of RBMs, and the backprop step.

A stack of RBMs ``v -> h1 -> ... -> hL`` unrolls into ``2 L`` dense
layers: the encoder applies each RBM's ``p(h | v)`` in turn, the decoder
each RBM's mean visible reconstruction in reverse order (Hinton and
Salakhutdinov 2006). Layer ``l`` computes ``A_{l+1} = f_l(A_l C_l + d_l)``
with ``C_l`` of shape ``(fan_in, fan_out)``, the orientation of
:class:`~sklearn.neural_network.MLPRegressor`'s ``coefs_``, so that the
forward pass needs no transposed copy. ``f_l`` is the logistic sigmoid for
hidden layers, the identity for the output (linear, for Gaussian data) and,
optionally, for the code layer.

The gradient follows the conventions of :mod:`skrbm._kernels`: the loss is
``1/(2 n) sum |Y - X|^2``, the gradients are descent directions, and
``out = beta * out + scale * grad`` folds the momentum update in.
"""

from itertools import pairwise

import numpy as np

from ._kernels import (
    CDWorkspace,
    _buffer,
    accumulate,
    column_sum,
    sigmoid,
    squared_error,
)

#: Activation of each kind of layer, by name.
LOGISTIC, IDENTITY = "logistic", "identity"


def unroll_stack(layers, code_activation=LOGISTIC):
    """Coefficients, intercepts and activations of an unrolled RBM stack.

    Parameters
    ----------
    layers : list of tuple
        ``(W, c, b, sigma)`` per RBM, bottom first: weights
        ``(n_components, n_features)``, hidden and visible biases, and the
        visible standard deviations (None for unit variance or binary
        visible units). Each RBM's ``n_features`` is the previous one's
        ``n_components``.
    code_activation : {"logistic", "identity"}, default="logistic"
        Activation of the top encoder layer (the code).

    Returns
    -------
    coefs : list of ndarray
        ``2 L`` matrices of shape ``(fan_in, fan_out)``: ``(W_l / sigma)^T``
        up the encoder, ``W_l * sigma`` down the decoder.
    intercepts : list of ndarray
        ``c_l`` up the encoder, ``b_l`` down the decoder.
    activations : list of str
        One per layer: logistic, except the code layer
        (``code_activation``) and the output (identity).
    """
    coefs, intercepts = [], []
    for W, c, _, sigma in layers:
        coefs.append((W if sigma is None else W / sigma).T)
        intercepts.append(c)
    for W, _, b, sigma in reversed(layers):
        coefs.append(W if sigma is None else W * sigma)
        intercepts.append(b)
    return coefs, intercepts, layer_activations(len(coefs), code_activation)


def layer_activations(n_layers, code_activation=LOGISTIC):
    """Activations of a mirrored autoencoder of ``n_layers`` (even) layers.

    Logistic, except the code layer (the last of the encoder half),
    ``code_activation``, and the output, the identity.

    Parameters
    ----------
    n_layers : int
    code_activation : {"logistic", "identity"}, default="logistic"

    Returns
    -------
    activations : list of str
    """
    activations = [LOGISTIC] * n_layers
    activations[n_layers // 2 - 1] = code_activation
    activations[-1] = IDENTITY
    return activations


def mirrored_sizes(n_features, hidden):
    """Widths ``[n_features, *hidden, *reversed(hidden[:-1]), n_features]``."""
    hidden = list(hidden)
    return [n_features, *hidden, *hidden[-2::-1], n_features]


def random_coefs(sizes, random_state):
    """MLPRegressor's initialisation for logistic layers of the given widths.

    Uniform in ``+-sqrt(2 / (fan_in + fan_out))``, weights and biases alike.

    Parameters
    ----------
    sizes : list of int
        Widths ``[n_features, ..., code, ..., n_features]``.
    random_state : numpy.random.RandomState

    Returns
    -------
    coefs, intercepts : list of ndarray
    """
    coefs, intercepts = [], []
    for fan_in, fan_out in pairwise(sizes):
        bound = np.sqrt(2.0 / (fan_in + fan_out))
        coefs.append(random_state.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(random_state.uniform(-bound, bound, fan_out))
    return coefs, intercepts


def forward(X, coefs, intercepts, activations, outs=None):
    """Activations of every layer; the last is the reconstruction.

    Parameters
    ----------
    X : ndarray of shape (n, n_features)
    coefs, intercepts : list of ndarray
    activations : list of str
    outs : list of ndarray, optional
        Buffers of shape ``(>= n, fan_out)`` per layer.

    Returns
    -------
    A : list of ndarray
        ``A[l]`` is the output of layer ``l`` (``len(coefs)`` arrays).
    """
    n = X.shape[0]
    A, previous = [], X
    for layer, (C, d, kind) in enumerate(
        zip(coefs, intercepts, activations, strict=True)
    ):
        out = None if outs is None else outs[layer][:n]
        Z = np.matmul(previous, C, out=out)
        Z += d
        if kind == LOGISTIC:
            sigmoid(Z, out=Z)
        A.append(Z)
        previous = Z
    return A


class DeepWorkspace:
    """Preallocated buffers of one deep-autoencoder minibatch step.

    Parameters
    ----------
    batch_size : int
    sizes : list of int
        Layer widths, input first.
    dtype : numpy dtype
    """

    def __init__(self, batch_size, sizes, dtype):
        self.V = _buffer((batch_size, sizes[0]), dtype)
        self.A = [_buffer((batch_size, width), dtype) for width in sizes[1:]]
        self.D = [_buffer((batch_size, width), dtype) for width in sizes[1:]]
        self.S = [_buffer((batch_size, width), dtype) for width in sizes[1:-1]]
        self.grad_coefs = [
            _buffer((fan_in, fan_out), dtype) for fan_in, fan_out in pairwise(sizes)
        ]
        self.grad_intercepts = [_buffer(width, dtype) for width in sizes[1:]]
        self.ones = np.ones(batch_size, dtype=dtype)

    load = CDWorkspace.load


def deep_backprop_gradient(
    X, coefs, intercepts, activations, ws, out_coefs, out_intercepts, scale, beta
):
    """Gradient of a deep autoencoder's squared reconstruction error.

    Parameters
    ----------
    X : ndarray of shape (n, n_features)
    coefs, intercepts : list of ndarray
        Current parameters (see :func:`unroll_stack`).
    activations : list of str
    ws : DeepWorkspace
    out_coefs, out_intercepts : list of ndarray
        Receive ``beta * out + scale * grad`` (descent directions).
    scale, beta : float

    Returns
    -------
    sse : float
        Sum of squared reconstruction errors over the minibatch.
    """
    X = ws.load(X)
    n = X.shape[0]
    A = forward(X, coefs, intercepts, activations, ws.A)
    # the output delta, negated and scaled: (X - Y) * scale / n
    E = ws.D[-1][:n]
    sse = squared_error(X, A[-1], E)
    E *= scale / n
    inputs = [X, *A[:-1]]
    for layer in range(len(coefs) - 1, -1, -1):
        delta = ws.D[layer][:n]
        grad_C, grad_d = ws.grad_coefs[layer], ws.grad_intercepts[layer]
        np.matmul(inputs[layer].T, delta, out=grad_C)
        column_sum(delta, ws.ones[:n], grad_d)
        if layer:
            below = ws.D[layer - 1][:n]
            np.matmul(delta, coefs[layer].T, out=below)
            if activations[layer - 1] == LOGISTIC:
                H = inputs[layer]
                below *= H
                below *= np.subtract(1.0, H, out=ws.S[layer - 1][:n])
        accumulate(out_coefs[layer], grad_C, beta)
        accumulate(out_intercepts[layer], grad_d, beta)
    return sse
