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
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._autoencoder import (
    IDENTITY,
    AEGradient,
    AEWorkspace,
    DeepWorkspace,
    backprop_gradient,
    decoder_activation,
    deep_backprop_gradient,
    forward,
    layer_activations,
    mirrored_sizes,
    random_autoencoder,
    random_layers,
    stack_layers,
    unroll_stack,
    weight_order,
)
from ._base import OPTIMIZER_CONSTRAINTS, MinibatchMixin, check_hidden, generator_from
from ._compat import HasMethods, Interval, StrOptions
from ._kernels import mean_hiddens, mean_visibles, sigmoid
from ._params import RBMParameters
from ._training import Step

#: Fitted weights of a single-layer autoencoder (a deep one has
#: ``coefs_`` and ``intercepts_`` instead).
_SINGLE_LAYER_ATTRIBUTES = (
    "components_",
    "intercept_hidden_",
    "decoder_components_",
    "intercept_visible_",
)

#: Hidden units of the randomly initialised autoencoder by default.
DEFAULT_N_COMPONENTS = 100


def is_stack(estimator):
    """Whether ``estimator`` is a stack of RBMs: a list, tuple or Pipeline."""
    return isinstance(estimator, (list, tuple, Pipeline))


def layers_of(stack):
    """The layers of a stack (list, tuple or Pipeline), bottom first."""
    if isinstance(stack, Pipeline):
        return [step for _, step in stack.steps]
    return list(stack)


def frozen_stack(estimator):
    """The fitted stack a ``FrozenEstimator`` wraps, or None.

    Parameters
    ----------
    estimator : object

    Returns
    -------
    stack : list, tuple, Pipeline or None
    """
    if isinstance(estimator, FrozenEstimator) and is_stack(estimator.estimator):
        return estimator.estimator
    return None


def fit_stack(stack, X):
    """Fit a stack greedily, layer by layer; return its layers, bottom first.

    A :class:`~sklearn.pipeline.Pipeline` is fitted by ``Pipeline.fit``
    (each step on its predecessor's output); a list is fitted the same way
    by hand.

    Parameters
    ----------
    stack : list of estimators or Pipeline
        Unfitted clones (``FrozenEstimator`` layers are left as they are).
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    layers : list of estimators
    """
    if isinstance(stack, Pipeline):
        stack.fit(X)
        return layers_of(stack)
    H = X
    for layer in stack:
        H = layer.fit(H, None).transform(H)
    return list(stack)


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
    the visible biases: ``X_rec = H W + b`` (linear output) for Gaussian
    visible units, ``sigmoid(H W + b)`` for binary ones, the RBM's own
    reconstruction either way (``out_activation_``). Both are then
    trained by minibatch gradient descent with momentum on the squared
    reconstruction error. Because a pipeline step sees only its
    predecessor's output, the refiner owns the RBM: it clones ``estimator``
    and fits it on the same data first.

    Parameters
    ----------
    estimator : GaussianRBM, stack of RBMs or None, default=None
        The RBM to pretrain with, cloned into ``estimator_`` and fitted in
        :meth:`fit`. A prefit RBM wrapped in
        :class:`sklearn.frozen.FrozenEstimator` is used as it is. A stack,
        a :class:`~sklearn.pipeline.Pipeline` or a list of RBMs (bottom
        first, e.g. a :class:`GaussianRBM` under :class:`BinaryRBM`
        layers), is trained greedily, each layer on the previous one's
        hidden probabilities, and unrolled into a deep autoencoder (see
        Notes); use a Pipeline to reach each layer's parameters from
        :class:`~sklearn.model_selection.GridSearchCV`
        (``estimator__binaryrbm-1__alpha``). A fitted stack wrapped in a
        ``FrozenEstimator``, e.g.
        ``FrozenEstimator(make_pipeline(GaussianRBM(16), BinaryRBM(8)).fit(X))``
        (or a frozen list or tuple of fitted RBMs), is a prefit stack: no
        layer is refitted, the refiner unrolls the layers as they are and
        fine-tunes copies of their weights, so the stack itself is left
        unchanged (as is a list of individually frozen layers). ``None``
        trains a randomly initialised autoencoder of ``n_components``
        hidden units: the no-pretraining baseline.
    n_components : int, list of int or None, default=None
        Hidden units of the code. None means the estimator's own (the top
        layer's for a stack; 100 for ``estimator=None``). An integer with
        an ``estimator`` overrides the ``n_components`` of the clone (of
        its top layer for a stack) before it is fitted; with a prefit
        (frozen) estimator, or one without that parameter, it is an error
        rather than a setting silently ignored. A list of widths with
        ``estimator=None``, e.g. ``[128, 64, 8]``, builds a randomly
        initialised deep autoencoder of those encoder layers and the
        mirrored decoder: the no-pretraining baseline of a stack.
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
        False they start equal and are trained separately. Only for a
        single RBM.
    code_activation : {"logistic", "identity"}, default="logistic"
        Activation of the code layer: the RBM's sigmoid, or linear units
        (Hinton and Salakhutdinov 2006 used a linear code). ``"identity"``
        makes even a single RBM's autoencoder a deep-model one (attributes
        ``coefs_`` and ``intercepts_``).
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
        The fitted RBM or stack (None when ``estimator`` is None).
    coefs_ : list of ndarray
        Deep autoencoders (a stack, a list ``n_components`` or a linear
        code) only: the weight matrix of every layer, encoder then decoder,
        of shape ``(fan_in, fan_out)`` as in
        :class:`~sklearn.neural_network.MLPRegressor`. Such a model has
        ``coefs_`` and ``intercepts_`` instead of the four single-layer
        attributes below.
    intercepts_ : list of ndarray
        Deep autoencoders only: the bias of every layer.
    components_ : ndarray of shape (n_components, n_features)
        Encoder weights. For speed, a float32 model with more features than
        units and at least 2**18 weights stores them (and the decoder's) in
        Fortran order, as the transpose of a C-contiguous array: the values
        are the same, ``np.ascontiguousarray`` gives a C-ordered copy.
    intercept_hidden_ : ndarray of shape (n_components,)
        Encoder (hidden) biases.
    decoder_components_ : ndarray of shape (n_components, n_features)
        Decoder weights; the same array as ``components_`` when ``tied``.
    intercept_visible_ : ndarray of shape (n_features,)
        Decoder (output) biases.
    out_activation_ : {"identity", "logistic"}
        Activation of the output layer: the mean of the (bottom) RBM's
        visible units, logistic for a :class:`BinaryRBM` or
        :class:`~sklearn.neural_network.BernoulliRBM`, the identity
        otherwise and without an RBM.
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

    **Binary RBMs.** Over a :class:`BinaryRBM` (alone or at the bottom of a
    stack) the decoder ends in the sigmoid, so the unrolled model starts
    from the RBM's own reconstruction and reconstructs in (0, 1); the loss
    stays the squared error, whose output delta then gains the factor
    ``Y (1 - Y)``. A model saved before ``out_activation_`` existed keeps
    its linear output.

    **Stacks.** A stack of ``L`` RBMs unrolls into ``2 L`` layers: the
    encoder applies every RBM's ``p(h | v)`` up the stack, the decoder every
    RBM's mean reconstruction down it (a sigmoid for binary visible units,
    linear output for the Gaussian bottom layer), with the weights of the
    RBMs (``W / sigma`` in the encoder and ``W * sigma`` in the decoder of
    a layer with learned visible variances). All ``2 L`` layers are then
    fine-tuned together; :meth:`transform` returns the code (the top
    encoder layer), :meth:`inverse_transform` decodes it.

    **partial_fit.** The first call fits a clone of ``estimator`` on its
    ``X`` (a full :meth:`GaussianRBM.fit`; a ``FrozenEstimator`` is left as
    it is), initialises the autoencoder from it and runs one refinement
    epoch. Later calls run one refinement epoch each. Unlike
    :class:`~sklearn.feature_selection.SelectFromModel`, ``partial_fit`` is
    not delegated to the inner estimator: the refiner trains weights of its
    own (the unrolled autoencoder), and the RBM only provides their start,
    so the method exists whatever the inner estimator offers. ``estimator``
    (and its nested parameters), ``n_components``, ``tied``,
    ``code_activation`` and ``random_state``
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
        "estimator": [
            HasMethods(["fit", "transform"]),
            list,
            tuple,
            FrozenEstimator,
            None,
        ],
        "n_components": [
            Interval(Integral, 1, None, closed="left"),
            list,
            tuple,
            None,
        ],
        "tied": ["boolean"],
        "code_activation": [StrOptions({"logistic", "identity"})],
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
        code_activation="logistic",
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
        self.code_activation = code_activation
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state

    _init_params = (
        "estimator",
        "n_components",
        "tied",
        "code_activation",
        "random_state",
    )

    def __sklearn_is_fitted__(self):
        return hasattr(self, "components_") or hasattr(self, "coefs_")

    @property
    def _deep(self):
        return "coefs_" in self.__dict__

    def __setstate__(self, state):
        super().__setstate__(state)
        # models saved before out_activation_ existed had a linear output
        if self.__sklearn_is_fitted__() and "out_activation_" not in state:
            self.out_activation_ = IDENTITY
        # joblib stores each array on its own, which would untie the decoder.
        if self.tied and "components_" in self.__dict__:
            self.decoder_components_ = self.components_

    @property
    def _params(self):
        if self._deep:
            return [*self.coefs_, *self.intercepts_]
        params = [self.components_, self.intercept_hidden_]
        if not self.tied:
            params.append(self.decoder_components_)
        params.append(self.intercept_visible_)
        return params

    @property
    def _n_features_out(self):
        if self._deep:
            return self.coefs_[len(self.coefs_) // 2 - 1].shape[1]
        return self.components_.shape[0]

    def _wants_deep(self):
        """Whether the settings describe a deep (or linear-code) autoencoder."""
        hidden = self.n_components
        return (
            is_stack(self.estimator)
            or frozen_stack(self.estimator) is not None
            or isinstance(hidden, (list, tuple))
            or self.code_activation == "identity"
        )

    def _initialize_deep(self, X, random_state):
        n_features = X.shape[1]
        if self.tied:
            raise ValueError(
                "tied=True ties the decoder of a single RBM's autoencoder to its "
                "encoder; a stack of RBMs, a tuple n_components or "
                "code_activation='identity' make a deep or linear-code "
                "autoencoder whose layers are untied. Use tied=False."
            )
        if self.estimator is None:
            self.estimator_ = None
            hidden = self.n_components
            if not isinstance(hidden, (list, tuple)):
                hidden = [hidden or DEFAULT_N_COMPONENTS]
            if not hidden or not all(
                isinstance(h, Integral) and not isinstance(h, bool) and h >= 1
                for h in hidden
            ):
                raise ValueError(
                    "n_components must be a positive integer or a non-empty "
                    f"list of positive integers (the encoder's widths); got "
                    f"{self.n_components!r}."
                )
            sizes = mirrored_sizes(n_features, hidden)
            coefs, intercepts = random_layers(sizes, random_state)
            self.out_activation_ = IDENTITY
        else:
            inner = self._inner_clone()
            frozen = frozen_stack(inner)
            if frozen is None:
                layers = fit_stack(inner if is_stack(inner) else [inner], X)
            else:
                layers = layers_of(frozen)
            self.estimator_ = inner
            self.out_activation_ = decoder_activation(layers[0])
            coefs, intercepts, _ = unroll_stack(stack_layers(layers, n_features))
        self.coefs_ = [np.array(C, dtype=X.dtype, order="C") for C in coefs]
        self.intercepts_ = [np.array(d, dtype=X.dtype) for d in intercepts]
        self._velocities = [np.zeros_like(p) for p in self._params]
        self._rng = generator_from(random_state)

    def _inner_clone(self):
        """A clone of ``estimator`` with ``n_components`` applied to its top layer."""
        inner = clone(self.estimator)
        if self.n_components is None:
            return inner
        top = inner
        if isinstance(inner, Pipeline):
            top = inner.steps[-1][1]
        elif is_stack(inner):
            top = inner[-1]
        if isinstance(self.n_components, (list, tuple)):
            raise ValueError(
                f"n_components={self.n_components!r}: a list of widths builds "
                "a randomly initialised deep autoencoder (estimator=None); "
                "with an estimator, set each layer's n_components instead."
            )
        if "n_components" not in top.get_params(deep=False):
            raise ValueError(
                f"n_components={self.n_components} cannot be applied "
                f"to {type(top).__name__}, which has no n_components "
                "parameter of its own (a prefit, frozen estimator "
                "keeps its size). Leave n_components=None."
            )
        top.set_params(n_components=self.n_components)
        return inner

    def _initialize(self, X, random_state):
        # a refit may switch between the single-layer and the deep model:
        # neither keeps the other's weights
        for name in (*_SINGLE_LAYER_ATTRIBUTES, "coefs_", "intercepts_"):
            self.__dict__.pop(name, None)
        if self._wants_deep():
            return self._initialize_deep(X, random_state)
        n_features = X.shape[1]
        if self.estimator is None:
            self.estimator_ = None
            self.out_activation_ = IDENTITY
            n_components = self.n_components or DEFAULT_N_COMPONENTS
            weights = random_autoencoder(n_features, n_components, random_state)
        else:
            inner = self._inner_clone()
            self.estimator_ = inner.fit(X, None)
            names = getattr(self, "feature_names_in_", None)
            if names is not None and not hasattr(self.estimator_, "feature_names_in_"):
                # the inner RBM saw the same columns: let it check them too
                self.estimator_.feature_names_in_ = names
            self.out_activation_ = decoder_activation(self.estimator_)
            params = RBMParameters.of(self.estimator_, n_features)
            weights = params.unrolled(self.tied)
        order = weight_order(*weights[0].shape[::-1], X.dtype)
        W_enc, W_dec = (np.array(w, dtype=X.dtype, order=order) for w in weights[::2])
        c, b = (np.array(w, dtype=X.dtype) for w in weights[1::2])
        self.components_ = W_enc
        self.intercept_hidden_ = c
        self.decoder_components_ = W_enc if self.tied else W_dec
        self.intercept_visible_ = b
        self._velocities = [np.zeros_like(p) for p in self._params]
        self._rng = generator_from(random_state)

    def _step(self, gradient, buffer):
        """The :class:`Step` of ``gradient`` over the current parameters."""
        return Step(
            gradient=gradient,
            params=self._params,
            velocities=self._velocities,
            error=self._squared_error,
            state=[*self._params, *self._velocities],
            buffer=buffer,
        )

    def _activations(self):
        return layer_activations(
            len(self.coefs_), self.code_activation, self.out_activation_
        )

    def _make_deep_step(self, dtype):
        coefs, intercepts = self.coefs_, self.intercepts_
        sizes = [coefs[0].shape[0], *(C.shape[1] for C in coefs)]
        ws = DeepWorkspace(self.batch_size, sizes, dtype)
        activations = self._activations()
        lr, momentum = self.learning_rate, self.momentum
        n_layers = len(coefs)
        v_coefs, v_intercepts = (
            self._velocities[:n_layers],
            self._velocities[n_layers:],
        )

        def gradient(X):
            return deep_backprop_gradient(
                X,
                coefs,
                intercepts,
                activations,
                ws,
                v_coefs,
                v_intercepts,
                lr,
                momentum,
            )

        return self._step(gradient, ws.V)

    def _make_step(self, dtype):
        if self._deep:
            return self._make_deep_step(dtype)
        W_enc, c, W_dec, b = self._weights()
        order = "C" if W_enc.flags.c_contiguous else "F"
        ws = AEWorkspace(
            self.batch_size,
            W_enc.shape[1],
            W_enc.shape[0],
            dtype,
            order,
            self.out_activation_,
        )
        tied, lr, momentum = self.tied, self.learning_rate, self.momentum
        # velocities follow _params: the decoder weights are absent when tied
        v_enc_W, v_c, *v_dec_W, v_b = self._velocities
        out = AEGradient(v_enc_W, v_c, v_dec_W[0] if v_dec_W else None, v_b)

        def gradient(X):
            return backprop_gradient(X, W_enc, c, W_dec, b, ws, out, tied, lr, momentum)

        return self._step(gradient, ws.V)

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
        if self._deep:
            half = len(self.coefs_) // 2
            return self._forward(X, slice(0, half))[-1]
        W_enc, c, _, _ = self._weights(X.dtype)
        return mean_hiddens(X, W_enc, c)

    def inverse_transform(self, X):
        """Decode: ``H W_dec + b``, through the sigmoid for a binary RBM's model.

        The output activation is ``out_activation_``: the mean
        reconstruction of the RBM's visible units.

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
        H = check_hidden(X, self._n_features_out)
        if self._deep:
            half = len(self.coefs_) // 2
            return self._forward(H, slice(half, None))[-1]
        return self._decode(H)

    def _forward(self, X, layers):
        """Activations of ``layers`` (a slice) of the deep autoencoder on ``X``."""
        coefs, intercepts = self.coefs_[layers], self.intercepts_[layers]
        coefs = [C.astype(X.dtype, copy=False) for C in coefs]
        intercepts = [d.astype(X.dtype, copy=False) for d in intercepts]
        return forward(X, coefs, intercepts, self._activations()[layers])

    def _reconstruct(self, X):
        if self._deep:
            return self._forward(X, slice(None))[-1]
        W_enc, c, _, _ = self._weights(X.dtype)
        return self._decode(mean_hiddens(X, W_enc, c))

    def _decode(self, H):
        """The single-layer decoder's output ``f(H W_dec + b)``."""
        _, _, W_dec, b = self._weights(H.dtype)
        Y = mean_visibles(H, W_dec, b)
        return sigmoid(Y, out=Y) if self.out_activation_ != IDENTITY else Y
