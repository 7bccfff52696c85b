"""Out-of-core training: one epoch of partial_fit over a .npy file on disk.

Writes a ``--rows x --features`` float32 ``.npy`` file (10,000,000 x 64,
2.6 GB, by default) into a temporary folder, chunk by chunk, then streams
it through :func:`skrbm._stream.partial_fit_chunks`: a standardizing pass
(``StandardScaler.partial_fit``, what ``skrbm fit`` does first) and one
training epoch of :class:`skrbm.GaussianRBM` (seed shapes: 100 hidden units,
minibatches of 100, CD-1). Reports each phase's throughput and the
process's peak resident set size (``ru_maxrss``, file-backed pages
included); the target is a peak below 500 MB. The file's pages are evicted
from the page cache before each pass, so reads come from disk. The folder
is deleted at the end.

Run ``nice python benchmarks/bench_memmap.py`` (``--rows 1000000`` for a
quick run).
"""

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import machine_info, peak_rss_mib
from sklearn.preprocessing import StandardScaler

import skrbm
from skrbm import GaussianRBM, partial_fit_chunks

TARGET_PEAK_MB = 500.0


def write_npy(path, n_rows, n_features, chunk_size, seed):
    """Standard normal float32 rows, written one chunk's mapping at a time.

    ``open_memmap`` writes the header and sizes the file; each chunk then
    gets a mapping of its own rows, so the written pages leave the resident
    set as each chunk is done.
    """
    header = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(n_rows, n_features)
    )
    offset = header.offset
    del header
    rng = np.random.default_rng(seed)
    row_bytes = 4 * n_features
    for start in range(0, n_rows, chunk_size):
        n = min(chunk_size, n_rows - start)
        rows = np.memmap(
            path,
            dtype=np.float32,
            mode="r+",
            offset=offset + start * row_bytes,
            shape=(n, n_features),
        )
        rng.standard_normal(rows.shape, dtype=np.float32, out=rows)
        rows.flush()
        del rows


def evict_from_page_cache(path):
    """Write the file back and drop its pages from the page cache."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def timed(function):
    tic = time.perf_counter()
    result = function()
    return result, time.perf_counter() - tic


def run(args, folder):
    path = Path(folder) / "X.npy"
    size_gb = args.rows * args.features * 4 / 1e9
    phases = []
    _, seconds = timed(
        lambda: write_npy(path, args.rows, args.features, args.chunk_size, args.seed)
    )
    phases.append(("write the .npy", seconds))
    X = np.load(path, mmap_mode="r")

    evict_from_page_cache(path)
    scaler, seconds = timed(
        lambda: partial_fit_chunks(StandardScaler(), X, chunk_size=args.chunk_size)
    )
    phases.append(("standardizing pass (StandardScaler)", seconds))

    evict_from_page_cache(path)
    rbm = GaussianRBM(
        n_components=args.n_components, batch_size=args.batch_size, random_state=0
    )
    rbm, seconds = timed(lambda: partial_fit_chunks(rbm, X, chunk_size=args.chunk_size))
    phases.append(("one GaussianRBM epoch (partial_fit)", seconds))
    assert np.all(np.isfinite(rbm.components_))
    assert np.allclose(scaler.mean_, 0.0, atol=1e-2)
    return size_gb, phases, rbm


def report(args, size_gb, phases, rbm):
    print(f"# skrbm memmap benchmark: {args.rows:,} x {args.features} float32")
    print(machine_info())
    print(
        f"\nfile {size_gb:.2f} GB, chunks of {args.chunk_size:,} rows, "
        f"{args.n_components} hidden units, batch {args.batch_size}; "
        f"skrbm {skrbm.__version__}\n"
    )
    print("| phase | seconds | samples/s | MB/s |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds in phases:
        print(
            f"| {name} | {seconds:.1f} | {args.rows / seconds:,.0f} | "
            f"{size_gb * 1e3 / seconds:,.0f} |"
        )
    peak = peak_rss_mib()
    verdict = "met" if peak < TARGET_PEAK_MB else "MISSED"
    print(
        f"\npeak RSS {peak:.0f} MB (target < {TARGET_PEAK_MB:.0f} MB: {verdict}); "
        f"last chunk's reconstruction MSE {rbm.loss_curve_[-1]:.4f}"
    )


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--features", type=int, default=64)
    p.add_argument("--chunk-size", type=int, default=100_000)
    p.add_argument("--n-components", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--dir", default=None, help="where to write the file (default: temp dir)"
    )
    return p.parse_args()


def main():
    args = parse_args()
    needed = args.rows * args.features * 4 * 1.05
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="skrbm-memmap-") as folder:
        free = shutil.disk_usage(folder).free
        if free < needed:
            raise SystemExit(
                f"{folder} has {free / 1e9:.1f} GB free, the file needs "
                f"{needed / 1e9:.1f} GB: pass a smaller --rows or another --dir."
            )
        size_gb, phases, rbm = run(args, folder)
    report(args, size_gb, phases, rbm)


if __name__ == "__main__":
    main()
