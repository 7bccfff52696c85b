"""The likelihood of a pipeline in the units of its input (the Jacobian).

``log p(x) = log p_rbm(T(x)) + log|det J_T|`` for the affine steps skrbm
knows; every other step is refused unless ``jacobian=False``.
"""

import numpy as np
import pytest
from scipy.stats import multivariate_normal
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    Binarizer,
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)

from skrbm import BinaryRBM, GaussianRBM, ZCAWhitening
from skrbm._jacobian import NoJacobianError, log_abs_det_jacobian
from skrbm.metrics import log_likelihood, log_likelihood_scorer, log_partition

#: The affine steps with a Jacobian, by name.
AFFINE = {
    "standard": StandardScaler,
    "standard, no std": lambda: StandardScaler(with_std=False),
    "robust": RobustScaler,
    "minmax": MinMaxScaler,
    "maxabs": MaxAbsScaler,
    "pca": PCA,
    "pca whiten": lambda: PCA(whiten=True),
    "zca": lambda: ZCAWhitening(remove_mean=False),
    "zca exact": lambda: ZCAWhitening(0.0, remove_mean=False),
}


def correlated(n_samples, n_features=2, seed=0):
    """Gaussian data with unequal scales, correlated features and an offset."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(n_features, n_features)) * rng.uniform(
        0.3, 3.0, n_features
    )
    return rng.standard_normal((n_samples, n_features)) @ mixing + 5.0


def heavy_tailed(n_samples, n_features=2, seed=0):
    """A correlated mixture of two Gaussians: something for the RBM to learn."""
    X = correlated(n_samples, n_features, seed)
    flip = np.random.default_rng(seed + 1).random(n_samples) < 0.3
    X[flip] += 4.0
    return X


def numerical_log_det(step, n_features):
    """``log|det|`` of the linear part of a fitted affine step, by transforming."""
    origin = np.zeros((1, n_features))
    linear = step.transform(np.eye(n_features)) - step.transform(origin)
    return np.linalg.slogdet(linear)[1]


@pytest.mark.parametrize("kind", AFFINE)
def test_log_det_is_that_of_the_map_the_step_applies(kind):
    X = correlated(200, 4)
    if not kind.startswith(("pca", "zca")):
        X[:, 2] = 7.0  # a constant feature, which the scalers leave unscaled
    step = AFFINE[kind]().fit(X)
    assert log_abs_det_jacobian(step) == pytest.approx(
        numerical_log_det(step, 4), abs=1e-8
    )


def test_known_jacobians_in_closed_form():
    X = correlated(300, 3)
    scaler = StandardScaler().fit(X)
    assert log_abs_det_jacobian(scaler) == -np.sum(np.log(X.std(axis=0)))
    assert log_abs_det_jacobian(StandardScaler(with_std=False).fit(X)) == 0.0
    pca = PCA(whiten=True).fit(X)
    variances = np.linalg.eigvalsh(np.cov(X, rowvar=False))
    assert log_abs_det_jacobian(pca) == pytest.approx(
        -0.5 * np.sum(np.log(variances)), rel=1e-9
    )
    assert log_abs_det_jacobian(PCA().fit(X)) == pytest.approx(0.0, abs=1e-12)
    zca = ZCAWhitening(0.1, remove_mean=False).fit(X)
    biased = np.linalg.eigvalsh(np.cov(X, rowvar=False, bias=True))
    assert log_abs_det_jacobian(zca) == pytest.approx(
        -0.5 * np.sum(np.log(biased + 0.1 * biased.mean())), rel=1e-12
    )
    nested = Pipeline([("a", StandardScaler()), ("b", "passthrough")]).fit(X)
    assert log_abs_det_jacobian(nested) == log_abs_det_jacobian(scaler)


def test_scaled_pipeline_is_the_rbms_density_minus_log_scale(patches):
    X = patches[1] * 3.0 + 1.0
    pipe = make_pipeline(StandardScaler(), GaussianRBM(8, n_iter=5, random_state=0))
    pipe.fit(X)
    scaler, rbm = pipe[0], pipe[-1]
    expected = rbm.log_likelihood(scaler.transform(X)) - np.sum(np.log(scaler.scale_))
    np.testing.assert_allclose(log_likelihood(pipe, X), expected, rtol=1e-12)
    assert log_likelihood_scorer(pipe, X) == pytest.approx(expected.mean(), rel=1e-12)
    # 64 pixels scaled by 3 times their standard deviation: 64 * log(3 * 1) apart
    assert np.mean(log_likelihood(pipe, X, jacobian=False) - expected) == (
        pytest.approx(np.sum(np.log(scaler.scale_)))
    )


def integral_over_raw_grid(pipe, X, n_points=500, reach=12.0):
    """Integral of ``exp(log_likelihood(pipe, x))`` over a box in raw units.

    The box holds ``reach`` units of the RBM's (transformed) space around
    the origin and the data, whatever the preprocessing's scale.
    """
    steps = pipe[:-1]
    origin = steps.transform(np.zeros((1, 2)))
    linear = steps.transform(np.eye(2)) - origin
    inverse = np.linalg.inv(linear)
    centre = (-origin @ inverse)[0]
    half = reach * np.abs(inverse).sum(axis=0) + np.abs(X - centre).max(axis=0)
    axes = [
        np.linspace(c - h, c + h, n_points) for c, h in zip(centre, half, strict=True)
    ]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 2)
    density = np.exp(log_likelihood(pipe, grid, method="exact"))
    cell = np.prod([a[1] - a[0] for a in axes])
    return density.sum() * cell


@pytest.mark.parametrize(
    "prep",
    [
        StandardScaler(),
        ZCAWhitening(remove_mean=False),
        PCA(whiten=True),
        PCA(),
        MinMaxScaler(),
        MaxAbsScaler(),
    ],
    ids=lambda step: (
        type(step).__name__ + ("(whiten)" if "whiten=True" in repr(step) else "")
    ),
)
def test_pipeline_density_integrates_to_one_in_raw_units(prep):
    X = heavy_tailed(500)
    pipe = make_pipeline(prep, GaussianRBM(6, n_iter=30, random_state=0)).fit(X)
    assert np.abs(pipe[-1].components_).max() > 0.01  # not a plain Gaussian
    assert integral_over_raw_grid(pipe, X) == pytest.approx(1.0, abs=1e-3)
    # without the Jacobian, the density of the transformed data does not
    if not isinstance(prep, PCA) or prep.whiten:
        log_det = log_abs_det_jacobian(pipe[0])
        assert abs(log_det) > 0.1
        assert integral_over_raw_grid(pipe, X) * np.exp(-log_det) != pytest.approx(
            1.0, abs=0.05
        )


def test_learned_variance_pipeline_integrates_to_one_in_raw_units():
    X = heavy_tailed(500)
    rbm = GaussianRBM(6, n_iter=30, learn_variance=True, random_state=0)
    pipe = make_pipeline(ZCAWhitening(remove_mean=False), rbm).fit(X)
    assert integral_over_raw_grid(pipe, X, n_points=700) == pytest.approx(1.0, abs=1e-3)


def gaussian_pipeline(prep, X):
    """``prep`` then an RBM without weights or visible bias: ``N(0, I)`` inside."""
    pipe = make_pipeline(prep, GaussianRBM(4, n_iter=2, random_state=0)).fit(X)
    pipe[-1].components_[:] = 0.0
    pipe[-1].intercept_visible_[:] = 0.0
    return pipe


def test_whitened_pipelines_are_the_full_covariance_gaussian():
    X = correlated(500, 5)
    X, X_test = X[:400], X[400:]
    pca = gaussian_pipeline(PCA(whiten=True), X)
    zca = gaussian_pipeline(ZCAWhitening(0.0, remove_mean=False), X)
    scaled = gaussian_pipeline(StandardScaler(), X)
    mean = X.mean(axis=0)
    full = multivariate_normal(mean, np.cov(X, rowvar=False))
    full_biased = multivariate_normal(mean, np.cov(X, rowvar=False, bias=True))
    diagonal = multivariate_normal(mean, np.diag(X.var(axis=0)))
    np.testing.assert_allclose(log_likelihood(pca, X_test), full.logpdf(X_test))
    np.testing.assert_allclose(
        log_likelihood(zca, X_test), full_biased.logpdf(X_test), rtol=1e-10
    )
    np.testing.assert_allclose(
        log_likelihood(scaled, X_test), diagonal.logpdf(X_test), rtol=1e-10
    )
    # in the data's units the correlated model wins, by the data's correlation
    assert log_likelihood_scorer(zca, X_test) > log_likelihood_scorer(scaled, X_test)


def test_tiny_weights_after_pca_whitening_match_the_fitted_gaussian():
    X = correlated(400, 5)
    pipe = make_pipeline(
        PCA(whiten=True), GaussianRBM(8, n_iter=1, random_state=0)
    ).fit(X)
    pipe[-1].intercept_visible_[:] = 0.0
    pipe[-1].components_ *= 1e-4 / np.abs(pipe[-1].components_).max()
    full = multivariate_normal(X.mean(axis=0), np.cov(X, rowvar=False))
    np.testing.assert_allclose(log_likelihood(pipe, X), full.logpdf(X), atol=1e-3)


REFUSED = {
    "pca dropping": (lambda: PCA(n_components=2), NoJacobianError, "keeps 2 of 4"),
    "zca mean removal": (ZCAWhitening, NoJacobianError, "remove_mean=True"),
    "clipping": (lambda: MinMaxScaler(clip=True), NoJacobianError, "clip=True"),
    "function": (lambda: FunctionTransformer(np.cbrt), TypeError, "Supported:"),
    "subclass": (
        lambda: type("MyScaler", (StandardScaler,), {})(),
        TypeError,
        "Supported:",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_steps_without_a_jacobian_are_refused_by_name(case):
    make, error, detail = REFUSED[case]
    X = correlated(100, 4)
    pipe = Pipeline(
        [
            ("passing", "passthrough"),
            ("prep", make()),
            ("rbm", GaussianRBM(3, n_iter=2)),
        ]
    ).fit(X)
    what = f"step 'prep' ({type(pipe['prep']).__name__})"
    for score in (log_likelihood, log_likelihood_scorer):
        with pytest.raises(error, match=detail) as caught:
            score(pipe, X)
        assert what in str(caught.value)
        assert "jacobian=False" in str(caught.value)
    assert issubclass(NoJacobianError, ValueError)
    # without the Jacobian: the RBM's density of the transformed data, as in 0.2
    expected = log_likelihood(pipe["rbm"], pipe[:-1].transform(X))
    np.testing.assert_array_equal(log_likelihood(pipe, X, jacobian=False), expected)
    assert log_likelihood_scorer(pipe, X, jacobian=False) == pytest.approx(
        expected.mean()
    )


def test_binary_rbm_behind_a_binarizer_is_refused_with_the_way_out():
    X = np.random.default_rng(0).random((120, 10))
    pipe = make_pipeline(Binarizer(threshold=0.5), BinaryRBM(6, n_iter=3)).fit(X)
    with pytest.raises(ValueError, match=r"step 'binarizer' \(Binarizer\)") as caught:
        log_likelihood(pipe, X)
    assert "jacobian=False" in str(caught.value)
    assert "'binaryrbm' (BinaryRBM)" in str(caught.value)
    expected = log_likelihood(pipe[-1], pipe[0].transform(X))
    np.testing.assert_array_equal(log_likelihood(pipe, X, jacobian=False), expected)
    # a binary RBM alone, or behind "passthrough" only, needs no Jacobian
    alone = Pipeline([("p", "passthrough"), ("rbm", pipe[-1])])
    binary = pipe[0].transform(X)
    np.testing.assert_array_equal(
        log_likelihood(alone, binary), pipe[-1].log_likelihood(binary)
    )


def test_log_partition_of_a_pipeline_ignores_the_preprocessing():
    X = correlated(100, 4)
    pipe = make_pipeline(FunctionTransformer(np.cbrt), GaussianRBM(3, n_iter=2)).fit(X)
    assert log_partition(pipe) == log_partition(pipe[-1])


def test_bare_rbm_and_its_method_take_no_jacobian():
    X = correlated(100, 4)
    rbm = GaussianRBM(3, n_iter=2, random_state=0).fit(X)
    np.testing.assert_array_equal(
        log_likelihood(rbm, X, jacobian=True), log_likelihood(rbm, X, jacobian=False)
    )
    np.testing.assert_array_equal(rbm.log_likelihood(X), log_likelihood(rbm, X))
    with pytest.raises(TypeError, match="jacobian must be True or False"):
        log_likelihood(rbm, X, jacobian="no")


def test_grid_search_over_preprocessing_picks_in_the_datas_units():
    X = correlated(600, 4, seed=3)
    pipe = Pipeline([("prep", StandardScaler()), ("rbm", GaussianRBM(4, n_iter=10))])
    choices = [StandardScaler(), MinMaxScaler(), ZCAWhitening(remove_mean=False)]
    searches = {
        jacobian: GridSearchCV(
            pipe,
            {"prep": choices, "rbm__random_state": [0]},
            scoring=lambda est, X, y=None, j=jacobian: log_likelihood_scorer(
                est, X, jacobian=j
            ),
            cv=2,
            error_score="raise",
        ).fit(X)
        for jacobian in (True, False)
    }
    picked = {j: type(s.best_params_["prep"]).__name__ for j, s in searches.items()}
    # correlated data: the whitened model is the better density of X
    assert picked[True] == "ZCAWhitening"
    # in each pipeline's own units the narrow [0, 1] range of MinMaxScaler wins,
    # while in the data's units it is the worst density of the three
    assert picked[False] == "MinMaxScaler"
    assert np.argmin(searches[True].cv_results_["mean_test_score"]) == 1
    # and the search's scores are those of log_likelihood on each test fold
    half = len(X) // 2
    fitted = pipe.set_params(prep=choices[0], rbm__random_state=0).fit(X[half:])
    expected = log_likelihood(fitted, X[:half]).mean()
    assert searches[True].cv_results_["split0_test_score"][0] == pytest.approx(
        expected, rel=1e-10
    )
