"""Warnings that skrbm issues, for filtering with :mod:`warnings`."""

__all__ = ["AISWarning"]


class AISWarning(UserWarning):
    """Annealed importance sampling gave an unreliable ``log Z``.

    Issued by :func:`skrbm.metrics.log_partition`, and by whatever computes
    ``log Z`` through it, when the result's bracket is not finite, is empty
    or leaves out one of the two point estimates
    (:attr:`LogPartition.reliable <skrbm.metrics.LogPartition.reliable>` is
    False). More temperatures or chains usually fix it; if they do not, the
    model may have diverged.

    Examples
    --------
    A model whose weights have grown large, as after diverged training,
    annealed with few temperatures and chains:

    >>> import warnings
    >>> import numpy as np
    >>> from skrbm import GaussianRBM
    >>> from skrbm.exceptions import AISWarning
    >>> from skrbm.metrics import log_partition
    >>> X = np.random.RandomState(0).standard_normal((200, 16))
    >>> rbm = GaussianRBM(n_components=8, n_iter=5, random_state=0).fit(X)
    >>> rbm.components_ = np.random.RandomState(1).normal(0, 3, (8, 16))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", AISWarning)
    ...     result = log_partition(
    ...         rbm, method="ais", n_temperatures=10, n_chains=5, random_state=0
    ...     )
    >>> result.reliable, caught[0].category.__name__
    (False, 'AISWarning')
    >>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
    The AIS estimate of log Z is not reliable: lower=-inf and upper=inf are
    not finite. Run AIS with more n_temperatures (now 10) or n_chains (now
    5). If the bracket stays infinite, or the estimate is very large (here
    394.616 nats), the model may have diverged during training.
    """
