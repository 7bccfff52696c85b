"""Helpers shared by the skrbm benchmark scripts.

Data loading, the interleaved (round-robin) timing loop, medians of
per-round ratios, table printing, machine description and peak-RSS
measurement in fresh subprocesses. The machine these benchmarks run on is
usually shared, so every comparison is made within a round and summarised
by medians rather than by means or best times.
"""

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent

#: Patches drawn per call when building a large data set chunk by chunk.
CHUNK = 5000

#: The seed configuration: 5000 x 64 patches, 100 hidden units, batch 100.
N_SAMPLES, N_FEATURES, N_COMPONENTS, BATCH_SIZE = 5000, 64, 100, 100
LEARNING_RATE, MOMENTUM = 0.01, 0.9


def load_patches(n_samples, dtype=np.float64):
    """Standardized 8x8 natural image patches, built with a small peak memory.

    The first :data:`CHUNK` rows are the seed data set,
    ``skrbm.datasets.load_natural_patches(5000)``. Larger sets are filled
    chunk by chunk into one preallocated array (chunk ``i`` drawn with
    ``random_state=i`` and standardized on its own), so that building the
    data never needs much more memory than the data itself: the peak RSS of
    a process that only loads the data is then a fair baseline.

    Parameters
    ----------
    n_samples : int
        Number of patches.
    dtype : numpy dtype, default=np.float64
        Dtype of the returned array.

    Returns
    -------
    X : ndarray of shape (n_samples, 64)
        C-contiguous patches.
    """
    from skrbm.datasets import load_natural_patches

    X = np.empty((n_samples, N_FEATURES), dtype=dtype)
    for i, start in enumerate(range(0, n_samples, CHUNK)):
        stop = min(start + CHUNK, n_samples)
        X[start:stop] = load_natural_patches(stop - start, random_state=i)
    return X


def minmax_scale(X):
    """Scale every feature of ``X`` to ``[0, 1]``, keeping its dtype.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    X_scaled : ndarray of shape (n_samples, n_features)
    """
    low, high = X.min(axis=0), X.max(axis=0)
    return ((X - low) / np.where(high > low, high - low, 1)).astype(X.dtype)


def mlp_autoencoder(n_components, batch_size, learning_rate, n_epochs, momentum=0.9):
    """``fit(X)``: scikit-learn's MLPRegressor fitted X -> X like the refiner.

    Logistic hidden layers (one of ``n_components`` units, or the widths of
    a tuple), plain SGD with classical momentum, no weight decay, shuffled
    minibatches, and exactly ``n_epochs`` epochs (no tolerance-based stop;
    its ConvergenceWarning is silenced).

    Parameters
    ----------
    n_components : int or tuple of int
        Hidden layer widths.
    batch_size : int
    learning_rate : float
    n_epochs : int
    momentum : float, default=0.9

    Returns
    -------
    fit : callable
        ``fit(X)`` fits a fresh copy on ``X -> X``.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    mlp = MLPRegressor(
        hidden_layer_sizes=tuple(np.atleast_1d(n_components)),
        activation="logistic",
        solver="sgd",
        momentum=momentum,
        nesterovs_momentum=False,
        learning_rate_init=learning_rate,
        batch_size=batch_size,
        alpha=0.0,
        max_iter=n_epochs,
        tol=0.0,
        n_iter_no_change=10**9,
        shuffle=True,
        random_state=0,
    )

    def fit(X):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp.fit(X, X)

    return fit


def per_epoch(fit, n_epochs):
    """Wrap ``fit()`` (which runs ``n_epochs`` epochs) as seconds per epoch.

    Parameters
    ----------
    fit : callable
        Runs the whole training.
    n_epochs : int

    Returns
    -------
    timed : callable
        ``timed() -> seconds per epoch``.
    """

    def timed():
        tic = time.perf_counter()
        fit()
        return (time.perf_counter() - tic) / n_epochs

    return timed


def interleaved(contenders, repeats, warmup=True, verbose=True):
    """Time several contenders in alternation, one call of each per round.

    Each round calls every contender once; the starting contender rotates
    from round to round so that no contender always runs first (right after
    the same neighbour) or last. An optional warm-up round is run first and
    discarded (imports, BLAS thread start-up, page faults, caches).

    Parameters
    ----------
    contenders : dict of str to callable
        ``name -> fn``; ``fn()`` runs the workload and returns the measured
        quantity (e.g. seconds per epoch), or None to have its wall time
        used.
    repeats : int
        Number of measured rounds.
    warmup : bool, default=True
        Run one unrecorded round first.
    verbose : bool, default=True
        Print a progress line per round.

    Returns
    -------
    times : dict of str to list of float
        Per-round measurements, in round order, for every contender.
    """
    names = list(contenders)
    times = {name: [] for name in names}
    rounds = ([False] if warmup else []) + [True] * repeats
    for r, record in enumerate(rounds):
        tic = time.perf_counter()
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            value = contenders[name]()
            if value is None:
                value = time.perf_counter() - start
            if record:
                times[name].append(value)
        if verbose:
            label = f"round {len(times[names[0]])}/{repeats}" if record else "warm-up"
            print(f"  {label} done in {time.perf_counter() - tic:.1f} s", flush=True)
    return times


def median_ratio(times, numerator, denominator):
    """Median over rounds of ``times[numerator][r] / times[denominator][r]``.

    Ratios are formed within a round, where both contenders saw about the
    same machine load, before taking the median.

    Parameters
    ----------
    times : dict of str to list of float
        Output of :func:`interleaved`.
    numerator, denominator : str
        Contender names.

    Returns
    -------
    median : float
    ratios : list of float
        The per-round ratios.
    """
    ratios = [a / b for a, b in zip(times[numerator], times[denominator], strict=True)]
    return statistics.median(ratios), ratios


def spread(values):
    """Relative half-range of ``values`` around their median, in percent.

    Parameters
    ----------
    values : list of float

    Returns
    -------
    spread : float
        ``50 * (max - min) / median``.
    """
    return 50.0 * (max(values) - min(values)) / statistics.median(values)


def verdict(value, target, higher_is_better=False):
    """``"PASS"`` or ``"MISS (...)"`` for a value against its target.

    Parameters
    ----------
    value, target : float
    higher_is_better : bool, default=False
        Whether the target is a lower bound (speed-up) rather than an upper
        bound (ratio, time).

    Returns
    -------
    verdict : str
        For a miss, also by how much the value is off the target, in percent.
    """
    ok = value >= target if higher_is_better else value <= target
    if ok:
        return "PASS"
    return f"MISS (by {100.0 * abs(value - target) / target:.0f}%)"


def format_table(headers, rows):
    """Render rows as an aligned plain-text (and Markdown) table.

    Parameters
    ----------
    headers : list of str
    rows : list of list
        Cells, converted with ``str``.

    Returns
    -------
    table : str
    """
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return (
            "| "
            + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            + " |"
        )

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *map(line, cells[1:])])


def ratio_table(times, pairs, scale=1e3, unit="ms"):
    """Per-contender medians and medians of per-round ratios, as tables.

    Parameters
    ----------
    times : dict of str to list of float
        Output of :func:`interleaved`.
    pairs : list of tuple
        ``(numerator, denominator, target)``; ``target`` is an upper bound
        on the median ratio, or None for an informative ratio.
    scale : float, default=1e3
        Factor applied to the medians for display.
    unit : str, default="ms"
        Unit of the scaled medians.

    Returns
    -------
    medians_table, ratios_table : str
    """
    medians = [
        [name, f"{scale * statistics.median(v):.2f}", f"+-{spread(v):.0f}%", len(v)]
        for name, v in times.items()
    ]
    ratios = []
    for num, den, target in pairs:
        med, per_round = median_ratio(times, num, den)
        ratios.append(
            [
                f"{num} / {den}",
                f"{med:.3f}",
                f"{min(per_round):.3f}..{max(per_round):.3f}",
                "-" if target is None else f"<= {target}",
                "-" if target is None else verdict(med, target),
            ]
        )
    return (
        format_table(["contender", f"median {unit}", "spread", "rounds"], medians),
        format_table(
            ["ratio (per round)", "median", "range", "target", "verdict"], ratios
        ),
    )


def machine_info():
    """A short description of the machine and of the numerical stack.

    Returns
    -------
    info : str
        CPU model and count, Python, numpy, scipy, scikit-learn versions and
        the BLAS libraries threadpoolctl finds (with their thread counts).
    """
    import os

    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    model = platform.processor() or "unknown CPU"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for row in lscpu.splitlines():
            if row.startswith("Model name:"):
                model = row.split(":", 1)[1].strip()
    except OSError:
        pass
    blas = [
        f"{p['internal_api']} {p.get('version')} ({p['prefix']}, "
        f"{p.get('architecture', '?')}, {p['num_threads']} threads)"
        for p in threadpool_info()
        if p["user_api"] == "blas"
    ]
    return "\n".join(
        [
            f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
            f"machine: {model}, {os.cpu_count()} cores, {platform.platform()}",
            f"python {platform.python_version()}, numpy {np.__version__}, "
            f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}",
            "BLAS: " + "; ".join(blas),
            f"load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
        ]
    )


def peak_rss_mib():
    """Peak resident set size of this process so far, in MiB.

    Returns
    -------
    rss : float
        ``getrusage(RUSAGE_SELF).ru_maxrss`` (KiB on Linux) in MiB.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak_rss():
    """Reset this process's peak RSS to its current RSS, where Linux allows.

    Writing ``5`` to ``/proc/self/clear_refs`` resets the high-water mark
    that ``getrusage`` reports, so transient memory used earlier (e.g. while
    building the data) does not hide what comes after.

    Returns
    -------
    done : bool
        False when the kernel refused (the peak then includes the past).
    """
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def run_fresh(module, function, **kwargs):
    """Call ``module.function(**kwargs)`` in a fresh Python process.

    The function must return something JSON-serialisable; it is printed by
    the child as the last line of its standard output and parsed here. A
    fresh process per configuration keeps peak-RSS measurements of one
    configuration from being inflated by another.

    Parameters
    ----------
    module : str
        Name of a module in the ``benchmarks`` folder.
    function : str
        Name of the function to call.
    **kwargs
        JSON-serialisable keyword arguments.

    Returns
    -------
    result : object
        The function's return value, decoded from JSON.
    """
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(BENCH_DIR)!r})\n"
        f"from {module} import {function} as f\n"
        "print(json.dumps(f(**json.loads(sys.argv[1]))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(kwargs)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module}.{function}({kwargs}) failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def timing_parser(doc, epochs_help="epochs per fit", repeats_help="measured rounds"):
    """An argument parser with the ``--epochs`` and ``--repeats`` options.

    Parameters
    ----------
    doc : str
        The script's docstring; its first line describes the parser.
    epochs_help, repeats_help : str
        Help of the two options.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20, help=epochs_help)
    parser.add_argument("--repeats", type=int, default=7, help=repeats_help)
    return parser
