"""Goh et al.'s selectivity and sparsity regulariser (``selectivity_target``)."""

import numpy as np
import pytest
from _helpers import cd_gradient
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import rankdata

from skrbm import GaussianRBM
from skrbm._kernels import (
    ActivationTarget,
    CDWorkspace,
    Gradient,
    rank_target_table,
    ranked_targets,
)


@pytest.mark.parametrize(("n_components", "mean"), [(10, 0.2), (100, 0.05)])
def test_target_table_has_the_target_mean(n_components, mean):
    table = rank_target_table(n_components, mean)
    assert np.all(np.diff(table) > 0)
    assert table[-1] == 1.0
    assert mean <= table.mean() <= mean + 1 / n_components


def test_ranked_targets_follow_selectivity_then_sparsity_ranks():
    rng = np.random.RandomState(0)
    h0 = rng.uniform(size=(30, 12)) ** rng.uniform(0.5, 4, size=12)
    table = rank_target_table(12, 0.1)
    out = ranked_targets(h0, table, np.empty(h0.shape), np.empty_like(h0))
    # every sample gets the whole table, so the code has the target mean
    assert_array_equal(np.sort(out, axis=1), np.broadcast_to(table, out.shape))
    # within a sample, units are ordered by their rank across the minibatch
    selectivity = rankdata(h0, axis=0) + h0
    assert_array_equal(np.argsort(out, axis=1), np.argsort(selectivity, axis=1))
    # a unit that is the most active on a sample it wins in every column
    top = np.argmax(h0, axis=0)
    for unit, sample in enumerate(top):
        if np.argmax(selectivity[sample]) == unit:
            assert out[sample, unit] == 1.0


def test_positive_statistics_use_the_blended_activations():
    rng = np.random.RandomState(1)
    W = rng.normal(0, 0.5, (5, 4))
    b, c = rng.normal(0, 0.3, 4), rng.normal(0, 0.3, 5)
    v0 = rng.standard_normal((8, 4))
    table = rank_target_table(5, 0.2)
    target = ActivationTarget(table, 0.4, np.empty((8, 5)), np.empty((8, 5)))

    def step(target):
        ws = CDWorkspace(8, 4, 5, None, np.float64)
        out = Gradient(W=np.empty_like(W), b=np.empty_like(b), c=np.empty_like(c))
        _, h0 = cd_gradient(
            v0, W, b, c, np.random.default_rng(3), ws, out, target=target
        )
        return out, h0.copy()

    plain, h_plain = step(None)
    blended, h_blend = step(target)
    ideal = ranked_targets(h_plain, table, np.empty((8, 5)), np.empty((8, 5)))
    assert_allclose(h_blend, 0.6 * h_plain + 0.4 * ideal, rtol=1e-12)
    # the negative phase is untouched: the difference is the positive phase's
    shift = h_blend - h_plain
    assert_allclose(blended.c - plain.c, shift.mean(axis=0), atol=1e-12)
    assert_allclose(blended.W - plain.W, shift.T @ v0 / 8, atol=1e-12)
    assert_allclose(blended.b, plain.b, atol=1e-12)


def test_zero_blend_trains_the_same_model(patches):
    X, _ = patches
    params = dict(n_components=20, n_iter=3, random_state=0)
    plain = GaussianRBM(**params).fit(X)
    zero = GaussianRBM(**params, selectivity_target=0.05, selectivity_blend=0.0).fit(X)
    assert_array_equal(zero.components_, plain.components_)
    assert_array_equal(zero.intercept_hidden_, plain.intercept_hidden_)


def test_selectivity_target_makes_codes_sparse(patches):
    X, X_test = patches
    params = dict(n_components=50, n_iter=20, random_state=0)
    plain = GaussianRBM(**params).fit(X).transform(X_test)
    goh = GaussianRBM(**params, selectivity_target=0.05).fit(X).transform(X_test)
    # population sparsity: fewer units on per patch
    # seed 0: 14% against 52% (seeds 0-4, float32 or 64: 14-21% against 47-55%)
    assert (goh > 0.5).mean() < 0.25 < 0.4 < (plain > 0.5).mean()
    assert goh.mean() < 0.65 * plain.mean()
