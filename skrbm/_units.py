"""Visible units: what differs between a Gaussian and a binary RBM.

One object per kind of visible unit owns everything that depends on it:
the conditional mean and sample of ``p(v | h)``, the visible term of the
free energy, the exact ``log Z`` and exact samples of small models, the
base distribution and path of annealed importance sampling, and the
activation an unrolled autoencoder's decoder ends in. The estimators hold
one (:func:`units_of`); the CD step, the Gibbs step, AIS, the likelihood
and the refiner ask it instead of branching on the kind of unit.

Conventions are those of :mod:`skrbm._kernels`. The likelihood functions
(``log_partition_exact``, ``sample_exact``, the AIS ones) compute in
float64 and take a model with unit visible variance: a model with learned
variances ``sigma`` is that model in the units ``v / sigma``
(:class:`skrbm._params.RBMParameters`).

**Gaussian units.** Energy ``E(v, h) = 1/2 |v - b|^2 - c.h - v.W^T h``.
For a hidden vector ``h`` with ``u = h W`` the visible integral is
Gaussian, ``int exp(-E(v, h)) dv = (2 pi)^(D/2) exp(c.h + b.u + |u|^2 / 2)``,
hence ``log Z = (D/2) log(2 pi) + logsumexp_h [c.h + b.u + |u|^2 / 2]``.
AIS anneals from ``W = 0``, hidden bias 0 and the model's visible bias
(visibles ``N(b, I)``, uniform hiddens) through the RBMs with weights
``sqrt(beta) W`` and hidden bias ``beta c + (beta - sqrt(beta)) W b``,
which temper the hidden-state distribution, ``p_beta(h) ~ p(h)^beta``
(:mod:`skrbm._likelihood` says why this path).

**Binary units.** Energy ``E(v, h) = -b.v - c.h - v.W^T h``. Summing the
visible units out, ``log Z = logsumexp_h [c.h + sum_i softplus(b_i + (h
W)_i)]``. AIS anneals from the model without weights and hidden bias
through the RBMs with weights ``beta W`` and hidden bias ``beta c``
(Salakhutdinov and Murray 2008).
"""

from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp
from sklearn.neural_network import BernoulliRBM

from ._kernels import sample_bernoulli, sigmoid

#: Largest hidden layer whose 2^H states are summed exactly.
EXACT_MAX_COMPONENTS = 20

# Entries of one block of hidden-state log-weights (8 MB in float64).
_BLOCK_ENTRIES = 2**20


def binary_patterns(n_bits, codes=None):
    """The binary vectors of ``codes`` (all ``2^n_bits`` by default), one per row.

    Bit ``k`` of a code is unit ``k``; float64.
    """
    codes = np.arange(2**n_bits) if codes is None else codes
    return ((codes[:, None] >> np.arange(n_bits)) & 1).astype(np.float64)


def check_exact_size(n_components):
    """Refuse a hidden layer too large for exact enumeration."""
    if n_components > EXACT_MAX_COMPONENTS:
        raise ValueError(
            f"The exact partition function sums 2^n_components hidden states and "
            f"is limited to n_components <= {EXACT_MAX_COMPONENTS}; this model has "
            f"{n_components} hidden units. Use method='ais' instead."
        )


def bernoulli(P, rng):
    """Binary states drawn with probabilities ``P`` (a new array).

    The uniforms have the dtype of ``P``: numpy's stream, as
    ``rng.random(P.shape, P.dtype)`` (:func:`skrbm._kernels.sample_bernoulli`).
    """
    uniform = np.empty(P.shape, dtype=P.dtype)
    return sample_bernoulli(P, rng, np.empty_like(P), uniform, coarse=False)


def _float64(*arrays):
    return (np.asarray(a, dtype=np.float64) for a in arrays)


class VisibleUnits:
    """Base class of the visible-unit objects; one instance per kind.

    Attributes
    ----------
    name : str
        Tells the kinds apart (e.g. in cache keys).
    decoder_activation : {"identity", "logistic"}
        Output activation of the decoder an autoencoder unrolls the RBM to,
        so that it starts from the RBM's mean reconstruction ``E[v | h]``.
    """

    name = ""
    decoder_activation = "identity"

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __reduce__(self):
        # one instance per kind: unpickling gives the module's object back
        return (units_named, (self.name,))

    def activate(self, A):
        """``E[v | h]`` from ``A = h W + b``, in place."""
        return A

    def means(self, H, W, b, out=None, scale=1.0):
        """``E[v | h]`` at weights ``scale * W``: ``activate(scale * (H W) + b)``.

        Parameters
        ----------
        H : ndarray of shape (n, n_components)
        W : ndarray of shape (n_components, n_features)
        b : ndarray of shape (n_features,)
        out : ndarray of shape (n, n_features), optional
        scale : float, default=1.0

        Returns
        -------
        V : ndarray of shape (n, n_features)
        """
        out = np.matmul(H, W, out=out)
        if scale != 1.0:
            out *= scale
        out += b
        return self.activate(out)

    def sample(self, M, rng, scratch, coarse=True):
        """Replace the means ``M`` by a draw of ``p(v | h)``, in place.

        ``scratch`` (the shape of ``M``) receives the random numbers; its
        dtype is theirs. ``coarse`` lets large float32 Bernoulli draws take
        16-bit uniforms, as training does
        (:func:`~skrbm._kernels.draw_uniforms`).
        """
        raise NotImplementedError

    def free_energy(self, V, W, b, c):
        """Free energy ``F(v)``: ``p(v)`` is proportional to ``exp(-F(v))``.

        The visible term (:meth:`visible_energy`) minus
        ``sum_j softplus(c_j + W_j . v)``.

        Returns
        -------
        F : ndarray of shape (n_samples,)
        """
        return self.visible_energy(V, b) - np.logaddexp(0, V @ W.T + c).sum(axis=1)

    def log_partition_exact(self, W, b, c):
        """Exact ``log Z`` by enumerating the ``2^H`` hidden states, float64."""
        raise NotImplementedError

    def sample_exact(self, W, b, c, n_samples, rng):
        """Independent exact samples ``v ~ p(v)`` of a small RBM, float64."""
        raise NotImplementedError

    def exact_statistics(self, W, b, c):
        """The model's ``E[v h^T]``, ``E[v]`` and ``E[h]``, by enumeration, float64.

        What a sampler's negative phase estimates; for small hidden layers
        (:data:`EXACT_MAX_COMPONENTS`).

        Returns
        -------
        vh : ndarray of shape (n_features, n_components)
        v : ndarray of shape (n_features,)
        h : ndarray of shape (n_components,)
        """
        W, b, c = _float64(W, b, c)
        check_exact_size(W.shape[0])
        H = binary_patterns(W.shape[0])
        log_weights = self.hidden_log_weights(W, b, c)
        p = np.exp(log_weights - logsumexp(log_weights))
        means = self.activate(H @ W + b)
        return (means * p[:, None]).T @ H, p @ means, p @ H


class GaussianUnits(VisibleUnits):
    """Linear visible units with unit-variance Gaussian noise."""

    name = "gaussian"
    decoder_activation = "identity"

    def sample(self, M, rng, scratch, coarse=True):
        M += rng.standard_normal(out=scratch, dtype=scratch.dtype)
        return M

    @staticmethod
    def visible_energy(V, b):
        """``|v - b|^2 / 2`` per row."""
        return 0.5 * np.sum((V - b) ** 2, axis=1)

    def hidden_log_weights(self, W, b, c):
        """``c.h + b.u + |u|^2 / 2`` (``u = h W``) of every hidden state, float64.

        State ``k`` is :func:`binary_patterns`' row ``k``; all at once, for
        small hidden layers (:meth:`log_partition_exact` goes by halves).
        """
        W, b, c = _float64(W, b, c)
        return _half_states(W, b, c).log_weight

    @staticmethod
    def component_log_weights(W, b):
        """``b.w_j + |w_j|^2 / 2``: each one-unit state's log weight, less ``c_j``.

        The log weight of the hidden state with unit ``j`` alone on, minus
        that of the state with all units off and minus the unit's bias.
        """
        return W @ b + 0.5 * np.einsum("ij,ij->i", W, W)

    def log_partition_exact(self, W, b, c):
        check_exact_size(np.shape(W)[0])
        low, high = _split_states(W, b, c)
        gaussian = 0.5 * np.shape(W)[1] * np.log(2 * np.pi)
        return float(gaussian + logsumexp(_high_log_masses(low, high)))

    def sample_exact(self, W, b, c, n_samples, rng):
        """Exact samples: ``h`` from ``p(h)``, high half of the units first
        and then the low half given it, then ``v ~ N(h W + b, I)``."""
        check_exact_size(np.shape(W)[0])
        low, high = _split_states(W, b, c)
        masses = _high_log_masses(low, high)
        j = _gumbel_argmax(np.broadcast_to(masses, (n_samples, masses.size)), rng)
        columns = high.U[j] @ low.U.T + low.log_weight
        i = _gumbel_argmax(columns, rng)
        V = low.U[i] + high.U[j] + b
        V += rng.standard_normal(V.shape)
        return V

    @staticmethod
    def path_parameters(W, b, c, beta):
        """Weight scale ``sqrt(beta)`` and hidden bias of the AIS model at ``beta``."""
        scale = np.sqrt(beta)
        return scale, beta * c + (beta - scale) * (W @ b)

    @staticmethod
    def log_base_partition(W, b):
        """``log Z_0`` of the base model: ``N(b, I)`` visibles, uniform hiddens."""
        return 0.5 * W.shape[1] * np.log(2 * np.pi) + W.shape[0] * np.log(2)

    @staticmethod
    def base_samples(b, n_samples, rng):
        """Independent draws of the base model's visibles, ``N(b, I)``."""
        return b + rng.standard_normal((n_samples, b.size), dtype=b.dtype)

    @staticmethod
    def tempering_base(X):
        """``(mean, variance)`` of each feature: the base of parallel tempering.

        Cho, Raiko and Ilin (2010) temper towards a Gaussian with the
        data's mean and variance.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            variance = X.var(axis=0)  # inf for data whose squares overflow
        return X.mean(axis=0), np.maximum(variance, np.finfo(X.dtype).tiny)

    @staticmethod
    def model_base(b, variance):
        """A tempering base from a model alone: ``N(b, diag(variance))``."""
        return b, np.ones_like(b) if variance is None else variance

    @staticmethod
    def base_in_units(base, inv_sigma):
        """The base in the units ``v / sigma`` of learned variances."""
        mean, variance = base
        return mean * inv_sigma, variance * inv_sigma**2

    @staticmethod
    def tempered_sample(M, b, betas, base, rng, scratch):
        """Draw ``v`` at each inverse temperature; ``M`` holds ``h W``, in place.

        At ``beta`` the density is ``p(v, h)^beta p_base(v)^(1 - beta)``,
        whose visible conditional is Gaussian with precision
        ``beta + (1 - beta) / s^2`` and mean ``(beta (b + h W) + (1 - beta)
        m / s^2) / precision`` (base ``N(m, diag(s^2))``).

        Parameters
        ----------
        M : ndarray of shape (n_temperatures, n_chains, n_features)
        b : ndarray of shape (n_features,)
        betas : ndarray of shape (n_temperatures,)
        base : tuple of ndarray
        rng : numpy.random.Generator
        scratch : ndarray of the shape of ``M``
        """
        mean, variance = base
        beta = betas[:, None, None]
        shift = (1.0 - beta) * (mean / variance)
        inv_precision = 1.0 / (beta + (1.0 - beta) / variance)
        M += b
        M *= beta
        M += shift
        M *= inv_precision
        noise = rng.standard_normal(out=scratch, dtype=scratch.dtype)
        noise *= np.sqrt(inv_precision).astype(scratch.dtype)
        M += noise
        return M

    @staticmethod
    def base_energy(V, base):
        """``sum_i (v_i - m_i)^2 / (2 s_i^2)`` per row."""
        mean, variance = base
        return 0.5 * np.sum((V - mean) ** 2 / variance, axis=1)


class BinaryUnits(VisibleUnits):
    """Binary (Bernoulli) visible units with logistic means."""

    name = "binary"
    decoder_activation = "logistic"

    def activate(self, A):
        return sigmoid(A, out=A)

    def sample(self, M, rng, scratch, coarse=True):
        return sample_bernoulli(M, rng, M, scratch, coarse)

    @staticmethod
    def visible_energy(V, b):
        """``-v.b`` per row."""
        return -(V @ b)

    def hidden_log_weights(self, W, b, c):
        """``c.h + sum_i softplus(b_i + (h W)_i)`` for every hidden state, in blocks.

        State ``k`` is :func:`binary_patterns`' row ``k``; float64.
        """
        W, b, c = _float64(W, b, c)
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

    @staticmethod
    def component_log_weights(W, b):
        """``sum_i softplus(b_i + w_ji) - softplus(b_i)``, as the Gaussian units'."""
        return (np.logaddexp(0.0, W + b) - np.logaddexp(0.0, b)).sum(axis=1)

    def log_partition_exact(self, W, b, c):
        check_exact_size(np.shape(W)[0])
        return float(logsumexp(self.hidden_log_weights(W, b, c)))

    def sample_hidden_exact(self, W, b, c, n_samples, rng):
        """Exact draws of the hidden states from their marginal ``p(h)``, float64."""
        n_components = np.shape(W)[0]
        check_exact_size(n_components)
        log_weights = self.hidden_log_weights(W, b, c)
        cumulative = np.cumsum(np.exp(log_weights - log_weights.max()))
        codes = np.searchsorted(cumulative, rng.random(n_samples) * cumulative[-1])
        return binary_patterns(n_components, np.minimum(codes, cumulative.size - 1))

    def sample_exact(self, W, b, c, n_samples, rng):
        H = self.sample_hidden_exact(W, b, c, n_samples, rng)
        return bernoulli(sigmoid(H @ np.asarray(W, dtype=np.float64) + b), rng)

    @staticmethod
    def path_parameters(W, b, c, beta):
        """Weight scale ``beta`` and hidden bias ``beta c`` of the AIS model."""
        return beta, beta * c

    @staticmethod
    def log_base_partition(W, b):
        """``log Z_0`` of the base model (no weights, no hidden bias)."""
        return float(np.logaddexp(0.0, b).sum() + W.shape[0] * np.log(2))

    @staticmethod
    def base_samples(b, n_samples, rng):
        """Independent draws of the base model's visibles, in the dtype of ``b``."""
        return bernoulli(np.broadcast_to(sigmoid(b), (n_samples, b.size)), rng)

    @staticmethod
    def tempering_base(X):
        """``(logit,)`` of each feature's mean, clipped to ``[0.001, 0.999]``."""
        rate = np.clip(X.mean(axis=0), 0.001, 0.999)
        return (np.log(rate / (1 - rate)),)

    @staticmethod
    def model_base(b, variance):
        """A tempering base from a model alone: ``Bernoulli(sigmoid(b))``."""
        return (b,)

    @staticmethod
    def base_in_units(base, inv_sigma):
        return base

    @staticmethod
    def tempered_sample(M, b, betas, base, rng, scratch):
        """Binary ``v ~ sigmoid(beta (b + h W) + (1 - beta) a)`` at each ``beta``.

        ``M`` holds ``h W``; the base is ``Bernoulli(sigmoid(a))``.
        Arguments as in :meth:`GaussianUnits.tempered_sample`.
        """
        (logit,) = base
        beta = betas[:, None, None]
        M += b
        M *= beta
        M += (1.0 - beta) * logit
        sigmoid(M, out=M)
        return sample_bernoulli(M, rng, M, scratch)

    @staticmethod
    def base_energy(V, base):
        """``-v.a`` per row."""
        return -(V @ base[0])


class _HalfStates(NamedTuple):
    """The hidden states of a subset of hidden units, enumerated."""

    patterns: np.ndarray  # (2^m, m) binary
    U: np.ndarray  # patterns @ W_subset
    log_weight: np.ndarray  # c.h + b.u + |u|^2 / 2 of the subset alone


def _half_states(W, b, c):
    patterns = binary_patterns(W.shape[0])
    U = patterns @ W
    log_weight = patterns @ c + U @ b + 0.5 * np.einsum("ij,ij->i", U, U)
    return _HalfStates(patterns, U, log_weight)


def _split_states(W, b, c):
    """Enumerate Gaussian units' hidden states as (low half) x (high half).

    With ``h = (h_low, h_high)`` and ``u = u_low + u_high``, the log-weight
    of ``h`` is ``low.log_weight + high.log_weight + u_low . u_high``: a
    ``2^H`` table costs one product of the two halves' ``U`` matrices.
    """
    W, b, c = _float64(W, b, c)
    n_low = (W.shape[0] + 1) // 2
    return (
        _half_states(W[:n_low], b, c[:n_low]),
        _half_states(W[n_low:], b, c[n_low:]),
    )


def _high_log_masses(low, high):
    """``logsumexp`` over the low states for each high state, in blocks."""
    step = max(1, _BLOCK_ENTRIES // low.U.shape[0])
    masses = np.empty(high.U.shape[0])
    for start in range(0, high.U.shape[0], step):
        block = slice(start, start + step)
        table = low.U @ high.U[block].T
        table += low.log_weight[:, None]
        masses[block] = logsumexp(table, axis=0) + high.log_weight[block]
    return masses


def _gumbel_argmax(log_weights, rng):
    """One categorical draw per row of ``log_weights`` (Gumbel-max trick)."""
    return np.argmax(log_weights + rng.gumbel(size=log_weights.shape), axis=-1)


GAUSSIAN = GaussianUnits()
BINARY = BinaryUnits()


def units_named(name):
    """The units object called ``name`` ("gaussian" or "binary")."""
    return {GAUSSIAN.name: GAUSSIAN, BINARY.name: BINARY}[name]


def units_of(estimator):
    """The visible units of an RBM-like estimator, fitted or not.

    skrbm's RBMs say it themselves (their ``_units``); scikit-learn's
    :class:`~sklearn.neural_network.BernoulliRBM` has binary units; any
    other estimator is read as having Gaussian (linear) units.

    Parameters
    ----------
    estimator : estimator

    Returns
    -------
    units : VisibleUnits
    """
    units = getattr(estimator, "_units", None)
    if isinstance(units, VisibleUnits):
        return units
    if isinstance(estimator, BernoulliRBM):
        return BINARY
    return GAUSSIAN
