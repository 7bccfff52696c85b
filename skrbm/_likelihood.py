"""Partition function, likelihood and samples of an RBM, for any visible units.

Conventions are those of :mod:`skrbm._kernels`: ``W`` has shape
``(n_components, n_features)``, ``b`` is the visible bias, ``c`` the hidden
bias, samples are rows. Everything here computes in float64. What depends
on the kind of visible unit (the free energy's visible term, the exact
``log Z`` and samples, the AIS base and path) is asked of a
:class:`~skrbm._units.VisibleUnits` object, which also documents each
model's ``log Z`` in closed form; ``log p(v) = -F(v) - log Z``.

**Per-feature visible variance.** With standard deviations ``sigma`` and
the energy ``|(v - b) / sigma|^2 / 2 - c.h - (v / sigma).W^T h`` (Hinton
2010, section 13.2), ``x = v / sigma`` is distributed as the unit-variance
model with visible bias ``b / sigma``
(:meth:`~skrbm._params.RBMParameters.unit_view`): ``-F(v)`` is the unit
model's at ``v / sigma``, and ``log Z`` gains the Jacobian
``sum(log sigma)``.

**AIS** (Salakhutdinov and Murray 2008) anneals from a base model without
weights to the model. For Gaussian units the path has weights
``sqrt(beta) W`` (``GaussianUnits.path_parameters``): with the visibles
integrated out these temper the model's hidden-state distribution,
``p_beta(h) ~ p(h)^beta``. Trained models put their mass on a few
far-apart modes (e.g. a set of filters on together, or the complementary
set); tempering from the uniform distribution populates all of them before
they separate. The more common path ``beta W`` with the model's biases (or
a mean-field base) left whole modes unvisited: 2.4 nats too low on some of
the 10-16 unit models of the user guide, against 0.1 for this path. Each
intermediate model is an RBM, so the transitions are ordinary Gibbs steps
(:func:`skrbm._samplers.gibbs_step`), and the hidden units are summed out
of the weights exactly.
"""

import hashlib
import threading
import warnings
from collections import OrderedDict
from functools import partial
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.neural_network import BernoulliRBM
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state, check_scalar
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import FLOAT_DTYPES, generator_from
from ._jacobian import SKIP as JACOBIAN_SKIP
from ._jacobian import log_abs_det_jacobian
from ._params import RBMParameters
from ._rbm_base import BaseRBM
from ._refiner import AutoencoderRefiner
from ._samplers import gibbs_step
from ._training import blas_threads, caller_stacklevel
from ._units import EXACT_MAX_COMPONENTS, GAUSSIAN, VisibleUnits, units_of
from .exceptions import AISWarning

#: Default AIS schedule length and number of chains (each direction).
N_TEMPERATURES = 2000
N_CHAINS = 100

# Half-width of the intervals, in standard errors of the mean weight.
_N_STD_ERRORS = 3.0

#: How many ``log Z`` results :data:`LOG_PARTITION_CACHE` keeps.
CACHE_SIZE = 16


class LogPartition(NamedTuple):
    """Estimate of the log partition function ``log Z`` of an RBM, in nats.

    Returned by :func:`skrbm.metrics.log_partition`; see its Notes for
    which side of ``log Z`` each number is on.

    Parameters
    ----------
    estimate : float
        Exact value, or the forward AIS estimate ``log mean(w)``.
    lower : float
        Lower end of the bracket: forward AIS with the mean importance
        weight lowered by 3 standard errors (``-inf`` when the weights are
        too spread for that). Equal to ``estimate`` when exact.
    upper : float
        Upper end of the bracket: reverse AIS with its mean weight lowered
        by 3 standard errors (``inf`` when too spread). Equal to
        ``estimate`` when exact.
    reverse : float
        Reverse AIS point estimate (``estimate`` when exact).
    method : {"exact", "ais"}
        How the value was obtained.
    """

    estimate: float
    lower: float
    upper: float
    reverse: float
    method: str

    @property
    def reliable(self):
        """Whether the bracket is finite and holds both point estimates.

        True when the four numbers are finite, ``lower <= upper``, and
        ``estimate`` and ``reverse`` both lie in ``[lower, upper]``: always
        for a finite exact value. Computed from the five fields, so results
        pickled before it existed have it too.
        """
        return not bracket_problems(self)


def bracket_problems(log_z):
    """What makes a :class:`LogPartition` unreliable, in words.

    Parameters
    ----------
    log_z : LogPartition

    Returns
    -------
    problems : list of str
        Empty when ``log_z.reliable``.
    """
    numbers = {name: getattr(log_z, name) for name in log_z._fields[:4]}
    infinite = [f"{k}={v:.6g}" for k, v in numbers.items() if not np.isfinite(v)]
    if len(infinite) == 1:
        return [f"{infinite[0]} is not finite"]
    if infinite:
        return [f"{', '.join(infinite[:-1])} and {infinite[-1]} are not finite"]
    lower, upper = log_z.lower, log_z.upper
    if lower > upper:
        return [f"the bracket is empty (lower={lower:.6g} > upper={upper:.6g})"]
    return [
        f"{name}={numbers[name]:.6g} lies outside [lower, upper] = "
        f"[{lower:.6g}, {upper:.6g}]"
        for name in ("estimate", "reverse")
        if not lower <= numbers[name] <= upper
    ]


def warn_if_unreliable(log_z, n_temperatures, n_chains):
    """Issue an :class:`~skrbm.exceptions.AISWarning` for an unreliable ``log_z``.

    Parameters
    ----------
    log_z : LogPartition
    n_temperatures, n_chains : int
        The AIS settings that gave it, for the advice.
    """
    problems = bracket_problems(log_z)
    if not problems:
        return
    if log_z.method == "exact":
        advice = (
            "The model's parameters are not finite, or so large that log Z "
            "overflows: the model may have diverged during training."
        )
    else:
        advice = (
            f"Run AIS with more n_temperatures (now {n_temperatures}) or "
            f"n_chains (now {n_chains}). If the bracket stays infinite, or "
            f"the estimate is very large (here {log_z.estimate:.6g} nats), "
            "the model may have diverged during training."
        )
    what = "exact log Z" if log_z.method == "exact" else "AIS estimate of log Z"
    warnings.warn(
        f"The {what} is not reliable: {'; '.join(problems)}. {advice}",
        AISWarning,
        stacklevel=caller_stacklevel(),
    )


class ResultCache:
    """The ``maxsize`` most recently used results, by key; thread-safe.

    Parameters
    ----------
    maxsize : int
    """

    def __init__(self, maxsize):
        self.maxsize = maxsize
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key, compute):
        """The result stored under ``key``, else ``compute()``, stored.

        A ``key`` of None means "do not cache": ``compute()`` runs.
        """
        if key is None:
            return compute()
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return value

    def clear(self):
        """Forget every result."""
        with self._lock:
            self._entries.clear()

    def __iter__(self):
        with self._lock:
            return iter(list(self._entries))


#: ``log Z`` results by model parameters and settings (:func:`cache_key`).
LOG_PARTITION_CACHE = ResultCache(CACHE_SIZE)


def log_unnormalized(X, W, b, c, sigma=None, units=GAUSSIAN):
    """Unnormalized log-density ``-F(v)`` of visible vectors.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    W : ndarray of shape (n_components, n_features)
    b : ndarray of shape (n_features,)
    c : ndarray of shape (n_components,)
    sigma : ndarray of shape (n_features,), optional
        Visible standard deviations; ones by default.
    units : VisibleUnits, default=GAUSSIAN

    Returns
    -------
    log_density : ndarray of shape (n_samples,)
        ``log p(v) + log Z``, float64.
    """
    W, b, c, sigma = _float64_model(W, b, c, sigma).unit_view()
    X = np.asarray(X, dtype=np.float64)
    if sigma is not None:
        X = X / sigma
    return -units.free_energy(X, W, b, c)


def _float64_model(W, b, c, sigma=None):
    W, b, c = (np.asarray(a, dtype=np.float64) for a in (W, b, c))
    if sigma is not None:
        sigma = np.asarray(sigma, dtype=np.float64)
    return RBMParameters(W, b, c, sigma)


def log_partition_exact(W, b, c, sigma=None, units=GAUSSIAN):
    """Exact ``log Z`` by enumerating the ``2^H`` hidden states in blocks.

    The visible units are summed or integrated out in closed form
    (:mod:`skrbm._units`); memory is bounded by one block of about a
    million log-weights. Arguments as in :func:`log_unnormalized`.

    Returns
    -------
    log_z : float

    Raises
    ------
    ValueError
        If ``n_components > EXACT_MAX_COMPONENTS``.
    """
    params = _float64_model(W, b, c, sigma)
    W, b, c, _ = params.unit_view()
    return units.log_partition_exact(W, b, c) + params.log_det()


def sample_exact(W, b, c, n_samples, rng, units=GAUSSIAN):
    """Independent exact samples ``v ~ p(v)`` of a small unit-variance RBM, float64.

    Parameters
    ----------
    W, b, c : ndarray
    n_samples : int
    rng : numpy.random.Generator
    units : VisibleUnits, default=GAUSSIAN

    Returns
    -------
    V : ndarray of shape (n_samples, n_features)
    """
    return units.sample_exact(W, b, c, n_samples, rng)


def _sum_softplus(A, scale, c_beta):
    return np.logaddexp(0.0, scale * A + c_beta).sum(axis=1)


def anneal(V, W, b, c, betas, rng, units=GAUSSIAN):
    """Log importance weights of annealing chains along ``betas``.

    The distribution at ``beta`` is the RBM of ``units.path_parameters``.
    For each step ``k`` the weight gains ``log p*_k(v) - log p*_{k-1}(v)``
    and ``v`` then moves by a Gibbs step at ``betas[k]``. With ``betas``
    increasing from 0 and ``V ~ p_0`` this is forward AIS,
    ``E[w] = Z_1 / Z_0``; with ``betas`` decreasing from 1 and ``V ~ p_1``
    it is reverse AIS, ``E[w] = Z_0 / Z_1``.

    Parameters
    ----------
    V : ndarray of shape (n_chains, n_features)
        Chains distributed as ``p_{betas[0]}``.
    W, b, c : ndarray
        Model parameters, float64.
    betas : ndarray of shape (n_temperatures,)
    rng : numpy.random.Generator
    units : VisibleUnits, default=GAUSSIAN

    Returns
    -------
    log_w : ndarray of shape (n_chains,)
    V : ndarray of shape (n_chains, n_features)
        The chains before the last transition (distributed as about
        ``p_{betas[-1]}``).
    """
    log_w = np.zeros(V.shape[0])
    previous = units.path_parameters(W, b, c, betas[0])
    for k in range(1, len(betas)):
        scale, c_beta = units.path_parameters(W, b, c, betas[k])
        A = V @ W.T
        log_w += _sum_softplus(A, scale, c_beta) - _sum_softplus(A, *previous)
        if k < len(betas) - 1:
            V = gibbs_step(V, W, b, c_beta, units, rng, scale, activations=A)
        previous = scale, c_beta
    return log_w, V


def log_mean_exp(log_w):
    """``log mean(w)`` and the same with the mean lowered by 3 standard errors.

    Parameters
    ----------
    log_w : ndarray of shape (n,)
        Log weights, ``n >= 2``.

    Returns
    -------
    log_mean : float
    log_lowered : float
        ``log(mean(w) - 3 * std(w) / sqrt(n))``, ``-inf`` if not positive.
    """
    shift = np.max(log_w)
    w = np.exp(log_w - shift)
    mean = np.mean(w)
    lowered = mean - _N_STD_ERRORS * np.std(w, ddof=1) / np.sqrt(w.size)
    log_lowered = np.log(lowered) if lowered > 0 else -np.inf
    return float(shift + np.log(mean)), float(shift + log_lowered)


def ais(W, b, c, n_temperatures, n_chains, rng, sigma=None, units=GAUSSIAN):
    """``log Z`` by forward and reverse annealed importance sampling.

    Forward AIS starts from the base model (module docstring) and anneals
    to the model along a linear schedule of ``beta``: ``log mean(w)``
    underestimates ``log Z`` in expectation (Jensen) and overestimates it
    by ``t`` nats with probability below ``exp(-t)`` (Markov). Reverse AIS
    starts from the model and anneals back to the base:
    ``log Z_0 - log mean(w)`` overestimates ``log Z`` in the same sense.
    Lowering each mean weight by 3 standard errors widens both sides into
    the bracket ``[lower, upper]``.

    The reverse chains start from exact model samples when the hidden layer
    is small enough to enumerate (:data:`EXACT_MAX_COMPONENTS`); otherwise
    from the forward chains' end points after ``n_temperatures`` more Gibbs
    steps on the model, and the upper end is then only as conservative as
    those chains are close to equilibrium.

    Parameters
    ----------
    W : ndarray of shape (n_components, n_features)
    b : ndarray of shape (n_features,)
    c : ndarray of shape (n_components,)
    n_temperatures : int
        Number of distributions on the path, both ends included.
    n_chains : int
        Number of chains in each direction.
    rng : numpy.random.Generator
    sigma : ndarray of shape (n_features,), optional
        Visible standard deviations; ones by default.
    units : VisibleUnits, default=GAUSSIAN
        The kind of visible unit.

    Returns
    -------
    result : LogPartition

    References
    ----------
    R. Salakhutdinov and I. Murray, "On the quantitative analysis of deep
    belief networks", ICML 2008.

    Y. Burda, R. Grosse and R. Salakhutdinov, "Accurate and conservative
    estimates of MRF log-likelihood using reverse annealing", AISTATS 2015.
    """
    params = _float64_model(W, b, c, sigma)
    W, b, c, _ = params.unit_view()
    log_z0 = units.log_base_partition(W, b) + params.log_det()
    betas = np.linspace(0.0, 1.0, n_temperatures)

    with blas_threads(n_chains, *W.shape[::-1]):
        V = units.base_samples(b, n_chains, rng)
        log_w, V = anneal(V, W, b, c, betas, rng, units)
        forward, lower = log_mean_exp(log_w)

        if W.shape[0] <= EXACT_MAX_COMPONENTS:
            V = units.sample_exact(W, b, c, n_chains, rng)
        else:
            for _ in range(n_temperatures):
                V = gibbs_step(V, W, b, c, units, rng)
        log_w, _ = anneal(V, W, b, c, betas[::-1], rng, units)
        reverse, reverse_lowered = log_mean_exp(log_w)
    return LogPartition(
        estimate=float(log_z0 + forward),
        lower=float(log_z0 + lower),
        upper=float(log_z0 - reverse_lowered),
        reverse=float(log_z0 - reverse),
        method="ais",
    )


_REFINER_HAS_NO_DENSITY = (
    "An AutoencoderRefiner is an autoencoder and defines no probability "
    "density. Compute the likelihood of the RBM it was pretrained from, "
    "its estimator_ attribute, instead."
)


def density_model(estimator, X=None, *, jacobian=False):
    """The RBM whose density ``estimator`` is, ``X`` in its units, the Jacobian.

    A :class:`~sklearn.pipeline.Pipeline` gives its last step, which must be
    an RBM, ``X`` transformed by the steps before it, and, with
    ``jacobian=True``, the sum of those steps' ``log|det J|``
    (:func:`skrbm._jacobian.log_abs_det_jacobian`), so that
    ``log p(x) = log p_rbm(T(x)) + log_det``. Any other estimator is
    returned as it is, with ``X`` and 0.

    Parameters
    ----------
    estimator : estimator or Pipeline
    X : array-like of shape (n_samples, n_features), optional
    jacobian : bool, default=False
        Whether to compute the preprocessing steps' log-Jacobian; each
        must then be a step it knows, and the RBM must have Gaussian
        visible units when there are any.

    Returns
    -------
    rbm : estimator
    X : array-like or None
    log_det : float
        0.0 when ``jacobian=False`` or there is nothing before the RBM.

    Raises
    ------
    TypeError
        If the pipeline's last step is not a GaussianRBM, BinaryRBM or
        BernoulliRBM, or, with ``jacobian=True``, a step before it has no
        known Jacobian.
    ValueError
        With ``jacobian=True``: a step that drops dimensions or is not
        invertible, or an RBM with binary visible units behind
        preprocessing.
    """
    if not isinstance(estimator, Pipeline):
        return estimator, X, 0.0
    name, rbm = estimator.steps[-1]
    if not isinstance(rbm, (BaseRBM, BernoulliRBM)):
        refiner = isinstance(rbm, AutoencoderRefiner)
        raise TypeError(
            "A pipeline has a likelihood when it ends in an RBM (GaussianRBM, "
            f"BinaryRBM or BernoulliRBM); its last step {name!r} is "
            f"{type(rbm).__name__}. " + (_REFINER_HAS_NO_DENSITY if refiner else "")
        )
    log_det = 0.0
    if jacobian:
        steps = [
            (step_name, step)
            for step_name, step in estimator.steps[:-1]
            if not (step is None or (isinstance(step, str) and step == "passthrough"))
        ]
        if steps and units_of(rbm).name != GAUSSIAN.name:
            step_name, step = steps[0]
            raise ValueError(
                f"The last step {name!r} ({type(rbm).__name__}) has binary visible "
                "units: its likelihood is the probability of a binary vector, not "
                "a density, so the steps before it, starting with step "
                f"{step_name!r} ({type(step).__name__}), have no Jacobian to add "
                "to it. " + JACOBIAN_SKIP
            )
        log_det = sum(
            log_abs_det_jacobian(step, step_name) for step_name, step in steps
        )
    if X is not None and len(estimator) > 1:
        X = estimator[:-1].transform(X)
    return rbm, X, float(log_det)


class DensityModel(NamedTuple):
    """What the density of a fitted RBM depends on: float64 parameters, units."""

    params: RBMParameters
    units: VisibleUnits


def _model_parameters(rbm):
    """The :class:`DensityModel` of a fitted RBM, checked."""
    if isinstance(rbm, AutoencoderRefiner):
        raise TypeError(_REFINER_HAS_NO_DENSITY)
    check_is_fitted(rbm)
    n_features = getattr(rbm, "n_features_in_", np.shape(rbm.components_)[1])
    params = RBMParameters.of(rbm, n_features).astype(np.float64)
    return DensityModel(params, units_of(rbm))


def _check_count(value, name, minimum):
    check_scalar(value, name, Integral, min_val=minimum)


def _digest(arrays):
    """A digest of the arrays' shapes, dtypes and values (None allowed)."""
    digest = hashlib.blake2b(digest_size=20)
    for a in arrays:
        if a is None:
            digest.update(b"None;")
            continue
        a = np.ascontiguousarray(a)
        digest.update(f"{a.dtype.str}{a.shape};".encode())
        digest.update(a.data)
    return digest.hexdigest()


def cache_key(model, exact, n_temperatures, n_chains, random_state):
    """Key of a ``log Z`` result in :data:`LOG_PARTITION_CACHE`, or None.

    The result is a function of the key: the parameters' values (not the
    estimator's identity, so that ``fit``, ``partial_fit`` and changes in
    place count as new models), the kind of visible unit and, for AIS, its
    settings and integer seed. AIS seeded by None or by a random state
    instance draws new numbers on each call: it has no key.
    """
    parameters = (model.units.name, _digest(model.params))
    if exact:
        return (*parameters, "exact")
    if not isinstance(random_state, Integral):
        return None
    return (*parameters, "ais", n_temperatures, n_chains, int(random_state))


def computed_log_partition(model, exact, n_temperatures, n_chains, random_state):
    """``log Z`` of a :class:`DensityModel`, exactly or by :func:`ais`."""
    params, units = model
    if exact:
        log_z = log_partition_exact(*params, units)
        return LogPartition(log_z, log_z, log_z, log_z, "exact")
    rng = generator_from(check_random_state(random_state))
    return ais(*params[:3], n_temperatures, n_chains, rng, params.sigma, units)


def compute_log_partition(estimator, method, n_temperatures, n_chains, random_state):
    """Body of :func:`skrbm.metrics.log_partition`.

    Results are looked up in, and stored into, :data:`LOG_PARTITION_CACHE`
    (:func:`cache_key`); an unreliable one warns on each call.
    """
    if method not in {"auto", "exact", "ais"}:
        raise ValueError(
            f"method must be 'auto', 'exact' or 'ais'; got {method!r} instead."
        )
    model = _model_parameters(density_model(estimator)[0])
    exact = method == "exact" or (
        method == "auto" and model.params.W.shape[0] <= EXACT_MAX_COMPONENTS
    )
    if not exact:
        _check_count(n_temperatures, "n_temperatures", 2)
        _check_count(n_chains, "n_chains", 2)
    settings = (exact, n_temperatures, n_chains, random_state)
    result = LOG_PARTITION_CACHE.get_or_compute(
        cache_key(model, *settings), partial(computed_log_partition, model, *settings)
    )
    warn_if_unreliable(result, n_temperatures, n_chains)
    return result


def log_likelihood_of(estimator, X, method, log_partition, random_state, jacobian=True):
    """Body of :func:`skrbm.metrics.log_likelihood` and its scorer.

    For a pipeline with ``jacobian=True``, in the units of ``X``: the RBM's
    log-density of the transformed ``X`` plus the preprocessing's
    log-Jacobian (:func:`density_model`).
    """
    if not isinstance(jacobian, (bool, np.bool_)):
        raise TypeError(f"jacobian must be True or False; got {jacobian!r}.")
    rbm, X, log_det = density_model(estimator, X, jacobian=bool(jacobian))
    params, units = _model_parameters(rbm)
    X = validate_data(rbm, X, reset=False, dtype=FLOAT_DTYPES)
    if log_partition is None:
        log_partition = compute_log_partition(
            rbm, method, N_TEMPERATURES, N_CHAINS, random_state
        )
    if isinstance(log_partition, LogPartition):
        log_partition = log_partition.estimate
    elif not isinstance(log_partition, Real):
        raise TypeError(
            "log_partition must be the result of skrbm.metrics.log_partition or a "
            f"number; got {type(log_partition).__name__}."
        )
    return log_unnormalized(X, *params, units) - log_partition + log_det


def gibbs_samples(rbm, n_samples, n_steps, thin, init, random_state):
    """Body of :meth:`GaussianRBM.sample <skrbm.GaussianRBM.sample>`."""
    units = _model_parameters(rbm).units
    _check_count(n_samples, "n_samples", 1)
    _check_count(n_steps, "n_steps", 0)
    _check_count(thin, "thin", 1)
    # in units of sigma the model has unit variance (RBMParameters.unit_view)
    W, b, c, sigma = rbm._unit_model(rbm.components_.dtype)
    rng = generator_from(check_random_state(random_state))
    if isinstance(init, str):
        if init != "noise":
            raise ValueError(f"init must be 'noise' or an array; got {init!r}.")
        V = units.base_samples(b, n_samples, rng)
    else:
        V = validate_data(rbm, init, reset=False, dtype=FLOAT_DTYPES)
        V = V.astype(W.dtype)
        if sigma is not None:
            V /= sigma
    with blas_threads(*V.shape, W.shape[0]):
        for _ in range(n_steps):
            V = gibbs_step(V, W, b, c, units, rng)
        samples = [V]
        for _ in range(-(-n_samples // V.shape[0]) - 1):
            for _ in range(thin):
                V = gibbs_step(V, W, b, c, units, rng)
            samples.append(V)
    samples = np.concatenate(samples)[:n_samples]
    return samples if sigma is None else samples * sigma
