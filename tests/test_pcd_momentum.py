"""PCD's default momentum: sound at MNIST size, where momentum 0.9 diverges.

docs/user_guide/training.rst ("PCD and momentum") has the measurements;
these tests hold the two ends of them on digits upsampled to 28x28 pixels
with noise, 784 -> 500 units.
"""

import warnings

import numpy as np
import pytest
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skrbm import BinaryRBM, GaussianRBM


@pytest.fixture(scope="module")
def mnist_sized():
    """9000 x 784: six noisy copies of 1500 upsampled digits, standardized."""
    rng = np.random.RandomState(0)
    images = load_digits().images[:1500]
    big = zoom(images, (1, 3.5, 3.5), order=1).reshape(len(images), 784)
    X = np.repeat(big, 6, axis=0) + rng.standard_normal((9000, 784))
    return StandardScaler().fit_transform(X[rng.permutation(9000)])


def test_momentum_auto_is_lower_for_pcd_in_gaussian_rbms_only():
    assert GaussianRBM()._momentum() == 0.9
    assert GaussianRBM(persistent=True)._momentum() == 0.5
    assert GaussianRBM(persistent=True, momentum=0.9)._momentum() == 0.9
    assert BinaryRBM(persistent=True, momentum="auto")._momentum() == 0.9
    assert GaussianRBM().get_params()["momentum"] == "auto"


def test_learned_variance_pcd_with_centering_trains_at_784_to_500(mnist_sized):
    # the README's suggestion, at the library's defaults
    rbm = GaussianRBM(
        500,
        learn_variance=True,
        persistent=True,
        centering=True,
        n_iter=4,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        rbm.fit(mnist_sized)
    # at momentum 0.9 (PCD's default until 2026-12-02) the error grows from
    # the second epoch on: 0.73, 1.9, 12.7, 22.4
    assert np.all(np.diff(rbm.loss_curve_) < 0)
    assert rbm.loss_curve_[-1] < 0.5
    assert np.all(np.isfinite(rbm.visible_variance_))


def test_pcd_at_momentum_0_9_fails_at_784_to_500_and_says_so(mnist_sized):
    rbm = GaussianRBM(500, persistent=True, momentum=0.9, n_iter=3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="The fit failed"):
        rbm.fit(mnist_sized)
