"""Figures that describe learned filters, and the likelihood of an RBM.

Each filter figure takes a weight matrix of shape
``(n_components, n_pixels)`` (for example ``GaussianRBM.components_``)
whose rows are square image filters, and returns one number per filter.
All-zero filters have no shape; they give ``nan`` for roughness and
localization, which ``np.nanmean`` skips. :func:`gabor_fit` measures how
edge-like (Gabor-like) filters are.

:func:`log_partition`, :func:`log_likelihood` and
:func:`log_likelihood_scorer` say how probable data is under a fitted
:class:`~skrbm.GaussianRBM` or :class:`~skrbm.BinaryRBM` (or scikit-learn's
:class:`~sklearn.neural_network.BernoulliRBM`), alone or at the end of a
:class:`~sklearn.pipeline.Pipeline`, in nats: exactly for small hidden
layers, by annealed importance sampling with a bracket otherwise.
"""

from ._filter_metrics import (
    GaborFit,
    gabor_fit,
    gabor_fraction,
    localisation,
    localization,
    roughness,
    summarize_filters,
    zero_fraction,
)
from ._likelihood_metrics import (
    LogPartition,
    log_likelihood,
    log_likelihood_scorer,
    log_partition,
)

__all__ = [
    "GaborFit",
    "LogPartition",
    "gabor_fit",
    "gabor_fraction",
    "localisation",
    "localization",
    "log_likelihood",
    "log_likelihood_scorer",
    "log_partition",
    "roughness",
    "summarize_filters",
    "zero_fraction",
]
