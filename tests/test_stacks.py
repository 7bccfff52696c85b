"""Stacks of RBMs: greedy training in a Pipeline, unrolled into a deep autoencoder."""

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM


@pytest.fixture(scope="module")
def digits():
    X = StandardScaler().fit_transform(load_digits().data)
    return X[:1200], X[1200:]


def stack(code=4, n_iter=5):
    return make_pipeline(
        GaussianRBM(32, n_iter=n_iter, random_state=0),
        BinaryRBM(16, n_iter=n_iter, learning_rate=0.05, random_state=1),
        BinaryRBM(code, n_iter=n_iter, learning_rate=0.05, random_state=2),
    )


def test_pipeline_of_rbms_trains_layer_by_layer(digits):
    X, _ = digits
    pipe = stack().fit(X)
    H1 = pipe[0].transform(X)
    # the second layer was fitted on the first layer's probabilities
    alone = BinaryRBM(16, n_iter=5, learning_rate=0.05, random_state=1).fit(H1)
    assert_array_equal(alone.components_, pipe[1].components_)
    assert pipe.transform(X).shape == (X.shape[0], 4)


def test_refiner_unrolls_the_fitted_stack(digits):
    X, _ = digits
    ae = AutoencoderRefiner(stack(), n_iter=1, learning_rate=1e-12, random_state=0)
    ae.fit(X)
    assert [C.shape for C in ae.coefs_] == [
        (64, 32),
        (32, 16),
        (16, 4),
        (4, 16),
        (16, 32),
        (32, 64),
    ]
    # before fine-tuning the encoder is the stack, the decoder its mirror
    assert_allclose(ae.transform(X), ae.estimator_.transform(X), atol=1e-9)
    rbms = [step for _, step in ae.estimator_.steps]
    V = rbms[2].inverse_transform(ae.transform(X))
    V = rbms[1].inverse_transform(V)
    assert_allclose(
        ae.inverse_transform(ae.transform(X)), rbms[0].inverse_transform(V), atol=1e-9
    )


def test_a_list_is_the_same_stack_as_a_pipeline(digits):
    X, _ = digits
    from_pipe = AutoencoderRefiner(stack(), n_iter=3, random_state=0).fit(X)
    from_list = AutoencoderRefiner(
        [step for _, step in stack().steps], n_iter=3, random_state=0
    ).fit(X)
    for a, b in zip(from_pipe.coefs_, from_list.coefs_, strict=True):
        assert_array_equal(a, b)


def test_fine_tuning_improves_the_stack_and_beats_random_init(digits):
    X, X_test = digits
    pretrained = AutoencoderRefiner(stack(n_iter=20), n_iter=30, random_state=0).fit(X)
    before = AutoencoderRefiner(stack(n_iter=20), n_iter=1, learning_rate=1e-12).fit(X)
    random = AutoencoderRefiner(
        None, n_components=(32, 16, 4), n_iter=30, random_state=0
    ).fit(X)
    assert pretrained.score(X_test) > before.score(X_test) + 0.05
    assert pretrained.score(X_test) > random.score(X_test) + 0.2


def test_n_components_sets_the_code_size(digits):
    X, _ = digits
    ae = AutoencoderRefiner(stack(), n_components=3, n_iter=1).fit(X)
    assert ae.transform(X).shape == (X.shape[0], 3)
    assert ae.estimator_[-1].n_components == 3


def test_linear_code_layer(digits):
    X, _ = digits
    ae = AutoencoderRefiner(stack(), code_activation="identity", n_iter=2).fit(X)
    code = ae.transform(X)
    assert code.min() < 0 or code.max() > 1
    assert ae.get_feature_names_out().tolist() == [
        f"autoencoderrefiner{i}" for i in range(4)
    ]


def test_prefit_layers_are_used_as_they_are(digits):
    X, _ = digits
    bottom = GaussianRBM(32, n_iter=5, random_state=0).fit(X)
    weights = bottom.components_.copy()
    ae = AutoencoderRefiner(
        [FrozenEstimator(bottom), BinaryRBM(4, n_iter=5, random_state=0)],
        n_iter=1,
        learning_rate=1e-12,
    ).fit(X)
    assert_array_equal(bottom.components_, weights)
    assert_allclose(ae.coefs_[0], weights.T, atol=1e-9)


def test_each_layers_decay_is_tunable(digits):
    X, _ = digits
    ae = AutoencoderRefiner(stack(n_iter=2), n_iter=2, random_state=0)
    assert "estimator__binaryrbm-1__alpha" in ae.get_params()
    search = GridSearchCV(ae, {"estimator__binaryrbm-1__alpha": [1e-4, 0.1]}, cv=2).fit(
        X[:400]
    )
    assert search.best_estimator_.estimator_[1].alpha in (1e-4, 0.1)


def test_partial_fit_and_pickling_continue_the_deep_model(digits, tmp_path):
    X, _ = digits
    ae = AutoencoderRefiner(stack(n_iter=2), n_iter=2, random_state=0).fit(X)
    path = tmp_path / "ae.joblib"
    joblib.dump(ae, path)
    loaded = joblib.load(path)
    ae.partial_fit(X)
    loaded.partial_fit(X)
    for a, b in zip(ae.coefs_, loaded.coefs_, strict=True):
        assert_array_equal(a, b)
    assert ae.n_iter_ == 3


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"tied": True}, "tied=True"),
        ({"n_components": (8, 3)}, "a list of widths builds a randomly"),
    ],
)
def test_stack_refuses_settings_it_cannot_honour(digits, params, match):
    X, _ = digits
    with pytest.raises(ValueError, match=match):
        AutoencoderRefiner(stack(), **params).fit(X)


def test_non_rbm_layer_is_named(digits):
    X, _ = digits
    pipe = make_pipeline(StandardScaler(), GaussianRBM(4, n_iter=1))
    with pytest.raises(ValueError, match=r"Layer 0 of the stack: .*StandardScaler"):
        AutoencoderRefiner(pipe).fit(X)


@pytest.mark.parametrize("hidden", [(), (4, 0), (4, 2.5)])
def test_bad_random_widths_are_refused(digits, hidden):
    X, _ = digits
    with pytest.raises(ValueError, match="n_components must be a positive integer"):
        AutoencoderRefiner(None, n_components=hidden).fit(X)


def test_float32_stays_float32(digits):
    X, _ = digits
    X = X.astype(np.float32)
    ae = AutoencoderRefiner(None, n_components=(8, 2), n_iter=2).fit(X)
    assert all(C.dtype == np.float32 for C in ae.coefs_)
    assert ae.transform(X).dtype == np.float32
    assert ae.reconstruct(X).dtype == np.float32


def test_learned_variances_unroll_into_the_bottom_layers(digits):
    X, _ = digits
    pipe = make_pipeline(
        GaussianRBM(16, n_iter=5, learn_variance=True, random_state=0),
        BinaryRBM(4, n_iter=5, random_state=1),
    )
    ae = AutoencoderRefiner(pipe, n_iter=1, learning_rate=1e-12).fit(X)
    bottom, top = ae.estimator_[0], ae.estimator_[1]
    assert not np.allclose(bottom.visible_variance_, 1.0)
    assert_allclose(ae.transform(X), ae.estimator_.transform(X), atol=1e-9)
    V = bottom.inverse_transform(top.inverse_transform(ae.transform(X)))
    assert_allclose(ae.reconstruct(X), V, atol=1e-9)


def test_refit_switches_between_single_layer_and_deep_models(digits):
    X, _ = digits
    ae = AutoencoderRefiner(None, n_components=4, n_iter=1).fit(X)
    assert hasattr(ae, "components_") and not hasattr(ae, "coefs_")
    ae.set_params(n_components=[8, 4]).fit(X)
    assert len(ae.coefs_) == 4
    for name in ("components_", "intercept_hidden_", "decoder_components_"):
        assert not hasattr(ae, name)
    ae.set_params(n_components=4).fit(X)
    assert ae.components_.shape == (4, 64) and not hasattr(ae, "coefs_")


def _fitted_small_stack(X):
    # fitted on part of X: refitting on all of X would change every layer
    return make_pipeline(
        GaussianRBM(16, n_iter=3, random_state=0),
        BinaryRBM(8, n_iter=3, learning_rate=0.05, random_state=1),
    ).fit(X[:600])


def _layer_arrays(layers):
    return [
        {
            name: getattr(layer, name).copy()
            for name in ("components_", "intercept_hidden_", "intercept_visible_")
        }
        for layer in layers
    ]


@pytest.mark.parametrize("container", [list, tuple, "pipeline"])
def test_frozen_fitted_stack_is_unrolled_as_it_is(digits, container):
    X, _ = digits
    pipe = _fitted_small_stack(X)
    layers = [step for _, step in pipe.steps]
    stack = pipe if container == "pipeline" else container(layers)
    before = _layer_arrays(layers)
    ae = AutoencoderRefiner(
        FrozenEstimator(stack), n_iter=1, learning_rate=1e-12, random_state=0
    ).fit(X)
    assert [C.shape for C in ae.coefs_] == [(64, 16), (16, 8), (8, 16), (16, 64)]
    # the unrolled encoder is the frozen stack; no layer was refitted
    assert_allclose(ae.transform(X), pipe.transform(X), atol=1e-9)
    assert_allclose(ae.coefs_[0], layers[0].components_.T, atol=1e-9)
    assert_allclose(ae.coefs_[3], layers[0].components_, atol=1e-9)
    for layer, arrays in zip(layers, before, strict=True):
        for name, array in arrays.items():
            assert_array_equal(getattr(layer, name), array, err_msg=name)


def test_fine_tuning_leaves_the_frozen_stack_unchanged(digits):
    X, _ = digits
    pipe = _fitted_small_stack(X)
    before = _layer_arrays(pipe)
    start = pipe.transform(X)
    ae = AutoencoderRefiner(FrozenEstimator(pipe), n_iter=5, random_state=0).fit(X)
    assert ae.estimator_.estimator is pipe
    # the unrolled weights were fine-tuned (by up to 0.0072), the layers' not
    assert np.abs(ae.coefs_[2] - pipe[1].components_).max() > 0.005
    for layer, arrays in zip(pipe, before, strict=True):
        for name, array in arrays.items():
            assert_array_equal(getattr(layer, name), array, err_msg=name)
    assert_array_equal(pipe.transform(X), start)


def test_frozen_stack_keeps_its_code_size(digits):
    X, _ = digits
    frozen = FrozenEstimator(_fitted_small_stack(X))
    with pytest.raises(ValueError, match="frozen estimator keeps its size"):
        AutoencoderRefiner(frozen, n_components=3).fit(X)


def _binary_stack():
    return make_pipeline(
        BinaryRBM(32, n_iter=5, random_state=0),
        BinaryRBM(8, n_iter=5, learning_rate=0.05, random_state=1),
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("frozen", [True, False], ids=["frozen", "unfrozen"])
def test_binary_stack_unrolls_to_its_own_down_pass(dtype, frozen):
    X = (load_digits().data > 8).astype(dtype)
    estimator = _binary_stack()
    if frozen:
        estimator = FrozenEstimator(estimator.fit(X))
    # n_iter=0 is not allowed: every update of this learning rate rounds away
    ae = AutoencoderRefiner(estimator, n_iter=1, learning_rate=1e-300, random_state=0)
    ae.fit(X)
    pipe = ae.estimator_.estimator if frozen else ae.estimator_
    assert ae.out_activation_ == "logistic"
    assert_array_equal(ae.coefs_[-1], pipe[0].components_.astype(dtype))
    code = pipe.transform(X)
    expected = pipe[0].inverse_transform(pipe[1].inverse_transform(code))
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert_allclose(ae.transform(X), code, rtol=rtol, atol=rtol)
    assert_allclose(ae.reconstruct(X), expected, rtol=rtol, atol=rtol)
    assert_allclose(ae.inverse_transform(code), expected, rtol=rtol, atol=rtol)
    assert ae.reconstruct(X).dtype == dtype


def test_binary_rbm_with_a_linear_code_decodes_through_the_sigmoid():
    X = (load_digits().data > 8).astype(float)
    rbm = BinaryRBM(16, n_iter=5, random_state=0).fit(X)
    ae = AutoencoderRefiner(
        FrozenEstimator(rbm), code_activation="identity", n_iter=3, random_state=0
    ).fit(X)
    assert ae.out_activation_ == "logistic"
    Y = ae.reconstruct(X)
    assert Y.min() > 0 and Y.max() < 1
    # training starts near the RBM's own error (0.1288; the first epoch
    # averages 0.1283), not from a linear decoder's (0.70 for a BinaryRBM(32)
    # on these digits), and goes down
    rbm_mse = np.mean((X - rbm.inverse_transform(rbm.transform(X))) ** 2)
    assert ae.loss_curve_[0] == pytest.approx(rbm_mse, abs=1e-3)
    assert -ae.score(X) < ae.loss_curve_[0] < rbm_mse


def test_binary_stack_pickles_with_its_logistic_output(tmp_path):
    X = (load_digits().data > 8).astype(float)
    ae = AutoencoderRefiner(_binary_stack(), n_iter=1, random_state=0).fit(X)
    path = tmp_path / "ae.joblib"
    joblib.dump(ae, path)
    loaded = joblib.load(path)
    assert loaded.out_activation_ == "logistic"
    assert_array_equal(loaded.reconstruct(X), ae.reconstruct(X))
