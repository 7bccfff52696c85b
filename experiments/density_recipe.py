"""Training a GaussianRBM that leaves the Gaussian: one change at a time.

The patches, whitening and baselines of ``experiments/density_protocol.py``
(8x8 patches, ``log(x + 0.01)``, DC removed, PCA-whitened into 63
dimensions; tuning photos ``china, flower, camera, coffee, brick``, with
``rocket, grass`` held aside and six evaluation photos never used for
tuning). Each variant starts from the recipe of Melchior, Wang and Wiskott
(2017) in skrbm's parameters and changes a few settings (the row
``density_recipe()`` is skrbm's preset, :func:`skrbm.density.density_recipe`,
with ``--n-components`` hidden units, 64 by default); every row is scored
with AIS (:func:`skrbm.metrics.log_partition`) at several epochs, so a run
shows where it leaves the Gaussian and whether it stays ahead.

Columns: nats per patch on each patch set and ``share``, the share of ICA's
(Laplace marginals) gain over the Gaussian, ``(model - gaussian) / (ica -
gaussian)``; ``bracket`` is the width of the AIS bracket of ``log Z`` (which
moves every set's nats by the same amount), ``|w|`` the mean norm of a
hidden unit's weights, ``var`` the mean learned visible variance.

Run from the repository root (scikit-image needed, the ``experiments``
extra) on a shared machine with::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python experiments/density_recipe.py \\
        [--variants NAME ...] [--seeds 0 1 2 3 4] [--epochs 10 30 60]

``--variants`` lists what to run (default: all, in the order below);
``--list`` prints them. Patch sets are cached in ``--cache`` (one file per
seed; the seed also seeds the GRBM and AIS).
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from density_protocol import ICADensity, Whitening, gaussian_log_density, patch_sets

from skrbm import GaussianRBM
from skrbm.density import density_recipe
from skrbm.metrics import log_likelihood, log_partition

SETS = ("train", "same photos", "held-aside", "evaluation")

#: The recipe of Melchior, Wang and Wiskott (2017) in skrbm's parameters:
#: learned variances, CD-1, batches of 100, learning rate 0.1 for the
#: weights and hidden biases, 0.01 for the variances, the visible bias fixed
#: at the data's mean (0), hidden biases giving each unit's component weight
#: 0.01, each unit's weight update capped at 0.01 max ||x||, no momentum,
#: decay or sparsity.
PYDEEP = {
    "n_components": 64,
    "learn_variance": True,
    "sampler": "cd",
    "batch_size": 100,
    "learning_rate": 0.1,
    "variance_rate": 0.1,
    "visible_bias_rate": 0.0,
    "hidden_bias_init": "component",
    "max_update_norm": "0.01 max|x|",
    "momentum": 0.0,
    "penalty": None,
}

#: One change (or two) at a time, from the recipe or from the row named.
VARIANTS = {
    "pydeep": {},
    "pydeep, lr 0.01": {"learning_rate": 0.01},
    "pydeep, PCD": {"sampler": "pcd"},
    "pydeep, PT": {"sampler": "pt"},
    "init 0.5, lr 0.01": {"init_scale": 0.5, "learning_rate": 0.01},
    "init 0.5, lr 0.01, PCD": {
        "init_scale": 0.5,
        "learning_rate": 0.01,
        "sampler": "pcd",
    },
    "init 0.5, lr 0.01, PT": {
        "init_scale": 0.5,
        "learning_rate": 0.01,
        "sampler": "pt",
    },
    "init 0.5, lr 0.01, noise-started CD-10": {
        "init_scale": 0.5,
        "learning_rate": 0.01,
        "sampler": "noise",
        "cd_steps": 10,
    },
    "init 0.2, lr 0.01, PCD": {
        "init_scale": 0.2,
        "learning_rate": 0.01,
        "sampler": "pcd",
    },
    "density_recipe()": None,
    "256 hidden, init 0.5, lr 0.01, PCD": {
        "n_components": 256,
        "init_scale": 0.5,
        "learning_rate": 0.01,
        "sampler": "pcd",
    },
    "256 hidden, init 0.2, lr 0.01, PCD": {
        "n_components": 256,
        "init_scale": 0.2,
        "learning_rate": 0.01,
        "sampler": "pcd",
    },
    "256 hidden, init 0.25, lr 0.0025, PT": {
        "n_components": 256,
        "init_scale": 0.25,
        "learning_rate": 0.0025,
        "sampler": "pt",
    },
    "init 0.5, lr 0.01, PCD, variance rate 1": {
        "init_scale": 0.5,
        "learning_rate": 0.01,
        "sampler": "pcd",
        "variance_rate": 1.0,
    },
}


def load_sets(seed, cache):
    """The whitened patch sets of ``seed`` and ICA's mean score on each."""
    path = Path(cache) / f"density_sets_{seed}.npz"
    if not path.exists():
        raw = patch_sets(50000, 10000, seed)
        whitening = Whitening("pca").fit(raw["train"][0])
        sets = {key: whitening.transform(X) for key, (X, _) in raw.items()}
        ica = ICADensity(seed).fit(sets["train"])
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            path,
            **{f"set {key}": Z for key, Z in sets.items()},
            **{f"ica {key}": ica.laplace(Z).mean() for key, Z in sets.items()},
        )
    saved = np.load(path)
    sets = {key: saved[f"set {key}"] for key in SETS}
    ica = {key: float(saved[f"ica {key}"]) for key in SETS}
    return sets, ica


def settings(changes, n_components, Z_train, seed):
    """A variant's GaussianRBM parameters (``changes`` None: skrbm's preset)."""
    if changes is None:
        params = density_recipe(n_components or 64)
    else:
        params = {**PYDEEP, **changes}
        if n_components is not None:
            params["n_components"] = n_components
        if params["max_update_norm"] == "0.01 max|x|":
            norms = np.linalg.norm(Z_train, axis=1)
            params["max_update_norm"] = 0.01 * float(norms.max())
    return {**params, "random_state": seed}


def run(name, changes, seed, epochs, cache, ais=(2000, 100), n_components=None):
    """Train one variant, scoring it at each of ``epochs``; print a row each time."""
    sets, ica = load_sets(seed, cache)
    gaussian = {key: gaussian_log_density(Z).mean() for key, Z in sets.items()}
    params = settings(changes, n_components, sets["train"], seed)
    rbm = GaussianRBM(**{**params, "n_iter": 1})
    Z = sets["train"].astype(np.float32)
    done, fit_seconds, rows = 0, 0.0, []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in epochs:
            tic = time.perf_counter()
            while done < epoch:
                (rbm.partial_fit if done else rbm.fit)(Z)
                done += 1
            fit_seconds += time.perf_counter() - tic
            n_temperatures, n_chains = ais
            log_z = log_partition(
                rbm,
                method="ais",
                n_temperatures=n_temperatures,
                n_chains=n_chains,
                random_state=seed,
            )
            row = {
                "variant": name,
                "seed": seed,
                "epoch": epoch,
                "fit s": round(fit_seconds, 1),
                "bracket": log_z.upper - log_z.lower,
                "|w|": float(np.linalg.norm(rbm.components_, axis=1).mean()),
                "var": float(rbm.visible_variance_.mean()),
            }
            for key, Z_set in sets.items():
                score = log_likelihood(rbm, Z_set, log_partition=log_z.estimate)
                row[key] = float(score.mean())
                row[f"share {key}"] = (row[key] - gaussian[key]) / (
                    ica[key] - gaussian[key]
                )
            print_row(row)
            rows.append(row)
    for w in {str(w.message)[:160] for w in caught}:
        print(f"  warning: {w}")
    return rows


def print_row(row):
    scores = "  ".join(f"{row[key]:8.2f} ({row[f'share {key}']:+.3f})" for key in SETS)
    print(
        f"{row['variant'][:40]:40s} {row['seed']:4d} {row['epoch']:5d}"
        f" {row['fit s']:6.0f}  {scores}  {row['bracket']:7.2f}"
        f" {row['|w|']:5.2f} {row['var']:5.3f}",
        flush=True,
    )


def print_summary(rows):
    """Mean and standard deviation of each share over the seeds, per epoch."""
    print("\nshare of ICA's gain, mean +- std over seeds (widest AIS bracket)")
    groups = {}
    for row in rows:
        groups.setdefault((row["variant"], row["epoch"]), []).append(row)
    for (variant, epoch), group in groups.items():
        shares = "  ".join(
            f"{key} {np.mean([r[f'share {key}'] for r in group]):+.3f}"
            f" +- {np.std([r[f'share {key}'] for r in group], ddof=1):.3f}"
            for key in SETS
        )
        widest = max(r["bracket"] for r in group)
        seconds = np.mean([r["fit s"] for r in group])
        print(
            f"{variant[:32]:32s} {epoch:4d}  {shares}  bracket <= {widest:.2f},"
            f" fit {seconds:.0f} s, {len(group)} seeds"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0])
    parser.add_argument("--epochs", nargs="*", type=int, default=[10, 30, 60, 100])
    parser.add_argument("--n-components", type=int, default=None)
    parser.add_argument("--cache", default="/tmp/skrbm-density")
    parser.add_argument(
        "--ais-temperatures",
        type=int,
        default=2000,
        help="distributions on the AIS path (default %(default)s)",
    )
    parser.add_argument(
        "--ais-chains",
        type=int,
        default=100,
        help="AIS chains in each direction (default %(default)s)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args(argv)
    if args.list:
        for name, changes in VARIANTS.items():
            print(f"{name}: {changes}")
        return
    print(
        f"{'variant':40s} {'seed':>4s} {'epoch':>5s} {'fit s':>6s}  "
        + "  ".join(f"{key[:18]:>18s}" for key in SETS)
        + f"  {'bracket':>7s} {'|w|':>5s} {'var':>5s}"
    )
    rows = []
    for name in args.variants:
        for seed in args.seeds:
            rows += run(
                name,
                VARIANTS[name],
                seed,
                args.epochs,
                args.cache,
                (args.ais_temperatures, args.ais_chains),
                args.n_components,
            )
    if len(args.seeds) > 1:
        print_summary(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
