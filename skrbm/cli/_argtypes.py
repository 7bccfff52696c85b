"""Argument types, choices and options shared by the command-line subcommands."""

import argparse

# Command-line spelling of the ``penalty`` parameter.
PENALTIES = {"none": None, "l1": "l1", "l2": "l2", "elasticnet": "elasticnet"}


def _number(text, convert, accept, expected):
    value = convert(text)
    if not accept(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text}")
    return value


def positive_int(text):
    """argparse type: an integer >= 1."""
    return _number(text, int, lambda v: v >= 1, "a positive integer")


def positive_float(text):
    """argparse type: a number > 0."""
    return _number(text, float, lambda v: v > 0, "a number > 0")


def non_negative_float(text):
    """argparse type: a number >= 0."""
    return _number(text, float, lambda v: v >= 0, "a number >= 0")


def n_jobs_int(text):
    """argparse type: a process count as joblib takes it (-1: every core)."""
    return _number(
        text, int, lambda v: v != 0, "a non-zero integer (a count, -1: every core)"
    )


class DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows ``(default: ...)`` only where a default means something.

    Not for required options, flags (``store_true``/``store_false``, whose
    default is only the absence of the flag) or options whose default is
    None.
    """

    def _get_help_string(self, action):
        flag = isinstance(
            action, (argparse._StoreTrueAction, argparse._StoreFalseAction)
        )
        if action.required or flag or action.default is None:
            return action.help
        return super()._get_help_string(action)


def add_subcommand(subparsers, name, summary, description, run):
    """A subcommand parser whose ``--help`` shows the defaults.

    Parameters
    ----------
    subparsers : argparse subparsers action
    name, summary, description : str
        Name, one-line help and ``--help`` text of the subcommand.
    run : callable
        ``run(args, argv) -> exit code``.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = subparsers.add_parser(
        name,
        help=summary,
        description=description,
        formatter_class=DefaultsHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


def add_images_option(parser):
    """``--images PATH...``: the user's own photos."""
    parser.add_argument(
        "--images",
        nargs="+",
        metavar="PATH",
        default=None,
        help="your own photos (files or folders, any format Pillow reads) "
        "instead of scikit-learn's sample photos",
    )


def add_run_options(parser, out_default, out_help):
    """``--seed``, ``--out`` and ``--quiet``, common to every subcommand."""
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    if out_default is None:
        parser.add_argument("--out", required=True, help=out_help)
    else:
        parser.add_argument("--out", default=out_default, help=out_help)
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing (files are still written)"
    )
