"""ZCA whitening of image patches."""

from numbers import Real
from typing import ClassVar

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import FLOAT_DTYPES
from ._compat import Interval, _fit_context


def remove_sample_mean(X):
    """Subtract from each row its own mean, in place.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The same array, each row now summing to zero.
    """
    X -= X.mean(axis=1, keepdims=True)
    return X


def zca_matrices(X, epsilon):
    """Eigenvalues, whitening and de-whitening matrices of centred data.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Data with zero column means.
    epsilon : float
        Regularisation relative to the mean eigenvalue.

    Returns
    -------
    eigenvalues : ndarray of shape (n_features,)
        Eigenvalues of the covariance ``X.T @ X / n_samples``, decreasing,
        clipped at zero.
    regularization : float
        ``epsilon * mean(eigenvalues)``, the amount added to each
        eigenvalue.
    whitening, dewhitening : ndarray of shape (n_features, n_features)
        ``U diag((lambda + reg) ** -1/2) U^T`` and its inverse
        ``U diag((lambda + reg) ** 1/2) U^T``, both symmetric, float64.
    """
    X = X.astype(np.float64, copy=False)
    covariance = X.T @ X / X.shape[0]
    eigenvalues, U = np.linalg.eigh(covariance)
    eigenvalues, U = np.clip(eigenvalues[::-1], 0.0, None), U[:, ::-1]
    # A relative epsilon makes the transformer indifferent to the data's
    # scale; all-constant data has no variance to be relative to.
    regularization = epsilon * (eigenvalues.mean() if eigenvalues.any() else 1.0)
    scale = np.sqrt(eigenvalues + regularization)
    return eigenvalues, regularization, (U / scale) @ U.T, (U * scale) @ U.T


class ZCAWhitening(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Zero-phase component analysis (ZCA) whitening.

    Centres the data and multiplies it by the symmetric whitening matrix
    ``W = U diag(1 / sqrt(lambda + r)) U^T``, where ``U`` and ``lambda``
    are the eigenvectors and eigenvalues of the training covariance and
    ``r = epsilon * mean(lambda)``. Unlike PCA whitening, which rotates the
    data onto its principal axes, ZCA is the whitening transform closest to
    the identity, so whitened image patches still look like patches: their
    edges are sharpened and their smooth, strongly correlated parts flattened.
    This is the input statistics under which RBMs and sparse coding learn
    localised, oriented edge (Gabor-like) filters from natural images.

    Parameters
    ----------
    epsilon : float, default=0.1
        Regularisation added to every eigenvalue, relative to their mean
        (the average variance per feature), so that the same value suits
        pixels in ``[0, 1]``, in ``[0, 255]`` or standardized data. It damps
        the directions of least variance (mostly pixel noise) instead of
        amplifying them: after whitening, the variance along an eigenvector
        is ``lambda / (lambda + r)``, close to 1 for ``lambda >> r`` and
        close to 0 for ``lambda << r``. With ``epsilon=0.1`` (as used by
        Coates et al. 2011 on per-patch normalised patches, whose mean
        eigenvalue is about one) directions with less than a tenth of the
        average variance are attenuated. ``0`` gives exact whitening, which
        fails on singular covariances (for instance after ``remove_mean``).
    remove_mean : bool, default=True
        Subtract from each sample (patch) its own mean before anything else.
        This removes the patch brightness, which carries most of the variance
        of natural image patches and no edge information. It cannot be
        undone: :meth:`inverse_transform` returns patches of zero mean.
    copy : bool, default=True
        If False, :meth:`fit` centres its input in place (when it is a
        writeable float array of a supported dtype), saving a copy of the
        training data. :meth:`transform` never modifies its input.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
        Per-feature mean of the training data (after ``remove_mean``).
    explained_variance_ : ndarray of shape (n_features,)
        Eigenvalues of the training covariance, in decreasing order.
    regularization_ : float
        ``epsilon * explained_variance_.mean()``, the amount added to each
        eigenvalue.
    whitening_ : ndarray of shape (n_features, n_features)
        Symmetric whitening matrix ``W``; :meth:`transform` returns
        ``(X - mean_) @ whitening_``.
    dewhitening_ : ndarray of shape (n_features, n_features)
        Its inverse, used by :meth:`inverse_transform`.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, when they are all strings.

    See Also
    --------
    sklearn.decomposition.PCA : PCA whitening (``whiten=True``) rotates the
        data onto the principal axes and can drop components.
    sklearn.preprocessing.StandardScaler : Per-feature scaling, which leaves
        the correlations between pixels in place.
    GaussianRBM : Learns edge filters from ZCA-whitened patches.

    Notes
    -----
    The covariance is computed in float64 whatever the input dtype; the
    matrices are cast to the input's dtype in :meth:`transform`, so float32
    in gives float32 out.

    References
    ----------
    A. Krizhevsky, "Learning Multiple Layers of Features from Tiny Images",
    technical report, University of Toronto, 2009 (appendix A).

    A. Bell and T. Sejnowski, "The 'independent components' of natural
    scenes are edge filters", Vision Research 37(23), 1997.

    A. Coates, H. Lee and A. Ng, "An Analysis of Single-Layer Networks in
    Unsupervised Feature Learning", AISTATS 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import ZCAWhitening
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((1000, 4)) @ rng.standard_normal((4, 4))
    >>> zca = ZCAWhitening(epsilon=1e-6, remove_mean=False).fit(X)
    >>> Z = zca.transform(X)
    >>> np.round(np.cov(Z, rowvar=False, bias=True), 3) + 0.0
    array([[1., 0., 0., 0.],
           [0., 1., 0., 0.],
           [0., 0., 1., 0.],
           [0., 0., 0., 1.]])
    >>> np.allclose(zca.inverse_transform(Z), X)
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "epsilon": [Interval(Real, 0, None, closed="left")],
        "remove_mean": ["boolean"],
        "copy": ["boolean"],
    }

    def __init__(self, epsilon=0.1, *, remove_mean=True, copy=True):
        self.epsilon = epsilon
        self.remove_mean = remove_mean
        self.copy = copy

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the mean and the whitening matrix of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, for example flattened image patches.
        y : None
            Ignored.

        Returns
        -------
        self : ZCAWhitening
            The fitted transformer.
        """
        X = validate_data(
            self, X, dtype=FLOAT_DTYPES, copy=self.copy, force_writeable=True
        )
        if self.remove_mean:
            remove_sample_mean(X)
        self.mean_ = X.mean(axis=0)
        X -= self.mean_
        (
            self.explained_variance_,
            self.regularization_,
            self.whitening_,
            self.dewhitening_,
        ) = zca_matrices(X, self.epsilon)
        return self

    def transform(self, X):
        """Whiten ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        X_white : ndarray of shape (n_samples, n_features)
            ``(X - mean_) @ whitening_`` (after the per-sample mean removal
            when ``remove_mean``), in the dtype of ``X``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False)
        centred = X - self.mean_.astype(X.dtype, copy=False)
        if self.remove_mean:
            centred -= X.mean(axis=1, keepdims=True)
        return centred @ self.whitening_.astype(X.dtype, copy=False)

    def inverse_transform(self, X):
        """Map whitened data back to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Whitened data.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            ``X @ dewhitening_ + mean_``, in the dtype of ``X``. With
            ``remove_mean=True`` this is the input minus each sample's mean.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False)
        X_original = X @ self.dewhitening_.astype(X.dtype, copy=False)
        X_original += self.mean_.astype(X.dtype, copy=False)
        return X_original

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
