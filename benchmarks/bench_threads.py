"""Parallelism: BLAS threads inside one fit, and processes across a grid search.

(a) ms/epoch of GaussianRBM at the seed shapes with the BLAS limited to 1
and to 2 threads (``threadpoolctl.threadpool_limits``), float32 and float64,
in alternation. (b) Wall time of a 12-candidate ``GridSearchCV`` over a
``StandardScaler + GaussianRBM`` pipeline (penalty x alpha, cv=3) with
``n_jobs=1`` and ``n_jobs=2``, in alternation, and the speed-up.

Run ``python benchmarks/bench_threads.py`` (``--quick`` for a smoke run).
"""

import numpy as np
from _common import (
    N_COMPONENTS,
    N_SAMPLES,
    interleaved,
    load_patches,
    machine_info,
    median_ratio,
    per_epoch,
    ratio_table,
    timing_parser,
    verdict,
)
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skrbm import GaussianRBM

GRID = {
    "gaussianrbm__penalty": ["l1", "l2", "elasticnet"],
    "gaussianrbm__alpha": [1e-4, 1e-3, 1e-2, 1e-1],
}
SPEEDUP_TARGET = 1.6


def blas_contenders(X64, n_epochs):
    """Seed-shape fits under a 1- or 2-thread BLAS limit, per dtype.

    Parameters
    ----------
    X64 : ndarray of shape (n_samples, 64)
        Standardized float64 patches.
    n_epochs : int

    Returns
    -------
    contenders : dict of str to callable
        Each returns seconds per epoch.
    """
    jobs = {}
    for dtype, tag in ((np.float32, "f32"), (np.float64, "f64")):
        X = X64.astype(dtype)
        for threads in (1, 2):

            def fit(X=X, threads=threads):
                with threadpool_limits(limits=threads, user_api="blas"):
                    GaussianRBM(
                        N_COMPONENTS, n_iter=n_epochs, penalty=None, random_state=0
                    ).fit(X)

            jobs[f"{tag} {threads} BLAS thread(s)"] = per_epoch(fit, n_epochs)
    return jobs


def grid_contenders(X, n_epochs):
    """The same grid search run sequentially and on two worker processes.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 64)
        float64 patches.
    n_epochs : int
        RBM epochs per fit.

    Returns
    -------
    contenders : dict of str to callable
        Each runs the search; its wall time is measured.
    """
    pipe = make_pipeline(
        StandardScaler(),
        GaussianRBM(n_components=N_COMPONENTS, n_iter=n_epochs, random_state=0),
    )

    def search(n_jobs):
        def run():
            GridSearchCV(pipe, GRID, cv=3, n_jobs=n_jobs).fit(X)

        return run

    return {f"GridSearchCV n_jobs={n}": search(n) for n in (1, 2)}


def main(argv=None):
    """Run both parts and print their tables.

    ``argv``: command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = timing_parser(__doc__, "epochs per fit (a)", "rounds of (a)")
    parser.add_argument(
        "--grid-samples", type=int, default=10_000, help="patches searched in (b)"
    )
    parser.add_argument(
        "--grid-epochs", type=int, default=40, help="RBM epochs per fit in (b)"
    )
    parser.add_argument("--grid-repeats", type=int, default=2, help="rounds of (b)")
    parser.add_argument("--quick", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.repeats = 3, 2
        args.grid_samples, args.grid_epochs, args.grid_repeats = 1500, 3, 1

    print(machine_info())
    print(
        f"\n(a) GaussianRBM, seed shapes ({N_SAMPLES} x 64, {N_COMPONENTS} hidden, "
        f"batch 100), {args.epochs} epochs per fit, 1 warm-up + "
        f"{args.repeats} rounds"
    )
    jobs = blas_contenders(load_patches(N_SAMPLES), args.epochs)
    times = interleaved(jobs, args.repeats)
    pairs = [
        (f"{tag} 2 BLAS thread(s)", f"{tag} 1 BLAS thread(s)", None)
        for tag in ("f32", "f64")
    ]
    medians, ratios = ratio_table(times, pairs, unit="ms/epoch")
    print(f"\n{medians}\n\n{ratios}")

    n_candidates = np.prod([len(v) for v in GRID.values()])
    print(
        f"\n(b) GridSearchCV: {n_candidates} candidates x cv=3 (+ refit), "
        f"StandardScaler + GaussianRBM({N_COMPONENTS}, n_iter={args.grid_epochs}), "
        f"{args.grid_samples} float64 patches, no warm-up, "
        f"{args.grid_repeats} round(s)"
    )
    X = load_patches(args.grid_samples)
    times = interleaved(
        grid_contenders(X, args.grid_epochs), args.grid_repeats, warmup=False
    )
    ratio, _ = median_ratio(times, "GridSearchCV n_jobs=2", "GridSearchCV n_jobs=1")
    speedup = 1.0 / ratio
    pair = [("GridSearchCV n_jobs=2", "GridSearchCV n_jobs=1", None)]
    medians, ratios = ratio_table(times, pair, scale=1.0, unit="wall s")
    print(f"\n{medians}\n\n{ratios}")
    print(
        f"\nspeed-up n_jobs=2 vs n_jobs=1 (median of per-round ratios): "
        f"{speedup:.2f}x (target >= {SPEEDUP_TARGET}): "
        f"{verdict(speedup, SPEEDUP_TARGET, higher_is_better=True)}"
    )


if __name__ == "__main__":
    main()
