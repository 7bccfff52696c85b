"""Regularisers of the CD step, each owning its settings and scratch.

A regulariser acts at one or more named points of a step
(:func:`skrbm._cd.cd_step`): ``prepare`` (before the step, with the
step's visible variances), ``positive`` (on the positive-phase hidden
probabilities, once the negative phase's starting states are drawn),
``velocity`` (on the velocities, after the momentum update of the
gradient) and ``after_update`` (on the parameters, after the training
loop added the velocities). Centering also changes how the statistics
are taken: its :class:`~skrbm._kernels.Offsets` are read by the step.
:class:`Regularizers` runs a model's list at each point, in list order.
"""

import numpy as np

from ._kernels import (
    Offsets,
    add_l2_gradient,
    add_sparsity_gradient,
    blend_targets,
    l1_threshold,
    shift_hidden_bias,
    soft_threshold,
)

#: Step of the hidden offsets' moving average (centering), the value
#: Melchior, Fischer and Wiskott (2016) recommend.
OFFSET_RATE = 0.01


class Regularizer:
    """Base class: every point is a no-op unless a subclass overrides it.

    ``points()`` names the points a regulariser acts at: those its class
    overrides, unless it says otherwise (a weight decay without L1 does
    nothing after the update).
    """

    def points(self):
        """The names of the points this regulariser acts at."""
        return [p for p in POINTS if _overrides(self, p)]

    def prepare(self, variance):
        """Before the step; ``variance`` is its VisibleVariance or None."""

    def positive(self, h0):
        """On the positive-phase hidden probabilities, in place."""

    def velocity(self, velocities, h0):
        """On the velocities (a :class:`~skrbm._kernels.Gradient`), in place."""

    def after_update(self):
        """On the parameters, after the update."""


class WeightDecay(Regularizer):
    """L2 weight decay in the velocity, L1 as a proximal step after the update.

    Parameters
    ----------
    W : ndarray
        The weights.
    alpha_l1, alpha_l2 : float
        Penalty strengths (:func:`~skrbm._rbm_base.penalty_strengths`).
    learning_rate, momentum : float
    scratch : ndarray
        A buffer of the shape of ``W``.
    """

    def __init__(self, W, alpha_l1, alpha_l2, learning_rate, momentum, scratch):
        self.W, self.scratch = W, scratch
        self.l2 = learning_rate * alpha_l2
        self.threshold = 0.0
        if alpha_l1 > 0:
            self.threshold = l1_threshold(learning_rate, alpha_l1, momentum)

    def points(self):
        return [
            p
            for p, on in (("velocity", self.l2), ("after_update", self.threshold))
            if on
        ]

    def velocity(self, velocities, h0):
        add_l2_gradient(velocities.W, self.W, self.l2, self.scratch)

    def after_update(self):
        soft_threshold(self.W, self.threshold, self.scratch)


class Sparsity(Regularizer):
    """Lee et al.'s (2008) sparsity target on the hidden biases' velocity.

    Parameters
    ----------
    target : float
        Target mean activation.
    cost : float
        ``learning_rate * sparsity_cost``.
    ones : ndarray of shape (batch_size,)
    scratch : ndarray of shape (n_components,)
    """

    def __init__(self, target, cost, ones, scratch):
        self.target, self.cost, self.ones, self.scratch = target, cost, ones, scratch

    def velocity(self, velocities, h0):
        add_sparsity_gradient(
            velocities.c, h0, self.target, self.cost, self.ones, self.scratch
        )


class Selectivity(Regularizer):
    """Goh et al.'s (2010) ideal activations blended into the positive phase.

    Parameters
    ----------
    target : ActivationTarget
    """

    def __init__(self, target):
        self.target = target

    def positive(self, h0):
        blend_targets(h0, self.target)


class Centering(Regularizer):
    """Centered statistics (Melchior, Fischer and Wiskott 2016).

    Parameters
    ----------
    mu, hidden : ndarray
        The visible offset in data units and the hidden offset (moved by
        the step towards each minibatch's mean activation).
    learned_variance : tuple of (c, W, log-variance velocity) or None
        With learned variances the visible offset in the model's units
        moves with ``sigma``, and the hidden bias follows it after each
        update (:func:`~skrbm._kernels.shift_hidden_bias`).
    """

    def __init__(self, mu, hidden, learned_variance=None):
        self.mu = mu
        visible = mu if learned_variance is None else np.empty_like(mu)
        self.offsets = Offsets(
            visible,
            hidden,
            OFFSET_RATE,
            np.empty_like(mu),
            np.empty_like(hidden),
        )
        self.learned_variance = learned_variance
        self.variance = None

    def prepare(self, variance):
        if variance is not None:
            self.variance = variance
            np.multiply(self.mu, variance.inv_sigma, out=self.offsets.visible)

    def after_update(self):
        if self.learned_variance is not None:
            c, W, step_z = self.learned_variance
            shift_hidden_bias(c, W, self.offsets, step_z, self.variance.scratch)


class UpdateNormClip(Regularizer):
    """Caps the norm of each hidden unit's weight update (Melchior et al. 2017).

    After the momentum update, every row of the weights' velocity (the
    update of one hidden unit's weights, which the loop adds to the
    weights) longer than ``max_norm`` is scaled down to that norm.

    Parameters
    ----------
    max_norm : float
    """

    def __init__(self, max_norm):
        self.max_norm = max_norm

    def velocity(self, velocities, h0):
        clip_row_norms(velocities.W, self.max_norm)


def clip_row_norms(A, max_norm):
    """Scale every row of ``A`` longer than ``max_norm`` to that norm, in place."""
    norms = np.sqrt(np.einsum("ij,ij->i", A, A))
    long = norms > max_norm
    if long.any():
        A[long] *= (max_norm / norms[long])[:, None].astype(A.dtype)
    return A


class VarianceBounds(Regularizer):
    """Keeps the learned log-variances within bounds, after each update.

    Parameters
    ----------
    log_variance : ndarray
    low, high : ndarray
        Bounds of each log-variance.
    """

    def __init__(self, log_variance, low, high):
        self.log_variance, self.low, self.high = log_variance, low, high

    def after_update(self):
        np.clip(self.log_variance, self.low, self.high, out=self.log_variance)


#: The points of a step where regularisers act, in the order they come.
POINTS = ("prepare", "positive", "velocity", "after_update")


def _overrides(regularizer, point):
    return getattr(type(regularizer), point) is not getattr(Regularizer, point)


class Regularizers:
    """A model's regularisers, run at each point of the step in list order.

    Parameters
    ----------
    items : list of Regularizer

    Attributes
    ----------
    offsets : Offsets or None
        Centering's offsets, which the step's statistics read.
    """

    def __init__(self, items):
        self.items = list(items)
        hooks = {
            point: [getattr(r, point) for r in self.items if point in r.points()]
            for point in POINTS
        }
        self._prepare, self._positive = hooks["prepare"], hooks["positive"]
        self._velocity, self._after = hooks["velocity"], hooks["after_update"]
        centering = [r for r in self.items if isinstance(r, Centering)]
        self.offsets = centering[0].offsets if centering else None

    def prepare(self, variance):
        for hook in self._prepare:
            hook(variance)

    def positive(self, h0):
        for hook in self._positive:
            hook(h0)

    def velocity(self, velocities, h0):
        for hook in self._velocity:
            hook(velocities, h0)

    def after_update(self):
        for hook in self._after:
            hook()

    @property
    def updates_parameters(self):
        """Whether any regulariser acts after the update."""
        return bool(self._after)
