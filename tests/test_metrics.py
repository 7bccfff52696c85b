"""Filter metrics, and the spelling they had in 0.1."""

import warnings

import numpy as np
import pytest

from skrbm.metrics import localization, summarize_filters


def _filters():
    spot = np.eye(1, 64, 27)[0]
    uniform = np.ones(64)
    rng = np.random.RandomState(0)
    return np.vstack([spot, uniform, np.zeros(64), rng.standard_normal(64)])


def test_localization_is_one_for_a_spot_and_zero_for_a_uniform_filter():
    spot, uniform, empty, noise = localization(_filters())
    assert spot == pytest.approx(1.0)
    assert uniform == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(empty)
    assert 0.0 < noise < 0.5


def test_summary_holds_the_mean_localization():
    summary = summarize_filters(_filters())
    assert list(summary) == [
        "zero_fraction",
        "mean_abs_weight",
        "roughness",
        "localization",
    ]
    assert summary["localization"] == np.nanmean(localization(_filters()))


def test_old_spelling_of_localization_warns_and_gives_the_same_values():
    from skrbm.metrics import localisation

    with pytest.warns(FutureWarning, match="renamed localization"):
        old = localisation(_filters())
    np.testing.assert_array_equal(old, localization(_filters()))


def test_old_summary_key_warns_and_gives_the_same_value():
    summary = summarize_filters(_filters())
    with pytest.warns(FutureWarning, match="'localisation' key .* 'localization'"):
        assert summary["localisation"] == summary["localization"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(KeyError):
            summary["locality"]
