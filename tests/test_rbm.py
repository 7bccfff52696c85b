"""Behaviour of GaussianRBM, each test asserting a measured property."""

import pickle
import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm.metrics import roughness, zero_fraction

PATCH_RBM = dict(n_components=100, n_iter=50, random_state=0)


@pytest.fixture(scope="module")
def penalised(patches):
    """RBMs fitted on natural patches with each penalty (50 epochs)."""
    X, _ = patches
    return {
        name: GaussianRBM(**PATCH_RBM, penalty=penalty, alpha=alpha).fit(X)
        for name, penalty, alpha in [
            ("none", None, 0.0),
            ("l1", "l1", 0.01),
            ("l2", "l2", 0.1),
        ]
    }


def test_l1_gives_exact_zeros_at_little_cost(penalised, patches):
    _, X_val = patches
    zeros = zero_fraction(penalised["l1"].components_).mean()
    assert zeros >= 0.4
    assert zero_fraction(penalised["none"].components_).mean() == 0.0
    mse_l1 = -penalised["l1"].score(X_val)
    mse_none = -penalised["none"].score(X_val)
    assert mse_l1 <= 1.5 * mse_none


def test_l2_shrinks_weights_and_smooths_filters(penalised):
    none, l2 = penalised["none"].components_, penalised["l2"].components_
    assert np.linalg.norm(l2) < 0.8 * np.linalg.norm(none)
    assert np.nanmean(roughness(l2)) < 0.25 * np.nanmean(roughness(none))


def test_reconstruction_beats_the_mean_by_far(penalised, patches):
    _, X_val = patches
    rbm = penalised["none"]
    rec = rbm.inverse_transform(rbm.transform(X_val))
    assert_allclose(rec, rbm.reconstruct(X_val))
    mse = np.mean((X_val - rec) ** 2)
    baseline = np.mean((X_val - X_val.mean(axis=0)) ** 2)
    assert mse < 0.1 * baseline


def test_loss_curve_records_every_epoch_and_decreases(penalised):
    curve = penalised["none"].loss_curve_
    assert len(curve) == 50 == penalised["none"].n_iter_
    assert curve[-1] < 0.5 * curve[0]
    assert all(np.isfinite(curve))


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("persistent", [False, True])
def test_fit_equals_repeated_partial_fit(X_small, shuffle, persistent):
    params = dict(
        n_components=5,
        n_iter=4,
        batch_size=16,
        shuffle=shuffle,
        persistent=persistent,
        penalty="l1",
        alpha=0.01,
        random_state=3,
    )
    fitted = GaussianRBM(**params).fit(X_small)
    streamed = GaussianRBM(**params)
    for _ in range(4):
        streamed.partial_fit(X_small)
    assert_array_equal(fitted.components_, streamed.components_)
    assert_array_equal(fitted.intercept_hidden_, streamed.intercept_hidden_)
    assert_array_equal(fitted.intercept_visible_, streamed.intercept_visible_)
    assert fitted.loss_curve_ == streamed.loss_curve_
    assert streamed.n_iter_ == 4


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_for_parameters_and_outputs(X_small, dtype):
    X = X_small.astype(dtype)
    rbm = GaussianRBM(n_components=5, n_iter=3, persistent=True, random_state=0)
    rbm.fit(X)
    for array in (
        rbm.components_,
        rbm.intercept_hidden_,
        rbm.intercept_visible_,
        rbm.h_samples_,
        rbm.transform(X),
        rbm.reconstruct(X),
        rbm.free_energy(X),
        rbm.gibbs(X),
        rbm.inverse_transform(rbm.transform(X)),
    ):
        assert array.dtype == dtype
    rbm.partial_fit(X)
    assert rbm.components_.dtype == dtype


def test_float32_and_float64_models_agree(X_small):
    params = dict(n_components=5, n_iter=5, batch_size=10, random_state=0)
    r32 = GaussianRBM(**params).fit(X_small.astype(np.float32))
    r64 = GaussianRBM(**params).fit(X_small)
    assert_allclose(r32.components_, r64.components_, atol=1e-3)


def test_transform_is_the_hidden_probability(X_small):
    rbm = GaussianRBM(n_components=4, n_iter=2, random_state=0).fit(X_small)
    logits = X_small @ rbm.components_.T + rbm.intercept_hidden_
    assert_allclose(rbm.transform(X_small), 1 / (1 + np.exp(-logits)), rtol=1e-12)


def test_free_energy_is_lower_on_training_data_than_on_noise(penalised, patches):
    X, _ = patches
    rbm = penalised["none"]
    noise = np.random.RandomState(0).standard_normal(X.shape)
    assert rbm.free_energy(X).mean() < rbm.free_energy(noise).mean() - 5


def test_gibbs_sample_is_reconstruction_plus_unit_noise(penalised, patches):
    X, _ = patches
    rbm = penalised["none"]
    before = pickle.dumps(rbm._rng.bit_generator.state)
    samples = rbm.gibbs(X)
    assert pickle.dumps(rbm._rng.bit_generator.state) == before
    residual = samples - rbm.reconstruct(X)
    # sampled hidden states add their own spread to the unit-variance noise
    assert 0.9 < residual.var() < 1.5


def test_early_stopping_restores_the_best_epoch(patches):
    X, _ = patches
    rbm = GaussianRBM(
        n_components=20,
        n_iter=200,
        early_stopping=True,
        n_iter_no_change=3,
        tol=1e-2,
        validation_fraction=0.2,
        random_state=0,
    ).fit(X)
    assert rbm.n_iter_ < 200
    assert len(rbm.validation_scores_) == rbm.n_iter_
    assert rbm.best_validation_score_ == max(rbm.validation_scores_)
    # the restored parameters reproduce the best score on the same split
    from sklearn.model_selection import train_test_split
    from sklearn.utils import check_random_state

    _, X_val = train_test_split(X, test_size=0.2, random_state=check_random_state(0))
    assert rbm.score(X_val) == pytest.approx(rbm.best_validation_score_, rel=1e-9)


def test_sparsity_target_lowers_hidden_activity(patches):
    X, _ = patches
    params = dict(n_components=50, n_iter=20, random_state=0)
    plain = GaussianRBM(**params).fit(X)
    sparse = GaussianRBM(**params, sparsity_target=0.05, sparsity_cost=3.0).fit(X)
    assert sparse.transform(X).mean() < 0.5 * plain.transform(X).mean()
    assert sparse.transform(X).mean() < 0.15


def test_identity_init_and_negative_hidden_bias_set_the_start(X_small):
    rbm = GaussianRBM(
        n_components=12,
        init="identity",
        init_scale=0.5,
        hidden_bias_init=-3.0,
        learning_rate=1e-12,
        n_iter=1,
        random_state=0,
    ).fit(X_small)
    expected = 0.5 * np.eye(12, 9)
    assert_allclose(rbm.components_, expected, atol=1e-9)
    assert_allclose(rbm.intercept_hidden_, -3.0, atol=1e-9)
    assert rbm.transform(X_small).mean() < 0.1


def test_pcd_chains_persist_across_calls(X_small):
    rbm = GaussianRBM(n_components=6, batch_size=10, persistent=True, random_state=0)
    rbm.partial_fit(X_small)
    first = rbm.h_samples_.copy()
    assert first.shape == (10, 6)
    assert set(np.unique(first)) <= {0.0, 1.0}
    rbm.partial_fit(X_small)
    assert not np.array_equal(first, rbm.h_samples_)


def test_verbose_prints_one_line_per_epoch(X_small, capsys):
    GaussianRBM(n_components=3, n_iter=4, verbose=1, random_state=0).fit(X_small)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    pattern = r"\[GaussianRBM\] Epoch (\d+), reconstruction error = [\d.]+, time = "
    assert [int(re.match(pattern, line).group(1)) for line in lines] == [1, 2, 3, 4]


def test_divergence_warning_names_the_epoch_rate_and_scaler():
    # stopping, restoring and finiteness: test_bad_input.py's divergence tests
    X = np.random.RandomState(0).standard_normal((100, 8)) * 5
    rbm = GaussianRBM(n_components=5, learning_rate=5.0, n_iter=1000, random_state=0)
    with pytest.warns(
        ConvergenceWarning,
        match=r"diverged at epoch \d+.*learning_rate=5.0.*StandardScaler",
    ):
        rbm.fit(X)


@pytest.fixture(scope="module")
def digits():
    """scikit-learn's digits, standardized (1797 x 64)."""
    from sklearn.datasets import load_digits

    return StandardScaler().fit_transform(load_digits().data)


@pytest.mark.parametrize("data", ["patches", "digits"])
def test_pcd_trains_soundly_with_its_defaults(data, request):
    X = request.getfixturevalue(data)
    X = X[0] if data == "patches" else X
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        rbm = GaussianRBM(persistent=True, n_iter=30, random_state=0).fit(X)
    # at learning_rate=0.01 the same fits blow up to scores below -1e5
    assert rbm.score(X) > -1.0
    assert np.abs(rbm.components_).max() < 1.0


def test_diverged_fit_returns_its_best_epoch(patches):
    X, _ = patches
    params = dict(persistent=True, learning_rate=0.01, momentum=0.9, random_state=0)
    with pytest.warns(ConvergenceWarning) as record:
        rbm = GaussianRBM(n_iter=30, **params).fit(X)
    (warning,) = record
    assert warning.filename == __file__
    message = str(warning.message)
    assert "persistent contrastive divergence (PCD)" in message
    assert "epoch with the lowest reconstruction error was restored" in message
    # the error grew from the second epoch on: the best epoch is the first,
    # and the warning says the fit failed rather than hand it back as sound
    assert np.argmin(rbm.loss_curve_) == 0
    assert "The fit failed: the restored model is unusable" in message
    # the data are standardized: no advice to standardize them
    assert "StandardScaler" not in message
    # replay the same epochs one by one (fit == n x partial_fit) and keep
    # the parameters of the epoch with the lowest training error
    replay = GaussianRBM(**params)
    best_loss, best = np.inf, None
    for _ in range(rbm.n_iter_):
        replay.partial_fit(X)
        if replay.loss_curve_[-1] < best_loss:
            best_loss = replay.loss_curve_[-1]
            best = replay.components_.copy()
    assert rbm.loss_curve_ == replay.loss_curve_
    assert_array_equal(rbm.components_, best)
    assert rbm.score(X) > -1.0


def test_unscaled_data_warn_once_naming_the_scaler():
    from sklearn.datasets import load_digits

    X = load_digits().data * 16  # 0-255 grey levels
    rbm = GaussianRBM(n_components=8, n_iter=3, random_state=0)
    with pytest.warns(UserWarning, match=r"median variance .*StandardScaler") as rec:
        rbm.fit(X)
    assert len(rec) == 1
    assert rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rbm.partial_fit(X)  # continuing: no second warning
