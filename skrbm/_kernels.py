"""Pure numerical kernels shared by the skrbm estimators.

Every function here takes arrays and returns arrays. Functions that sit in a
training loop write into caller-provided buffers (``out=`` and workspace
arguments) so that one minibatch step allocates nothing; the same functions
are called with fresh arrays by the tests.

Conventions: ``W`` has shape ``(n_components, n_features)``, ``b`` is the
visible bias (``n_features``), ``c`` the hidden bias (``n_components``),
samples are rows. Gradients are *ascent* directions of the log-likelihood
(CD) or *descent* directions of the loss already negated (backprop).

The gradient kernels write ``out = beta * out + scale * gradient``. Called
with ``out=velocity``, ``scale=learning_rate`` and ``beta=momentum`` this is
the classical momentum update, fused into the BLAS calls that form the
gradient (their ``alpha`` and ``beta`` arguments); the training loop then
only adds each velocity to its parameter. With the defaults (``scale=1``,
``beta=0``) ``out`` receives the plain gradient.
"""

import numpy as np
from scipy.linalg import blas


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
    out = np.matmul(V, W.T, out=out)
    out += c
    return sigmoid(out, out=out)


def minibatch_hiddens(V, W_T, c, out):
    """:func:`mean_hiddens` for the training loop, in one BLAS call.

    The bias is copied into ``out`` and one GEMM forms
    ``0.5 * (V W^T + c)`` on top of it (BLAS ``alpha=beta=0.5``), the
    argument of the tanh form of the sigmoid. ``W_T`` is a C-contiguous
    copy of ``W.T``: a product with a contiguous operand runs about 40%
    faster than with a transposed view at minibatch sizes.

    Parameters
    ----------
    V : ndarray of shape (n_samples, n_features), C-contiguous
    W_T : ndarray of shape (n_features, n_components), C-contiguous
    c : ndarray of shape (n_components,)
    out : ndarray of shape (n_samples, n_components), C-contiguous

    Returns
    -------
    out : ndarray of shape (n_samples, n_components)
        ``sigmoid(V W^T + c)``.
    """
    np.copyto(out, c)
    _gemm(out)(0.5, W_T.T, V.T, 0.5, out.T, overwrite_c=1)
    return _sigmoid_from_half(out)


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


def sample_bernoulli(P, rng, out, scratch):
    """Draw binary states with probabilities ``P``.

    The uniforms are always drawn in float32 (24 random bits, ample for a
    Bernoulli draw), whatever the dtype of ``P``: float32 and float64 models
    then see the same random stream and stay close to each other.

    Parameters
    ----------
    P : ndarray
        Probabilities.
    rng : numpy.random.Generator
        Source of uniform numbers.
    out : ndarray
        Output buffer (floating point, same shape as ``P``), set to 0.0/1.0.
    scratch : ndarray of dtype float32
        Buffer of the shape of ``P`` for the uniforms.

    Returns
    -------
    out : ndarray
    """
    rng.random(out=scratch, dtype=np.float32)
    return np.less(scratch, P, out=out)


def free_energy(V, W, b, c):
    """Free energy of Gaussian-Bernoulli visible vectors (unit variance).

    ``F(v) = 1/2 |v - b|^2 - sum_j softplus(c_j + W_j . v)``, so that
    ``p(v)`` is proportional to ``exp(-F(v))``.

    Parameters
    ----------
    V : ndarray of shape (n_samples, n_features)
    W : ndarray of shape (n_components, n_features)
    b : ndarray of shape (n_features,)
    c : ndarray of shape (n_components,)

    Returns
    -------
    F : ndarray of shape (n_samples,)
    """
    quadratic = 0.5 * np.sum((V - b) ** 2, axis=1)
    return quadratic - np.logaddexp(0, V @ W.T + c).sum(axis=1)


def squared_error(A, B, out):
    """Sum of squared differences; ``out`` receives ``A - B``.

    Parameters
    ----------
    A, B : ndarray of the same shape
    out : ndarray
        Buffer receiving the difference ``A - B``.

    Returns
    -------
    sse : float
    """
    np.subtract(A, B, out=out)
    flat = out.reshape(-1)
    return float(np.dot(flat, flat))


def _gemm(W):
    return blas.sgemm if W.dtype == np.float32 else blas.dgemm


def column_mean(M, ones, out, scale=1.0, beta=0.0):
    """``out = beta * out + scale * mean(M, axis=0)``, in place.

    A BLAS matrix-vector product with a vector of ones: several times faster
    than ``np.sum(M, axis=0)`` on minibatch-sized arrays.

    Parameters
    ----------
    M : ndarray of shape (n, m), C-contiguous
    ones : ndarray of shape (>= n,)
        Ones, in the dtype of ``M``.
    out : ndarray of shape (m,)
    scale, beta : float

    Returns
    -------
    out : ndarray of shape (m,)
    """
    gemv = blas.sgemv if M.dtype == np.float32 else blas.dgemv
    n = M.shape[0]
    gemv(scale / n, M.T, ones[:n], beta, out, overwrite_y=1)
    return out


def outer_statistics(pos_h, pos_v, neg_h, neg_v, out, scale=1.0, beta=0.0):
    """``out = beta * out + scale * (pos_h^T pos_v / n_pos - neg_h^T neg_v / n_neg)``.

    Two BLAS calls, the second accumulating into the first, so no temporary
    of the size of ``W`` is created. ``out`` must be C-contiguous.

    Parameters
    ----------
    pos_h : ndarray of shape (n_pos, n_components)
    pos_v : ndarray of shape (n_pos, n_features)
    neg_h : ndarray of shape (n_neg, n_components)
    neg_v : ndarray of shape (n_neg, n_features)
    out : ndarray of shape (n_components, n_features)
    scale, beta : float

    Returns
    -------
    out : ndarray of shape (n_components, n_features)
    """
    gemm = _gemm(out)
    # BLAS is column-major: out.T is the Fortran view of the C-ordered out.
    n_pos, n_neg = pos_v.shape[0], neg_v.shape[0]
    gemm(scale / n_pos, pos_v.T, pos_h.T, beta, out.T, trans_b=1, overwrite_c=1)
    gemm(-scale / n_neg, neg_v.T, neg_h.T, 1.0, out.T, trans_b=1, overwrite_c=1)
    return out


def mean_difference(pos, neg, out, ones, scale=1.0, beta=0.0):
    """``out = beta * out + scale * (mean(pos, 0) - mean(neg, 0))``, two BLAS calls."""
    column_mean(pos, ones, out, scale, beta)
    return column_mean(neg, ones, out, scale=-scale, beta=1.0)


class _Workspace:
    """Per-sample buffers and their views for a minibatch of ``n`` rows."""

    def _per_sample(self, *buffers):
        self._buffers = buffers

    def rows(self, n):
        """The per-sample buffers restricted to the first ``n`` rows."""
        if n == self._buffers[0].shape[0]:
            return self._buffers
        return tuple(b[:n] for b in self._buffers)


class CDWorkspace(_Workspace):
    """Preallocated buffers for one CD-k minibatch step.

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
        def buf(*shape):
            return np.empty(shape, dtype=dtype)

        self.v0 = buf(batch_size, n_features)
        self.v1 = buf(batch_size, n_features)
        self.diff = buf(batch_size, n_features)
        self.h0 = buf(batch_size, n_components)
        self.h1 = buf(batch_size, n_components)
        self.hs = buf(batch_size, n_components)
        # Random draws are float32 for both dtypes (see sample_bernoulli).
        self.uniform = np.empty((batch_size, n_components), dtype=np.float32)
        self.ones = np.ones(max(batch_size, n_chains or 0), dtype=dtype)
        self.W_T = buf(n_features, n_components)
        self._per_sample(
            self.v0, self.v1, self.diff, self.h0, self.h1, self.hs, self.uniform
        )
        if n_chains is not None:
            self.v_chain = buf(n_chains, n_features)
            self.chain_noise = np.empty((n_chains, n_features), dtype=np.float32)
            self.h_chain = buf(n_chains, n_components)
            self.chain_uniform = np.empty((n_chains, n_components), dtype=np.float32)


def cd_gradient(
    v0, W, b, c, rng, ws, out, cd_steps=1, chains=None, scale=1.0, beta=0.0
):
    """Contrastive-divergence gradient of a Gaussian-Bernoulli RBM.

    Positive phase: ``h0 = p(h | v0)``. Negative phase, CD-k (``chains`` is
    None): starting from the data, ``k`` alternations of sampled binary
    hiddens and *mean* visible reconstructions ``v = h W + b`` (the usual
    noise-free reconstruction for Gaussian visible units, Hinton 2010,
    section 13.2). PCD (``chains`` given, Tieleman 2008): the persistent
    binary hidden chains are advanced ``k`` full Gibbs steps with *sampled*
    visible units ``v ~ N(h W + b, I)`` and updated in place.

    The returned squared error is that of the one-step reconstruction from
    the sampled hiddens, ``|v0 - (h W + b)|^2`` with ``h ~ p(h | v0)``: in
    CD it is the first negative-phase visible state, so it costs no extra
    matrix product; PCD computes it with one extra product.

    Parameters
    ----------
    v0 : ndarray of shape (n, n_features)
        Minibatch of data.
    W, b, c : ndarray
        Current parameters.
    rng : numpy.random.Generator
        Source of randomness.
    ws : CDWorkspace
        Buffers.
    out : tuple of ndarray
        ``(out_W, out_b, out_c)`` receiving ``beta * out + scale * grad``
        (the gradient is the ascent direction, averaged over samples).
    cd_steps : int, default=1
        Number of Gibbs steps ``k``.
    chains : ndarray of shape (n_chains, n_components), optional
        Binary hidden states of the persistent chains, advanced in place.
    scale, beta : float
        See the module docstring: ``learning_rate`` and ``momentum`` when
        ``out`` holds the velocities.

    Returns
    -------
    sse : float
        Sum of squared one-step reconstruction errors over the minibatch.
    h0 : ndarray of shape (n, n_components)
        Positive-phase hidden probabilities (a view of ``ws.h0``).
    """
    n = v0.shape[0]
    _, v1, diff, h0, h1, hs, uniform = ws.rows(n)
    W_T = ws.W_T
    np.copyto(W_T, W.T)
    minibatch_hiddens(v0, W_T, c, h0)
    sample_bernoulli(h0, rng, hs, uniform)
    mean_visibles(hs, W, b, out=v1)
    sse = squared_error(v0, v1, diff)
    if chains is None:
        v_neg, h_neg = v1, h1
        minibatch_hiddens(v_neg, W_T, c, h_neg)
        for _ in range(cd_steps - 1):
            sample_bernoulli(h_neg, rng, hs, uniform)
            mean_visibles(hs, W, b, out=v_neg)
            minibatch_hiddens(v_neg, W_T, c, h_neg)
    else:
        v_neg, h_neg = ws.v_chain, ws.h_chain
        for _ in range(cd_steps):
            mean_visibles(chains, W, b, out=v_neg)
            noise = rng.standard_normal(out=ws.chain_noise, dtype=np.float32)
            v_neg += noise
            minibatch_hiddens(v_neg, W_T, c, h_neg)
            sample_bernoulli(h_neg, rng, chains, ws.chain_uniform)
    out_W, out_b, out_c = out
    outer_statistics(h0, v0, h_neg, v_neg, out_W, scale, beta)
    mean_difference(v0, v_neg, out_b, ws.ones, scale, beta)
    mean_difference(h0, h_neg, out_c, ws.ones, scale, beta)
    return sse, h0


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


def add_l2_gradient(grad, W, alpha_l2):
    """``grad -= alpha_l2 * W`` in place (weight decay in the ascent direction)."""
    if alpha_l2:
        axpy = blas.saxpy if W.dtype == np.float32 else blas.daxpy
        axpy(W.reshape(-1), grad.reshape(-1), a=-alpha_l2)
    return grad


def add_sparsity_gradient(grad_c, h0, target, cost, ones):
    """``grad_c += cost * (target - mean(h0, axis=0))`` in place (Lee 2008)."""
    column_mean(h0, ones, grad_c, scale=-cost, beta=1.0)
    grad_c += cost * target
    return grad_c


class AEWorkspace(_Workspace):
    """Preallocated buffers for one backprop minibatch step.

    Parameters
    ----------
    batch_size, n_features, n_components : int
    dtype : numpy dtype
    """

    def __init__(self, batch_size, n_features, n_components, dtype):
        def buf(*shape):
            return np.empty(shape, dtype=dtype)

        self.xb = buf(batch_size, n_features)
        self.hidden = buf(batch_size, n_components)
        self.delta_hidden = buf(batch_size, n_components)
        self.scratch_hidden = buf(batch_size, n_components)
        self.output = buf(batch_size, n_features)
        self.ones = np.ones(batch_size, dtype=dtype)
        self.enc_W_T = buf(n_features, n_components)
        self.dec_W_T = buf(n_features, n_components)
        self._per_sample(
            self.hidden, self.delta_hidden, self.scratch_hidden, self.output
        )


def backprop_gradient(
    X, enc_W, enc_b, dec_W, dec_b, ws, out, tied=False, scale=1.0, beta=0.0
):
    """Gradient of a sigmoid autoencoder's squared reconstruction error.

    Model: ``H = sigmoid(X enc_W^T + enc_b)``, ``Y = H dec_W + dec_b``.
    Loss: ``L = 1/(2 n) * sum |Y - X|^2`` (summed over features, averaged
    over samples, the convention of scikit-learn's ``MLPRegressor``). The
    gradients are *negated* (descent directions), so they are applied with
    the same momentum update as the CD gradients. With ``tied=True`` the
    decoder is ``enc_W`` itself and the encoder's weight output receives the
    sum of both weight gradients.

    Parameters
    ----------
    X : ndarray of shape (n, n_features)
    enc_W : ndarray of shape (n_components, n_features)
    enc_b : ndarray of shape (n_components,)
    dec_W : ndarray of shape (n_components, n_features)
        Ignored when ``tied``.
    dec_b : ndarray of shape (n_features,)
    ws : AEWorkspace
    out : tuple of ndarray
        ``(out_enc_W, out_enc_b, out_dec_W, out_dec_b)`` receiving
        ``beta * out + scale * grad``; ``out_dec_W`` is unused when ``tied``.
    tied : bool, default=False
    scale, beta : float
        See the module docstring.

    Returns
    -------
    sse : float
        Sum of squared reconstruction errors over the minibatch.
    """
    n = X.shape[0]
    H, delta_h, scratch_h, Y = ws.rows(n)
    if tied:
        dec_W = enc_W
    # contiguous transposes: the products with them run faster (see
    # minibatch_hiddens)
    enc_W_T, dec_W_T = ws.enc_W_T, ws.enc_W_T if tied else ws.dec_W_T
    np.copyto(enc_W_T, enc_W.T)
    if not tied:
        np.copyto(dec_W_T, dec_W.T)
    minibatch_hiddens(X, enc_W_T, enc_b, H)
    mean_visibles(H, dec_W, dec_b, out=Y)
    # Y becomes the output error X - Y (the negated output delta).
    sse = squared_error(X, Y, Y)
    out_enc_W, out_enc_b, out_dec_W, out_dec_b = out
    gemm = _gemm(enc_W)
    column_mean(Y, ws.ones, out_dec_b, scale, beta)
    # Tied weights: both gradients accumulate into the encoder's output.
    target = out_enc_W if tied else out_dec_W
    gemm(scale / n, Y.T, H.T, beta, target.T, trans_b=1, overwrite_c=1)
    # Back through the decoder and the sigmoid: delta_h = (E dec_W^T) H (1-H).
    np.matmul(Y, dec_W_T, out=delta_h)
    np.subtract(1.0, H, out=scratch_h)
    scratch_h *= H
    delta_h *= scratch_h
    column_mean(delta_h, ws.ones, out_enc_b, scale, beta)
    beta_enc = 1.0 if tied else beta
    gemm(scale / n, X.T, delta_h.T, beta_enc, out_enc_W.T, trans_b=1, overwrite_c=1)
    return sse
