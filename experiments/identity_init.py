"""Identity against normal initialisation of a GaussianRBM on the 8x8 digits.

Trains ``GaussianRBM(n_components=64)`` on scikit-learn's digits
(:func:`~sklearn.datasets.load_digits`, standardized with a
:class:`~sklearn.preprocessing.StandardScaler` fitted on the training
three quarters) from ``init="identity", init_scale=0.5`` and from the
default ``init="normal", init_scale=0.01``, with no weight decay and with
L1 decay (``alpha=0.01``), over seeds 0, 1 and 2. The other settings are
those of the weight-decay study: ``learning_rate=0.01``, ``momentum=0.9``,
``batch_size=100``, ``hidden_bias_init=0``, CD-1, here for
:data:`N_EPOCHS` epochs.

It prints, per setting and as the mean over the seeds:

- ``own``: the share of filter ``j``'s energy (squared weights) on pixel
  ``j``, the pixel identity initialisation starts it on (1.0 at the start
  of an identity run; about 1/64 for a filter with no link to pixel ``j``);
- ``peak``: the share of filters whose largest weight is on pixel ``j``;
- ``diag``: the mean of ``|W[j, j]|`` (0.5 at the start of an identity
  run);
- ``loc``: :func:`skrbm.metrics.localization`, from 0 (spread evenly) to
  1 (one pixel);
- ``blob``: pixels in the filter's main blob (see :func:`main_blob`);
- ``stroke``: the share of "stroke-like" filters (see :func:`is_stroke`);
- ``zeros``: :func:`skrbm.metrics.zero_fraction`, over all weights;
- ``uniq``: the number of distinct filters (equal to 6 decimals count
  once), 64 unless hidden units have become copies of each other;
- ``mse``: reconstruction MSE on the held-out quarter (minus ``score``).

For scale, it also prints the ``stroke`` share of the digit images
themselves, raw and standardized, and the held-out MSE of reconstructing
every digit as the mean training digit. It draws the filters of seed 0
side by side, normal initialisation left, identity right, no decay above,
L1 below, into ``identity_init_digits.png``.

Run from the repository root::

    python experiments/identity_init.py [--out DIR]

``--out`` is the figure's directory (default ``docs/_static``). It takes
under a minute on one core.
"""

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from _figures import save_figure
from scipy import ndimage
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm.metrics import localization, zero_fraction
from skrbm.plotting import plot_components

#: Epochs of every run (14 minibatches of 100 digits each).
N_EPOCHS = 1000
SEEDS = (0, 1, 2)
INITS = {
    "normal": {"init": "normal"},
    "identity": {"init": "identity", "init_scale": 0.5},
}
PENALTIES = {"none": {"penalty": None}, "l1": {"penalty": "l1", "alpha": 0.01}}
COMMON = {
    "n_components": 64,
    "learning_rate": 0.01,
    "momentum": 0.9,
    "batch_size": 100,
    "n_iter": N_EPOCHS,
}
COLUMNS = ("own", "peak", "diag", "loc", "blob", "stroke", "zeros", "uniq", "mse")


def load_data():
    """Standardized digits: training and held-out quarter, scaled on training.

    Returns
    -------
    X_train : ndarray of shape (1347, 64)
    X_test : ndarray of shape (450, 64)
    """
    X, y = load_digits(return_X_y=True)
    X_train, X_test = train_test_split(X, test_size=0.25, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def main_blob(w, shape=(8, 8)):
    """The connected region around a filter's largest weight.

    The pixels whose weight has the sign of the largest-magnitude weight
    and at least half its magnitude, then the 4-connected component of
    them that holds the peak.

    Parameters
    ----------
    w : ndarray of shape (n_pixels,)
        One filter.
    shape : tuple of int, default=(8, 8)

    Returns
    -------
    mask : ndarray of bool of shape ``shape``
        All False for an all-zero filter.
    """
    F = w.reshape(shape)
    peak = np.unravel_index(np.argmax(np.abs(F)), shape)
    top = F[peak]
    if top == 0:
        return np.zeros(shape, dtype=bool)
    labels, _ = ndimage.label(np.sign(top) * F >= 0.5 * abs(top))
    return labels == labels[peak]


def elongation(mask):
    """Length over width of a region: sqrt of its coordinate covariance's
    eigenvalue ratio, each pixel taken as a unit square (variance 1/12 added).

    A single pixel or a 2x2 square scores 1, a straight line of 3 pixels 3,
    an L of 3 pixels 1.5.

    Parameters
    ----------
    mask : ndarray of bool of shape (h, w)

    Returns
    -------
    ratio : float
    """
    coords = np.argwhere(mask).astype(float)
    cov = np.atleast_2d(np.cov(coords.T, bias=True)) if len(coords) > 1 else 0.0
    eig = np.linalg.eigvalsh(cov + np.eye(2) / 12.0)
    return float(np.sqrt(eig[-1] / eig[0]))


def is_stroke(w, shape=(8, 8)):
    """Whether a filter's main blob is a stroke: 3 pixels or more, and at
    least twice as long as it is wide (:func:`main_blob`, :func:`elongation`).

    Parameters
    ----------
    w : ndarray of shape (n_pixels,)
    shape : tuple of int, default=(8, 8)

    Returns
    -------
    stroke : bool
    """
    mask = main_blob(w, shape)
    return bool(mask.sum() >= 3 and elongation(mask) >= 2.0)


def measure(rbm, X_test):
    """The figures of one fitted RBM, keyed by :data:`COLUMNS`.

    Parameters
    ----------
    rbm : GaussianRBM
        Fitted, with as many hidden units as pixels.
    X_test : ndarray of shape (n_samples, 64)

    Returns
    -------
    row : dict of str to float
    """
    W = rbm.components_
    diag = np.arange(W.shape[0])
    energy = np.sum(W**2, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where(energy > 0, W[diag, diag] ** 2 / energy, np.nan)
    return {
        "own": float(np.nanmean(own)),
        "peak": float(np.mean(np.argmax(np.abs(W), axis=1) == diag)),
        "diag": float(np.mean(np.abs(W[diag, diag]))),
        "loc": float(np.nanmean(localization(W))),
        "blob": float(np.mean([main_blob(w).sum() for w in W])),
        "stroke": float(np.mean([is_stroke(w) for w in W])),
        "zeros": float(np.mean(zero_fraction(W))),
        "uniq": float(len(np.unique(W.round(6), axis=0))),
        "mse": -rbm.score(X_test),
    }


def run(out):
    """Train every setting, print the table and draw the figure.

    Parameters
    ----------
    out : pathlib.Path
        Directory of ``identity_init_digits.png``.

    Returns
    -------
    means : dict of (str, str) to dict
        ``(penalty, init)`` to the mean over :data:`SEEDS` of each column.
    """
    X_train, X_test = load_data()
    raw = load_digits().data
    print(
        f"stroke-like digit images: raw {np.mean([is_stroke(x) for x in raw]):.3f}, "
        f"standardized {np.mean([is_stroke(x) for x in X_train]):.3f}"
    )
    print(f"held-out MSE of the mean training digit: {np.mean(X_test**2):.3f}\n")
    tic = time.perf_counter()
    header = f"{'penalty':8} {'init':9} {'seed':>4} " + " ".join(
        f"{c:>7}" for c in COLUMNS
    )
    print(header)
    means, seed0 = {}, {}
    for pname, penalty in PENALTIES.items():
        for iname, init in INITS.items():
            rows = []
            for seed in SEEDS:
                rbm = GaussianRBM(**COMMON, **penalty, **init, random_state=seed)
                rbm.fit(X_train)
                rows.append(measure(rbm, X_test))
                if seed == 0:
                    seed0[pname, iname] = rbm
                print(
                    f"{pname:8} {iname:9} {seed:4d} "
                    + " ".join(f"{rows[-1][c]:7.3f}" for c in COLUMNS)
                )
            means[pname, iname] = {c: np.mean([r[c] for r in rows]) for c in COLUMNS}
    print(f"\nmean over seeds {SEEDS} ({time.perf_counter() - tic:.0f} s)")
    print(header.replace(" seed", "     "))
    for (pname, iname), row in means.items():
        print(
            f"{pname:8} {iname:9}      " + " ".join(f"{row[c]:7.3f}" for c in COLUMNS)
        )
    draw(seed0, out / "identity_init_digits.png")
    return means


def draw(models, path):
    """Filters of each model in a grid: penalty by row, initialisation by column.

    Parameters
    ----------
    models : dict of (str, str) to GaussianRBM
    path : pathlib.Path
    """
    fig, axes = plt.subplots(
        len(PENALTIES), len(INITS), figsize=(7, 7.4), layout="constrained"
    )
    titles = {
        "normal": 'init="normal" (scale 0.01)',
        "identity": 'init="identity", init_scale=0.5',
    }
    decay = {"none": "no decay", "l1": "L1, alpha=0.01"}
    for r, pname in enumerate(PENALTIES):
        for c, iname in enumerate(INITS):
            plot_components(
                models[pname, iname],
                n_cols=8,
                title=f"{titles[iname]}\n{decay[pname]}",
                ax=axes[r, c],
            )
    fig.suptitle(
        f"GaussianRBM filters on standardized digits, seed 0, {N_EPOCHS} epochs"
    )
    save_figure(fig, path, dpi=100)


def main(argv=None):
    """Command line: ``--out DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path("docs/_static"), help="figure directory"
    )
    run(parser.parse_args(argv).out)


if __name__ == "__main__":
    main()
