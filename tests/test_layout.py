"""The library never imports the application that is built on it."""

import ast
from pathlib import Path

import pytest

import skrbm

PACKAGE = Path(skrbm.__file__).parent
APPLICATION = "skrbm.cli"
# ``python -m skrbm`` starts the application: the one module outside it
# that may import it.
ENTRY_POINT = PACKAGE / "__main__.py"


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path):
    """Every module ``path`` imports, anywhere in it, as an absolute name.

    Function-local imports count; ``from . import x`` counts as ``pkg.x``.
    """
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _is_application(module):
    return module == APPLICATION or module.startswith(APPLICATION + ".")


LIBRARY = sorted(
    path
    for path in PACKAGE.rglob("*.py")
    if path != ENTRY_POINT and not _is_application(_module_name(path))
)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_library_module_does_not_import_the_application(path):
    assert not {m for m in imported_modules(path) if _is_application(m)}


def test_every_library_module_is_checked():
    names = {_module_name(path) for path in LIBRARY}
    assert {"skrbm", "skrbm._rbm", "skrbm._stream", "skrbm.plotting"} <= names
    assert not {n for n in names if _is_application(n)}


def test_relative_and_local_imports_are_resolved():
    # the entry point's `from .cli import main`, the fit command's
    # `from .. import GaussianRBM, ...` and the edges command's
    # `from ..edges import run_edges` inside a function
    assert f"{APPLICATION}.main" in imported_modules(ENTRY_POINT)
    cli = PACKAGE / "cli"
    assert "skrbm.GaussianRBM" in imported_modules(cli / "_fit_command.py")
    assert "skrbm.edges" in imported_modules(cli / "_edges_command.py")
