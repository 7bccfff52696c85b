"""Gaussian-Bernoulli Restricted Boltzmann Machine."""

import warnings
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
from ._compat import Interval, StrOptions
from ._kernels import (
    CDWorkspace,
    Gradient,
    add_l2_gradient,
    add_sparsity_gradient,
    cd_gradient,
    free_energy,
    l1_threshold,
    mean_hiddens,
    mean_visibles,
    sample_bernoulli,
    soft_threshold,
)
from ._training import Step, caller_stacklevel, sample_rows

#: Median feature variance above which the data are "far from unit
#: variance": raw 8-bit pixels have variances in the thousands, standardized
#: data 1, and scikit-learn's estimator checks use data with variances
#: below 10.
UNSCALED_VARIANCE = 100.0


def warn_if_unscaled(X):
    """Warn when the features of ``X`` are far from unit variance.

    The visible units have variance one, so data on a much larger scale
    (raw pixel values, say) train a poor model without any error.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training data.
    """
    variance = float(np.median(sample_rows(X).var(axis=0)))
    if variance > UNSCALED_VARIANCE:
        warnings.warn(
            f"The training data's features have a median variance of "
            f"{variance:.3g}, far from the unit variance of GaussianRBM's "
            "visible units, so the model will reconstruct them poorly. "
            "Standardize them first, e.g. make_pipeline(StandardScaler(), "
            "GaussianRBM(...)).",
            UserWarning,
            stacklevel=caller_stacklevel(),
        )


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


class GaussianRBM(
    MinibatchMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Gaussian-Bernoulli Restricted Boltzmann Machine.

    Linear visible units with unit variance and binary (sigmoid) hidden
    units, trained by minibatch contrastive divergence (CD-k) or persistent
    contrastive divergence (PCD) with classical momentum and optional
    weight decay. The energy is
    ``E(v, h) = 1/2 |v - b|^2 - c.h - v.W^T h``, so that
    ``p(h_j = 1 | v) = sigmoid(W_j . v + c_j)`` and
    ``p(v | h) = N(W^T h + b, I)``. Because the visible variance is fixed at
    one, the input should be standardized (zero mean, unit variance per
    feature), e.g. with :class:`~sklearn.preprocessing.StandardScaler` in a
    pipeline.

    Parameters
    ----------
    n_components : int, default=100
        Number of hidden units.
    learning_rate : float or "auto", default="auto"
        Step size of the updates. ``"auto"`` is 0.01 for CD and 0.001 with
        ``persistent=True``: at 0.01 with momentum 0.9, PCD on standardized
        natural-image patches or digits blows up within 3-20 epochs, while
        0.001 trains soundly.
    momentum : float, default=0.9
        Classical momentum, in ``[0, 1)``.
    batch_size : int, default=100
        Number of samples per minibatch.
    n_iter : int, default=100
        Number of epochs (passes over the training data) of :meth:`fit`.
    shuffle : bool, default=True
        Whether to visit the samples in a new random order each epoch.
    penalty : {"l2", "l1", "elasticnet"} or None, default="l2"
        Weight decay on ``components_`` (never on the biases), named as in
        :class:`~sklearn.linear_model.SGDClassifier`.
    alpha : float, default=1e-4
        Strength of the weight decay. Like the gradient, it is multiplied by
        ``learning_rate`` in the update.
    l1_ratio : float, default=0.15
        Share of L1 in the elastic-net penalty (``penalty="elasticnet"``).
    cd_steps : int, default=1
        Number of Gibbs steps ``k`` in the negative phase.
    persistent : bool, default=False
        Use persistent chains (PCD, Tieleman 2008). ``batch_size`` chains
        are kept in ``h_samples_`` across minibatches, epochs and
        :meth:`partial_fit` calls.
    sparsity_target : float or None, default=None
        Target mean activation of each hidden unit, in ``(0, 1)``. When
        set, ``sparsity_cost * (sparsity_target - q_j)`` is added to the
        hidden-bias gradient, ``q_j`` being unit ``j``'s mean activation on
        the minibatch (Lee et al. 2008).
    sparsity_cost : float, default=0.1
        Strength of the sparsity term.
    init : {"normal", "identity"}, default="normal"
        Initial weights: ``N(0, init_scale^2)`` entries, or
        ``init_scale * np.eye(n_components, n_features)``.
    init_scale : float, default=0.01
        Scale of the initial weights.
    hidden_bias_init : float, default=0.0
        Initial hidden bias. Negative values (e.g. -1 to -4) make the hidden
        units start selective (mostly off).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data in :meth:`fit`, stop
        when the validation score (minus the reconstruction MSE) has not
        improved by ``tol`` for more than ``n_iter_no_change`` consecutive
        epochs (as in :class:`~sklearn.neural_network.MLPRegressor`), and restore the
        best epoch's parameters. Without early stopping, :meth:`fit` runs
        exactly ``n_iter`` epochs.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Minimum improvement of the validation score.
    verbose : int, default=0
        Print one line per epoch: reconstruction error and time.
    random_state : int, RandomState instance or None, default=None
        Controls initialisation, shuffling, sampling and the validation
        split. The same value gives bit-identical models.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Weight matrix ``W``; row ``j`` is the filter of hidden unit ``j``.
    intercept_hidden_ : ndarray of shape (n_components,)
        Hidden biases ``c``.
    intercept_visible_ : ndarray of shape (n_features,)
        Visible biases ``b``, initialised to the mean of the first data.
    h_samples_ : ndarray of shape (batch_size, n_components)
        Binary hidden states of the persistent chains (``persistent=True``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, when they are all strings.
    n_iter_ : int
        Number of passes run: the epochs of :meth:`fit`, plus one per
        :meth:`partial_fit` call, which is one pass over the ``X`` it is
        given (with chunked training, one chunk). ``verbose`` numbers its
        lines the same way.
    loss_curve_ : list of float
        Training reconstruction MSE of each epoch: the mean over the epoch's
        minibatches of ``|v - (h W + b)|^2 / n_features`` with ``h``
        sampled from ``p(h | v)``, measured during the CD pass before each
        update.
    validation_scores_ : list of float or None
        Validation score per epoch of :meth:`fit` (``early_stopping=True``
        only); None after a later :meth:`partial_fit`.
    best_validation_score_ : float or None
        Best validation score (``early_stopping=True`` only); None after a
        later :meth:`partial_fit`.

    See Also
    --------
    sklearn.neural_network.BernoulliRBM : RBM with binary visible units.
    AutoencoderRefiner : Fine-tune an RBM as an autoencoder.

    Notes
    -----
    **Update.** For every parameter ``theta`` with CD gradient ``g``:
    ``v = momentum * v + learning_rate * g``; ``theta += v``. An L2 penalty
    adds ``-alpha * W`` to the weight gradient (so it is scaled by
    ``learning_rate`` and carried by the momentum, like the gradient).

    **L1 and exact zeros.** A subgradient ``-alpha * sign(W)`` makes weights
    oscillate around zero without ever reaching it. Instead the L1 term is
    applied as a proximal (soft-threshold) step after each momentum update:
    ``W = sign(W) * max(|W| - t, 0)``. Under momentum a steady gradient
    ``g`` moves a weight by ``learning_rate * g / (1 - momentum)`` per step,
    so the threshold is that same effective step applied to the penalty,
    ``t = learning_rate * alpha / (1 - momentum)``. A weight stays exactly
    zero while the magnitude of its smoothed gradient is below ``alpha``,
    the optimality condition of the L1-penalised objective. The elastic net
    applies ``alpha * l1_ratio`` this way and ``alpha * (1 - l1_ratio)`` as
    L2.

    **Negative phase.** CD-k alternates sampled binary hidden states with
    mean (noise-free) visible reconstructions. PCD samples the visible
    units, ``v ~ N(h W + b, I)``, so that the persistent chains follow the
    model distribution.

    **Divergence.** If an epoch produces non-finite values, or a
    reconstruction error over 20 times the lowest epoch error seen (and
    over 20 times the data's mean square plus one), training stops, the
    state (parameters, velocities and chains) of the epoch with the lowest
    error of that :meth:`fit` is restored (for :meth:`partial_fit`, the
    state before the call), and a
    :class:`~sklearn.exceptions.ConvergenceWarning` gives the epoch, the
    likely cause and its remedy.

    **Changing parameters between partial_fit calls.** ``n_components``,
    ``init``, ``init_scale``, ``hidden_bias_init`` and ``random_state``
    shape or seed the model when it is initialised: after a change,
    :meth:`partial_fit` raises a ``ValueError`` that says to call
    :meth:`fit`. ``n_iter`` and the early-stopping parameters are read by
    :meth:`fit` only. Every other parameter takes effect from the next
    call; switching ``persistent`` on starts ``batch_size`` chains at zero
    (the chains keep their number if ``batch_size`` changes later).

    References
    ----------
    G. Hinton, "A Practical Guide to Training Restricted Boltzmann
    Machines", UTML TR 2010-003, 2010.

    T. Tieleman, "Training Restricted Boltzmann Machines using
    Approximations to the Likelihood Gradient", ICML 2008.

    H. Lee, C. Ekanadham and A. Ng, "Sparse deep belief net model for
    visual area V2", NIPS 2008.

    K. Cho, A. Ilin and T. Raiko, "Improved Learning of Gaussian-Bernoulli
    Restricted Boltzmann Machines", ICANN 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import GaussianRBM
    >>> X = np.random.RandomState(0).standard_normal((200, 16))
    >>> rbm = GaussianRBM(n_components=8, n_iter=5, random_state=0).fit(X)
    >>> rbm.transform(X).shape
    (200, 8)
    >>> rbm.reconstruct(X).shape
    (200, 16)
    """

    _parameter_constraints: ClassVar[dict] = {
        **OPTIMIZER_CONSTRAINTS,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "cd_steps": [Interval(Integral, 1, None, closed="left")],
        "persistent": ["boolean"],
        "sparsity_target": [Interval(Real, 0, 1, closed="neither"), None],
        "sparsity_cost": [Interval(Real, 0, None, closed="left")],
        "init": [StrOptions({"normal", "identity"})],
        "init_scale": [Interval(Real, 0, None, closed="left")],
        "hidden_bias_init": [Interval(Real, None, None, closed="neither")],
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
        sparsity_target=None,
        sparsity_cost=0.1,
        init="normal",
        init_scale=0.01,
        hidden_bias_init=0.0,
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
        self.sparsity_target = sparsity_target
        self.sparsity_cost = sparsity_cost
        self.init = init
        self.init_scale = init_scale
        self.hidden_bias_init = hidden_bias_init
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
        "random_state",
    )

    def _learning_rate(self):
        if self.learning_rate == "auto":
            return 0.001 if self.persistent else 0.01
        return self.learning_rate

    @property
    def _params(self):
        return [self.components_, self.intercept_hidden_, self.intercept_visible_]

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def _initialize(self, X, random_state):
        warn_if_unscaled(X)
        dtype = X.dtype
        shape = (self.n_components, X.shape[1])
        if self.init == "identity":
            weights = self.init_scale * np.eye(*shape)
        else:
            weights = random_state.normal(0.0, self.init_scale, size=shape)
        self.components_ = np.ascontiguousarray(weights, dtype=dtype)
        self.intercept_hidden_ = np.full(shape[0], self.hidden_bias_init, dtype=dtype)
        self.intercept_visible_ = X.mean(axis=0).astype(dtype)
        self._velocities = [np.zeros_like(p) for p in self._params]
        if self.persistent:
            self.h_samples_ = np.zeros((self.batch_size, shape[0]), dtype=dtype)
        self._rng = generator_from(random_state)
        self._sampling_rng = generator_from(random_state)

    def _make_step(self, dtype):
        W, c, b = self._params
        if self.persistent and not hasattr(self, "h_samples_"):
            self.h_samples_ = np.zeros((self.batch_size, W.shape[0]), dtype=dtype)
        chains = self.h_samples_ if self.persistent else None
        n_chains = None if chains is None else chains.shape[0]
        ws = CDWorkspace(self.batch_size, W.shape[1], W.shape[0], n_chains, dtype)
        alpha_l1, alpha_l2 = penalty_strengths(self.penalty, self.alpha, self.l1_ratio)
        rng, k = self._rng, self.cd_steps
        lr, momentum = self._learning_rate(), self.momentum
        target, cost = self.sparsity_target, lr * self.sparsity_cost
        v_W, v_c, v_b = self._velocities
        velocities = Gradient(W=v_W, b=v_b, c=v_c)
        ones = np.ones(self.batch_size, dtype=dtype)
        # the gradient buffers are free again once cd_gradient returns
        scratch = ws.grad

        def gradient(v0):
            sse, h0 = cd_gradient(
                v0, W, b, c, rng, ws, velocities, k, chains, lr, momentum
            )
            if target is not None:
                add_sparsity_gradient(v_c, h0, target, cost, ones, scratch.c)
            add_l2_gradient(v_W, W, lr * alpha_l2, scratch.W)
            return sse

        post_update = None
        if alpha_l1 > 0:
            threshold = l1_threshold(lr, alpha_l1, momentum)

            def post_update():
                soft_threshold(W, threshold, scratch.W)

        state = [*self._params, *self._velocities]
        if chains is not None:
            state.append(chains)
        return Step(
            gradient=gradient,
            params=self._params,
            velocities=self._velocities,
            error=self._squared_error,
            state=state,
            post_update=post_update,
            buffer=ws.V,
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
        W, c, _ = self._cast_params(X.dtype)
        return mean_hiddens(X, W, c)

    def inverse_transform(self, X):
        """Mean visible reconstruction ``H @ components_ + intercept_visible_``.

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
        W, _, b = self._cast_params(H.dtype)
        return mean_visibles(H, W, b)

    def free_energy(self, X):
        """Free energy of each sample (lower means more probable).

        ``F(v) = 1/2 |v - b|^2 - sum_j log(1 + exp(W_j . v + c_j))``.

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
        W, c, b = self._cast_params(X.dtype)
        return free_energy(X, W, b, c)

    def gibbs(self, v):
        """Run one Gibbs step from ``v`` and return a visible sample.

        ``h ~ p(h | v)`` then ``v' ~ N(h W + b, I)``. Uses a generator of its
        own, so sampling does not change what later :meth:`partial_fit`
        calls do.

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
        W, c, b = self._cast_params(V.dtype)
        P = mean_hiddens(V, W, c)
        uniform = np.empty(P.shape, dtype=np.float32)
        H = sample_bernoulli(P, self._sampling_rng, np.empty_like(P), uniform)
        V_new = mean_visibles(H, W, b)
        V_new += self._sampling_rng.standard_normal(V_new.shape, dtype=np.float32)
        return V_new

    def _reconstruct(self, X):
        W, c, b = self._cast_params(X.dtype)
        return mean_visibles(mean_hiddens(X, W, c), W, b)

    def log_likelihood(
        self, X, *, method="auto", log_partition=None, random_state=None
    ):
        """Log-likelihood of each sample, ``-F(v) - log Z``, in nats.

        Unlike :meth:`score_samples` (minus the reconstruction error), this
        is the model's density of ``X``. See
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

        Each chain alternates ``h ~ p(h | v)`` and ``v ~ N(h W + b, I)``.
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
            Starting points: ``n_samples`` chains from
            ``N(intercept_visible_, I)``, or one chain per row, e.g. data.
        random_state : int, RandomState instance or None, default=None
            Seeds the chains. The estimator's own random state is neither
            used nor changed, so later :meth:`partial_fit` calls are
            unaffected.

        Returns
        -------
        samples : ndarray of shape (n_samples, n_features)
            Visible samples (with their Gaussian noise), in the dtype of
            ``components_``; the samples of one step come chain by chain.

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
