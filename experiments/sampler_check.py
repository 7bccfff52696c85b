"""Parallel tempering against PCD: how close the negative statistics come.

``statistics``: on small Gaussian RBMs whose hidden units switch on
far-apart modes (8 -> 10 units, eight seeds), the negative statistics
``<v h^T>`` that PCD and parallel tempering (10 temperatures, base fitted
to exact model samples) average over 100 updates of 50 chains, against the
exact statistics by enumeration: the largest error of each and their
ratio, and PT's swap rates.

``large``: PCD and parallel tempering training a 784 -> 500 GaussianRBM
for 4 epochs on 9000 upsampled noisy digits (the data of "PCD and
momentum"): seconds, training error per epoch, swap rates.

``levers``: each training lever added on 2026-12-02 (chains started from
noise, bias learning-rate factors, the update cap, the component bias)
and the density recipe, training the same 784 -> 500 model for 4 epochs.

Run ``python experiments/sampler_check.py statistics|large|levers``.
"""

import sys
import time
import warnings

import numpy as np
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm._samplers import ParallelTempering, PersistentChains, negative_statistics
from skrbm._units import GAUSSIAN

N_TEMPERATURES, N_CHAINS, N_UPDATES = 10, 50, 100


def bimodal_model(seed, n_features=8, n_components=10):
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 1.0, (n_components, n_features))
    b = rng.normal(0, 0.5, n_features)
    c = -0.5 * np.sum(W**2, axis=1) + rng.normal(0, 0.5, n_components)
    return W, b, c


def statistics():
    print("seed   PCD error   PT error   PT / PCD   PT swap rates (hottest pair first)")
    ratios = []
    for seed in range(8):
        W, b, c = bimodal_model(seed)
        exact = GAUSSIAN.exact_statistics(W, b, c)[0]
        data = GAUSSIAN.sample_exact(W, b, c, 20000, np.random.default_rng(seed))
        rates = np.zeros(N_TEMPERATURES - 1)
        chains = np.zeros((N_TEMPERATURES, N_CHAINS, W.shape[0]))
        samplers = {
            "pcd": PersistentChains(np.zeros((N_CHAINS, W.shape[0]))),
            "pt": ParallelTempering(chains, GAUSSIAN.tempering_base(data), rates),
        }
        errors = {}
        for name, sampler in samplers.items():
            rng = np.random.default_rng(seed)
            estimate = negative_statistics(sampler, W, b, c, GAUSSIAN, N_UPDATES, rng)
            errors[name] = np.abs(estimate - exact).max()
        ratio = errors["pt"] / errors["pcd"]
        ratios.append(ratio)
        print(
            f"{seed:4d}   {errors['pcd']:9.3f}   {errors['pt']:8.3f}   {ratio:8.2f}   "
            + " ".join(f"{r:.2f}" for r in rates)
        )
    low, high = min(ratios), max(ratios)
    print(f"PT / PCD: median {np.median(ratios):.2f}, range {low:.2f}-{high:.2f}")


def upsampled_digits():
    rng = np.random.RandomState(0)
    images = load_digits().images[:1500]
    big = zoom(images, (1, 3.5, 3.5), order=1).reshape(len(images), 784)
    X = np.repeat(big, 6, axis=0) + rng.standard_normal((9000, 784))
    return StandardScaler().fit_transform(X[rng.permutation(9000)]).astype(np.float32)


def large():
    X = upsampled_digits()
    for params in (
        {"sampler": "pcd"},
        {"sampler": "pt"},
        {"sampler": "pt", "learn_variance": True, "centering": True},
    ):
        rbm = GaussianRBM(500, n_iter=4, random_state=0, **params)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            rbm.fit(X)
        seconds = time.perf_counter() - start
        print(params, f"{seconds:.1f} s", "errors", np.round(rbm.loss_curve_, 3))
        if hasattr(rbm, "swap_rates_"):
            print("  swap rates", np.round(rbm.swap_rates_, 2))


def levers():
    """784 -> 500 with each training lever of 2026-12-02, and the density recipe."""
    from skrbm.density import density_recipe

    X = upsampled_digits()
    for params in (
        {"sampler": "noise"},
        {"sampler": "noise", "cd_steps": 5, "learn_variance": True},
        {"visible_bias_rate": 0.0, "hidden_bias_rate": 0.5},
        {"max_update_norm": 0.05},
        {"hidden_bias_init": "component", "init_scale": 0.1},
        {**density_recipe(500), "n_iter": 4},
    ):
        rbm = GaussianRBM(**{"n_components": 500, "n_iter": 4, **params})
        rbm.set_params(random_state=0)
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            rbm.fit(X)
        seconds = time.perf_counter() - start
        shown = {k: v for k, v in params.items() if k != "n_components"}
        print(shown, f"{seconds:.1f} s", "errors", np.round(rbm.loss_curve_, 3))
        for warning in caught:
            print("  warning:", str(warning.message)[:200])


if __name__ == "__main__":
    {"statistics": statistics, "large": large, "levers": levers}[sys.argv[1]]()
