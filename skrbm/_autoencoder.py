"""Autoencoders unrolled from RBMs: unrolling, initialisation and backprop.

One RBM unrolls into a single-layer autoencoder (Hinton and Salakhutdinov
2006): the encoder computes ``H = sigmoid(X W_enc^T + c)``, the decoder
the RBM's mean visible reconstruction ``Y = f(H W_dec + b)``, where the
output activation ``f`` is the identity for Gaussian visible units and the
logistic sigmoid for binary ones (:mod:`skrbm._units`). Its weights are
held as the RBM holds them, ``(n_components, n_features)``, so that a
tied decoder can be the encoder's own matrix and a large float32 model
can store them in the faster memory order (:func:`weight_order`).

A stack of RBMs ``v -> h1 -> ... -> hL`` unrolls into ``2 L`` dense
layers: the encoder applies each RBM's ``p(h | v)`` in turn, the decoder
each RBM's mean visible reconstruction in reverse order. Layer ``l``
computes ``A_{l+1} = f_l(A_l C_l + d_l)`` with ``C_l`` of shape
``(fan_in, fan_out)``, the orientation of
:class:`~sklearn.neural_network.MLPRegressor`'s ``coefs_``, so that the
forward pass needs no transposed copy. ``f_l`` is the logistic sigmoid for
hidden layers, the bottom RBM's decoder activation for the output and,
optionally, the identity for the code layer.

Two representations stay because one would be slower: the deep kernel
on an untied single-layer model (``n_components=[500]``) against the
single-layer kernel, float32, batch 100, medians of per-round ratios over
9 interleaved rounds (2026-12-02, a shared 2-core machine): 784 -> 500,
two BLAS threads, 1.19x the tied model's epoch and 1.09x the untied one's
(1.03x with its weights forced into C order: the weight-order rule is
most of the gap); BLAS threads unset, 1.13x and 1.03x; 64 -> 100, 1.02x
and 0.92x (two threads), 1.04x and 0.98x (unset). The tied model's one
shared matrix, whose two gradients come from one product, has no place
in the list of per-layer coefficients.

Both kernels follow the conventions of :mod:`skrbm._kernels`: the loss is
``1/(2 n) sum |Y - X|^2`` (summed over features, averaged over samples,
as in ``MLPRegressor``), the gradients are descent directions, and
``out = beta * out + scale * grad`` folds the momentum update in. A
logistic output keeps the squared error (the refiner's score is minus the
reconstruction MSE), so its output delta gains the factor ``Y (1 - Y)``.
"""

from itertools import pairwise
from typing import NamedTuple

import numpy as np
from sklearn.frozen import FrozenEstimator

from ._kernels import (
    _buffer,
    _hidden_buffers,
    _weight_buffer,
    accumulate,
    column_sum,
    hidden_weights,
    hiddens,
    mean_visibles,
    sigmoid,
    squared_error,
    transposed,
)
from ._params import RBMParameters
from ._units import units_of

#: Activation of each kind of layer, by name.
LOGISTIC, IDENTITY = "logistic", "identity"

# --- unrolling ---------------------------------------------------------------


def decoder_activation(estimator):
    """Output activation of the decoder an RBM unrolls to.

    The identity for Gaussian visible units (``E[v | h] = h W + b``), the
    logistic sigmoid for binary ones (:class:`BinaryRBM`,
    :class:`~sklearn.neural_network.BernoulliRBM`); a
    :class:`~sklearn.frozen.FrozenEstimator` answers for the RBM it wraps.

    Parameters
    ----------
    estimator : estimator

    Returns
    -------
    activation : {"identity", "logistic"}
    """
    while isinstance(estimator, FrozenEstimator):
        estimator = estimator.estimator
    return units_of(estimator).decoder_activation


def stack_layers(layers, n_features):
    """The parameters of every fitted layer, checked to chain.

    Parameters
    ----------
    layers : list of fitted estimators
    n_features : int
        Width of the data the bottom layer sees.

    Returns
    -------
    params : list of RBMParameters
    """
    params = []
    for position, layer in enumerate(layers):
        try:
            params.append(RBMParameters.of(layer, n_features))
        except ValueError as error:
            raise ValueError(f"Layer {position} of the stack: {error}") from None
        n_features = params[-1].W.shape[0]
    return params


def unroll_stack(layers, code_activation=LOGISTIC, out_activation=IDENTITY):
    """Coefficients, intercepts and activations of an unrolled RBM stack.

    Parameters
    ----------
    layers : list of RBMParameters
        One per RBM, bottom first (:func:`stack_layers`); each RBM's
        ``n_features`` is the previous one's ``n_components``.
    code_activation : {"logistic", "identity"}, default="logistic"
        Activation of the top encoder layer (the code).
    out_activation : {"identity", "logistic"}, default="identity"
        Activation of the output: the bottom RBM's
        :func:`decoder_activation`.

    Returns
    -------
    coefs : list of ndarray
        ``2 L`` matrices of shape ``(fan_in, fan_out)``: ``(W_l / sigma)^T``
        up the encoder, ``W_l * sigma`` down the decoder.
    intercepts : list of ndarray
        ``c_l`` up the encoder, ``b_l`` down the decoder.
    activations : list of str
        One per layer (:func:`layer_activations`).
    """
    halves = [layer.unrolled() for layer in layers]
    coefs = [W_enc.T for W_enc, _, _, _ in halves]
    coefs += [W_dec for _, _, W_dec, _ in reversed(halves)]
    intercepts = [c for _, c, _, _ in halves] + [b for *_, b in reversed(halves)]
    activations = layer_activations(len(coefs), code_activation, out_activation)
    return coefs, intercepts, activations


def layer_activations(n_layers, code_activation=LOGISTIC, out_activation=IDENTITY):
    """Activations of a mirrored autoencoder of ``n_layers`` (even) layers.

    Logistic, except the code layer (the last of the encoder half),
    ``code_activation``, and the output, ``out_activation``.

    Parameters
    ----------
    n_layers : int
    code_activation : {"logistic", "identity"}, default="logistic"
    out_activation : {"identity", "logistic"}, default="identity"

    Returns
    -------
    activations : list of str
    """
    activations = [LOGISTIC] * n_layers
    activations[n_layers // 2 - 1] = code_activation
    activations[-1] = out_activation
    return activations


def mirrored_sizes(n_features, hidden):
    """Widths ``[n_features, *hidden, *reversed(hidden[:-1]), n_features]``."""
    hidden = list(hidden)
    return [n_features, *hidden, *hidden[-2::-1], n_features]


# --- initialisation ----------------------------------------------------------


def random_layers(sizes, random_state, transposed_layers=()):
    """MLPRegressor's initialisation for logistic layers of the given widths.

    Uniform in ``+-sqrt(2 / (fan_in + fan_out))``, weights and biases alike,
    drawn layer by layer, weights before biases.

    Parameters
    ----------
    sizes : list of int
        Widths ``[n_features, ..., code, ..., n_features]``.
    random_state : numpy.random.RandomState
    transposed_layers : collection of int, default=()
        Layers whose weights are drawn as ``(fan_out, fan_in)`` (the RBM's
        orientation: the encoder of a single-layer autoencoder) instead of
        ``(fan_in, fan_out)``.

    Returns
    -------
    coefs, intercepts : list of ndarray
    """
    coefs, intercepts = [], []
    for layer, (fan_in, fan_out) in enumerate(pairwise(sizes)):
        bound = np.sqrt(2.0 / (fan_in + fan_out))
        shape = (fan_out, fan_in) if layer in transposed_layers else (fan_in, fan_out)
        coefs.append(random_state.uniform(-bound, bound, shape))
        intercepts.append(random_state.uniform(-bound, bound, fan_out))
    return coefs, intercepts


def random_autoencoder(n_features, n_components, random_state):
    """Initial ``(W_enc, c, W_dec, b)`` of a single-layer autoencoder.

    :func:`random_layers` of widths ``[n_features, n_components,
    n_features]``, both weight matrices of shape ``(n_components,
    n_features)``.

    Parameters
    ----------
    n_features, n_components : int
    random_state : numpy.random.RandomState

    Returns
    -------
    W_enc, c, W_dec, b : ndarray
    """
    sizes = [n_features, n_components, n_features]
    (W_enc, W_dec), (c, b) = random_layers(sizes, random_state, (0,))
    return W_enc, c, W_dec, b


# --- the single-layer kernel -------------------------------------------------


def cross_product(A, B, out):
    """``out = A^T B``, computed in the memory order of ``out``.

    numpy's matmul reaches BLAS only for an ``out`` with contiguous rows, so
    an F-ordered ``out`` receives the product ``B^T A`` through its
    (C-contiguous) transpose.

    Parameters
    ----------
    A : ndarray of shape (n, m)
    B : ndarray of shape (n, p)
    out : ndarray of shape (m, p)
        C- or F-contiguous.

    Returns
    -------
    out : ndarray of shape (m, p)
    """
    if out.flags.c_contiguous:
        return np.matmul(A.T, B, out=out)
    np.matmul(B.T, A, out=out.T)
    return out


#: Smallest weight matrix (``n_features * n_components``) that
#: :func:`weight_order` stores F-ordered.
F_ORDER_SIZE = 2**18


def weight_order(n_features, n_components, dtype):
    """Memory order for an autoencoder's ``(n_components, n_features)`` weights.

    F order stores the weights as rows of ``n_features``: the products
    ``X W^T`` and ``E W^T`` of a backprop step then meet a contiguous
    ``W^T``, ``H W`` a transposed one, and the weight gradients are written
    as ``(n_features, n_components)`` rows (:func:`cross_product`). Which
    order is faster depends on OpenBLAS's kernels for each shape, so this
    is a measured rule (``benchmarks/bench_layout.py``, two BLAS threads,
    batch 100; the runs are in ``benchmarks/README.md``, "Weight order"):
    float32 models with more features than units and at least
    :data:`F_ORDER_SIZE` weights train faster in F order (F / C per epoch,
    medians over three to six runs: 784 -> 500 0.95, 1000 -> 500 0.95,
    1024 -> 512 0.88). Smaller ones gain nothing reliably (784 -> 256:
    0.92-1.08 from run to run), nor do float64 models (784 -> 500:
    0.99-1.03) or models with fewer features than units (256 -> 1024,
    batch 256: 0.99-1.07); those keep the C order.

    Parameters
    ----------
    n_features, n_components : int
    dtype : numpy dtype

    Returns
    -------
    order : {"C", "F"}
        "F" stores the weights as the transpose of a C-contiguous
        ``(n_features, n_components)`` array.
    """
    if (
        n_features > n_components
        and n_features * n_components >= F_ORDER_SIZE
        and np.dtype(dtype) == np.float32
    ):
        return "F"
    return "C"


def load_rows(buffer, X):
    """``X`` as the first rows of ``buffer`` (copied unless already there)."""
    n = X.shape[0]
    if not np.may_share_memory(X, buffer):
        np.copyto(buffer[:n], X)
    return buffer[:n]


class AEGradient(NamedTuple):
    """Parameter-shaped arrays of an autoencoder, by name."""

    enc_W: np.ndarray
    enc_b: np.ndarray
    dec_W: np.ndarray
    dec_b: np.ndarray


class AEWorkspace:
    """Preallocated buffers for one backprop minibatch step.

    ``V`` holds the minibatch (first ``n`` rows) above the output delta,
    ``H`` the hidden delta above the hidden activations, so that a tied
    weight matrix gets both of its gradients in one product.

    Parameters
    ----------
    batch_size, n_features, n_components : int
    dtype : numpy dtype
    order : {"C", "F"}, default="C"
        Memory order of the weights (:func:`weight_order`); the weight
        gradients get the same, so that the momentum update runs over
        matching memory.
    out_activation : {"identity", "logistic"}, default="identity"
        The decoder's output activation; a logistic output needs a buffer
        ``Y`` for the reconstruction beside its delta.
    """

    def __init__(
        self,
        batch_size,
        n_features,
        n_components,
        dtype,
        order="C",
        out_activation=IDENTITY,
    ):
        self.V = _buffer((2 * batch_size, n_features), dtype)
        self.H = _buffer((2 * batch_size, n_components), dtype)
        self.scratch_H = _buffer((batch_size, n_components), dtype)
        self.ones = np.ones(batch_size, dtype=dtype)
        self.hidden = _hidden_buffers(n_features, n_components, dtype)
        # a contiguous copy of the decoder's W.T, for small models only
        self.dec_W_T = None if self.hidden is None else np.empty_like(self.hidden.W_T)
        self.grad = AEGradient(
            _weight_buffer((n_components, n_features), dtype, order),
            _buffer(n_components, dtype),
            _weight_buffer((n_components, n_features), dtype, order),
            _buffer(n_features, dtype),
        )
        self.out_activation = out_activation
        self.Y = None
        if out_activation == LOGISTIC:
            self.Y = _buffer((batch_size, n_features), dtype)

    def load(self, X):
        """The minibatch as the first rows of ``V`` (:func:`load_rows`)."""
        return load_rows(self.V, X)


def output_delta(X, Y, E, activation):
    """The negated output delta of the squared error; return the error.

    ``E`` receives ``X - Y``, times ``Y (1 - Y)`` for a logistic output
    (whose ``Y`` is then overwritten by ``1 - Y``).

    Parameters
    ----------
    X, Y : ndarray of shape (n, n_features)
        Data and reconstruction; ``Y`` may be ``E`` for a linear output.
    E : ndarray of shape (n, n_features)
    activation : {"identity", "logistic"}

    Returns
    -------
    sse : float
        ``sum |X - Y|^2``.
    """
    sse = squared_error(X, Y, E)
    if activation == LOGISTIC:
        E *= Y
        E *= np.subtract(1.0, Y, out=Y)
    return sse


def backprop_gradient(
    X, enc_W, enc_b, dec_W, dec_b, ws, out, tied=False, scale=1.0, beta=0.0
):
    """Gradient of a sigmoid autoencoder's squared reconstruction error.

    Model: ``H = sigmoid(X enc_W^T + enc_b)``, ``Y = f(H dec_W + dec_b)``
    with ``f`` the workspace's ``out_activation``. Loss: ``L = 1/(2 n) *
    sum |Y - X|^2`` (summed over features, averaged over samples, the
    convention of scikit-learn's ``MLPRegressor``). The gradients are
    *negated* (descent directions), so they are applied with the same
    momentum update as the CD gradients. With ``tied=True`` the decoder is
    ``enc_W`` itself and the encoder's weight output receives the sum of
    both weight gradients.

    Parameters
    ----------
    X : ndarray of shape (n, n_features)
    enc_W : ndarray of shape (n_components, n_features)
    enc_b : ndarray of shape (n_components,)
    dec_W : ndarray of shape (n_components, n_features)
        Ignored when ``tied``.
    dec_b : ndarray of shape (n_features,)
    ws : AEWorkspace
    out : AEGradient
        Receives ``beta * out + scale * grad``; ``out.dec_W`` is unused when
        ``tied``.
    tied : bool, default=False
    scale, beta : float
        See the module docstring.

    Returns
    -------
    sse : float
        Sum of squared reconstruction errors over the minibatch.
    """
    X = ws.load(X)
    n = X.shape[0]
    if tied:
        dec_W = enc_W
    E, delta, H = ws.V[n : 2 * n], ws.H[:n], ws.H[n : 2 * n]
    hiddens(X, hidden_weights(enc_W, enc_b, ws.hidden), out=H)
    Y = E if ws.Y is None else ws.Y[:n]
    mean_visibles(H, dec_W, dec_b, out=Y)
    if ws.out_activation == LOGISTIC:
        sigmoid(Y, out=Y)
    # E becomes the negated output delta, (X - Y) f'.
    sse = output_delta(X, Y, E, ws.out_activation)
    # scale / n, applied once to the error, carries into every gradient
    E *= scale / n
    grad = ws.grad
    column_sum(E, ws.ones[:n], grad.dec_b)
    # Back through the decoder and the sigmoid: delta = (E dec_W^T) H (1 - H).
    np.matmul(E, transposed(dec_W, ws.dec_W_T), out=delta)
    derivative = np.subtract(1.0, H, out=ws.scratch_H[:n])
    derivative *= H
    delta *= derivative
    column_sum(delta, ws.ones[:n], grad.enc_b)
    if tied:
        # [delta; H]^T [X; E]: both weight gradients in one product.
        cross_product(ws.H[: 2 * n], ws.V[: 2 * n], grad.enc_W)
    else:
        cross_product(delta, X, grad.enc_W)
        cross_product(H, E, grad.dec_W)
    accumulate(out.enc_W, grad.enc_W, beta)
    accumulate(out.enc_b, grad.enc_b, beta)
    if not tied:
        accumulate(out.dec_W, grad.dec_W, beta)
    accumulate(out.dec_b, grad.dec_b, beta)
    return sse


# --- the deep kernel ---------------------------------------------------------


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

    def load(self, X):
        """The minibatch as the first rows of ``V`` (:func:`load_rows`)."""
        return load_rows(self.V, X)


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
    # the output delta, negated and scaled: (X - Y) f' * scale / n
    E = ws.D[-1][:n]
    sse = output_delta(X, A[-1], E, activations[-1])
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
