"""The shared minibatch loop: batching, allocation-free steps, rollback."""

import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skrbm import AutoencoderRefiner, GaussianRBM
from skrbm._kernels import RAW_CHUNK
from skrbm._training import (
    Schedule,
    failure_reason,
    iter_batches,
    mean_variance,
    run_epoch,
)


def test_batches_cover_every_sample_once():
    bounds = [(a, b) for a, b, _ in iter_batches(23, 5)]
    assert bounds == [(0, 5), (5, 10), (10, 15), (15, 20), (20, 23)]
    order = np.arange(23)[::-1]
    rows = np.concatenate([r for _, _, r in iter_batches(23, 5, order)])
    np.testing.assert_array_equal(rows, order)


@pytest.mark.parametrize(
    "estimator",
    [
        GaussianRBM(n_components=400, batch_size=1000, penalty="l1", alpha=0.01),
        GaussianRBM(n_components=400, batch_size=1000, persistent=True, cd_steps=2),
        GaussianRBM(n_components=400, batch_size=1000, sparsity_target=0.1),
        AutoencoderRefiner(None, n_components=400, batch_size=1000),
        AutoencoderRefiner(None, n_components=400, batch_size=1000, tied=True),
    ],
    ids=["cd-l1", "pcd2", "sparsity", "backprop", "backprop-tied"],
)
def test_minibatch_steps_allocate_no_batch_sized_temporaries(estimator):
    # One (1000, 400) float64 temporary would be 3.2 MB; the minibatch loop
    # may only allocate the epoch's permutation (80 KB), views and, for
    # draws this large, one chunk of raw random bits at a time (64 KB). The
    # once-per-epoch divergence check on the last batch is left out here.
    assert _epoch_peak_bytes(estimator) < 200_000 + 8 * RAW_CHUNK


@pytest.mark.parametrize("tied", [False, True])
def test_f_ordered_weights_allocate_no_batch_sized_temporaries(tied):
    # 600 features -> 450 units, float32: F-ordered weights (weight_order),
    # whose gradients are written through their transposes; a (1000, 600)
    # or (450, 600) float32 temporary would be 2.4 or 1.1 MB.
    estimator = AutoencoderRefiner(None, n_components=450, batch_size=1000, tied=tied)
    assert _epoch_peak_bytes(estimator, n_features=600, dtype=np.float32) < 200_000
    assert estimator.components_.flags.f_contiguous


def test_selectivity_allocates_one_sort_order_at_a_time():
    # numpy's argsort has no out=: Goh's targets need two (1000, 400) int64
    # sort orders per step (3.2 MB each), and nothing else of that size.
    estimator = GaussianRBM(n_components=400, batch_size=1000, selectivity_target=0.1)
    peak = _epoch_peak_bytes(estimator)
    assert 1000 * 400 * 8 <= peak < 1000 * 400 * 8 + 300_000 + 8 * RAW_CHUNK


def _epoch_peak_bytes(estimator, n_features=64, dtype=np.float64):
    """Peak memory allocated by one training epoch of a started estimator."""
    X = np.random.RandomState(0).standard_normal((10_000, n_features)).astype(dtype)
    estimator.set_params(random_state=0).partial_fit(X[:2000])
    step = estimator._make_step(X.dtype)
    step.error = lambda batch: 0.0
    schedule = Schedule(0.01, 1000, True)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        run_epoch(X, step, schedule, estimator._rng)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def test_partial_fit_divergence_restores_the_previous_model():
    X = np.random.RandomState(0).standard_normal((100, 8))
    rbm = GaussianRBM(n_components=4, random_state=0).partial_fit(X)
    saved = [p.copy() for p in (rbm.components_, rbm.intercept_hidden_)]
    rbm.set_params(learning_rate=1e6)
    with pytest.warns(Warning, match="diverged at epoch 2"):
        rbm.partial_fit(X * 1e3)
    np.testing.assert_array_equal(rbm.components_, saved[0])
    np.testing.assert_array_equal(rbm.intercept_hidden_, saved[1])
    assert rbm.n_iter_ == 1


@pytest.fixture
def scipy_blas_calls(monkeypatch):
    """Names of scipy's BLAS/LAPACK routines called while the fixture is active.

    scipy ships an OpenBLAS of its own beside numpy's. Products that
    alternate between the two make both thread pools spin on the same
    cores (benchmarks/README.md), so skrbm's numerics must reach numpy's
    BLAS only.
    """
    import scipy.linalg.blas
    from scipy.linalg import _fblas, _flapack

    calls = []

    def counting(name, routine):
        def wrapper(*args, **kwargs):
            calls.append(name)
            return routine(*args, **kwargs)

        return wrapper

    for module in (scipy.linalg.blas, _fblas, _flapack):
        for name in dir(module):
            routine = getattr(module, name)
            if type(routine).__name__ == "fortran":
                monkeypatch.setattr(module, name, counting(name, routine))
    return calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "estimator",
    [
        GaussianRBM(n_components=6, penalty="elasticnet", sparsity_target=0.1),
        GaussianRBM(n_components=6, persistent=True, cd_steps=2),
        GaussianRBM(n_components=6, early_stopping=True),
        AutoencoderRefiner(GaussianRBM(n_components=6, n_iter=2), n_iter=2),
        AutoencoderRefiner(None, n_components=6, tied=True, early_stopping=True),
    ],
    ids=["cd-elasticnet-sparsity", "pcd2", "early-stopping", "refiner", "tied"],
)
def test_numerics_reach_only_numpys_blas(estimator, dtype, scipy_blas_calls):
    import scipy.linalg.blas

    X = np.random.RandomState(0).standard_normal((60, 9)).astype(dtype)
    est = estimator.set_params(n_iter=3, batch_size=16, random_state=0).fit(X)
    est.partial_fit(X)
    H = est.transform(X)
    est.inverse_transform(H)
    est.score(X)
    if isinstance(est, GaussianRBM):
        est.free_energy(X)
        est.gibbs(X)
    assert scipy_blas_calls == []
    # the fixture does see a call into scipy's BLAS
    scipy.linalg.blas.ddot(np.ones(2), np.ones(2))
    assert scipy_blas_calls == ["ddot"]


def _numpy_blas_threads():
    from threadpoolctl import threadpool_info

    # numpy's BLAS is the one whose library file lives in numpy's folder
    (info,) = [
        i
        for i in threadpool_info()
        if i["user_api"] == "blas" and "numpy" in i["filepath"]
    ]
    return info["num_threads"]


@pytest.mark.parametrize(
    ("n_features", "caller_limit", "expected"),
    [(8, 2, 1), (128, 2, 2), (128, 1, 1)],
    ids=["small-product", "large-product", "caller-limit"],
)
def test_training_threads_follow_the_product_size_and_the_caller(
    monkeypatch, n_features, caller_limit, expected
):
    from threadpoolctl import threadpool_limits

    import skrbm._training

    seen = []
    run_epoch = skrbm._training.run_epoch

    def spy(*args):
        seen.append(_numpy_blas_threads())
        return run_epoch(*args)

    monkeypatch.setattr(skrbm._training, "run_epoch", spy)
    # batch 128 x n_features x 128 hidden: 131 k or 2.1 M multiply-adds
    X = np.random.RandomState(0).standard_normal((256, n_features))
    with threadpool_limits(limits=caller_limit, user_api="blas"):
        GaussianRBM(128, batch_size=128, n_iter=2, random_state=0).fit(X)
        assert _numpy_blas_threads() == caller_limit
    assert seen == [expected] * 2


def test_early_stopping_waits_more_than_n_iter_no_change_epochs():
    # validation scores that never improve after the first epoch
    from skrbm._training import EarlyStopping

    scores = iter([1.0, 0.9, 0.8, 0.7, 0.6, 0.5])
    early = EarlyStopping(None, lambda X: next(scores), tol=0.0, n_iter_no_change=3)
    stops = [early.update([np.zeros(1)]) for _ in range(6)]
    # MLPRegressor stops when the count of epochs without improvement
    # exceeds n_iter_no_change: here at the fifth epoch (counts 0,1,2,3,4)
    assert stops == [False, False, False, False, True, True]


@pytest.mark.parametrize(
    "estimator",
    [GaussianRBM(n_components=4), AutoencoderRefiner(None, n_components=4)],
    ids=["rbm", "refiner"],
)
def test_partial_fit_after_early_stopping_keeps_the_history_consistent(estimator):
    X = np.random.RandomState(0).standard_normal((80, 6))
    model = estimator.set_params(early_stopping=True, n_iter=3, random_state=0).fit(X)
    assert len(model.validation_scores_) == model.n_iter_ == 3
    model.partial_fit(X)
    assert model.n_iter_ == len(model.loss_curve_) == 4
    assert model.validation_scores_ is None
    assert model.best_validation_score_ is None


@pytest.mark.parametrize(
    "estimator",
    [GaussianRBM(n_components=8), AutoencoderRefiner(None, n_components=8)],
    ids=["rbm", "refiner"],
)
def test_fit_makes_no_copy_of_the_data(estimator):
    # 50,000 x 64 float32 is 12.8 MB; buffers, parameters and the epoch's
    # permutation (0.4 MB) are far smaller
    X = np.random.RandomState(0).standard_normal((50_000, 64)).astype(np.float32)
    tracemalloc.start()
    try:
        estimator.set_params(n_iter=1, random_state=0).fit(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes / 4


def test_scikit_learn_private_names_come_through_one_module():
    import ast
    from pathlib import Path

    import skrbm

    offenders = []
    for path in Path(skrbm.__file__).parent.rglob("*.py"):
        if path.name == "_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "sklearn"
            ):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private or any(p.startswith("_") for p in node.module.split(".")):
                    offenders.append(f"{path.name}: from {node.module}")
    assert offenders == []


# --- a diverged fit never hands back garbage silently -------------------------


def _divergence_message(model, X):
    with pytest.warns(ConvergenceWarning) as record:
        model.fit(X)
    (warning,) = [w for w in record if w.category is ConvergenceWarning]
    return str(warning.message)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_non_finite_errors_stop_training_and_say_the_fit_failed(dtype):
    # squares overflow: every epoch's error is inf, which used to be kept
    X = np.random.RandomState(0).standard_normal((200, 8)).astype(dtype)
    X *= dtype(1e30 if dtype == np.float32 else 1e200)
    model = GaussianRBM(n_components=4, n_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the unscaled-data hint
        message = _divergence_message(model, X)
    assert "diverged at epoch 1" in message
    assert "The fit failed: the restored model is unusable" in message
    assert "untrained starting point" in message
    assert f"their squares overflow {np.dtype(dtype)}" in message
    assert model.loss_curve_ == [] and model.n_iter_ == 0


def test_a_fit_that_diverges_after_one_epoch_is_called_failed():
    X = np.random.RandomState(0).standard_normal((400, 16))
    # PCD at 1.0 blows up in its second epoch
    model = GaussianRBM(
        n_components=8, persistent=True, learning_rate=1.0, random_state=0
    )
    message = _divergence_message(model, X)
    assert "diverged at epoch 2" in message
    assert "epoch with the lowest reconstruction error was restored" in message
    assert "unusable, as it had trained for one epoch only" in message
    assert model.n_iter_ == 1


def test_a_diverged_partial_fit_that_restores_a_sound_model_is_not_called_failed():
    X = np.random.RandomState(0).standard_normal((400, 16))
    X[:, 8:] = X[:, :8] + 0.1 * X[:, 8:]  # something to learn
    model = GaussianRBM(n_components=8, n_iter=20, learning_rate=0.05, random_state=0)
    model.fit(X)
    assert model.loss_curve_[-1] < 0.6 * mean_variance(X)
    model.set_params(learning_rate=1e3)
    with pytest.warns(ConvergenceWarning) as record:
        model.partial_fit(X)
    message = str(record[0].message)
    assert "the state before this call was restored" in message
    assert "fit failed" not in message


def test_failure_reasons():
    assert failure_reason(None, 0, 1.0) == "it is the untrained starting point"
    assert "one epoch only" in failure_reason(0.1, 1, 1.0)
    assert failure_reason(0.5, 7, 1.0) is None
    reason = failure_reason(1.25, 7, 1.0)
    assert reason == (
        "its reconstruction error (1.25) is no lower than the error of "
        "predicting every feature by its mean (1)"
    )
    X = np.random.RandomState(0).standard_normal((1000, 4)) * [1, 2, 3, 4]
    assert mean_variance(X) == pytest.approx(X.var(axis=0).mean())
