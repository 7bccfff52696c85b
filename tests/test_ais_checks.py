"""AIS that checks itself: ``LogPartition.reliable`` and ``AISWarning``."""

import pickle
import warnings

import numpy as np
import pytest

from skrbm import BinaryRBM, GaussianRBM
from skrbm.exceptions import AISWarning
from skrbm.metrics import LogPartition, log_likelihood, log_partition

FEW = dict(method="ais", n_temperatures=10, n_chains=5, random_state=0)


@pytest.fixture(scope="module")
def diverged(patches):
    """A GaussianRBM whose weights were blown up by hand, as after divergence."""
    rbm = GaussianRBM(8, n_iter=2, random_state=0).fit(patches[0])
    rbm.components_ = np.random.default_rng(0).normal(0, 3.0, rbm.components_.shape)
    return rbm


@pytest.mark.parametrize(
    ("fields", "reliable"),
    [
        ((1.0, 0.9, 1.2, 1.1, "ais"), True),
        ((1.0, 1.0, 1.0, 1.0, "ais"), True),
        ((1.0, -np.inf, 1.2, 1.1, "ais"), False),
        ((1.0, 0.9, np.inf, 1.1, "ais"), False),
        ((np.nan, 0.9, 1.2, 1.1, "ais"), False),
        ((1.3, 1.25, 1.2, 1.1, "ais"), False),
        ((1.3, 0.9, 1.2, 1.1, "ais"), False),
        ((1.0, 0.9, 1.2, 0.8, "ais"), False),
        ((7.5, 7.5, 7.5, 7.5, "exact"), True),
    ],
)
def test_reliable_needs_a_finite_ordered_bracket_around_both_estimates(
    fields, reliable
):
    assert LogPartition(*fields).reliable is reliable


def test_reliable_leaves_the_five_fields_and_pickles_alone():
    result = LogPartition(1.0, -np.inf, 1.2, 1.1, "ais")
    assert len(result) == 5
    assert result._fields == ("estimate", "lower", "upper", "reverse", "method")
    restored = pickle.loads(pickle.dumps(result))
    assert restored == result
    assert restored.reliable is False


def test_an_infinite_bracket_warns_and_is_unreliable(diverged):
    with pytest.warns(AISWarning) as record:
        result = log_partition(diverged, **FEW)
    assert result.lower == -np.inf and result.upper == np.inf
    assert result.reliable is False
    message = str(record[0].message)
    assert "lower=-inf" in message and "upper=inf" in message
    assert "n_temperatures (now 10)" in message and "n_chains (now 5)" in message
    assert "diverged" in message


def test_unreliable_bracket_warns_from_log_likelihood(diverged, patches):
    with pytest.warns(AISWarning, match="not reliable"):
        scores = log_likelihood(diverged, patches[1], method="ais", random_state=0)
    assert scores.shape == (200,)


def test_exact_log_z_of_a_model_with_nan_weights_warns(X_small):
    rbm = GaussianRBM(3, n_iter=1, random_state=0).fit(X_small)
    rbm.components_[0, 0] = np.nan
    with pytest.warns(AISWarning, match="estimate=nan, lower=nan, upper=nan and"):
        result = log_partition(rbm)
    assert result.method == "exact"
    assert result.reliable is False


def test_ais_warning_is_a_filterable_user_warning(diverged):
    assert issubclass(AISWarning, UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AISWarning)
        assert log_partition(diverged, **FEW).reliable is False


def sound_models(patches):
    X = patches[0]
    binary = (X > 0).astype(np.float64)
    return {
        "gaussian": GaussianRBM(12, n_iter=20, random_state=0).fit(X),
        "learned variance": GaussianRBM(
            12,
            learn_variance=True,
            persistent=True,
            momentum=0.5,
            learning_rate=0.003,
            n_iter=10,
            random_state=0,
        ).fit(X),
        "binary": BinaryRBM(12, n_iter=20, random_state=0).fit(binary),
    }


@pytest.fixture(scope="module")
def sound(patches):
    return sound_models(patches)


@pytest.mark.parametrize("kind", ["gaussian", "learned variance", "binary"])
@pytest.mark.parametrize("seed", range(3))
def test_ais_bracket_of_a_sound_model_covers_exact_and_is_reliable(sound, kind, seed):
    rbm = sound[kind]
    exact = log_partition(rbm, method="exact")
    result = log_partition(rbm, method="ais", n_temperatures=300, random_state=seed)
    assert exact.reliable is True
    assert result.reliable is True
    assert result.lower <= exact.estimate <= result.upper
    assert result.upper - result.lower < 1.0
