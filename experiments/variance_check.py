"""The figures of the learned-variance and centering sections.

Run from the repository root::

    python experiments/variance_check.py [patches|digits|wide|large] [MODEL ...]

MODEL names rows of ``MODELS`` (the keys below) to run alone; by default
every row runs.

Every log-likelihood is per held-out sample, in nats, in the units of the
raw data (the StandardScaler's Jacobian is accounted for).
"""

import sys
import warnings

import numpy as np
from sklearn.covariance import EmpiricalCovariance
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm.datasets import load_natural_patches
from skrbm.metrics import log_partition

SEEDS = range(5)

#: Learned variances with the library's defaults for them: PCD (learning
#: rate 0.001 and, since 2026-12-02, momentum 0.5) and centering.
DEFAULTS = {"learn_variance": True, "centering": True, "persistent": True}

#: The same at momentum 0.9, PCD's default until 2026-12-02.
FORMER = {**DEFAULTS, "momentum": 0.9}

#: The former learned-variance recipe: PCD, centering, a larger learning
#: rate than PCD's default, the log-variances at the same rate as the
#: weights, momentum 0.9.
RECIPE = {
    "learn_variance": True,
    "centering": True,
    "persistent": True,
    "learning_rate": 0.003,
    "variance_rate": 1.0,
    "momentum": 0.9,
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
    "learned variance, defaults": (True, DEFAULTS),
    "learned variance, defaults, raw data": (False, DEFAULTS),
    "learned variance, momentum 0.9, raw data": (False, FORMER),
    "learned variance, recipe": (True, RECIPE),
    "learned variance, recipe, raw data": (False, RECIPE),
    "learned variance, recipe, momentum 0.5": (True, CALM),
    "learned variance, recipe, momentum 0.5, raw data": (False, CALM),
}


def split(X, n_train):
    X = X.astype(np.float64)
    return X[:n_train], X[n_train:]


def held_out_log_likelihood(
    standardize, params, X_train, X_test, n_components, seed, n_iter=100
):
    """Mean held-out log-likelihood in raw units, the fitted RBM and notes.

    The notes flag a fit that warned (``diverged``, ``failed`` when the
    warning called the restored model unusable) and an AIS bracket that is
    not reliable (``AIS?``).
    """
    jacobian = 0.0
    if standardize:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        jacobian = -np.sum(np.log(scaler.scale_))
    rbm = GaussianRBM(n_components, n_iter=n_iter, random_state=seed, **params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rbm.fit(X_train)
        method = "exact" if n_components <= 16 else "ais"
        log_z = log_partition(rbm, method=method, random_state=seed)
    ll = rbm.log_likelihood(X_test, log_partition=log_z).mean() + jacobian
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    notes = ""
    if messages:
        notes += "failed" if any("fit failed" in m for m in messages) else "diverged"
    if not log_z.reliable:
        notes += "AIS?"
    return ll, rbm, notes


def table(X_train, X_test, n_components, models=MODELS, seeds=SEEDS, n_iter=100):
    if ONLY:
        models = {name: models.get(name, MODELS[name]) for name in ONLY}
    gaussian = EmpiricalCovariance().fit(X_train).score(X_test)
    print(f"full-covariance Gaussian: {gaussian:.2f}", flush=True)
    for name, (standardize, params) in models.items():
        runs = [
            held_out_log_likelihood(
                standardize, params, X_train, X_test, n_components, seed, n_iter
            )
            for seed in seeds
        ]
        lls = [ll for ll, _, _ in runs]
        print(
            f"{name:45s} {np.mean(lls):8.2f} +- {np.std(lls):5.2f}  "
            + " ".join(f"{ll:.2f}{notes}" for ll, _, notes in runs),
            flush=True,
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
    """The seed shape, 64 -> 100: the defaults over five seeds, others one."""
    X_train, X_test = split(load_natural_patches(6000, standardize=False), 5000)
    print("natural patches, 100 hidden units, AIS")
    five = (
        "unit variance, CD-1",
        "learned variance, defaults",
        "learned variance, defaults, raw data",
    )
    one = (
        "unit variance, CD-1, centered",
        "learned variance, CD-1",
        "learned variance, recipe",
    )
    table(X_train, X_test, 100, {k: MODELS[k] for k in five})
    table(X_train, X_test, 100, {k: MODELS[k] for k in one}, seeds=[0])


def upsampled_digits():
    """MNIST-sized data: digits upsampled to 28x28 pixels, plus noise.

    The 1797 8x8 digits are split 1500 / 297 first, upsampled (bilinear,
    factor 3.5, values 0 to 16) and repeated with fresh N(0, 1) noise: 9000
    training rows (six noisy copies of each training digit) and 1000 test
    rows from the held-out digits only.
    """
    from scipy.ndimage import zoom

    rng = np.random.RandomState(0)
    images = load_digits().images
    images = images[rng.permutation(len(images))]
    big = zoom(images, (1, 3.5, 3.5), order=1).reshape(len(images), 784)
    X_train = np.repeat(big[:1500], 6, axis=0)
    X_test = np.repeat(big[1500:], 4, axis=0)[:1000]
    X_train = X_train + rng.standard_normal(X_train.shape)
    X_test = X_test + rng.standard_normal(X_test.shape)
    return X_train[rng.permutation(len(X_train))], X_test


def large():
    X_train, X_test = upsampled_digits()
    print("upsampled digits (784 pixels), 500 hidden units, 10 epochs, AIS")
    models = {
        k: MODELS[k]
        for k in (
            "unit variance, CD-1",
            "learned variance, defaults",
            "learned variance, defaults, raw data",
            "learned variance, momentum 0.9, raw data",
        )
    }
    table(X_train, X_test, 500, models, n_iter=10)


#: Rows to run alone (command-line arguments after the data set).
ONLY = sys.argv[2:] if __name__ == "__main__" else []

if __name__ == "__main__":
    {"patches": patches, "digits": digits, "wide": wide, "large": large}[sys.argv[1]]()
