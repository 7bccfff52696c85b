"""scikit-learn's estimator checks over every public estimator configuration."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM

SMALL = dict(n_components=4, n_iter=3, batch_size=10, random_state=0)


def _rbm(**params):
    return GaussianRBM(**{**SMALL, **params})


def _binary(**params):
    return BinaryRBM(**{**SMALL, **params})


ESTIMATORS = [
    _rbm(penalty=None),
    _rbm(penalty="l1", alpha=0.01),
    _rbm(penalty="l2", alpha=0.1),
    _rbm(penalty="elasticnet", alpha=0.01),
    _rbm(persistent=True),
    _rbm(sampler="pt", n_temperatures=3, learn_variance=True),
    _rbm(cd_steps=2),
    _rbm(early_stopping=True, n_iter=6, n_iter_no_change=2),
    _rbm(sparsity_target=0.1, init="identity", hidden_bias_init=-2.0),
    _rbm(selectivity_target=0.1, centering=True),
    _binary(penalty=None),
    _binary(penalty="l1", alpha=0.01),
    _binary(persistent=True, cd_steps=2),
    _binary(sampler="pt", n_temperatures=3),
    _binary(early_stopping=True, n_iter=6, n_iter_no_change=2),
    _binary(sparsity_target=0.1, selectivity_target=0.1, centering=True),
    AutoencoderRefiner(_rbm(), n_iter=3, batch_size=10, random_state=0),
    AutoencoderRefiner(None, n_components=4, n_iter=3, batch_size=10, random_state=0),
    AutoencoderRefiner(_rbm(), tied=True, n_iter=3, batch_size=10, random_state=0),
    AutoencoderRefiner(
        _rbm(), early_stopping=True, n_iter=6, batch_size=10, random_state=0
    ),
    AutoencoderRefiner(
        [_rbm(n_components=6), _binary(n_components=3)],
        n_iter=3,
        batch_size=10,
        random_state=0,
    ),
    AutoencoderRefiner(
        None,
        n_components=(5, 2),
        code_activation="identity",
        n_iter=3,
        batch_size=10,
        random_state=0,
    ),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
