"""Natural image patches for skrbm experiments.

The default photos are the two that ship with scikit-learn
(:func:`sklearn.datasets.load_sample_images`); any common image format can
be given instead. Decoding images needs Pillow (``pip install pillow``, or
the ``plot`` extra: ``pip install ".[plot]"`` from a clone of skrbm).
"""

from pathlib import Path as _Path

import numpy as _np
from sklearn.feature_extraction.image import extract_patches_2d as _extract_patches_2d
from sklearn.utils import check_random_state as _check_random_state

__all__ = ["load_images", "load_natural_patches"]

_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"}

# ITU-R BT.601 luma weights.
_LUMA = _np.array([0.299, 0.587, 0.114])


def _to_grey(image):
    """Convert an RGB(A) or grey image to a float grey image in [0, 1].

    Parameters
    ----------
    image : ndarray of shape (height, width) or (height, width, channels)
        Image with integer values in [0, 255] or floats in [0, 1].

    Returns
    -------
    grey : ndarray of shape (height, width)
        Luminance, float64.
    """
    image = _np.asarray(image)
    scale = 255.0 if _np.issubdtype(image.dtype, _np.integer) else 1.0
    image = image.astype(_np.float64) / scale
    if image.ndim == 3:
        image = image[..., :3] @ _LUMA[: image.shape[2]] / _LUMA[: image.shape[2]].sum()
    return image


def _expand_paths(paths):
    files = []
    for path in map(_Path, paths):
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES
            )
            if not found:
                raise ValueError(f"No image files found in folder '{path}'.")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"No such image file or folder: '{path}'.")
    return files


def _require_pillow():
    try:
        from PIL import Image
    except ImportError as exc:
        raise ImportError(
            "Reading images requires Pillow: pip install pillow (or, from a clone "
            "of skrbm, pip install '.[plot]')."
        ) from exc
    return Image


def load_images(paths=None):
    """Load grey images from files or folders, or scikit-learn's sample photos.

    Parameters
    ----------
    paths : list of str or Path, optional
        Image files or folders of images. By default, the photos returned
        by :func:`sklearn.datasets.load_sample_images`.

    Returns
    -------
    images : list of ndarray of shape (height, width)
        Grey images with values in [0, 1].

    Raises
    ------
    FileNotFoundError
        If a path does not exist.
    ValueError
        If a file cannot be decoded as an image, or a folder holds none.
    """
    if paths is None:
        from sklearn.datasets import load_sample_images

        _require_pillow()
        return [_to_grey(image) for image in load_sample_images().images]
    Image = _require_pillow()
    images = []
    for path in _expand_paths(paths):
        try:
            with Image.open(path) as handle:
                images.append(_to_grey(_np.asarray(handle.convert("RGB"))))
        except OSError as exc:
            raise ValueError(f"Cannot read '{path}' as an image: {exc}") from exc
    return images


def load_natural_patches(
    n_patches=5000, *, patch_size=8, images=None, standardize=True, random_state=0
):
    """Random grey patches cut from natural photos.

    Patches are drawn with
    :func:`sklearn.feature_extraction.image.extract_patches_2d`, in equal
    shares from each image, then shuffled.

    Parameters
    ----------
    n_patches : int, default=5000
        Number of patches.
    patch_size : int, default=8
        Side of the square patches; each patch is flattened to
        ``patch_size ** 2`` features, row by row.
    images : list of str or Path, optional
        Files or folders of photos (any format Pillow reads). By default the
        photos that ship with scikit-learn.
    standardize : bool, default=True
        Scale each feature (pixel position) to mean 0 and standard deviation
        1 over the returned patches. To standardize with statistics of a
        training split only, pass False and use
        :class:`~sklearn.preprocessing.StandardScaler`.
    random_state : int, RandomState instance or None, default=0
        Controls which patches are drawn.

    Returns
    -------
    X : ndarray of shape (n_patches, patch_size ** 2)
        Patches, float64.

    Examples
    --------
    >>> from skrbm.datasets import load_natural_patches
    >>> X = load_natural_patches(100, patch_size=8)
    >>> X.shape
    (100, 64)
    >>> bool(abs(X.mean()) < 1e-8)
    True
    """
    if n_patches < 1 or patch_size < 1:
        raise ValueError(
            f"n_patches and patch_size must be positive; got n_patches={n_patches}, "
            f"patch_size={patch_size}."
        )
    rng = _check_random_state(random_state)
    grey = load_images(images)
    for image in grey:
        if min(image.shape) < patch_size:
            raise ValueError(
                f"patch_size={patch_size} is larger than an image of shape "
                f"{image.shape}."
            )
    shares = _np.diff(_np.linspace(0, n_patches, len(grey) + 1).round().astype(int))
    for image, k in zip(grey, shares, strict=True):
        available = (image.shape[0] - patch_size + 1) * (
            image.shape[1] - patch_size + 1
        )
        if k > available:
            raise ValueError(
                f"An image of shape {image.shape} holds only {available} distinct "
                f"{patch_size}x{patch_size} patches but {k} are drawn from it "
                f"(n_patches={n_patches} over {len(grey)} images): use more or "
                "larger images, or fewer patches."
            )
    patches = [
        _extract_patches_2d(
            image, (patch_size, patch_size), max_patches=int(k), random_state=rng
        )
        for image, k in zip(grey, shares, strict=True)
        if k > 0
    ]
    X = _np.concatenate(patches).reshape(n_patches, -1)
    X = X[rng.permutation(n_patches)]
    if standardize:
        std = X.std(axis=0)
        X = (X - X.mean(axis=0)) / _np.where(std > 0, std, 1.0)
    return X
