"""Pictures of RBM filters, training curves and reconstructions.

Every function draws into the ``ax=`` it is given or, without one, into a
new figure that ``matplotlib.pyplot`` manages (as scikit-learn's displays
do), and returns the :class:`matplotlib.figure.Figure`: ``plt.savefig``,
``plt.show`` and notebooks see it. Close figures you no longer need with
``plt.close(fig)``. Matplotlib is an optional dependency:
``pip install matplotlib``, or the ``plot`` extra (``pip install ".[plot]"``
from a clone of skrbm).
"""

import numpy as _np

from ._filters import as_weights as _as_weights
from ._filters import patch_shape_of as _patch_shape_of

__all__ = [
    "plot_components",
    "plot_gabor_summary",
    "plot_loss_curves",
    "plot_patches",
    "plot_reconstructions",
    "tile_filters",
]


def _figure(**kwargs):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "Plotting requires matplotlib: pip install matplotlib (or, from a "
            "clone of skrbm, pip install '.[plot]')."
        ) from exc
    return plt.figure(**kwargs)


def _tile(rows, patch_shape, n_cols, gap):
    """Rows as a grid of ``(h, w)`` tiles, NaN between and after the tiles."""
    h, w = _patch_shape_of(rows.shape[1], patch_shape)
    n = rows.shape[0]
    n_cols = n_cols or int(_np.ceil(_np.sqrt(n)))
    n_rows = int(_np.ceil(n / n_cols))
    mosaic = _np.full((n_rows * (h + gap) - gap, n_cols * (w + gap) - gap), _np.nan)
    for i, row in enumerate(rows):
        r, c = divmod(i, n_cols)
        top, left = r * (h + gap), c * (w + gap)
        mosaic[top : top + h, left : left + w] = row.reshape(h, w)
    return mosaic


def tile_filters(components, patch_shape=None, n_cols=None, gap=1):
    """Arrange filters as a grid of tiles, each scaled symmetrically.

    Each tile is divided by its own largest absolute weight, so its grey
    scale runs from -1 (black) to +1 (white) with 0 at mid grey. Tiles are
    separated by ``gap`` pixels of value NaN (drawn as the background).

    Parameters
    ----------
    components : estimator or array-like of shape (n_components, n_pixels)
        A fitted estimator with ``components_``, or its weight matrix.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a filter; square by default.
    n_cols : int, optional
        Tiles per row; by default the smallest square grid.
    gap : int, default=1
        Pixels between tiles.

    Returns
    -------
    mosaic : ndarray of shape (rows * (h + gap) - gap, n_cols * (w + gap) - gap)
        The tiled filters, with values in [-1, 1] and NaN between tiles.
    """
    W = _as_weights(components)
    peak = _np.abs(W).max(axis=1, keepdims=True)
    with _np.errstate(invalid="ignore", divide="ignore"):
        scaled = _np.where(peak > 0, W / peak, 0.0)
    return _tile(scaled, patch_shape, n_cols, gap)


def plot_components(components, patch_shape=None, n_cols=None, title=None, ax=None):
    """Draw filters as a grid of grey tiles (symmetric about zero).

    Parameters
    ----------
    components : estimator or array-like of shape (n_components, n_pixels)
        A fitted :class:`~skrbm.GaussianRBM` or
        :class:`~skrbm.AutoencoderRefiner`, or its weight matrix.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a filter; square by default.
    n_cols : int, optional
        Tiles per row; by default a square grid (10 x 10 for 100 filters).
    title : str, optional
        Figure title.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure drawn into: a new one, or that of ``ax`` when given.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm.plotting import plot_components
    >>> fig = plot_components(np.random.RandomState(0).standard_normal((100, 64)))
    >>> fig.axes[0].images[0].get_array().shape
    (89, 89)
    """
    return _draw_mosaic(tile_filters(components, patch_shape, n_cols), 1, title, ax)


def plot_patches(X, patch_shape=None, n_cols=None, vmax=None, title=None, ax=None):
    """Draw patches as a grid of grey tiles on one shared scale.

    Unlike :func:`plot_components`, which scales each tile by its own peak,
    every tile here shares one grey scale, symmetric about zero: mid grey
    is 0, black ``-vmax`` and white ``+vmax``; values beyond are clipped.
    Use it for data, reconstructions or samples, whose contrast compares
    from tile to tile (and, with the same ``vmax``, from figure to figure).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_pixels)
        Patches, one per row.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a patch; square by default.
    n_cols : int, optional
        Tiles per row; by default the smallest square grid.
    vmax : float, optional
        Value drawn white (and ``-vmax`` black); by default the largest
        absolute value of ``X``.
    title : str, optional
        Axes title.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure drawn into: a new one, or that of ``ax`` when given.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm.plotting import plot_patches
    >>> X = np.random.RandomState(0).standard_normal((16, 64))
    >>> fig = plot_patches(X, vmax=2.0)
    >>> fig.axes[0].images[0].get_clim()
    (-2.0, 2.0)
    """
    X = _np.asarray(X)
    if vmax is None:
        vmax = float(_np.abs(X).max())
    return _draw_mosaic(_tile(X, patch_shape, n_cols, gap=1), vmax, title, ax)


def _draw_mosaic(mosaic, limit, title, ax):
    """Draw tiles in grey from ``-limit`` (black) to ``+limit`` (white)."""
    if ax is None:
        fig = _figure(figsize=(4, 4), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    cmap = _grey_with_background()
    ax.imshow(mosaic, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig


def _grey_with_background():
    from matplotlib import colormaps

    return colormaps["gray"].with_extremes(bad="#3b5b7f")


def plot_loss_curves(curves, title=None, ax=None):
    """Reconstruction error per epoch on a log scale.

    Parameters
    ----------
    curves : dict of str to list of float or estimator
        Label to curve; an estimator stands for its ``loss_curve_``.
    title : str, optional
        Axes title.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure drawn into: a new one, or that of ``ax`` when given.
    """
    if ax is None:
        fig = _figure(figsize=(6, 4), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    for label, curve in curves.items():
        values = getattr(curve, "loss_curve_", curve)
        ax.plot(_np.arange(1, len(values) + 1), values, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("reconstruction MSE")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return fig


def plot_reconstructions(X, reconstructions, patch_shape=None, n_samples=8):
    """Input patches above each model's reconstructions of them.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_pixels)
        Input patches; the first ``n_samples`` are drawn.
    reconstructions : dict of str to array-like or estimator
        Row label to reconstructed patches, or to a fitted estimator with a
        ``reconstruct`` method.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a patch; square by default.
    n_samples : int, default=8
        Number of patches (columns).

    Returns
    -------
    fig : matplotlib.figure.Figure
        A new figure, one row of patches per label.
    """
    X = _np.asarray(X)[:n_samples]
    shape = _patch_shape_of(X.shape[1], patch_shape)
    rows = {"input": X}
    for label, rec in reconstructions.items():
        rows[label] = rec.reconstruct(X) if hasattr(rec, "reconstruct") else rec
    n = X.shape[0]
    fig = _figure(figsize=(1.0 * n + 1.2, 1.0 * len(rows)), layout="constrained")
    axes = fig.subplots(len(rows), n, squeeze=False)
    limit = _np.abs(X).max()
    for r, (label, patches) in enumerate(rows.items()):
        patches = _np.asarray(patches)[:n]
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(patches[c].reshape(shape), cmap="gray", vmin=-limit, vmax=limit)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center")
    return fig


def plot_gabor_summary(fit_result, title=None):
    """Orientation against spatial frequency of every filter, and R^2.

    Left: one point per filter at its fitted orientation (degrees) and
    frequency (cycles per pixel), Gabor-like filters filled, the others
    hollow. Right: the histogram of the fits' R^2 with the 0.8 threshold.

    Parameters
    ----------
    fit_result : GaborFit or dict
        The result of :func:`~skrbm.metrics.gabor_fit`, or of
        :func:`~skrbm.edges.run_edges` (its ``"fit"`` is used).
    title : str, optional
        Figure title; by default the fraction of Gabor-like filters.

    Returns
    -------
    fig : matplotlib.figure.Figure
        A new figure: the scatter plot and the histogram.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm.metrics import gabor_fit
    >>> from skrbm.plotting import plot_gabor_summary
    >>> fit = gabor_fit(np.random.RandomState(0).standard_normal((5, 64)))
    >>> len(plot_gabor_summary(fit).axes)
    2
    """
    fit = fit_result["fit"] if isinstance(fit_result, dict) else fit_result
    fig = _figure(figsize=(8, 3.5), layout="constrained")
    scatter, histogram = fig.subplots(1, 2, width_ratios=[3, 2])
    degrees = _np.degrees(fit.orientation)
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
    r2 = fit.r2[_np.isfinite(fit.r2)]
    histogram.hist(r2, bins=_np.linspace(min(0.0, r2.min(initial=0.0)), 1, 21))
    histogram.axvline(0.8, color="k", linestyle="--", linewidth=1)
    histogram.set_xlabel("R$^2$ of the Gabor fit")
    histogram.set_ylabel("filters")
    fig.suptitle(title or f"{fit.fraction:.0%} of the filters are Gabor-like")
    return fig
