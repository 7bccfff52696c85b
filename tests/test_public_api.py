"""Every public module says what it exports, and exports nothing else.

A public module is one whose dotted name has no part starting with an
underscore. Its ``__all__`` lists the names users may rely on; any other
public-looking attribute (an import such as ``np`` or ``warnings``, or an
internal helper) would show in tab completion and ``inspect`` beside the
API, so it must carry a leading underscore.
"""

import importlib
import pkgutil
import types

import pytest

import skrbm


def _is_public(name):
    return not any(part.startswith("_") for part in name.split("."))


def public_modules():
    """Names of skrbm's public modules, found by walking the package."""
    found = ["skrbm"]
    for info in pkgutil.walk_packages(skrbm.__path__, prefix="skrbm."):
        if _is_public(info.name):
            found.append(info.name)
    return sorted(found)


PUBLIC_MODULES = public_modules()


def test_the_known_public_modules_are_found():
    expected = {
        "skrbm",
        "skrbm.cli",
        "skrbm.datasets",
        "skrbm.density",
        "skrbm.edges",
        "skrbm.exceptions",
        "skrbm.metrics",
        "skrbm.plotting",
    }
    missing = expected - set(PUBLIC_MODULES)
    assert missing == set(), f"public modules not found: {sorted(missing)}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_module_has_all(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    exported = list(module.__all__)
    assert len(exported) > 0, f"{name}.__all__ is empty"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_name_in_all_is_importable(name):
    module = importlib.import_module(name)
    missing = {
        attr for attr in getattr(module, "__all__", ()) if not hasattr(module, attr)
    }
    assert missing == set(), f"{name}.__all__ names missing attributes: " + ", ".join(
        sorted(missing)
    )


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_attribute_is_in_all(name):
    module = importlib.import_module(name)
    # Importing every public module first puts each public subpackage
    # module on its parent as an attribute (``skrbm.metrics`` on ``skrbm``):
    # those are allowed, any other module object (``np``) is not.
    for other in PUBLIC_MODULES:
        importlib.import_module(other)
    public_submodules = {
        attr
        for attr, value in vars(module).items()
        if isinstance(value, types.ModuleType)
        and value.__name__ == f"{name}.{attr}"
        and _is_public(value.__name__)
    }
    public = {attr for attr in vars(module) if not attr.startswith("_")}
    offenders = public - set(getattr(module, "__all__", ())) - public_submodules
    assert offenders == set(), (
        f"{name} has public attributes not in __all__ (give them a leading "
        "underscore or export them): " + ", ".join(sorted(offenders))
    )


def test_the_metrics_keep_their_documented_names():
    from skrbm import metrics

    assert set(metrics.__all__) == {
        "GaborFit",
        "LogPartition",
        "gabor_fit",
        "gabor_fraction",
        "localisation",
        "localization",
        "log_likelihood",
        "log_likelihood_scorer",
        "log_partition",
        "roughness",
        "summarize_filters",
        "zero_fraction",
    }
