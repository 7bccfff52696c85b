"""``python -m skrbm``: see :mod:`skrbm.cli`."""

from .cli import main

raise SystemExit(main())
