"""Bernoulli-Bernoulli Restricted Boltzmann Machine: binary visible units."""

import warnings

import numpy as np

from ._checks import median_variance, outside_unit_interval, whole_numbers
from ._rbm import UNSCALED_SAMPLE_ROWS, UNSCALED_VARIANCE
from ._rbm_base import BaseRBM
from ._training import caller_stacklevel, sample_rows
from ._units import BINARY

#: Visible base rates are clipped to ``[BASE_RATE_CLIP, 1 - BASE_RATE_CLIP]``
#: before their logit becomes the initial visible bias, so that a feature
#: that is always 0 (a border pixel) starts at a bias of about -6.9, not
#: minus infinity.
BASE_RATE_CLIP = 1e-3


def _outside_unit_interval(X):
    rows = sample_rows(X)
    return outside_unit_interval(rows.min(), rows.max())


def unscaled_signature(rows):
    """What makes data outside ``[0, 1]`` look unscaled, or None.

    Whole numbers (grey levels such as 0-255 or 0-16, counts), or a median
    variance above :data:`~skrbm._rbm.UNSCALED_VARIANCE`, the bound of
    GaussianRBM's own warning (a feature within ``[0, 1]`` has a variance
    of at most 1/4). Real values of unit scale that merely leave ``[0, 1]``,
    which scikit-learn's estimator checks give every transformer, are not.

    Parameters
    ----------
    rows : ndarray of shape (n_rows, n_features)
        A sample of the data's rows.

    Returns
    -------
    signature : str or None
        Its description, for the warning.
    """
    if whole_numbers(rows):
        return "whole numbers, such as grey levels or counts"
    variance = median_variance(rows)
    if variance > UNSCALED_VARIANCE:
        return f"a median feature variance of {variance:.3g}"
    return None


def warn_if_not_unit_interval(X):
    """Warn when binary visible units are given unscaled data.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training data; their range is taken over every entry.
    """
    low, high = X.min(), X.max()
    if not outside_unit_interval(low, high):
        return
    signature = unscaled_signature(sample_rows(X, UNSCALED_SAMPLE_ROWS))
    if signature is None:
        return
    warnings.warn(
        f"BinaryRBM's training data run from {low:.3g} to {high:.3g}, outside "
        f"[0, 1], and look unscaled ({signature}). Its visible units are "
        "binary: contrastive divergence reads each value as the probability "
        "of a 1, and values beyond [0, 1] drive the weights without bound. "
        "Scale each feature to [0, 1] first, e.g. make_pipeline(MinMaxScaler(), "
        "BinaryRBM(...)), or divide grey levels by their maximum.",
        UserWarning,
        stacklevel=caller_stacklevel(),
    )


class BinaryRBM(BaseRBM):
    """Bernoulli-Bernoulli Restricted Boltzmann Machine: binary visible units.

    Binary (sigmoid) visible and hidden units, trained like
    :class:`GaussianRBM` (the same CD-k or PCD step, momentum, penalties,
    sparsity, selectivity, centering, early stopping, divergence guard and
    float32 support). The energy is ``E(v, h) = -b.v - c.h - v.W^T h``, so
    that ``p(h_j = 1 | v) = sigmoid(W_j . v + c_j)`` and
    ``p(v_i = 1 | h) = sigmoid(W^T_i . h + b_i)``. Its place is the upper
    layers of a stack: it models the hidden probabilities in ``[0, 1]`` of
    the layer below (or any data in ``[0, 1]``, such as grey levels), where
    a :class:`GaussianRBM` would assume unbounded, standardized values.

    **The data** should lie in ``[0, 1]``: binary values, or probabilities
    that CD treats as the expected values of binary units, as scikit-learn's
    :class:`~sklearn.neural_network.BernoulliRBM` does. Like that estimator,
    BinaryRBM accepts any real values without an error, because
    scikit-learn's estimator checks train every transformer on unbounded
    data; outside ``[0, 1]`` the free energy and the likelihood are still
    computed by their formulas, but no longer mean a probability, and the
    weights grow with the data's scale (32 units, 20 epochs on digits: the
    largest weight is 0.63 on grey levels scaled to ``[0, 1]``, 388 on the
    raw 0-16 and 6700 on 0-255). :meth:`fit` and the first
    :meth:`partial_fit` therefore warn (``UserWarning``, suggesting a
    :class:`~sklearn.preprocessing.MinMaxScaler`) when the data leave
    ``[0, 1]`` by more than ``1e-6`` (float rounding) *and* look unscaled:
    whole numbers (grey levels, counts), or a median feature variance over
    100, the bound of :class:`GaussianRBM`'s unscaled-data warning. Real
    values of unit scale that merely leave ``[0, 1]`` (standardized data,
    and the estimator checks' data) train without that warning; should
    they diverge, the divergence warning suggests the scaler.

    **Compared with scikit-learn's BernoulliRBM**, which is the same model:
    classical momentum; weight decay (L2, or L1 by a proximal step that
    leaves weights exactly zero, or both); CD-k as well as PCD (BernoulliRBM
    runs PCD-1 only); Lee et al.'s sparsity target and Goh et al.'s
    selectivity; centering; hidden biases and weights initialised at will;
    early stopping; a guard against divergence; ``partial_fit`` that returns
    ``self``, keeps float32 and resumes momentum and chains exactly (also
    after pickling); a deterministic ``score_samples`` (minus the
    reconstruction error, like :class:`GaussianRBM`, instead of a
    pseudo-likelihood of randomly flipped bits); and the exact or annealed
    log-likelihood (:meth:`log_likelihood`, :func:`skrbm.metrics.log_partition`,
    which also accept a fitted BernoulliRBM).

    Parameters
    ----------
    n_components : int, default=100
        Number of hidden units.
    learning_rate : float or "auto", default="auto"
        Step size of the updates. ``"auto"`` is 0.01, for CD and PCD alike:
        binary visible units cannot run away as Gaussian ones can, and on
        digits PCD at 0.01 learns a better model than at 0.001.
    momentum : float or "auto", default=0.9
        Classical momentum, in ``[0, 1)``; the effective step is
        ``learning_rate / (1 - momentum)``. ``"auto"`` is 0.9 for CD and
        PCD alike (:class:`GaussianRBM` lowers it to 0.5 for PCD).
    batch_size : int, default=100
        Number of samples per minibatch.
    n_iter : int, default=100
        Number of epochs of :meth:`fit`.
    shuffle : bool, default=True
        Whether to visit the samples in a new random order each epoch.
    penalty : {"l2", "l1", "elasticnet"} or None, default="l2"
        Weight decay on ``components_``, as in :class:`GaussianRBM`.
    alpha : float, default=1e-4
        Strength of the weight decay, multiplied by ``learning_rate``.
    l1_ratio : float, default=0.15
        Share of L1 in the elastic-net penalty.
    cd_steps : int, default=1
        Number of Gibbs steps ``k`` in the negative phase.
    persistent : bool, default=False
        Use ``batch_size`` persistent chains (PCD), kept in ``h_samples_``.
    sampler : {"auto", "cd", "pcd", "pt", "noise"}, default="auto"
        The negative phase, as in :class:`GaussianRBM`; parallel
        tempering's hottest chains and the noise-started chains sample
        independent Bernoulli units with the training data's means.
    n_temperatures : int, default=10
        Number of temperatures of ``sampler="pt"``, at least 2.
    sparsity_target : float or None, default=None
        Target mean activation of each hidden unit (Lee et al. 2008).
    sparsity_cost : float, default=0.1
        Strength of the sparsity term.
    selectivity_target : float or None, default=None
        Target mean activation of Goh et al.'s (2010) selectivity and
        sparsity regulariser, as in :class:`GaussianRBM`.
    selectivity_blend : float, default=0.5
        Weight of the ideal activations in the positive phase.
    centering : bool, default=False
        Centered training (Melchior, Fischer and Wiskott 2016), as in
        :class:`GaussianRBM`; it was devised for binary units (Montavon and
        Müller 2012).
    init : {"normal", "identity"}, default="normal"
        Initial weights: ``N(0, init_scale^2)`` entries, or a scaled
        identity.
    init_scale : float, default=0.01
        Scale of the initial weights.
    hidden_bias_init : float or "component", default=0.0
        Initial hidden bias; "component" as in :class:`GaussianRBM`: the
        state with one unit on starts with 0.01 times the weight in
        ``p(h)`` of the state with all units off.
    visible_bias_rate, hidden_bias_rate : float, default=1.0
        Learning rates of the biases as multiples of ``learning_rate``, as
        in :class:`GaussianRBM` (0 keeps a bias fixed).
    max_update_norm : float or None, default=None
        Cap on the norm of each hidden unit's weight update, as in
        :class:`GaussianRBM`.
    early_stopping : bool, default=False
        Stop when the validation score (minus the reconstruction MSE) of a
        held-out ``validation_fraction`` stops improving, as in
        :class:`GaussianRBM`.
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
        Weight matrix ``W``.
    intercept_hidden_ : ndarray of shape (n_components,)
        Hidden biases ``c``.
    intercept_visible_ : ndarray of shape (n_features,)
        Visible biases ``b``, initialised to the logit of each feature's
        mean in the first data, clipped to ``[0.001, 0.999]`` (Hinton 2010,
        section 8).
    h_samples_ : ndarray of shape (batch_size, n_components)
        Binary hidden states of the persistent chains (``persistent=True``
        or ``sampler="pcd"``); with ``sampler="pt"``, of shape
        ``(n_temperatures, batch_size, n_components)``, coldest last.
    swap_rates_ : ndarray of shape (n_temperatures - 1,)
        ``sampler="pt"`` only: the share of accepted swaps between each
        pair of neighbouring temperatures during the last :meth:`fit` or
        :meth:`partial_fit` call.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, when they are all strings.
    n_iter_ : int
        Number of passes run (epochs of :meth:`fit` plus one per
        :meth:`partial_fit` call).
    loss_curve_ : list of float
        Training reconstruction MSE of each epoch, measured during the CD
        pass: ``|v - sigmoid(h W + b)|^2 / n_features`` with ``h`` sampled
        from ``p(h | v)``.
    validation_scores_ : list of float or None
        Validation score per epoch of :meth:`fit` (``early_stopping=True``).
    best_validation_score_ : float or None
        Best validation score (``early_stopping=True``).

    See Also
    --------
    GaussianRBM : The same trainer with linear (Gaussian) visible units.
    sklearn.neural_network.BernoulliRBM : scikit-learn's binary RBM.

    Notes
    -----
    **Negative phase.** CD-k alternates sampled binary hidden states with
    the visible *probabilities* ``sigmoid(h W + b)`` (the usual mean-field
    reconstruction, Hinton 2010, section 3.2). PCD samples binary visible
    states, ``v ~ Bernoulli(sigmoid(h W + b))``, so that the persistent
    chains follow the model distribution.

    **Update, L1 and partial_fit** work as described in
    :class:`GaussianRBM`'s Notes: the L1 term is a soft-threshold step of
    ``learning_rate * alpha / (1 - momentum)`` after each update, which
    leaves exact zeros; ``n_components``, ``init``, ``init_scale``,
    ``hidden_bias_init``, ``centering`` and ``random_state`` cannot change
    between :meth:`partial_fit` calls.

    **Divergence.** The guard of :class:`GaussianRBM` is there (training
    stops and restores its best state when the parameters stop being
    finite or the reconstruction error explodes), but binary units hardly
    need it: their reconstructions are bounded, and so is each step of the
    weights, by ``learning_rate / (1 - momentum)`` times the data's largest
    value. Learning rates up to 1000 on standardized data did not set it
    off; it acts on data of astronomical size only, and then its warning
    suggests scaling them to ``[0, 1]``.

    **Likelihood.** ``log Z`` is exact up to 20 hidden units (the ``2^H``
    hidden states are enumerated, the visible units summed in closed form)
    and estimated by annealed importance sampling, with a bracket, beyond
    (:func:`skrbm.metrics.log_partition`).

    References
    ----------
    G. Hinton, "A Practical Guide to Training Restricted Boltzmann
    Machines", UTML TR 2010-003, 2010.

    T. Tieleman, "Training Restricted Boltzmann Machines using
    Approximations to the Likelihood Gradient", ICML 2008.

    H. Lee, C. Ekanadham and A. Ng, "Sparse deep belief net model for
    visual area V2", NIPS 2008.

    G. Montavon and K.-R. Müller, "Deep Boltzmann Machines and the
    Centering Trick", Neural Networks: Tricks of the Trade, 2012.

    J. Melchior, A. Fischer and L. Wiskott, "How to Center Deep Boltzmann
    Machines", JMLR 17, 2016.

    R. Salakhutdinov and I. Murray, "On the quantitative analysis of deep
    belief networks", ICML 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import BinaryRBM
    >>> X = (np.random.RandomState(0).rand(200, 16) < 0.3).astype(float)
    >>> rbm = BinaryRBM(n_components=8, n_iter=5, random_state=0).fit(X)
    >>> rbm.transform(X).shape
    (200, 8)
    >>> rbm.log_likelihood(X).shape
    (200,)
    """

    _units = BINARY
    _auto_learning_rates = (0.01, 0.01)

    def _initialize(self, X, random_state):
        warn_if_not_unit_interval(X)
        super()._initialize(X, random_state)

    def _initial_visible_bias(self, X):
        rate = np.clip(X.mean(axis=0), BASE_RATE_CLIP, 1 - BASE_RATE_CLIP)
        return np.log(rate / (1 - rate)).astype(X.dtype)

    @staticmethod
    def _data_advice(X):
        if not _outside_unit_interval(X):
            return ""
        return (
            " The data are not in [0, 1]: the visible units are binary, so "
            "scale each feature to [0, 1] first, e.g. with MinMaxScaler."
        )
