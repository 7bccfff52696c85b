"""Threads and worker processes give the results of a single thread, bit for bit."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from _helpers import FACTORIES, data_methods, make_X, small_rbm, small_refiner
from joblib import parallel_config
from numpy.testing import assert_array_equal
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

N_THREADS = 8

# gibbs draws from the model's generator, so its calls are not independent.
THREAD_CASES = [
    (name, method)
    for name in FACTORIES
    for method in data_methods(name)
    if method != "gibbs"
]


@pytest.fixture(scope="module")
def big_X():
    """Enough rows that each call spends real time in BLAS and numpy."""
    return make_X(2000, 6, seed=3)


@pytest.mark.parametrize("name, method", THREAD_CASES)
def test_threads_share_a_fitted_model_safely(big_X, name, method):
    model = FACTORIES[name]().fit(make_X())
    expected = getattr(model, method)(big_X)
    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        results = list(pool.map(lambda _: getattr(model, method)(big_X), range(32)))
    for result in results:
        assert_array_equal(result, expected, strict=True)


@pytest.mark.parametrize("name", FACTORIES)
def test_threads_on_different_slices_match_a_single_call(big_X, name):
    model = FACTORIES[name]().fit(make_X())
    chunks = np.array_split(big_X, N_THREADS * 4)
    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        parts = list(pool.map(model.transform, chunks))
    assert_array_equal(np.vstack(parts), model.transform(big_X))


# --- worker processes in a grid search ---------------------------------------


def _raw_X():
    return make_X(90, 6, seed=4) * 3.0 + 1.0


SEARCHES = {
    "rbm": (
        lambda: make_pipeline(StandardScaler(), small_rbm(n_iter=3)),
        {"gaussianrbm__penalty": ["l1", "l2"], "gaussianrbm__alpha": [1e-3, 1.0]},
    ),
    "refiner": (
        lambda: make_pipeline(StandardScaler(), small_refiner(n_iter=3)),
        {"autoencoderrefiner__estimator__alpha": [1e-3, 1.0]},
    ),
}


def _search(name, n_jobs):
    """A search with one BLAS thread per fit, in this process or in workers.

    joblib gives each worker ``cores // n_jobs`` BLAS threads unless told
    otherwise; products summed by one thread or by several round
    differently, so both sides run under the same limit of one.
    """
    pipeline, grid = SEARCHES[name]
    cv = KFold(3, shuffle=True, random_state=0)
    search = GridSearchCV(pipeline(), grid, cv=cv, n_jobs=n_jobs)
    with (
        threadpool_limits(limits=1, user_api="blas"),
        parallel_config(backend="loky", inner_max_num_threads=1),
    ):
        return search.fit(_raw_X())


@pytest.fixture(scope="module", params=list(SEARCHES))
def searches(request):
    """The same search run in-process and in two worker processes."""
    return _search(request.param, 1), _search(request.param, 2)


def test_parallel_search_gives_identical_scores(searches):
    serial, parallel = searches
    scores = serial.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    assert len(np.unique(scores)) == len(scores)
    assert_array_equal(parallel.cv_results_["mean_test_score"], scores)


def test_parallel_search_picks_an_identical_best_estimator(searches):
    serial, parallel = searches
    assert parallel.best_params_ == serial.best_params_
    assert_array_equal(
        parallel.best_estimator_[-1].components_,
        serial.best_estimator_[-1].components_,
        strict=True,
    )
