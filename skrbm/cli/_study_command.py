"""``skrbm study``: the weight-decay study on natural image patches."""

from ._argtypes import (
    PENALTIES,
    add_images_option,
    add_run_options,
    add_subcommand,
    n_jobs_int,
    non_negative_float,
    positive_int,
)

STUDY_HELP = """\
Train Gaussian-Bernoulli RBMs with no weight decay, L1 and L2 on natural
image patches, refine each as an autoencoder, and write filter grids, loss
curves, reconstructions and a summary table to --out. The defaults are the
reference experiment: 5000 standardized 8x8 grey patches from the photos
that ship with scikit-learn, 100 hidden units, batch 100, learning rate
0.01, momentum 0.9, 1000 RBM epochs and 500 refinement epochs.
"""


#: Where ``study --quick`` writes unless ``--out`` is given.
QUICK_OUT = "skrbm-study-quick"


def add_study_parser(subparsers):
    """The ``study`` subcommand and its options."""
    p = add_subcommand(
        subparsers,
        "study",
        "the weight-decay study on natural image patches",
        STUDY_HELP,
        run_study_command,
    )
    add_images_option(p)
    p.add_argument(
        "--patch-size",
        type=positive_int,
        default=8,
        help="side of the square patches, in pixels",
    )
    p.add_argument(
        "--n-patches",
        type=positive_int,
        default=5000,
        help="number of training patches",
    )
    p.add_argument(
        "--n-validation",
        type=positive_int,
        default=1000,
        help="number of held-out validation patches",
    )
    p.add_argument(
        "--n-components", type=positive_int, default=100, help="number of hidden units"
    )
    p.add_argument(
        "--epochs", type=positive_int, default=1000, help="RBM training epochs"
    )
    p.add_argument(
        "--refine-epochs",
        type=positive_int,
        default=500,
        help="autoencoder refinement epochs",
    )
    p.add_argument(
        "--penalties",
        nargs="+",
        default=["none", "l1", "l2"],
        choices=list(PENALTIES),
        help="weight-decay penalties to compare",
    )
    p.add_argument(
        "--alphas",
        nargs="+",
        type=non_negative_float,
        default=[0.0, 0.01, 0.1],
        help="decay strength of each penalty, in the same order",
    )
    p.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the randomly initialised autoencoder baseline",
    )
    p.add_argument(
        "--float64",
        dest="dtype",
        action="store_const",
        const="float64",
        default="float32",
        help="train in float64 instead of float32",
    )
    p.add_argument(
        "--n-jobs",
        type=n_jobs_int,
        default=-1,
        help="processes training the models side by side (-1: one per core; "
        "every model trains with one BLAS thread in any process, so the "
        "figures do not depend on it, only the seconds)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="a seconds-long run: 1000 patches, 30 RBM and 20 "
        "refinement epochs (explicit options still win)",
    )
    add_run_options(
        p,
        "skrbm-study",
        "output folder for figures and summaries (with --quick: "
        "skrbm-study-quick, so that a quick run never overwrites a full one)",
    )
    return p


def study_config(args, explicit):
    """A StudyConfig from parsed options; ``explicit`` names options given."""
    from ._study import QUICK, StudyConfig

    fields = dict(
        penalties=tuple(args.penalties),
        alphas=tuple(args.alphas),
        n_patches=args.n_patches,
        n_validation=args.n_validation,
        patch_size=args.patch_size,
        n_components=args.n_components,
        epochs=args.epochs,
        refine_epochs=args.refine_epochs,
        baseline=args.baseline,
        dtype=args.dtype,
        images=args.images,
        seed=args.seed,
        n_jobs=args.n_jobs,
    )
    if args.quick:
        fields.update({k: v for k, v in QUICK.items() if k not in explicit})
    return StudyConfig(**fields)


def _explicit_options(argv):
    return {
        a.lstrip("-").replace("-", "_").split("=")[0] for a in argv if a[:2] == "--"
    }


def run_study_command(args, argv):
    """Run the study and write its outputs; return the exit code."""
    from ._progress import Progress
    from ._study import run_study, summary_markdown, write_outputs

    explicit = _explicit_options(argv)
    config = study_config(args, explicit)
    out = args.out
    if args.quick and "out" not in explicit:
        out = QUICK_OUT
    result = run_study(config, Progress(enabled=not args.quiet))
    paths = write_outputs(result, out)
    if not args.quiet:
        print(summary_markdown(result))
        print(f"Wrote {len(paths)} files to {out}/")
    return 0
