"""Gaussian-Bernoulli Restricted Boltzmann Machines for scikit-learn."""

from ._binary_rbm import BinaryRBM
from ._rbm import GaussianRBM
from ._refiner import AutoencoderRefiner
from ._stream import ChunkProgress, iter_chunks, partial_fit_chunks
from ._zca import ZCAWhitening

__all__ = [
    "AutoencoderRefiner",
    "BinaryRBM",
    "ChunkProgress",
    "GaussianRBM",
    "ZCAWhitening",
    "iter_chunks",
    "partial_fit_chunks",
]
__version__ = "0.2.0.dev0"
