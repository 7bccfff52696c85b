"""The likelihood of data under a fitted RBM; public in :mod:`skrbm.metrics`.

:func:`log_partition`, :func:`log_likelihood` and
:func:`log_likelihood_scorer` are the documented entry points; the
computation itself (exact enumeration, annealed importance sampling, the
cache) is in :mod:`skrbm._likelihood`.
"""

import numpy as np

from ._likelihood import (
    N_CHAINS,
    N_TEMPERATURES,
    LogPartition,
    compute_log_partition,
    log_likelihood_of,
)

__all__ = [
    "LogPartition",
    "log_likelihood",
    "log_likelihood_scorer",
    "log_partition",
]


def log_partition(
    rbm,
    *,
    method="auto",
    n_temperatures=N_TEMPERATURES,
    n_chains=N_CHAINS,
    random_state=None,
):
    """Log partition function ``log Z`` of a fitted RBM, with a bracket.

    ``log Z`` normalizes the model's density, ``p(v) = exp(-F(v)) / Z``.
    Exact enumeration sums the ``2^n_components`` hidden states (the visible
    units are integrated in closed form); annealed importance sampling
    (AIS) estimates it for any size and brackets it from both sides.

    Parameters
    ----------
    rbm : GaussianRBM, BinaryRBM, sklearn.neural_network.BernoulliRBM or Pipeline
        A fitted RBM, or a fitted pipeline ending in one (its last step's
        ``log Z``).
    method : {"auto", "exact", "ais"}, default="auto"
        ``"exact"`` needs ``n_components <= 20``; ``"auto"`` is exact when it
        can be and AIS otherwise.
    n_temperatures : int, default=2000
        Number of distributions on the AIS path, both ends included.
    n_chains : int, default=100
        Number of AIS chains in each direction, at least 2.
    random_state : int, RandomState instance or None, default=None
        Seeds the AIS chains; the estimator's own random state is not used
        or changed.

    Returns
    -------
    result : LogPartition
        ``estimate``, ``lower``, ``upper``, ``reverse`` and ``method``. When
        exact, all four numbers are the exact value. ``result.reliable``
        says whether the bracket can be trusted (Notes).

    Raises
    ------
    ValueError
        If ``method="exact"`` and the model has more than 20 hidden units,
        or ``n_temperatures`` or ``n_chains`` is below 2.
    TypeError
        If a pipeline's last step is not an RBM.

    Warns
    -----
    AISWarning
        When the result is not ``reliable``
        (:class:`skrbm.exceptions.AISWarning`).

    Notes
    -----
    **Which side each number is on.** Forward AIS anneals from a base model
    with ``W = 0`` (visibles ``N(intercept_visible_, I)``, or independent
    ``Bernoulli(sigmoid(intercept_visible_))`` for binary visible units;
    uniform independent hiddens) to the model. Its weights have mean
    ``Z / Z_0``, so ``estimate = log Z_0 + log mean(w)`` *underestimates*
    ``log Z`` in expectation (Jensen's inequality), and a held-out
    log-likelihood computed with it is optimistic. Reverse AIS anneals from
    exact samples of the model (from long Gibbs chains above 20 hidden
    units) back to the base; its ``reverse`` estimate *overestimates*
    ``log Z`` in expectation (Burda et al. 2015). ``lower`` and ``upper``
    widen the two sides by 3 standard errors of the mean weights:
    ``lower <= estimate`` and ``reverse <= upper`` always, and
    ``[lower, upper]`` holds ``log Z`` unless the chains are far from
    equilibrium. Use ``upper`` for a conservative (pessimistic)
    log-likelihood.

    **When not to trust it.** With too few temperatures or chains, or on a
    model whose weights have grown very large (training diverged), the
    weights can be so spread that a side has no finite end
    (``lower=-inf`` or ``upper=inf``), or forward and reverse AIS
    disagree: ``lower > upper``, or a point estimate outside
    ``[lower, upper]``. ``result.reliable`` is then False and an
    :class:`~skrbm.exceptions.AISWarning` says what is wrong; rerun with
    more ``n_temperatures`` or ``n_chains``, and if the bracket stays
    infinite, check the model for divergence. A reliable bracket is still
    no proof: chains that all miss a mode of the model agree on a wrong
    value.

    **Cache.** Results are kept for the 16 most recently used models and
    settings, keyed on a digest of the model's parameter values (so that
    ``fit``, ``partial_fit`` or a change of ``components_`` in place gives
    a new key), the kind of visible unit and, for AIS, ``n_temperatures``,
    ``n_chains`` and ``random_state``. AIS is cached only for an integer
    ``random_state``: with None or a random state instance each call draws
    new numbers, as it would without the cache.

    References
    ----------
    R. Salakhutdinov and I. Murray, "On the quantitative analysis of deep
    belief networks", ICML 2008.

    Y. Burda, R. Grosse and R. Salakhutdinov, "Accurate and conservative
    estimates of MRF log-likelihood using reverse annealing", AISTATS 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import GaussianRBM
    >>> from skrbm.metrics import log_partition
    >>> X = np.random.RandomState(0).standard_normal((200, 16))
    >>> rbm = GaussianRBM(n_components=8, n_iter=5, random_state=0).fit(X)
    >>> exact = log_partition(rbm)
    >>> exact.method
    'exact'
    >>> ais = log_partition(rbm, method="ais", n_temperatures=200, random_state=0)
    >>> bool(ais.lower <= exact.estimate <= ais.upper)
    True
    """
    return compute_log_partition(rbm, method, n_temperatures, n_chains, random_state)


def log_likelihood(
    rbm, X, *, method="auto", log_partition=None, random_state=None, jacobian=True
):
    """Log-likelihood of each sample under a fitted RBM, in nats.

    ``log p(v) = -F(v) - log Z``, with ``F`` the free energy
    (:meth:`GaussianRBM.free_energy <skrbm.GaussianRBM.free_energy>`,
    :meth:`BinaryRBM.free_energy <skrbm.BinaryRBM.free_energy>`) and
    ``log Z`` from :func:`log_partition`.

    Parameters
    ----------
    rbm : GaussianRBM, BinaryRBM, sklearn.neural_network.BernoulliRBM or Pipeline
        A fitted RBM, or a fitted pipeline ending in one.
    X : array-like of shape (n_samples, n_features)
        Data, in the units the RBM was trained on; for a pipeline, as given
        to the pipeline (the steps before the RBM transform it, and the
        result is in the units of ``X``: see ``jacobian``).
    method : {"auto", "exact", "ais"}, default="auto"
        How to compute ``log Z`` when ``log_partition`` is not given, with
        the default AIS settings of :func:`log_partition` (and its cache
        and :class:`~skrbm.exceptions.AISWarning`).
    log_partition : LogPartition or float, optional
        A precomputed ``log Z`` (its ``estimate``), reused as it is; pass
        ``result.upper`` for a conservative log-likelihood.
    random_state : int, RandomState instance or None, default=None
        Seeds AIS when it is used.
    jacobian : bool, default=True
        For a pipeline: add the log-Jacobian of the steps before the RBM,
        so that the result is the density of ``X`` in its own units,
        comparable across preprocessings and with other density models of
        ``X`` (Notes). Steps without a known Jacobian are then refused.
        False gives the density of what the RBM sees, the transformed
        ``X``, after any transformer (the behaviour of skrbm 0.2). Ignored
        for a bare RBM.

    Returns
    -------
    log_likelihood : ndarray of shape (n_samples,)
        Float64, whatever the dtype of ``X``.

    Raises
    ------
    TypeError
        If a pipeline's last step is not an RBM or, with ``jacobian=True``,
        a step before it has no known Jacobian (the message names it).
    ValueError
        With ``jacobian=True``: a step that drops dimensions or is not
        invertible (PCA keeping fewer components than features,
        :class:`~skrbm.ZCAWhitening` with ``remove_mean=True``, a scaler
        with ``clip=True``), or an RBM with binary visible units behind
        preprocessing (a probability of binary vectors has no Jacobian).

    See Also
    --------
    log_likelihood_scorer : The mean of it, as a scorer for model selection.

    Notes
    -----
    This is a density: its value depends on the units of ``X``. For a
    pipeline ``T`` followed by an RBM it is, by default, the density of
    ``X`` itself, by the change of variables

    ``log p(x) = log p_rbm(T(x)) + log|det J_T|``

    summed over the steps before the RBM. Their Jacobians are constant
    for the affine steps skrbm knows:
    :class:`~sklearn.preprocessing.StandardScaler` and
    :class:`~sklearn.preprocessing.RobustScaler` add
    ``-sum(log(scale_))``, :class:`~sklearn.preprocessing.MinMaxScaler`
    ``sum(log(scale_))`` and :class:`~sklearn.preprocessing.MaxAbsScaler`
    ``-sum(log(scale_))`` (both with ``clip=False``);
    :class:`~sklearn.decomposition.PCA` keeping every component adds 0,
    or ``-0.5 * sum(log(explained_variance_))`` with ``whiten=True``;
    :class:`~skrbm.ZCAWhitening` with ``remove_mean=False`` adds
    ``log|det whitening_|`` ``= -0.5 * sum(log(explained_variance_ +
    regularization_))``; ``"passthrough"`` adds 0. A step that drops
    dimensions leaves a density on a subspace, which has no Jacobian to
    the space of ``X``, and a non-linear step (``Binarizer``,
    ``FunctionTransformer``) has no constant one: both are refused, and so
    is preprocessing in front of binary visible units, whose likelihood is
    a probability, not a density. ``jacobian=False`` skips the Jacobian
    and accepts any transformer.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import GaussianRBM
    >>> from skrbm.metrics import log_likelihood
    >>> X = np.random.RandomState(0).standard_normal((200, 16))
    >>> rbm = GaussianRBM(n_components=8, n_iter=5, random_state=0).fit(X)
    >>> scores = log_likelihood(rbm, X)
    >>> scores.shape
    (200,)

    The data are standard normal, whose density gives -22.3 nats per sample
    on average; the RBM, which learns little from white noise, comes close:

    >>> round(float(scores.mean()), 1)
    -22.2

    Behind a scaler the likelihood is still that of ``X``; without the
    Jacobian it is that of the scaled data, here about ``log(3)`` nats higher
    per feature:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> pipe = make_pipeline(
    ...     StandardScaler(), GaussianRBM(n_components=8, n_iter=5, random_state=0)
    ... ).fit(3 * X)
    >>> in_x = log_likelihood(pipe, 3 * X)
    >>> scaled = log_likelihood(pipe, 3 * X, jacobian=False)
    >>> bool(np.allclose(scaled - in_x, np.log(pipe[0].scale_).sum()))
    True
    """
    return log_likelihood_of(rbm, X, method, log_partition, random_state, jacobian)


def log_likelihood_scorer(
    estimator, X, y=None, *, method="auto", random_state=0, jacobian=True
):
    """Mean log-likelihood per sample, as a scorer for model selection.

    Usable as ``GridSearchCV(scoring=log_likelihood_scorer)``. For a
    :class:`~sklearn.pipeline.Pipeline`, ``X`` goes through every step but
    the last, which must be a fitted RBM, as in :func:`log_likelihood`.
    Bind other arguments with :func:`functools.partial`.

    ``log Z`` is cached (see :func:`log_partition`): with the default
    integer ``random_state``, scoring one fitted model again, on the test
    split, the training split (``return_train_score=True``) or another
    data set, reuses its ``log Z``. The cache keeps the 16 most recently
    used values in the process that scores, keyed on a digest of the
    model's parameter values, so a refit or ``partial_fit`` computes anew.

    Parameters
    ----------
    estimator : GaussianRBM, BinaryRBM, sklearn.neural_network.BernoulliRBM or Pipeline
        A fitted RBM, or a fitted pipeline ending in one.
    X : array-like of shape (n_samples, n_features)
        Held-out data, as given to the estimator.
    y : None
        Ignored.
    method : {"auto", "exact", "ais"}, default="auto"
        How to compute ``log Z``.
    random_state : int, RandomState instance or None, default=0
        Seeds AIS; fixed by default so that the scores are reproducible
        (and cached).
    jacobian : bool, default=True
        For a pipeline, score the density of ``X`` in its own units (the
        RBM's plus the log-Jacobian of the steps before it, as in
        :func:`log_likelihood`), so that candidates with different
        preprocessing compare fairly. ``False`` scores the density of the
        transformed data (skrbm 0.2), for any transformer.

    Returns
    -------
    score : float
        Mean of :func:`log_likelihood` over ``X``, in nats; higher is
        better.

    Notes
    -----
    The likelihood is in the units of ``X`` by default, so a grid over the
    preprocessing (``{"prep": [StandardScaler(),
    ZCAWhitening(remove_mean=False)]}``) picks by the density of the same
    data. A step without a known Jacobian raises an error (see
    :func:`log_likelihood`), which ``GridSearchCV`` reports through its
    ``error_score``; bind ``jacobian=False`` with :func:`functools.partial`
    to score such pipelines in the units the RBM sees, where only
    candidates that share the preprocessing compare fairly.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skrbm import GaussianRBM
    >>> from skrbm.metrics import log_likelihood_scorer
    >>> X = np.random.RandomState(0).standard_normal((200, 16))
    >>> search = GridSearchCV(
    ...     GaussianRBM(n_iter=5, random_state=0),
    ...     {"n_components": [4, 8]},
    ...     scoring=log_likelihood_scorer,
    ...     cv=2,
    ... ).fit(X)
    >>> search.best_params_
    {'n_components': 4}
    """
    scores = log_likelihood_of(estimator, X, method, None, random_state, jacobian)
    return float(np.mean(scores))
