"""Reading weight matrices as square (or given) image filters."""

import numpy as np


def as_weights(components):
    """The weight matrix of an estimator, or an array, as 2-D float64.

    Parameters
    ----------
    components : estimator or array-like of shape (n_components, n_pixels)
        A fitted estimator with ``components_``, or its weight matrix.

    Returns
    -------
    W : ndarray of shape (n_components, n_pixels)
    """
    W = np.asarray(getattr(components, "components_", components), dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(
            f"components must be an estimator with components_ or a 2-D array; "
            f"got shape {W.shape}."
        )
    return W


def patch_shape_of(n_pixels, patch_shape=None):
    """``patch_shape`` checked against ``n_pixels``; square by default.

    Parameters
    ----------
    n_pixels : int
    patch_shape : tuple of int, optional

    Returns
    -------
    shape : tuple of int
        ``(height, width)``.
    """
    if patch_shape is None:
        side = round(np.sqrt(n_pixels))
        if side * side != n_pixels:
            raise ValueError(
                f"{n_pixels} features are not a square patch; pass patch_shape."
            )
        return side, side
    if patch_shape[0] * patch_shape[1] != n_pixels:
        raise ValueError(
            f"patch_shape={tuple(patch_shape)} does not match {n_pixels} features."
        )
    return tuple(patch_shape)


def as_filters(components, patch_shape=None):
    """Weights as a stack of 2-D filters, shape ``(n_components, h, w)``."""
    W = as_weights(components)
    return W.reshape(-1, *patch_shape_of(W.shape[1], patch_shape))
