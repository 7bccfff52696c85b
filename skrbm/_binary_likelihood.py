"""Partition function, likelihood and samples of an RBM with binary visible units.

The counterparts, for :class:`~skrbm.BinaryRBM` (and scikit-learn's
:class:`~sklearn.neural_network.BernoulliRBM`), of the Gaussian functions
of :mod:`skrbm._likelihood`, with the same conventions and signatures;
:data:`BINARY` holds them for that module's AIS driver, likelihood and
sampler. Everything computes in float64 except the Gibbs steps, which keep
the dtype of their input.

The model has energy ``E(v, h) = -b.v - c.h - v.W^T h`` with ``v`` and
``h`` binary, and free energy ``F(v) = -b.v - sum_j softplus(c_j + W_j . v)``.
Summing the visible units out instead, a hidden state ``h`` with
``u = h W`` has the weight ``exp(c.h + sum_i softplus(b_i + u_i))``, so

    ``log Z = logsumexp_h [c.h + sum_i softplus(b_i + (h W)_i)]``,

``2^H`` terms of ``D`` softplus each.

**AIS** anneals from the model without its weights and hidden bias
(independent visibles ``Bernoulli(sigmoid(b))``, independent uniform
hiddens, ``log Z_0 = sum_i softplus(b_i) + H log 2``) to the model, through
the RBMs with weights ``beta W``, hidden bias ``beta c`` and the model's
visible bias: the geometric path of Salakhutdinov and Murray (2008) from a
base model with the model's visible biases.
"""

import numpy as np
from scipy.special import logsumexp

from ._kernels import free_energy, sigmoid
from ._likelihood import (
    _BLOCK_ENTRIES,
    Visibles,
    binary_patterns,
    check_exact_size,
)


def log_unnormalized(X, W, b, c, sigma=None):
    """Unnormalized log-probability ``-F(v)`` of visible vectors, float64.

    As :func:`skrbm._likelihood.log_unnormalized`; ``sigma`` must be None
    (binary units have no variance: the argument keeps the signatures of
    both kinds of visible unit alike).
    """
    X, W, b, c = (np.asarray(a, dtype=np.float64) for a in (X, W, b, c))
    return -free_energy(X, W, b, c, binary=True)


def hidden_log_weights(W, b, c):
    """``c.h + sum_i softplus(b_i + (h W)_i)`` for every hidden state ``h``.

    State ``k`` is :func:`~skrbm._likelihood.binary_patterns`' row ``k``.
    Computed in blocks of about a million softplus terms.

    Parameters
    ----------
    W : ndarray of shape (n_components, n_features)
    b : ndarray of shape (n_features,)
    c : ndarray of shape (n_components,)

    Returns
    -------
    log_weights : ndarray of shape (2 ** n_components,)
        ``log sum_v exp(-E(v, h))``, float64.
    """
    W, b, c = (np.asarray(a, dtype=np.float64) for a in (W, b, c))
    n_components, n_features = W.shape
    n_states = 2**n_components
    step = max(1, _BLOCK_ENTRIES // n_features)
    log_weights = np.empty(n_states)
    for start in range(0, n_states, step):
        codes = np.arange(start, min(start + step, n_states))
        H = binary_patterns(n_components, codes)
        U = H @ W
        U += b
        log_weights[codes] = H @ c + np.logaddexp(0.0, U).sum(axis=1)
    return log_weights


def log_partition_exact(W, b, c, sigma=None):
    """Exact ``log Z`` by enumerating the ``2^H`` hidden states.

    As :func:`skrbm._likelihood.log_partition_exact`, ``sigma`` None.
    """
    check_exact_size(np.shape(W)[0])
    return float(logsumexp(hidden_log_weights(W, b, c)))


def sample_hidden_exact(W, b, c, n_samples, rng):
    """Independent exact draws of the hidden states from their marginal ``p(h)``.

    Returns an ndarray of shape ``(n_samples, n_components)`` of binary
    float64 states; the arguments are those of :func:`sample_exact`.
    """
    n_components = np.shape(W)[0]
    check_exact_size(n_components)
    log_weights = hidden_log_weights(W, b, c)
    cumulative = np.cumsum(np.exp(log_weights - log_weights.max()))
    codes = np.searchsorted(cumulative, rng.random(n_samples) * cumulative[-1])
    return binary_patterns(n_components, np.minimum(codes, cumulative.size - 1))


def _bernoulli(P, rng):
    return (rng.random(P.shape, dtype=P.dtype) < P).astype(P.dtype)


def sample_exact(W, b, c, n_samples, rng):
    """Independent exact samples ``v ~ p(v)`` of a small RBM, float64.

    ``h`` from its marginal (:func:`sample_hidden_exact`), then
    ``v ~ Bernoulli(sigmoid(h W + b))``; arguments as in
    :func:`skrbm._likelihood.sample_exact`.
    """
    H = sample_hidden_exact(W, b, c, n_samples, rng)
    return _bernoulli(sigmoid(H @ np.asarray(W, dtype=np.float64) + b), rng)


def gibbs_step(V, W, b, c, rng, beta=1.0, activations=None):
    """One Gibbs step ``h ~ p(h | v)``, ``v' ~ Bernoulli(sigmoid(beta h W + b))``.

    In the dtype of ``V``; arguments as in :func:`skrbm._likelihood.gibbs_step`
    (``beta`` scales the weights, ``activations`` is ``V @ W.T`` if known).
    """
    A = V @ W.T if activations is None else activations
    H = _bernoulli(sigmoid(beta * A + c), rng)
    return _bernoulli(sigmoid(beta * (H @ W) + b), rng)


def path_parameters(W, b, c, beta):
    """Weight scale ``beta`` and hidden bias ``beta c`` of the AIS model at ``beta``.

    The visible bias stays ``b`` (module docstring); arguments and returns
    as in :func:`skrbm._likelihood.path_parameters`.
    """
    return beta, beta * c


def log_base_partition(W, b):
    """``log Z_0`` of the base model (no weights, no hidden bias)."""
    return float(np.logaddexp(0.0, b).sum() + W.shape[0] * np.log(2))


def base_samples(b, n_samples, rng):
    """Independent draws of the base model's visibles, in the dtype of ``b``."""
    return _bernoulli(np.broadcast_to(sigmoid(b), (n_samples, b.size)), rng)


#: The functions of binary visible units, for :mod:`skrbm._likelihood`.
BINARY = Visibles(
    "binary",
    log_unnormalized,
    log_partition_exact,
    sample_exact,
    gibbs_step,
    path_parameters,
    log_base_partition,
    base_samples,
)
