"""Deep autoencoders and stacks: fine-tuning and pretraining speed.

Two comparisons, each timed in alternation (one warm-up round, then
``--repeats`` rounds) and summarised by medians of per-round ratios:

- **fine-tuning**: an epoch of ``AutoencoderRefiner``'s deep autoencoder
  (``n_components=[...]``, the unrolled network of a stack; the epoch cost
  does not depend on how the weights started) against
  :class:`~sklearn.neural_network.MLPRegressor` fitting ``X -> X`` with the
  same layers (logistic hidden units, linear output), optimiser (SGD with
  classical momentum) and minibatches;
  and against the GEMM floor, the products of those minibatch steps alone
  (forward through every layer, then the weight gradient of every layer
  and the delta of every layer but the first);
- **pretraining**: an epoch of every layer of the stack, ``GaussianRBM`` at
  the bottom and ``BinaryRBM`` above it, against ``GaussianRBM`` and
  scikit-learn's ``BernoulliRBM`` at the same shape, so that an upper layer
  of a stack is seen to cost what a single RBM of its shape costs.

The data are standard normal for the bottom layer and uniform in [0, 1]
(hidden probabilities) above it: only the shapes matter. Run
``python benchmarks/bench_deep.py`` (``--quick`` for a smoke run).
"""

import statistics
import warnings
from itertools import pairwise

import numpy as np
from _common import (
    format_table,
    interleaved,
    machine_info,
    median_ratio,
    mlp_autoencoder,
    per_epoch,
    timing_parser,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import BernoulliRBM

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM

#: (n_features, encoder widths, batch_size, n_samples): stacks users train.
STACKS = [
    (64, (128, 64, 8), 100, 5000),
    (784, (500, 250, 30), 100, 10000),
    (784, (1000, 500, 250, 30), 100, 10000),
]
LEARNING_RATE, MOMENTUM = 0.001, 0.9

#: Target on the median ratio of a fine-tuning epoch, refiner / MLPRegressor.
TARGET = 0.6


def fit_quietly(estimator, X):
    """``estimator.fit(X)``, treating skrbm's divergence warning as an error."""

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            estimator.fit(X)

    return fit


def gemm_floor(X, sizes, batch_size, n_epochs):
    """The matrix products of ``n_epochs`` epochs of deep backprop, alone.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    sizes : list of int
        Layer widths, input first.
    batch_size, n_epochs : int

    Returns
    -------
    run : callable
    """
    rng = np.random.default_rng(0)
    coefs = [
        (0.01 * rng.standard_normal(shape)).astype(X.dtype) for shape in pairwise(sizes)
    ]
    A = [np.zeros((batch_size, width), X.dtype) for width in sizes]
    D = [np.zeros((batch_size, width), X.dtype) for width in sizes]
    grads = [np.empty_like(C) for C in coefs]

    def run():
        for _ in range(n_epochs):
            for start in range(0, X.shape[0] - batch_size + 1, batch_size):
                A[0][:] = X[start : start + batch_size]
                for layer, C in enumerate(coefs):
                    np.matmul(A[layer], C, out=A[layer + 1])
                for layer in range(len(coefs) - 1, -1, -1):
                    np.matmul(A[layer].T, D[layer + 1], out=grads[layer])
                    if layer:
                        np.matmul(D[layer + 1], coefs[layer].T, out=D[layer])

    return run


def time_fine_tuning(stack, dtype, n_epochs, repeats):
    """ms per fine-tuning epoch of the refiner, MLPRegressor and the floor."""
    n_features, hidden, batch_size, n_samples = stack
    X = np.random.default_rng(0).standard_normal((n_samples, n_features))
    X = X.astype(dtype)
    refiner = AutoencoderRefiner(
        None,
        n_components=list(hidden),
        n_iter=n_epochs,
        learning_rate=LEARNING_RATE,
        momentum=MOMENTUM,
        batch_size=batch_size,
        random_state=0,
    )
    mirrored = (*hidden, *hidden[-2::-1])
    mlp = mlp_autoencoder(mirrored, batch_size, LEARNING_RATE, n_epochs, MOMENTUM)
    sizes = [n_features, *hidden, *hidden[-2::-1], n_features]
    jobs = {
        "refiner": per_epoch(fit_quietly(refiner, X), n_epochs),
        "MLPRegressor": per_epoch(lambda: mlp(X), n_epochs),
        "floor": per_epoch(gemm_floor(X, sizes, batch_size, n_epochs), n_epochs),
    }
    times = interleaved(jobs, repeats, verbose=False)
    medians = {name: 1e3 * statistics.median(v) for name, v in times.items()}
    ratios = {
        "refiner/mlp": median_ratio(times, "refiner", "MLPRegressor")[0],
        "refiner/floor": median_ratio(times, "refiner", "floor")[0],
        "floor/mlp": median_ratio(times, "floor", "MLPRegressor")[0],
    }
    return medians, ratios


def time_layer(
    n_features, n_components, batch_size, n_samples, dtype, n_epochs, repeats
):
    """ms per epoch of the RBMs at one layer shape, and their ratios."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, n_features)).astype(dtype)
    P = rng.random((n_samples, n_features)).astype(dtype)
    common = dict(
        n_iter=n_epochs,
        learning_rate=LEARNING_RATE,
        batch_size=batch_size,
        random_state=0,
    )
    gaussian = GaussianRBM(n_components, penalty=None, **common)
    binary = BinaryRBM(n_components, penalty=None, **common)
    sklearn_rbm = BernoulliRBM(n_components=n_components, **common)
    jobs = {
        "GaussianRBM": per_epoch(fit_quietly(gaussian, X), n_epochs),
        "BinaryRBM": per_epoch(fit_quietly(binary, P), n_epochs),
        "BernoulliRBM": per_epoch(lambda: sklearn_rbm.fit(P), n_epochs),
    }
    times = interleaved(jobs, repeats, verbose=False)
    medians = {name: 1e3 * statistics.median(v) for name, v in times.items()}
    ratios = {
        "binary/gaussian": median_ratio(times, "BinaryRBM", "GaussianRBM")[0],
        "binary/bernoulli": median_ratio(times, "BinaryRBM", "BernoulliRBM")[0],
    }
    return medians, ratios


def main(argv=None):
    """Time fine-tuning and pretraining for every stack and dtype."""
    parser = timing_parser(__doc__)
    parser.set_defaults(epochs=3, repeats=7)
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument(
        "--part", choices=["all", "fine-tuning", "pretraining"], default="all"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    stacks = STACKS
    if args.quick:
        args.epochs, args.repeats = 1, 1
        stacks = [(f, h, b, 4 * b) for f, h, b, _ in STACKS[:2]]
    print(machine_info())
    print(
        f"\n{args.epochs} epochs per fit, 1 warm-up + {args.repeats} rounds, "
        "BLAS threads: the default; ms per epoch (medians) and medians of "
        "per-round ratios.\n"
    )
    print("Fine-tuning a deep autoencoder (encoder widths, mirrored decoder):\n")
    headers = [
        "stack (batch)",
        "dtype",
        "refiner",
        "MLPRegressor",
        "floor",
        "refiner/MLP",
        "target",
        "refiner/floor",
        "floor/MLP",
    ]
    for stack in [] if args.part == "pretraining" else stacks:
        for dtype in args.dtypes:
            medians, ratios = time_fine_tuning(
                stack, np.dtype(dtype), args.epochs, args.repeats
            )
            widths = " -> ".join(map(str, (stack[0], *stack[1])))
            ratio = ratios["refiner/mlp"]
            verdict = "PASS" if ratio <= TARGET else "MISS"
            row = [
                f"{widths} ({stack[2]})",
                dtype,
                *(f"{medians[k]:.1f}" for k in ("refiner", "MLPRegressor", "floor")),
                f"{ratio:.2f}",
                f"<= {TARGET} {verdict}",
                f"{ratios['refiner/floor']:.2f}",
                f"{ratios['floor/mlp']:.2f}",
            ]
            print(format_table(headers, [row]).splitlines()[-1], flush=True)
    print("\nPretraining, per layer of each stack:\n")
    headers = [
        "layer (batch)",
        "dtype",
        "GaussianRBM",
        "BinaryRBM",
        "BernoulliRBM",
        "Binary/Gaussian",
        "Binary/Bernoulli",
    ]
    seen = set()
    for n_features, hidden, batch_size, n_samples in (
        [] if args.part == "fine-tuning" else stacks
    ):
        widths = (n_features, *hidden)
        for shape in pairwise(widths):
            if shape in seen:
                continue
            seen.add(shape)
            for dtype in args.dtypes:
                medians, ratios = time_layer(
                    *shape,
                    batch_size,
                    n_samples,
                    np.dtype(dtype),
                    args.epochs,
                    args.repeats,
                )
                row = [
                    f"{shape[0]} -> {shape[1]} ({batch_size})",
                    dtype,
                    *(
                        f"{medians[k]:.1f}"
                        for k in ("GaussianRBM", "BinaryRBM", "BernoulliRBM")
                    ),
                    f"{ratios['binary/gaussian']:.2f}",
                    f"{ratios['binary/bernoulli']:.2f}",
                ]
                print(format_table(headers, [row]).splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
