"""Figures that describe learned filters; public in :mod:`skrbm.metrics`.

Each function takes a weight matrix of shape ``(n_components, n_pixels)``
(for example ``GaussianRBM.components_``) whose rows are square image
filters, and returns one number per filter. All-zero filters have no shape;
they give ``nan`` for roughness and localization, which ``np.nanmean``
skips. :func:`gabor_fit` measures how edge-like (Gabor-like) filters are.
"""

import warnings

import numpy as np
from sklearn.utils import deprecated

from ._filters import as_filters
from ._gabor import GaborFit, gabor_fit, gabor_fraction

__all__ = [
    "GaborFit",
    "gabor_fit",
    "gabor_fraction",
    "localisation",
    "localization",
    "roughness",
    "summarize_filters",
    "zero_fraction",
]


def zero_fraction(components):
    """Fraction of weights of each filter that are exactly 0.0.

    Parameters
    ----------
    components : array-like of shape (n_components, n_pixels)
        Filters, one per row, e.g. ``GaussianRBM.components_``.

    Returns
    -------
    fractions : ndarray of shape (n_components,)
        Share of exact zeros in each filter, in [0, 1].
    """
    W = np.asarray(components)
    return np.mean(W == 0, axis=1)


def roughness(components, patch_shape=None):
    """High-frequency content of each filter.

    Sum of squared differences between horizontally and vertically
    neighbouring pixels, divided by the filter's energy (sum of squared
    weights). A constant filter scores 0; a filter of independent noise
    scores about 2 per neighbour direction, close to 4 in total; a
    checkerboard scores the most (about 8).

    Parameters
    ----------
    components : array-like of shape (n_components, n_pixels)
        Filters, one per row, e.g. ``GaussianRBM.components_``.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a filter; square by default.

    Returns
    -------
    roughness : ndarray of shape (n_components,)
        Roughness of each filter; ``nan`` for an all-zero filter.
    """
    F = as_filters(components, patch_shape)
    dy = np.sum(np.diff(F, axis=1) ** 2, axis=(1, 2))
    dx = np.sum(np.diff(F, axis=2) ** 2, axis=(1, 2))
    energy = np.sum(F**2, axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(energy > 0, (dx + dy) / energy, np.nan)


def localization(components, patch_shape=None):
    """How concentrated in space each filter's energy is, from 0 to 1.

    ``1 - r / r_uniform``, where ``r`` is the radius of gyration of the
    filter's energy (squared weights) around its centre of mass, in pixels,
    and ``r_uniform`` that of a filter with equal energy everywhere. A
    single-pixel spot scores 1, a filter spread evenly over the patch 0.

    Parameters
    ----------
    components : array-like of shape (n_components, n_pixels)
        Filters, one per row, e.g. ``GaussianRBM.components_``.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a filter; square by default.

    Returns
    -------
    localization : ndarray of shape (n_components,)
        Localization of each filter, in [0, 1]; ``nan`` for an all-zero
        filter.
    """
    F = as_filters(components, patch_shape)
    energy = F**2
    total = energy.sum(axis=(1, 2))
    rows, cols = np.indices(F.shape[1:])

    def radius(e, t):
        with np.errstate(invalid="ignore", divide="ignore"):
            my = np.sum(e * rows, axis=(-2, -1)) / t
            mx = np.sum(e * cols, axis=(-2, -1)) / t
            dy = rows - np.asarray(my)[..., None, None]
            dx = cols - np.asarray(mx)[..., None, None]
            return np.sqrt(np.sum(e * (dy**2 + dx**2), axis=(-2, -1)) / t)

    uniform = radius(np.ones(F.shape[1:]), float(F.shape[1] * F.shape[2]))
    return np.where(total > 0, 1.0 - radius(energy, total) / uniform, np.nan)


@deprecated("it was renamed localization in 0.2 and will be removed in 0.4.")
def localisation(components, patch_shape=None):
    """The 0.1 spelling of :func:`localization`, which takes the same arguments."""
    return localization(components, patch_shape)


class _FilterSummary(dict):
    """The dict :func:`summarize_filters` returns.

    Its 0.1 key ``"localisation"`` still reads, with a FutureWarning, until
    0.4; iteration, ``len`` and JSON see only the current keys.
    """

    def __missing__(self, key):
        if key != "localisation":
            raise KeyError(key)
        warnings.warn(
            "The 'localisation' key of summarize_filters was renamed "
            "'localization' in 0.2; the old key will be removed in 0.4.",
            FutureWarning,
            stacklevel=2,
        )
        return self["localization"]


def summarize_filters(components, patch_shape=None):
    """Summary figures of a set of filters.

    Parameters
    ----------
    components : array-like of shape (n_components, n_pixels)
        Filters, one per row, e.g. ``GaussianRBM.components_``.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a filter; square by default.

    Returns
    -------
    summary : dict
        ``zero_fraction`` (over all weights), ``mean_abs_weight``, and the
        mean over filters of ``roughness`` and ``localization``.

        .. versionchanged:: 0.2
           The key ``"localisation"`` was renamed ``"localization"``; the
           old key still reads, with a FutureWarning, until 0.4.
    """
    W = np.asarray(components)
    return _FilterSummary(
        zero_fraction=float(np.mean(W == 0)),
        mean_abs_weight=float(np.mean(np.abs(W))),
        roughness=float(np.nanmean(roughness(W, patch_shape))),
        localization=float(np.nanmean(localization(W, patch_shape))),
    )
