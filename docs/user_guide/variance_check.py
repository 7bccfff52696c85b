"""The figures of the learned-variance and centering sections.

python variance_check.py [patches|digits|wide] [MODEL ...]

MODEL names rows of ``MODELS`` (the keys below) to run alone; by default
every row runs.

Every log-likelihood is per held-out sample, in nats, in the units of the
raw data (the StandardScaler's Jacobian is accounted for).
"""

import sys

import numpy as np
from sklearn.covariance import EmpiricalCovariance
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm.datasets import load_natural_patches
from skrbm.metrics import log_partition

SEEDS = range(5)

#: The learned-variance recipe: PCD, centering, a larger learning rate
#: than PCD's default and the log-variances at the same rate as the weights.
RECIPE = {
    "learn_variance": True,
    "centering": True,
    "persistent": True,
    "learning_rate": 0.003,
    "variance_rate": 1.0,
}

#: The recipe with momentum 0.5 instead of 0.9: PCD's chains follow the
#: model more closely and no seed diverges.
CALM = {**RECIPE, "momentum": 0.5}

#: name -> (standardize first, GaussianRBM parameters)
MODELS = {
    "unit variance, CD-1": (True, {}),
    "unit variance, CD-1, centered": (True, {"centering": True}),
    "unit variance, PCD": (True, {"persistent": True}),
    "unit variance, PCD, centered": (True, {"persistent": True, "centering": True}),
    "learned variance, CD-1": (True, {"learn_variance": True}),
    "learned variance, CD-1, centered": (
        True,
        {"learn_variance": True, "centering": True},
    ),
    "learned variance, recipe": (True, RECIPE),
    "learned variance, recipe, raw data": (False, RECIPE),
    "learned variance, recipe, momentum 0.5": (True, CALM),
    "learned variance, recipe, momentum 0.5, raw data": (False, CALM),
}


def split(X, n_train):
    X = X.astype(np.float64)
    return X[:n_train], X[n_train:]


def held_out_log_likelihood(standardize, params, X_train, X_test, n_components, seed):
    """Mean held-out log-likelihood in raw units, and the fitted RBM."""
    jacobian = 0.0
    if standardize:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        jacobian = -np.sum(np.log(scaler.scale_))
    rbm = GaussianRBM(n_components, n_iter=100, random_state=seed, **params)
    rbm.fit(X_train)
    method = "exact" if n_components <= 16 else "ais"
    log_z = log_partition(rbm, method=method, random_state=seed)
    ll = rbm.log_likelihood(X_test, log_partition=log_z).mean() + jacobian
    return ll, rbm


def table(X_train, X_test, n_components, models=MODELS, seeds=SEEDS):
    if ONLY:
        models = {name: models.get(name, MODELS[name]) for name in ONLY}
    gaussian = EmpiricalCovariance().fit(X_train).score(X_test)
    print(f"full-covariance Gaussian: {gaussian:.2f}")
    for name, (standardize, params) in models.items():
        lls = [
            held_out_log_likelihood(
                standardize, params, X_train, X_test, n_components, seed
            )[0]
            for seed in seeds
        ]
        print(
            f"{name:45s} {np.mean(lls):8.2f} +- {np.std(lls):5.2f}  "
            + " ".join(f"{v:.2f}" for v in lls)
        )


def patches():
    X_train, X_test = split(load_natural_patches(6000, standardize=False), 5000)
    print("natural patches, 14 hidden units, exact log Z")
    table(X_train, X_test, 14)


def digits():
    X = load_digits().data
    X = X[np.random.RandomState(0).permutation(len(X))]
    # constant pixels have no density: the models see the 61 that vary
    X = X[:, X.std(axis=0) > 0]
    X = X + np.random.RandomState(1).uniform(0, 1, X.shape)  # dequantize
    X_train, X_test = split(X, 1500)
    print("digits (dequantized), 14 hidden units, exact log Z")
    table(X_train, X_test, 14)


def wide():
    X_train, X_test = split(load_natural_patches(6000, standardize=False), 5000)
    print("natural patches, 100 hidden units, AIS (one seed)")
    models = {
        k: MODELS[k]
        for k in (
            "unit variance, CD-1",
            "unit variance, CD-1, centered",
            "learned variance, CD-1",
            "learned variance, recipe",
        )
    }
    table(X_train, X_test, 100, models, seeds=[0])


#: Rows to run alone (command-line arguments after the data set).
ONLY = sys.argv[2:] if __name__ == "__main__" else []

if __name__ == "__main__":
    {"patches": patches, "digits": digits, "wide": wide}[sys.argv[1]]()
