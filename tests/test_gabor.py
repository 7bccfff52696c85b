import numpy as np
import pytest
from scipy.optimize import approx_fprime

from skrbm._gabor import canonical_params, gabor, gabor_jacobian, spectral_peaks
from skrbm.metrics import GaborFit, gabor_fit, gabor_fraction

Y, X = np.indices((8, 8)).reshape(2, -1).astype(np.float64)


def _angle_error(a, b):
    """Distance between orientations, which are defined modulo pi."""
    return np.abs((np.asarray(a) - b + np.pi / 2) % np.pi - np.pi / 2)


@pytest.fixture(scope="module")
def gabor_params():
    """Twelve well-formed 8x8 Gabors: several orientations, frequencies, phases."""
    rng = np.random.RandomState(0)
    thetas = np.linspace(0, np.pi, 12, endpoint=False)
    return np.array(
        [
            [1.0, 3.5, 3.5, t, 1.5, 2.0, f, p, 0.1]
            for t, f, p in zip(
                thetas,
                rng.uniform(0.18, 0.35, 12),
                rng.uniform(-np.pi, np.pi, 12),
                strict=True,
            )
        ]
    )


@pytest.fixture(scope="module")
def gabor_result(gabor_params):
    rng = np.random.RandomState(1)
    filters = np.array([gabor(p, X, Y) for p in gabor_params])
    return gabor_fit(filters + 0.02 * rng.standard_normal(filters.shape))


def test_jacobian_matches_finite_differences():
    params = np.array([1.3, 3.2, 4.1, 0.7, 1.4, 2.1, 0.23, 0.4, 0.1])
    numeric = np.array(
        [
            approx_fprime(params, lambda p, i=i: gabor(p, X, Y)[i], 1e-7)
            for i in range(64)
        ]
    )
    np.testing.assert_allclose(gabor_jacobian(params, X, Y), numeric, atol=1e-5)


def test_canonical_params_describe_the_same_function():
    params = np.array([-1.0, 3.0, 4.0, 4.0, 1.5, 2.0, 0.25, 2.5, 0.3])
    canonical = canonical_params(params)
    np.testing.assert_allclose(gabor(canonical, X, Y), gabor(params, X, Y), atol=1e-12)
    assert canonical[0] > 0
    assert 0 <= canonical[3] < np.pi
    assert -np.pi < canonical[7] <= np.pi


def test_spectral_peak_finds_the_carrier():
    image = np.cos(2 * np.pi * 0.25 * X).reshape(8, 8)
    freq, theta = spectral_peaks(image, n_peaks=1)[0]
    assert freq == pytest.approx(0.25)
    assert _angle_error(theta, 0.0) < 1e-12


def test_synthetic_gabors_fit_well(gabor_result):
    assert np.all(gabor_result.r2 > 0.95)
    assert np.all(gabor_result.is_gabor)
    assert gabor_result.fraction == 1.0


def test_synthetic_gabor_orientation_recovered(gabor_result, gabor_params):
    assert np.all(_angle_error(gabor_result.orientation, gabor_params[:, 3]) < 0.1)


def test_synthetic_gabor_frequency_recovered(gabor_result, gabor_params):
    np.testing.assert_allclose(gabor_result.frequency, gabor_params[:, 6], atol=0.02)


def test_synthetic_gabor_envelope_recovered(gabor_result, gabor_params):
    expected = np.sqrt(gabor_params[:, 4] * gabor_params[:, 5])
    np.testing.assert_allclose(gabor_result.sigma, expected, rtol=0.15)


def test_single_pixel_spots_are_not_gabors():
    spots = np.eye(64)[[0, 9, 27, 36, 45, 63]]
    assert not gabor_fit(spots).is_gabor.any()


def test_white_noise_is_not_gabor():
    noise = np.random.RandomState(0).standard_normal((20, 64))
    fit = gabor_fit(noise)
    assert np.all(fit.r2 < 0.6)
    assert not fit.is_gabor.any()


def test_constant_filter_has_no_fit():
    fit = gabor_fit(np.ones((1, 64)))
    assert np.isnan(fit.r2[0])
    assert not fit.is_gabor[0]


def test_result_has_one_entry_per_filter_in_every_field(gabor_result):
    assert isinstance(gabor_result, GaborFit)
    assert len(gabor_result) == 12
    assert all(len(column) == 12 for column in gabor_result.as_dict().values())


def test_rectangular_patch_shape():
    y, x = np.indices((6, 10)).reshape(2, -1).astype(np.float64)
    edge = gabor([1.0, 4.5, 2.5, 0.3, 1.5, 2.0, 0.25, np.pi / 2, 0.0], x, y)
    fit = gabor_fit(edge[None], patch_shape=(6, 10))
    assert fit.r2[0] > 0.99
    assert fit.frequency[0] == pytest.approx(0.25, abs=0.01)


def test_gabor_fraction_counts_is_gabor(gabor_params):
    filters = np.vstack([[gabor(p, X, Y) for p in gabor_params[:3]], np.eye(64)[:1]])
    assert gabor_fraction(filters) == pytest.approx(0.75)


def test_stricter_criteria_reject_more(gabor_params):
    filters = np.array([gabor(p, X, Y) for p in gabor_params])
    assert gabor_fraction(filters, min_sigma=3.0) == 0.0
