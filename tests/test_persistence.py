"""Nothing is lost: feature names, rejected updates, inputs, pickles, seeds."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import skops.io
import skops.io.exceptions
from _helpers import (
    N_COMPONENTS,
    N_FEATURES,
    data_methods,
    fitted_arrays,
    make_X,
    small_autoencoder,
    small_binary_rbm,
    small_rbm,
    small_refiner,
)
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# Every state a model can be in that partial_fit must carry over.
CONFIGS = {
    "cd": small_rbm,
    "pcd": lambda **p: small_rbm(persistent=True, **p),
    "binary": small_binary_rbm,
    "binary-pcd": lambda **p: small_binary_rbm(persistent=True, **p),
    "refiner": small_refiner,
    "tied": lambda **p: small_refiner(tied=True, **p),
    "autoencoder": small_autoencoder,
}
RBM_CONFIGS = ("cd", "pcd", "binary", "binary-pcd")


def _fitted(name, X=None):
    return CONFIGS[name]().fit(make_X() if X is None else X)


def _pickle_round_trip(model, tmp_path):
    return pickle.loads(pickle.dumps(model))


def _joblib_round_trip(model, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    return joblib.load(path)


def _skops_round_trip(model, tmp_path):
    path = tmp_path / "model.skops"
    skops.io.dump(model, path)
    return skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))


ROUND_TRIPS = {
    "pickle": _pickle_round_trip,
    "joblib": _joblib_round_trip,
    "skops": _skops_round_trip,
}


def _assert_same_state(a, b):
    arrays_a, arrays_b = fitted_arrays(a), fitted_arrays(b)
    assert arrays_a.keys() == arrays_b.keys()
    for key, array in arrays_a.items():
        assert array.dtype == arrays_b[key].dtype
        assert_array_equal(arrays_b[key], array, err_msg=key, strict=True)
    assert a.loss_curve_ == b.loss_curve_
    assert a.n_iter_ == b.n_iter_


# --- pandas feature names -------------------------------------------------------

COLUMNS = [f"pixel_{i}" for i in range(N_FEATURES)]


def _frame():
    return pd.DataFrame(make_X(), columns=COLUMNS, index=pd.RangeIndex(100, 140))


@pytest.mark.parametrize("name", CONFIGS)
def test_dataframe_columns_become_feature_names_in(name):
    model = _fitted(name, _frame())
    assert_array_equal(model.feature_names_in_, np.array(COLUMNS, dtype=object))
    assert model.n_features_in_ == N_FEATURES


@pytest.mark.parametrize("name", CONFIGS)
def test_feature_names_out_are_prefixed_by_the_class(name):
    prefix = type(CONFIGS[name]()).__name__.lower()
    names = _fitted(name, _frame()).get_feature_names_out()
    assert names.tolist() == [f"{prefix}{i}" for i in range(N_COMPONENTS)]


@pytest.mark.parametrize("name", CONFIGS)
def test_pandas_output_has_the_feature_names_and_input_index(name):
    X = _frame()
    model = _fitted(name, X).set_output(transform="pandas")
    H = model.transform(X)
    assert isinstance(H, pd.DataFrame)
    assert H.columns.tolist() == model.get_feature_names_out().tolist()
    assert H.index.equals(X.index)
    assert_array_equal(H.to_numpy(), model.set_output(transform="default").transform(X))


@pytest.mark.parametrize("name", CONFIGS)
def test_pandas_output_of_fit_transform_keeps_the_index(name):
    X = _frame()
    H = CONFIGS[name]().set_output(transform="pandas").fit_transform(X)
    assert isinstance(H, pd.DataFrame)
    assert H.index.equals(X.index)
    assert H.shape == (len(X), N_COMPONENTS)


@pytest.mark.parametrize("name", CONFIGS)
def test_pipeline_pandas_output_names_the_hidden_units(name):
    X = _frame() * 5.0 + 2.0
    pipe = make_pipeline(StandardScaler(), CONFIGS[name]()).set_output(
        transform="pandas"
    )
    H = pipe.fit(X).transform(X)
    assert H.columns.tolist() == pipe.get_feature_names_out().tolist()
    assert H.columns[0].endswith("0")
    assert H.index.equals(X.index)


# --- a rejected partial_fit loses nothing -----------------------------------------


def _with_nan(X):
    X = X.copy()
    X[0, 0] = np.nan
    return X


REJECTED = {
    "nan": _with_nan,
    "inf": lambda X: np.where(X > 1.5, np.inf, X),
    "wrong-width": lambda X: X[:, 1:],
    "strings": lambda X: np.full(X.shape, "x"),
    "complex": lambda X: X * 1j,
    "sparse": sp.csr_matrix,
    "3-d": lambda X: X[:, :, None],
}


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("bad", REJECTED)
def test_rejected_partial_fit_leaves_the_model_byte_identical(name, bad):
    model = _fitted(name)
    before = pickle.dumps(model)
    with pytest.raises((ValueError, TypeError)):
        model.partial_fit(REJECTED[bad](make_X()))
    assert pickle.dumps(model) == before


# --- training never writes into its input ---------------------------------------


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shuffle", [False, True])
def test_training_does_not_modify_its_input(name, method, dtype, shuffle):
    X = make_X(dtype=dtype)
    original = X.copy()
    getattr(CONFIGS[name](shuffle=shuffle), method)(X)
    assert_array_equal(X, original, strict=True)


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_on_a_read_only_array_equals_training_on_a_copy(name, method, dtype):
    X = make_X(dtype=dtype)
    X.flags.writeable = False
    # shuffle=False hands the kernels views of X itself.
    on_read_only = getattr(CONFIGS[name](shuffle=False), method)(X)
    on_copy = getattr(CONFIGS[name](shuffle=False), method)(X.copy())
    _assert_same_state(on_copy, on_read_only)


@pytest.mark.parametrize("name", CONFIGS)
def test_early_stopping_on_a_read_only_array_works(name):
    X = make_X()
    X.flags.writeable = False
    model = CONFIGS[name](early_stopping=True, n_iter=3).fit(X)
    assert len(model.validation_scores_) == model.n_iter_ == 3


# --- pickle and joblib ------------------------------------------------------------


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("trip", ROUND_TRIPS)
def test_round_trip_gives_identical_outputs(name, trip, tmp_path):
    X = make_X(seed=1)
    model = _fitted(name)
    loaded = ROUND_TRIPS[trip](model, tmp_path)
    kind = "rbm" if name in RBM_CONFIGS else "refiner"
    methods = [m for m in data_methods(kind) if m != "gibbs"]
    for method in methods:
        assert_array_equal(getattr(loaded, method)(X), getattr(model, method)(X))
    H = model.transform(X)
    assert_array_equal(loaded.inverse_transform(H), model.inverse_transform(H))


@pytest.mark.parametrize("trip", ROUND_TRIPS)
def test_round_trip_keeps_the_gibbs_sampler_stream(trip, tmp_path):
    X = make_X(seed=1)
    model = _fitted("pcd")
    loaded = ROUND_TRIPS[trip](model, tmp_path)
    assert_array_equal(loaded.gibbs(X), model.gibbs(X))
    assert_array_equal(loaded.gibbs(X), model.gibbs(X))


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("trip", ROUND_TRIPS)
def test_partial_fit_after_round_trip_continues_exactly(name, trip, tmp_path):
    X = make_X()
    model = _fitted(name)
    loaded = ROUND_TRIPS[trip](model, tmp_path)
    model.partial_fit(X)
    loaded.partial_fit(X)
    _assert_same_state(model, loaded)
    assert_array_equal(loaded.reconstruct(X), model.reconstruct(X))


@pytest.mark.parametrize("trip", ROUND_TRIPS)
def test_tied_refiner_stays_tied_after_round_trip(trip, tmp_path):
    loaded = ROUND_TRIPS[trip](_fitted("tied"), tmp_path)
    assert loaded.decoder_components_ is loaded.components_


@pytest.mark.parametrize("trip", ROUND_TRIPS)
def test_pcd_chains_survive_the_round_trip(trip, tmp_path):
    model = _fitted("pcd")
    loaded = ROUND_TRIPS[trip](model, tmp_path)
    assert loaded.h_samples_.shape == (8, N_COMPONENTS)
    assert 0 < loaded.h_samples_.sum() < loaded.h_samples_.size
    assert_array_equal(loaded.h_samples_, model.h_samples_)


@pytest.mark.parametrize("name", CONFIGS)
def test_skops_trusts_nothing_but_skrbm_in_a_saved_pipeline(name, tmp_path):
    pipe = make_pipeline(StandardScaler(), CONFIGS[name]()).fit(make_X())
    path = tmp_path / "pipe.skops"
    skops.io.dump(pipe, path)
    untrusted = skops.io.get_untrusted_types(file=path)
    assert untrusted
    assert all(t.startswith("skrbm.") for t in untrusted)
    with pytest.raises(skops.io.exceptions.UntrustedTypesFoundException):
        skops.io.load(path)
    loaded = skops.io.load(path, trusted=untrusted)
    X = make_X(seed=2)
    assert_array_equal(loaded.transform(X), pipe.transform(X), strict=True)


# --- reproducibility -----------------------------------------------------------------


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_same_random_state_gives_a_byte_identical_model(name, dtype):
    X = make_X(dtype=dtype)
    first, second = _fitted(name, X), _fitted(name, X)
    assert pickle.dumps(first) == pickle.dumps(second)
    other = CONFIGS[name](random_state=1).fit(X)
    assert not np.array_equal(other.components_, first.components_)


@pytest.mark.parametrize(
    "name", ["pcd", "binary", "binary-pcd", "refiner", "tied", "autoencoder"]
)
def test_float32_and_float64_models_agree(name):
    """float32 and float64 fits share one random stream and agree to 1e-5.

    Measured after 6 epochs on a 40 x 6 design: the largest difference in
    ``components_``, ``transform`` and ``reconstruct`` was 3e-7 (tied
    autoencoder), so 1e-5 leaves a 30x margin while a float32 path that drew
    different random numbers or upcast would miss by orders of magnitude.
    """
    X = make_X()
    X32 = X.astype(np.float32)
    m32 = CONFIGS[name](n_iter=6).fit(X32)
    m64 = CONFIGS[name](n_iter=6).fit(X)
    assert m32.components_.dtype == np.float32
    assert_allclose(m32.components_, m64.components_, rtol=0, atol=1e-5)
    assert_allclose(m32.transform(X32), m64.transform(X), rtol=0, atol=1e-5)
    assert_allclose(m32.reconstruct(X32), m64.reconstruct(X), rtol=0, atol=1e-5)
