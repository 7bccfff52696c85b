import sys

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from skrbm.datasets import load_natural_patches


@pytest.fixture(scope="session")
def patches():
    """Standardized 8x8 natural image patches: (train, validation), float64."""
    X = load_natural_patches(1200, patch_size=8, standardize=False, random_state=0)
    scaler = StandardScaler().fit(X[:1000])
    return scaler.transform(X[:1000]), scaler.transform(X[1000:])


@pytest.fixture
def X_small():
    """A small standardized Gaussian design, float64."""
    return np.random.RandomState(0).standard_normal((60, 9))


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the pyplot figures a test opened (pyplot keeps them otherwise)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
