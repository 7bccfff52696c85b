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
    small_binary_rbm,
    small_rbm,
    small_refiner,
)
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils import get_tags

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM
from skrbm._checks import (
    EXTREME_RATIO,
    ROBUST_SAMPLE_ROWS,
    extreme_ratios,
    robust_scale,
)
from skrbm._training import sample_rows


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
    ("sampler", "gibbs"),
    ("sampler", None),
    ("n_temperatures", 1),
    ("n_temperatures", 2.5),
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
    ("hidden_bias_init", "components"),
    ("visible_bias_rate", -0.1),
    ("visible_bias_rate", None),
    ("hidden_bias_rate", -1.0),
    ("hidden_bias_rate", "x"),
    ("max_update_norm", 0.0),
    ("max_update_norm", -1.0),
    ("max_update_norm", "auto"),
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


# --- extreme entries ----------------------------------------------------------


def _one_extreme_entry(dtype=np.float64):
    X = make_X(200, N_FEATURES, dtype=dtype)
    X[7, 2] = 1e30
    return X


def _user_warnings(record):
    return [str(w.message) for w in record if w.category is UserWarning]


@pytest.mark.parametrize("learn_variance", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_extreme_entry_warns_naming_feature_distance_and_remedies(
    learn_variance, dtype
):
    rbm = small_rbm(learn_variance=learn_variance)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        rbm.fit(_one_extreme_entry(dtype))
    messages = _user_warnings(record)
    assert len(messages) == 1
    message = messages[0]
    assert message.startswith("The training data have 1 extreme entry")
    # N(0, 1) columns: the robust scale is about 1, so 1e30 is ~1e30 scales out
    assert "of its feature: feature 2 (1.01e+30 robust scales)." in message
    for remedy in ("np.clip", "RobustScaler", "remove"):
        assert remedy in message
    warning = next(w for w in record if w.category is UserWarning)
    assert warning.filename == __file__


def test_extreme_entries_are_counted_per_feature():
    X = make_X(300, N_FEATURES)
    X[[4, 9, 20], 1] = [-1e6, 5e5, 3e4]
    X[11, 5] = 1e8
    with pytest.warns(UserWarning) as record:
        small_rbm().fit(X)
    message = str(record[0].message)
    assert message.startswith("The training data have 4 extreme entries, more than")
    assert (
        "of their feature: features 5 (1.12e+08 robust scales), "
        "1 (8.97e+05 robust scales). "
    ) in message


def test_robust_scale_of_gaussian_sparse_and_constant_features():
    rng = np.random.RandomState(0)
    rows = np.zeros((1000, 4))
    rows[:, 0] = 3 * rng.standard_normal(1000) + 5
    rows[::50, 1] = 2.0  # 2% of ones: IQR 0, the moving entries are 2 away
    rows[:, 3] = 7.0  # constant: the other features' median scale
    rows[5, 2] = 1e30  # a single entry moves
    median, scale = robust_scale(rows)
    assert_allclose(median, [5.0, 0.0, 0.0, 7.0], atol=0.2)
    assert abs(scale[0] - 3.0) < 0.15
    assert scale[1] == 2.0
    assert scale[2] == 1e30
    assert scale[3] == np.median(scale[:3])


def test_extreme_ratios_take_every_row():
    X = np.zeros((5, 2))
    X[3] = [-8.0, 4.0]
    assert_array_equal(extreme_ratios(X, np.zeros(2), np.array([2.0, 4.0])), [4, 1])


def _student_t():
    return np.random.RandomState(0).standard_t(3, size=(100_000, 64))


def _laplace():
    return np.random.RandomState(0).laplace(size=(100_000, 64))


def _standardized_digits():
    from sklearn.datasets import load_digits
    from sklearn.preprocessing import StandardScaler

    return StandardScaler().fit_transform(load_digits().data)


def _whitened_log_patches():
    from skrbm import ZCAWhitening
    from skrbm.datasets import load_natural_patches

    X = load_natural_patches(20_000, standardize=False, random_state=0)
    return ZCAWhitening(epsilon=1e-3).fit_transform(np.log(X + 0.01))


# the largest ratio each reaches, measured: the threshold is 2000
HEAVY_TAILED = {
    "student-t3": (_student_t, 239.6),
    "laplace": (_laplace, 17.23),
    "standardized-digits": (_standardized_digits, 10.8),
    "whitened-log-patches": (_whitened_log_patches, 179.5),
}


@pytest.mark.parametrize("name", HEAVY_TAILED)
def test_heavy_tailed_data_are_not_extreme(name):
    build, largest = HEAVY_TAILED[name]
    X = build()
    ratios = extreme_ratios(X, *robust_scale(sample_rows(X, ROBUST_SAMPLE_ROWS)))
    assert ratios.max() == pytest.approx(largest, rel=1e-3)
    assert ratios.max() < EXTREME_RATIO / 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small_rbm(n_iter=1).fit(X[:2000])


# --- BinaryRBM data outside [0, 1] ----------------------------------------------


def _grey_levels(top):
    from sklearn.datasets import load_digits

    return np.rint(load_digits().data[:300] * (top / 16))


@pytest.mark.parametrize(
    "X, shown",
    [
        (
            _grey_levels(255),
            "from 0 to 255, outside [0, 1], and look unscaled (whole numbers",
        ),
        (
            _grey_levels(16),
            "from 0 to 16, outside [0, 1], and look unscaled (whole numbers",
        ),
        (
            np.random.RandomState(0).uniform(0, 255, (300, 8)),
            "from 0.0188 to 255, outside [0, 1], and look unscaled (a median "
            "feature variance of 5.61e+03)",
        ),
    ],
    ids=["grey-levels-255", "digits-0-16", "real-values-0-255"],
)
def test_binary_rbm_warns_on_unscaled_data_naming_minmaxscaler(X, shown):
    with pytest.warns(UserWarning, match=r"outside \[0, 1\]") as record:
        small_binary_rbm().fit(X)
    assert len(record) == 1
    message = str(record[0].message)
    assert shown in message
    assert "MinMaxScaler" in message
    assert record[0].filename == __file__


def test_binary_rbm_warns_on_whole_numbers_just_past_one():
    X = np.random.RandomState(0).randint(0, 3, (50, 4)).astype(float)
    with pytest.warns(UserWarning, match=r"from 0 to 2, .*whole numbers"):
        small_binary_rbm().fit(X)


def test_binary_rbm_accepts_rounding_past_the_unit_interval():
    X = np.random.RandomState(0).uniform(size=(50, 4)).astype(np.float32)
    X[0, 0], X[1, 1] = np.float32(1 + 1e-7), np.float32(-1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small_binary_rbm().fit(X)


def test_binary_rbm_does_not_warn_on_real_valued_data_of_unit_scale():
    # the data scikit-learn's estimator checks train every transformer on
    rng = np.random.RandomState(0)
    for X in (rng.normal(loc=100, size=(100, 2)), 3 * rng.uniform(size=(20, 3))):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            small_binary_rbm().fit(X)


# --- float16 ------------------------------------------------------------------


@pytest.mark.parametrize("name", FACTORIES)
@pytest.mark.parametrize("container", ["ndarray", "dataframe"])
def test_float16_trains_and_transforms_in_float32(name, container):
    X16 = make_X(dtype=np.float16)
    X = X16
    if container == "dataframe":
        X = pd.DataFrame(X16, columns=[f"f{i}" for i in range(N_FEATURES)])
    model = FACTORIES[name]().fit(X)
    as_float32 = FACTORIES[name]().fit(X16.astype(np.float32))
    for key, array in fitted_arrays(model).items():
        assert array.dtype == np.float32, key
        assert_array_equal(array, fitted_arrays(as_float32)[key], err_msg=key)
    assert model.transform(X).dtype == np.float32
    assert model.reconstruct(X).dtype == np.float32
    H = model.transform(X).astype(np.float16)
    assert model.inverse_transform(H).dtype == np.float32


@pytest.mark.parametrize("name", FACTORIES)
def test_first_partial_fit_on_float16_keeps_float32(name):
    model = FACTORIES[name]().partial_fit(make_X(dtype=np.float16))
    assert model.components_.dtype == np.float32
