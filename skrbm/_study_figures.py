"""The study's pictures, written as PNG files."""

import numpy as np

from .plotting import _figure, plot_loss_curves, plot_reconstructions, tile_filters

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


def write_figures(result, out):
    """Filter grids, loss curves and reconstructions of a study result."""
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
    fig.savefig(paths[-1], dpi=100)
    reconstructions = {}
    for name, (rbm, refiner) in result["models"].items():
        if rbm is not None:
            reconstructions[f"{name} RBM"] = rbm
        reconstructions[f"{name} refined"] = refiner
    fig = plot_reconstructions(result["X_val"], reconstructions)
    paths.append(out / "reconstructions.png")
    fig.savefig(paths[-1], dpi=80)
    return paths
