"""Behaviour common to the skrbm estimators: validation, scoring, training."""

from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._compat import Interval, _fit_context
from ._training import EarlyStopping, Schedule, train

FLOAT_DTYPES = (np.float64, np.float32)


def float_dtypes(X):
    """The dtypes validation may keep ``X`` in: float16 becomes float32.

    scikit-learn's validation turns any dtype outside :data:`FLOAT_DTYPES`
    into float64; float16 data (an array, or a DataFrame of float16
    columns) go to float32 instead, the nearest dtype the kernels support,
    so half-precision input is not trained at four times its width.

    Parameters
    ----------
    X : array-like

    Returns
    -------
    dtype : type or tuple of types
        ``np.float32``, or :data:`FLOAT_DTYPES`.
    """
    dtypes = getattr(X, "dtypes", None)  # DataFrame: one dtype per column
    if dtypes is None or isinstance(dtypes, np.dtype):
        dtypes = [getattr(X, "dtype", None)]
    try:
        dtype = np.result_type(*dtypes)
    except (TypeError, ValueError):  # no dtypes, or pandas extension dtypes
        return FLOAT_DTYPES
    return np.float32 if dtype == np.float16 else FLOAT_DTYPES


OPTIMIZER_CONSTRAINTS = {
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "momentum": [Interval(Real, 0, 1, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "n_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "random_state": ["random_state"],
}


def generator_from(random_state):
    """A :class:`numpy.random.Generator` seeded from a ``RandomState``."""
    return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))


def check_hidden(H, n_components):
    """Validate hidden activations given to ``inverse_transform``.

    Parameters
    ----------
    H : array-like of shape (n_samples, n_components)
    n_components : int
        Number of hidden units the model has.

    Returns
    -------
    H : ndarray, float32 or float64, C-contiguous and finite.
    """
    H = check_array(H, dtype=float_dtypes(H), order="C", input_name="X")
    if H.shape[1] != n_components:
        raise ValueError(
            f"X has {H.shape[1]} features, but inverse_transform is expecting "
            f"{n_components} features (the number of hidden units) as input."
        )
    return H


def _same(old, new):
    if old is new:
        return True
    try:
        return bool(old == new)
    except (TypeError, ValueError):
        return False


class MinibatchMixin:
    """Shared machinery of the skrbm estimators.

    Subclasses provide ``_initialize(X, random_state)``,
    ``_make_step(dtype) -> Step``, ``_reconstruct(X) -> ndarray`` and a
    ``_params`` property listing the fitted parameter arrays (the first one
    fixes the model's dtype).

    Every constructor parameter is in exactly one of three groups, which
    decides what a change by ``set_params`` between :meth:`partial_fit`
    calls does: ``_init_params`` shape or seed the model when it is
    initialised (``fit`` or the first ``partial_fit``) and a later
    ``partial_fit`` refuses to run after they changed; ``_fit_only_params``
    are read by ``fit`` alone (the number of epochs, early stopping); all
    others are read at every call and take effect from the next one.
    """

    _init_params = ("random_state",)
    _fit_only_params = (
        "n_iter",
        "early_stopping",
        "validation_fraction",
        "n_iter_no_change",
        "tol",
    )

    def _init_param_values(self):
        # getattr, not get_params: partial_fit calls this every time
        values = {name: getattr(self, name) for name in self._init_params}
        inner = values.get("estimator")
        if hasattr(inner, "get_params"):
            nested = inner.get_params(deep=True)
            values.update({f"estimator__{k}": v for k, v in nested.items()})
        return values

    def _check_init_params(self):
        """Refuse to continue a model whose initialisation parameters changed."""
        saved = getattr(self, "_initialized_with", None)
        if saved is None:
            return
        current = self._init_param_values()
        # top-level names first: a replaced estimator is named as such
        for name in sorted(saved, key=lambda name: ("__" in name, name)):
            old, new = saved[name], current.get(name, saved[name])
            if not _same(old, new):
                raise ValueError(
                    f"{name} changed from {old!r} to {new!r} since this "
                    f"{type(self).__name__} was initialised; partial_fit "
                    f"cannot apply it to the trained model. Call fit to start "
                    f"again with the new {name}."
                )

    def _validate_input(self, X, *, reset, min_samples=1):
        return validate_data(
            self,
            X,
            reset=reset,
            dtype=float_dtypes(X),
            order="C",
            ensure_min_samples=min_samples,
        )

    def _check_fitted_input(self, X):
        check_is_fitted(self)
        return self._validate_input(X, reset=False)

    def _learning_rate(self):
        return self.learning_rate

    def _persistent(self):
        """Whether training keeps persistent chains (for the divergence advice)."""
        return False

    def _schedule(self):
        return Schedule(
            self._learning_rate(),
            self.batch_size,
            self.shuffle,
            persistent=self._persistent(),
            advice=self._data_advice,
        )

    #: ``_data_advice(X)``: what a divergence warning says about the data
    #: (None: :func:`~skrbm._training.standardization_advice`).
    _data_advice = None

    def _split(self, X, random_state):
        """Hold out ``validation_fraction`` of ``X`` when early stopping."""
        if not self.early_stopping:
            return X, None
        n_samples = X.shape[0]
        # the rounding train_test_split applies to a float test_size
        n_val = int(np.ceil(self.validation_fraction * n_samples))
        if not 1 <= n_val < n_samples:
            raise ValueError(
                "early_stopping needs at least one training and one validation "
                f"sample; got {n_samples} samples with "
                f"validation_fraction={self.validation_fraction}."
            )
        X_train, X_val = train_test_split(
            X, test_size=self.validation_fraction, random_state=random_state
        )
        return np.ascontiguousarray(X_train), X_val

    def _start(self, X, random_state):
        """Fresh parameters and an empty history."""
        self._initialized_with = self._init_param_values()
        self._initialize(X, random_state)
        self.n_iter_ = 0
        self.loss_curve_ = []

    def __sklearn_is_fitted__(self):
        # n_features_in_ is set before the parameters exist, so a fit that
        # fails half-way must not count as fitted.
        return hasattr(self, "components_")

    def _run(self, X, n_epochs, X_val=None):
        early = None
        if X_val is not None:
            early = EarlyStopping(
                X_val, self._score_array, self.tol, self.n_iter_no_change
            )
        step = self._make_step(X.dtype)
        train(self, X, n_epochs, step, self._schedule(), self._rng, early)
        return self

    def _fit_epochs(self, X):
        """What ``fit`` does once the input is validated."""
        random_state = check_random_state(self.random_state)
        X, X_val = self._split(X, random_state)
        self._start(X, random_state)
        for name in ("validation_scores_", "best_validation_score_"):
            self.__dict__.pop(name, None)
        return self._run(X, self.n_iter, X_val)

    # Nested estimators (the refiner's RBM) validate their own parameters.
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Train for ``n_iter`` epochs from a fresh initialisation.

        The :class:`AutoencoderRefiner` first fits a clone of its
        ``estimator`` on the same data (the training part, when early
        stopping holds out a validation part).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, ideally standardized.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X = self._validate_input(X, reset=True, min_samples=2)
        return self._fit_epochs(X)

    @_fit_context(prefer_skip_nested_validation=False)
    def partial_fit(self, X, y=None):
        """Train for one epoch over ``X``, continuing the current state.

        The first call initialises the model from ``X`` as :meth:`fit` does
        (the :class:`AutoencoderRefiner` fits a clone of its ``estimator``
        on this ``X``). Later calls continue with the same momentum
        velocities, persistent chains and random generator, so ``n`` calls
        on the same data equal :meth:`fit` with ``n_iter=n``. ``n_iter`` and
        early stopping do not apply to ``partial_fit``: each call is one
        epoch on all of ``X``, with no validation split, so that a model
        fitted with ``early_stopping=True`` can be trained further
        (:class:`~sklearn.neural_network.MLPRegressor` refuses
        ``early_stopping=True`` here instead). As in ``MLPRegressor``
        without early stopping, ``validation_scores_`` and
        ``best_validation_score_`` are then None: they described the
        validation split of ``fit``, which later epochs do not use; ``n_iter_``
        and ``loss_curve_`` count every epoch of both. Optimiser settings
        changed with ``set_params`` take effect from the next call; a change
        of a parameter that shapes or seeds the model (see the class's
        Notes) raises a ``ValueError`` and leaves the model as it was.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Minibatches are taken from these samples.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The updated estimator.
        """
        first_call = not self.__sklearn_is_fitted__()
        if not first_call:
            self._check_init_params()
        X = self._validate_input(X, reset=first_call)
        if first_call:
            self._start(X, check_random_state(self.random_state))
        for name in ("validation_scores_", "best_validation_score_"):
            if hasattr(self, name):
                setattr(self, name, None)
        return self._run(X.astype(self._params[0].dtype, copy=False), 1)

    def _squared_error(self, X):
        residual = X - self._reconstruct(X)
        # values near 1e154 square to inf: a clearly infinite error, no warning
        with np.errstate(over="ignore"):
            return float(np.vdot(residual, residual))

    def _score_array(self, X):
        return -self._squared_error(X) / X.size

    def reconstruct(self, X):
        """Reconstruct ``X`` through the hidden layer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        X_rec : ndarray of shape (n_samples, n_features)
            ``inverse_transform(transform(X))``, in the dtype of ``X``.
        """
        return self._reconstruct(self._check_fitted_input(X))

    def score_samples(self, X):
        """Minus the mean squared reconstruction error of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-mean((X - reconstruct(X)) ** 2, axis=1)``; higher is better.
        """
        X = self._check_fitted_input(X)
        residual = X - self._reconstruct(X)
        with np.errstate(over="ignore"):
            return -np.mean(residual**2, axis=1)

    def score(self, X, y=None):
        """Minus the mean squared reconstruction error over ``X``.

        Higher is better, so model selection tools such as
        :class:`~sklearn.model_selection.GridSearchCV` can maximise it
        without a custom scorer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : None
            Ignored.

        Returns
        -------
        score : float
            ``mean(score_samples(X))``.
        """
        return float(np.mean(self.score_samples(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
