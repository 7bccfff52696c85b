"""Gibbs sampling: the one Gibbs step, and the negative phases of training.

:func:`gibbs_step` is the Gibbs step of every sampler in skrbm:
:meth:`~skrbm.GaussianRBM.gibbs`, :meth:`~skrbm.GaussianRBM.sample`, the
transitions of annealed importance sampling, and (as its two halves,
:func:`sample_hiddens` and ``units.sample_visibles``) the persistent and
tempered chains of training.
"""

import numpy as np

from ._kernels import sample_bernoulli, sigmoid


def sample_hiddens(P, rng, out, scratch):
    """Binary hidden states drawn with probabilities ``P`` (into ``out``)."""
    return sample_bernoulli(P, rng, out, scratch)


def gibbs_step(V, W, b, c, units, rng, scale=1.0, activations=None, draw_dtype=None):
    """One Gibbs step ``h ~ p(h | v)``, ``v' ~ p(v | h)`` at weights ``scale * W``.

    Computes in the dtype of ``V``. The random numbers have ``draw_dtype``
    (that of ``V`` by default): the estimators' :meth:`gibbs` draws float32
    numbers like training does, the likelihood code float64 ones.

    Parameters
    ----------
    V : ndarray of shape (n_samples, n_features)
    W : ndarray of shape (n_components, n_features)
    b : ndarray of shape (n_features,)
    c : ndarray of shape (n_components,)
    units : VisibleUnits
        The kind of visible unit.
    rng : numpy.random.Generator
    scale : float, default=1.0
        Factor of the weights (an AIS or tempered distribution; 1 is the
        model itself).
    activations : ndarray of shape (n_samples, n_components), optional
        ``V @ W.T`` when the caller has it already.
    draw_dtype : dtype, optional

    Returns
    -------
    V_new : ndarray of shape (n_samples, n_features)
    """
    draw_dtype = V.dtype if draw_dtype is None else draw_dtype
    A = V @ W.T if activations is None else activations
    P = sigmoid(scale * A + c)
    H = sample_hiddens(P, rng, np.empty_like(P), np.empty(P.shape, draw_dtype))
    V_new = units.means(H, W, b, scale=scale)
    return units.sample(V_new, rng, np.empty(V_new.shape, draw_dtype))
