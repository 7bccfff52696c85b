"""Sweeps of the edge-filter recipe: which settings make GaussianRBM filters Gabor-like.

Each row changes one or two settings of :func:`skrbm.edges.edges_recipe`
(or, for the baseline, replaces ZCA whitening and per-patch scaling by the
seed configuration's standardization), trains on the photos that ship with
scikit-learn and prints the share of filters that :func:`skrbm._gabor.gabor_fit`
calls Gabor-like, the share with R^2 >= 0.8 and the training time.

``--sweep unit`` (the default) is the search that found the recipe, with
unit visible variances (skrbm 0.1); ``--sweep variance`` varies the
learned-variance recipe of skrbm 0.2. Run on a shared machine with::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 \\
        python experiments/edges_recipe.py [--sweep unit|variance]
        [--epochs 120] [--seeds 0 1 2] [--only NAME ...]

Each setting takes 5 to 60 seconds of training plus a few seconds of
fitting on a 2-core machine.
"""

import argparse

import numpy as np

from skrbm.edges import edges_recipe, run_edges


def variant(epochs, *, rbm=None, base=None, **changes):
    recipe = edges_recipe()
    recipe.update(changes)
    recipe["rbm"] = {**recipe["rbm"], "n_iter": epochs, **(base or {}), **(rbm or {})}
    return recipe


def variance_sweep(epochs):
    """The learned-variance recipe, then one change at a time."""
    selectivity = {"sparsity_target": None, "selectivity_target": 0.02}
    return {
        "recipe": variant(epochs),
        "unit variances": variant(epochs, rbm={"learn_variance": False}),
        "200 epochs": variant(200),
        "150 hidden units": variant(epochs, rbm={"n_components": 150}),
        "centering": variant(epochs, rbm={"centering": True}),
        "selectivity 0.02 instead of sparsity": variant(epochs, rbm=selectivity),
        "no per-patch scaling": variant(epochs, patch_rms=None),
        "no per-patch scaling, selectivity": variant(
            epochs, patch_rms=None, rbm=selectivity
        ),
        "patch means kept": variant(epochs, remove_mean=False),
    }


def sweep(epochs):
    """Named recipes with unit variances: the winner, then one change at a time."""
    weak = {"sparsity_target": 0.05, "sparsity_cost": 0.1, "hidden_bias_init": -2.0}
    unit = {"learn_variance": False}

    def variant_unit(epochs, **changes):
        return variant(epochs, base=unit, **changes)

    return {
        "recipe": variant_unit(epochs),
        "standardized, no whitening": variant_unit(
            epochs, epsilon=None, patch_rms=None
        ),
        "whitened, no per-patch scaling": variant_unit(epochs, patch_rms=None),
        "whitened + scaled, no sparsity": variant_unit(
            epochs, rbm={"sparsity_target": None, "hidden_bias_init": 0.0}
        ),
        "weak sparsity (0.05, cost 0.1, bias -2)": variant_unit(epochs, rbm=weak),
        "epsilon 0.01": variant_unit(epochs, epsilon=0.01),
        "epsilon 0.3": variant_unit(epochs, epsilon=0.3),
        "patch_rms 0.5": variant_unit(epochs, patch_rms=0.5),
        "patch_rms 1.0": variant_unit(epochs, patch_rms=1.0),
        "learning_rate 0.01": variant_unit(epochs, rbm={"learning_rate": 0.01}),
        "200 hidden units": variant_unit(epochs, rbm={"n_components": 200}),
        "12x12 patches": variant_unit(epochs, patch_size=12),
        "L2 alpha 0.01": variant_unit(epochs, rbm={"penalty": "l2", "alpha": 0.01}),
        "persistent (PCD)": variant_unit(epochs, rbm={"persistent": True}),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=edges_recipe()["rbm"]["n_iter"])
    parser.add_argument("--only", nargs="*", help="names of the settings to run")
    parser.add_argument("--sweep", choices=["unit", "variance"], default="unit")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    sweeps = {"unit": sweep, "variance": variance_sweep}
    header = ("setting", "seed", "gabor", "R2>=.8", "med R2", "train s")
    print("{:42s} {:>4s} {:>6s} {:>7s} {:>7s} {:>8s}".format(*header))
    for name, recipe in sweeps[args.sweep](args.epochs).items():
        if args.only and name not in args.only:
            continue
        fractions = []
        for seed in args.seeds:
            result = run_edges(recipe=recipe, random_state=seed)
            fit = result["fit"]
            fractions.append(result["fraction"])
            print(
                f"{name:42s} {seed:4d} {result['fraction']:6.2f} "
                f"{np.mean(fit.r2 >= 0.8):7.2f} {np.nanmedian(fit.r2):7.2f} "
                f"{result['train_seconds']:8.1f}",
                flush=True,
            )
        if len(args.seeds) > 1:
            print(f"{name:42s} mean {np.mean(fractions):6.2f}", flush=True)


if __name__ == "__main__":
    main()
