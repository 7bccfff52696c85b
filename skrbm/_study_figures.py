"""The study's pictures, written as PNG files."""

import math

import numpy as np

from ._filters import patch_shape_of
from .plotting import (
    _figure,
    _grey_with_background,
    plot_loss_curves,
    plot_reconstructions,
    tile_filters,
)

BACKGROUND = np.array([0.23, 0.36, 0.5])


def filter_image(components, patch_shape=None, scale=8):
    """RGB image of a filter grid with an exact pixel layout.

    Each filter pixel becomes a ``scale x scale`` block; tiles are scaled
    symmetrically about zero (black -1, mid grey 0, white +1) and separated
    by one filter pixel of a blue-grey background.

    Parameters
    ----------
    components : estimator or array-like of shape (n_components, n_pixels)
    patch_shape : tuple of int, optional
    scale : int, default=8

    Returns
    -------
    image : ndarray of shape (height, width, 3), floats in [0, 1]
    """
    mosaic = tile_filters(components, patch_shape)
    grey = (mosaic + 1.0) / 2.0
    rgb = np.repeat(grey[..., None], 3, axis=2)
    rgb[np.isnan(mosaic)] = BACKGROUND
    return np.kron(rgb, np.ones((scale, scale, 1)))


def save_image(path, image):
    """Save an RGB float image as PNG (matplotlib's writer)."""
    from matplotlib.image import imsave

    imsave(path, np.clip(image, 0.0, 1.0))


def tile_patches(patches, patch_shape=None):
    """Patches as a square grid of tiles, unscaled, NaN between tiles.

    Unlike :func:`~skrbm.plotting.tile_filters`, which scales each tile by
    its own peak, this keeps the values, so that tiles compare with one
    another.

    Parameters
    ----------
    patches : ndarray of shape (n_patches, n_pixels)
        The first ``n_cols ** 2`` are drawn, ``n_cols = isqrt(n_patches)``.
    patch_shape : tuple of int, optional

    Returns
    -------
    mosaic : ndarray of shape (n_cols * (h + 1) - 1, n_cols * (w + 1) - 1)
    """
    h, w = patch_shape_of(patches.shape[1], patch_shape)
    n_cols = math.isqrt(patches.shape[0])
    patches = patches[: n_cols**2]
    grid = np.full((n_cols, h + 1, n_cols, w + 1), np.nan)
    grid[:, :h, :, :w] = patches.reshape(n_cols, n_cols, h, w).transpose(0, 2, 1, 3)
    return grid.reshape(n_cols * (h + 1), n_cols * (w + 1))[:-1, :-1]


def samples_figure(X_val, samples, sample_steps):
    """Validation patches beside samples of each RBM, on one grey scale.

    Grey is symmetric about zero (mid grey is exactly 0, black and white
    the largest absolute value of the validation patches shown), the same
    for every panel so that contrast compares; samples beyond it are
    clipped.

    Parameters
    ----------
    X_val : ndarray of shape (n_samples, n_pixels)
        Validation patches, standardized.
    samples : dict of str to ndarray of shape (n_tiles, n_pixels)
        Penalty name to samples of its RBM. The picture shows the largest
        square number of patches that every panel has.
    sample_steps : int
        Gibbs steps behind the samples, for the title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    n_tiles = min(len(X_val), *(len(s) for s in samples.values()))
    n_tiles = math.isqrt(n_tiles) ** 2
    panels = {"validation patches": np.asarray(X_val[:n_tiles])}
    panels.update({f"{name} RBM": s[:n_tiles] for name, s in samples.items()})
    limit = float(np.abs(panels["validation patches"]).max())
    fig = _figure(figsize=(2.6 * len(panels), 3.2), layout="constrained")
    cmap = _grey_with_background()
    for ax, (label, patches) in zip(
        fig.subplots(1, len(panels)), panels.items(), strict=True
    ):
        ax.imshow(
            tile_patches(patches),
            cmap=cmap,
            vmin=-limit,
            vmax=limit,
            interpolation="nearest",
        )
        summary = f"mean {np.mean(patches):+.2f}, std {np.std(patches):.2f}"
        ax.set_title(f"{label}\n{summary}", fontsize="medium")
        ax.set_axis_off()
    fig.suptitle(
        f"RBM samples (with their unit Gaussian noise) after {sample_steps} "
        f"Gibbs steps from noise, one chain each\nOne grey scale for all: "
        f"black -{limit:.2f}, mid grey 0, white +{limit:.2f} (standardized "
        f"units, clipped)",
        fontsize="medium",
    )
    return fig


def save_figure(fig, path, dpi):
    """Write ``fig`` to ``path`` and close it (pyplot keeps it otherwise)."""
    from matplotlib import pyplot as plt

    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def write_figures(result, out):
    """Filter grids, loss curves, reconstructions and samples of a study."""
    paths = []
    for name, (rbm, refiner) in result["models"].items():
        if rbm is None:
            continue
        for suffix, model in (("", rbm), ("_refined", refiner)):
            path = out / f"filters_{name}{suffix}.png"
            save_image(path, filter_image(model.components_))
            paths.append(path)
    fig = _figure(figsize=(11, 4), layout="constrained")
    rbm_ax, refine_ax = fig.subplots(1, 2)
    rbms = {n: m[0] for n, m in result["models"].items() if m[0] is not None}
    refined = {n: m[1] for n, m in result["models"].items()}
    plot_loss_curves(rbms, title="RBM (CD-1, sampled hiddens)", ax=rbm_ax)
    plot_loss_curves(refined, title="autoencoder refinement", ax=refine_ax)
    paths.append(out / "loss_curves.png")
    save_figure(fig, paths[-1], dpi=100)
    reconstructions = {}
    for name, (rbm, refiner) in result["models"].items():
        if rbm is not None:
            reconstructions[f"{name} RBM"] = rbm
        reconstructions[f"{name} refined"] = refiner
    fig = plot_reconstructions(result["X_val"], reconstructions)
    paths.append(out / "reconstructions.png")
    save_figure(fig, paths[-1], dpi=80)
    fig = samples_figure(
        result["X_val"], result["samples"], result["config"].sample_steps
    )
    paths.append(out / "samples.png")
    save_figure(fig, paths[-1], dpi=100)
    return paths
