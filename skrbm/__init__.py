"""Gaussian-Bernoulli Restricted Boltzmann Machines for scikit-learn."""

from ._rbm import GaussianRBM

__all__ = ["GaussianRBM"]
__version__ = "0.1.0"
