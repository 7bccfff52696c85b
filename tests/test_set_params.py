"""Every constructor parameter changed with set_params between partial_fit calls.

Each parameter is either honoured from the next call, refused with an error
that names it and says to call fit, or documented as read by fit only; none
is silently ignored.
"""

import numpy as np
import pytest
from _helpers import fitted_arrays
from sklearn.base import clone

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM

RBM = GaussianRBM(
    n_components=6,
    n_iter=2,
    batch_size=16,
    penalty="elasticnet",
    sparsity_target=0.2,
    selectivity_target=0.2,
    learn_variance=True,
    random_state=0,
)
RBM_CHANGES = {
    "n_components": 4,
    "learning_rate": 0.003,
    "momentum": 0.5,
    "batch_size": 10,
    "n_iter": 7,
    "shuffle": False,
    "penalty": "l1",
    "alpha": 0.05,
    "l1_ratio": 0.9,
    "cd_steps": 3,
    "persistent": True,
    "sampler": "pt",
    "n_temperatures": 3,
    "sparsity_target": 0.05,
    "sparsity_cost": 2.0,
    "selectivity_target": 0.1,
    "selectivity_blend": 0.3,
    "learn_variance": False,
    "variance_rate": 0.5,
    "centering": True,
    "init": "identity",
    "init_scale": 0.5,
    "hidden_bias_init": -2.0,
    "visible_bias_rate": 0.0,
    "hidden_bias_rate": 3.0,
    "max_update_norm": 1e-4,
    "early_stopping": True,
    "validation_fraction": 0.3,
    "n_iter_no_change": 2,
    "tol": 0.5,
    "verbose": 1,
    "random_state": 1,
}
GAUSSIAN_ONLY = {"learn_variance", "variance_rate"}
BINARY = BinaryRBM(
    **{k: v for k, v in RBM.get_params().items() if k not in GAUSSIAN_ONLY}
)
BINARY_CHANGES = {k: v for k, v in RBM_CHANGES.items() if k not in GAUSSIAN_ONLY}
REFINER = AutoencoderRefiner(
    GaussianRBM(n_components=5, n_iter=2, random_state=0),
    n_iter=2,
    batch_size=16,
    random_state=0,
)
REFINER_CHANGES = {
    "estimator": GaussianRBM(n_components=3, n_iter=2, random_state=0),
    "estimator__alpha": 0.05,
    "n_components": 7,
    "n_iter": 7,
    "learning_rate": 0.05,
    "momentum": 0.5,
    "batch_size": 10,
    "shuffle": False,
    "tied": True,
    "code_activation": "identity",
    "early_stopping": True,
    "validation_fraction": 0.3,
    "n_iter_no_change": 2,
    "tol": 0.5,
    "verbose": 1,
    "random_state": 1,
}


def _case(estimator, name, value):
    # n_temperatures shapes parallel tempering alone: change it under it
    if name == "n_temperatures":
        estimator = clone(estimator).set_params(sampler="pt")
    return estimator, name, value


CASES = [
    *(_case(RBM, name, value) for name, value in RBM_CHANGES.items()),
    *(_case(BINARY, name, value) for name, value in BINARY_CHANGES.items()),
    *((REFINER, name, value) for name, value in REFINER_CHANGES.items()),
]


@pytest.mark.parametrize(
    ("estimator", "changes"),
    [(RBM, RBM_CHANGES), (BINARY, BINARY_CHANGES), (REFINER, REFINER_CHANGES)],
)
def test_every_constructor_parameter_is_covered(estimator, changes):
    assert set(estimator.get_params(deep=False)) <= set(changes)
    groups = estimator._init_params + estimator._fit_only_params
    assert set(groups) <= set(estimator.get_params(deep=False))


def _kind(estimator, name):
    top = name.partition("__")[0]
    if top in estimator._init_params:
        return "refused"
    if top in estimator._fit_only_params:
        return "fit only"
    return "honoured"


@pytest.mark.parametrize(
    ("estimator", "name", "value"),
    CASES,
    ids=[f"{type(e).__name__}-{n}" for e, n, _ in CASES],
)
def test_parameter_changed_between_partial_fit_calls(estimator, name, value, capsys):
    X = np.random.RandomState(0).standard_normal((64, 5))
    changed = clone(estimator).partial_fit(X)
    same = clone(estimator).partial_fit(X)
    before = {k: a.copy() for k, a in fitted_arrays(changed).items()}
    changed.set_params(**{name: value})
    capsys.readouterr()
    kind = _kind(estimator, name)
    if kind == "refused":
        with pytest.raises(ValueError, match=rf"^{name} changed from .*Call fit"):
            changed.partial_fit(X)
        after = fitted_arrays(changed)
        assert after.keys() == before.keys()
        for key, array in before.items():
            np.testing.assert_array_equal(after[key], array, err_msg=key)
        assert changed.n_iter_ == 1
        return
    changed.partial_fit(X)
    same.partial_fit(X)
    assert changed.n_iter_ == same.n_iter_ == 2
    printed = capsys.readouterr().out
    if name == "verbose":
        assert printed.count("Epoch 2") == 1
        return
    differs = any(
        not np.array_equal(a, fitted_arrays(same).get(k))
        for k, a in fitted_arrays(changed).items()
    )
    # honoured settings change the next epoch; fit-only ones leave it alone
    assert differs == (kind == "honoured")


def test_fit_after_a_refused_change_starts_again_with_it():
    X = np.random.RandomState(0).standard_normal((64, 5))
    rbm = clone(RBM).partial_fit(X).set_params(n_components=4)
    with pytest.raises(ValueError, match="n_components changed from 6 to 4"):
        rbm.partial_fit(X)
    rbm.fit(X).partial_fit(X)
    assert rbm.components_.shape == (4, 5)


def test_switching_pcd_on_starts_chains_that_persist():
    X = np.random.RandomState(0).standard_normal((64, 5))
    rbm = clone(RBM).partial_fit(X).set_params(persistent=True)
    rbm.partial_fit(X)
    assert rbm.h_samples_.shape == (16, 6)
    chains = rbm.h_samples_.copy()
    rbm.partial_fit(X)
    assert not np.array_equal(rbm.h_samples_, chains)
