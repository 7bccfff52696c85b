"""The determinism contract (docs/user_guide/reproducibility.rst).

Same machine, same thread limit: a fit and everything computed from it are
bit-identical (test_concurrency.py, test_dask.py, test_study.py and
test_persistence.py check it across threads, processes and round trips).
Across BLAS kernels and thread counts, products round differently; these
tests hold how far that moves a fit. A different kernel cannot be chosen
from inside a test (OpenBLAS picks it when it loads), so a one-ulp change
of every input stands in for it: it perturbs the first products as much as
another summation order does, on any machine.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from threadpoolctl import threadpool_limits

from skrbm import AutoencoderRefiner, GaussianRBM
from skrbm.datasets import load_natural_patches

#: Largest change of weights and hidden activations, after 20 epochs at
#: 64 -> 100, that a rounding-level change may cause (measured: 7e-7 and
#: 4e-6 in float32, 1e-15 and 6e-15 in float64).
BOUNDS = {np.float32: 1e-4, np.float64: 1e-10}


@pytest.fixture(scope="module")
def patches():
    return load_natural_patches(2000, patch_size=8, random_state=0)


def _one_ulp_up(X):
    return np.nextafter(X, np.inf)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("persistent", [False, True], ids=["cd", "pcd"])
def test_a_rounding_level_change_moves_a_fit_within_the_stated_bound(
    patches, dtype, persistent
):
    X = patches.astype(dtype)
    params = dict(n_components=100, n_iter=20, persistent=persistent, random_state=0)
    a = GaussianRBM(**params).fit(X)
    b = GaussianRBM(**params).fit(_one_ulp_up(X))
    assert not np.array_equal(a.components_, b.components_)  # it did move
    bound = BOUNDS[dtype]
    assert_allclose(b.components_, a.components_, rtol=0, atol=bound)
    assert_allclose(b.transform(X), a.transform(X), rtol=0, atol=bound)
    assert_allclose(b.score(X), a.score(X), rtol=bound)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_refined_autoencoder_moves_within_the_stated_bound(patches, dtype):
    X = patches.astype(dtype)
    rbm = GaussianRBM(n_components=100, n_iter=10, random_state=0)
    a = AutoencoderRefiner(rbm, n_iter=10, random_state=0).fit(X)
    b = AutoencoderRefiner(rbm, n_iter=10, random_state=0).fit(_one_ulp_up(X))
    bound = BOUNDS[dtype]
    assert_allclose(b.components_, a.components_, rtol=0, atol=bound)
    assert_allclose(b.score(X), a.score(X), rtol=bound)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_or_two_blas_threads_move_a_large_fit_within_the_stated_bound(
    patches, dtype
):
    # 100 x 256 x 512 products: above the size where fit keeps the BLAS's
    # own thread count (SINGLE_THREAD_GEMM_SIZE)
    X = load_natural_patches(1000, patch_size=16, random_state=0).astype(dtype)
    params = dict(n_components=512, n_iter=5, random_state=0)
    fits = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            rbm = GaussianRBM(**params).fit(X)
            fits.append((rbm.components_, rbm.transform(X), rbm.score(X)))
    (W1, H1, s1), (W2, H2, s2) = fits
    bound = BOUNDS[dtype]
    assert_allclose(W2, W1, rtol=0, atol=bound)
    assert_allclose(H2, H1, rtol=0, atol=bound)
    assert_allclose(s2, s1, rtol=bound)


def test_the_same_fit_twice_in_one_process_is_bit_identical(patches):
    params = dict(n_components=100, n_iter=5, persistent=True, random_state=0)
    a = GaussianRBM(**params).fit(patches)
    b = GaussianRBM(**params).fit(patches)
    np.testing.assert_array_equal(a.components_, b.components_)
    assert a.loss_curve_ == b.loss_curve_
