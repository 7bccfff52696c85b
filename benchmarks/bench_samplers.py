"""Cost of parallel tempering against PCD, per temperature, over model shapes.

For each shape (visible -> hidden, minibatch size) and dtype, times an
epoch of ``GaussianRBM`` with ``sampler="pcd"`` and with ``sampler="pt"``
at ``--temperatures`` temperatures, in alternation (one warm-up round,
then ``--repeats`` rounds), and prints medians of per-round ratios:

- ``PT / PCD``: a whole PT epoch against a PCD epoch;
- ``per temperature``: ``PT / (n_temperatures * PCD)``, the cost of each
  temperature's chains against a full PCD step (target: at most 1.2);
- ``extra temperature``: ``(PT - PCD) / ((n_temperatures - 1) * PCD)``,
  what each temperature beyond the first adds.

The data are standard normal (only the shapes matter). Run
``python benchmarks/bench_samplers.py`` (``--shapes 784x500x100`` to pick
shapes).
"""

import warnings

import numpy as np
from _common import format_table, interleaved, machine_info, per_epoch, timing_parser

from skrbm import GaussianRBM

#: (n_features, n_components, batch_size, n_samples)
SHAPES = [(64, 100, 100, 5000), (784, 500, 100, 5000), (256, 1024, 256, 5120)]


def fitter(X, n_components, batch_size, n_epochs, **params):
    def fit():
        rbm = GaussianRBM(
            n_components,
            batch_size=batch_size,
            n_iter=n_epochs,
            learning_rate=0.001,
            random_state=0,
            **params,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a diverged fit would look fast
            rbm.fit(X)

    return per_epoch(fit, n_epochs)


def run_shape(shape, dtype, n_temperatures, args):
    n_features, n_components, batch_size, n_samples = shape
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, n_features)).astype(dtype)
    contenders = {
        "pcd": fitter(X, n_components, batch_size, args.epochs, sampler="pcd"),
        "pt": fitter(
            X,
            n_components,
            batch_size,
            args.epochs,
            sampler="pt",
            n_temperatures=n_temperatures,
        ),
    }
    times = interleaved(contenders, args.repeats, verbose=False)
    rounds = list(zip(times["pt"], times["pcd"], strict=True))
    whole = np.median([pt / pcd for pt, pcd in rounds])
    per = whole / n_temperatures
    extra = np.median([(pt - pcd) / ((n_temperatures - 1) * pcd) for pt, pcd in rounds])
    label = f"{n_features}->{n_components} b{batch_size}"
    pcd_ms = 1e3 * np.median(times["pcd"])
    pt_ms = 1e3 * np.median(times["pt"])
    ratios = [f"{whole:.2f}", f"{per:.2f}", f"{extra:.2f}"]
    return [label, np.dtype(dtype).name, f"{pcd_ms:.1f}", f"{pt_ms:.1f}", *ratios]


def main():
    parser = timing_parser(__doc__, repeats_help="measured rounds")
    parser.set_defaults(epochs=2, repeats=5)
    parser.add_argument("--temperatures", type=int, default=10)
    parser.add_argument("--shapes", nargs="*", help="e.g. 784x500x100")
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    args = parser.parse_args()
    shapes = SHAPES
    if args.shapes:
        shapes = []
        for text in args.shapes:
            d, h, b = (int(x) for x in text.split("x"))
            shapes.append((d, h, b, 50 * b))
    print(machine_info())
    rows = [
        run_shape(shape, dtype, args.temperatures, args)
        for shape in shapes
        for dtype in args.dtypes
    ]
    headers = ["shape", "dtype", "PCD ms/epoch", "PT ms/epoch", "PT / PCD"]
    headers += ["per temperature", "extra temperature"]
    print(format_table(headers, rows))


if __name__ == "__main__":
    main()
