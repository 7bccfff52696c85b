"""Out-of-core training: ``partial_fit`` over row chunks of a large array.

Anything that has a ``shape`` and slices by rows works as the source: a
NumPy array, a :class:`numpy.memmap` from ``np.load(path, mmap_mode="r")``,
a dask array, an ``h5py`` or ``zarr`` dataset. Only one chunk is held in
memory at a time.
"""

import math
import mmap
import warnings
from typing import NamedTuple

import numpy as np


def n_chunks(n_samples, chunk_size):
    """Number of chunks of at most ``chunk_size`` rows in ``n_samples`` rows."""
    return math.ceil(n_samples / chunk_size)


def iter_chunks(X, chunk_size):
    """Successive row blocks of ``X`` as NumPy arrays.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        Any array that supports ``X.shape`` and row slicing ``X[start:stop]``.
        A memmap of a whole ``.npy`` file yields read-only memory maps of
        each chunk's rows (nothing is copied, and a chunk's pages leave the
        resident set once it is dropped); a dask array computes one chunk at
        a time.
    chunk_size : int
        Rows per chunk; the last chunk holds the remainder.

    Yields
    ------
    chunk : ndarray of shape (min(chunk_size, rows left), ...)
        The values of ``X[start:start + chunk_size]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import iter_chunks
    >>> [chunk.shape for chunk in iter_chunks(np.zeros((5, 2)), 2)]
    [(2, 2), (2, 2), (1, 2)]
    """
    _check_positive("chunk_size", chunk_size)
    rows = _file_rows(X) or _sliced_rows(X)
    for start in range(0, X.shape[0], chunk_size):
        yield np.asarray(rows(start, min(start + chunk_size, X.shape[0])))


def _sliced_rows(X):
    return lambda start, stop: X[start:stop]


def _file_rows(X):
    """Map rows of a file-backed memmap one chunk at a time, or None.

    Pages of a memory-mapped file that have been read stay in the process's
    resident set for as long as the mapping is open, so slicing one mapping
    of the whole file would grow the RSS to the file's size. Mapping each
    chunk on its own releases its pages when the chunk is dropped. Applies
    to a memmap of a whole file (not a view of one), C-ordered, whose
    mapping is shared (not copy-on-write), so the file holds its values.
    """
    if not (
        isinstance(X, np.memmap)
        and isinstance(X.base, mmap.mmap)
        and X.filename is not None
        and X.flags.c_contiguous
        and X.mode != "c"
    ):
        return None
    row_bytes = X.itemsize * math.prod(X.shape[1:])

    def rows(start, stop):
        return np.memmap(
            X.filename,
            dtype=X.dtype,
            mode="r",
            offset=X.offset + start * row_bytes,
            shape=(stop - start, *X.shape[1:]),
        )

    return rows


class ChunkProgress(NamedTuple):
    """How far :func:`partial_fit_chunks` has come, after one chunk.

    The record its ``callback`` receives after every ``partial_fit`` call.
    Epochs and chunks count from 1, so ``chunk == n_chunks`` marks the end
    of a pass and ``epoch == n_epochs`` the last pass.

    Parameters
    ----------
    epoch : int
        The pass over the data under way, from 1 to ``n_epochs``.
    n_epochs : int
        Passes in all.
    chunk : int
        Chunks trained on so far in this pass, from 1 to ``n_chunks``.
    n_chunks : int
        Chunks per pass.
    loss : float
        The estimator's latest ``loss_curve_`` entry: for a
        :class:`~skrbm.GaussianRBM`, the reconstruction error of its epoch
        over this chunk. NaN for an estimator without a ``loss_curve_``,
        such as :class:`~sklearn.preprocessing.StandardScaler`.
    """

    epoch: int
    n_epochs: int
    chunk: int
    n_chunks: int
    loss: float


def partial_fit_chunks(
    estimator,
    X,
    *,
    chunk_size=100_000,
    n_epochs=1,
    transform=None,
    callback=None,
    progress=None,
):
    """Train ``estimator`` by ``partial_fit`` on successive row chunks of ``X``.

    Each epoch visits the chunks in order, from the first row to the last,
    and calls ``estimator.partial_fit(chunk)`` once per chunk. For a
    :class:`~skrbm.GaussianRBM` that is one pass over the chunk's rows in
    minibatches of ``batch_size``, shuffled within the chunk; the first call
    initialises the model (``intercept_visible_`` is the first chunk's
    mean). The result equals, bit for bit, the same ``partial_fit`` calls on
    the same chunks held in memory.

    Parameters
    ----------
    estimator : estimator with ``partial_fit``
        Trained in place; any scikit-learn incremental estimator works, e.g.
        :class:`~sklearn.preprocessing.StandardScaler` for a streaming pass
        that learns the standardization.
    X : array-like of shape (n_samples, n_features)
        Any array supporting ``X.shape`` and row slicing (see
        :func:`iter_chunks`), e.g. ``np.load("data.npy", mmap_mode="r")`` or
        a dask array.
    chunk_size : int, default=100_000
        Rows per ``partial_fit`` call. Peak memory grows with it; chunks much
        larger than ``batch_size`` keep the in-chunk shuffling effective. If
        the rows are stored in a meaningful order (sorted, grouped by
        source), shuffle the file once beforehand.
    n_epochs : int, default=1
        Passes over ``X``.
    transform : callable, optional
        Applied to each chunk before ``partial_fit``, e.g. the ``transform``
        of a :class:`~sklearn.preprocessing.StandardScaler` fitted in a
        first streaming pass.
    callback : callable, optional
        Called as ``callback(info)`` after every ``partial_fit`` call, so
        ``n_chunks * n_epochs`` times in all, with a :class:`ChunkProgress`
        ``info`` (epoch, chunk, their totals and the latest loss), e.g. to
        show progress or to log the loss. Its return value is ignored.
    progress : object, optional
        An object with ``start(label, total, unit)``, ``advance(loss)``
        and ``finish()`` methods, called at the start of each pass, after
        each chunk and at the end of each pass.

        .. deprecated:: 0.2
           ``progress`` is deprecated in 0.2 and will be removed in 0.4;
           use ``callback``.

    Returns
    -------
    estimator : estimator
        The trained estimator.

    See Also
    --------
    iter_chunks : The chunks this function feeds to ``partial_fit``.
    ChunkProgress : What ``callback`` receives.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import GaussianRBM
    >>> from skrbm import GaussianRBM, partial_fit_chunks
    >>> X = np.random.RandomState(0).standard_normal((1000, 16))
    >>> rbm = GaussianRBM(n_components=8, random_state=0)
    >>> rbm = partial_fit_chunks(rbm, X, chunk_size=250, n_epochs=2)
    >>> rbm.n_iter_  # one partial_fit epoch per chunk
    8

    A callback sees every chunk; this one reports the end of each pass:

    >>> def report(info):
    ...     if info.chunk == info.n_chunks:
    ...         print(f"pass {info.epoch}/{info.n_epochs} done")
    >>> rbm = partial_fit_chunks(rbm, X, chunk_size=250, n_epochs=2, callback=report)
    pass 1/2 done
    pass 2/2 done
    """
    _check_positive("chunk_size", chunk_size)
    _check_positive("n_epochs", n_epochs)
    if progress is not None:
        warnings.warn(
            "The progress parameter of partial_fit_chunks is deprecated in 0.2 "
            "and will be removed in 0.4; pass callback instead.",
            FutureWarning,
            stacklevel=2,
        )
    total = n_chunks(X.shape[0], chunk_size)
    for epoch in range(1, n_epochs + 1):
        if progress is not None:
            progress.start(f"pass {epoch}/{n_epochs} over the data", total, "chunk")
        for index, chunk in enumerate(iter_chunks(X, chunk_size), start=1):
            estimator.partial_fit(chunk if transform is None else transform(chunk))
            loss = _latest_loss(estimator)
            if callback is not None:
                callback(ChunkProgress(epoch, n_epochs, index, total, loss))
            if progress is not None:
                progress.advance(loss)
        if progress is not None:
            progress.finish()
    return estimator


def _check_positive(name, value):
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}.")


def _latest_loss(estimator):
    curve = getattr(estimator, "loss_curve_", None)
    return curve[-1] if curve else float("nan")
