"""AutoencoderRefiner and the decay-tuning workflow."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrbm import AutoencoderRefiner, GaussianRBM


def small_rbm(**params):
    return GaussianRBM(
        **{"n_components": 20, "n_iter": 10, "random_state": 0, **params}
    )


@pytest.fixture(scope="module")
def refined(patches):
    X, _ = patches
    rbm = small_rbm(n_iter=30).fit(X)
    return rbm, AutoencoderRefiner(FrozenEstimator(rbm), n_iter=30, random_state=0).fit(
        X
    )


def test_refinement_halves_the_validation_error(refined, patches):
    _, X_val = patches
    rbm, ae = refined
    assert -ae.score(X_val) < 0.5 * -rbm.score(X_val)
    assert ae.loss_curve_[-1] < ae.loss_curve_[0]


def test_frozen_rbm_is_not_retrained(refined):
    rbm, ae = refined
    assert ae.estimator_.estimator is rbm
    assert rbm.n_iter_ == 30


def test_encoder_and_decoder_start_from_the_rbm(patches):
    X, _ = patches
    rbm = small_rbm().fit(X)
    ae = AutoencoderRefiner(FrozenEstimator(rbm), learning_rate=1e-12, n_iter=1)
    ae.fit(X)
    assert_allclose(ae.components_, rbm.components_, atol=1e-9)
    assert_allclose(ae.decoder_components_, rbm.components_, atol=1e-9)
    assert_allclose(ae.intercept_hidden_, rbm.intercept_hidden_, atol=1e-9)
    assert_allclose(ae.intercept_visible_, rbm.intercept_visible_, atol=1e-9)
    assert_allclose(ae.transform(X), rbm.transform(X), atol=1e-9)
    assert ae.score(X) == pytest.approx(rbm.score(X), rel=1e-6)


def test_estimator_is_cloned_and_fitted(patches):
    X, _ = patches
    rbm = small_rbm()
    ae = AutoencoderRefiner(rbm, n_iter=2, random_state=0).fit(X)
    assert not hasattr(rbm, "components_")
    assert ae.estimator_ is not rbm
    assert_array_equal(ae.estimator_.components_, clone(rbm).fit(X).components_)


def test_tied_decoder_is_the_encoder(patches):
    X, _ = patches
    ae = AutoencoderRefiner(small_rbm(), tied=True, n_iter=5, random_state=0).fit(X)
    assert ae.decoder_components_ is ae.components_
    untied = AutoencoderRefiner(small_rbm(), n_iter=5, random_state=0).fit(X)
    assert not np.allclose(untied.decoder_components_, untied.components_)


def test_no_estimator_is_a_random_autoencoder(patches):
    X, _ = patches
    ae = AutoencoderRefiner(None, n_components=7, n_iter=3, random_state=0).fit(X)
    assert ae.estimator_ is None
    assert ae.components_.shape == (7, 64)
    bound = np.sqrt(2.0 / (64 + 7))
    first = AutoencoderRefiner(
        None, n_components=7, learning_rate=1e-12, n_iter=1, random_state=0
    ).fit(X)
    assert np.abs(first.components_).max() <= bound + 1e-9
    assert np.abs(first.components_).max() > 0.8 * bound


def test_partial_fit_first_call_pretrains_then_each_call_is_an_epoch(patches):
    X, _ = patches
    params = dict(n_iter=3, random_state=0)
    fitted = AutoencoderRefiner(small_rbm(), **params).fit(X)
    streamed = AutoencoderRefiner(small_rbm(), **params)
    for _ in range(3):
        streamed.partial_fit(X)
    assert streamed.n_iter_ == 3
    assert_array_equal(streamed.estimator_.components_, fitted.estimator_.components_)
    assert_array_equal(streamed.components_, fitted.components_)
    assert_array_equal(streamed.decoder_components_, fitted.decoder_components_)


def test_early_stopping_holds_out_data_from_the_rbm_too(patches):
    X, _ = patches
    ae = AutoencoderRefiner(
        small_rbm(),
        early_stopping=True,
        n_iter=300,
        n_iter_no_change=2,
        tol=1e-3,
        random_state=0,
    ).fit(X)
    assert ae.n_iter_ < 300
    assert ae.best_validation_score_ == max(ae.validation_scores_)
    assert ae.estimator_.n_features_in_ == 64
    assert len(ae.validation_scores_) == ae.n_iter_


def test_an_estimator_without_rbm_methods_is_refused_by_name(patches):
    X, _ = patches
    with pytest.raises(
        ValueError, match=r"estimator must be an RBM.*StandardScaler lacks"
    ):
        AutoencoderRefiner(StandardScaler()).fit(X)


# --- the decay-tuning workflow ---------------------------------------------

GRID = {
    "autoencoderrefiner__estimator__penalty": ["l2"],
    "autoencoderrefiner__estimator__alpha": [1e-4, 30.0],
}


def tuning_pipeline():
    return make_pipeline(
        StandardScaler(),
        AutoencoderRefiner(small_rbm(n_iter=10), n_iter=10, random_state=0),
    )


@pytest.fixture(scope="module")
def raw_patches(patches):
    from skrbm.datasets import load_natural_patches

    return load_natural_patches(300, standardize=False, random_state=1)


@pytest.fixture(scope="module")
def search(raw_patches):
    cv = KFold(3, shuffle=True, random_state=0)
    return GridSearchCV(tuning_pipeline(), GRID, cv=cv).fit(raw_patches), cv


def test_grid_scores_are_minus_the_validation_mse(search, raw_patches):
    grid, cv = search
    scores = grid.cv_results_["split0_test_score"]
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    train, test = next(cv.split(raw_patches))
    for params, score in zip(grid.cv_results_["params"], scores, strict=True):
        pipe = clone(tuning_pipeline()).set_params(**params).fit(raw_patches[train])
        scaler, refiner = pipe[0], pipe[-1]
        X_test = scaler.transform(raw_patches[test])
        mse = np.mean((X_test - refiner.reconstruct(X_test)) ** 2)
        assert score == pytest.approx(-mse, rel=1e-10)


def test_a_huge_l2_decay_scores_worse(search):
    grid, _ = search
    by_alpha = dict(
        zip(
            grid.cv_results_["param_autoencoderrefiner__estimator__alpha"],
            grid.cv_results_["mean_test_score"],
            strict=True,
        )
    )
    assert by_alpha[30.0] < by_alpha[1e-4]
    assert grid.best_params_["autoencoderrefiner__estimator__alpha"] == 1e-4


def test_best_estimator_transforms_and_reconstructs(search, raw_patches):
    grid, _ = search
    H = grid.best_estimator_.transform(raw_patches[:5])
    assert H.shape == (5, 20)
    assert ((H > 0) & (H < 1)).all()
    refiner = grid.best_estimator_[-1]
    X = grid.best_estimator_[0].transform(raw_patches[:5])
    assert refiner.reconstruct(X).shape == (5, 64)


def test_nested_parameters_are_reachable():
    pipe = tuning_pipeline()
    params = pipe.get_params(deep=True)
    assert params["autoencoderrefiner__estimator__alpha"] == 1e-4
    pipe.set_params(autoencoderrefiner__estimator__penalty="l1")
    assert pipe[-1].estimator.penalty == "l1"
    assert clone(pipe)[-1].estimator.penalty == "l1"


def test_plain_rbm_pipeline_tunes_the_same_way(raw_patches):
    pipe = make_pipeline(StandardScaler(), small_rbm(n_iter=10))
    grid = GridSearchCV(
        pipe,
        {"gaussianrbm__penalty": ["l2"], "gaussianrbm__alpha": [1e-4, 30.0]},
        cv=3,
    ).fit(raw_patches)
    scores = grid.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    assert scores[1] < scores[0]


def test_n_components_beside_an_estimator_overrides_or_is_refused(patches):
    X, _ = patches
    refiner = AutoencoderRefiner(small_rbm(), n_components=7, n_iter=1).fit(X)
    assert refiner.estimator_.n_components == 7
    assert refiner.components_.shape == (7, 64)
    frozen = AutoencoderRefiner(FrozenEstimator(small_rbm().fit(X)), n_components=7)
    with pytest.raises(ValueError, match="n_components=7 cannot be applied to"):
        frozen.fit(X)
    assert not hasattr(frozen, "components_")
    assert AutoencoderRefiner(None).fit(X[:50]).components_.shape == (100, 64)


def test_feature_names_reach_the_inner_rbm(patches):
    import pandas as pd

    X, _ = patches
    frame = pd.DataFrame(X[:100], columns=[f"pixel{i}" for i in range(64)])
    refiner = AutoencoderRefiner(small_rbm(), n_iter=2, random_state=0).fit(frame)
    assert list(refiner.estimator_.feature_names_in_) == list(frame.columns)
    # the inner RBM, not only the refiner, was fitted with feature names
    with pytest.warns(UserWarning, match="GaussianRBM"):
        refiner.estimator_.transform(X[:5])


@pytest.mark.parametrize("make", [small_rbm, lambda: AutoencoderRefiner(None)])
def test_score_of_huge_values_is_infinite_without_warnings(make, patches):
    X, _ = patches
    model = make().fit(X[:200])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.score(np.full((3, 64), 1e154)) == -np.inf


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_weight_order_changes_speed_not_the_model(tied, dtype, monkeypatch):
    # 600 -> 450 units is a large model with more features than units: in
    # float32 its weights are stored F-ordered (skrbm._autoencoder.weight_order).
    # Trained in either order, the model is the same up to rounding.
    X = np.random.RandomState(0).standard_normal((300, 600)).astype(dtype)
    params = dict(n_components=450, n_iter=2, tied=tied, random_state=0)
    default = AutoencoderRefiner(None, **params).fit(X)
    expected = "F" if dtype == np.float32 else "C"
    assert default.components_.flags[f"{expected}_CONTIGUOUS"]
    fitted = {}
    for order in ("C", "F"):
        monkeypatch.setattr("skrbm._refiner.weight_order", lambda *_, o=order: o)
        fitted[order] = AutoencoderRefiner(None, **params).fit(X)
        for name in ("components_", "decoder_components_"):
            assert getattr(fitted[order], name).flags[f"{order}_CONTIGUOUS"]
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    for name in ("components_", "decoder_components_", "intercept_visible_"):
        assert_allclose(
            getattr(fitted["F"], name), getattr(fitted["C"], name), rtol=rtol, atol=rtol
        )
    # training goes on the same way in either order (a model saved by skrbm
    # 0.1 has C-ordered weights)
    for model in fitted.values():
        model.partial_fit(X)
    assert_allclose(
        fitted["F"].components_, fitted["C"].components_, rtol=rtol, atol=rtol
    )
    assert fitted["F"].loss_curve_[-1] == pytest.approx(
        fitted["C"].loss_curve_[-1], rel=rtol
    )


# --- binary RBMs: a logistic decoder ---------------------------------------


@pytest.fixture(scope="module")
def binary_digits():
    from sklearn.datasets import load_digits

    return (load_digits().data > 8).astype(np.float64)


def _unfitted_binary_rbm():
    from skrbm import BinaryRBM

    return BinaryRBM(32, n_iter=5, random_state=0)


def _untrained(estimator, X):
    # n_iter=0 is not allowed: a learning rate that rounds every update away
    # leaves the unrolled model as it starts
    ae = AutoencoderRefiner(estimator, n_iter=1, learning_rate=1e-300, random_state=0)
    return ae.fit(X)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("frozen", [True, False], ids=["frozen", "unfrozen"])
def test_binary_rbm_unrolls_to_its_own_reconstruction(binary_digits, dtype, frozen):
    X = binary_digits.astype(dtype)
    estimator = _unfitted_binary_rbm()
    if frozen:
        estimator = FrozenEstimator(estimator.fit(X))
    ae = _untrained(estimator, X)
    rbm = ae.estimator_.estimator if frozen else ae.estimator_
    assert ae.out_activation_ == "logistic"
    assert_array_equal(ae.components_, rbm.components_.astype(dtype))
    assert_array_equal(ae.intercept_visible_, rbm.intercept_visible_.astype(dtype))
    expected = rbm.inverse_transform(rbm.transform(X))
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert ae.reconstruct(X).dtype == dtype
    assert_allclose(ae.reconstruct(X), expected, rtol=rtol, atol=rtol)
    assert_allclose(
        ae.inverse_transform(ae.transform(X)), expected, rtol=rtol, atol=rtol
    )
    assert ae.score(X) == pytest.approx(-np.mean((X - expected) ** 2), rel=rtol)


def test_bernoulli_rbm_of_scikit_learn_unrolls_to_a_logistic_decoder(binary_digits):
    from scipy.special import expit
    from sklearn.neural_network import BernoulliRBM

    X = binary_digits
    rbm = BernoulliRBM(16, n_iter=3, random_state=0).fit(X)
    ae = _untrained(FrozenEstimator(rbm), X)
    assert ae.out_activation_ == "logistic"
    H = rbm.transform(X)
    expected = expit(H @ rbm.components_ + rbm.intercept_visible_)
    assert_allclose(ae.reconstruct(X), expected, rtol=1e-12, atol=1e-12)


def test_one_epoch_over_a_binary_rbm_keeps_its_error(binary_digits):
    X = binary_digits
    rbm = _unfitted_binary_rbm().set_params(n_iter=100).fit(X)
    rbm_mse = np.mean((X - rbm.inverse_transform(rbm.transform(X))) ** 2)
    ae = AutoencoderRefiner(FrozenEstimator(rbm), n_iter=1, random_state=0).fit(X)
    Y = ae.reconstruct(X)
    # the former linear decoder started at MSE 0.70 (outputs in [-3.1, 3.7])
    # against the RBM's 0.035
    assert rbm_mse == pytest.approx(0.0349, abs=5e-4)
    assert -ae.score(X) == pytest.approx(0.0347, abs=5e-4)
    assert -ae.score(X) < rbm_mse
    assert Y.min() > 0 and Y.max() < 1


def test_gaussian_and_random_models_keep_a_linear_decoder(patches):
    X, _ = patches
    assert (
        AutoencoderRefiner(small_rbm(), n_iter=1).fit(X).out_activation_ == "identity"
    )
    assert AutoencoderRefiner(None, n_iter=1).fit(X).out_activation_ == "identity"


def test_out_activation_survives_pickling(binary_digits, tmp_path):
    import joblib

    X = binary_digits
    ae = AutoencoderRefiner(_unfitted_binary_rbm(), n_iter=2, random_state=0).fit(X)
    path = tmp_path / "ae.joblib"
    joblib.dump(ae, path)
    loaded = joblib.load(path)
    assert loaded.out_activation_ == "logistic"
    assert_array_equal(loaded.reconstruct(X), ae.reconstruct(X))


def test_a_model_pickled_without_out_activation_keeps_its_linear_decoder(
    patches, tmp_path
):
    import joblib

    X, _ = patches
    ae = AutoencoderRefiner(small_rbm(), n_iter=2, random_state=0).fit(X)
    expected = ae.reconstruct(X)
    del ae.out_activation_  # as models were saved before it existed
    path = tmp_path / "old.joblib"
    joblib.dump(ae, path)
    loaded = joblib.load(path)
    assert loaded.out_activation_ == "identity"
    assert_array_equal(loaded.reconstruct(X), expected)
    H = loaded.transform(X)
    linear = H @ loaded.decoder_components_ + loaded.intercept_visible_
    assert_allclose(loaded.inverse_transform(H), linear, rtol=1e-12)
    loaded.partial_fit(X)
    assert loaded.n_iter_ == 3
