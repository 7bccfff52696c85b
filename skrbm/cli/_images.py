"""PNG files the commands write: filter grids and figures."""

import numpy as np

from ..plotting import tile_filters

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


def new_figure(**kwargs):
    """A figure pyplot manages (``plt.figure(**kwargs)``)."""
    from matplotlib import pyplot as plt

    return plt.figure(**kwargs)


def save_figure(fig, path, dpi):
    """Write ``fig`` to ``path`` and close it (pyplot keeps it otherwise)."""
    from matplotlib import pyplot as plt

    fig.savefig(path, dpi=dpi)
    plt.close(fig)
