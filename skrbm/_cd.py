"""The contrastive-divergence step, in four parts that read top to bottom.

:func:`cd_step` is one minibatch of training for every RBM of skrbm:

1. **positive phase** (:func:`positive_phase`): the hidden probabilities
   of the data, and binary states drawn from them;
2. **negative phase**: a sampler (:mod:`skrbm._samplers`: CD-k, persistent
   chains, parallel tempering) fills the negative rows of the workspace;
3. **statistics** (:func:`statistics`): data minus model averages, formed
   straight into the velocities by the momentum update;
4. the regularisers' points (:mod:`skrbm._regularizers`) around them.

The training loop (:mod:`skrbm._training`) then adds the velocities to
the parameters and runs the regularisers' ``after_update`` point.
"""

from typing import NamedTuple

import numpy as np

from ._kernels import (
    Gradient,
    HiddenWeights,
    VisibleVariance,
    accumulate,
    center_bias_gradients,
    centered_statistics,
    column_sum,
    follow_hidden_mean,
    hiddens,
    log_variance_gradient,
    sample_bernoulli,
    split_statistics,
    stacked_statistics,
)
from ._units import VisibleUnits


class StepModel(NamedTuple):
    """The model as one step sees it.

    Attributes
    ----------
    W : ndarray of shape (n_components, n_features)
    b : ndarray of shape (n_features,)
        Visible bias in the step's units (``b / sigma`` with learned
        variances).
    c : ndarray of shape (n_components,)
    hidden : HiddenWeights
        ``W.T`` and ``c`` as the hidden products use them
        (:func:`~skrbm._kernels.hidden_weights`).
    units : VisibleUnits
    variance : VisibleVariance or None
        Learned visible variances, or None for unit variance.
    """

    W: np.ndarray
    b: np.ndarray
    c: np.ndarray
    hidden: HiddenWeights
    units: VisibleUnits
    variance: VisibleVariance | None


class Momentum(NamedTuple):
    """Classical momentum: ``velocity = momentum * velocity + learning_rate * g``.

    Attributes
    ----------
    velocities : Gradient
    learning_rate, momentum : float
    bias_rates : tuple of float, default=(1.0, 1.0)
        Factors of the learning rate for the visible and the hidden biases
        (0 keeps a bias fixed).
    """

    velocities: Gradient
    learning_rate: float
    momentum: float
    bias_rates: tuple = (1.0, 1.0)


def positive_phase(views, model, rng):
    """``h0 = p(h | v0)`` and binary states ``hs ~ h0`` (into ``views``).

    With learned variances the minibatch is first divided by ``sigma``, in
    place.

    Returns
    -------
    h0 : ndarray of shape (n, n_components)
    """
    v0, h0 = views.v0, views.h0
    if model.variance is not None:
        v0 *= model.variance.inv_sigma
    hiddens(v0, model.hidden, out=h0)
    sample_bernoulli(h0, rng, views.hs, views.uniform)
    return h0


def statistics(views, model, offsets, ws, update):
    """Data minus model statistics, into the velocities with momentum.

    Small models without learned variances or centering take the weight
    statistics in two products straight into the velocity
    (:func:`~skrbm._kernels.split_statistics`); the others in one product
    over the stacked rows (:func:`weight_statistics`).

    Parameters
    ----------
    views : CDViews
        Positive and negative rows, with the weights ``+lr / n``,
        ``-lr / m``.
    model : StepModel
    offsets : Offsets or None
        Centering's offsets.
    ws : CDWorkspace
    update : Momentum
    """
    grad, velocities, beta = ws.grad, update.velocities, update.momentum
    column_sum(views.V, views.weights, grad.b)
    column_sum(views.H, views.weights, grad.c)
    if ws.hidden is None or model.variance is not None or offsets is not None:
        weight_statistics(views, model, offsets, grad, beta)
        accumulate(velocities.W, grad.W, beta)
    else:
        args = views.h0, views.v0, views.h_neg, views.v_neg, velocities.W
        split_statistics(*args, ws.scratch_W, update.learning_rate, beta)
    for g, rate in zip((grad.b, grad.c), update.bias_rates, strict=True):
        if rate != 1.0:
            g *= rate
    accumulate(velocities.b, grad.b, beta)
    accumulate(velocities.c, grad.c, beta)


def weight_statistics(views, model, offsets, grad, beta):
    """The stacked (or centered) weight statistics and what depends on them.

    ``grad.W`` receives the weight statistics; with learned variances the
    log-variance velocity is updated and ``grad.b`` scaled back to data
    units; with centering the bias gradients are corrected and the hidden
    offsets follow the minibatch.
    """
    variance = model.variance
    if offsets is None:
        args = views.V, views.H, views.weights, grad.W
        stacked_statistics(*args, views.scratch_V, views.scratch_H)
    else:
        centered_statistics(views, offsets, grad.W)
    if variance is not None:
        log_variance_gradient(views, model.W, model.b, grad, variance)
        accumulate(variance.out, variance.grad, beta)
    if offsets is not None:
        center_bias_gradients(grad, offsets)
        follow_hidden_mean(views.h0, views.weights[: views.h0.shape[0]], offsets)
    if variance is not None:
        np.multiply(grad.b, variance.sigma, out=grad.b)


def cd_step(v0, model, sampler, regularizers, ws, update, rng):
    """One minibatch of CD training: the velocities receive its update.

    Parameters
    ----------
    v0 : ndarray of shape (n, n_features)
        Minibatch of data (copied into ``ws`` unless already there).
    model : StepModel
    sampler : sampler of :mod:`skrbm._samplers`
        Fills the negative rows and returns the reconstruction error.
    regularizers : Regularizers
    ws : CDWorkspace
    update : Momentum
    rng : numpy.random.Generator

    Returns
    -------
    sse : float
        Summed squared one-step reconstruction error of the minibatch, in
        data units.
    h0 : ndarray of shape (n, n_components)
        The positive-phase hidden probabilities (after ``positive``
        regularisers).
    """
    n = ws.load(v0).shape[0]
    views = ws.views(n, sampler.n_rows(n), update.learning_rate)
    h0 = positive_phase(views, model, rng)
    regularizers.positive(h0)
    sse = sampler.negative(views, model, ws, rng)
    statistics(views, model, regularizers.offsets, ws, update)
    regularizers.velocity(update.velocities, h0)
    return sse, h0
