"""How GaussianRBM's epoch time and peak memory scale with the problem size.

One axis is varied at a time from the seed point (5000 x 64 float32
patches, 100 hidden units, batch 100): the number of samples (5k, 50k,
500k), of hidden units (100, 400, 1600) and the batch size (10, 100, 1000).
Every configuration runs in a fresh Python process, which reports its peak
RSS after fitting; a baseline process per data size only imports the same
modules and builds the data. The difference is what training costs in
memory, to be compared with what the algorithm needs (minibatch buffers of
``batch x (n_features + n_components)``, a few copies of the parameters and
the epoch's permutation of ``N`` indices) and with what an
``N x n_components`` buffer would take.

Run ``python benchmarks/bench_scaling.py``.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from _common import (
    BATCH_SIZE,
    LEARNING_RATE,
    N_COMPONENTS,
    N_FEATURES,
    N_SAMPLES,
    format_table,
    load_patches,
    machine_info,
    peak_rss_mib,
    reset_peak_rss,
    run_fresh,
)
from sklearn.exceptions import ConvergenceWarning

from skrbm import GaussianRBM

AXES = {
    "n_samples": [5000, 50_000, 500_000],
    "n_components": [100, 400, 1600],
    "batch_size": [10, 100, 1000],
}
SEED = {"n_samples": N_SAMPLES, "n_components": N_COMPONENTS, "batch_size": BATCH_SIZE}
MIB = 2.0**20


def n_epochs_for(n_samples):
    """Timed epochs for a data size: 10 at the seed size, 2 from 50k samples.

    Parameters
    ----------
    n_samples : int

    Returns
    -------
    n_epochs : int
    """
    return max(2, min(10, 50_000 // n_samples))


def learning_rate_for(n_components):
    """The seed learning rate, scaled down for wide models so they stay stable.

    With 1600 hidden units and the seed's 0.01, CD-1 with momentum 0.9
    diverges in the first epoch (and a diverged epoch stops early, so it
    would look fast). The cost of an epoch does not depend on the rate.

    Parameters
    ----------
    n_components : int

    Returns
    -------
    learning_rate : float
        ``LEARNING_RATE * min(1, N_COMPONENTS / n_components)``.
    """
    return LEARNING_RATE * min(1.0, N_COMPONENTS / n_components)


def measure(n_samples, n_components, batch_size, n_epochs):
    """Fit a float32 GaussianRBM and report its time per epoch and peak RSS.

    Meant to run in a fresh process (see ``_common.run_fresh``). With
    ``n_epochs=0`` only the data is built: the baseline. Once the data is
    built, the peak RSS is reset to the current RSS (where Linux allows), so
    that the transient memory of building the data does not mask the
    memory used by training.

    One epoch is fitted first (warm-up: BLAS threads, page faults), then
    ``n_epochs`` further epochs are timed one by one with ``partial_fit``.

    Parameters
    ----------
    n_samples, n_components, batch_size : int
        Configuration.
    n_epochs : int
        Timed epochs; 0 for the data-only baseline.

    Returns
    -------
    result : dict
        ``rss_mib`` (peak RSS), ``data_mib``, ``reset`` (whether the peak
        could be reset after building the data) and, when fitting,
        ``ms_per_epoch`` (median over the timed epochs) and ``diverged``
        (whether a ConvergenceWarning was raised).
    """
    X = load_patches(n_samples, np.float32)
    result = {"data_mib": X.nbytes / MIB, "reset": reset_peak_rss()}
    if n_epochs:
        rbm = GaussianRBM(
            n_components,
            learning_rate=learning_rate_for(n_components),
            batch_size=batch_size,
            n_iter=1,
            penalty=None,
            random_state=0,
        )
        seconds = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            rbm.fit(X)
            for _ in range(n_epochs):
                tic = time.perf_counter()
                rbm.partial_fit(X)
                seconds.append(time.perf_counter() - tic)
        result["ms_per_epoch"] = 1e3 * statistics.median(seconds)
        # A diverged epoch stops early: its time would mean nothing.
        result["diverged"] = any(
            issubclass(w.category, ConvergenceWarning) for w in caught
        )
    result["rss_mib"] = peak_rss_mib()
    return result


def expected_mib(n_samples, n_components, batch_size, itemsize=4):
    """Memory the algorithm itself needs beyond the data, in MiB.

    Minibatch buffers (positive and negative rows stacked, so twice the
    batch: visibles, hiddens, their scratch copies and the uniforms, plus
    one ``batch x n_features`` difference), nine float32 arrays of the size
    of the weights (weights, velocity, gradient, the divergence guard's
    copies of weights and velocity, the float64 initial draw, which counts
    twice, and a small model's transposed copy and second gradient buffer)
    and the epoch's permutation of ``n_samples`` int64 indices.

    Parameters
    ----------
    n_samples, n_components, batch_size : int
    itemsize : int, default=4
        Bytes per value (float32).

    Returns
    -------
    mib : float
    """
    buffers = batch_size * (5 * N_FEATURES + 6 * n_components)
    weights = 9 * n_components * N_FEATURES
    return (itemsize * (buffers + weights) + 8 * n_samples) / MIB


def configurations():
    """The seed point and every one-axis variation of it, without repeats.

    Returns
    -------
    configs : list of tuple
        ``(axis, config dict)``; axis is "seed" for the seed point.
    """
    configs = [("seed", dict(SEED))]
    for axis, values in AXES.items():
        for value in values:
            if value != SEED[axis]:
                configs.append((axis, {**SEED, axis: value}))
    return configs


def main(argv=None):
    """Run every configuration in its own process and print the table.

    ``argv``: command-line arguments (default: ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print(machine_info())
    print(
        "\nGaussianRBM float32, CD-1, 64 features; one fresh process per row. "
        "ms/epoch: median of the timed epochs after one warm-up epoch.\n"
    )
    baselines = {}
    rows = []
    tic = time.perf_counter()
    for axis, config in configurations():
        n = config["n_samples"]
        if n not in baselines:
            baselines[n] = run_fresh("bench_scaling", "measure", **config, n_epochs=0)
        base = baselines[n]
        n_epochs = n_epochs_for(n)
        result = run_fresh("bench_scaling", "measure", **config, n_epochs=n_epochs)
        increment = result["rss_mib"] - base["rss_mib"]
        per_sample_buffer = n * config["n_components"] * 4 / MIB
        rows.append(
            [
                axis,
                f"{n:,}",
                config["n_components"],
                config["batch_size"],
                n_epochs,
                f"{result['ms_per_epoch']:.1f}"
                + (" (diverged)" if result["diverged"] else ""),
                f"{learning_rate_for(config['n_components']):g}",
                f"{1e6 * result['ms_per_epoch'] / n:.2f}",
                f"{result['data_mib']:.1f}",
                f"{base['rss_mib']:.0f}",
                f"{result['rss_mib']:.0f}",
                f"{increment:+.1f}",
                f"{expected_mib(**config):.1f}",
                f"{per_sample_buffer:.0f}",
            ]
        )
        print(f"  {axis} {config} done", flush=True)
    headers = [
        "axis",
        "N",
        "n_components",
        "batch",
        "epochs",
        "ms/epoch",
        "lr",
        "ns/sample",
        "data MiB",
        "baseline RSS MiB",
        "peak RSS MiB",
        "increment MiB",
        "algorithm needs MiB",
        "one N x n_comp buffer MiB",
    ]
    print()
    print(format_table(headers, rows))
    print(
        "\nincrement = peak RSS after fitting - peak RSS of a process that only "
        "imports and builds the same data (both peaks reset once the data is "
        "built); 'algorithm needs' = minibatch buffers + parameter copies + "
        "permutation (see expected_mib)."
    )
    if not all(b["reset"] for b in baselines.values()):
        print(
            "warning: /proc/self/clear_refs was not writable, so the peaks "
            "include the transient memory of building the data."
        )
    print(f"total time {time.perf_counter() - tic:.0f} s")


if __name__ == "__main__":
    main()
