"""AutoencoderRefiner epochs with C- against F-ordered weights, shape by shape.

``skrbm._autoencoder.weight_order`` stores a large float32 autoencoder's
weights F-ordered (rows of ``n_features``) when it has more features than
units, and C-ordered otherwise. This script checks that rule: it fits the same
``AutoencoderRefiner(None)`` with each order forced, interleaved round by
round, and prints the medians (ms per epoch) and the median of the
per-round ratios F / C. The two orders train the same model (up to
rounding); only the BLAS kernels that the five minibatch products reach
differ.

Run ``python benchmarks/bench_layout.py`` (``--shapes 784x500x100`` to pick
shapes, ``--quick`` for a smoke run). Standard normal data, BLAS threads
at their default.
"""

import statistics
from unittest import mock

import numpy as np
from _common import (
    format_table,
    interleaved,
    machine_info,
    median_ratio,
    per_epoch,
    timing_parser,
)
from bench_shapes import learning_rate

from skrbm import AutoencoderRefiner
from skrbm._autoencoder import weight_order

#: (n_features, n_components, batch_size): the refiner shapes of the grid in
#: bench_shapes.py and more with more features than units.
SHAPES = [
    (196, 400, 100),
    (256, 1024, 256),
    (500, 1000, 100),
    (784, 500, 100),
    (784, 500, 256),
    (1000, 500, 100),
    (1024, 512, 100),
    (784, 256, 100),
    (500, 250, 100),
]

#: Minibatches per epoch.
N_BATCHES = 40


def fit_in_order(X, n_components, batch_size, n_epochs, order):
    """``fit()`` of a refiner whose weights are forced into ``order``."""
    refiner = AutoencoderRefiner(
        None,
        n_components=n_components,
        batch_size=batch_size,
        n_iter=n_epochs,
        learning_rate=learning_rate(n_components),
        random_state=0,
    )

    def fit():
        with mock.patch("skrbm._refiner.weight_order", lambda *args: order):
            refiner.fit(X)

    return fit


def time_layouts(shape, dtype, n_epochs, repeats):
    """Medians (ms/epoch) of both orders and the median ratio F / C."""
    n_features, n_components, batch_size = shape
    X = np.random.default_rng(0).standard_normal((N_BATCHES * batch_size, n_features))
    X = X.astype(dtype)
    jobs = {
        order: per_epoch(
            fit_in_order(X, n_components, batch_size, n_epochs, order), n_epochs
        )
        for order in ("C", "F")
    }
    times = interleaved(jobs, repeats, verbose=False)
    medians = {k: 1e3 * statistics.median(v) for k, v in times.items()}
    return medians, median_ratio(times, "F", "C")[0]


def main(argv=None):
    """Time every shape and dtype; print one table row each."""
    parser = timing_parser(__doc__)
    parser.set_defaults(epochs=3, repeats=7)
    parser.add_argument(
        "--shapes",
        nargs="+",
        type=lambda s: tuple(int(v) for v in s.split("x")),
        default=SHAPES,
        help="shapes as FEATURESxCOMPONENTSxBATCH",
    )
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.repeats, args.shapes = 1, 1, args.shapes[:2]
    print(machine_info())
    print(
        f"\n{args.epochs} epochs per fit, {N_BATCHES} minibatches per epoch, "
        f"1 warm-up + {args.repeats} rounds; ms per epoch (medians).\n"
    )
    headers = ["shape (batch)", "dtype", "C order", "F order", "F / C", "rule"]
    rows = []
    for shape in args.shapes:
        for dtype in args.dtypes:
            medians, ratio = time_layouts(
                shape, np.dtype(dtype), args.epochs, args.repeats
            )
            rows.append(
                [
                    f"{shape[0]} -> {shape[1]} ({shape[2]})",
                    dtype,
                    f"{medians['C']:.1f}",
                    f"{medians['F']:.1f}",
                    f"{ratio:.3f}",
                    weight_order(*shape[:2], dtype),
                ]
            )
            print(format_table(headers, rows[-1:]).splitlines()[-1], flush=True)
    print(f"\n{format_table(headers, rows)}")


if __name__ == "__main__":
    main()
