"""Bad input is refused with an error naming the argument or the problem.

Every case is a separate parametrized test: ``pytest --collect-only -q
tests/test_bad_input.py`` counts the bad inputs tried.

Most of these errors come from scikit-learn's or NumPy's validation, whose
wording is theirs to change: those tests check the exception's type and,
where skrbm hands it in, the name in the message (the parameter, the
estimator's class), never the sentence around it. skrbm's own messages are
checked word for word.
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from _helpers import (
    FACTORIES,
    N_COMPONENTS,
    N_FEATURES,
    data_methods,
    fitted_arrays,
    make_X,
    small_autoencoder,
    small_rbm,
    small_refiner,
)
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils import get_tags

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM


def _with(value):
    def build(X):
        X = X.copy()
        X[3, 2] = value
        return X

    return build


def naming(*names):
    """A ``match`` pattern: the message names each of ``names`` as a word."""
    return "".join(rf"(?=[\s\S]*(?<!\w){re.escape(name)}(?!\w))" for name in names)


# (id, builder from a valid X, expected exception)
BAD_DATA = [
    ("nan", _with(np.nan), ValueError),
    ("inf", _with(np.inf), ValueError),
    ("-inf", _with(-np.inf), ValueError),
    ("no-samples", lambda X: X[:0], ValueError),
    ("no-features", lambda X: X[:, :0], ValueError),
    ("1-d", lambda X: X[:, 0], ValueError),
    ("3-d", lambda X: X.reshape(len(X), 3, -1), ValueError),
    ("scalar", lambda X: 3.0, ValueError),
    ("string-array", lambda X: np.full(X.shape, "a"), ValueError),
    ("string-lists", lambda X: [["a"] * X.shape[1]] * 5, ValueError),
    ("complex", lambda X: X + 1j, ValueError),
    (
        "object-array",
        lambda X: np.array([[object()] * X.shape[1]] * 5, dtype=object),
        TypeError,
    ),
    (
        "dict-array",
        lambda X: np.array([[{}] * X.shape[1]] * 5, dtype=object),
        TypeError,
    ),
    ("sparse-csr", sp.csr_matrix, TypeError),
]
BAD_DATA_IDS = [case[0] for case in BAD_DATA]


def _fitted(name):
    return FACTORIES[name]().fit(make_X())


def _class_name(name):
    return type(FACTORIES[name]()).__name__


def _method_cases():
    return [(name, m) for name in FACTORIES for m in data_methods(name)]


# --- data given to fit and partial_fit --------------------------------------


@pytest.mark.parametrize("name", FACTORIES)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("case", BAD_DATA, ids=BAD_DATA_IDS)
def test_training_refuses_bad_data(name, method, case):
    _, build, error = case
    with pytest.raises(error):
        getattr(FACTORIES[name](), method)(build(make_X()))


@pytest.mark.parametrize("name", FACTORIES)
def test_fit_refuses_a_single_sample(name):
    with pytest.raises(ValueError, match=naming(_class_name(name))):
        FACTORIES[name]().fit(make_X()[:1])


@pytest.mark.parametrize("name", ["rbm", "binary", "autoencoder"])
def test_first_partial_fit_learns_from_a_single_sample(name):
    X = make_X()
    model = FACTORIES[name]().partial_fit(X[:1])
    assert model.n_iter_ == 1
    assert model.components_.shape == (N_COMPONENTS, N_FEATURES)
    assert np.isfinite(model.transform(X)).all()


@pytest.mark.parametrize("name", FACTORIES)
def test_later_partial_fit_learns_from_a_single_sample(name):
    X = make_X()
    model = _fitted(name)
    before = model.components_.copy()
    model.partial_fit(X[5:6])
    assert model.n_iter_ == 3
    assert not np.array_equal(model.components_, before)


def test_refiner_first_partial_fit_on_one_sample_names_the_rbm():
    # The first call pretrains the RBM with a full fit, which needs two samples.
    with pytest.raises(ValueError, match=naming("GaussianRBM")) as error:
        small_refiner().partial_fit(make_X()[:1])
    assert "AutoencoderRefiner" not in str(error.value)


@pytest.mark.parametrize("name", FACTORIES)
def test_partial_fit_refuses_a_different_number_of_features(name):
    with pytest.raises(ValueError, match=naming(_class_name(name))):
        _fitted(name).partial_fit(make_X()[:, :4])


# --- data given to a fitted model -------------------------------------------


@pytest.mark.parametrize("name, method", _method_cases())
@pytest.mark.parametrize("case", BAD_DATA, ids=BAD_DATA_IDS)
def test_fitted_methods_refuse_bad_data(name, method, case):
    _, build, error = case
    model = _fitted(name)
    with pytest.raises(error):
        getattr(model, method)(build(make_X()))


@pytest.mark.parametrize("name, method", _method_cases())
def test_fitted_methods_refuse_a_different_number_of_features(name, method):
    with pytest.raises(ValueError, match=naming(_class_name(name))):
        getattr(_fitted(name), method)(make_X()[:, :4])


@pytest.mark.parametrize("name, method", _method_cases())
def test_fitted_methods_refuse_renamed_dataframe_columns(name, method):
    columns = [f"f{i}" for i in range(N_FEATURES)]
    model = FACTORIES[name]().fit(pd.DataFrame(make_X(), columns=columns))
    renamed = pd.DataFrame(make_X(), columns=columns[::-1])
    with pytest.raises(ValueError):
        getattr(model, method)(renamed)


# --- hidden activations given to inverse_transform ---------------------------


def _hidden(n_samples=10):
    return np.random.RandomState(1).uniform(size=(n_samples, N_COMPONENTS))


@pytest.mark.parametrize("name", FACTORIES)
@pytest.mark.parametrize("case", BAD_DATA, ids=BAD_DATA_IDS)
def test_inverse_transform_refuses_bad_data(name, case):
    _, build, error = case
    with pytest.raises(error):
        _fitted(name).inverse_transform(build(_hidden()))


@pytest.mark.parametrize("name", FACTORIES)
@pytest.mark.parametrize("width", [N_COMPONENTS - 1, N_COMPONENTS + 1, N_FEATURES])
def test_inverse_transform_refuses_the_wrong_number_of_components(name, width):
    H = np.full((4, width), 0.5)
    with pytest.raises(
        ValueError,
        match=rf"X has {width} features, but inverse_transform is expecting "
        rf"{N_COMPONENTS} features \(the number of hidden units\)",
    ):
        _fitted(name).inverse_transform(H)


# --- sparse input and unfitted models ----------------------------------------


@pytest.mark.parametrize("name", FACTORIES)
def test_tags_say_sparse_and_nan_are_not_supported(name):
    tags = get_tags(FACTORIES[name]())
    assert tags.input_tags.sparse is False
    assert tags.input_tags.allow_nan is False
    assert tags.input_tags.two_d_array is True


@pytest.mark.parametrize(
    "name, method",
    [
        *_method_cases(),
        *((name, "inverse_transform") for name in FACTORIES),
        *((name, "get_feature_names_out") for name in FACTORIES),
    ],
)
def test_unfitted_model_raises_not_fitted(name, method):
    model = FACTORIES[name]()
    args = () if method == "get_feature_names_out" else (make_X(),)
    with pytest.raises(NotFittedError, match=naming(_class_name(name))):
        getattr(model, method)(*args)


@pytest.mark.parametrize("name", FACTORIES)
def test_failed_fit_leaves_the_model_unfitted(name):
    # 3 samples with validation_fraction=0.9 leave no training sample.
    model = FACTORIES[name](early_stopping=True, validation_fraction=0.9)
    with pytest.raises(ValueError):
        model.fit(make_X()[:3])
    with pytest.raises(NotFittedError):
        model.transform(make_X())


def test_failed_first_partial_fit_leaves_the_refiner_unfitted():
    model = small_refiner()
    with pytest.raises(ValueError):
        model.partial_fit(make_X()[:1])
    with pytest.raises(NotFittedError):
        model.transform(make_X())


@pytest.mark.parametrize("name", FACTORIES)
def test_early_stopping_on_too_few_samples_names_validation_fraction(name):
    model = FACTORIES[name](early_stopping=True, validation_fraction=0.9)
    with pytest.raises(ValueError, match=r"validation_fraction=0\.9"):
        model.fit(make_X()[:3])


# --- parameters ----------------------------------------------------------------

SHARED_BAD_PARAMS = [
    ("learning_rate", 0.0),
    ("learning_rate", -0.1),
    ("learning_rate", np.inf),
    ("learning_rate", np.nan),
    ("learning_rate", "0.1"),
    ("momentum", 1.0),
    ("momentum", -0.1),
    ("momentum", "high"),
    ("batch_size", 0),
    ("batch_size", 2.5),
    ("n_iter", 0),
    ("n_iter", 1.0),
    ("shuffle", "yes"),
    ("shuffle", 1),
    ("early_stopping", "no"),
    ("early_stopping", 0),
    ("validation_fraction", 0.0),
    ("validation_fraction", 1.0),
    ("validation_fraction", "0.1"),
    ("n_iter_no_change", 0),
    ("n_iter_no_change", 1.5),
    ("tol", -1e-3),
    ("tol", np.nan),
    ("verbose", -1),
    ("verbose", "loud"),
    ("random_state", "seed"),
    ("random_state", 1.5),
    ("n_components", 0),
    ("n_components", 1.5),
    ("n_components", "3"),
]
RBM_ONLY_BAD_PARAMS = [
    ("penalty", "L1"),
    ("penalty", "none"),
    ("penalty", 1),
    ("alpha", -1.0),
    ("alpha", np.inf),
    ("alpha", "x"),
    ("l1_ratio", -0.1),
    ("l1_ratio", 1.1),
    ("cd_steps", 0),
    ("cd_steps", 1.0),
    ("persistent", "True"),
    ("persistent", 1),
    ("sparsity_target", 0.0),
    ("sparsity_target", 1.0),
    ("sparsity_target", "x"),
    ("sparsity_cost", -1.0),
    ("sparsity_cost", None),
    ("selectivity_target", 0.0),
    ("selectivity_target", 1.0),
    ("selectivity_target", "x"),
    ("selectivity_blend", -0.1),
    ("selectivity_blend", 1.5),
    ("selectivity_blend", None),
    ("init", "zeros"),
    ("init", None),
    ("init_scale", -0.1),
    ("init_scale", np.inf),
    ("hidden_bias_init", np.nan),
    ("hidden_bias_init", np.inf),
    ("hidden_bias_init", "x"),
    ("hidden_bias_init", None),
    ("learn_variance", "yes"),
    ("learn_variance", 1),
    ("variance_rate", -0.1),
    ("variance_rate", "fast"),
    ("centering", "True"),
    ("centering", 0),
]
RBM_BAD_PARAMS = SHARED_BAD_PARAMS + RBM_ONLY_BAD_PARAMS
# BinaryRBM has every GaussianRBM parameter but the visible variance's
BINARY_BAD_PARAMS = [
    (param, value)
    for param, value in RBM_BAD_PARAMS
    if param not in {"learn_variance", "variance_rate"}
]
REFINER_BAD_PARAMS = [
    *SHARED_BAD_PARAMS,
    ("tied", "yes"),
    ("tied", 0),
    ("estimator", "rbm"),
    ("estimator", 3),
    ("estimator", np.zeros(3)),
    ("code_activation", "relu"),
    ("code_activation", None),
]


def test_every_constrained_parameter_has_a_bad_value():
    assert {p for p, _ in RBM_BAD_PARAMS} == set(GaussianRBM._parameter_constraints)
    assert {p for p, _ in BINARY_BAD_PARAMS} == set(BinaryRBM._parameter_constraints)
    assert {p for p, _ in REFINER_BAD_PARAMS} == set(
        AutoencoderRefiner._parameter_constraints
    )


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("param, value", RBM_BAD_PARAMS)
def test_rbm_refuses_invalid_parameter(method, param, value):
    with pytest.raises(ValueError, match=naming(param, "GaussianRBM")):
        getattr(GaussianRBM(**{param: value}), method)(make_X())


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("param, value", BINARY_BAD_PARAMS)
def test_binary_rbm_refuses_invalid_parameter(method, param, value):
    with pytest.raises(ValueError, match=naming(param, "BinaryRBM")):
        getattr(BinaryRBM(**{param: value}), method)(make_X())


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("param, value", REFINER_BAD_PARAMS)
def test_refiner_refuses_invalid_parameter(method, param, value):
    model = AutoencoderRefiner(**{param: value})
    with pytest.raises(ValueError, match=naming(param, "AutoencoderRefiner")):
        getattr(model, method)(make_X())


@pytest.mark.parametrize("param, value", RBM_ONLY_BAD_PARAMS)
def test_refiner_refuses_invalid_rbm_parameter(param, value):
    model = AutoencoderRefiner(small_rbm(**{param: value}))
    with pytest.raises(ValueError, match=naming(param, "GaussianRBM")):
        model.fit(make_X())


# --- divergence on badly scaled data -----------------------------------------


def _huge(dtype):
    # variance 25: far from standardized, yet below the unscaled-data warning
    return make_X(100, 8, dtype=dtype) * dtype(5)


DIVERGING = {
    "rbm": lambda: small_rbm(learning_rate=5.0, n_iter=1000),
    "pcd": lambda: small_rbm(learning_rate=5.0, n_iter=1000, persistent=True),
    "autoencoder": lambda: small_autoencoder(learning_rate=5.0, n_iter=1000),
}


@pytest.mark.parametrize("name", DIVERGING)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_divergence_emits_only_a_convergence_warning(name, dtype):
    X = _huge(dtype)
    model = DIVERGING[name]()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X)
        scores = model.score_samples(X)
    assert [w.category for w in caught] == [ConvergenceWarning]
    assert f"{type(model).__name__} diverged" in str(caught[0].message)
    assert model.n_iter_ < 1000
    assert all(np.isfinite(a).all() for a in fitted_arrays(model).values())
    assert np.isfinite(scores).all()
    assert model.components_.dtype == dtype


@pytest.mark.parametrize("name", DIVERGING)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_diverging_partial_fit_restores_the_model_and_warns(name, dtype):
    X = _huge(dtype)
    model = DIVERGING[name]().set_params(learning_rate=1e-4).partial_fit(X)
    before = {k: a.copy() for k, a in fitted_arrays(model).items()}
    model.set_params(learning_rate=50.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.partial_fit(X)
    assert [w.category for w in caught] == [ConvergenceWarning]
    message = str(caught[0].message)
    assert "diverged at epoch 2" in message
    assert "learning_rate=50.0" in message
    assert "the state before this call was restored" in message
    assert model.n_iter_ == 1
    assert len(model.loss_curve_) == 1
    after = fitted_arrays(model)
    for key, array in before.items():
        assert_array_equal(after[key], array, err_msg=key)
