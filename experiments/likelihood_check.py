"""The figures of the likelihood page.

Run from the repository root::

    python experiments/likelihood_check.py [coverage|timing|grid]
"""

import sys
import time
from functools import partial

import numpy as np
from sklearn.covariance import EmpiricalCovariance
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm.datasets import load_natural_patches
from skrbm.metrics import log_likelihood_scorer, log_partition

X = load_natural_patches(6000, standardize=False, random_state=0)
scaler = StandardScaler().fit(X[:5000])
X_train, X_test = (scaler.transform(x).astype(np.float32) for x in (X[:5000], X[5000:]))


def fit(n_components, seed=0, n_iter=100):
    return GaussianRBM(n_components, n_iter=n_iter, random_state=seed).fit(X_train)


def coverage():
    inside = inside_points = 0
    print(
        "seed  H   exact log Z   AIS - exact   lower - exact   upper - exact"
        "   reverse - exact   test ll   test mse"
    )
    for seed in range(20):
        n_components = (10, 12, 14, 16)[seed % 4]
        rbm = fit(n_components, seed)
        exact = log_partition(rbm, method="exact").estimate
        ais = log_partition(rbm, method="ais", random_state=seed)
        inside += ais.lower <= exact <= ais.upper
        inside_points += ais.estimate <= exact <= ais.reverse
        ll = rbm.log_likelihood(X_test, log_partition=exact).mean()
        print(
            f"{seed:4d} {n_components:2d} {exact:13.3f} {ais.estimate - exact:+13.3f}"
            f" {ais.lower - exact:+15.3f} {ais.upper - exact:+15.3f}"
            f" {ais.reverse - exact:+17.3f} {ll:9.2f} {-rbm.score(X_test):10.4f}"
        )
    print(
        f"exact in [lower, upper]: {inside}/20; in [estimate, reverse]: "
        f"{inside_points}/20"
    )
    print("N(0, I) test ll:", -0.5 * (X_test**2).sum(1).mean() - 32 * np.log(2 * np.pi))
    print(
        "full-covariance Gaussian test ll:",
        EmpiricalCovariance().fit(X_train).score(X_test),
    )


def timing():
    rbm = fit(20, n_iter=10)
    tic = time.perf_counter()
    log_partition(rbm, method="exact")
    print(f"exact log Z, 64 -> 20: {time.perf_counter() - tic:.2f} s")
    rbm = fit(100)
    for seed in range(3):
        tic = time.perf_counter()
        ais = log_partition(rbm, method="ais", random_state=seed)
        print(f"AIS 64 -> 100, seed {seed}: {time.perf_counter() - tic:.2f} s, {ais}")


def reconstruction_scorer(estimator, X, y=None):
    """The default scoring of GridSearchCV: the estimator's own score."""
    return estimator.score(X)


def grid(n_jobs=1):
    """The README's decay grid scored both ways, on the same fitted models."""
    X_raw = load_natural_patches(5000, standardize=False)
    search = GridSearchCV(
        make_pipeline(
            StandardScaler(), GaussianRBM(n_components=100, n_iter=100, random_state=0)
        ),
        {
            "gaussianrbm__penalty": ["l1", "l2"],
            "gaussianrbm__alpha": [0.001, 0.01, 0.1],
        },
        cv=3,
        scoring={
            "score": reconstruction_scorer,
            # standardized units, as the page's tables (the default,
            # jacobian=True, shifts each fold by its scaler's log-Jacobian)
            "log_likelihood": partial(log_likelihood_scorer, jacobian=False),
        },
        refit=False,
        n_jobs=n_jobs,
    )
    tic = time.perf_counter()
    search.fit(X_raw)
    print(f"{time.perf_counter() - tic:.1f} s with n_jobs={n_jobs}")
    results = search.cv_results_
    print("penalty  alpha   mean test score (-MSE)   mean test log-likelihood")
    for k, params in enumerate(results["params"]):
        mse, mse_std = results["mean_test_score"][k], results["std_test_score"][k]
        ll, ll_std = (results[f"{s}_test_log_likelihood"][k] for s in ("mean", "std"))
        print(
            f"{params['gaussianrbm__penalty']:7s} {params['gaussianrbm__alpha']:6g}"
            f" {mse:10.4f} +- {mse_std:.4f} {ll:12.2f} +- {ll_std:.2f}"
        )
    for name in ("score", "log_likelihood"):
        best = results["params"][int(np.argmin(results[f"rank_test_{name}"]))]
        print(f"best by {name}: {best}")


commands = {"coverage": coverage, "timing": timing, "grid": grid}
commands[sys.argv[1]](*map(int, sys.argv[2:]))
