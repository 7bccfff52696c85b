"""The top-level parser and the entry point of the command line."""

import argparse
import sys

from .. import __version__
from ._edges_command import add_edges_parser
from ._fit_command import add_fit_parser
from ._study_command import add_study_parser


def build_parser():
    """The top-level argument parser."""
    parser = argparse.ArgumentParser(
        prog="skrbm",
        description="Gaussian-Bernoulli RBMs for scikit-learn: experiments "
        "from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"skrbm {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    add_study_parser(subparsers)
    add_fit_parser(subparsers)
    add_edges_parser(subparsers)
    return parser


def main(argv=None):
    """Entry point; returns the process exit code.

    Expected failures (missing or unreadable images, impossible settings,
    missing optional dependencies) print one line to stderr and return 2.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args, argv)
    except (OSError, ValueError, ImportError) as exc:
        print(f"skrbm: error: {exc}", file=sys.stderr)
        return 2
