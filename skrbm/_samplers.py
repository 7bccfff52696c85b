"""Gibbs sampling: the one Gibbs step, and the negative phases of training.

:func:`gibbs_step` is the Gibbs step of every sampler in skrbm:
:meth:`~skrbm.GaussianRBM.gibbs`, :meth:`~skrbm.GaussianRBM.sample`, the
transitions of annealed importance sampling, and (as its two halves,
:func:`sample_hiddens` and ``units.sample_visibles``) the persistent and
tempered chains of training.
"""

import numpy as np

from ._kernels import hiddens, sample_bernoulli, sigmoid, squared_error


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


def reconstruction_error(views, model, out):
    """``|v0 - E[v | hs]|^2`` in data units; ``out`` receives the reconstruction.

    ``hs`` are the binary hidden states the positive phase drew.
    """
    reconstruction = model.units.means(views.hs, model.W, model.b, out=out)
    return squared_error(views.v0, reconstruction, views.diff, model.variance)


class ContrastiveDivergence:
    """CD-k (Hinton 2002): chains start at the data and run ``k`` steps.

    The negative phase alternates sampled binary hiddens and *mean* visible
    reconstructions ``E[v | h]`` (the usual noise-free reconstruction,
    Hinton 2010, sections 3 and 13.2); with learned variances the visibles
    are sampled. The first reconstruction is also the one whose error the
    step reports, so that costs no extra product.

    Parameters
    ----------
    cd_steps : int
    """

    state = ()

    def __init__(self, cd_steps=1):
        self.cd_steps = cd_steps

    def n_rows(self, n):
        """Negative rows of a minibatch of ``n`` rows."""
        return n

    def negative(self, views, model, ws, rng):
        """Fill ``views.v_neg`` and ``views.h_neg``; return the reconstruction error."""
        v_neg, h_neg, hs = views.v_neg, views.h_neg, views.hs
        sse = reconstruction_error(views, model, v_neg)
        for step in range(self.cd_steps):
            if step:
                sample_hiddens(h_neg, rng, hs, views.uniform)
                model.units.means(hs, model.W, model.b, out=v_neg)
            if model.variance is not None:
                model.units.sample(v_neg, rng, ws.noise[: v_neg.shape[0]])
            hiddens(v_neg, model.hidden, out=h_neg)
        return sse


class PersistentChains:
    """Persistent contrastive divergence (Tieleman 2008).

    Binary hidden states of ``n_chains`` chains persist from update to
    update; each update advances them ``k`` full Gibbs steps with sampled
    visible units (:meth:`advance`). The reconstruction error costs one
    extra product.

    Parameters
    ----------
    chains : ndarray of shape (n_chains, n_components)
        Binary hidden states, advanced in place.
    cd_steps : int
    """

    def __init__(self, chains, cd_steps=1):
        self.chains, self.cd_steps = chains, cd_steps
        self.state = (chains,)

    def n_rows(self, n):
        return self.chains.shape[0]

    def negative(self, views, model, ws, rng):
        sse = reconstruction_error(views, model, views.diff)
        for _ in range(self.cd_steps):
            self.advance(views, model, ws.noise[: self.chains.shape[0]], rng)
        return sse

    def advance(self, views, model, noise, rng):
        """One Gibbs step of the chains: ``v ~ p(v | h)``, then ``h ~ p(h | v)``.

        The two halves of :func:`gibbs_step`, into the workspace's buffers;
        ``views.h_neg`` keeps the probabilities for the statistics.
        """
        v_neg, h_neg = views.v_neg, views.h_neg
        model.units.means(self.chains, model.W, model.b, out=v_neg)
        model.units.sample(v_neg, rng, noise)
        hiddens(v_neg, model.hidden, out=h_neg)
        sample_hiddens(h_neg, rng, self.chains, views.chain_uniform)
