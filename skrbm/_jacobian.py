"""Log-Jacobians of the preprocessing steps before an RBM in a pipeline.

A pipeline ``(T_1, ..., T_k, rbm)`` is a density of ``x`` in the units of
``x`` itself when each step ``T`` is an invertible map of the whole space:
by the change of variables,
``log p(x) = log p_rbm(T(x)) + sum_i log|det J_{T_i}|``. The steps
supported here are affine, ``T(x) = x A + a``, so each Jacobian is the
constant ``log|det A|``, one number per fitted step:

* :class:`~sklearn.preprocessing.StandardScaler`: ``-sum(log scale_)``
  (0 with ``with_std=False``; scikit-learn sets the ``scale_`` of a
  constant feature to 1, which is the map it applies, so it adds 0);
* :class:`~sklearn.preprocessing.MinMaxScaler`: ``sum(log scale_)``, and
  :class:`~sklearn.preprocessing.MaxAbsScaler`:
  ``-sum(log scale_)``, both only with ``clip=False`` (clipping is not
  invertible);
* :class:`~sklearn.preprocessing.RobustScaler`: ``-sum(log scale_)``
  (0 with ``with_scaling=False``);
* :class:`~sklearn.decomposition.PCA` keeping every component
  (``n_components_ == n_features_in_``): ``log|det components_|`` (0, the
  rows are orthonormal) minus, with ``whiten=True``, the log of the
  scale it divides by, ``0.5 * sum(log explained_variance_)`` with
  scikit-learn's floor of the scale at machine epsilon;
* :class:`~skrbm.ZCAWhitening` with ``remove_mean=False``:
  ``log|det whitening_|`` ``= -0.5 * sum(log(explained_variance_ +
  regularization_))``;
* ``"passthrough"`` (or None): 0; a nested
  :class:`~sklearn.pipeline.Pipeline`: the sum over its steps.

Anything else is refused, naming the step: a map that drops dimensions
(PCA with fewer components, ZCA whitening after removing each patch's
mean, which projects onto the patches of zero sum) leaves a density on a
subspace, which has no Jacobian to the full space; a non-linear step
(:class:`~sklearn.preprocessing.Binarizer`,
:class:`~sklearn.preprocessing.FunctionTransformer`, ...) has no constant
one. Dispatch is on the exact type: a subclass may transform differently.
"""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)
from sklearn.utils.validation import check_is_fitted

from ._zca import ZCAWhitening

#: What :func:`log_abs_det_jacobian` accepts, for the messages.
SUPPORTED = (
    "StandardScaler, RobustScaler, MinMaxScaler and MaxAbsScaler (clip=False), "
    "PCA keeping every component (whiten or not), "
    "ZCAWhitening(remove_mean=False) and 'passthrough'"
)

#: How to do without the Jacobian, for the messages.
SKIP = (
    "Pass jacobian=False for the likelihood of what the RBM sees (the output "
    "of the steps before it, in its units, with no Jacobian)."
)


class NoJacobianError(ValueError):
    """A supported kind of step, fitted or set up so that it has no Jacobian."""


def _describe(step, name):
    what = type(step).__name__
    return f"step {name!r} ({what})" if name is not None else f"step {what}"


def _sum_log(values):
    return float(np.sum(np.log(np.asarray(values, dtype=np.float64))))


def standard_scaler(scaler):
    """``-sum(log scale_)``; 0 when ``with_std=False`` (``scale_`` is None).

    Parameters
    ----------
    scaler : StandardScaler, fitted

    Returns
    -------
    log_det : float
    """
    return 0.0 if scaler.scale_ is None else -_sum_log(scaler.scale_)


def robust_scaler(scaler):
    """``-sum(log scale_)``; 0 when ``with_scaling=False``.

    Parameters
    ----------
    scaler : RobustScaler, fitted

    Returns
    -------
    log_det : float
    """
    return 0.0 if scaler.scale_ is None else -_sum_log(scaler.scale_)


def _refuse_clip(scaler, name):
    if getattr(scaler, "clip", False):
        raise NoJacobianError(
            f"{_describe(scaler, name)} clips its output (clip=True), which is "
            "not invertible: the pipeline has no density in the units of X. "
            f"Refit it with clip=False, or: {SKIP}"
        )


def min_max_scaler(scaler, name=None):
    """``sum(log scale_)`` (it multiplies by ``scale_``); refused if it clips.

    Parameters
    ----------
    scaler : MinMaxScaler, fitted
    name : str, optional
        The step's name, for the message.

    Returns
    -------
    log_det : float
    """
    _refuse_clip(scaler, name)
    return _sum_log(scaler.scale_)


def max_abs_scaler(scaler, name=None):
    """``-sum(log scale_)`` (it divides by ``scale_``); refused if it clips.

    Parameters
    ----------
    scaler : MaxAbsScaler, fitted
    name : str, optional
        The step's name, for the message.

    Returns
    -------
    log_det : float
    """
    _refuse_clip(scaler, name)
    return -_sum_log(scaler.scale_)


def pca(step, name=None):
    """``log|det components_|`` minus the log of the whitening scale.

    Parameters
    ----------
    step : PCA, fitted, with ``n_components_ == n_features_in_``
    name : str, optional
        The step's name, for the message.

    Returns
    -------
    log_det : float
        ``-0.5 * sum(log explained_variance_)`` with ``whiten=True`` (the
        scale ``sqrt(explained_variance_)`` floored at machine epsilon, as
        scikit-learn's ``transform`` does), 0 without: ``components_`` is
        then orthogonal and ``log|det|`` of it is 0 up to rounding.

    Raises
    ------
    NoJacobianError
        If the PCA keeps fewer components than it has features.
    """
    if step.n_components_ != step.n_features_in_:
        raise NoJacobianError(
            f"{_describe(step, name)} keeps {step.n_components_} of "
            f"{step.n_features_in_} dimensions: the RBM models a subspace, and a "
            "density on a subspace has no Jacobian to the full space of X. "
            "Keep every component (n_components=None with at least as many "
            f"samples as features) for a density of X, or: {SKIP}"
        )
    components = np.asarray(step.components_, dtype=np.float64)
    log_det = float(np.linalg.slogdet(components)[1])
    if step.whiten:
        scale = np.sqrt(np.asarray(step.explained_variance_, dtype=np.float64))
        scale = np.maximum(scale, np.finfo(step.explained_variance_.dtype).eps)
        log_det -= _sum_log(scale)
    return log_det


def zca_whitening(step, name=None):
    """``log|det whitening_|``, from its eigenvalues.

    Parameters
    ----------
    step : ZCAWhitening, fitted, with ``remove_mean=False``
    name : str, optional
        The step's name, for the message.

    Returns
    -------
    log_det : float
        ``-0.5 * sum(log(explained_variance_ + regularization_))``.

    Raises
    ------
    NoJacobianError
        With ``remove_mean=True`` (subtracting each sample's own mean
        projects onto the hyperplane of zero-sum samples: rank
        ``n_features - 1``), or when an eigenvalue plus the regularisation
        is not positive (``epsilon=0`` on a singular covariance).
    """
    if step.remove_mean:
        raise NoJacobianError(
            f"{_describe(step, name)} has remove_mean=True: subtracting each "
            "sample's own mean projects X onto the samples of zero sum, one "
            "dimension fewer, and a density on that subspace has no Jacobian to "
            "the full space of X. Use ZCAWhitening(remove_mean=False) for a "
            f"density of X, or: {SKIP}"
        )
    variances = np.asarray(step.explained_variance_, dtype=np.float64)
    variances = variances + step.regularization_
    if not np.all(variances > 0):
        raise NoJacobianError(
            f"{_describe(step, name)} divides by a zero variance (epsilon="
            f"{step.epsilon!r} on a singular covariance): it is not invertible. "
            f"Use epsilon > 0, or: {SKIP}"
        )
    return -0.5 * _sum_log(variances)


def _unsupported(step, name):
    raise TypeError(
        f"The likelihood of a pipeline is the density of X in its own units, "
        "log p_rbm(T(x)) + log|det J_T(x)|, which needs the Jacobian of each step "
        f"before the RBM; {_describe(step, name)} has none that skrbm knows "
        f"(a non-linear map has no constant one). Supported: {SUPPORTED}. {SKIP}"
    )


_RULES = {
    StandardScaler: lambda step, name: standard_scaler(step),
    RobustScaler: lambda step, name: robust_scaler(step),
    MinMaxScaler: min_max_scaler,
    MaxAbsScaler: max_abs_scaler,
    PCA: pca,
    ZCAWhitening: zca_whitening,
}


def log_abs_det_jacobian(step, name=None):
    """``log|det J|`` of a fitted preprocessing step, a constant.

    Parameters
    ----------
    step : estimator, "passthrough" or None
        A fitted transformer of a pipeline (or a nested pipeline of them).
    name : str, optional
        Its name in the pipeline, for the messages.

    Returns
    -------
    log_det : float
        Nats to add to the log-density of the step's output for the
        log-density of its input.

    Raises
    ------
    TypeError
        If skrbm knows no Jacobian for this type of step.
    NoJacobianError
        (a ``ValueError``) If the step is of a supported type but not
        invertible on the whole space: PCA dropping components, ZCA
        whitening with ``remove_mean=True``, a clipping scaler.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import StandardScaler
    >>> scaler = StandardScaler().fit([[0.0, 0.0], [2.0, 4.0]])
    >>> scaler.scale_
    array([1., 2.])
    >>> log_abs_det_jacobian(scaler) == -float(np.log(2.0))
    True
    """
    if step is None or (isinstance(step, str) and step == "passthrough"):
        return 0.0
    if type(step) is Pipeline:
        return sum(
            log_abs_det_jacobian(
                inner, inner_name if name is None else f"{name}__{inner_name}"
            )
            for inner_name, inner in step.steps
        )
    rule = _RULES.get(type(step))
    if rule is None:
        _unsupported(step, name)
    check_is_fitted(step)
    return float(rule(step, name))
