"""Gaussian-Bernoulli Restricted Boltzmann Machine."""

import warnings
from numbers import Real
from typing import ClassVar

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._checks import median_variance, warn_if_extreme
from ._compat import Interval
from ._rbm_base import BaseRBM
from ._training import caller_stacklevel, sample_rows

#: Bounds of the learned visible variances, as multiples of each feature's
#: variance in the data that initialised them. The model's marginal
#: variance of a feature is at least its visible variance, so a sound
#: model stays below the data's; the lower end keeps a unit from
#: collapsing onto one feature (sigma at 1% of the data's spread).
VARIANCE_BOUNDS = (1e-4, 2.0)


def initial_log_variance(X):
    """Log of each feature's variance in ``X``, floored for constant features.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    log_variance : ndarray of shape (n_features,), float64
    """
    variance = sample_rows(X).var(axis=0, dtype=np.float64)
    floor = 1e-8 * max(float(np.mean(variance)), np.finfo(np.float64).tiny)
    return np.log(np.maximum(variance, floor))


#: Median feature variance above which the data are "far from unit
#: variance": raw 8-bit pixels have variances in the thousands, standardized
#: data 1, and scikit-learn's estimator checks use data with variances
#: below 10.
UNSCALED_VARIANCE = 100.0

#: Rows :func:`warn_if_unscaled` looks at: the median variance of raw pixels
#: and of standardized data differ a thousandfold, which a thousand evenly
#: spaced rows tell apart as well as all of them (the check runs on every
#: ``fit``, so its cost counts on small data sets).
UNSCALED_SAMPLE_ROWS = 1000


def warn_if_unscaled(X):
    """Warn when the features of ``X`` are far from unit variance.

    The visible units have variance one, so data on a much larger scale
    (raw pixel values, say) train a poor model without any error.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training data.
    """
    variance = median_variance(sample_rows(X, UNSCALED_SAMPLE_ROWS))
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


class GaussianRBM(BaseRBM):
    """Gaussian-Bernoulli Restricted Boltzmann Machine.

    Linear visible units with unit variance (or learned variances) and
    binary (sigmoid) hidden units, trained by minibatch contrastive
    divergence (CD-k) or persistent contrastive divergence (PCD) with
    classical momentum and optional weight decay. The energy is
    ``E(v, h) = 1/2 |v - b|^2 - c.h - v.W^T h``, so that
    ``p(h_j = 1 | v) = sigmoid(W_j . v + c_j)`` and
    ``p(v | h) = N(W^T h + b, I)``. Because the visible variance is fixed at
    one, the input should be standardized (zero mean, unit variance per
    feature), e.g. with :class:`~sklearn.preprocessing.StandardScaler` in a
    pipeline, unless ``learn_variance=True``.

    Parameters
    ----------
    n_components : int, default=100
        Number of hidden units.
    learning_rate : float or "auto", default="auto"
        Step size of the updates. ``"auto"`` is 0.01 for CD and 0.001 with
        ``persistent=True``: at 0.01 with momentum 0.9, PCD on standardized
        natural-image patches or digits blows up within 3-20 epochs, while
        0.001 trains soundly.
    momentum : float or "auto", default="auto"
        Classical momentum, in ``[0, 1)``. ``"auto"`` is 0.9 for CD and 0.5
        with ``persistent=True``: at 784 -> 500 units PCD with momentum 0.9
        diverges within 3-6 epochs (with unit or learned variances alike),
        while 0.5 trains soundly.
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
    sampler : {"auto", "cd", "pcd", "pt", "noise"}, default="auto"
        The negative phase: contrastive divergence, persistent chains,
        chains started from noise, or parallel tempering (Desjardins et
        al. 2010; Cho, Raiko and Ilin 2010): ``n_temperatures`` sets of
        ``batch_size`` persistent chains at inverse temperatures evenly
        spaced from 0 to 1, the hottest sampling a Gaussian with the
        training data's mean and variance, the coldest the model; after
        each Gibbs step every pair of neighbouring temperatures proposes to
        swap states, and the statistics come from the coldest chains.
        "noise" draws new chains at every update from that same Gaussian
        and runs ``cd_steps`` Gibbs steps from there (Liao et al. 2022), so
        the negative phase never starts at the data and keeps nothing
        between updates. "auto" follows ``persistent`` ("pcd" if True,
        else "cd"); "cd" or "noise" with ``persistent=True`` is refused.
        All but "cd" take PCD's ``learning_rate="auto"`` and
        ``momentum="auto"``: their negative phase does not start at the
        data.
    n_temperatures : int, default=10
        Number of temperatures of ``sampler="pt"``, at least 2.
    sparsity_target : float or None, default=None
        Target mean activation of each hidden unit, in ``(0, 1)``. When
        set, ``sparsity_cost * (sparsity_target - q_j)`` is added to the
        hidden-bias gradient, ``q_j`` being unit ``j``'s mean activation on
        the minibatch (Lee et al. 2008).
    sparsity_cost : float, default=0.1
        Strength of the sparsity term.
    selectivity_target : float or None, default=None
        Target mean activation ``mu`` of Goh et al.'s (2010) selectivity and
        sparsity regulariser, in ``(0, 1)``. When set, the positive phase
        uses ``(1 - selectivity_blend) * h + selectivity_blend * t``
        instead of the hidden probabilities ``h`` of the minibatch. The
        ideal activations ``t`` come from ranks: each unit's activations
        are ranked across the minibatch (selectivity), then each sample's
        units are ranked by those ranks (sparsity), and the unit of rank
        ``k`` of ``n_components`` gets ``(k / n_components) ** (1 / mu -
        1)``, a heavy-tailed code whose mean is ``mu``. Unlike
        ``sparsity_target``, which only nudges the hidden biases, this
        shapes the weight statistics: each sample pulls the filters of the
        few units that respond to it most. The negative phase is unchanged.
    selectivity_blend : float, default=0.5
        Weight ``phi`` of the ideal activations in ``[0, 1]``
        (``selectivity_target`` set only); 0 leaves training as without.
    learn_variance : bool, default=False
        Learn one visible variance ``sigma_i^2`` per feature (Cho, Ilin and
        Raiko 2011) instead of fixing it at one. The energy becomes
        ``sum_i (v_i - b_i)^2 / (2 sigma_i^2) - c.h - (v / sigma).W^T h``:
        ``p(h_j = 1 | v) = sigmoid(W_j . (v / sigma) + c_j)`` and
        ``p(v | h) = N(b + sigma * (W^T h), diag(sigma^2))``, so ``W`` is
        unitless and the data need no scaling. The parameter is
        ``log sigma^2``, initialised to each feature's variance in the first
        data and kept within :data:`VARIANCE_BOUNDS` times it; CD then
        samples the visible units of its negative phase. On natural
        patches CD-1 shrinks the variances and loses likelihood; PCD with
        ``centering=True`` (and PCD's default momentum of 0.5) trains up
        to 784 -> 500 units and does better (see the user guide's
        likelihood page). Every method
        (transform, reconstruction, free energy, sampling, likelihood, and
        the unrolling by :class:`AutoencoderRefiner`) uses the variances.
    variance_rate : float, default=0.1
        Learning rate of the log-variances, as a multiple of
        ``learning_rate`` (``learn_variance=True`` only).
    centering : bool, default=False
        Centered training (Melchior, Fischer and Wiskott 2016): the weight
        gradient is taken around offsets, ``<(v - mu)(h - lambda)^T>``, and
        the bias gradients are corrected to match. ``mu`` is the mean of
        the first data, ``lambda`` a moving average (step
        :data:`OFFSET_RATE` per minibatch) of the hidden activations on the
        data; ``hidden_bias_init`` sets the centered hidden bias
        ``c + W mu``. The model and its methods are unchanged; only the
        initial hidden bias and the updates differ, and training becomes
        invariant to a constant shift of the data (with
        ``learn_variance=True``, to any shift and scale of each feature).
    init : {"normal", "identity"}, default="normal"
        Initial weights: ``N(0, init_scale^2)`` entries, or
        ``init_scale * np.eye(n_components, n_features)``.
    init_scale : float, default=0.01
        Scale of the initial weights.
    hidden_bias_init : float or "component", default=0.0
        Initial hidden bias. Negative values (e.g. -1 to -4) make the hidden
        units start selective (mostly off). "component" sets each unit's
        bias so that its component of the mixture of Gaussians ``p(v)``
        (the hidden state with that unit alone on) starts with 0.01 times
        the weight of the component with all units off, whatever the
        initial weights and visible bias (Melchior, Wang and Wiskott 2017);
        with ``centering=True`` this is the actual, not the centered, bias.
    visible_bias_rate, hidden_bias_rate : float, default=1.0
        Learning rates of the visible and the hidden biases, as multiples
        of ``learning_rate`` (the weights take ``learning_rate`` itself,
        the log-variances ``variance_rate`` times it). 0 keeps a bias at
        its initial value (the visible bias starts at the data's mean); the
        sparsity term still moves the hidden biases.
    max_update_norm : float or None, default=None
        When set, each hidden unit's weight update (one row of the weights'
        update, after momentum and weight decay) longer than this is scaled
        down to this Euclidean norm (Melchior, Wang and Wiskott 2017 use
        ``0.01`` times the largest norm of a training row). In the data's
        units, or in the units ``v / sigma`` with learned variances.
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
    visible_variance_ : ndarray of shape (n_features,)
        Variances ``sigma^2`` of the visible units: learned with
        ``learn_variance=True``, ones otherwise.
    h_samples_ : ndarray of shape (batch_size, n_components)
        Binary hidden states of the persistent chains (``persistent=True``
        or ``sampler="pcd"``); with ``sampler="pt"``, of shape
        ``(n_temperatures, batch_size, n_components)``, coldest last.
    swap_rates_ : ndarray of shape (n_temperatures - 1,)
        ``sampler="pt"`` only: the share of accepted swaps between each
        pair of neighbouring temperatures (hottest pair first) during the
        last :meth:`fit` or :meth:`partial_fit` call. Rates near 0 mean the
        temperatures are too far apart for the chains to mix.
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
    BinaryRBM : The same trainer with binary visible units.
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
    (the chains keep their number if ``batch_size`` changes later);
    switching between ``sampler="pcd"`` and ``"pt"`` keeps the coldest
    chains.

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

    G. Desjardins, A. Courville, Y. Bengio, P. Vincent and O. Delalleau,
    "Tempered Markov Chain Monte Carlo for training of Restricted Boltzmann
    Machines", AISTATS 2010.

    K. Cho, T. Raiko and A. Ilin, "Parallel tempering is efficient for
    learning restricted Boltzmann machines", IJCNN 2010.

    J. Melchior, N. Wang and L. Wiskott, "Gaussian-binary restricted
    Boltzmann machines for modeling natural image statistics", PLoS ONE
    12(2), 2017.

    R. Liao, S. Kornblith, M. Ren, D. Fleet and G. Hinton, "Gaussian-Bernoulli
    RBMs Without Tears", arXiv:2210.10318, 2022.

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

    #: PCD's negative statistics come from chains that lag the parameters;
    #: momentum 0.9 adds lag and, from a few hundred thousand weights on,
    #: PCD diverges (docs/user_guide/training.rst, "PCD and momentum").
    _auto_momenta: ClassVar[tuple] = (0.9, 0.5)

    _parameter_constraints: ClassVar[dict] = {
        **BaseRBM._parameter_constraints,
        "learn_variance": ["boolean"],
        "variance_rate": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_components=100,
        *,
        learning_rate="auto",
        momentum="auto",
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
        learn_variance=False,
        variance_rate=0.1,
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
        super().__init__(
            n_components,
            learning_rate=learning_rate,
            momentum=momentum,
            batch_size=batch_size,
            n_iter=n_iter,
            shuffle=shuffle,
            penalty=penalty,
            alpha=alpha,
            l1_ratio=l1_ratio,
            cd_steps=cd_steps,
            persistent=persistent,
            sampler=sampler,
            n_temperatures=n_temperatures,
            sparsity_target=sparsity_target,
            sparsity_cost=sparsity_cost,
            selectivity_target=selectivity_target,
            selectivity_blend=selectivity_blend,
            centering=centering,
            init=init,
            init_scale=init_scale,
            hidden_bias_init=hidden_bias_init,
            visible_bias_rate=visible_bias_rate,
            hidden_bias_rate=hidden_bias_rate,
            max_update_norm=max_update_norm,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            verbose=verbose,
            random_state=random_state,
        )
        self.learn_variance = learn_variance
        self.variance_rate = variance_rate

    _init_params = (*BaseRBM._init_params, "learn_variance")

    @property
    def visible_variance_(self):
        """Variances of the visible units (ones unless learned)."""
        check_is_fitted(self)
        if self._log_variance is None:
            return np.ones_like(self.intercept_visible_)
        return np.exp(self._log_variance)

    def _initialize(self, X, random_state):
        # before learn_variance too: an extreme entry would set its variance
        warn_if_extreme(X)
        self._log_variance = None
        if self.learn_variance:
            log_variance = initial_log_variance(X)
            self._log_variance = log_variance.astype(X.dtype)
            self._log_variance_bounds = [
                (log_variance + np.log(bound)).astype(X.dtype)
                for bound in VARIANCE_BOUNDS
            ]
        else:
            warn_if_unscaled(X)
        super()._initialize(X, random_state)

    def _initial_visible_bias(self, X):
        return X.mean(axis=0).astype(X.dtype)
