"""Figures of a Gabor fit: orientation and frequency of the learned filters."""

import numpy as np

from .plotting import _figure


def plot_gabor_summary(fit_result, title=None):
    """Orientation against spatial frequency of every filter, and R^2.

    Left: one point per filter at its fitted orientation (degrees) and
    frequency (cycles per pixel), Gabor-like filters filled, the others
    hollow. Right: the histogram of the fits' R^2 with the 0.8 threshold.

    Parameters
    ----------
    fit_result : GaborFit or dict
        The result of :func:`~skrbm._gabor.gabor_fit`, or of
        :func:`~skrbm._edges.run_edges` (its ``"fit"`` is used).
    title : str, optional
        Figure title; by default the fraction of Gabor-like filters.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm._gabor import gabor_fit
    >>> from skrbm._edges_plot import plot_gabor_summary
    >>> fit = gabor_fit(np.random.RandomState(0).standard_normal((5, 64)))
    >>> len(plot_gabor_summary(fit).axes)
    2
    """
    fit = fit_result["fit"] if isinstance(fit_result, dict) else fit_result
    fig = _figure(figsize=(8, 3.5), layout="constrained")
    scatter, histogram = fig.subplots(1, 2, width_ratios=[3, 2])
    degrees = np.degrees(fit.orientation)
    good = fit.is_gabor
    scatter.scatter(degrees[good], fit.frequency[good], s=18, label="Gabor-like")
    scatter.scatter(
        degrees[~good],
        fit.frequency[~good],
        s=18,
        facecolors="none",
        edgecolors="grey",
        label="other",
    )
    scatter.set_xlim(0, 180)
    scatter.set_ylim(0, 0.5)
    scatter.set_xticks([0, 45, 90, 135, 180])
    scatter.set_xlabel("orientation of the wave vector (degrees)")
    scatter.set_ylabel("frequency (cycles / pixel)")
    scatter.legend(loc="upper right", fontsize="small")
    r2 = fit.r2[np.isfinite(fit.r2)]
    histogram.hist(r2, bins=np.linspace(min(0.0, r2.min(initial=0.0)), 1, 21))
    histogram.axvline(0.8, color="k", linestyle="--", linewidth=1)
    histogram.set_xlabel("R$^2$ of the Gabor fit")
    histogram.set_ylabel("filters")
    fig.suptitle(title or f"{fit.fraction:.0%} of the filters are Gabor-like")
    return fig
