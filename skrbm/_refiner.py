"""Refine a fitted RBM as an autoencoder by backpropagation."""

from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    MetaEstimatorMixin,
    TransformerMixin,
    clone,
)
from sklearn.utils.validation import check_is_fitted

from ._base import OPTIMIZER_CONSTRAINTS, MinibatchMixin, check_hidden, generator_from
from ._compat import HasMethods, Interval
from ._kernels import (
    AEGradient,
    AEWorkspace,
    backprop_gradient,
    mean_hiddens,
    mean_visibles,
)
from ._training import Step

_RBM_ATTRIBUTES = ("components_", "intercept_hidden_", "intercept_visible_")


def rbm_weights(estimator, n_features):
    """Weights and biases of a fitted RBM-like estimator, checked.

    Parameters
    ----------
    estimator : fitted estimator
        Must expose ``components_`` of shape ``(n_components, n_features)``,
        ``intercept_hidden_`` and ``intercept_visible_``.
    n_features : int

    Returns
    -------
    W, c, b : ndarray
    """
    missing = [a for a in _RBM_ATTRIBUTES if not hasattr(estimator, a)]
    if missing:
        raise ValueError(
            "estimator must be an RBM exposing components_, intercept_hidden_ and "
            f"intercept_visible_ once fitted (e.g. GaussianRBM); "
            f"{type(estimator).__name__} lacks {', '.join(missing)}."
        )
    W, c, b = (np.asarray(getattr(estimator, a)) for a in _RBM_ATTRIBUTES)
    if (
        W.ndim != 2
        or W.shape[1] != n_features
        or c.shape != (W.shape[0],)
        or (b.shape != (n_features,))
    ):
        raise ValueError(
            f"estimator's parameters do not fit {n_features} features: "
            f"components_ {W.shape}, intercept_hidden_ {c.shape}, "
            f"intercept_visible_ {b.shape}."
        )
    return W, c, b


def rbm_sigma(estimator):
    """Visible standard deviations of a fitted RBM, or None for unit variance.

    Read from ``visible_variance_`` when the estimator has it (a
    :class:`GaussianRBM` trained with ``learn_variance=True``).

    Parameters
    ----------
    estimator : fitted estimator

    Returns
    -------
    sigma : ndarray of shape (n_features,) or None
    """
    variance = getattr(estimator, "visible_variance_", None)
    if variance is None or np.all(np.asarray(variance) == 1):
        return None
    return np.sqrt(np.asarray(variance, dtype=np.float64))


def unrolled(W, c, b, sigma, tied):
    """Encoder and decoder weights ``(W_enc, c, W_dec, b)`` of an RBM.

    The encoder computes ``p(h | v) = sigmoid((v / sigma) W^T + c)`` and the
    decoder the mean ``b + sigma * (h W)``, so with learned visible
    variances the encoder's weights are ``W / sigma`` and the decoder's
    ``W * sigma`` (column by column), which one tied matrix cannot hold.

    Parameters
    ----------
    W : ndarray of shape (n_components, n_features)
    c : ndarray of shape (n_components,)
    b : ndarray of shape (n_features,)
    sigma : ndarray of shape (n_features,) or None
    tied : bool

    Returns
    -------
    W_enc, c, W_dec, b : ndarray
    """
    if sigma is None:
        return W, c, W, b
    if tied:
        raise ValueError(
            "tied=True needs an RBM with unit visible variance: this one learned "
            "its visible variances (learn_variance=True), so its encoder (W / "
            "sigma) and decoder (W * sigma) differ. Use tied=False."
        )
    return W / sigma, c, W * sigma, b


#: Hidden units of the randomly initialised autoencoder by default.
DEFAULT_N_COMPONENTS = 100


def random_autoencoder(n_features, n_components, random_state):
    """Initial weights of an autoencoder without pretraining.

    Uniform in ``+-sqrt(2 / (fan_in + fan_out))``, weights and biases alike,
    the initialisation :class:`~sklearn.neural_network.MLPRegressor` uses for
    logistic units.

    Returns
    -------
    W_enc, c, W_dec, b : ndarray
        Encoder weights ``(n_components, n_features)``, hidden biases, decoder
        weights ``(n_components, n_features)`` and visible biases.
    """
    bound = np.sqrt(2.0 / (n_features + n_components))
    W_enc = random_state.uniform(-bound, bound, (n_components, n_features))
    c = random_state.uniform(-bound, bound, n_components)
    W_dec = random_state.uniform(-bound, bound, (n_components, n_features))
    b = random_state.uniform(-bound, bound, n_features)
    return W_enc, c, W_dec, b


class AutoencoderRefiner(
    MinibatchMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    MetaEstimatorMixin,
    BaseEstimator,
):
    """Unroll an RBM into an autoencoder and fine-tune it by backprop.

    The encoder starts from the RBM's weights and hidden biases
    (``H = sigmoid(X W^T + c)``), the decoder from the transposed weights and
    the visible biases (``X_rec = H W + b``, linear output). Both are then
    trained by minibatch gradient descent with momentum on the squared
    reconstruction error. Because a pipeline step sees only its
    predecessor's output, the refiner owns the RBM: it clones ``estimator``
    and fits it on the same data first.

    Parameters
    ----------
    estimator : GaussianRBM or None, default=None
        The RBM to pretrain with, cloned into ``estimator_`` and fitted in
        :meth:`fit`. A prefit RBM wrapped in
        :class:`sklearn.frozen.FrozenEstimator` is used as it is. ``None``
        trains a randomly initialised autoencoder of ``n_components`` hidden
        units: the no-pretraining baseline.
    n_components : int or None, default=None
        Hidden units. None means the estimator's own ``n_components`` (100
        for ``estimator=None``). An integer with an ``estimator`` overrides
        the clone's ``n_components`` before it is fitted; with a prefit
        (frozen) estimator, or one without that parameter, it is an error
        rather than a setting silently ignored.
    n_iter : int, default=100
        Number of refinement epochs of :meth:`fit`.
    learning_rate : float, default=0.01
        Step size.
    momentum : float, default=0.9
        Classical momentum, in ``[0, 1)``.
    batch_size : int, default=100
        Samples per minibatch.
    shuffle : bool, default=True
        Visit the samples in a new random order each epoch.
    tied : bool, default=False
        Keep the decoder weights equal to the encoder's (transposed). When
        False they start equal and are trained separately.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (before pretraining, so
        the RBM never sees it), stop when the validation score has not
        improved by ``tol`` for more than ``n_iter_no_change`` consecutive
        epochs (as in :class:`~sklearn.neural_network.MLPRegressor`) and restore the
        best epoch's weights.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Minimum improvement of the validation score.
    verbose : int, default=0
        Print one line per epoch.
    random_state : int, RandomState instance or None, default=None
        Controls the random initialisation (``estimator=None``), shuffling
        and the validation split. The inner RBM has its own
        ``random_state``.

    Attributes
    ----------
    estimator_ : estimator or None
        The fitted RBM (None when ``estimator`` is None).
    components_ : ndarray of shape (n_components, n_features)
        Encoder weights.
    intercept_hidden_ : ndarray of shape (n_components,)
        Encoder (hidden) biases.
    decoder_components_ : ndarray of shape (n_components, n_features)
        Decoder weights; the same array as ``components_`` when ``tied``.
    intercept_visible_ : ndarray of shape (n_features,)
        Decoder (output) biases.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, when they are all strings.
    n_iter_ : int
        Number of refinement passes run: the epochs of :meth:`fit`, plus
        one per :meth:`partial_fit` call (one pass over the ``X`` it is
        given).
    loss_curve_ : list of float
        Training reconstruction MSE (per sample and feature) of each epoch,
        averaged over the minibatches before each update.
    validation_scores_ : list of float or None
        Validation score per epoch of :meth:`fit` (``early_stopping=True``
        only); None after a later :meth:`partial_fit`.
    best_validation_score_ : float or None
        Best validation score (``early_stopping=True`` only); None after a
        later :meth:`partial_fit`.

    See Also
    --------
    GaussianRBM : The RBM that provides the initial weights.
    sklearn.neural_network.MLPRegressor : A general multilayer perceptron.

    Notes
    -----
    The gradient is that of ``1/(2 n) sum |X_rec - X|^2`` (summed over
    features, averaged over samples), as in
    :class:`~sklearn.neural_network.MLPRegressor`; ``loss_curve_`` and
    :meth:`score` report the mean over features as well, so they compare
    directly with :class:`GaussianRBM`'s.

    **partial_fit.** The first call fits a clone of ``estimator`` on its
    ``X`` (a full :meth:`GaussianRBM.fit`; a ``FrozenEstimator`` is left as
    it is), initialises the autoencoder from it and runs one refinement
    epoch. Later calls run one refinement epoch each. Unlike
    :class:`~sklearn.feature_selection.SelectFromModel`, ``partial_fit`` is
    not delegated to the inner estimator: the refiner trains weights of its
    own (the unrolled autoencoder), and the RBM only provides their start,
    so the method exists whatever the inner estimator offers. ``estimator`` (and
    its nested parameters), ``n_components``, ``tied`` and ``random_state``
    define the model when it is initialised: after a change, later calls
    raise a ``ValueError`` that says to call :meth:`fit`. ``n_iter`` and the
    early-stopping parameters are read by :meth:`fit` only; the others take
    effect from the next call.

    References
    ----------
    G. Hinton and R. Salakhutdinov, "Reducing the Dimensionality of Data
    with Neural Networks", Science 313, 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm import AutoencoderRefiner, GaussianRBM
    >>> X = np.random.RandomState(0).standard_normal((200, 16))
    >>> rbm = GaussianRBM(n_components=8, n_iter=5, random_state=0)
    >>> ae = AutoencoderRefiner(rbm, n_iter=5, random_state=0).fit(X)
    >>> ae.transform(X).shape
    (200, 8)
    >>> bool(ae.score(X) > rbm.fit(X).score(X))
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **OPTIMIZER_CONSTRAINTS,
        "estimator": [HasMethods(["fit", "transform"]), None],
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "tied": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_components=None,
        n_iter=100,
        learning_rate=0.01,
        momentum=0.9,
        batch_size=100,
        shuffle=True,
        tied=False,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        verbose=0,
        random_state=None,
    ):
        self.estimator = estimator
        self.n_components = n_components
        self.n_iter = n_iter
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.tied = tied
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state

    _init_params = ("estimator", "n_components", "tied", "random_state")

    def __setstate__(self, state):
        super().__setstate__(state)
        # joblib stores each array on its own, which would untie the decoder.
        if self.tied and "components_" in self.__dict__:
            self.decoder_components_ = self.components_

    @property
    def _params(self):
        params = [self.components_, self.intercept_hidden_]
        if not self.tied:
            params.append(self.decoder_components_)
        params.append(self.intercept_visible_)
        return params

    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def _initialize(self, X, random_state):
        n_features = X.shape[1]
        if self.estimator is None:
            self.estimator_ = None
            n_components = self.n_components or DEFAULT_N_COMPONENTS
            weights = random_autoencoder(n_features, n_components, random_state)
        else:
            inner = clone(self.estimator)
            if self.n_components is not None:
                if "n_components" not in inner.get_params(deep=False):
                    raise ValueError(
                        f"n_components={self.n_components} cannot be applied "
                        f"to {type(inner).__name__}, which has no n_components "
                        "parameter of its own (a prefit, frozen estimator "
                        "keeps its size). Leave n_components=None."
                    )
                inner.set_params(n_components=self.n_components)
            self.estimator_ = inner.fit(X, None)
            names = getattr(self, "feature_names_in_", None)
            if names is not None and not hasattr(self.estimator_, "feature_names_in_"):
                # the inner RBM saw the same columns: let it check them too
                self.estimator_.feature_names_in_ = names
            W, c, b = rbm_weights(self.estimator_, n_features)
            weights = unrolled(W, c, b, rbm_sigma(self.estimator_), self.tied)
        W_enc, c, W_dec, b = (np.array(w, dtype=X.dtype, order="C") for w in weights)
        self.components_ = W_enc
        self.intercept_hidden_ = c
        self.decoder_components_ = W_enc if self.tied else W_dec
        self.intercept_visible_ = b
        self._velocities = [np.zeros_like(p) for p in self._params]
        self._rng = generator_from(random_state)

    def _make_step(self, dtype):
        W_enc, c, W_dec, b = self._weights()
        ws = AEWorkspace(self.batch_size, W_enc.shape[1], W_enc.shape[0], dtype)
        tied, lr, momentum = self.tied, self.learning_rate, self.momentum
        # velocities follow _params: the decoder weights are absent when tied
        v_enc_W, v_c, *v_dec_W, v_b = self._velocities
        out = AEGradient(v_enc_W, v_c, v_dec_W[0] if v_dec_W else None, v_b)

        def gradient(X):
            return backprop_gradient(X, W_enc, c, W_dec, b, ws, out, tied, lr, momentum)

        return Step(
            gradient=gradient,
            params=self._params,
            velocities=self._velocities,
            error=self._squared_error,
            state=[*self._params, *self._velocities],
            buffer=ws.V,
        )

    def _weights(self, dtype=None):
        weights = (
            self.components_,
            self.intercept_hidden_,
            self.decoder_components_,
            self.intercept_visible_,
        )
        if dtype is None:
            return weights
        return [w.astype(dtype, copy=False) for w in weights]

    def transform(self, X):
        """Encode: hidden activations ``sigmoid(X W_enc^T + c)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        H : ndarray of shape (n_samples, n_components)
            Activations in (0, 1), in the dtype of ``X``.
        """
        X = self._check_fitted_input(X)
        W_enc, c, _, _ = self._weights(X.dtype)
        return mean_hiddens(X, W_enc, c)

    def inverse_transform(self, X):
        """Decode: ``H W_dec + b``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Hidden activations.

        Returns
        -------
        X_rec : ndarray of shape (n_samples, n_features)
            Reconstruction, in the dtype of ``X``.
        """
        check_is_fitted(self)
        H = check_hidden(X, self.components_.shape[0])
        _, _, W_dec, b = self._weights(H.dtype)
        return mean_visibles(H, W_dec, b)

    def _reconstruct(self, X):
        W_enc, c, W_dec, b = self._weights(X.dtype)
        return mean_visibles(mean_hiddens(X, W_enc, c), W_dec, b)
