"""The study's samples picture."""

import numpy as np
import pytest

from skrbm._study_figures import samples_figure, tile_patches


def test_tile_patches_keeps_values_and_separates_tiles():
    patches = np.arange(4 * 6, dtype=float).reshape(4, 6) - 10.0
    mosaic = tile_patches(patches, patch_shape=(2, 3))
    assert mosaic.shape == (2 * 3 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(mosaic[:2, :3], patches[0].reshape(2, 3))
    np.testing.assert_array_equal(mosaic[3:, 4:], patches[3].reshape(2, 3))
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 3]).all()


def test_samples_figure_shares_one_grey_scale_set_by_the_data():
    rng = np.random.RandomState(0)
    X_val = rng.uniform(-1.5, 1.5, size=(20, 64))
    samples = {"l1": 5.0 * rng.standard_normal((16, 64)), "l2": np.zeros((16, 64))}
    fig = samples_figure(X_val, samples, sample_steps=7)
    limit = np.abs(X_val[:16]).max()
    assert len(fig.axes) == 3
    for ax, patches in zip(
        fig.axes, [X_val[:16], samples["l1"], samples["l2"]], strict=True
    ):
        image = ax.images[0]
        assert image.get_clim() == pytest.approx((-limit, limit))
        np.testing.assert_array_equal(image.get_array().data, tile_patches(patches))
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == [
        "validation patches",
        "l1 RBM",
        "l2 RBM",
    ]
    title = fig._suptitle.get_text()
    assert "7 Gibbs steps" in title and f"black -{limit:.2f}" in title


def test_samples_figure_shows_a_square_that_every_panel_fills():
    rng = np.random.RandomState(0)
    fig = samples_figure(rng.randn(20, 64), {"l1": rng.randn(64, 64)}, 10)
    for ax in fig.axes:
        assert ax.images[0].get_array().shape == (4 * 9 - 1, 4 * 9 - 1)
