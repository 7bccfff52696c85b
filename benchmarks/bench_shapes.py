"""Training speed over a grid of model shapes, one BLAS thread and all of them.

For every shape (visible -> hidden, minibatch size), dtype and BLAS thread
limit, five contenders are timed in alternation (one warm-up round, then
``--repeats`` rounds) and compared by medians of per-round ratios:

- ``GaussianRBM`` (CD-1, no decay) and scikit-learn's ``BernoulliRBM``
  (fed the same data min-max scaled to [0, 1]),
- ``AutoencoderRefiner(None)`` and ``MLPRegressor`` fitting X -> X with the
  same layer, optimiser and minibatches,
- the GEMM floor: the five minibatch products of a CD-1 step
  (``V W^T`` twice, ``H W``, ``H^T V`` twice) alone, with numpy's matmul,
  at the same shapes and thread limit.

The data are standard normal (synthetic: only the shapes matter here).
``--busy`` adds rows that fit ``GaussianRBM`` while another process keeps
one core busy. Run ``python benchmarks/bench_shapes.py`` (``--quick`` for
a smoke run; ``--shapes 784x500x100`` to pick shapes).
"""

import multiprocessing
import statistics
import time
import warnings

import numpy as np
from _common import (
    format_table,
    interleaved,
    machine_info,
    median_ratio,
    minmax_scale,
    mlp_autoencoder,
    per_epoch,
    timing_parser,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import BernoulliRBM
from threadpoolctl import threadpool_limits

from skrbm import AutoencoderRefiner, GaussianRBM

#: (n_features, n_components, batch_size, n_samples): the grid users train.
SHAPES = [
    (64, 100, 100, 5000),
    (196, 400, 100, 5000),
    (784, 500, 100, 10000),
    (784, 500, 256, 10240),
    (256, 1024, 256, 8192),
    (256, 1024, 100, 8000),
    (1024, 2048, 256, 2560),
]
MOMENTUM = 0.9


def learning_rate(n_components):
    """0.01, scaled down for wide layers (1024 -> 2048 diverges at 0.01).

    A diverged fit stops early and would look fast, so the fits below turn
    skrbm's ConvergenceWarning into an error. Every contender at a shape
    uses the same rate; epoch cost does not depend on it.
    """
    return 0.01 * min(1.0, 500 / n_components)


#: Targets on medians of per-round ratios, float32, all threads.
TARGETS = {
    (784, 500, 100): {"rbm/brbm": 0.7, "rbm/floor": 1.4, "ae/mlp": 0.75},
    (256, 1024, 256): {"rbm/brbm": 0.7, "rbm/floor": 1.4},
    (64, 100, 100): {"rbm/brbm": 0.4},
}


def gemm_floor(X, n_components, batch_size, n_epochs):
    """The five CD-1 products per minibatch, alone, for ``n_epochs`` epochs.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_components, batch_size, n_epochs : int

    Returns
    -------
    run : callable
        Runs the products; returns None (wall time is measured).
    """
    n_samples, n_features = X.shape
    rng = np.random.default_rng(0)
    W = rng.standard_normal((n_components, n_features)).astype(X.dtype)
    H = rng.random((batch_size, n_components)).astype(X.dtype)
    out_h = np.empty((batch_size, n_components), dtype=X.dtype)
    out_v = np.empty((batch_size, n_features), dtype=X.dtype)
    out_w = np.empty((n_components, n_features), dtype=X.dtype)
    n_batches = -(-n_samples // batch_size)
    V = X[:batch_size]

    def run():
        for _ in range(n_epochs * n_batches):
            np.matmul(V, W.T, out=out_h)
            np.matmul(H, W, out=out_v)
            np.matmul(out_v, W.T, out=out_h)
            np.matmul(H.T, V, out=out_w)
            np.matmul(H.T, out_v, out=out_w)

    return run


def contenders(X, n_components, batch_size, n_epochs):
    """The timed workloads at one shape, each returning seconds per epoch.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Standard normal data in the dtype to time.
    n_components, batch_size, n_epochs : int

    Returns
    -------
    contenders : dict of str to callable
    """
    X01 = minmax_scale(X)
    lr = learning_rate(n_components)
    common = dict(batch_size=batch_size, random_state=0)
    rbm = GaussianRBM(
        n_components, n_iter=n_epochs, penalty=None, learning_rate=lr, **common
    )
    brbm = BernoulliRBM(
        n_components=n_components, learning_rate=lr, n_iter=n_epochs, **common
    )
    refiner = AutoencoderRefiner(
        None, n_components=n_components, n_iter=n_epochs, learning_rate=lr, **common
    )
    fit_mlp = mlp_autoencoder(n_components, batch_size, lr, n_epochs, MOMENTUM)

    def fit_skrbm(estimator):
        def fit():
            with warnings.catch_warnings():
                warnings.simplefilter("error", ConvergenceWarning)
                estimator.fit(X)

        return fit

    return {
        "GaussianRBM": per_epoch(fit_skrbm(rbm), n_epochs),
        "BernoulliRBM": per_epoch(lambda: brbm.fit(X01), n_epochs),
        "AutoencoderRefiner": per_epoch(fit_skrbm(refiner), n_epochs),
        "MLPRegressor": per_epoch(lambda: fit_mlp(X), n_epochs),
        "GEMM floor": per_epoch(
            gemm_floor(X, n_components, batch_size, n_epochs), n_epochs
        ),
    }


RATIOS = {
    "rbm/brbm": ("GaussianRBM", "BernoulliRBM"),
    "rbm/floor": ("GaussianRBM", "GEMM floor"),
    "ae/mlp": ("AutoencoderRefiner", "MLPRegressor"),
    "brbm/floor": ("BernoulliRBM", "GEMM floor"),
}


def time_shape(shape, dtype, threads, n_epochs, repeats):
    """Medians (ms/epoch) and median ratios at one configuration.

    Parameters
    ----------
    shape : tuple
        ``(n_features, n_components, batch_size, n_samples)``.
    dtype : numpy dtype
    threads : int or None
        BLAS thread limit (None: the BLAS default).
    n_epochs, repeats : int

    Returns
    -------
    medians : dict of str to float
    ratios : dict of str to float
    """
    n_features, n_components, batch_size, n_samples = shape
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, n_features)).astype(dtype)
    with threadpool_limits(limits=threads, user_api="blas"):
        jobs = contenders(X, n_components, batch_size, n_epochs)
        times = interleaved(jobs, repeats, verbose=False)
    medians = {name: 1e3 * statistics.median(v) for name, v in times.items()}
    ratios = {key: median_ratio(times, *pair)[0] for key, pair in RATIOS.items()}
    return medians, ratios


def _spin(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def time_busy(shape, dtype, n_epochs, repeats):
    """``GaussianRBM`` per epoch with another process spinning on one core.

    Parameters
    ----------
    shape : tuple
    dtype : numpy dtype
    n_epochs, repeats : int

    Returns
    -------
    medians : dict of str to float
        ms/epoch with one BLAS thread and with the default, while busy.
    """
    n_features, n_components, batch_size, n_samples = shape
    X = np.random.default_rng(0).standard_normal((n_samples, n_features))
    X = X.astype(dtype)

    def fit(threads):
        def run():
            with threadpool_limits(limits=threads, user_api="blas"):
                GaussianRBM(
                    n_components,
                    batch_size=batch_size,
                    n_iter=n_epochs,
                    penalty=None,
                    learning_rate=learning_rate(n_components),
                    random_state=0,
                ).fit(X)

        return per_epoch(run, n_epochs)

    jobs = {"busy, 1 thread": fit(1), "busy, all threads": fit(None)}
    spinner = multiprocessing.Process(target=_spin, args=(3600,), daemon=True)
    spinner.start()
    try:
        times = interleaved(jobs, repeats, verbose=False)
    finally:
        spinner.terminate()
        spinner.join()
    return {name: 1e3 * statistics.median(v) for name, v in times.items()}


def _parse_shape(text):
    n_features, n_components, batch_size = (int(v) for v in text.split("x"))
    for shape in SHAPES:
        if shape[:3] == (n_features, n_components, batch_size):
            return shape
    return n_features, n_components, batch_size, 40 * batch_size


def main(argv=None):
    """Run the grid and print one table row per configuration.

    ``argv``: command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = timing_parser(__doc__)
    parser.set_defaults(epochs=2, repeats=5)
    parser.add_argument(
        "--shapes",
        nargs="+",
        type=_parse_shape,
        default=SHAPES,
        help="shapes as FEATURESxCOMPONENTSxBATCH (default: the whole grid)",
    )
    parser.add_argument(
        "--dtypes", nargs="+", default=["float32", "float64"], help="dtypes to time"
    )
    parser.add_argument(
        "--threads",
        nargs="+",
        default=["1", "all"],
        help="BLAS thread limits to time: integers or 'all' (the default)",
    )
    parser.add_argument(
        "--busy", action="store_true", help="also time fits beside a busy core"
    )
    parser.add_argument(
        "--busy-only", action="store_true", help="only the fits beside a busy core"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.repeats = 1, 1
        args.shapes = [(*s[:3], 4 * s[2]) for s in args.shapes[:3]]

    print(machine_info())
    print(
        f"\n{args.epochs} epochs per fit, 1 warm-up + {args.repeats} rounds; "
        "ms per epoch (medians) and medians of per-round ratios.\n"
    )
    headers = [
        "shape (batch)",
        "dtype",
        "threads",
        "GaussianRBM",
        "BernoulliRBM",
        "GEMM floor",
        "Refiner",
        "MLP",
        "RBM/BRBM",
        "RBM/floor",
        "BRBM/floor",
        "AE/MLP",
    ]
    rows, misses = [], []
    for shape in [] if args.busy_only else args.shapes:
        for dtype in args.dtypes:
            for threads in args.threads:
                limit = None if threads == "all" else int(threads)
                medians, ratios = time_shape(
                    shape, np.dtype(dtype), limit, args.epochs, args.repeats
                )
                label = f"{shape[0]} -> {shape[1]} ({shape[2]})"
                rows.append(
                    [label, dtype, threads]
                    + [
                        f"{medians[k]:.1f}"
                        for k in (
                            "GaussianRBM",
                            "BernoulliRBM",
                            "GEMM floor",
                            "AutoencoderRefiner",
                            "MLPRegressor",
                        )
                    ]
                    + [
                        f"{ratios[k]:.2f}"
                        for k in ("rbm/brbm", "rbm/floor", "brbm/floor", "ae/mlp")
                    ]
                )
                print(format_table(headers, rows[-1:]).splitlines()[-1], flush=True)
                if dtype == "float32" and threads == "all":
                    for key, target in TARGETS.get(shape[:3], {}).items():
                        verdict = "PASS" if ratios[key] <= target else "MISS"
                        misses.append(
                            f"{label} {key} = {ratios[key]:.2f} (<= {target}): "
                            f"{verdict}"
                        )
    if rows:
        print(f"\n{format_table(headers, rows)}")
    if misses:
        print("\nTargets (float32, all threads)\n" + "\n".join(misses))
    if args.busy or args.busy_only:
        busy_rows = []
        for shape in args.shapes:
            for dtype in args.dtypes:
                medians = time_busy(shape, np.dtype(dtype), args.epochs, args.repeats)
                busy_rows.append(
                    [f"{shape[0]} -> {shape[1]} ({shape[2]})", dtype]
                    + [f"{v:.1f}" for v in medians.values()]
                )
                print(busy_rows[-1], flush=True)
        print(
            "\nGaussianRBM ms/epoch while another process keeps one core busy\n"
            + format_table(
                ["shape (batch)", "dtype", "1 thread", "all threads"], busy_rows
            )
        )


if __name__ == "__main__":
    main()
