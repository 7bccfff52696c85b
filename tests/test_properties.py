"""Properties that hold for any small design and any valid configuration."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skrbm import AutoencoderRefiner, GaussianRBM

# Arbitrary designs hold entries far out for their feature (a feature near
# 6e-8 with one entry near 1): the extreme-entry warning is right about
# them and tested in test_bad_input.py; here it is beside the point.
pytestmark = pytest.mark.filterwarnings(
    r"ignore:The training data have \d+ extreme:UserWarning"
)

# Derandomized and without an example database: the same examples every run.
FAST = settings(max_examples=25, deadline=None, derandomize=True, database=None)


@st.composite
def designs(draw):
    """Finite data of 2..40 samples and 1..12 features, float32 or float64."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = (draw(st.integers(2, 40)), draw(st.integers(1, 12)))
    values = st.floats(-5, 5, allow_nan=False, width=32)
    return draw(hnp.arrays(dtype, shape, elements=values))


rbm_params = st.fixed_dictionaries(
    {
        "n_components": st.integers(1, 10),
        "penalty": st.sampled_from([None, "l1", "l2", "elasticnet"]),
        "alpha": st.sampled_from([0.0, 1e-3, 0.1]),
        "persistent": st.booleans(),
        "cd_steps": st.integers(1, 3),
        "batch_size": st.integers(1, 50),
        "shuffle": st.booleans(),
        "random_state": st.integers(0, 2**16),
    }
)

refiner_params = st.fixed_dictionaries(
    {
        "n_components": st.integers(1, 10),
        "pretrain": st.booleans(),
        "tied": st.booleans(),
        "batch_size": st.integers(1, 50),
        "random_state": st.integers(0, 2**16),
    }
)


def _refiner(pretrain, n_components, batch_size, **params):
    rbm = GaussianRBM(n_components, n_iter=2, batch_size=batch_size, random_state=0)
    return AutoencoderRefiner(
        rbm if pretrain else None,
        n_components=n_components,
        n_iter=2,
        batch_size=batch_size,
        **params,
    )


@FAST
@given(X=designs(), params=rbm_params)
def test_rbm_outputs_have_the_right_shapes_and_dtype(X, params):
    n_samples, n_features = X.shape
    k = params["n_components"]
    rbm = GaussianRBM(n_iter=2, **params).fit(X)
    H = rbm.transform(X)
    assert H.shape == (n_samples, k)
    assert rbm.components_.shape == (k, n_features)
    assert rbm.inverse_transform(H).shape == (n_samples, n_features)
    assert rbm.reconstruct(X).shape == (n_samples, n_features)
    assert rbm.gibbs(X).shape == (n_samples, n_features)
    assert rbm.score_samples(X).shape == (n_samples,)
    assert rbm.free_energy(X).shape == (n_samples,)
    for out in (H, rbm.reconstruct(X), rbm.gibbs(X), rbm.free_energy(X)):
        assert out.dtype == X.dtype
    if params["persistent"]:
        assert rbm.h_samples_.shape == (params["batch_size"], k)


@FAST
@given(X=designs(), params=rbm_params)
def test_rbm_outputs_are_finite_and_in_range(X, params):
    rbm = GaussianRBM(n_iter=2, **params).fit(X)
    H = rbm.transform(X)
    assert np.isfinite(H).all()
    assert ((H >= 0) & (H <= 1)).all()
    assert np.isfinite(rbm.score_samples(X)).all()
    assert np.isfinite(rbm.free_energy(X)).all()
    assert np.isfinite(rbm.reconstruct(X)).all()
    assert np.isfinite(rbm.loss_curve_).all()
    assert len(rbm.loss_curve_) == rbm.n_iter_ == 2


@FAST
@given(X=designs(), params=rbm_params)
def test_rbm_score_is_minus_the_reconstruction_mse(X, params):
    rbm = GaussianRBM(n_iter=2, **params).fit(X)
    mse = np.mean((X.astype(np.float64) - rbm.reconstruct(X)) ** 2)
    rtol = 1e-4 if X.dtype == np.float32 else 1e-10
    assert np.isclose(rbm.score(X), -mse, rtol=rtol, atol=1e-6)


@FAST
@given(X=designs(), params=refiner_params)
def test_refiner_outputs_have_the_right_shapes_and_dtype(X, params):
    n_samples, n_features = X.shape
    k = params["n_components"]
    ae = _refiner(**params).fit(X)
    H = ae.transform(X)
    assert H.shape == (n_samples, k)
    assert ae.components_.shape == ae.decoder_components_.shape == (k, n_features)
    assert ae.inverse_transform(H).shape == (n_samples, n_features)
    assert ae.score_samples(X).shape == (n_samples,)
    for out in (
        ae.components_,
        ae.decoder_components_,
        H,
        ae.reconstruct(X),
        ae.inverse_transform(H),
    ):
        assert out.dtype == X.dtype
    assert (ae.decoder_components_ is ae.components_) == params["tied"]


@FAST
@given(X=designs(), params=refiner_params)
def test_refiner_outputs_are_finite_and_in_range(X, params):
    ae = _refiner(**params).fit(X)
    H = ae.transform(X)
    assert np.isfinite(H).all()
    assert ((H >= 0) & (H <= 1)).all()
    assert np.isfinite(ae.score_samples(X)).all()
    assert np.isfinite(ae.reconstruct(X)).all()
    assert len(ae.loss_curve_) == ae.n_iter_ == 2
