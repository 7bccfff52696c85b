"""Plotting helpers on tiny models."""

import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from skrbm import GaussianRBM
from skrbm.plotting import (
    plot_components,
    plot_loss_curves,
    plot_patches,
    plot_reconstructions,
    tile_filters,
)


@pytest.fixture(scope="module")
def tiny_rbm():
    X = np.random.RandomState(0).standard_normal((50, 16))
    return GaussianRBM(n_components=6, n_iter=3, random_state=0).fit(X), X


def test_tiles_are_scaled_symmetrically_and_separated():
    W = np.array([[1.0, -2.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0], [3.0, 3.0, 3.0, -3.0]])
    mosaic = tile_filters(W, n_cols=2)
    # two rows of 2x2 tiles with a one-pixel NaN gap
    assert mosaic.shape == (5, 5)
    np.testing.assert_allclose(mosaic[:2, :2], [[0.5, -1.0], [0.0, 0.25]])
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 2]).all()
    np.testing.assert_array_equal(mosaic[:2, 3:], 0.0)
    assert np.nanmax(np.abs(mosaic)) == 1.0


def test_plot_components_draws_one_grid(tiny_rbm):
    rbm, _ = tiny_rbm
    fig = plot_components(rbm, title="tiny")
    assert isinstance(fig, Figure)
    image = fig.axes[0].images[0]
    assert image.get_array().shape == (2 * 5 - 1, 3 * 5 - 1)
    assert image.get_clim() == (-1, 1)
    assert fig.axes[0].get_title() == "tiny"


def test_plot_patches_keeps_values_and_separates_tiles():
    patches = np.arange(4 * 6, dtype=float).reshape(4, 6) - 10.0
    image = plot_patches(patches, patch_shape=(2, 3)).axes[0].images[0]
    mosaic = image.get_array()
    assert mosaic.shape == (2 * 3 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(mosaic[:2, :3], patches[0].reshape(2, 3))
    np.testing.assert_array_equal(mosaic[3:, 4:], patches[3].reshape(2, 3))
    assert mosaic.mask[2].all() and mosaic.mask[:, 3].all()
    # one scale for all tiles, symmetric about zero: the largest |value|
    assert image.get_clim() == (-13.0, 13.0)


def test_plot_patches_draws_into_an_ax_on_the_scale_given():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    patches = np.random.RandomState(0).standard_normal((5, 16))
    assert plot_patches(patches, vmax=0.5, ax=ax) is fig
    assert ax.images[0].get_clim() == (-0.5, 0.5)
    # five 4x4 tiles fill two rows of a three-column grid
    assert ax.images[0].get_array().shape == (2 * 5 - 1, 3 * 5 - 1)


def test_plot_loss_curves_uses_a_log_scale(tiny_rbm):
    rbm, _ = tiny_rbm
    fig = plot_loss_curves({"rbm": rbm, "list": [1.0, 0.5, 0.25]})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), rbm.loss_curve_)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.0, 0.5, 0.25])


def test_plot_reconstructions_has_a_row_per_model(tiny_rbm):
    rbm, X = tiny_rbm
    fig = plot_reconstructions(X, {"rbm": rbm, "zeros": np.zeros_like(X)}, n_samples=5)
    assert len(fig.axes) == 3 * 5
    np.testing.assert_allclose(
        fig.axes[5].images[0].get_array(), rbm.reconstruct(X)[0].reshape(4, 4)
    )


def test_non_square_filters_need_a_patch_shape():
    with pytest.raises(ValueError, match="not a square patch; pass patch_shape"):
        tile_filters(np.ones((2, 6)))
    assert tile_filters(np.ones((2, 6)), patch_shape=(2, 3), n_cols=2).shape == (2, 7)


def test_missing_matplotlib_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(
        ImportError,
        match=r"pip install matplotlib \(or, from a clone of skrbm, "
        r"pip install '\.\[plot\]'\)",
    ):
        plot_components(np.ones((4, 4)))


def test_figures_are_pyplots_so_savefig_and_show_see_them(tiny_rbm, tmp_path):
    import matplotlib.pyplot as plt
    from PIL import Image

    rbm, _ = tiny_rbm
    fig = plot_components(rbm)
    assert plt.gcf() is fig
    plt.savefig(tmp_path / "filters.png")
    pixels = np.asarray(Image.open(tmp_path / "filters.png").convert("L"))
    # the grid, not a blank page: mid grey, black and white tiles
    assert pixels.std() > 20


def test_an_ax_is_drawn_into_without_a_new_figure(tiny_rbm):
    import matplotlib.pyplot as plt

    rbm, _ = tiny_rbm
    fig, ax = plt.subplots()
    assert plot_components(rbm, ax=ax) is fig
    assert plt.get_fignums() == [fig.number]
