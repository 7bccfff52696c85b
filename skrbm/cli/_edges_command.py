"""``skrbm edges``: learn edge filters from natural photos and measure them."""

import json
from pathlib import Path

import numpy as np

from ._argtypes import add_images_option, add_run_options, add_subcommand

EDGES_HELP = """\
Train a GaussianRBM with the edge recipe (ZCA-whitened 8x8 patches scaled
to a common contrast, selective hidden units, learned visible variances)
on the photos that ship with scikit-learn, fit a 2-D Gabor function to
every learned filter, and write the filter grid, an orientation/frequency
plot and the measured share of Gabor-like filters (R^2 >= 0.8, an envelope
wider than a pixel and at least half a carrier cycle inside it) to --out.
About 7 seconds of training on 2 cores; --quick halves the data and the
epochs.
"""


def add_edges_parser(subparsers):
    """The ``edges`` subcommand and its options."""
    p = add_subcommand(
        subparsers,
        "edges",
        "edge (Gabor-like) filters from whitened natural image patches",
        EDGES_HELP,
        run_edges_command,
    )
    add_images_option(p)
    p.add_argument(
        "--quick", action="store_true", help="half the patches and half the epochs"
    )
    add_run_options(p, "skrbm-edges", "output folder for the figures and the summary")
    return p


def edges_summary(result):
    """JSON-serialisable figures of an edges run."""
    fit = result["fit"]
    return {
        "gabor_fraction": fit.fraction,
        "n_filters": len(fit),
        "n_gabor": int(np.sum(fit.is_gabor)),
        "r2_at_least_0.8": float(np.mean(fit.r2 >= 0.8)),
        "median_r2": float(np.nanmedian(fit.r2)),
        "train_seconds": result["train_seconds"],
        "recipe": result["recipe"],
        "filters": {k: np.asarray(v).tolist() for k, v in fit.as_dict().items()},
    }


def edges_markdown(summary):
    """A short Markdown report of an edges run."""
    return (
        f"Gabor-like filters: {summary['n_gabor']} of {summary['n_filters']} "
        f"({summary['gabor_fraction']:.0%}); R^2 >= 0.8: "
        f"{summary['r2_at_least_0.8']:.0%}; median R^2 "
        f"{summary['median_r2']:.2f}; training {summary['train_seconds']:.1f} s.\n"
    )


def run_edges_command(args, argv):
    """Run the edge recipe and write its outputs; return the exit code."""
    from ..edges import run_edges
    from ..plotting import plot_gabor_summary
    from ._images import filter_image, save_figure, save_image

    if not args.quiet:
        print("Training the edge recipe...", flush=True)
    result = run_edges(images=args.images, quick=args.quick, random_state=args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rbm = result["pipeline"]["rbm"]
    save_image(out / "filters.png", filter_image(rbm, result["patch_shape"]))
    save_figure(plot_gabor_summary(result), out / "gabor_summary.png", dpi=100)
    summary = edges_summary(result)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "summary.md").write_text(edges_markdown(summary))
    if not args.quiet:
        print(edges_markdown(summary), end="")
        print(f"Wrote 4 files to {out}/")
    return 0
