"""Pure numerical kernels shared by the skrbm estimators.

The pieces of the CD step (:mod:`skrbm._cd`) and of the autoencoders'
backprop (:mod:`skrbm._autoencoder`): hidden activations, Bernoulli draws,
the weight statistics, the momentum update, the regularisers' arithmetic.
Every function here takes arrays and returns arrays. Functions that sit in a
training loop write into caller-provided buffers (``out=`` and workspace
arguments) so that one minibatch step allocates nothing; the same functions
are called with fresh arrays by the tests.

Conventions: ``W`` has shape ``(n_components, n_features)``, ``b`` is the
visible bias (``n_features``), ``c`` the hidden bias (``n_components``),
samples are rows. Gradients are *ascent* directions of the log-likelihood
(CD) or *descent* directions of the loss already negated (backprop).

Every matrix product goes through numpy (``np.matmul``), so that skrbm,
scikit-learn and the caller's own numpy code share one BLAS library and one
thread pool. scipy ships a second OpenBLAS: alternating products between
the two makes each library's threads spin while the other one works, which
made large models several times slower (benchmarks/README.md).

The gradient kernels write ``out = beta * out + scale * gradient``. Called
with ``out=velocity``, ``scale=learning_rate`` and ``beta=momentum`` this is
the classical momentum update; the training loop then only adds each
velocity to its parameter. numpy's matmul has no BLAS ``alpha``/``beta``,
so the gradient lands in a workspace buffer first (``scale`` folded into
the narrower operand where possible) and :func:`accumulate` adds it in two
passes over ``out``. With the defaults (``scale=1``, ``beta=0``) ``out``
receives the plain gradient.

For large models the CD weight statistics ``h0^T v0 / n - h_neg^T v_neg / m``
are one product: the positive and negative rows sit one above the other in
one buffer, each row weighted ``+scale/n`` or ``-scale/m``
(:func:`stacked_statistics`); small models use two products
(:func:`split_statistics`). Which is faster, like whether to copy ``W.T``,
depends on the size of ``W`` (:data:`SMALL_MODEL_SIZE`).
"""

from typing import NamedTuple

import numpy as np


def sigmoid(x, out=None):
    """Logistic function, computed as ``0.5 * tanh(x / 2) + 0.5``.

    The tanh form never overflows (so no RuntimeWarning for large ``|x|``)
    and is several times faster than :func:`scipy.special.expit` on small
    float32 arrays because numpy vectorises ``tanh``.

    Parameters
    ----------
    x : ndarray
        Input values.
    out : ndarray, optional
        Output buffer; may be ``x`` itself.

    Returns
    -------
    out : ndarray
        ``1 / (1 + exp(-x))``, in the dtype of ``x``.
    """
    return _sigmoid_from_half(np.multiply(x, 0.5, out=out))


def _sigmoid_from_half(z):
    """``sigmoid(2 z) = 0.5 * tanh(z) + 0.5``, in place."""
    np.tanh(z, out=z)
    z *= 0.5
    z += 0.5
    return z


class HiddenWeights(NamedTuple):
    """The hidden layer's weights as its products use them.

    ``W_T`` is ``W.T`` and ``c`` the hidden bias, both multiplied by 0.5
    when ``halved`` (the argument of the tanh form of the sigmoid then comes
    straight out of the product).
    """

    W_T: np.ndarray
    c: np.ndarray
    halved: bool


def mean_hiddens(V, W, c, out=None):
    """Hidden activation probabilities ``p(h=1 | v) = sigmoid(V W^T + c)``.

    Parameters
    ----------
    V : ndarray of shape (n_samples, n_features)
        Visible states.
    W : ndarray of shape (n_components, n_features)
        Weights.
    c : ndarray of shape (n_components,)
        Hidden biases.
    out : ndarray of shape (n_samples, n_components), optional
        Output buffer.

    Returns
    -------
    H : ndarray of shape (n_samples, n_components)
    """
    return hiddens(V, HiddenWeights(W.T, c, halved=False), out)


def hiddens(V, weights, out=None):
    """:func:`mean_hiddens` with the weights prepared by :func:`hidden_weights`.

    Parameters
    ----------
    V : ndarray of shape (n_samples, n_features)
    weights : HiddenWeights
    out : ndarray of shape (n_samples, n_components), optional

    Returns
    -------
    H : ndarray of shape (n_samples, n_components)
        ``sigmoid(V W^T + c)``.
    """
    out = np.matmul(V, weights.W_T, out=out)
    out += weights.c
    if weights.halved:
        return _sigmoid_from_half(out)
    return sigmoid(out, out=out)


#: Largest weight matrix (``n_features * n_components``) of a "small model".
#: The training loop copies a small model's ``W.T``, halved, once per
#: minibatch: a product with a contiguous ``W.T`` is faster than with the
#: transposed view (64 -> 100: 13 instead of 19 us) and the halving saves a
#: pass of the sigmoid; for large models the copy costs more than it saves
#: (256 -> 1024: 0.32 ms per copy, 0.04 ms saved per product). Small models
#: also use :func:`split_statistics`. Measured with numpy's matmul, float32,
#: batch 100-256.
SMALL_MODEL_SIZE = 2**17


def hidden_weights(W, c, buffers):
    """The :class:`HiddenWeights` of ``(W, c)`` for one minibatch.

    Parameters
    ----------
    W : ndarray of shape (n_components, n_features)
    c : ndarray of shape (n_components,)
    buffers : HiddenWeights or None
        Buffers receiving ``0.5 * W.T`` and ``0.5 * c`` (small models, see
        :data:`SMALL_MODEL_SIZE`), or None to use ``W.T`` and ``c`` as
        they are.

    Returns
    -------
    weights : HiddenWeights
    """
    if buffers is None:
        return HiddenWeights(W.T, c, halved=False)
    np.multiply(W.T, 0.5, out=buffers.W_T)
    np.multiply(c, 0.5, out=buffers.c)
    return buffers


def transposed(W, buffer):
    """``W.T``, copied into ``buffer`` (small models) or as a view (None)."""
    if buffer is None:
        return W.T
    np.copyto(buffer, W.T)
    return buffer


def _hidden_buffers(n_features, n_components, dtype):
    if n_features * n_components > SMALL_MODEL_SIZE:
        return None
    W_T = _buffer((n_features, n_components), dtype)
    return HiddenWeights(W_T, _buffer(n_components, dtype), halved=True)


def mean_visibles(H, W, b, out=None):
    """Mean of the Gaussian visible units, ``E[v | h] = H W + b``.

    Parameters
    ----------
    H : ndarray of shape (n_samples, n_components)
        Hidden states or probabilities.
    W : ndarray of shape (n_components, n_features)
        Weights.
    b : ndarray of shape (n_features,)
        Visible biases.
    out : ndarray of shape (n_samples, n_features), optional
        Output buffer.

    Returns
    -------
    V : ndarray of shape (n_samples, n_features)
    """
    out = np.matmul(H, W, out=out)
    out += b
    return out


#: Bernoulli draws of at least this many samples take 16-bit uniforms from
#: the generator's raw bits (:func:`uniform16`) instead of numpy's float32
#: uniforms: a quarter of the random bits, under half the time (256 -> 1024
#: units, batch 256: 0.21 instead of 0.47 ms per minibatch), about 5% of a
#: training step at that size. Smaller draws (the seed shapes, batch 100
#: with up to 655 hidden units, and every experiment in the documentation)
#: keep numpy's float32 stream, so their results do not change.
UNIFORM16_SIZE = 2**16

#: Raw 64-bit words :func:`uniform16` draws at a time (64 KB): numpy's raw
#: bits come in a new array, so the temporaries stay small.
RAW_CHUNK = 2**13


def sample_bernoulli(P, rng, out, scratch, coarse=True):
    """Draw binary states with probabilities ``P``.

    In training the uniforms are float32 (24 random bits, or 16 for draws of
    :data:`UNIFORM16_SIZE` samples or more, ample for a Bernoulli draw:
    probabilities are then resolved to 1/65536), whatever the dtype of
    ``P``: float32 and float64 models then see the same random stream and
    stay close to each other.

    Parameters
    ----------
    P : ndarray
        Probabilities.
    rng : numpy.random.Generator
        Source of uniform numbers.
    out : ndarray
        Output buffer (floating point, same shape as ``P``), set to 0.0/1.0.
    scratch : ndarray
        C-contiguous buffer of the shape of ``P`` for the uniforms, float32
        in training.
    coarse : bool, default=True
        Whether large float32 draws may take 16-bit uniforms
        (:func:`draw_uniforms`); the likelihood code's samplers keep
        numpy's stream.

    Returns
    -------
    out : ndarray
    """
    draw_uniforms(rng, scratch, coarse)
    return np.less(scratch, P, out=out)


def draw_uniforms(rng, out, coarse=True):
    """Fill ``out`` with uniforms on [0, 1) in its dtype.

    With ``coarse``, float32 buffers of :data:`UNIFORM16_SIZE` entries or
    more take 16-bit uniforms (:func:`uniform16`), as training does; all
    others get numpy's uniforms of their dtype, the stream of
    ``rng.random(shape, dtype)``.
    """
    if coarse and out.dtype == np.float32 and out.size >= UNIFORM16_SIZE:
        return uniform16(rng, out)
    return rng.random(out=out, dtype=out.dtype)


def uniform16(rng, out):
    """Fill ``out`` with uniforms ``k / 65536`` from 16-bit pieces of raw bits.

    Each 64-bit word of the generator gives four draws, taken in memory
    order (little-endian: the low 16 bits first).

    Parameters
    ----------
    rng : numpy.random.Generator
    out : ndarray of dtype float32
        C-contiguous output buffer.

    Returns
    -------
    out : ndarray
    """
    if not out.flags.c_contiguous:
        raise ValueError("uniform16 needs a C-contiguous output buffer.")
    flat = out.reshape(-1)
    step = 4 * RAW_CHUNK
    scale = np.float32(2.0**-16)
    for start in range(0, flat.size, step):
        part = flat[start : start + step]
        words = rng.bit_generator.random_raw(-(-part.size // 4))
        np.multiply(words.view(np.uint16)[: part.size], scale, out=part)
    return out


def squared_error(A, B, out, variance=None):
    """Sum of squared differences; ``out`` receives ``A - B``.

    Parameters
    ----------
    A, B : ndarray of the same shape
    out : ndarray
        Buffer receiving the difference ``A - B``.
    variance : VisibleVariance, optional
        When given, ``A`` and ``B`` are in units of ``sigma`` and the
        difference is scaled back to data units.

    Returns
    -------
    sse : float
    """
    np.subtract(A, B, out=out)
    if variance is not None:
        out *= variance.sigma
    flat = out.reshape(-1)
    return float(np.dot(flat, flat))


def accumulate(out, gradient, beta):
    """``out = beta * out + gradient``, in place.

    Parameters
    ----------
    out : ndarray
        Velocity (or plain gradient output when ``beta`` is 0).
    gradient : ndarray
        Already scaled gradient, same shape as ``out``.
    beta : float

    Returns
    -------
    out : ndarray
    """
    if beta:
        out *= beta
        out += gradient
    else:
        np.copyto(out, gradient)
    return out


def column_sum(M, weights, out):
    """``out = weights @ M``: a weighted sum of the rows of ``M``.

    A matrix-vector product, several times faster than ``np.sum(M, axis=0)``
    on minibatch-sized arrays.

    Parameters
    ----------
    M : ndarray of shape (n, m)
    weights : ndarray of shape (n,)
    out : ndarray of shape (m,)

    Returns
    -------
    out : ndarray of shape (m,)
    """
    return np.matmul(weights, M, out=out)


class Gradient(NamedTuple):
    """Parameter-shaped arrays of an RBM, by name (gradients or velocities)."""

    W: np.ndarray
    b: np.ndarray
    c: np.ndarray


def stacked_statistics(V, H, weights, out, scratch_V, scratch_H):
    """``out = H^T diag(weights) V``: the weight statistics of stacked rows.

    With the positive-phase rows first, weighted ``scale / n_pos``, and the
    negative-phase rows after them, weighted ``-scale / n_neg``, this is
    ``scale`` times the CD weight gradient in one product instead of two
    (at 784 -> 500, batch 100: 1.1 ms instead of 1.4). The weights multiply
    the narrower of ``V`` and ``H`` (into its scratch buffer).

    Parameters
    ----------
    V : ndarray of shape (m, n_features)
    H : ndarray of shape (m, n_components)
    weights : ndarray of shape (m,)
    out : ndarray of shape (n_components, n_features)
    scratch_V : ndarray of shape (m, n_features)
    scratch_H : ndarray of shape (m, n_components)

    Returns
    -------
    out : ndarray of shape (n_components, n_features)
    """
    if V.shape[1] < H.shape[1]:
        np.multiply(V, weights[:, None], out=scratch_V)
        return np.matmul(H.T, scratch_V, out=out)
    np.multiply(H, weights[:, None], out=scratch_H)
    return np.matmul(scratch_H.T, V, out=out)


def split_statistics(pos_h, pos_v, neg_h, neg_v, out, scratch, scale=1.0, beta=0.0):
    """``out = beta * out + scale * (pos_h^T pos_v / n_pos - neg_h^T neg_v / n_neg)``.

    Two products and four passes over ``out``: for small models, where the
    products are short and the passes cheap, this beats
    :func:`stacked_statistics` (64 -> 100, batch 100: 26 against 30 us).

    Parameters
    ----------
    pos_h : ndarray of shape (n_pos, n_components)
    pos_v : ndarray of shape (n_pos, n_features)
    neg_h : ndarray of shape (n_neg, n_components)
    neg_v : ndarray of shape (n_neg, n_features)
    out : ndarray of shape (n_components, n_features)
    scratch : tuple of two ndarray
        Buffers of the shape of ``out``.
    scale, beta : float

    Returns
    -------
    out : ndarray of shape (n_components, n_features)
    """
    pos, neg = scratch
    np.matmul(pos_h.T, pos_v, out=pos)
    np.matmul(neg_h.T, neg_v, out=neg)
    pos *= scale / pos_v.shape[0]
    accumulate(out, pos, beta)
    neg *= scale / neg_v.shape[0]
    out -= neg
    return out


def _buffer(shape, dtype):
    # One place creates the workspace buffers: C-contiguous, as np.matmul's
    # out= needs to write in place.
    buf = np.empty(shape, dtype=dtype, order="C")
    assert buf.flags.c_contiguous
    return buf


def _weight_buffer(shape, dtype, order):
    # an F-ordered buffer is the transpose of a C-contiguous one
    if order == "F":
        return _buffer(shape[::-1], dtype).T
    return _buffer(shape, dtype)


class CDWorkspace:
    """Preallocated buffers for one CD-k minibatch step.

    ``V`` and ``H`` hold the positive-phase rows (the minibatch, first
    ``n`` rows) followed by the negative-phase rows, so that the statistics
    of both phases can be one product (:func:`stacked_statistics`).

    Parameters
    ----------
    batch_size : int
        Largest minibatch the workspace serves.
    n_features, n_components : int
        Model size.
    n_chains : int or None
        Number of persistent chains (PCD), or None for CD.
    dtype : numpy dtype
        float32 or float64.
    """

    def __init__(self, batch_size, n_features, n_components, n_chains, dtype):
        rows = batch_size + (n_chains or batch_size)
        self.V = _buffer((rows, n_features), dtype)
        self.H = _buffer((rows, n_components), dtype)
        self.scratch_V = _buffer((rows, n_features), dtype)
        self.scratch_H = _buffer((rows, n_components), dtype)
        self.diff = _buffer((batch_size, n_features), dtype)
        # Random draws are float32 for both dtypes (see sample_bernoulli).
        self.uniform = np.empty((rows, n_components), dtype=np.float32)
        # Gaussian noise, or the uniforms of binary draws, of sampled visible
        # units (PCD, learned variance)
        self.noise = np.empty((n_chains or batch_size, n_features), dtype=np.float32)
        self.hidden = _hidden_buffers(n_features, n_components, dtype)
        self.grad = Gradient(
            _buffer((n_components, n_features), dtype),
            _buffer(n_features, dtype),
            _buffer(n_components, dtype),
        )
        # the two buffers of split_statistics (small models only)
        self.scratch_W = None
        if self.hidden is not None:
            self.scratch_W = (self.grad.W, _buffer((n_components, n_features), dtype))
        self._views = {}

    def load(self, v0):
        """The minibatch as the first rows of ``V`` (copied unless already there)."""
        n = v0.shape[0]
        if not np.may_share_memory(v0, self.V):
            np.copyto(self.V[:n], v0)
        return self.V[:n]

    def views(self, n, m, scale):
        """The named buffers of a step with ``n`` data rows and ``m`` negative rows.

        Built once per ``(n, m, scale)`` (every full minibatch shares them),
        with the statistics weights ``scale / n`` and ``-scale / m`` filled in.

        Returns
        -------
        views : CDViews
        """
        key = n, m, scale
        if key not in self._views:
            weights = np.full(n + m, scale / n, dtype=self.V.dtype)
            weights[n:] = -scale / m
            self._views[key] = CDViews(
                v0=self.V[:n],
                h0=self.H[:n],
                v_neg=self.V[n : n + m],
                h_neg=self.H[n : n + m],
                hs=self.scratch_H[:n],
                uniform=self.uniform[:n],
                chain_uniform=self.uniform[n : n + m],
                diff=self.diff[:n],
                V=self.V[: n + m],
                H=self.H[: n + m],
                scratch_V=self.scratch_V[: n + m],
                scratch_H=self.scratch_H[: n + m],
                weights=weights,
            )
        return self._views[key]


class CDViews(NamedTuple):
    """Views of a :class:`CDWorkspace` for one minibatch size, by name."""

    v0: np.ndarray
    h0: np.ndarray
    v_neg: np.ndarray
    h_neg: np.ndarray
    hs: np.ndarray
    uniform: np.ndarray
    chain_uniform: np.ndarray
    diff: np.ndarray
    V: np.ndarray
    H: np.ndarray
    scratch_V: np.ndarray
    scratch_H: np.ndarray
    weights: np.ndarray


class VisibleVariance(NamedTuple):
    """Learned visible standard deviations as a CD step uses them.

    The model is the Gaussian-Bernoulli RBM with energy
    ``sum_i (v_i - b_i)^2 / (2 sigma_i^2) - c.h - (v / sigma).W^T h``
    and ``z = log sigma^2`` as the learned parameter. In the units
    ``u = v / sigma`` it is a unit-variance RBM with visible bias
    ``b / sigma``, which is how the step computes.

    Attributes
    ----------
    sigma, inv_sigma : ndarray of shape (n_features,)
        ``sigma`` and ``1 / sigma`` for this step.
    grad, scratch : ndarray of shape (n_features,)
        Buffers for the log-variance gradient.
    out : ndarray of shape (n_features,)
        Receives ``beta * out + rate * scale * grad_z`` (the velocity).
    rate : float
        Learning-rate factor of the log-variances.
    """

    sigma: np.ndarray
    inv_sigma: np.ndarray
    grad: np.ndarray
    scratch: np.ndarray
    out: np.ndarray
    rate: float


def unit_bias(log_variance, b, variance, out):
    """Fill ``variance.sigma`` and ``variance.inv_sigma``; ``out = b / sigma``.

    Parameters
    ----------
    log_variance : ndarray of shape (n_features,)
        ``z = log sigma^2``.
    b : ndarray of shape (n_features,)
        Visible bias in data units.
    variance : VisibleVariance
    out : ndarray of shape (n_features,)

    Returns
    -------
    out : ndarray of shape (n_features,)
    """
    np.multiply(log_variance, 0.5, out=variance.sigma)
    np.exp(variance.sigma, out=variance.sigma)
    np.reciprocal(variance.sigma, out=variance.inv_sigma)
    return np.multiply(b, variance.inv_sigma, out=out)


def log_variance_gradient(views, W, b, grad, variance):
    """Gradient of the log-likelihood with respect to ``z = log sigma^2``.

    ``-dE/dz_i = (u_i - b_i)^2 / 2 - u_i (h W)_i / 2`` with ``u = v / sigma``
    and ``b`` in those units; the CD gradient is its data average minus its
    model average. The second term's difference is
    ``sum_j W_ji (<h_j u_i>_data - <h_j u_i>_model)``, read off the weight
    statistics already in ``grad.W`` (no extra product).

    Parameters
    ----------
    views : CDViews
        The step's stacked rows (``views.V`` in units of ``sigma``) and
        their weights, which carry ``scale``.
    W : ndarray of shape (n_components, n_features)
    b : ndarray of shape (n_features,)
        Visible bias in units of ``sigma``.
    grad : Gradient
        ``grad.W`` holds ``scale`` times the weight statistics (centered
        when ``offsets`` is given), ``grad.b`` and ``grad.c`` the bias
        statistics, not yet corrected for centering.
    variance : VisibleVariance
        ``variance.grad`` receives ``rate * scale * grad_z``.
    offsets : Offsets, optional
        The offsets the statistics in ``grad.W`` were centered on. The
        result is then the gradient in the centered parametrisation (with
        ``c + W mu`` held fixed); :func:`shift_hidden_bias` keeps ``c``
        consistent after the update.

    Returns
    -------
    grad_z : ndarray of shape (n_features,)
    """
    centered = np.subtract(views.V, b, out=views.scratch_V)
    np.square(centered, out=centered)
    out = column_sum(centered, views.weights, variance.grad)
    out -= np.einsum("ji,ji->i", W, grad.W, out=variance.scratch)
    out *= 0.5 * variance.rate
    return out


class Offsets(NamedTuple):
    """Centering offsets of a CD step (Melchior, Fischer and Wiskott 2016).

    The weight statistics become ``<(v - mu)(h - lambda)^T>`` (data minus
    model), and the bias gradients of the uncentered parameters are
    corrected by ``-dW lambda`` (visible) and ``-dW^T mu`` (hidden), which
    is plain gradient ascent on the centered parametrisation written in the
    usual one.

    Attributes
    ----------
    visible : ndarray of shape (n_features,)
        ``mu``, in the units the step computes in.
    hidden : ndarray of shape (n_components,)
        ``lambda``, moved towards each minibatch's mean hidden activation
        by ``rate`` (an exponential moving average).
    rate : float
    scratch_visible : ndarray of shape (n_features,)
    scratch_hidden : ndarray of shape (n_components,)
    """

    visible: np.ndarray
    hidden: np.ndarray
    rate: float
    scratch_visible: np.ndarray
    scratch_hidden: np.ndarray


def centered_statistics(views, offsets, out):
    """``out = (H - lambda)^T diag(weights) (V - mu)`` over the stacked rows.

    Parameters
    ----------
    views : CDViews
    offsets : Offsets
    out : ndarray of shape (n_components, n_features)

    Returns
    -------
    out : ndarray of shape (n_components, n_features)
    """
    V = np.subtract(views.V, offsets.visible, out=views.scratch_V)
    H = np.subtract(views.H, offsets.hidden, out=views.scratch_H)
    narrower = V if V.shape[1] < H.shape[1] else H
    narrower *= views.weights[:, None]
    return np.matmul(H.T, V, out=out)


def center_bias_gradients(grad, offsets):
    """``grad.b -= lambda @ grad.W``; ``grad.c -= grad.W @ mu``, in place.

    Parameters
    ----------
    grad : Gradient
        Centered weight statistics and plain bias statistics.
    offsets : Offsets

    Returns
    -------
    grad : Gradient
    """
    b, c = grad.b, grad.c
    b -= np.matmul(offsets.hidden, grad.W, out=offsets.scratch_visible)
    c -= np.matmul(grad.W, offsets.visible, out=offsets.scratch_hidden)
    return grad


def shift_hidden_bias(c, W, offsets, step_z, scratch):
    """Keep the centered hidden bias ``c + W mu_u`` fixed as ``sigma`` moves.

    With centering and learned variances the visible offset in the model's
    units, ``mu_u = mu / sigma``, changes with ``z = log sigma^2``: a step
    ``dz`` moves it by ``-mu_u * dz / 2``, so ``c`` moves by
    ``W (mu_u * dz) / 2`` to leave the centered parametrisation where the
    step put it.

    Parameters
    ----------
    c : ndarray of shape (n_components,)
        Hidden bias, updated in place.
    W : ndarray of shape (n_components, n_features)
    offsets : Offsets
        ``offsets.visible`` holds ``mu_u`` of the step.
    step_z : ndarray of shape (n_features,)
        The step just added to ``z``.
    scratch : ndarray of shape (n_features,)

    Returns
    -------
    c : ndarray
    """
    np.multiply(offsets.visible, step_z, out=scratch)
    scratch *= 0.5
    c += np.matmul(W, scratch, out=offsets.scratch_hidden)
    return c


def follow_hidden_mean(h0, weights, offsets):
    """``lambda += rate * (mean(h0) - lambda)``, in place.

    Parameters
    ----------
    h0 : ndarray of shape (n, n_components)
        Hidden probabilities of the minibatch.
    weights : ndarray of shape (n,)
        Equal positive row weights (their sum is divided out).
    offsets : Offsets

    Returns
    -------
    hidden : ndarray of shape (n_components,)
    """
    mean = np.matmul(weights, h0, out=offsets.scratch_hidden)
    mean *= offsets.rate / float(np.sum(weights))
    hidden = offsets.hidden
    hidden *= 1.0 - offsets.rate
    hidden += mean
    return hidden


class ActivationTarget(NamedTuple):
    """Ideal hidden activations blended into the positive phase (Goh 2010).

    Attributes
    ----------
    table : ndarray of shape (n_components,)
        Target activation by rank within a sample, ascending:
        ``(k / n_components) ** (1 / mean - 1)`` for ``k = 1 ..
        n_components`` (:func:`rank_target_table`).
    blend : float
        Weight of the targets, ``h0 = (1 - blend) h0 + blend * targets``.
    ranks : ndarray of shape (>= n, n_components), float64
        Scratch for the selectivity ranks.
    targets : ndarray of shape (>= n, n_components)
        Scratch for the targets, in the dtype of the step.
    """

    table: np.ndarray
    blend: float
    ranks: np.ndarray
    targets: np.ndarray


def rank_target_table(n_components, mean, dtype=np.float64):
    """Targets ``(k / n_components) ** (1 / mean - 1)``, ``k = 1 .. n_components``.

    If the rank ``r = k / n_components`` were uniform on ``(0, 1]``, the
    targets would have mean exactly ``mean``: ``E[r ** a] = 1 / (a + 1)``.
    Over the ``n_components`` discrete ranks (a right Riemann sum of that
    integral) the mean lies between ``mean`` and ``mean + 1 / n_components``.

    Parameters
    ----------
    n_components : int
    mean : float
        Target mean activation, in ``(0, 1)``.
    dtype : dtype, default=float64

    Returns
    -------
    table : ndarray of shape (n_components,)
    """
    ranks = np.arange(1, n_components + 1, dtype=np.float64) / n_components
    return (ranks ** (1.0 / mean - 1.0)).astype(dtype)


def ranked_targets(h0, table, ranks, out):
    """Goh et al.'s ideal activations of a minibatch, written to ``out``.

    Every unit's activations are ranked across the minibatch (selectivity:
    each unit is strongly on for few samples); then, within each sample,
    the units are ranked by those ranks (ties broken by the activation
    itself) and the ``k``-th smallest gets ``table[k]`` (sparsity: each
    sample switches few units on). Each row of ``out`` is therefore a
    permutation of ``table``.

    Parameters
    ----------
    h0 : ndarray of shape (n, n_components)
        Hidden probabilities of the minibatch.
    table : ndarray of shape (n_components,)
        Ascending targets (:func:`rank_target_table`).
    ranks : ndarray of shape (n, n_components), float64
        Scratch.
    out : ndarray of shape (n, n_components)

    Returns
    -------
    out : ndarray of shape (n, n_components)
    """
    n = h0.shape[0]
    # numpy's argsort has no out=: each sort order is a new (n, n_components)
    # integer array, the only minibatch-sized temporary of a training step;
    # used inline, one lives at a time.
    positions = np.arange(n, dtype=np.float64)[:, None]
    np.put_along_axis(ranks, np.argsort(h0, axis=0), positions, axis=0)
    ranks += h0
    np.put_along_axis(out, np.argsort(ranks, axis=1), table[None, :], axis=1)
    return out


def blend_targets(h0, target):
    """``h0 = (1 - blend) h0 + blend * ranked_targets(h0)``, in place.

    Parameters
    ----------
    h0 : ndarray of shape (n, n_components)
        Positive-phase hidden probabilities.
    target : ActivationTarget

    Returns
    -------
    h0 : ndarray
    """
    n = h0.shape[0]
    targets = ranked_targets(h0, target.table, target.ranks[:n], target.targets[:n])
    h0 *= 1.0 - target.blend
    targets *= target.blend
    h0 += targets
    return h0


def soft_threshold(W, threshold, scratch):
    """Proximal operator of ``threshold * |W|_1``, applied in place.

    ``W <- sign(W) * max(|W| - threshold, 0)``: weights whose magnitude is
    below the threshold become exactly 0.0.

    Parameters
    ----------
    W : ndarray
        Weights, modified in place.
    threshold : float
        Non-negative shrinkage amount.
    scratch : ndarray
        Buffer of the shape and dtype of ``W``.

    Returns
    -------
    W : ndarray
    """
    np.abs(W, out=scratch)
    scratch -= threshold
    np.maximum(scratch, 0, out=scratch)
    return np.copysign(scratch, W, out=W)


def l1_threshold(learning_rate, alpha_l1, momentum):
    """Soft-threshold amount that matches an L1 penalty under momentum.

    With classical momentum a constant gradient ``g`` moves a parameter by
    ``learning_rate * g / (1 - momentum)`` per step once the velocity has
    settled. The L1 term is kept out of the velocity and applied as a
    proximal step after each update, so it must shrink by that same
    effective amount, ``learning_rate * alpha_l1 / (1 - momentum)``, for the
    penalty to weigh as much as the data gradient does. A weight then stays
    exactly at zero while its smoothed gradient is below ``alpha_l1`` in
    magnitude, which is the optimality condition of the L1-penalised
    objective.

    Parameters
    ----------
    learning_rate : float
    alpha_l1 : float
        L1 strength.
    momentum : float
        In [0, 1).

    Returns
    -------
    threshold : float
    """
    return learning_rate * alpha_l1 / (1.0 - momentum)


def add_l2_gradient(grad, W, alpha_l2, scratch):
    """``grad -= alpha_l2 * W`` in place (weight decay in the ascent direction).

    Parameters
    ----------
    grad, W : ndarray of the same shape
    alpha_l2 : float
    scratch : ndarray
        Buffer of the shape of ``W`` for ``alpha_l2 * W``.

    Returns
    -------
    grad : ndarray
    """
    if alpha_l2:
        grad -= np.multiply(W, alpha_l2, out=scratch)
    return grad


def add_sparsity_gradient(grad_c, h0, target, cost, ones, scratch):
    """``grad_c += cost * (target - mean(h0, axis=0))`` in place (Lee 2008).

    Parameters
    ----------
    grad_c : ndarray of shape (n_components,)
    h0 : ndarray of shape (n, n_components)
        Hidden probabilities of the minibatch.
    target, cost : float
    ones : ndarray of shape (>= n,)
    scratch : ndarray of shape (n_components,)

    Returns
    -------
    grad_c : ndarray
    """
    n = h0.shape[0]
    column_sum(h0, ones[:n], scratch)
    scratch *= -cost / n
    scratch += cost * target
    grad_c += scratch
    return grad_c
