"""Training speed of skrbm against scikit-learn and a hand-written numpy loop.

Every contender is timed in the same run, in alternation (one warm-up round,
then ``--repeats`` rounds, each calling every contender once), and every
comparison is the median over rounds of the ratio measured within a round.
Seed shapes: 5000 standardized 8x8 natural image patches (64 features), 100
hidden units, minibatches of 100, CD-1, learning rate 0.01, momentum 0.9.

Run ``python benchmarks/bench_training.py`` (``--quick`` for a smoke run,
``--study`` to also time the full seed study).
"""

import statistics
import time

import numpy as np
from _common import (
    BATCH_SIZE,
    LEARNING_RATE,
    MOMENTUM,
    N_COMPONENTS,
    N_FEATURES,
    N_SAMPLES,
    format_table,
    interleaved,
    load_patches,
    machine_info,
    median_ratio,
    minmax_scale,
    mlp_autoencoder,
    per_epoch,
    ratio_table,
    timing_parser,
    verdict,
)
from sklearn.neural_network import BernoulliRBM
from threadpoolctl import threadpool_limits

from skrbm import AutoencoderRefiner, GaussianRBM

#: Targets on medians of per-round ratios (float32 contenders).
TARGETS = {
    ("GaussianRBM f32", "BernoulliRBM f32"): 0.40,
    ("GaussianRBM f32", "textbook numpy f64"): 0.6,
    ("AutoencoderRefiner f32", "MLPRegressor f32"): 0.5,
}
STUDY_TARGET_SECONDS = 30.0


def textbook_cd1(X, n_components, n_epochs, batch_size, learning_rate, momentum):
    """CD-1 for a Gaussian-Bernoulli RBM as a user would write it by hand.

    Shuffled minibatches, ``1 / (1 + np.exp(-x))`` sigmoids, hidden units
    sampled with ``rng.random < p``, mean-field visible reconstruction,
    classical momentum, and the reconstruction error tracked per epoch (as
    skrbm does). Everything in the dtype of ``X`` (float64 here).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Standardized data.
    n_components : int
        Hidden units.
    n_epochs : int
        Passes over ``X``.
    batch_size : int
        Minibatch size.
    learning_rate, momentum : float
        Optimiser settings.

    Returns
    -------
    W : ndarray of shape (n_features, n_components)
        Learned weights.
    errors : list of float
        Mean squared reconstruction error per epoch.
    """
    rng = np.random.default_rng(0)
    n_samples, n_features = X.shape
    W = 0.01 * rng.standard_normal((n_features, n_components))
    b = X.mean(axis=0)
    c = np.zeros(n_components)
    dW, db, dc = np.zeros_like(W), np.zeros_like(b), np.zeros_like(c)
    errors = []
    for _ in range(n_epochs):
        order = rng.permutation(n_samples)
        error = 0.0
        for start in range(0, n_samples, batch_size):
            v0 = X[order[start : start + batch_size]]
            h0 = 1.0 / (1.0 + np.exp(-(v0 @ W + c)))
            h_sample = (rng.random(h0.shape) < h0).astype(X.dtype)
            v1 = h_sample @ W.T + b
            h1 = 1.0 / (1.0 + np.exp(-(v1 @ W + c)))
            m = v0.shape[0]
            dW = momentum * dW + learning_rate * (v0.T @ h0 - v1.T @ h1) / m
            db = momentum * db + learning_rate * (v0 - v1).mean(axis=0)
            dc = momentum * dc + learning_rate * (h0 - h1).mean(axis=0)
            W += dW
            b += db
            c += dc
            error += ((v0 - v1) ** 2).sum()
        errors.append(error / X.size)
    return W, errors


def contenders(X64, n_epochs):
    """The timed workloads, each returning seconds per epoch.

    Parameters
    ----------
    X64 : ndarray of shape (n_samples, 64)
        Standardized float64 patches.
    n_epochs : int
        Epochs per fit.

    Returns
    -------
    contenders : dict of str to callable
    """
    data = {np.float32: X64.astype(np.float32), np.float64: X64}
    binary = {dtype: minmax_scale(X) for dtype, X in data.items()}
    mlp = mlp_autoencoder(N_COMPONENTS, BATCH_SIZE, LEARNING_RATE, n_epochs, MOMENTUM)

    jobs = {}
    for dtype, tag in ((np.float32, "f32"), (np.float64, "f64")):
        X, X01 = data[dtype], binary[dtype]
        rbm = GaussianRBM(N_COMPONENTS, n_iter=n_epochs, penalty=None, random_state=0)
        brbm = BernoulliRBM(
            n_components=N_COMPONENTS,
            learning_rate=LEARNING_RATE,
            batch_size=BATCH_SIZE,
            n_iter=n_epochs,
            random_state=0,
        )
        refiner = AutoencoderRefiner(
            None, n_components=N_COMPONENTS, n_iter=n_epochs, random_state=0
        )
        jobs[f"GaussianRBM {tag}"] = (rbm.fit, X)
        jobs[f"BernoulliRBM {tag}"] = (brbm.fit, X01)
        jobs[f"AutoencoderRefiner {tag}"] = (refiner.fit, X)
        jobs[f"MLPRegressor {tag}"] = (mlp, X)
    result = {
        name: per_epoch(lambda f=f, X=X: f(X), n_epochs)
        for name, (f, X) in jobs.items()
    }
    result["textbook numpy f64"] = per_epoch(
        lambda: textbook_cd1(
            X64, N_COMPONENTS, n_epochs, BATCH_SIZE, LEARNING_RATE, MOMENTUM
        ),
        n_epochs,
    )
    return result


def gemm_seconds(m, k, n, dtype, calls=200, blocks=7):
    """Median time of one ``(m x k) @ (k x n)`` numpy matmul into a buffer.

    Parameters
    ----------
    m, k, n : int
        Matrix shapes.
    dtype : numpy dtype
    calls : int, default=200
        Products per timed block.
    blocks : int, default=7
        Timed blocks; the median block is used.

    Returns
    -------
    seconds : float
    """
    rng = np.random.default_rng(0)
    A = rng.standard_normal((m, k)).astype(dtype)
    B = rng.standard_normal((k, n)).astype(dtype)
    out = np.empty((m, n), dtype=dtype)
    samples = []
    for _ in range(blocks + 1):
        tic = time.perf_counter()
        for _ in range(calls):
            np.matmul(A, B, out=out)
        samples.append((time.perf_counter() - tic) / calls)
    return statistics.median(samples[1:])


def flops_report(times):
    """Table of skrbm CD-1 GFLOP/s next to the machine's GEMM rate.

    A CD-1 minibatch of ``n`` rows does five GEMMs of ``2 n F C`` flops:
    ``V W^T`` twice (positive and negative hiddens), ``H W`` once
    (reconstruction) and ``H^T V`` twice (the statistics), so an epoch costs
    ``10 N F C`` flops. At the seed shapes the products are
    ``(100x64)@(64x100)`` (``V W^T``) and ``(100x100)@(100x64)`` (``H W``
    and ``H^T V``). The GEMM bound is the time of exactly those five
    products per minibatch, timed alone with numpy's matmul, with the BLAS
    limited to one thread and with its default thread count.

    Parameters
    ----------
    times : dict of str to list of float
        Seconds per epoch from :func:`interleaved`.

    Returns
    -------
    table : str
    """
    n_features = N_FEATURES
    flop_epoch = 10 * N_SAMPLES * n_features * N_COMPONENTS
    n_batches = N_SAMPLES // BATCH_SIZE
    rows = []
    configs = [
        (dtype, threads) for dtype in (np.float32, np.float64) for threads in (1, None)
    ]
    for dtype, threads in configs:
        tag = "f32" if dtype == np.float32 else "f64"
        with threadpool_limits(limits=threads, user_api="blas"):
            hidden = gemm_seconds(BATCH_SIZE, n_features, N_COMPONENTS, dtype)
            visible = gemm_seconds(BATCH_SIZE, N_COMPONENTS, n_features, dtype)
            stats = gemm_seconds(N_COMPONENTS, BATCH_SIZE, n_features, dtype)
        flop_gemm = 2 * BATCH_SIZE * n_features * N_COMPONENTS
        bound = n_batches * (2 * hidden + visible + 2 * stats)
        epoch = statistics.median(times[f"GaussianRBM {tag}"])
        rows.append(
            [
                tag,
                "1" if threads else "default",
                f"{flop_gemm / hidden / 1e9:.1f}",
                f"{flop_gemm / visible / 1e9:.1f}",
                f"{flop_gemm / stats / 1e9:.1f}",
                f"{flop_epoch / bound / 1e9:.1f}",
                f"{1e3 * bound:.2f}",
                f"{1e3 * epoch:.2f}",
                f"{flop_epoch / epoch / 1e9:.2f}",
                f"{100 * bound / epoch:.0f}%",
            ]
        )
    headers = [
        "dtype",
        "BLAS threads",
        "V W^T GFLOP/s",
        "H W GFLOP/s",
        "H^T V GFLOP/s",
        "5-GEMM mix GFLOP/s",
        "GEMM-only ms/epoch",
        "skrbm ms/epoch",
        "skrbm GFLOP/s",
        "share of epoch in GEMM",
    ]
    return format_table(headers, rows)


def seed_study(X32, rbm_epochs=1000, refine_epochs=500):
    """Wall time of the seed study: three penalties, RBM then refinement.

    Parameters
    ----------
    X32 : ndarray of shape (5000, 64), float32
        Standardized patches.
    rbm_epochs, refine_epochs : int
        Epochs of the RBM and of the autoencoder refinement.

    Returns
    -------
    seconds : dict of str to float
        Wall time per penalty and in total.
    """
    settings = {"none": (None, 0.0), "l1": ("l1", 0.01), "l2": ("l2", 0.1)}
    seconds = {}
    for label, (penalty, alpha) in settings.items():
        rbm = GaussianRBM(
            N_COMPONENTS,
            n_iter=rbm_epochs,
            penalty=penalty,
            alpha=alpha,
            random_state=0,
        )
        tic = time.perf_counter()
        AutoencoderRefiner(rbm, n_iter=refine_epochs, random_state=0).fit(X32)
        seconds[label] = time.perf_counter() - tic
    seconds["total"] = sum(seconds.values())
    return seconds


def study_command():
    """The study command's own clock: ``run_study`` with its defaults.

    Everything ``python -m skrbm study`` computes (training in one process
    per core, held-out log-likelihoods, samples, the random-start
    baseline), without writing the figures.

    Returns
    -------
    n_jobs : int
        Processes used.
    seconds : float
    """
    from joblib import effective_n_jobs

    from skrbm.cli._study import StudyConfig, run_study

    config = StudyConfig(n_jobs=-1)
    return effective_n_jobs(config.n_jobs), run_study(config)["seconds"]


def main(argv=None):
    """Run the benchmark and print its tables.

    ``argv``: command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = timing_parser(__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2 epochs, 2 rounds"
    )
    parser.add_argument(
        "--study",
        action="store_true",
        help="also time the seed study: its fits in one process (~30 s), then "
        "the study command (~26 s on 2 cores)",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="limit every contender's BLAS to this many threads (default: no limit)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.repeats = 2, 2

    print(machine_info())
    print(
        f"\nseed shapes: {N_SAMPLES} x 64 patches, {N_COMPONENTS} hidden units, "
        f"batch {BATCH_SIZE}, CD-1, lr {LEARNING_RATE}, momentum {MOMENTUM}; "
        f"{args.epochs} epochs per fit, 1 warm-up + {args.repeats} rounds; "
        f"BLAS threads limited to: {args.blas_threads or 'no limit'}."
    )
    print(
        "BernoulliRBM (binary visible units) is fed min-max scaled patches: a "
        "different model at the same shapes.\n"
        "AutoencoderRefiner: estimator=None (refinement epochs only); "
        "MLPRegressor fits X -> X with the same architecture and optimiser.\n"
    )
    X64 = load_patches(N_SAMPLES)
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        times = interleaved(contenders(X64, args.epochs), args.repeats)
    pairs = [(num, den, TARGETS.get((num, den))) for num, den in TARGETS]
    pairs += [
        ("GaussianRBM f64", "BernoulliRBM f64", None),
        ("GaussianRBM f64", "textbook numpy f64", None),
        ("AutoencoderRefiner f64", "MLPRegressor f64", None),
        ("GaussianRBM f32", "GaussianRBM f64", None),
    ]
    medians, ratios = ratio_table(times, pairs, unit="ms/epoch")
    print(f"\nPer-contender medians\n{medians}")
    print(f"\nMedians of per-round ratios (lower is faster)\n{ratios}")
    print(f"\nThroughput of skrbm CD-1 against BLAS\n{flops_report(times)}")

    if args.study:
        print(
            "\nSeed study, float32: 3 x (1000 RBM epochs + 500 refinement epochs) "
            "in one process, then the study command"
        )
        seconds = seed_study(X64.astype(np.float32))
        rows = [[f"one process: {k}", f"{v:.1f}", ""] for k, v in seconds.items()]
        n_jobs, command_seconds = study_command()
        rows.append(
            [
                f"python -m skrbm study ({n_jobs} processes; with likelihoods, "
                "samples and the baseline)",
                f"{command_seconds:.1f}",
                f"< {STUDY_TARGET_SECONDS:.0f} s: "
                f"{verdict(command_seconds, STUDY_TARGET_SECONDS)}",
            ]
        )
        print(format_table(["run", "seconds", "target"], rows))

    summary = [
        f"{num} / {den} = {median_ratio(times, num, den)[0]:.3f} "
        f"(<= {target}): {verdict(median_ratio(times, num, den)[0], target)}"
        for (num, den), target in TARGETS.items()
    ]
    print("\nTargets\n" + "\n".join(summary))


if __name__ == "__main__":
    main()
