"""Fingerprint every estimator configuration, to check a refactoring changes no bit.

Trains each configuration of :class:`~skrbm.GaussianRBM`,
:class:`~skrbm.BinaryRBM` and :class:`~skrbm.AutoencoderRefiner` at a fixed
``random_state``, in float32 and float64, at a small shape (64 -> 100) and
a large one (200 -> 700: stacked statistics, 16-bit uniforms), and stores
the fitted parameters and what the methods return (transform, gibbs,
sample, log-likelihood, AIS) in one ``.npz`` file. Run it on two commits
and compare::

    python benchmarks/bit_identity.py save before.npz   # on the old commit
    python benchmarks/bit_identity.py save after.npz    # on the new one
    python benchmarks/bit_identity.py compare before.npz after.npz

``compare`` prints every array that differs, with its largest absolute
difference, and the number that are identical.
"""

import sys
import warnings

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM
from skrbm.metrics import log_partition

SHAPES = {"small": (64, 100), "large": (200, 700)}

GAUSSIAN = {
    "default": {},
    "pcd": {"persistent": True},
    "cd3": {"cd_steps": 3},
    "pcd2": {"persistent": True, "cd_steps": 2},
    "variance": {"learn_variance": True},
    "variance_pcd_centering": {
        "learn_variance": True,
        "persistent": True,
        "centering": True,
    },
    "variance_centering": {"learn_variance": True, "centering": True},
    "centering": {"centering": True},
    "selectivity": {"selectivity_target": 0.1},
    "selectivity_centering": {"selectivity_target": 0.1, "centering": True},
    "sparsity": {"sparsity_target": 0.05},
    "l1": {"penalty": "l1", "alpha": 1e-3},
    "elasticnet": {"penalty": "elasticnet", "alpha": 1e-3},
    "no_penalty": {"penalty": None},
    "identity": {"init": "identity"},
    "early_stopping": {"early_stopping": True, "n_iter_no_change": 2},
    "momentum0": {"momentum": 0.0},
}

BINARY = {
    "default": {},
    "pcd": {"persistent": True},
    "cd2": {"cd_steps": 2},
    "centering": {"centering": True},
    "pcd_centering": {"persistent": True, "centering": True},
    "l1": {"penalty": "l1", "alpha": 1e-3},
    "sparsity": {"sparsity_target": 0.05},
    "selectivity": {"selectivity_target": 0.1},
}


def data(n_features, dtype, binary=False):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((300, 8)) @ rng.standard_normal((8, n_features))
    X += 0.3 * rng.standard_normal(X.shape)
    X = (X - X.mean(0)) / X.std(0)
    if binary:
        X = (X > 0.5).astype(float)
    return X.astype(dtype)


def fingerprint_rbm(out, key, rbm, X):
    rbm.fit(X)
    rbm.partial_fit(X[:150])
    names = ["components_", "intercept_hidden_", "intercept_visible_"]
    names += ["visible_variance_", "h_samples_"]
    for name in names:
        if hasattr(rbm, name):
            out[f"{key}/{name}"] = np.asarray(getattr(rbm, name))
    out[f"{key}/loss_curve_"] = np.asarray(rbm.loss_curve_)
    out[f"{key}/transform"] = rbm.transform(X[:20])
    out[f"{key}/gibbs"] = rbm.gibbs(X[:20])
    out[f"{key}/sample"] = rbm.sample(6, n_steps=20, random_state=0)


def fingerprint_density(out, key, rbm, X):
    rbm.fit(X)
    out[f"{key}/exact"] = rbm.log_likelihood(X[:20], method="exact")
    ais = log_partition(rbm, method="ais", n_temperatures=100, random_state=0)
    out[f"{key}/ais"] = np.asarray(list(ais[:3]), dtype=float)


def refiners(X, binary_X):
    rbm = GaussianRBM(20, n_iter=3, random_state=0)
    variance_rbm = GaussianRBM(20, n_iter=3, learn_variance=True, random_state=0)
    yield "over_rbm", AutoencoderRefiner(rbm, n_iter=3, random_state=0), X
    yield "tied", AutoencoderRefiner(rbm, n_iter=3, tied=True, random_state=0), X
    yield "variance", AutoencoderRefiner(variance_rbm, n_iter=3, random_state=0), X
    yield "random", AutoencoderRefiner(n_components=30, n_iter=3, random_state=0), X
    yield "deep", AutoencoderRefiner(n_components=[20, 10], n_iter=3, random_state=0), X
    yield (
        "linear_code",
        AutoencoderRefiner(rbm, n_iter=3, code_activation="identity", random_state=0),
        X,
    )
    stack = Pipeline(
        [
            ("a", GaussianRBM(20, n_iter=3, random_state=0)),
            ("b", BinaryRBM(10, n_iter=3, random_state=0)),
        ]
    )
    yield "stack", AutoencoderRefiner(stack, n_iter=3, random_state=0), X
    frozen = FrozenEstimator(GaussianRBM(20, n_iter=3, random_state=0).fit(X))
    yield "frozen", AutoencoderRefiner(frozen, n_iter=3, random_state=0), X
    binary = BinaryRBM(20, n_iter=3, random_state=0)
    yield "binary", AutoencoderRefiner(binary, n_iter=3, random_state=0), binary_X


def save(path):
    out = {}
    warnings.simplefilter("ignore")
    for dtype in (np.float32, np.float64):
        tag = np.dtype(dtype).name
        for shape_name, (n_features, n_components) in SHAPES.items():
            X = data(n_features, dtype)
            B = data(n_features, dtype, binary=True)
            for name, params in GAUSSIAN.items():
                rbm = GaussianRBM(n_components, n_iter=3, random_state=0, **params)
                fingerprint_rbm(out, f"gaussian/{name}/{shape_name}/{tag}", rbm, X)
            for name, params in BINARY.items():
                rbm = BinaryRBM(n_components, n_iter=3, random_state=0, **params)
                fingerprint_rbm(out, f"binary/{name}/{shape_name}/{tag}", rbm, B)
        X, B = data(16, dtype), data(16, dtype, binary=True)
        for name, rbm, data_ in (
            ("gaussian", GaussianRBM(10, n_iter=3, random_state=0), X),
            (
                "variance",
                GaussianRBM(10, n_iter=3, learn_variance=True, random_state=0),
                X,
            ),
            ("binary", BinaryRBM(10, n_iter=3, random_state=0), B),
        ):
            fingerprint_density(out, f"density/{name}/{tag}", rbm, data_)
        X, B = data(64, dtype), data(64, dtype, binary=True)
        for name, refiner, data_ in refiners(X, B):
            refiner.fit(data_)
            key = f"refiner/{name}/{tag}"
            out[f"{key}/reconstruct"] = refiner.reconstruct(data_[:20])
            out[f"{key}/transform"] = refiner.transform(data_[:20])
            out[f"{key}/loss_curve_"] = np.asarray(refiner.loss_curve_)
    np.savez(path, **out)
    print(f"{len(out)} arrays saved to {path}")


def compare(before, after):
    old, new = np.load(before), np.load(after)
    same = 0
    for key in sorted(set(old.files) | set(new.files)):
        if key not in old.files or key not in new.files:
            print(f"{key}: only in {'after' if key in new.files else 'before'}")
            continue
        a, b = old[key], new[key]
        if (
            a.shape == b.shape
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=True)
        ):
            same += 1
            continue
        diff = (
            np.max(np.abs(a.astype(float) - b.astype(float)))
            if a.shape == b.shape
            else "shape"
        )
        print(f"{key}: differs, max |diff| {diff}")
    print(f"{same} of {len(set(old.files) | set(new.files))} arrays identical")


if __name__ == "__main__":
    if sys.argv[1] == "save":
        save(sys.argv[2])
    else:
        compare(sys.argv[2], sys.argv[3])
