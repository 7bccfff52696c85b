"""Gibbs sampling: the one Gibbs step, and the negative phases of training.

:func:`gibbs_step` is the Gibbs step of every sampler in skrbm:
:meth:`~skrbm.GaussianRBM.gibbs`, :meth:`~skrbm.GaussianRBM.sample`, the
transitions of annealed importance sampling, and (as its two halves,
:func:`sample_hiddens` and ``units.sample_visibles``) the persistent and
tempered chains of training.
"""

import numpy as np

from ._cd import StepModel
from ._kernels import (
    CDWorkspace,
    hidden_weights,
    hiddens,
    sample_bernoulli,
    sigmoid,
    squared_error,
)


def sample_hiddens(P, rng, out, scratch):
    """Binary hidden states drawn with probabilities ``P``, as training does."""
    return sample_bernoulli(P, rng, out, scratch)


def gibbs_step(V, W, b, c, units, rng, scale=1.0, activations=None, training=False):
    """One Gibbs step ``h ~ p(h | v)``, ``v' ~ p(v | h)`` at weights ``scale * W``.

    Computes in the dtype of ``V``.

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
        Factor of the weights (an AIS distribution; 1 is the model itself).
    activations : ndarray of shape (n_samples, n_components), optional
        ``V @ W.T`` when the caller has it already.
    training : bool, default=False
        Draw the random numbers as training does (float32, 16-bit uniforms
        for large draws: the estimators' ``gibbs``), instead of numpy's
        stream in the dtype of ``V`` (``sample`` and AIS).

    Returns
    -------
    V_new : ndarray of shape (n_samples, n_features)
    """
    draw_dtype = np.float32 if training else V.dtype
    A = V @ W.T if activations is None else activations
    P = sigmoid(scale * A + c)
    uniform = np.empty(P.shape, draw_dtype)
    H = sample_bernoulli(P, rng, np.empty_like(P), uniform, coarse=training)
    V_new = units.means(H, W, b, scale=scale)
    noise = np.empty(V_new.shape, draw_dtype)
    return units.sample(V_new, rng, noise, coarse=training)


def negative_statistics(sampler, W, b, c, units, n_updates, rng, n_chains=None):
    """The ``<v h^T>`` of a persistent sampler's negative phase, averaged.

    Runs ``n_updates`` negative phases of ``sampler`` on the fixed
    unit-variance model ``(W, b, c)`` and averages the statistics it hands
    to the gradient, ``v_neg^T h_neg / n_chains``: what
    :meth:`~skrbm._units.VisibleUnits.exact_statistics` gives exactly.

    Parameters
    ----------
    sampler : PersistentChains, ParallelTempering or NoiseStarted
    W, b, c : ndarray
    units : VisibleUnits
    n_updates : int
    rng : numpy.random.Generator
    n_chains : int, optional
        Chains per update of a sampler that keeps none (NoiseStarted).

    Returns
    -------
    vh : ndarray of shape (n_features, n_components)
    """
    n_components, n_features = W.shape
    m = sampler.n_rows(n_chains)
    ws = CDWorkspace(m, n_features, n_components, m, W.dtype)
    model = StepModel(W, b, c, hidden_weights(W, c, ws.hidden), units, None)
    views = ws.views(m, m, 1.0)
    views.V[:m] = 0.0
    views.scratch_H[:m] = 0.0
    total = np.zeros((n_features, n_components))
    for _ in range(n_updates):
        sampler.negative(views, model, ws, rng)
        total += views.v_neg.T @ views.h_neg
    return total / (n_updates * m)


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


class NoiseStarted:
    """Chains drawn afresh from a base distribution at every update.

    As Liao et al. (2022) do for Gaussian-Bernoulli RBMs: each update
    draws ``n`` visible states from the tempering base (a Gaussian with the
    data's mean and variance; for binary units a Bernoulli with the data's
    means), then runs ``k`` full Gibbs steps with sampled visible units;
    the statistics come from the last step. Unlike CD the chains do not
    start at the data, and unlike PCD nothing persists.

    Parameters
    ----------
    base : tuple of ndarray
        The base distribution in data units (``units.tempering_base``).
    cd_steps : int
    """

    state = ()
    #: The one inverse temperature of a draw from the base alone.
    _BASE = np.zeros(1)

    def __init__(self, base, cd_steps=1):
        self.base, self.cd_steps = base, cd_steps

    def n_rows(self, n):
        return n

    def negative(self, views, model, ws, rng):
        sse = reconstruction_error(views, model, views.diff)
        v_neg, h_neg, hs = views.v_neg, views.h_neg, views.hs
        noise = ws.noise[: v_neg.shape[0]]
        base = self.base
        if model.variance is not None:
            base = model.units.base_in_units(base, model.variance.inv_sigma)
        v_neg[...] = 0.0
        model.units.tempered_sample(
            v_neg[None], model.b, self._BASE, base, rng, noise[None]
        )
        hiddens(v_neg, model.hidden, out=h_neg)
        for _ in range(self.cd_steps):
            sample_hiddens(h_neg, rng, hs, views.uniform)
            model.units.means(hs, model.W, model.b, out=v_neg)
            model.units.sample(v_neg, rng, noise)
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


class ParallelTempering:
    """Parallel tempering (Desjardins et al. 2010; Cho, Raiko and Ilin 2010).

    ``n_temperatures`` sets of persistent chains run at inverse
    temperatures ``beta`` evenly spaced from 0 to 1. At ``beta`` the
    density is ``p(v, h)^beta p_base(v)^(1 - beta)``, with the base a
    Gaussian with the data's mean and variance for Gaussian units (a
    Bernoulli with the data's means for binary units), so the hot chains
    mix freely and the chain at ``beta = 1`` samples the model. Each update
    runs one Gibbs step at every temperature (two products for all of
    them), then proposes to swap the states of every pair of neighbouring
    temperatures, the even pairs and then the odd ones (Metropolis acceptance
    ``min(1, exp((beta_i - beta_j)(D_i - D_j)))``, ``D`` the model's
    energy minus the base's). The negative statistics are those of the
    chains at ``beta = 1``.

    Parameters
    ----------
    chains : ndarray of shape (n_temperatures, n_chains, n_components)
        Binary hidden states, coldest (``beta = 1``) last, advanced in
        place.
    base : tuple of ndarray
        The base distribution in data units (``units.tempering_base``).
    swap_rates : ndarray of shape (n_temperatures - 1,)
        Receives the acceptance rate of each neighbouring pair's swaps
        since this sampler was made.
    cd_steps : int, default=1
        Updates (Gibbs step and swaps) per minibatch.
    """

    def __init__(self, chains, base, swap_rates, cd_steps=1):
        self.chains, self.base, self.swap_rates = chains, base, swap_rates
        self.cd_steps = cd_steps
        self.state = (chains,)
        n_temperatures = chains.shape[0]
        self.betas = np.linspace(0.0, 1.0, n_temperatures)
        self.accepted = np.zeros(n_temperatures - 1)
        self.proposed = np.zeros(n_temperatures - 1)
        self.buffers = None

    def n_rows(self, n):
        return self.chains.shape[1]

    def _buffers(self, n_features, dtype):
        if self.buffers is None:
            rows = self.chains.shape[0] * self.chains.shape[1]
            self.buffers = (
                np.empty((rows, n_features), dtype=dtype),
                np.empty((rows, self.chains.shape[2]), dtype=dtype),
                np.empty((rows, n_features), dtype=np.float32),
                np.empty((rows, self.chains.shape[2]), dtype=np.float32),
            )
        return self.buffers

    def negative(self, views, model, ws, rng):
        sse = reconstruction_error(views, model, views.diff)
        base = self.base
        if model.variance is not None:
            base = model.units.base_in_units(base, model.variance.inv_sigma)
        for _ in range(self.cd_steps):
            V, A = self.sweep(model, base, rng)
            self.swap(V, A, model, base, rng)
        n_chains = self.chains.shape[1]
        np.copyto(views.v_neg, V[-n_chains:])
        sigmoid(A[-n_chains:], out=views.h_neg)
        return sse

    def sweep(self, model, base, rng):
        """One Gibbs step at every temperature.

        Returns
        -------
        V : ndarray of shape (n_temperatures * n_chains, n_features)
            The visible states drawn from the hidden ones.
        A : ndarray of shape (n_temperatures * n_chains, n_components)
            ``V W^T + c``, from which the new hidden states were drawn at
            each temperature.
        """
        T, m, n_hidden = self.chains.shape
        V, A, noise, uniform = self._buffers(model.W.shape[1], model.W.dtype)
        H = self.chains.reshape(T * m, n_hidden)
        np.matmul(H, model.W, out=V)
        shape = (T, m, V.shape[1])
        model.units.tempered_sample(
            V.reshape(shape), model.b, self.betas, base, rng, noise.reshape(shape)
        )
        np.matmul(V, model.W.T, out=A)
        A += model.c
        P = H.reshape(T, m, n_hidden)
        np.multiply(A.reshape(T, m, n_hidden), self.betas[:, None, None], out=P)
        sigmoid(P, out=P)
        sample_bernoulli(P, rng, P, uniform.reshape(T, m, n_hidden))
        return V, A

    def swap(self, V, A, model, base, rng):
        """Metropolis swaps between every pair of neighbouring temperatures.

        The even pairs first, then the odd ones; a state's energy ``D``
        moves with it, so the second pass needs no new energies.
        """
        T, m, _ = self.chains.shape
        H = self.chains.reshape(T * m, -1)
        units = model.units
        energy = units.visible_energy(V, model.b) - np.einsum("ij,ij->i", H, A)
        energy -= units.base_energy(V, base)
        states = (self.chains, V.reshape(T, m, -1), A.reshape(T, m, -1))
        states += (energy.reshape(T, m, 1),)
        for parity in (0, 1):
            for t in range(parity, T - 1, 2):
                gap = self.betas[t] - self.betas[t + 1]
                log_ratio = gap * (states[3][t, :, 0] - states[3][t + 1, :, 0])
                rows = np.flatnonzero(np.log(rng.random(m)) < log_ratio)
                for array in states:
                    low, high = array[t, rows], array[t + 1, rows]
                    array[t, rows], array[t + 1, rows] = high, low
                self.accepted[t] += rows.size
                self.proposed[t] += m
        np.divide(self.accepted, np.maximum(self.proposed, 1), out=self.swap_rates)
