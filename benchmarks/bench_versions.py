"""One minibatch step of two skrbm versions, in one process, interleaved.

Copies the ``skrbm`` package of another checkout (``--old``, e.g. a
``git worktree`` of an earlier commit) under the name ``skrbm_old``, builds
the same estimator with both, and times ``--steps`` calls of their
minibatch step on a fixed batch, alternating old and new for ``--rounds``
rounds (the first of each pair alternates too). Prints the medians and the
median of the per-round ratios new / old: the cost of a code change without
the noise of separate processes or of whole fits. Use one BLAS thread
(``OPENBLAS_NUM_THREADS=1``) on a shared machine.

Example::

    git worktree add /tmp/old <commit>
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_versions.py --old /tmp/old \\
        --shape 64x100 --dtype float32 --params "persistent=True"
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def load_old(checkout):
    """Import the ``skrbm`` package of ``checkout`` as ``skrbm_old``."""
    target = Path(tempfile.mkdtemp()) / "skrbm_old"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(Path(checkout) / "skrbm", target, ignore=ignore)
    sys.path.insert(0, str(target.parent))
    import skrbm_old

    return skrbm_old


def stepper(module, estimator, shape, dtype, params, steps):
    """``run() -> seconds per step`` of one version's minibatch step."""
    n_features, n_components = shape
    X = np.random.default_rng(0).standard_normal((500, n_features)).astype(dtype)
    if estimator == "rbm":
        model = module.GaussianRBM(n_components, n_iter=1, random_state=0, **params)
    else:
        model = module.AutoencoderRefiner(
            None, n_components=n_components, n_iter=1, random_state=0, **params
        )
    model.fit(X)
    gradient = model._make_step(X.dtype).gradient
    batch = np.ascontiguousarray(X[:100])

    def run():
        start = time.perf_counter()
        for _ in range(steps):
            gradient(batch)
        return (time.perf_counter() - start) / steps

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="checkout of the old version")
    parser.add_argument("--estimator", choices=["rbm", "refiner"], default="rbm")
    parser.add_argument("--shape", default="64x100", help="FEATURESxCOMPONENTS")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--params", default="", help="e.g. persistent=True,alpha=0")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=41)
    args = parser.parse_args()
    import skrbm

    old = load_old(args.old)
    shape = tuple(int(x) for x in args.shape.split("x"))
    params = {}
    for item in filter(None, args.params.split(",")):
        key, value = item.split("=")
        params[key] = eval(value, {})  # literals: True, 0.05, "l1"
    runs = {
        name: stepper(module, args.estimator, shape, args.dtype, params, args.steps)
        for name, module in (("old", old), ("new", skrbm))
    }
    for run in runs.values():
        run()
    times = {"old": [], "new": []}
    for i in range(args.rounds):
        for name in ("old", "new") if i % 2 else ("new", "old"):
            times[name].append(runs[name]())
    ratios = [n / o for n, o in zip(times["new"], times["old"], strict=True)]
    old_us, new_us = (1e6 * statistics.median(times[k]) for k in ("old", "new"))
    median = statistics.median(ratios)
    print(
        f"{args.estimator} {args.shape} {args.dtype} {params}: old {old_us:.1f} us, "
        f"new {new_us:.1f} us per step; new / old median {median:.3f}"
        f" (range {min(ratios):.3f}-{max(ratios):.3f})"
    )


if __name__ == "__main__":
    main()
