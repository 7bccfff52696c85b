"""Learned visible variances and centering: gradients, invariance, stability."""

import types

import numpy as np
import pytest
from _helpers import central_differences
from numpy.testing import assert_allclose
from scipy.special import expit
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import StandardScaler

from skrbm import AutoencoderRefiner, GaussianRBM
from skrbm._kernels import (
    Gradient,
    VisibleVariance,
    column_sum,
    log_variance_gradient,
    stacked_statistics,
)
from skrbm._likelihood import log_partition_exact, log_unnormalized, sample_exact
from skrbm.datasets import load_natural_patches
from skrbm.metrics import log_partition


def tiny_model(seed=0, n_features=3, n_components=4):
    rng = np.random.default_rng(seed)
    return {
        "W": rng.normal(0, 0.7, (n_components, n_features)),
        "b": rng.normal(0, 1.0, n_features),
        "c": rng.normal(0, 0.5, n_components),
        "z": rng.normal(0, 0.5, n_features),
    }


def mean_log_likelihood(X, W, b, c, z):
    sigma = np.exp(0.5 * z)
    return np.mean(log_unnormalized(X, W, b, c, sigma)) - log_partition_exact(
        W, b, c, sigma
    )


def kernel_gradient(X, model, n_model_samples, rng):
    """The CD-step kernels' gradient with exact model samples as the negative phase."""
    W, b, c, z = model["W"], model["b"], model["c"], model["z"]
    sigma = np.exp(0.5 * z)
    b_unit = b / sigma
    U_model = sample_exact(W, b_unit, c, n_model_samples, rng)
    V = np.vstack([X / sigma, U_model])
    H = expit(V @ W.T + c)
    n, m = len(X), n_model_samples
    weights = np.r_[np.full(n, 1 / n), np.full(m, -1 / m)]
    grad = Gradient(np.empty_like(W), np.empty_like(b), np.empty_like(c))
    stacked_statistics(V, H, weights, grad.W, np.empty_like(V), np.empty_like(H))
    column_sum(V, weights, grad.b)
    column_sum(H, weights, grad.c)
    views = types.SimpleNamespace(V=V, weights=weights, scratch_V=np.empty_like(V))
    variance = VisibleVariance(
        sigma, 1 / sigma, np.empty_like(z), np.empty_like(z), np.empty_like(z), 1.0
    )
    grad_z = log_variance_gradient(views, W, b_unit, grad, variance)
    # the bias gradient in data units is the unit-space one divided by sigma
    return {"W": grad.W, "b": grad.b / sigma, "c": grad.c, "z": grad_z}


def finite_differences(X, model, name):
    return central_differences(
        lambda **params: mean_log_likelihood(X, **params), model, name
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_gradients_match_finite_differences_of_the_exact_log_likelihood(seed):
    model = tiny_model(seed)
    rng = np.random.default_rng(seed)
    sigma = np.exp(0.5 * model["z"])
    X = sample_exact(model["W"] * 0.5, model["b"] / sigma, model["c"], 400, rng)
    X = X * sigma + 0.3  # data the model does not fit exactly
    kernel = kernel_gradient(X, model, 400_000, rng)
    for name in ("z", "b", "c", "W"):
        exact = finite_differences(X, model, name)
        assert np.abs(exact).max() > 0.1, name  # a gradient worth checking
        # Monte Carlo error of 400k model samples: about 0.003
        assert_allclose(kernel[name], exact, atol=0.01, err_msg=name)


PATCHES = load_natural_patches(1000, standardize=False, random_state=0)
#: the learned-variance recipe of the user guide, shortened
RECIPE = {
    "learn_variance": True,
    "centering": True,
    "persistent": True,
    "learning_rate": 0.003,
    "variance_rate": 1.0,
}


def test_centering_makes_training_invariant_to_a_shift_of_the_data():
    shift = np.linspace(-4, 9, PATCHES.shape[1])
    fits = {}
    for centering in (False, True):
        rbm = GaussianRBM(
            8, n_iter=10, persistent=True, centering=centering, random_state=0
        )
        fits[centering] = [clone_fit(rbm, PATCHES), clone_fit(rbm, PATCHES + shift)]
    plain, centered = fits[False], fits[True]
    # without centering the shift changes the weights 100 times more
    assert np.abs(plain[0].components_ - plain[1].components_).max() > 1e-3
    assert_allclose(centered[0].components_, centered[1].components_, atol=1e-5)
    assert_allclose(
        centered[0].intercept_visible_ + shift,
        centered[1].intercept_visible_,
        atol=1e-5,
    )
    assert_allclose(
        centered[0].transform(PATCHES),
        centered[1].transform(PATCHES + shift),
        atol=1e-4,
    )


def test_learned_variance_with_centering_ignores_the_units_of_each_feature():
    scale = np.linspace(0.5, 30.0, PATCHES.shape[1])
    shift = np.linspace(-4, 9, PATCHES.shape[1])
    # invariant in exact arithmetic; at momentum 0.9 PCD amplifies rounding
    rbm = GaussianRBM(8, n_iter=10, random_state=0, **RECIPE).set_params(momentum=0.5)
    a, b = clone_fit(rbm, PATCHES), clone_fit(rbm, PATCHES * scale + shift)
    assert_allclose(a.components_, b.components_, atol=1e-3)
    assert_allclose(a.visible_variance_ * scale**2, b.visible_variance_, rtol=1e-3)
    # the density of the rescaled data is the density of the data over |scale|
    ll_a = a.log_likelihood(PATCHES, method="exact")
    ll_b = b.log_likelihood(PATCHES * scale + shift, method="exact")
    assert_allclose(ll_a - np.sum(np.log(scale)), ll_b, atol=0.05)


def clone_fit(estimator, X):
    return clone(estimator).fit(X)


@pytest.mark.parametrize("params", [{}, RECIPE], ids=["CD-1 defaults", "recipe"])
def test_variances_stay_finite_and_off_their_bounds_on_raw_patches(params):
    X = PATCHES[:500]
    data_variance = X.var(axis=0)
    for seed in range(5):
        rbm = GaussianRBM(16, n_iter=200, random_state=seed, **params)
        rbm.set_params(learn_variance=True).fit(X)
        ratio = rbm.visible_variance_ / data_variance
        assert np.all(np.isfinite(rbm.components_))
        assert len(rbm.loss_curve_) == 200  # no divergence rollback
        assert ratio.min() > 1e-4 * 1.5 and ratio.max() < 2.0 / 1.5, seed


def test_learned_variance_on_raw_patches_beats_standardized_unit_variance():
    # held-out log-likelihood in the raw data's units: the scaler's Jacobian
    # -sum(log scale) turns the standardized model's density into one
    X = load_natural_patches(2500, standardize=False, random_state=0)
    X_train, X_test = X[:2000], X[2000:]
    scaler = StandardScaler().fit(X_train)
    jacobian = -np.sum(np.log(scaler.scale_))
    for seed in range(3):
        unit = GaussianRBM(10, n_iter=50, random_state=seed)
        unit.fit(scaler.transform(X_train))
        ll_unit = unit.log_likelihood(scaler.transform(X_test), method="exact")
        learned = GaussianRBM(10, n_iter=50, random_state=seed, **RECIPE)
        ll_learned = learned.fit(X_train).log_likelihood(X_test, method="exact")
        assert ll_learned.mean() > ll_unit.mean() + jacobian + 1.0, seed


@pytest.fixture(scope="module")
def learned():
    X = load_natural_patches(1000, patch_size=4, standardize=False, random_state=0)
    rbm = GaussianRBM(6, n_iter=30, random_state=0, **RECIPE).fit(X)
    # raw pixel values in [0, 1]: variances near 0.1, far from one
    assert np.abs(np.log(rbm.visible_variance_)).min() > 1.0
    return rbm, X


def test_likelihood_is_minus_free_energy_minus_log_z_with_variances(learned):
    rbm, X = learned
    log_z = log_partition(rbm, method="exact").estimate
    assert_allclose(
        rbm.log_likelihood(X, log_partition=log_z), -rbm.free_energy(X) - log_z
    )
    # log Z of the unit-variance model in units of sigma, plus sum(log sigma)
    sigma = np.sqrt(rbm.visible_variance_)
    unit = log_partition_exact(
        rbm.components_, rbm.intercept_visible_ / sigma, rbm.intercept_hidden_
    )
    assert_allclose(log_z, unit + np.sum(np.log(sigma)))


def test_samples_have_the_models_moments(learned):
    rbm, _ = learned
    sigma = np.sqrt(rbm.visible_variance_)
    W, b, c = rbm.components_, rbm.intercept_visible_, rbm.intercept_hidden_
    rng = np.random.default_rng(0)
    exact = sample_exact(W, b / sigma, c, 200_000, rng) * sigma
    gibbs = rbm.sample(4000, n_steps=200, thin=5, random_state=0)
    assert_allclose(gibbs.mean(axis=0), exact.mean(axis=0), atol=0.1 * sigma.mean())
    assert_allclose(gibbs.std(axis=0), exact.std(axis=0), rtol=0.1)
    # the variances are far from one: unit-variance sampling would be off
    assert np.abs(np.log(sigma)).min() > 0.5


def test_refiner_unrolls_the_variances_into_encoder_and_decoder(learned):
    rbm, X = learned
    refiner = AutoencoderRefiner(FrozenEstimator(rbm), n_iter=1, learning_rate=1e-12)
    refiner.fit(X)
    assert_allclose(refiner.transform(X), rbm.transform(X), rtol=1e-6)
    assert_allclose(refiner.reconstruct(X), rbm.reconstruct(X), rtol=1e-6)
    with pytest.raises(ValueError, match="tied=True needs an RBM with unit visible"):
        refiner.set_params(tied=True).fit(X)


def test_unit_variance_models_report_unit_variances():
    rbm = GaussianRBM(4, n_iter=2, random_state=0).fit(PATCHES[:200] / 0.3)
    assert_allclose(rbm.visible_variance_, 1.0)
