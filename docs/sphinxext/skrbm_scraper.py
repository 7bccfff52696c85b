"""Sphinx-Gallery scraper for the figures skrbm.plotting returns.

skrbm's plotting helpers build :class:`matplotlib.figure.Figure` objects
directly, without pyplot, so the standard matplotlib scraper (which asks
pyplot for its open figures) does not see them. This scraper looks in the
example's namespace for such figures that it has not saved yet. It must run
before the matplotlib scraper: it notes the figures pyplot still manages,
so that they are not saved a second time once pyplot has closed them.
"""

from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from sphinx_gallery.scrapers import figure_rst

# Figures already handled, per example file. Holding the objects (not their
# ids) keeps an id from being reused by a later figure.
_SEEN = {}


def skrbm_figures(block, block_vars, gallery_conf):
    """Save the pyplot-free figures an example block produced."""
    seen = _SEEN.setdefault(block_vars["src_file"], [])
    seen.extend(plt.figure(num) for num in plt.get_fignums())
    paths = []
    for value in list(block_vars["example_globals"].values()):
        if isinstance(value, Figure) and not any(value is fig for fig in seen):
            seen.append(value)
            path = next(block_vars["image_path_iterator"])
            value.savefig(path, dpi=gallery_conf.get("image_dpi", 100) or 100)
            paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
