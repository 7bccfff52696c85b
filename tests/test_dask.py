"""Distributed tuning: GridSearchCV on a real dask cluster equals a local run."""

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

from skrbm import AutoencoderRefiner, GaussianRBM
from skrbm.datasets import load_natural_patches

distributed = pytest.importorskip(
    "distributed",
    reason='distributed tuning needs the dask extra: pip install ".[dask]"',
)

RBM = dict(n_components=10, n_iter=5, batch_size=50, random_state=0)
ALPHAS = [0.01, 0.1]
CV = KFold(n_splits=3)


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes on the loopback.

    The scheduler's HTTP server (which the dashboard shares) listens on a
    free port the system picks: ``dashboard_address=None`` turns off the
    dashboard but still binds port 8787, which another program may hold.
    """
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _blas_threads():
    return {
        info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"
    }


@pytest.fixture(scope="module")
def local_search():
    """Fit a search in this process with one BLAS thread, as the workers have.

    A product summed by one thread or by several rounds differently; equal
    results need the same thread limit on both sides.
    """

    def fit(search, X):
        with threadpool_limits(limits=1, user_api="blas"):
            return search.set_params(n_jobs=1).fit(X)

    return fit


def test_the_workers_run_blas_on_one_thread_like_the_local_side(client):
    assert list(client.run(_blas_threads).values()) == [{1}, {1}]


@pytest.fixture(scope="module")
def raw_patches():
    """300 natural 8x8 patches, not standardized (the pipeline does it)."""
    return load_natural_patches(300, patch_size=8, standardize=False, random_state=0)


def rbm_search():
    pipe = make_pipeline(StandardScaler(), GaussianRBM(**RBM))
    grid = {"gaussianrbm__penalty": ["l1", "l2"], "gaussianrbm__alpha": ALPHAS}
    return GridSearchCV(pipe, grid, cv=CV)


def refiner_search():
    refiner = AutoencoderRefiner(
        GaussianRBM(**RBM), n_iter=5, batch_size=50, random_state=0
    )
    pipe = make_pipeline(StandardScaler(), refiner)
    grid = {
        "autoencoderrefiner__estimator__penalty": ["l1", "l2"],
        "autoencoderrefiner__estimator__alpha": ALPHAS,
    }
    return GridSearchCV(pipe, grid, cv=CV)


def fit_on_cluster(search, X, client, **backend_options):
    """Fit with joblib's dask backend; return the search and the workers used."""
    with (
        distributed.get_task_stream(client) as tasks,
        joblib.parallel_config(backend="dask", **backend_options),
    ):
        search.set_params(n_jobs=-1).fit(X)
    return search, {task["worker"] for task in tasks.data}


def assert_same_results(distributed_search, local_search):
    got, expected = distributed_search.cv_results_, local_search.cv_results_
    score_keys = [k for k in expected if k.endswith("_test_score")]
    assert {"mean_test_score", "split0_test_score", "split2_test_score"} <= set(
        score_keys
    )
    for key in score_keys:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)
    assert got["params"] == expected["params"]
    assert distributed_search.best_params_ == local_search.best_params_


@pytest.mark.parametrize("make_search", [rbm_search, refiner_search])
def test_dask_grid_search_equals_local_run(
    client, raw_patches, local_search, make_search
):
    local = local_search(make_search(), raw_patches)
    on_cluster, workers = fit_on_cluster(make_search(), raw_patches, client)
    assert workers and workers <= set(client.scheduler_info()["workers"])
    assert_same_results(on_cluster, local)
    assert np.all(np.isfinite(local.cv_results_["mean_test_score"]))


def test_data_scattered_to_the_workers_gives_the_same_results(
    client, raw_patches, local_search
):
    local = local_search(rbm_search(), raw_patches)
    on_cluster, _ = fit_on_cluster(
        rbm_search(), raw_patches, client, scatter=[raw_patches]
    )
    assert_same_results(on_cluster, local)
