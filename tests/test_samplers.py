"""The samplers of the negative phase, against the exact model statistics."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skrbm import BinaryRBM, GaussianRBM
from skrbm._cd import StepModel
from skrbm._kernels import CDWorkspace, hidden_weights
from skrbm._samplers import (
    NoiseStarted,
    ParallelTempering,
    PersistentChains,
    negative_statistics,
)
from skrbm._units import BINARY, GAUSSIAN

N_TEMPERATURES, N_CHAINS = 10, 50


def bimodal_model(seed, n_features=8, n_components=10):
    """A Gaussian RBM whose hidden units switch on far-apart modes."""
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 1.0, (n_components, n_features))
    b = rng.normal(0, 0.5, n_features)
    c = -0.5 * np.sum(W**2, axis=1) + rng.normal(0, 0.5, n_components)
    return W, b, c


def statistics(sampler, W, b, c, units, n_updates, seed):
    rng = np.random.default_rng(seed)
    return negative_statistics(sampler, W, b, c, units, n_updates, rng)


def tempering(W, b, c, units, seed):
    """A parallel-tempering sampler whose base has the model's data statistics."""
    data = units.sample_exact(W, b, c, 20000, np.random.default_rng(seed))
    rates = np.zeros(N_TEMPERATURES - 1)
    chains = np.zeros((N_TEMPERATURES, N_CHAINS, W.shape[0]))
    return ParallelTempering(chains, units.tempering_base(data), rates)


def test_parallel_tempering_statistics_beat_pcd_at_the_same_number_of_updates():
    # on models whose modes PCD's chains rarely leave, PT's error is a
    # fraction of PCD's; where PCD mixes too, the two errors are both noise
    ratios = []
    for seed in range(8):
        W, b, c = bimodal_model(seed)
        exact = GAUSSIAN.exact_statistics(W, b, c)[0]
        pcd = PersistentChains(np.zeros((N_CHAINS, W.shape[0])))
        pt = tempering(W, b, c, GAUSSIAN, seed)
        errors = [
            np.abs(statistics(sampler, W, b, c, GAUSSIAN, 100, seed) - exact).max()
            for sampler in (pcd, pt)
        ]
        ratios.append(errors[1] / errors[0])
    assert np.median(ratios) < 0.7, ratios
    assert max(ratios) < 1.2, ratios
    assert min(ratios) < 0.3, ratios


@pytest.mark.parametrize("units", [GAUSSIAN, BINARY], ids=["gaussian", "binary"])
def test_parallel_tempering_converges_to_the_exact_statistics(units):
    W, b, c = bimodal_model(0, n_features=6, n_components=6)
    if units is BINARY:
        c = np.random.default_rng(1).normal(0, 1.0, c.size)
        W = 2 * W
    exact = units.exact_statistics(W, b, c)[0]
    sampler = tempering(W, b, c, units, 0)
    estimate = statistics(sampler, W, b, c, units, 1500, 0)
    scale = np.abs(exact).max()
    assert np.abs(estimate - exact).max() < 0.05 * scale
    assert np.all((sampler.swap_rates > 0.05) & (sampler.swap_rates <= 1))


def test_hottest_chains_sample_the_base_distribution():
    W, b, c = bimodal_model(2)
    mean = np.linspace(-1, 1, W.shape[1])
    variance = np.linspace(0.5, 2.0, W.shape[1])
    chains = np.zeros((N_TEMPERATURES, 400, W.shape[0]))
    sampler = ParallelTempering(chains, (mean, variance), np.zeros(N_TEMPERATURES - 1))
    ws = CDWorkspace(400, W.shape[1], W.shape[0], 400, np.float64)
    model = StepModel(W, b, c, hidden_weights(W, c, ws.hidden), GAUSSIAN, None)
    rng = np.random.default_rng(0)
    hot = np.concatenate(
        [sampler.sweep(model, (mean, variance), rng)[0][:400].copy() for _ in range(20)]
    )
    assert_allclose(hot.mean(axis=0), mean, atol=0.05)
    assert_allclose(hot.var(axis=0), variance, rtol=0.06)


def fitted(Estimator, **params):
    """An RBM of 8 hidden units fitted for 3 epochs on 300 x 12 data."""
    X = np.random.RandomState(0).standard_normal((300, 12))
    if Estimator is BinaryRBM:
        X = (X > 0.3).astype(float)
    return Estimator(8, n_iter=3, random_state=0, **params).fit(X), X


@pytest.mark.parametrize("Estimator", [GaussianRBM, BinaryRBM])
def test_estimator_with_parallel_tempering_exposes_swap_rates(Estimator):
    rbm, _ = fitted(Estimator, sampler="pt", n_temperatures=5)
    assert rbm.h_samples_.shape == (5, 100, 8)
    assert set(np.unique(rbm.h_samples_)) <= {0.0, 1.0}
    assert rbm.swap_rates_.shape == (4,)
    assert np.all((rbm.swap_rates_ > 0) & (rbm.swap_rates_ <= 1))
    # PT's chains persist: the learning rate and momentum are PCD's
    assert rbm._learning_rate() == Estimator(persistent=True)._learning_rate()


def test_partial_fit_continues_the_tempered_chains_bit_for_bit():
    X = np.random.RandomState(0).standard_normal((300, 12)).astype(np.float32)
    settings = dict(sampler="pt", n_temperatures=4, random_state=0)
    fitted = GaussianRBM(8, n_iter=3, **settings).fit(X)
    stepped = GaussianRBM(8, **settings)
    for _ in range(3):
        stepped.partial_fit(X)
    assert_array_equal(fitted.components_, stepped.components_)
    assert_array_equal(fitted.h_samples_, stepped.h_samples_)


def test_switching_from_pcd_to_tempering_keeps_the_chains_as_the_coldest():
    X = np.random.RandomState(0).standard_normal((300, 12))
    rbm = GaussianRBM(8, persistent=True, n_iter=2, random_state=0).fit(X)
    chains = rbm.h_samples_.copy()
    rbm.set_params(sampler="pt", n_temperatures=3)
    step = rbm._make_step(X.dtype)
    assert rbm.h_samples_.shape == (3, 100, 8)
    assert_array_equal(rbm.h_samples_[-1], chains)
    assert_array_equal(rbm.h_samples_[:-1], 0)
    assert step.state[-1] is rbm.h_samples_


def test_sampler_cd_with_persistent_chains_is_refused_before_any_change():
    X = np.random.RandomState(0).standard_normal((300, 12))
    rbm = GaussianRBM(8, n_iter=2, random_state=0).fit(X)
    before = rbm.components_.copy()
    rbm.set_params(persistent=True, sampler="cd")
    for method in (rbm.fit, rbm.partial_fit):
        with pytest.raises(ValueError, match=r"persistent=True .* sampler='cd'"):
            method(X)
    assert_array_equal(rbm.components_, before)


@pytest.mark.parametrize("units", [GAUSSIAN, BINARY], ids=["gaussian", "binary"])
def test_exact_statistics_match_exact_samples(units):
    W, b, c = bimodal_model(3, n_features=5, n_components=6)
    vh, v, h = units.exact_statistics(W, b, c)
    samples = units.sample_exact(W, b, c, 100_000, np.random.default_rng(0))
    assert_allclose(samples.mean(axis=0), v, atol=0.03)
    assert vh.shape == (5, 6)
    assert h.shape == (6,)
    assert np.all((h >= 0) & (h <= 1))


@pytest.mark.parametrize("Estimator", [GaussianRBM, BinaryRBM])
def test_a_model_without_a_data_base_tempers_towards_its_own_biases(Estimator):
    # models fitted before skrbm kept the data's statistics (0.2) have none
    X = np.random.RandomState(0).standard_normal((200, 6))
    if Estimator is BinaryRBM:
        X = (X > 0).astype(float)
    rbm = Estimator(4, n_iter=2, random_state=0).fit(X)
    del rbm._tempering_base
    base = rbm._base_of_tempering(np.float64)
    assert_array_equal(base[0], rbm.intercept_visible_)
    if Estimator is GaussianRBM:
        assert_array_equal(base[1], np.ones(6))
    rbm.set_params(sampler="pt", n_temperatures=3).partial_fit(X)
    assert np.all(np.isfinite(rbm.components_))
    assert rbm.swap_rates_.shape == (2,)


def test_noise_started_chains_reach_the_exact_statistics_with_enough_steps():
    # a weakly coupled model mixes within tens of steps; one step from the
    # base leaves the statistics near the base's, far from the model's
    W, b, c = bimodal_model(4, n_features=6, n_components=6)
    W = 0.4 * W
    c = np.random.default_rng(4).normal(0, 1.0, c.size)
    exact = GAUSSIAN.exact_statistics(W, b, c)[0]
    base = (np.zeros(6), np.ones(6))
    errors = {
        steps: np.abs(
            negative_statistics(
                NoiseStarted(base, steps),
                W,
                b,
                c,
                GAUSSIAN,
                400,
                np.random.default_rng(0),
                n_chains=100,
            )
            - exact
        ).max()
        for steps in (1, 30)
    }
    scale = np.abs(exact).max()
    assert errors[30] < 0.05 * scale, errors
    assert errors[1] > 3 * errors[30], errors


@pytest.mark.parametrize("Estimator", [GaussianRBM, BinaryRBM])
def test_noise_started_chains_keep_nothing_and_take_pcd_rates(Estimator):
    rbm, X = fitted(Estimator, sampler="noise", cd_steps=3)
    assert not hasattr(rbm, "h_samples_")
    assert rbm._learning_rate() == Estimator(persistent=True)._learning_rate()
    assert rbm._momentum() == Estimator(persistent=True)._momentum()
    assert np.all(np.isfinite(rbm.components_))
    assert np.abs(rbm.components_).max() > 1e-3  # it learned
    before = rbm.components_.copy()
    rbm.set_params(persistent=True)
    with pytest.raises(ValueError, match=r"persistent=True .* sampler='noise'"):
        rbm.partial_fit(X)
    assert_array_equal(rbm.components_, before)
