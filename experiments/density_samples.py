"""Samples of the density recipe's GaussianRBM beside natural patches and ICA.

The patches and whitening of ``experiments/density_protocol.py`` (8x8
patches, ``log(x + 0.01)``, DC removed, PCA-whitened into 63 dimensions on
50,000 training patches of the tuning photos). The script fits FastICA
(:class:`density_protocol.ICADensity`) and a GaussianRBM with
:func:`skrbm.density.density_recipe` on the whitened training patches,
draws Gibbs samples from the GaussianRBM and asks *how* they differ from
the data: whether the model misses the sharp peak or the heavy tails of
the ICA marginals, and whether it misses the spread of contrast between
patches.

**Sets** (rows of the table), 10,000 whitened patches each unless said:

* ``train``: training patches (a random 10,000 of the 50,000 fitted on);
* ``same photos``: the held-out blocks of the training photos;
* ``evaluation``: the evaluation photos, never used for tuning;
* ``GRBM states``: visible states ``v ~ p(v | h)`` that
  :meth:`skrbm.GaussianRBM.sample` returns after ``--n-steps`` Gibbs steps,
  one chain per sample, each chain started at a random training patch
  (``--init data``, the default) or at the model's noise
  (``--init noise``);
* ``GRBM means``: for each of those samples, one more hidden state
  ``h ~ p(h | v)`` and the mean of ``p(v | h)``,
  ``intercept_visible_ + sqrt(visible_variance_) * (h @ components_)``:
  the samples without the visible noise;
* ``Gaussian``: ``N(0, I)``, the Gaussian fitted to the whitened training
  patches.

**Columns.** ICA responses are ``s = Z @ W.T``, ``W`` the unmixing matrix
(63 filters); as ``W`` is orthogonal and the training patches white, each
response has unit variance on ``train``, and the thresholds below are in
that unit (each response is divided by its standard deviation on
``train``). Each column is the median over the 63 components of:

``kurt``
    the excess kurtosis (:func:`scipy.stats.kurtosis`) of the response
    (0 for a Gaussian, 3 for a Laplace);
``peak``
    the fraction of patches with ``|s| < 0.1`` (0.080 for a unit Gaussian,
    0.132 for a unit-variance Laplace): the mass of the sharp peak;
``tail``
    the fraction with ``|s| > 3`` (0.0027 for a unit Gaussian, 0.0144 for
    a unit-variance Laplace): the mass of the tails;

and, over whole patches,

``low contrast``
    the fraction of patches whose norm ``|z|`` is below the median norm of
    ``train`` (0.5 on ``train`` by construction): whitened patches differ
    widely in contrast, and a GaussianRBM gives every hidden state one and
    the same visible variance;
``norm q10, q90``
    the 10th and 90th percentiles of ``|z|`` (``sqrt(63) = 7.9`` is typical
    of the Gaussian);
``MMD``
    the squared maximum mean discrepancy (unbiased estimate) between
    ``--mmd-points`` patches of the set and as many *other* training
    patches, with a Gaussian kernel whose width is the median distance
    between training patches (the median heuristic): 0 in expectation when
    the two come from one distribution.

The figure ``--out`` shows 64 patches of each of held-out evaluation data,
GRBM states, GRBM means and Gaussian samples, mapped back to the log,
DC-removed pixels (:meth:`density_protocol.Whitening.basis_to_pixels`),
every tile on one grey scale. ``--marginals-out`` shows the log density
of the standardised ICA responses (histograms) of the data, the GRBM
states and means and the Gaussian, for one component (the one of median kurtosis on
``train``) and pooled over all 63.

Run from the repository root (scikit-image needed, the ``experiments``
extra) on a shared machine with::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python experiments/density_samples.py \\
        [--seed 0] [--n-components 64] [--init data|noise] [--no-figure]

About 45 s on one core with 64 hidden units, a minute with 256. Whether
the chains have mixed is up to the user: compare ``--init data`` with
``--init noise`` and a larger ``--n-steps`` (with fewer ``--n-samples``).
"""

import argparse
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from _figures import save_figure
from density_protocol import ICADensity, Whitening, patch_sets
from scipy.spatial.distance import cdist, pdist
from scipy.stats import kurtosis

from skrbm import GaussianRBM
from skrbm.density import density_recipe
from skrbm.plotting import plot_patches

STATIC = Path(__file__).resolve().parents[1] / "docs" / "_static"
N_SHOWN = 64
PEAK, TAIL = 0.1, 3.0


def gibbs_means(rbm, V, rng):
    """``h ~ p(h | v)`` for each row of ``V``, and the mean of ``p(v | h)``."""
    P = rbm.transform(V)
    H = (rng.random(P.shape) < P).astype(V.dtype)
    return rbm.intercept_visible_ + np.sqrt(rbm.visible_variance_) * (
        H @ rbm.components_
    )


def mmd2(X, Y, width):
    """Unbiased squared MMD between ``X`` and ``Y``, Gaussian kernel of ``width``."""

    def kernel(A, B):
        return np.exp(-cdist(A, B, "sqeuclidean") / (2 * width**2))

    n, m = len(X), len(Y)
    Kxx, Kyy, Kxy = kernel(X, X), kernel(Y, Y), kernel(X, Y)
    return (
        (Kxx.sum() - np.trace(Kxx)) / (n * (n - 1))
        + (Kyy.sum() - np.trace(Kyy)) / (m * (m - 1))
        - 2 * Kxy.mean()
    )


def measures(Z, unmixing, scale, median_norm, mmd_ref, width, n_mmd):
    S = Z @ unmixing.T / scale
    norms = np.linalg.norm(Z, axis=1)
    return {
        "kurt": float(np.median(kurtosis(S, axis=0))),
        "peak": float(np.median((np.abs(S) < PEAK).mean(axis=0))),
        "tail": float(np.median((np.abs(S) > TAIL).mean(axis=0))),
        "low contrast": float((norms < median_norm).mean()),
        "norm q10": float(np.quantile(norms, 0.1)),
        "norm q90": float(np.quantile(norms, 0.9)),
        "MMD": float(mmd2(Z[:n_mmd], mmd_ref, width)),
    }


def print_table(rows):
    keys = list(next(iter(rows.values())))
    print(f"{'set':14s}" + "".join(f"{k:>14s}" for k in keys))
    for name, m in rows.items():
        cells = []
        for k in keys:
            digits = {"kurt": 2, "norm q10": 2, "norm q90": 2}.get(k, 4)
            cells.append(f"{m[k]:14.{digits}f}")
        print(f"{name:14s}" + "".join(cells))


def patch_figure(path, panels, whitening, title):
    pixels = {name: whitening.basis_to_pixels(Z[:N_SHOWN]) for name, Z in panels}
    # one grey scale for all: the 99th percentile of |pixel| over the data panel
    vmax = float(np.quantile(np.abs(next(iter(pixels.values()))), 0.99))
    fig, axes = plt.subplots(1, len(pixels), figsize=(3.0 * len(pixels), 3.6))
    for ax, (name, P) in zip(axes, pixels.items(), strict=True):
        plot_patches(P, patch_shape=(8, 8), n_cols=8, vmax=vmax, ax=ax)
        ax.set_title(name, fontsize=9)
    fig.suptitle(
        f"{title}\nLog, DC-removed pixels; one grey scale in every panel "
        f"(black -{vmax:.2f}, white +{vmax:.2f}, clipped beyond)",
        fontsize=9,
    )
    fig.tight_layout()
    save_figure(fig, path)


def marginals_figure(path, sets, unmixing, scale, component, title):
    bins = np.linspace(-12, 12, 121)
    centres = (bins[:-1] + bins[1:]) / 2
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, pooled in zip(axes, (False, True), strict=True):
        for name, Z in sets.items():
            S = Z @ unmixing.T / scale
            s = S.ravel() if pooled else S[:, component]
            density, _ = np.histogram(s, bins=bins, density=True)
            # the share outside the bins is tiny; empty bins are left out
            density = np.where(density > 0, density, np.nan)
            style = "--" if name == "GRBM means" else "-"
            ax.semilogy(centres, density, style, label=name, lw=1.2)
        ax.set_xlabel("standardised ICA response")
        ax.set_ylabel("density (log scale)")
        ax.set_title(
            "all 63 components pooled"
            if pooled
            else f"component {component} (median kurtosis on train)",
            fontsize=9,
        )
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    save_figure(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seed", type=int, default=0, help="patch sets, ICA, GRBM, chains (default 0)"
    )
    parser.add_argument(
        "--n-components", type=int, default=64, help="hidden units (default 64)"
    )
    parser.add_argument("--n-samples", type=int, default=10000)
    parser.add_argument("--n-steps", type=int, default=1000, help="Gibbs steps")
    parser.add_argument(
        "--init",
        choices=("data", "noise"),
        default="data",
        help="chains start at random training patches (default) or at noise",
    )
    parser.add_argument("--mmd-points", type=int, default=2000)
    parser.add_argument(
        "--out", type=Path, default=STATIC / "density_samples.png", help="figure"
    )
    parser.add_argument(
        "--marginals-out",
        type=Path,
        default=STATIC / "density_marginals.png",
        help="figure of the ICA marginals",
    )
    parser.add_argument("--no-figure", action="store_true")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed + 100)
    start = time.perf_counter()

    raw = patch_sets(50000, 10000, args.seed)
    whitening = Whitening("pca").fit(raw["train"][0])
    sets = {key: whitening.transform(X) for key, (X, _) in raw.items()}
    Z_train = sets["train"]
    print(f"patches and whitening: {time.perf_counter() - start:.1f} s")

    tic = time.perf_counter()
    ica = ICADensity(args.seed).fit(Z_train)
    print(
        f"FastICA: {ica.ica_.n_iter_} iterations, {time.perf_counter() - tic:.1f} s"
        " (with the generalised-Gaussian fits)"
    )

    params = density_recipe(args.n_components)
    tic = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rbm = GaussianRBM(**params, random_state=args.seed).fit(
            Z_train.astype(np.float32)
        )
    fit_seconds = time.perf_counter() - tic
    for message in {str(w.message)[:160] for w in caught}:
        print(f"  warning: {message}")
    print(f"GaussianRBM: {params}")
    print(
        f"  fit {fit_seconds:.1f} s; mean visible variance "
        f"{rbm.visible_variance_.mean():.3f} (range {rbm.visible_variance_.min():.3f}"
        f"-{rbm.visible_variance_.max():.3f}); mean |w| "
        f"{np.linalg.norm(rbm.components_, axis=1).mean():.2f}"
    )

    order = rng.permutation(len(Z_train))
    init = "noise"
    if args.init == "data":
        init = Z_train[order[: args.n_samples]].astype(np.float32)
    tic = time.perf_counter()
    V = rbm.sample(
        args.n_samples, n_steps=args.n_steps, init=init, random_state=args.seed
    )
    sample_seconds = time.perf_counter() - tic
    M = gibbs_means(rbm, V, rng)
    print(
        f"sampling: {args.n_samples} chains from "
        f"{'random training patches' if args.init == 'data' else 'noise'}, "
        f"{args.n_steps} Gibbs steps each, one sample per chain: "
        f"{sample_seconds:.1f} s"
    )

    # the reference: training patches; the `train` row uses other ones
    train_rows = Z_train[order[args.n_samples : 2 * args.n_samples]]
    reference = Z_train[order[-args.mmd_points :]]
    rows_sets = {
        "train": train_rows,
        "same photos": sets["same photos"],
        "evaluation": sets["evaluation"],
        "GRBM states": V.astype(np.float64),
        "GRBM means": M.astype(np.float64),
        "Gaussian": rng.standard_normal((args.n_samples, Z_train.shape[1])),
    }
    scale = (Z_train @ ica.unmixing_.T).std(axis=0)
    median_norm = float(np.median(np.linalg.norm(Z_train, axis=1)))
    width = float(np.median(pdist(reference)))
    print(
        f"reference: the {len(Z_train)} training patches (response std "
        f"{scale.min():.4f}-{scale.max():.4f}, median norm {median_norm:.2f}); "
        f"MMD against {args.mmd_points} other training patches, kernel width "
        f"{width:.2f}\n"
    )
    rows = {
        name: measures(
            Z, ica.unmixing_, scale, median_norm, reference, width, args.mmd_points
        )
        for name, Z in rows_sets.items()
    }
    print_table(rows)
    print(
        f"\nseed {args.seed}, {args.n_components} hidden units: fit "
        f"{fit_seconds:.1f} s, sampling {sample_seconds:.1f} s; "
        f"total {time.perf_counter() - start:.0f} s"
    )

    if not args.no_figure:
        shuffled = rng.permutation(len(sets["evaluation"]))
        title = (
            f"GaussianRBM, density_recipe({args.n_components}), seed {args.seed}: "
            f"states after {args.n_steps} Gibbs steps from "
            f"{'training patches' if args.init == 'data' else 'noise'}"
        )
        patch_figure(
            args.out,
            [
                ("held-out data (evaluation)", sets["evaluation"][shuffled]),
                ("GRBM samples (states)", V),
                ("GRBM means of p(v | h)", M),
                ("Gaussian N(0, I)", rows_sets["Gaussian"]),
            ],
            whitening,
            title,
        )
        kurt = kurtosis(Z_train @ ica.unmixing_.T, axis=0)
        component = int(np.argsort(kurt)[len(kurt) // 2])
        marginals_figure(
            args.marginals_out,
            {
                name: rows_sets[name]
                for name in (
                    "train",
                    "evaluation",
                    "GRBM states",
                    "GRBM means",
                    "Gaussian",
                )
            },
            ica.unmixing_,
            scale,
            component,
            title,
        )


if __name__ == "__main__":
    main()
