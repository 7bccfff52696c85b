"""Pipelines with different preprocessing, in the units of the data.

Run from the repository root::

    python experiments/jacobian_check.py [MODEL ...]

The data are those of the likelihood page's tables: 6000 natural 8x8
patches (``load_natural_patches(6000, standardize=False)``), standardized
with the statistics of the first 5000 (training) and scored on the other
1000. Every number is the mean held-out log-likelihood in nats per patch,
in the units of those standardized patches: the pipelines' own
preprocessing is accounted for by its Jacobian
(``skrbm.metrics.log_likelihood``, ``jacobian=True``, the default), so
they compare with each other and with a full-covariance Gaussian of the
same data. MODEL names rows of ``MODELS`` to run alone.
"""

import sys
import time
import warnings

import numpy as np
from sklearn.covariance import EmpiricalCovariance
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM, ZCAWhitening
from skrbm.datasets import load_natural_patches
from skrbm.metrics import log_likelihood, log_partition

SEEDS = range(3)

X = load_natural_patches(6000, standardize=False, random_state=0)
scaler = StandardScaler().fit(X[:5000])
X_train, X_test = scaler.transform(X[:5000]), scaler.transform(X[5000:])

#: Learned variances with the library's defaults for them (PCD, centering).
LEARNED = {"learn_variance": True, "persistent": True, "centering": True}

#: What moves a learned-variance RBM off the Gaussian on whitened data:
#: whitened data make ``N(0, I)`` with small weights a stationary point of
#: learning (the second moments already match), so the weights start at
#: 0.3 rather than 0.01 and learn at 0.01, by CD, for 300 epochs.
PUSHED = {
    "learn_variance": True,
    "centering": True,
    "learning_rate": 0.01,
    "init_scale": 0.3,
}

#: name -> (preprocessing, GaussianRBM parameters, epochs, seeds)
MODELS = {
    "scaler, unit variance, 16 hidden (the defaults)": (
        StandardScaler,
        {"n_components": 16},
        100,
        SEEDS,
    ),
    "PCA whitening, learned variance (defaults), 16 hidden": (
        lambda: PCA(whiten=True),
        {"n_components": 16, **LEARNED},
        100,
        SEEDS,
    ),
    "PCA whitening, pushed, CD-1, 20 hidden": (
        lambda: PCA(whiten=True),
        {"n_components": 20, **PUSHED},
        300,
        SEEDS,
    ),
    "PCA whitening, pushed, CD-5, 20 hidden": (
        lambda: PCA(whiten=True),
        {"n_components": 20, "cd_steps": 5, **PUSHED},
        300,
        SEEDS,
    ),
    "PCA whitening, pushed, PCD, 20 hidden": (
        lambda: PCA(whiten=True),
        {"n_components": 20, "persistent": True, **PUSHED},
        300,
        SEEDS,
    ),
    "PCA whitening, pushed, parallel tempering, 20 hidden": (
        lambda: PCA(whiten=True),
        {"n_components": 20, "sampler": "pt", **PUSHED},
        300,
        SEEDS,
    ),
    "ZCA whitening (epsilon 0.1), pushed, CD-1, 20 hidden": (
        lambda: ZCAWhitening(remove_mean=False),
        {"n_components": 20, **PUSHED},
        300,
        SEEDS,
    ),
    "ZCA whitening (epsilon 0.001), pushed, CD-1, 20 hidden": (
        lambda: ZCAWhitening(1e-3, remove_mean=False),
        {"n_components": 20, **PUSHED},
        300,
        SEEDS,
    ),
    "PCA whitening, pushed, CD-1, 100 hidden (AIS)": (
        lambda: PCA(whiten=True),
        {"n_components": 100, **PUSHED},
        300,
        [0],
    ),
}


def held_out(prep, params, seed, n_iter=100):
    """Mean held-out log-likelihood, in the data's units, and notes."""
    rbm = GaussianRBM(n_iter=n_iter, random_state=seed, **params)
    pipe = make_pipeline(prep(), rbm)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipe.fit(X_train)
        log_z = log_partition(pipe, random_state=seed)
    ll = log_likelihood(pipe, X_test, log_partition=log_z).mean()
    # the AIS bracket of log Z, as a bracket of the log-likelihood
    low, high = ll - (log_z.upper - log_z.estimate), ll + (log_z.estimate - log_z.lower)
    notes = ""
    if any(w.category is ConvergenceWarning for w in caught):
        notes += " diverged"
    if not log_z.reliable:
        notes += " AIS?"
    bracket = "" if log_z.method == "exact" else f" [{low:.2f}, {high:.2f}]"
    return ll, bracket + notes


def independent_mixtures():
    """Not an RBM: two Gaussians per PCA-whitened component, independently.

    In the data's units through PCA whitening's log-Jacobian, the
    ``-0.5 * sum(log explained_variance_)`` that skrbm adds for the pipelines.
    """
    pca = PCA(whiten=True).fit(X_train)
    Z_train, Z_test = pca.transform(X_train), pca.transform(X_test)
    ll = sum(
        GaussianMixture(2, random_state=0)
        .fit(Z_train[:, [k]])
        .score_samples(Z_test[:, [k]])
        for k in range(Z_train.shape[1])
    )
    return ll.mean() - 0.5 * np.sum(np.log(pca.explained_variance_))


def main(only):
    tic = time.perf_counter()
    gaussian = EmpiricalCovariance().fit(X_train).score(X_test)
    mean, variance = X_train.mean(axis=0), X_train.var(axis=0)
    independent = (
        -0.5 * ((X_test - mean) ** 2 / variance).sum(axis=1).mean()
        - 0.5 * np.log(2 * np.pi * variance).sum()
    )
    print(f"full-covariance Gaussian {gaussian:8.2f}")
    print(f"independent Gaussian pixels {independent:8.2f}")
    mixtures = independent_mixtures()
    print(
        f"PCA whitening, 2-Gaussian mixture per component {mixtures:8.2f}", flush=True
    )
    for name, (prep, params, n_iter, seeds) in MODELS.items():
        if only and name not in only:
            continue
        runs = [held_out(prep, params, seed, n_iter) for seed in seeds]
        lls = [ll for ll, _ in runs]
        print(
            f"{name:55s} {np.mean(lls):8.2f} +- {np.std(lls):5.2f}  "
            f"(vs Gaussian {np.mean(lls) - gaussian:+7.2f})  "
            + "  ".join(f"{ll:.2f}{notes}" for ll, notes in runs),
            flush=True,
        )
    print(f"{time.perf_counter() - tic:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
