"""``skrbm fit``: train a pipeline on an array streamed from disk.

(Placeholder: registered so the command line lists it; the implementation
follows.)
"""


def add_fit_parser(subparsers):
    """Register the ``fit`` subcommand."""
    return None
