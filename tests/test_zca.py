import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skrbm import ZCAWhitening

# copy=False overwrites the training data by design, which the checks that
# fit twice on the same array cannot allow (scikit-learn's own common tests
# also run PCA and StandardScaler with copy=True only).
ESTIMATORS = [ZCAWhitening(), ZCAWhitening(epsilon=1e-3, remove_mean=False)]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture
def correlated():
    rng = np.random.RandomState(0)
    return rng.standard_normal((2000, 6)) @ rng.standard_normal((6, 6)) + 3.0


def _covariance(Z):
    Z = Z - Z.mean(axis=0)
    return Z.T @ Z / Z.shape[0]


@pytest.mark.parametrize("epsilon", [1e-8, 0.1, 1.0])
def test_whitened_eigenvalues_are_lambda_over_lambda_plus_reg(correlated, epsilon):
    zca = ZCAWhitening(epsilon=epsilon, remove_mean=False).fit(correlated)
    lam = np.linalg.eigvalsh(_covariance(correlated))[::-1]
    reg = epsilon * lam.mean()
    got = np.linalg.eigvalsh(_covariance(zca.transform(correlated)))[::-1]
    np.testing.assert_allclose(got, lam / (lam + reg), rtol=1e-8, atol=1e-10)
    assert zca.regularization_ == pytest.approx(reg)


def test_small_epsilon_gives_identity_covariance(correlated):
    Z = ZCAWhitening(epsilon=1e-8, remove_mean=False).fit_transform(correlated)
    np.testing.assert_allclose(_covariance(Z), np.eye(6), atol=1e-6)


def test_whitening_matrix_is_symmetric(correlated):
    zca = ZCAWhitening().fit(correlated)
    np.testing.assert_allclose(zca.whitening_, zca.whitening_.T)
    np.testing.assert_allclose(zca.whitening_ @ zca.dewhitening_, np.eye(6), atol=1e-10)


def test_relative_epsilon_makes_output_scale_free(correlated):
    Z = ZCAWhitening().fit_transform(correlated)
    Z_scaled = ZCAWhitening().fit_transform(255.0 * correlated)
    np.testing.assert_allclose(Z_scaled, Z, atol=1e-10)


@pytest.mark.parametrize("remove_mean", [False, True])
def test_inverse_transform_round_trips(correlated, remove_mean):
    zca = ZCAWhitening(remove_mean=remove_mean).fit(correlated)
    expected = correlated
    if remove_mean:
        expected = correlated - correlated.mean(axis=1, keepdims=True)
    round_trip = zca.inverse_transform(zca.transform(correlated))
    np.testing.assert_allclose(round_trip, expected)


def test_remove_mean_zeroes_each_sample_mean(correlated):
    Z = ZCAWhitening(remove_mean=True).fit_transform(correlated)
    np.testing.assert_allclose(Z.sum(axis=1), 0.0, atol=1e-10)


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_float32_is_kept(correlated, method):
    X32 = correlated.astype(np.float32)
    zca = ZCAWhitening().fit(X32)
    out = getattr(zca, method)(X32)
    assert out.dtype == np.float32
    expected = getattr(ZCAWhitening().fit(correlated), method)(correlated)
    np.testing.assert_allclose(out, expected, rtol=1e-3, atol=1e-4)


def test_copy_false_centres_training_data_in_place(correlated):
    X = correlated.copy()
    ZCAWhitening(copy=False, remove_mean=True).fit(X)
    np.testing.assert_allclose(X.sum(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(X.sum(axis=1), 0.0, atol=1e-9)


def test_transform_leaves_input_unchanged(correlated):
    X = correlated.copy()
    ZCAWhitening(copy=False).fit(correlated.copy()).transform(X)
    np.testing.assert_array_equal(X, correlated)


def test_natural_patches_are_decorrelated(patches):
    X, _ = patches
    Z = ZCAWhitening(epsilon=1e-6, remove_mean=False).fit_transform(X)
    np.testing.assert_allclose(_covariance(Z), np.eye(X.shape[1]), atol=1e-3)
