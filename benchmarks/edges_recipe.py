"""Sweep of the edge-filter recipe: which settings make GaussianRBM filters Gabor-like.

Each row changes one or two settings of :func:`skrbm.edges.edges_recipe`
(or, for the baseline, replaces ZCA whitening and per-patch scaling by the
seed configuration's standardization), trains on the photos that ship with
scikit-learn and prints the share of filters that :func:`skrbm._gabor.gabor_fit`
calls Gabor-like, the share with R^2 >= 0.8 and the training time.

Run on a shared machine with::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 \\
        python benchmarks/edges_recipe.py [--epochs 120] [--only NAME ...]

Each setting takes 10 to 60 seconds of training plus a few seconds of
fitting on a 2-core machine.
"""

import argparse

import numpy as np

from skrbm.edges import edges_recipe, run_edges


def variant(epochs, *, rbm=None, **changes):
    recipe = edges_recipe()
    recipe.update(changes)
    recipe["rbm"] = {**recipe["rbm"], "n_iter": epochs, **(rbm or {})}
    return recipe


def sweep(epochs):
    """Named recipes: the winner, then one change at a time."""
    weak = {"sparsity_target": 0.05, "sparsity_cost": 0.1, "hidden_bias_init": -2.0}
    return {
        "recipe": variant(epochs),
        "standardized, no whitening": variant(epochs, epsilon=None, patch_rms=None),
        "whitened, no per-patch scaling": variant(epochs, patch_rms=None),
        "whitened + scaled, no sparsity": variant(
            epochs, rbm={"sparsity_target": None, "hidden_bias_init": 0.0}
        ),
        "weak sparsity (0.05, cost 0.1, bias -2)": variant(epochs, rbm=weak),
        "epsilon 0.01": variant(epochs, epsilon=0.01),
        "epsilon 0.3": variant(epochs, epsilon=0.3),
        "patch_rms 0.5": variant(epochs, patch_rms=0.5),
        "patch_rms 1.0": variant(epochs, patch_rms=1.0),
        "learning_rate 0.01": variant(epochs, rbm={"learning_rate": 0.01}),
        "200 hidden units": variant(epochs, rbm={"n_components": 200}),
        "12x12 patches": variant(epochs, patch_size=12),
        "L2 alpha 0.01": variant(epochs, rbm={"penalty": "l2", "alpha": 0.01}),
        "persistent (PCD)": variant(epochs, rbm={"persistent": True}),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=edges_recipe()["rbm"]["n_iter"])
    parser.add_argument("--only", nargs="*", help="names of the settings to run")
    args = parser.parse_args()
    header = ("setting", "gabor", "R2>=.8", "med R2", "train s")
    print("{:42s} {:>6s} {:>7s} {:>7s} {:>8s}".format(*header))
    for name, recipe in sweep(args.epochs).items():
        if args.only and name not in args.only:
            continue
        result = run_edges(recipe=recipe)
        fit = result["fit"]
        print(
            f"{name:42s} {result['fraction']:6.2f} {np.mean(fit.r2 >= 0.8):7.2f} "
            f"{np.nanmedian(fit.r2):7.2f} {result['train_seconds']:8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
