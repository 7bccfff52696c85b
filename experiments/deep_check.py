"""The figures of the section "Deep autoencoders from stacks of RBMs".

Run it from the repository root::

    python experiments/deep_check.py

It takes about seven minutes on one core of a shared machine and prints
its run time.

Data: scikit-learn's digits, one fixed split (``train_test_split`` with
``test_size=0.25, random_state=0``: 1347 training and 450 held-out
images), standardized by a ``StandardScaler`` fitted on the training part,
in float32 (the models keep float32, which halves the run time).
Every number is the held-out reconstruction MSE per pixel (minus
:meth:`AutoencoderRefiner.score`), mean +- standard deviation over the
model seeds 0, 1 and 2 (``random_state`` of every RBM layer and of the
refiner); the split is the same for all seeds.

Models, for a stack of encoder widths ``64 -> w_1 -> ... -> k``:

- *pretrained*: a :class:`GaussianRBM` (``w_1`` units, 50 epochs,
  learning rate 0.01) under :class:`BinaryRBM` layers (50 epochs, learning
  rate 0.05), trained greedily, unrolled by :class:`AutoencoderRefiner`
  and fine-tuned (learning rate 0.01, momentum 0.9, batches of 100);
- *stack as trained*: the same unrolled stack before fine-tuning (one
  epoch at learning rate 1e-12), with its logistic code;
- *random*: ``AutoencoderRefiner(None, n_components=[w_1, ..., k])``, the
  same network from scikit-learn MLPRegressor's initialisation, fine-tuned
  with the same settings for the same number of epochs;
- *PCA*: :class:`~sklearn.decomposition.PCA` with ``k`` components.

Both networks are trained one epoch per ``partial_fit`` call (the same
updates as ``fit``) so that one run gives the held-out MSE after 50, 200,
500, 1000 and 2000 epochs.

Experiments:

1. the 64 -> 128 -> 64 -> k stack, k in {2, 4, 8}, linear code
   (``code_activation="identity"``, the headline), up to 2000 epochs;
2. the same stack with a logistic code, up to 1000 epochs;
3. where pretraining stops mattering: a shallower stack 64 -> 128 -> k
   (linear code), a narrower one 64 -> 32 -> 16 -> k (linear code) and a
   single RBM 64 -> k (logistic code: with a linear code a one-layer
   autoencoder is a linear map, whose best is PCA), up to 1000 epochs.
"""

import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM

SEEDS = (0, 1, 2)
CODE_SIZES = (2, 4, 8)
CHECKPOINTS = (50, 200, 500, 1000, 2000)
FINE_TUNING = dict(learning_rate=0.01, momentum=0.9, batch_size=100)

X, y = load_digits(return_X_y=True)
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_test = scaler.transform(X_test).astype(np.float32)


def mse(model):
    return -model.score(X_test)


def pretrained_stack(widths, seed):
    """The RBM layers of ``64 -> widths``, trained greedily, frozen."""
    layers = [GaussianRBM(widths[0], n_iter=50, learning_rate=0.01, random_state=seed)]
    layers += [
        BinaryRBM(width, n_iter=50, learning_rate=0.05, random_state=seed)
        for width in widths[1:]
    ]
    H = X_train
    for layer in layers:
        H = layer.fit(H).transform(H)
    return [FrozenEstimator(layer) for layer in layers]


def held_out_curve(model, n_epochs):
    """Held-out MSE at each checkpoint up to ``n_epochs``, one epoch a call.

    A divergence (the refiner restores the previous state and warns) is
    counted and reported, not hidden.
    """
    scores = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        for epoch in range(1, n_epochs + 1):
            model.partial_fit(X_train)
            if epoch in CHECKPOINTS:
                scores[epoch] = mse(model)
    diverged = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    if diverged:
        print(f"    ({diverged} diverged epochs, state restored)")
    return scores


def run(widths, code_activation, n_epochs):
    """Pretrained, stack as trained and random, per code size and seed."""
    results = {}
    for k in CODE_SIZES:
        sizes = [*widths, k]
        for seed in SEEDS:
            layers = pretrained_stack(sizes, seed)
            as_trained = AutoencoderRefiner(
                layers, n_iter=1, learning_rate=1e-12, random_state=seed
            ).fit(X_train)
            pretrained = AutoencoderRefiner(
                layers,
                code_activation=code_activation,
                random_state=seed,
                **FINE_TUNING,
            )
            random_init = AutoencoderRefiner(
                None,
                n_components=sizes,
                code_activation=code_activation,
                random_state=seed,
                **FINE_TUNING,
            )
            results[k, seed] = {
                "as trained": {0: mse(as_trained)},
                "pretrained": held_out_curve(pretrained, n_epochs),
                "random": held_out_curve(random_init, n_epochs),
            }
    return results


def pca_mse(k):
    pca = PCA(k).fit(X_train)
    return float(np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2))


def cell(values):
    return f"{np.mean(values):.3f} +- {np.std(values):.3f}"


def print_table(title, results, n_epochs):
    epochs = [e for e in CHECKPOINTS if e <= n_epochs]
    print(f"\n{title}")
    print("held-out MSE per pixel, mean +- std over seeds 0-2; PCA and the stack")
    print("as trained (before fine-tuning) have one value, in the first column")
    print(f"{'k':>2s}  {'epochs':11s}" + "".join(f"{e:>16d}" for e in epochs))
    for k in CODE_SIZES:
        print(f"{k:2d}  {'PCA':11s}{pca_mse(k):>16.3f}")
        stack = [results[k, s]["as trained"][0] for s in SEEDS]
        print(f"{k:2d}  {'as trained':11s}{cell(stack):>16s}")
        for name in ("pretrained", "random"):
            row = "".join(
                f"{cell([results[k, s][name][e] for s in SEEDS]):>16s}" for e in epochs
            )
            print(f"{k:2d}  {name:11s}{row}")
        wins = [
            sum(
                results[k, s]["pretrained"][e] < results[k, s]["random"][e]
                for s in SEEDS
            )
            for e in epochs
        ]
        print(f"{k:2d}  {'seeds won':11s}" + "".join(f"{f'{w}/3':>16s}" for w in wins))


def main():
    start = time.perf_counter()
    experiments = [
        ("64 -> 128 -> 64 -> k, linear code (headline)", (128, 64), "identity", 2000),
        ("64 -> 128 -> 64 -> k, logistic code", (128, 64), "logistic", 1000),
        ("64 -> 128 -> k, linear code (shallower)", (128,), "identity", 1000),
        ("64 -> 32 -> 16 -> k, linear code (narrower)", (32, 16), "identity", 1000),
        ("64 -> k, logistic code (one RBM)", (), "logistic", 1000),
    ]
    for title, widths, code_activation, n_epochs in experiments:
        print(f"\nrunning {title} ...", flush=True)
        results = run(widths, code_activation, n_epochs)
        print_table(title, results, n_epochs)
        print(f"(elapsed {time.perf_counter() - start:.0f} s)", flush=True)
    print(f"\ntotal run time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
