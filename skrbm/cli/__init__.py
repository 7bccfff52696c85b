"""The skrbm application: the command line, ``skrbm`` or ``python -m skrbm``.

``skrbm study`` reproduces the weight-decay study on natural image patches,
``skrbm fit`` trains on a ``.npy`` file streamed from disk and ``skrbm
edges`` learns edge filters. The application (its commands, the study,
their figures, argument types and progress reporting) is built on the
library's public API; nothing in the library imports it.
"""

from ._main import build_parser, main

__all__ = ["build_parser", "main"]
