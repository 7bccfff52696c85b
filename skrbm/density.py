"""Density models of natural image patches: the GaussianRBM settings for them.

A :class:`~skrbm.GaussianRBM` trained with the library's defaults (CD-1,
unit or data-initialised variances, small initial weights) on whitened
natural image patches stays at the Gaussian: whitened data have the
identity as covariance, which is a saddle point of the likelihood of a
GRBM with small weights, and training does not leave it. The settings of
:func:`density_recipe` leave it at once and keep improving the held-out
likelihood; they were chosen one change at a time with
``experiments/density_recipe.py`` (docs: the likelihood page, "Training
that leaves the Gaussian: the density recipe"):

1. learned visible variances (``learn_variance=True``);
2. large initial weights (``init_scale=0.5`` for 64 hidden units), so
   that every hidden unit starts as a mixture component far from the
   data's mean, and hidden biases that give each of those components 0.01
   times the weight of the central one (``hidden_bias_init="component"``;
   Melchior, Wang and Wiskott 2017): the model starts near the Gaussian,
   but off its saddle;
3. the visible bias fixed at the data's mean (``visible_bias_rate=0``), as
   whitened data have mean zero;
4. persistent chains (``sampler="pcd"``), a learning rate of 0.01 (for 64
   hidden units), no momentum or weight decay, and 60 epochs: longer runs
   gain little and some then lose what they gained.
"""

__all__ = ["density_recipe"]


def density_recipe(n_components=64):
    """GaussianRBM parameters for a density model of whitened image patches.

    The initial weights and the learning rate shrink as the hidden layer
    grows: ``init_scale = 4 / sqrt(n_components)`` and ``learning_rate =
    0.64 / n_components`` (0.5 and 0.01 for 64 hidden units, 0.25 and
    0.0025 for 256), so that the mixture the hidden units start as, and
    how far one update moves it, do not depend on their number.

    Parameters
    ----------
    n_components : int, default=64
        Number of hidden units.

    Returns
    -------
    params : dict
        Keyword arguments of :class:`~skrbm.GaussianRBM`; ``n_iter`` is
        the number of epochs. The data should be whitened (zero mean,
        identity covariance), e.g. by :class:`~skrbm.ZCAWhitening` or
        :class:`~sklearn.decomposition.PCA` with ``whiten=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import GaussianRBM
    >>> from skrbm.density import density_recipe
    >>> Z = np.random.RandomState(0).laplace(size=(500, 8))
    >>> rbm = GaussianRBM(**density_recipe(16), random_state=0)
    >>> rbm.set_params(n_iter=2).fit(Z).visible_variance_.shape
    (8,)
    """
    return {
        "n_components": n_components,
        "learn_variance": True,
        "init_scale": 4.0 / n_components**0.5,
        "hidden_bias_init": "component",
        "visible_bias_rate": 0.0,
        "sampler": "pcd",
        "learning_rate": 0.64 / n_components,
        "momentum": 0.0,
        "penalty": None,
        "batch_size": 100,
        "n_iter": 60,
    }
