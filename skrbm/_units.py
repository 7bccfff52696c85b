"""Visible units: what differs between a Gaussian and a binary RBM.

One object per kind of visible unit owns everything that depends on it:
the conditional mean and sample of ``p(v | h)``, the visible term of the
free energy, the exact ``log Z`` and exact samples of small models, the
base distribution and path of annealed importance sampling, and the
activation an unrolled autoencoder's decoder ends in. The estimators hold
one (:func:`units_of`); the CD step, the Gibbs step, AIS, the likelihood and
the refiner ask it instead of branching on the kind of unit.
"""

from sklearn.neural_network import BernoulliRBM


class VisibleUnits:
    """Base class of the visible-unit objects.

    Attributes
    ----------
    name : str
        Tells the kinds apart (e.g. in cache keys).
    decoder_activation : {"identity", "logistic"}
        Output activation of the decoder an autoencoder unrolls the RBM to:
        ``E[v | h]`` is ``h W + b`` for Gaussian units and
        ``sigmoid(h W + b)`` for binary ones.
    """

    name = ""
    decoder_activation = "identity"

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __reduce__(self):
        # one instance per kind: unpickling gives the module's object back
        return (units_named, (self.name,))


class GaussianUnits(VisibleUnits):
    """Linear visible units with Gaussian noise (unit variance in their units)."""

    name = "gaussian"
    decoder_activation = "identity"


class BinaryUnits(VisibleUnits):
    """Binary (Bernoulli) visible units with logistic means."""

    name = "binary"
    decoder_activation = "logistic"


GAUSSIAN = GaussianUnits()
BINARY = BinaryUnits()


def units_named(name):
    """The units object called ``name`` ("gaussian" or "binary")."""
    return {GAUSSIAN.name: GAUSSIAN, BINARY.name: BINARY}[name]


def units_of(estimator):
    """The visible units of a fitted or unfitted RBM-like estimator.

    skrbm's RBMs say it themselves (their ``_units``); scikit-learn's
    :class:`~sklearn.neural_network.BernoulliRBM` has binary units; any
    other estimator is read as Gaussian (linear) units.

    Parameters
    ----------
    estimator : estimator

    Returns
    -------
    units : VisibleUnits
    """
    units = getattr(estimator, "_units", None)
    if isinstance(units, VisibleUnits):
        return units
    if isinstance(estimator, BernoulliRBM):
        return BINARY
    return GAUSSIAN
