"""The parameters of a fitted RBM, read once, and their unit-variance view."""

from typing import NamedTuple

import numpy as np

_RBM_ATTRIBUTES = ("components_", "intercept_hidden_", "intercept_visible_")


class RBMParameters(NamedTuple):
    """Weights, biases and visible standard deviations of an RBM.

    With learned variances the model has energy
    ``|(v - b) / sigma|^2 / 2 - c.h - (v / sigma).W^T h`` (Hinton 2010,
    section 13.2): in the units ``u = v / sigma`` it is the unit-variance
    RBM :meth:`unit_view` returns, and ``log p(v) = log p(u) - sum(log
    sigma)``.

    Attributes
    ----------
    W : ndarray of shape (n_components, n_features)
    b : ndarray of shape (n_features,)
        Visible bias, in data units.
    c : ndarray of shape (n_components,)
    sigma : ndarray of shape (n_features,) or None
        Visible standard deviations; None for unit variance.
    """

    W: np.ndarray
    b: np.ndarray
    c: np.ndarray
    sigma: np.ndarray | None

    @classmethod
    def of(cls, estimator, n_features=None):
        """The parameters of a fitted RBM-like estimator, checked.

        ``sigma`` is ``exp(log_variance / 2)`` for skrbm's RBMs with learned
        variances, computed in the parameters' dtype;
        ``sqrt(visible_variance_)`` for other estimators that have
        variances other than one; None otherwise.

        Parameters
        ----------
        estimator : fitted estimator
            Exposes ``components_`` of shape ``(n_components, n_features)``,
            ``intercept_hidden_`` and ``intercept_visible_``.
        n_features : int, optional
            Width the parameters must fit (``components_``'s by default).

        Returns
        -------
        params : RBMParameters

        Raises
        ------
        ValueError
            If an attribute is missing or the shapes do not fit.
        """
        missing = [a for a in _RBM_ATTRIBUTES if not hasattr(estimator, a)]
        if missing:
            raise ValueError(
                "estimator must be an RBM exposing components_, intercept_hidden_ "
                "and intercept_visible_ once fitted (e.g. GaussianRBM); "
                f"{type(estimator).__name__} lacks {', '.join(missing)}."
            )
        W, c, b = (np.asarray(getattr(estimator, a)) for a in _RBM_ATTRIBUTES)
        if n_features is None:
            n_features = W.shape[-1]
        if (
            W.ndim != 2
            or W.shape[1] != n_features
            or c.shape != (W.shape[0],)
            or b.shape != (n_features,)
        ):
            raise ValueError(
                f"estimator's parameters do not fit {n_features} features: "
                f"components_ {W.shape}, intercept_hidden_ {c.shape}, "
                f"intercept_visible_ {b.shape}."
            )
        return cls(W, b, c, _sigma_of(estimator))

    def astype(self, dtype):
        """The parameters in ``dtype`` (no copy of those already in it)."""
        W, b, c = (p.astype(dtype, copy=False) for p in self[:3])
        sigma = None if self.sigma is None else self.sigma.astype(dtype, copy=False)
        return RBMParameters(W, b, c, sigma)

    def unit_view(self):
        """The unit-variance model of ``v / sigma``: ``b`` becomes ``b / sigma``.

        Returns
        -------
        params : RBMParameters
            With ``sigma`` kept, for the way back to data units.
        """
        if self.sigma is None:
            return self
        return self._replace(b=self.b / self.sigma)

    def log_det(self):
        """``sum(log sigma)``: ``log Z`` of the data's units minus the unit model's."""
        return 0.0 if self.sigma is None else float(np.sum(np.log(self.sigma)))

    def unrolled(self, tied=False):
        """Encoder and decoder ``(W_enc, c, W_dec, b)`` of the autoencoder.

        The encoder computes ``p(h | v) = sigmoid((v / sigma) W^T + c)`` and
        the decoder the mean ``b + sigma * (h W)``, so with learned
        variances the encoder's weights are ``W / sigma`` and the decoder's
        ``W * sigma`` (column by column), which one tied matrix cannot hold.

        Raises
        ------
        ValueError
            If ``tied`` and the variances are learned.
        """
        W, b, c, sigma = self
        if sigma is None:
            return W, c, W, b
        if tied:
            raise ValueError(
                "tied=True needs an RBM with unit visible variance: this one learned "
                "its visible variances (learn_variance=True), so its encoder (W / "
                "sigma) and decoder (W * sigma) differ. Use tied=False."
            )
        return W / sigma, c, W * sigma, b


def _sigma_of(estimator):
    log_variance = getattr(estimator, "_log_variance", None)
    if log_variance is not None:
        return np.exp(0.5 * log_variance)
    variance = getattr(estimator, "visible_variance_", None)
    if variance is None or np.all(np.asarray(variance) == 1):
        return None
    return np.sqrt(np.asarray(variance, dtype=np.float64))
