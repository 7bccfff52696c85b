"""Gaussian-Bernoulli Restricted Boltzmann Machines for scikit-learn."""

from ._rbm import GaussianRBM
from ._refiner import AutoencoderRefiner

__all__ = ["AutoencoderRefiner", "GaussianRBM"]
__version__ = "0.1.0"
