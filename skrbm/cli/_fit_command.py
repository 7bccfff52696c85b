"""``skrbm fit``: train a pipeline on an array streamed from disk.

The ``.npy`` file is memory-mapped read-only and visited in chunks of
``--chunk-size`` rows, so files much larger than memory can be used. With
standardization (the default), a first streaming pass learns the feature
means and scales with ``StandardScaler.partial_fit``; every training pass
then standardizes one chunk at a time and calls ``GaussianRBM.partial_fit``
on it.
"""

import argparse
import math
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .. import GaussianRBM, partial_fit_chunks
from ._argtypes import (
    PENALTIES,
    add_run_options,
    add_subcommand,
    non_negative_float,
    positive_float,
    positive_int,
)

FIT_HELP = """\
Train a Gaussian-Bernoulli RBM on a 2-D array stored in a .npy file (one
sample per row), reading it in chunks so that it never has to fit in
memory, and save a fitted scikit-learn pipeline (StandardScaler then
GaussianRBM) with joblib. Load it with joblib.load(path) and call
transform(X) on new data. When the number of features is a square (e.g. 64
for 8x8 image patches), a picture of the learned filters is written next
to the model as <out stem>_filters.png. Rows are visited in file order and
shuffled within each chunk: shuffle a file whose rows are sorted or grouped
before training on it.
"""

NPY_MAGIC = b"\x93NUMPY"


def add_fit_parser(subparsers):
    """The ``fit`` subcommand and its options."""
    p = add_subcommand(
        subparsers,
        "fit",
        "train a GaussianRBM on a .npy file, streamed in chunks",
        FIT_HELP,
        run_fit_command,
    )
    p.add_argument("data", metavar="DATA.npy", help="2-D array, one sample per row")
    p.add_argument(
        "--n-components", type=positive_int, default=100, help="number of hidden units"
    )
    p.add_argument(
        "--epochs", type=positive_int, default=10, help="passes over the file"
    )
    p.add_argument(
        "--chunk-size",
        type=positive_int,
        default=100_000,
        help="rows read and given to partial_fit at a time (bounds memory)",
    )
    p.add_argument(
        "--batch-size", type=positive_int, default=100, help="minibatch size"
    )
    p.add_argument(
        "--learning-rate", type=positive_float, default=0.01, help="step size"
    )
    p.add_argument(
        "--penalty",
        choices=list(PENALTIES),
        default="l2",
        help="weight decay on the filters",
    )
    p.add_argument(
        "--alpha", type=non_negative_float, default=1e-4, help="weight-decay strength"
    )
    p.add_argument(
        "--standardize",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="standardize each feature (mean and scale learned in a first "
        "streaming pass); turn off for data that is standardized already",
    )
    add_run_options(p, None, "where to save the fitted pipeline (a .joblib file)")
    return p


def open_array(path):
    """Memory-map a ``.npy`` file read-only and check it holds numeric rows.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    X : numpy.memmap of shape (n_samples, n_features)

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not a ``.npy`` file, or does not hold a non-empty 2-D
        array of integers or floats.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such data file: '{path}'.")
    with path.open("rb") as handle:
        if handle.read(len(NPY_MAGIC)) != NPY_MAGIC:
            raise ValueError(
                f"'{path}' is not a .npy file (no NumPy header). Convert a "
                "text table first, for example a CSV file with numpy: "
                "np.save('data.npy', np.loadtxt('data.csv', delimiter=','))."
            )
    try:
        X = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"Cannot read '{path}' as a .npy array: {exc}") from exc
    return check_samples(X, path)


def check_samples(X, name):
    """``X`` if it is a non-empty 2-D array of integers or floats."""
    if X.ndim != 2:
        raise ValueError(
            f"'{name}' holds an array of shape {X.shape}; expected a 2-D array "
            "(n_samples, n_features)."
        )
    if not (np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating)):
        raise ValueError(
            f"'{name}' holds {X.dtype} values; expected integers or floats."
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"'{name}' holds an empty array of shape {X.shape}.")
    return X


def finite_rows(n_rows):
    """A chunk transform that passes finite chunks and names the first bad value.

    Chunks are visited in file order, pass after pass, so a count of the
    rows seen (modulo ``n_rows``) gives each chunk's first row.

    Parameters
    ----------
    n_rows : int
        Rows in the file.

    Returns
    -------
    check : callable
        ``check(chunk) -> chunk``; raises a one-line ValueError naming the
        row and column of the first NaN or infinite value.
    """
    seen = 0

    def check(chunk):
        nonlocal seen
        start = seen % n_rows
        seen += chunk.shape[0]
        bad = ~np.isfinite(chunk)
        if bad.any():
            row, column = np.argwhere(bad)[0]
            raise ValueError(
                f"the data contains a NaN or infinite value at row {start + row}, "
                f"column {column} (counting from 0); remove or impute such "
                "values first."
            )
        return chunk

    return check


def make_rbm(args):
    """The GaussianRBM the options describe."""
    return GaussianRBM(
        n_components=args.n_components,
        learning_rate=args.learning_rate,
        batch_size=args.batch_size,
        penalty=PENALTIES[args.penalty],
        alpha=args.alpha,
        random_state=args.seed,
    )


def fit_streamed(X, rbm, *, chunk_size, n_epochs, standardize=True, progress=None):
    """Standardize (optionally) and train ``rbm`` by streaming over ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Any array supporting row slicing, e.g. a read-only memmap.
    rbm : GaussianRBM
        Unfitted; trained in place by ``partial_fit`` on each chunk.
    chunk_size : int
        Rows per chunk.
    n_epochs : int
        Training passes over ``X``.
    standardize : bool, default=True
        Learn a :class:`~sklearn.preprocessing.StandardScaler` in a first
        pass and standardize each chunk before training.
    progress : Progress, optional
        One stage per training pass.

    Returns
    -------
    pipeline : Pipeline
        ``[("standardscaler", scaler), ("gaussianrbm", rbm)]``, or only the
        RBM step when ``standardize`` is False; fitted.

    Raises
    ------
    ValueError
        On NaN or infinite values: found in the standardizing pass, or
        without standardization as training reaches them.
    """
    steps = []
    transform = finite_rows(X.shape[0])
    if standardize:
        scaler = partial_fit_chunks(
            StandardScaler(), X, chunk_size=chunk_size, transform=transform
        )
        steps.append(("standardscaler", scaler))
        transform = scaler.transform
    callback = None
    if progress is not None:
        callback = progress.passes(n_epochs, n_chunks(X.shape[0], chunk_size))
    partial_fit_chunks(
        rbm,
        X,
        chunk_size=chunk_size,
        n_epochs=n_epochs,
        transform=transform,
        callback=callback,
    )
    steps.append(("gaussianrbm", rbm))
    return Pipeline(steps)


def n_chunks(n_rows, chunk_size):
    """Chunks of at most ``chunk_size`` rows in ``n_rows`` rows."""
    return math.ceil(n_rows / chunk_size)


def filters_path(out):
    """``<out stem>_filters.png`` next to the model file."""
    out = Path(out)
    return out.with_name(f"{out.stem}_filters.png")


def write_filters(rbm, path):
    """Save the filter grid if the features form a square patch.

    Returns
    -------
    note : str
        What was written, or why nothing was.
    """
    n_features = rbm.components_.shape[1]
    side = math.isqrt(n_features)
    if side * side != n_features:
        return (
            f"{n_features} features do not form a square patch; "
            "no filter picture written"
        )
    try:
        from ._images import filter_image, save_image

        save_image(path, filter_image(rbm.components_, (side, side)))
    except ImportError:
        return "matplotlib is not installed; no filter picture written"
    return f"Wrote {path}"


def run_fit_command(args, argv):
    """Train on the file, save the pipeline and the filter picture; exit code."""
    import joblib

    from ._progress import Progress

    X = open_array(args.data)
    pipeline = fit_streamed(
        X,
        make_rbm(args),
        chunk_size=args.chunk_size,
        n_epochs=args.epochs,
        standardize=args.standardize,
        progress=Progress(enabled=not args.quiet),
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, out)
    note = write_filters(pipeline[-1], filters_path(out))
    if not args.quiet:
        rbm = pipeline[-1]
        print(
            f"Trained on {X.shape[0]} x {X.shape[1]} {X.dtype} samples; "
            f"passes: {args.epochs}, chunks per pass: "
            f"{n_chunks(X.shape[0], args.chunk_size)}; "
            f"last chunk's reconstruction MSE {rbm.loss_curve_[-1]:.4g}"
        )
        print(f"Wrote {out}")
        print(note)
    return 0
