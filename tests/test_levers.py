"""The training levers of Melchior, Wang and Wiskott (2017), one at a time.

``hidden_bias_init="component"``, the per-parameter learning-rate factors
of the biases, the cap on each hidden unit's weight update, and the
density recipe built from them (:func:`skrbm.density.density_recipe`).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skrbm import BinaryRBM, GaussianRBM
from skrbm._rbm_base import COMPONENT_WEIGHT
from skrbm._units import units_of
from skrbm.density import density_recipe
from skrbm.metrics import log_likelihood


def data(Estimator, n_samples=200, n_features=7, seed=0):
    X = np.random.RandomState(seed).standard_normal((n_samples, n_features))
    X = X * np.linspace(0.5, 2.0, n_features) + np.linspace(-1, 1, n_features)
    return (X > 0.2).astype(float) if Estimator is BinaryRBM else X


def initialized(Estimator, **params):
    """A model right after initialisation: one update at a negligible rate."""
    X = data(Estimator)
    params = {"learning_rate": 1e-12, "n_iter": 1, "batch_size": 200, **params}
    return Estimator(5, init_scale=0.7, random_state=0, **params).fit(X)


@pytest.mark.parametrize(
    ("Estimator", "params"),
    [
        (GaussianRBM, {}),
        (GaussianRBM, {"learn_variance": True}),
        (GaussianRBM, {"learn_variance": True, "centering": True}),
        (BinaryRBM, {}),
        (BinaryRBM, {"centering": True}),
    ],
    ids=["gaussian", "variance", "centered", "binary", "binary-centered"],
)
def test_component_bias_gives_each_one_unit_state_the_set_weight(Estimator, params):
    rbm = initialized(Estimator, hidden_bias_init="component", **params)
    W, b, c, _ = rbm._unit_model(np.float64)
    # the exact log weights of all 2^5 hidden states; state 2^j has unit j on
    log_weights = units_of(rbm).hidden_log_weights(W, b, c)
    one_on = log_weights[2 ** np.arange(5)[::-1]] - log_weights[0]
    assert_allclose(np.exp(one_on), COMPONENT_WEIGHT, rtol=1e-6)
    # the biases differ unit by unit: they depend on each unit's weights
    assert np.ptp(c) > 0.1


def one_step(Estimator, X, **params):
    """One full-batch update at momentum 0 from the same initial state."""
    settings = {"momentum": 0.0, "batch_size": len(X), "n_iter": 1}
    settings.update(learning_rate=0.05, init_scale=0.3, penalty=None)
    settings.update(params)
    return Estimator(6, random_state=0, **settings).fit(X)


@pytest.mark.parametrize("Estimator", [GaussianRBM, BinaryRBM])
def test_bias_rates_scale_each_bias_update_and_nothing_else(Estimator):
    X = data(Estimator)
    plain = one_step(Estimator, X)
    scaled = one_step(Estimator, X, visible_bias_rate=0.5, hidden_bias_rate=2.0)
    initial = one_step(Estimator, X, learning_rate=1e-12)
    moved = {
        name: getattr(plain, name) - getattr(initial, name)
        for name in ("intercept_visible_", "intercept_hidden_")
    }
    assert np.abs(moved["intercept_visible_"]).max() > 1e-4
    assert np.abs(moved["intercept_hidden_"]).max() > 1e-4
    assert_allclose(
        scaled.intercept_visible_ - initial.intercept_visible_,
        0.5 * moved["intercept_visible_"],
        rtol=1e-6,
        atol=1e-12,
    )
    assert_allclose(
        scaled.intercept_hidden_ - initial.intercept_hidden_,
        2.0 * moved["intercept_hidden_"],
        rtol=1e-6,
        atol=1e-12,
    )
    assert_array_equal(scaled.components_, plain.components_)


def test_zero_rates_keep_both_biases_at_their_initial_values_through_training():
    X = data(GaussianRBM)
    rbm = GaussianRBM(
        6,
        learn_variance=True,
        visible_bias_rate=0,
        hidden_bias_rate=0,
        hidden_bias_init=-1.5,
        n_iter=5,
        random_state=0,
    ).fit(X)
    assert_allclose(rbm.intercept_visible_, X.mean(axis=0))
    assert_array_equal(rbm.intercept_hidden_, -1.5)
    assert np.abs(rbm.visible_variance_ - X.var(axis=0)).max() > 1e-3  # trained


@pytest.mark.parametrize("learn_variance", [False, True])
def test_update_norm_cap_shortens_long_rows_of_the_weight_update_only(learn_variance):
    X = data(GaussianRBM)
    initial = one_step(GaussianRBM, X, learning_rate=1e-12)
    free = one_step(GaussianRBM, X, learn_variance=learn_variance)
    update = free.components_ - initial.components_
    norms = np.linalg.norm(update, axis=1)
    cap = np.median(norms)
    capped = one_step(
        GaussianRBM, X, learn_variance=learn_variance, max_update_norm=cap
    )
    new = capped.components_ - initial.components_
    expected = update * np.minimum(1.0, cap / norms)[:, None]
    assert_allclose(new, expected, rtol=1e-5, atol=1e-12)
    assert np.sum(norms > cap) >= 2  # some rows were capped, others not
    assert np.sum(norms <= cap) >= 2


def sparse_whitened(seed, n_samples=6000, n_features=8):
    """Whitened mixtures of sparse sources (each on 15% of the time)."""
    rng = np.random.RandomState(seed)
    shape = (n_samples, n_features)
    S = rng.standard_normal(shape) * (rng.uniform(size=shape) < 0.15)
    S += 0.1 * rng.standard_normal(shape)
    X = S @ rng.standard_normal((n_features, n_features))
    X -= X.mean(axis=0)
    values, vectors = np.linalg.eigh(X.T @ X / n_samples)
    return X @ vectors / np.sqrt(values)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_density_recipe_leaves_the_gaussian_where_the_defaults_stay(seed):
    Z = sparse_whitened(seed)
    train, test = Z[:5000], Z[5000:]
    gaussian = -0.5 * (test**2).sum(axis=1).mean() - 4 * np.log(2 * np.pi)
    gains = {}
    for name, params in {
        "recipe": density_recipe(12),
        "defaults": {"n_components": 12, "learn_variance": True},
    }.items():
        rbm = GaussianRBM(**{**params, "n_iter": 30}, random_state=seed).fit(train)
        gains[name] = log_likelihood(rbm, test).mean() - gaussian  # exact log Z
    assert gains["recipe"] > 0.5, gains
    assert abs(gains["defaults"]) < 0.05, gains
