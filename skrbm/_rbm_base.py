"""What the RBM estimators share: parameters, the CD step, the methods.

:class:`BaseRBM` trains an RBM with binary hidden units by CD-k or PCD with
momentum, weight decay (L1 by a proximal step), sparsity, selectivity,
centering and early stopping, and gives it scikit-learn's transformer
methods. A subclass says what its visible units are (``_units``)
and may add parameters: :class:`~skrbm.GaussianRBM` adds learned visible
variances, which the step and the methods here honour through
``_log_variance`` (None without them, always None for
:class:`~skrbm.BinaryRBM`).
"""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted

from ._base import OPTIMIZER_CONSTRAINTS, MinibatchMixin, check_hidden, generator_from
from ._cd import Momentum, StepModel, cd_step
from ._compat import Interval, StrOptions
from ._kernels import (
    ActivationTarget,
    CDWorkspace,
    Gradient,
    VisibleVariance,
    hidden_weights,
    mean_hiddens,
    rank_target_table,
    unit_bias,
)
from ._params import RBMParameters
from ._regularizers import (
    Centering,
    Regularizers,
    Selectivity,
    Sparsity,
    UpdateNormClip,
    VarianceBounds,
    WeightDecay,
)
from ._samplers import (
    ContrastiveDivergence,
    NoiseStarted,
    ParallelTempering,
    PersistentChains,
    gibbs_step,
)
from ._training import Step, sample_rows
from ._units import GAUSSIAN, VisibleUnits


def to_units(X, sigma):
    """``X / sigma`` (a new array), or ``X`` itself for unit variance."""
    return X if sigma is None else X / sigma


def from_units(U, sigma):
    """``U * sigma`` in place, or ``U`` itself for unit variance."""
    if sigma is not None:
        U *= sigma
    return U


def penalty_strengths(penalty, alpha, l1_ratio):
    """Split ``alpha`` into ``(alpha_l1, alpha_l2)`` as ``SGDClassifier`` does.

    Parameters
    ----------
    penalty : {"l1", "l2", "elasticnet"} or None
    alpha : float
    l1_ratio : float
        Share of L1 in the elastic net.

    Returns
    -------
    alpha_l1, alpha_l2 : float
    """
    if penalty is None:
        return 0.0, 0.0
    if penalty == "l1":
        return alpha, 0.0
    if penalty == "l2":
        return 0.0, alpha
    return alpha * l1_ratio, alpha * (1.0 - l1_ratio)


#: ``hidden_bias_init="component"``: the weight of each hidden unit's state
#: (unit ``j`` alone on) relative to the state with all units off, the value
#: of Melchior, Wang and Wiskott (2017).
COMPONENT_WEIGHT = 0.01


class BaseRBM(
    MinibatchMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Base class of the RBMs with binary hidden units; not for direct use.

    Subclasses set ``_units`` and ``_auto_learning_rates`` and
    provide ``_initial_visible_bias(X)``. The parameters are documented on
    :class:`~skrbm.GaussianRBM` and :class:`~skrbm.BinaryRBM`.
    """

    #: The kind of visible unit (:mod:`skrbm._units`).
    _units: ClassVar[VisibleUnits] = GAUSSIAN
    #: ``learning_rate="auto"``: the rate for CD and for PCD.
    _auto_learning_rates: ClassVar[tuple] = (0.01, 0.001)
    #: ``momentum="auto"`` (where a subclass allows it): for CD and for PCD.
    _auto_momenta: ClassVar[tuple] = (0.9, 0.9)
    #: Learned log-variances of Gaussian visible units (GaussianRBM's
    #: ``learn_variance=True``); None means unit variance.
    _log_variance = None

    _parameter_constraints: ClassVar[dict] = {
        **OPTIMIZER_CONSTRAINTS,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "momentum": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "cd_steps": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "sampler": [StrOptions({"auto", "cd", "pcd", "pt", "noise"})],
        "n_temperatures": [Interval(Integral, 2, None, closed="left")],
        "sparsity_target": [Interval(Real, 0, 1, closed="neither"), None],
        "sparsity_cost": [Interval(Real, 0, None, closed="left")],
        "selectivity_target": [Interval(Real, 0, 1, closed="neither"), None],
        "selectivity_blend": [Interval(Real, 0, 1, closed="both")],
        "init": [StrOptions({"normal", "identity"})],
        "init_scale": [Interval(Real, 0, None, closed="left")],
        "hidden_bias_init": [
            Interval(Real, None, None, closed="neither"),
            StrOptions({"component"}),
        ],
        "visible_bias_rate": [Interval(Real, 0, None, closed="left")],
        "hidden_bias_rate": [Interval(Real, 0, None, closed="left")],
        "max_update_norm": [Interval(Real, 0, None, closed="neither"), None],
        "centering": ["boolean"],
    }

    def __init__(
        self,
        n_components=100,
        *,
        learning_rate="auto",
        momentum=0.9,
        batch_size=100,
        n_iter=100,
        shuffle=True,
        penalty="l2",
        alpha=1e-4,
        l1_ratio=0.15,
        cd_steps=1,
        persistent=False,
        sampler="auto",
        n_temperatures=10,
        sparsity_target=None,
        sparsity_cost=0.1,
        selectivity_target=None,
        selectivity_blend=0.5,
        centering=False,
        init="normal",
        init_scale=0.01,
        hidden_bias_init=0.0,
        visible_bias_rate=1.0,
        hidden_bias_rate=1.0,
        max_update_norm=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        verbose=0,
        random_state=None,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.shuffle = shuffle
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.cd_steps = cd_steps
        self.persistent = persistent
        self.sampler = sampler
        self.n_temperatures = n_temperatures
        self.sparsity_target = sparsity_target
        self.sparsity_cost = sparsity_cost
        self.selectivity_target = selectivity_target
        self.selectivity_blend = selectivity_blend
        self.centering = centering
        self.init = init
        self.init_scale = init_scale
        self.hidden_bias_init = hidden_bias_init
        self.visible_bias_rate = visible_bias_rate
        self.hidden_bias_rate = hidden_bias_rate
        self.max_update_norm = max_update_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state

    _init_params = (
        "n_components",
        "init",
        "init_scale",
        "hidden_bias_init",
        "centering",
        "random_state",
    )

    def _learning_rate(self):
        if self.learning_rate == "auto":
            cd, pcd = self._auto_learning_rates
            return cd if self._sampler_name() == "cd" else pcd
        return self.learning_rate

    def _momentum(self):
        if self.momentum == "auto":
            cd, pcd = self._auto_momenta
            return cd if self._sampler_name() == "cd" else pcd
        return self.momentum

    def _sampler_name(self):
        """``sampler`` resolved: "cd", "pcd", "pt" or "noise" ("auto" follows
        ``persistent``)."""
        if self.sampler == "auto":
            return "pcd" if self.persistent else "cd"
        if self.sampler in ("cd", "noise") and self.persistent:
            raise ValueError(
                f"persistent=True asks for persistent chains, but "
                f"sampler={self.sampler!r} starts new chains at every update. "
                "Set sampler='pcd' (or 'auto'), or persistent=False."
            )
        return self.sampler

    def _persistent(self):
        """Whether the negative phase keeps chains from one update to the next."""
        return self._sampler_name() in ("pcd", "pt")

    @property
    def _params(self):
        params = [self.components_, self.intercept_hidden_, self.intercept_visible_]
        if self._log_variance is not None:
            params.append(self._log_variance)
        return params

    def _unit_model(self, dtype):
        """The :class:`~skrbm._params.RBMParameters` in ``dtype``, unit-variance view.

        In the units ``u = v / sigma`` the model is a unit-variance RBM with
        these parameters (``log p(v) = log p(u) - sum(log sigma)``); ``sigma``
        is None for unit variance.
        """
        return RBMParameters.of(self).astype(dtype).unit_view()

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def _initialize(self, X, random_state):
        self._sampler_name()  # refuses conflicting settings before any change
        dtype = X.dtype
        shape = (self.n_components, X.shape[1])
        if self.init == "identity":
            weights = self.init_scale * np.eye(*shape)
        else:
            weights = random_state.normal(0.0, self.init_scale, size=shape)
        self.components_ = np.ascontiguousarray(weights, dtype=dtype)
        self.intercept_visible_ = self._initial_visible_bias(X)
        self.intercept_hidden_ = self._initial_hidden_bias(dtype)
        self._velocities = [np.zeros_like(p) for p in self._params]
        self._offsets = None
        if self.centering:
            self._offsets = self._initial_offsets(X)
        self.__dict__.pop("h_samples_", None)  # _make_step makes new chains
        self._tempering_base = [
            np.asarray(a, dtype=dtype)
            for a in self._units.tempering_base(sample_rows(X))
        ]
        self._rng = generator_from(random_state)
        self._sampling_rng = generator_from(random_state)

    def _initial_hidden_bias(self, dtype):
        """``hidden_bias_init`` as a vector: a constant, or by component weight.

        ``"component"`` gives each hidden unit ``j`` the bias under which the
        state with unit ``j`` alone on has :data:`COMPONENT_WEIGHT` times
        the weight of the state with all units off in ``p(h)`` (for
        Gaussian units, the weight of its component in the mixture of
        Gaussians ``p(v)``; Melchior, Wang and Wiskott 2017).
        """
        if self.hidden_bias_init != "component":
            return np.full(self.n_components, self.hidden_bias_init, dtype=dtype)
        sigma = None
        if self._log_variance is not None:
            sigma = np.exp(0.5 * self._log_variance)
        zeros = np.zeros(self.n_components)
        params = RBMParameters(self.components_, self.intercept_visible_, zeros, sigma)
        W, b, _, _ = params.astype(dtype).unit_view()
        gain = self._units.component_log_weights(W, b)
        return (np.log(COMPONENT_WEIGHT) - gain).astype(dtype)

    def _initial_offsets(self, X):
        """``[mu, lambda]``: the data mean and the mean hidden activation on it.

        ``hidden_bias_init`` becomes the centered hidden bias ``c + W mu_u``,
        so that the initial model, like the updates, does not depend on
        where the data are centered.
        """
        sample = sample_rows(X)
        mu = sample.mean(axis=0).astype(X.dtype)
        W, _, _, sigma = self._unit_model(X.dtype)
        if self.hidden_bias_init != "component":
            self.intercept_hidden_ -= W @ to_units(mu, sigma)
        c = self.intercept_hidden_
        hidden = mean_hiddens(to_units(sample, sigma), W, c).mean(axis=0)
        return [mu, hidden.astype(X.dtype)]

    def _make_step(self, dtype):
        W, c, b, *_ = self._params
        sampler = self._sampler(dtype)
        n_rows = sampler.n_rows(self.batch_size)
        ws = CDWorkspace(self.batch_size, W.shape[1], W.shape[0], n_rows, dtype)
        v_W, v_c, v_b, *v_z = self._velocities
        update = Momentum(
            Gradient(W=v_W, b=v_b, c=v_c),
            self._learning_rate(),
            self._momentum(),
            (self.visible_bias_rate, self.hidden_bias_rate),
        )
        variance = None
        if v_z:
            variance = VisibleVariance(
                *(np.empty_like(b) for _ in range(4)), v_z[0], self.variance_rate
            )
            b_unit = np.empty_like(b)
        regularizers = Regularizers(self._regularizers(ws, update, variance))
        rng, units, z = self._rng, self._units, self._log_variance

        def gradient(v0):
            b_step = b
            if variance is not None:
                b_step = unit_bias(z, b, variance, b_unit)
            regularizers.prepare(variance)
            hidden = hidden_weights(W, c, ws.hidden)
            model = StepModel(W, b_step, c, hidden, units, variance)
            return cd_step(v0, model, sampler, regularizers, ws, update, rng)[0]

        state = [*self._params, *self._velocities, *sampler.state]
        if regularizers.offsets is not None:
            state.append(regularizers.offsets.hidden)
        return Step(
            gradient=gradient,
            params=self._params,
            velocities=self._velocities,
            error=self._squared_error,
            state=state,
            post_update=regularizers.after_update
            if regularizers.updates_parameters
            else None,
            buffer=ws.V,
        )

    def _chains(self, dtype):
        """The persistent chains of the sampler (None for CD), made if missing.

        PCD keeps ``(n_chains, n_components)`` hidden states, parallel
        tempering ``(n_temperatures, n_chains, n_components)``, coldest
        last; ``n_chains`` is the ``batch_size`` the chains were made with.
        Switching between the two keeps the coldest chains.
        """
        name = self._sampler_name()
        if not self._persistent():
            return None
        old = getattr(self, "h_samples_", None)
        n_chains = self.batch_size if old is None else old.shape[-2]
        shape = (n_chains, self.n_components)
        if name == "pt":
            shape = (self.n_temperatures, *shape)
        if old is not None and old.shape == shape:
            return old
        chains = np.zeros(shape, dtype=dtype)
        if old is not None:
            coldest = old if old.ndim == 2 else old[-1]
            chains[-1 if name == "pt" else ...] = coldest
        self.h_samples_ = chains
        return chains

    def _sampler(self, dtype):
        """The negative phase's sampler (:mod:`skrbm._samplers`)."""
        name, chains = self._sampler_name(), self._chains(dtype)
        if name == "cd":
            return ContrastiveDivergence(self.cd_steps)
        if name == "pcd":
            return PersistentChains(chains, self.cd_steps)
        base = self._base_of_tempering(dtype)
        if name == "noise":
            return NoiseStarted(base, self.cd_steps)
        self.swap_rates_ = np.zeros(self.n_temperatures - 1)
        return ParallelTempering(chains, base, self.swap_rates_, self.cd_steps)

    def _base_of_tempering(self, dtype):
        """The data's base distribution (models of 0.2: the model's own)."""
        base = getattr(self, "_tempering_base", None)
        if base is None:
            variance = getattr(self, "visible_variance_", None)
            base = self._units.model_base(self.intercept_visible_, variance)
        return tuple(np.asarray(a, dtype=dtype) for a in base)

    def _regularizers(self, ws, update, variance):
        """The regularisers of the settings, in the order they act."""
        W, c, _, *z = self._params
        lr, momentum = update.learning_rate, update.momentum
        alpha_l1, alpha_l2 = penalty_strengths(self.penalty, self.alpha, self.l1_ratio)
        # the gradient buffers are free again once the statistics are formed
        scratch = ws.grad
        items = [WeightDecay(W, alpha_l1, alpha_l2, lr, momentum, scratch.W)]
        if self.sparsity_target is not None:
            ones = np.ones(self.batch_size, dtype=W.dtype)
            cost = lr * self.sparsity_cost
            items.append(Sparsity(self.sparsity_target, cost, ones, scratch.c))
        if self.selectivity_target is not None:
            items.append(Selectivity(self._activation_target(W.dtype)))
        if self._offsets is not None:
            mu, hidden = self._offsets
            learned = None if variance is None else (c, W, variance.out)
            items.append(Centering(mu, hidden, learned))
        if self.max_update_norm is not None:
            items.append(UpdateNormClip(self.max_update_norm))
        if variance is not None:
            items.append(VarianceBounds(z[0], *self._log_variance_bounds))
        return items

    def _activation_target(self, dtype):
        """The :class:`ActivationTarget` of ``selectivity_target``, or None."""
        if self.selectivity_target is None:
            return None
        shape = (self.batch_size, self.n_components)
        return ActivationTarget(
            rank_target_table(self.n_components, self.selectivity_target, dtype),
            self.selectivity_blend,
            np.empty(shape),
            np.empty(shape, dtype=dtype),
        )

    def transform(self, X):
        """Hidden-unit activation probabilities ``p(h = 1 | v)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        H : ndarray of shape (n_samples, n_components)
            Probabilities in the dtype of ``X``.
        """
        X = self._check_fitted_input(X)
        W, _, c, sigma = self._unit_model(X.dtype)
        return mean_hiddens(to_units(X, sigma), W, c)

    def inverse_transform(self, X):
        """Mean visible reconstruction ``E[v | h]`` of hidden activations.

        ``H @ components_ + intercept_visible_`` for Gaussian visible units
        (with learned variances,
        ``sigma * (H @ components_) + intercept_visible_``);
        ``sigmoid(H @ components_ + intercept_visible_)`` for binary ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Hidden activations (probabilities or binary states).

        Returns
        -------
        V : ndarray of shape (n_samples, n_features)
            Mean of ``p(v | h)``, in the dtype of ``X``.
        """
        check_is_fitted(self)
        H = check_hidden(X, self.components_.shape[0])
        W, b, _, sigma = self._unit_model(H.dtype)
        return from_units(self._units.means(H, W, b), sigma)

    def free_energy(self, X):
        """Free energy of each sample (lower means more probable).

        Gaussian visible units:
        ``F(v) = 1/2 |v - b|^2 - sum_j log(1 + exp(W_j . v + c_j))``; with
        learned variances, ``v`` and ``b`` are divided by ``sigma`` first.
        Binary visible units: ``F(v) = -v.b - sum_j log(1 + exp(W_j . v + c_j))``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        F : ndarray of shape (n_samples,)
            Free energies, in the dtype of ``X``.
        """
        X = self._check_fitted_input(X)
        W, b, c, sigma = self._unit_model(X.dtype)
        return self._units.free_energy(to_units(X, sigma), W, b, c)

    def gibbs(self, v):
        """Run one Gibbs step from ``v`` and return a visible sample.

        ``h ~ p(h | v)``, then for Gaussian visible units
        ``v' ~ N(h W + b, I)`` (with learned variances
        ``N(b + sigma * (h W), diag(sigma^2))``), for binary ones
        ``v' ~ Bernoulli(sigmoid(h W + b))``. Uses a generator of its own,
        so sampling does not change what later :meth:`partial_fit` calls do.

        Parameters
        ----------
        v : array-like of shape (n_samples, n_features)
            Visible states to start from.

        Returns
        -------
        v_new : ndarray of shape (n_samples, n_features)
            Sampled visible states, in the dtype of ``v``.
        """
        V = self._check_fitted_input(v)
        W, b, c, sigma = self._unit_model(V.dtype)
        V = to_units(V, sigma)
        rng = self._sampling_rng
        V = gibbs_step(V, W, b, c, self._units, rng, training=True)
        return from_units(V, sigma)

    def _reconstruct(self, X):
        W, b, c, sigma = self._unit_model(X.dtype)
        H = mean_hiddens(to_units(X, sigma), W, c)
        return from_units(self._units.means(H, W, b), sigma)

    def log_likelihood(
        self, X, *, method="auto", log_partition=None, random_state=None
    ):
        """Log-likelihood of each sample, ``-F(v) - log Z``, in nats.

        Unlike :meth:`score_samples` (minus the reconstruction error), this
        is the model's density of ``X`` (for binary visible units, the
        probability of each binary vector). See
        :func:`skrbm.metrics.log_likelihood`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, in the units the model was trained on.
        method : {"auto", "exact", "ais"}, default="auto"
            How to compute ``log Z`` when ``log_partition`` is not given:
            exact enumeration (at most 20 hidden units), annealed
            importance sampling, or exact when possible.
        log_partition : LogPartition or float, optional
            A result of :func:`skrbm.metrics.log_partition` (its
            ``estimate`` is used) or a number, reused as it is.
        random_state : int, RandomState instance or None, default=None
            Seeds AIS when it is used. The estimator's own random state is
            neither used nor changed.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            Float64, whatever the dtype of ``X``.

        See Also
        --------
        skrbm.metrics.log_partition : ``log Z`` with a bracket.
        skrbm.metrics.log_likelihood_scorer : Model selection on likelihood.
        """
        from ._likelihood import log_likelihood_of

        return log_likelihood_of(self, X, method, log_partition, random_state)

    def sample(
        self, n_samples, *, n_steps=1000, thin=10, init="noise", random_state=None
    ):
        """Draw visible samples from the model by Gibbs sampling.

        Each chain alternates ``h ~ p(h | v)`` and ``v ~ p(v | h)``.
        After ``n_steps`` steps of burn-in every chain gives a sample, then
        one more every ``thin`` steps until there are ``n_samples``.

        Parameters
        ----------
        n_samples : int
            Number of samples.
        n_steps : int, default=1000
            Burn-in: Gibbs steps before the first sample of each chain.
        thin : int, default=10
            Gibbs steps between two samples of the same chain (used only
            when there are fewer chains than samples).
        init : "noise" or array-like of shape (n_chains, n_features), \
                default="noise"
            Starting points: ``n_samples`` chains drawn from the model
            without its weights (Gaussian visible units:
            ``N(intercept_visible_, diag(visible_variance_))``; binary ones:
            ``Bernoulli(sigmoid(intercept_visible_))``), or one chain per
            row, e.g. data.
        random_state : int, RandomState instance or None, default=None
            Seeds the chains. The estimator's own random state is neither
            used nor changed, so later :meth:`partial_fit` calls are
            unaffected.

        Returns
        -------
        samples : ndarray of shape (n_samples, n_features)
            Visible samples (with their Gaussian noise, or binary), in the
            dtype of ``components_``; the samples of one step come chain by
            chain.

        Examples
        --------
        >>> import numpy as np
        >>> from skrbm import GaussianRBM
        >>> X = np.random.RandomState(0).standard_normal((200, 16))
        >>> rbm = GaussianRBM(n_components=8, n_iter=5, random_state=0).fit(X)
        >>> rbm.sample(5, n_steps=100, random_state=0).shape
        (5, 16)
        """
        from ._likelihood import gibbs_samples

        return gibbs_samples(self, n_samples, n_steps, thin, init, random_state)
