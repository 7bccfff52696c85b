"""Small, fast estimators and data shared by the reliability tests."""

import numpy as np

from skrbm import AutoencoderRefiner, BinaryRBM, GaussianRBM

N_SAMPLES, N_FEATURES, N_COMPONENTS = 40, 6, 3


def make_X(n_samples=N_SAMPLES, n_features=N_FEATURES, dtype=np.float64, seed=0):
    """A standardized Gaussian design."""
    X = np.random.RandomState(seed).standard_normal((n_samples, n_features))
    return X.astype(dtype)


def central_differences(function, params, name, eps=1e-5):
    """Central finite differences of ``function(**params)`` in ``params[name]``.

    Parameters
    ----------
    function : callable
        Takes the arrays of ``params`` by keyword, returns a float.
    params : dict of str to ndarray
        Where to differentiate; left unchanged.
    name : str
        The array to differentiate in, entry by entry.
    eps : float, default=1e-5

    Returns
    -------
    gradient : ndarray of the shape of ``params[name]``
    """
    grad = np.zeros_like(params[name])
    for index in np.ndindex(grad.shape):
        moved = []
        for step in (eps, -eps):
            shifted = {k: v.copy() for k, v in params.items()}
            shifted[name][index] += step
            moved.append(function(**shifted))
        grad[index] = (moved[0] - moved[1]) / (2 * eps)
    return grad


def small_rbm(**params):
    """A GaussianRBM that fits the design of :func:`make_X` in milliseconds."""
    defaults = dict(n_components=N_COMPONENTS, n_iter=2, batch_size=8, random_state=0)
    return GaussianRBM(**{**defaults, **params})


def small_binary_rbm(**params):
    """A BinaryRBM that fits the design of :func:`make_X` in milliseconds."""
    defaults = dict(n_components=N_COMPONENTS, n_iter=2, batch_size=8, random_state=0)
    return BinaryRBM(**{**defaults, **params})


def small_refiner(**params):
    """An AutoencoderRefiner pretraining a :func:`small_rbm`."""
    defaults = dict(n_iter=2, batch_size=8, random_state=0)
    return AutoencoderRefiner(small_rbm(), **{**defaults, **params})


def small_autoencoder(**params):
    """An AutoencoderRefiner without pretraining (``estimator=None``)."""
    defaults = dict(n_components=N_COMPONENTS, n_iter=2, batch_size=8, random_state=0)
    return AutoencoderRefiner(None, **{**defaults, **params})


# Every estimator configuration the reliability tests run over.
FACTORIES = {
    "rbm": small_rbm,
    "binary": small_binary_rbm,
    "refiner": small_refiner,
    "autoencoder": small_autoencoder,
}

# Methods taking data of shape (n_samples, n_features_in_) once fitted.
DATA_METHODS = ("transform", "score", "score_samples", "reconstruct")
RBM_ONLY_METHODS = ("free_energy", "gibbs")
RBM_NAMES = ("rbm", "binary")


def data_methods(name):
    """The fitted-data methods of the estimator configuration ``name``."""
    return DATA_METHODS + (RBM_ONLY_METHODS if name in RBM_NAMES else ())


def fitted_arrays(estimator):
    """Every fitted ndarray of ``estimator``, by attribute name."""
    names = (
        "components_",
        "intercept_hidden_",
        "intercept_visible_",
        "decoder_components_",
        "h_samples_",
        "visible_variance_",
    )
    arrays = {n: getattr(estimator, n) for n in names if hasattr(estimator, n)}
    for i, velocity in enumerate(estimator._velocities):
        arrays[f"velocity{i}"] = velocity
    return arrays


def cd_gradient(
    v0,
    W,
    b,
    c,
    rng,
    ws,
    out,
    *,
    cd_steps=1,
    chains=None,
    learning_rate=1.0,
    momentum=0.0,
    target=None,
    units=None,
):
    """One :func:`skrbm._cd.cd_step` of a unit-variance RBM, built from arrays.

    ``out`` (a Gradient) receives ``momentum * out + learning_rate * g``;
    ``chains`` selects persistent chains, ``target`` the selectivity
    regulariser. Returns ``(sse, h0)``.
    """
    from skrbm._cd import Momentum, StepModel, cd_step
    from skrbm._kernels import hidden_weights
    from skrbm._regularizers import Regularizers, Selectivity
    from skrbm._samplers import ContrastiveDivergence, PersistentChains
    from skrbm._units import GAUSSIAN

    units = GAUSSIAN if units is None else units
    model = StepModel(W, b, c, hidden_weights(W, c, ws.hidden), units, None)
    if chains is None:
        sampler = ContrastiveDivergence(cd_steps)
    else:
        sampler = PersistentChains(chains, cd_steps)
    regularizers = Regularizers([] if target is None else [Selectivity(target)])
    update = Momentum(out, learning_rate, momentum)
    return cd_step(v0, model, sampler, regularizers, ws, update, rng)
