"""The figures of the likelihood page: python likelihood_check.py [coverage|timing]."""

import sys
import time

import numpy as np
from sklearn.covariance import EmpiricalCovariance
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm.datasets import load_natural_patches
from skrbm.metrics import log_partition

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


{"coverage": coverage, "timing": timing}[sys.argv[1]]()
