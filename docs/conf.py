"""Sphinx configuration of the skrbm documentation."""

import os
import socket
from pathlib import Path

from docutils import nodes
from threadpoolctl import threadpool_limits

import skrbm

# The gallery multiplies small matrices. On a busy machine, several BLAS
# threads per process spin against each other and make those products
# a hundred times slower, so the examples run with one.
_BLAS_LIMIT = threadpool_limits(limits=1, user_api="blas")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

project = "skrbm"
author = "skrbm developers"
copyright = "skrbm developers"
version = release = skrbm.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext"}
templates_path = ["_templates"]
exclude_patterns = ["_build", "_static", "**.ipynb_checkpoints", "auto_examples/*.md"]
default_role = "literal"

# -- API reference -----------------------------------------------------------

autosummary_generate = True
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_xref_param_type = False
# Every section a reader needs (parameters with their types and
# descriptions, return values, a summary line) is checked, so a missing or
# malformed section fails the -W build. Left out on purpose: a See Also
# section, an Examples section and an extended summary on every method
# (SA01, EX01, ES01), scikit-learn's "self : object" style of naming
# returned values (RT02), and SS05, which reads summaries such as "Minus
# the mean squared error" as third-person verbs.
numpydoc_validation_checks = {
    "GL02", "GL03", "GL05", "GL06", "GL07", "GL08", "GL09", "GL10",
    "SS01", "SS02", "SS03", "SS04", "SS06",
    "PR01", "PR02", "PR03", "PR04", "PR05", "PR06", "PR07", "PR08", "PR09",
    "PR10",
    "RT01", "RT03", "RT04", "RT05",
    "YD01",
}  # fmt: skip
# Methods inherited from scikit-learn are scikit-learn's to document.
numpydoc_validation_exclude = {
    r"\.get_params$",
    r"\.set_params$",
    r"\.set_output$",
    r"\.fit_transform$",
    r"\.get_feature_names_out$",
    r"\.get_metadata_routing$",
    # a NamedTuple's members: tuple's own methods and the field aliases
    # namedtuple writes (the fields are documented as the class's Parameters)
    r"\.LogPartition\.\w+$",
    r"\.ChunkProgress\.\w+$",
}

# -- Cross-references to other projects --------------------------------------


def _online(host="scikit-learn.org"):
    """Whether inventories can be fetched (an offline build must still pass -W)."""
    try:
        socket.create_connection((host, 443), timeout=3).close()
    except OSError:
        return False
    return True


intersphinx_mapping = {}
if os.environ.get("SKRBM_DOCS_OFFLINE") is None and _online():
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
    }

# Labels of scikit-learn's user guide that docstrings inherited from
# scikit-learn refer to. Intersphinx resolves them when online; these links
# stand in when it cannot (offline builds).
_SKLEARN = "https://scikit-learn.org/stable/"
_SKLEARN_LABELS = {
    "metadata_routing": "metadata_routing.html",
    "df_output_transform": "developers/develop.html#developer-api-for-set-output",
    "sphx_glr_auto_examples_miscellaneous_plot_set_output.py": (
        "auto_examples/miscellaneous/plot_set_output.html"
    ),
}


def _link_sklearn_labels(app, env, node, contnode):
    if node.get("reftype") != "ref" or node.get("reftarget") not in _SKLEARN_LABELS:
        return None
    url = _SKLEARN + _SKLEARN_LABELS[node["reftarget"]]
    return nodes.reference("", "", contnode, refuri=url, internal=False)


def setup(app):
    app.connect("missing-reference", _link_sklearn_labels)


# -- Gallery -----------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "doc_module": ("skrbm",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skrbm": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    "show_memory": False,
    "image_scrapers": ("matplotlib",),
}

# -- Benchmark results -------------------------------------------------------

# performance.rst includes benchmarks/README.md when it exists (it is written
# by the benchmark scripts' authors), and otherwise says where it will be.
_BENCHMARKS = ROOT / "benchmarks" / "README.md"
_BENCHMARKS_INC = DOCS / "generated" / "benchmarks.inc"
_BENCHMARKS_INC.parent.mkdir(exist_ok=True)
if _BENCHMARKS.is_file():
    _BENCHMARKS_INC.write_text(
        ".. include:: /../benchmarks/README.md\n   :parser: myst_parser.sphinx_\n"
    )
else:
    _BENCHMARKS_INC.write_text(
        ".. note::\n\n   No benchmark results in this checkout yet: run\n"
        "   ``make bench`` and see ``benchmarks/README.md``.\n"
    )

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skrbm {version}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "getting_started": []}
html_show_sourcelink = False
