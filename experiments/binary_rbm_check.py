"""The figures of the BinaryRBM page.

Run from the repository root::

    python experiments/binary_rbm_check.py [digits|stack]

Every log-likelihood is the exact one (16 hidden units), per held-out
sample, in nats: digits scaled to [0, 1], the first 1500 of a fixed
shuffle for training and the other 297 for testing.
"""

import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neural_network import BernoulliRBM
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrbm import BinaryRBM, GaussianRBM
from skrbm.metrics import log_likelihood

SEEDS = range(5)
X = load_digits().data / 16
order = np.random.RandomState(0).permutation(len(X))
X_train, X_test = X[order[:1500]], X[order[1500:]]


def held_out(model):
    return log_likelihood(model, X_test).mean()


def digits():
    """BinaryRBM against BernoulliRBM, same units, rate, batch and epochs."""
    sklearn_defaults = dict(learning_rate=0.1, batch_size=10, n_iter=10)
    candidates = {
        "BernoulliRBM (lr 0.1, PCD-1)": lambda s: BernoulliRBM(
            16, random_state=s, **sklearn_defaults
        ),
        "BinaryRBM, momentum 0 (lr 0.1, CD-1)": lambda s: BinaryRBM(
            16, momentum=0.0, random_state=s, **sklearn_defaults
        ),
        "BinaryRBM, momentum 0 (lr 0.1, PCD-1)": lambda s: BinaryRBM(
            16, momentum=0.0, persistent=True, random_state=s, **sklearn_defaults
        ),
        "BinaryRBM, momentum 0 (lr 0.1, PCD-1, no shuffling)": lambda s: BinaryRBM(
            16,
            momentum=0.0,
            persistent=True,
            shuffle=False,
            random_state=s,
            **sklearn_defaults,
        ),
        "BinaryRBM, momentum 0.9 (lr 0.1, CD-1)": lambda s: BinaryRBM(
            16, random_state=s, **sklearn_defaults
        ),
        "BinaryRBM, momentum 0.9 (lr 0.01, CD-1)": lambda s: BinaryRBM(
            16, random_state=s, **{**sklearn_defaults, "learning_rate": 0.01}
        ),
        "BinaryRBM defaults (batch 100, 100 epochs, CD-1)": lambda s: BinaryRBM(
            16, random_state=s
        ),
        "BinaryRBM defaults, persistent=True": lambda s: BinaryRBM(
            16, persistent=True, random_state=s
        ),
    }
    print(f"{'model':52s} {'mean':>7s} {'min':>7s} {'max':>7s}  (seeds 0-4)")
    for name, make in candidates.items():
        scores = [held_out(make(seed).fit(X_train)) for seed in SEEDS]
        low, high = min(scores), max(scores)
        print(f"{name:52s} {np.mean(scores):7.2f} {low:7.2f} {high:7.2f}")


def stack():
    """A BinaryRBM on the hidden probabilities of a GaussianRBM.

    Both models score binary codes drawn from the held-out probabilities
    (a probability vector has no probability of its own).
    """
    for seed in SEEDS:
        first = make_pipeline(
            StandardScaler(), GaussianRBM(64, n_iter=50, random_state=seed)
        ).fit(X_train)
        H_train, H_test = first.transform(X_train), first.transform(X_test)
        second = BinaryRBM(16, n_iter=50, random_state=seed).fit(H_train)
        codes = (np.random.RandomState(seed).rand(*H_test.shape) < H_test) * 1.0
        # the best model of independent units: the training codes' means
        p = np.clip(H_train.mean(axis=0), 1e-6, 1 - 1e-6)
        independent = (codes @ np.log(p) + (1 - codes) @ np.log(1 - p)).mean()
        print(
            f"seed {seed}: second layer {second.log_likelihood(codes).mean():7.2f}"
            f", independent units {independent:7.2f} nats per code"
        )


if __name__ == "__main__":
    {"digits": digits, "stack": stack}[sys.argv[1] if len(sys.argv) > 1 else "digits"]()
