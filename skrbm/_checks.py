"""Checks of the training data: the numbers behind skrbm's data warnings.

Each check is a short pure function of arrays; the estimators turn a
failed check into a :class:`UserWarning` (see ``warn_*`` below).
"""

import warnings

import numpy as np

from ._training import caller_stacklevel, sample_rows

#: Rows sampled to estimate each feature's median and robust scale: the
#: quartiles of a thousand rows are within a few percent of the data's,
#: and the check runs on every ``fit``.
ROBUST_SAMPLE_ROWS = 1000

#: Interquartile range of the standard normal distribution: ``IQR / 1.349``
#: estimates the standard deviation of Gaussian data, untouched by a few
#: extreme entries.
NORMAL_IQR = 1.3489795003921634

#: Distance from a feature's median, in robust scales, beyond which an
#: entry is extreme. The largest ratios measured on legitimate
#: heavy-tailed data: 700 (Student-t with 3 degrees of freedom, 100000 x
#: 64, the worst of five seeds; such data cross 2000 with probability
#: 0.1%), 344 (standardized Fashion-MNIST, 60000 x 784), 181 (200000
#: ZCA-whitened log-intensity 8x8 natural image patches), 17 (Laplace,
#: 100000 x 64), 11 (standardized digits). The harm grows with the
#: distance: one entry in 5000 standardized 8x8 patches raises a
#: GaussianRBM's reconstruction error by a third at 720 robust scales
#: (2.5 times with learned variances), doubles it at 2200 (16 times) and
#: multiplies it by 9 at 7200 (160 times).
EXTREME_RATIO = 2000.0

#: Slack of the ``[0, 1]`` range of BinaryRBM's data, for float rounding
#: (min-max scaled float32 data reach ``1 + 6e-8``).
UNIT_INTERVAL_TOLERANCE = 1e-6


def robust_scale(rows):
    """Median and robust scale of each feature of ``rows``.

    The scale is the interquartile range divided by :data:`NORMAL_IQR`.
    Where the IQR is zero (a feature constant on half the rows or more,
    such as a sparse or binary one), it is the median distance from the
    median of the entries that differ from it; where no entry differs,
    the median scale of the other features (1 if none varies).

    Parameters
    ----------
    rows : ndarray of shape (n_rows, n_features)
        A sample of the data's rows.

    Returns
    -------
    median, scale : ndarray of shape (n_features,), float64
        ``scale`` is positive.
    """
    rows = np.asarray(rows, dtype=np.float64)
    q1, median, q3 = np.percentile(rows, [25, 50, 75], axis=0)
    scale = (q3 - q1) / NORMAL_IQR
    flat = scale == 0
    if flat.any():
        scale[flat] = _median_nonzero(np.abs(rows[:, flat] - median[flat]))
    if not scale.all():
        varying = scale[scale > 0]
        scale[scale == 0] = np.median(varying) if varying.size else 1.0
    return median, scale


def _median_nonzero(deviations):
    """Per column, the median of the nonzero entries (the upper of two), or 0."""
    deviations = np.sort(deviations, axis=0)
    n_nonzero = np.count_nonzero(deviations, axis=0)
    # zeros sort first: the nonzero entries are the last n_nonzero rows
    middle = np.minimum(
        len(deviations) - n_nonzero + n_nonzero // 2, len(deviations) - 1
    )
    return np.take_along_axis(deviations, middle[np.newaxis], axis=0)[0]


def extreme_ratios(X, median, scale):
    """Distance of each feature's farthest entry from its median, in scales.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        All the data: one entry far out is missed by any row sample, so the
        extremes are taken over every row (one ``max`` and one ``min`` pass).
    median, scale : ndarray of shape (n_features,)
        From :func:`robust_scale`.

    Returns
    -------
    ratios : ndarray of shape (n_features,), float64
    """
    above = X.max(axis=0) - median
    below = median - X.min(axis=0)
    return np.maximum(above, below) / scale


def count_extreme(X, median, scale, threshold):
    """Number of entries of ``X`` beyond ``threshold`` scales of their median.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    median, scale : ndarray of shape (n_features,)
    threshold : float

    Returns
    -------
    count : int
    """
    return int(np.count_nonzero(np.abs(X - median) > threshold * scale))


def warn_if_extreme(X, threshold=EXTREME_RATIO):
    """Warn when a few entries of ``X`` are extreme for their feature.

    One entry of 1e30 in otherwise standardized data leaves the median
    variance, which :func:`~skrbm._rbm.warn_if_unscaled` looks at, as it
    is, yet it throws the weights of a GaussianRBM (or, with learned
    variances, the variance of its feature) so far off that the model
    reconstructs nothing.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training data.
    threshold : float, default=EXTREME_RATIO
        Distance from a feature's median, in robust scales, that counts as
        extreme.
    """
    median, scale = robust_scale(sample_rows(X, ROBUST_SAMPLE_ROWS))
    ratios = extreme_ratios(X, median, scale)
    features = np.flatnonzero(ratios > threshold)
    if not features.size:
        return
    features = features[np.argsort(-ratios[features], kind="stable")]
    count = count_extreme(X[:, features], median[features], scale[features], threshold)
    warnings.warn(
        f"The training data have {_entries(count)}, more than {threshold:g} "
        f"robust scales from the median of {'its' if count == 1 else 'their'} "
        f"feature: {_farthest(features, ratios)}. The robust scale is the "
        "interquartile range / 1.349 (the standard deviation of Gaussian "
        "data). A few such values throw GaussianRBM's weights (and learned "
        "variances) far off and ruin the model. Clip them (np.clip), scale "
        "the features with RobustScaler rather than StandardScaler (whose "
        "standard deviation they inflate), or remove the samples that hold "
        "them.",
        UserWarning,
        stacklevel=caller_stacklevel(),
    )


def _entries(count):
    return f"{count} extreme {'entry' if count == 1 else 'entries'}"


def _farthest(features, ratios, shown=5):
    """``feature 2 (1e+30 robust scales)``: the farthest features first."""
    listed = [f"{f} ({ratios[f]:.3g} robust scales)" for f in features[:shown]]
    text = ("features " if len(features) > 1 else "feature ") + ", ".join(listed)
    if len(features) > shown:
        text += f" and {len(features) - shown} more"
    return text


def outside_unit_interval(low, high, tolerance=UNIT_INTERVAL_TOLERANCE):
    """Whether data from ``low`` to ``high`` leave ``[0, 1]`` beyond ``tolerance``."""
    return bool(low < -tolerance or high > 1 + tolerance)


def whole_numbers(rows):
    """Whether every entry of ``rows`` is a whole number (grey levels, counts)."""
    return bool(np.array_equal(rows, np.rint(rows)))


def median_variance(rows):
    """Median over the features of their variance in ``rows``.

    Data near the float range have an infinite variance, without a warning.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.median(rows.var(axis=0, dtype=np.float64)))
