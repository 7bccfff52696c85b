"""The minibatch training loop shared by every skrbm estimator.

One implementation serves :class:`~skrbm.GaussianRBM` (contrastive
divergence) and :class:`~skrbm.AutoencoderRefiner` (backprop). An estimator
hands the loop a :class:`Step`: a function computing the gradient of one
minibatch into fixed buffers, the parameters and velocities those
gradients update, and an optional proximal step. The loop owns the rest:
shuffling, minibatch slicing, the momentum update, the divergence guard,
early stopping and verbose output.
"""

import contextlib
import functools
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

# Below this many multiply-adds per minibatch product, a second BLAS thread
# brings nothing (64 -> 100 units, batch 100: 0.6 M, same speed) or little,
# and on a machine where another process keeps a core busy it makes an epoch
# about twice as slow; from about a million on, two threads are faster on an
# idle machine (0.9x at 1.6 M, 0.6-0.7x at 784 -> 500, batch 100). Measured
# with benchmarks/bench_shapes.py (see benchmarks/README.md).
SINGLE_THREAD_GEMM_SIZE = 2**20


@functools.cache
def _controller():
    return ThreadpoolController()


def blas_threads(batch_size, n_features, n_components):
    """Context limiting BLAS to one thread for small minibatch products.

    Above :data:`SINGLE_THREAD_GEMM_SIZE` the BLAS keeps the thread count
    it has, which is the caller's limit if one is set
    (``threadpoolctl.threadpool_limits``, joblib workers); a limit is only
    ever lowered, never raised.

    Parameters
    ----------
    batch_size, n_features, n_components : int

    Returns
    -------
    context : context manager
    """
    if batch_size * n_features * n_components < SINGLE_THREAD_GEMM_SIZE:
        return one_blas_thread()
    return contextlib.nullcontext()


def one_blas_thread():
    """Context running the BLAS on one thread, whatever the caller's limit.

    Results computed under it are the same, bit for bit, in every process
    of a machine: products summed by one thread or by several round
    differently (docs/user_guide/reproducibility.rst).

    Returns
    -------
    context : context manager
    """
    return _controller().limit(limits=1, user_api="blas")


@dataclass
class Step:
    """What one estimator contributes to the shared loop.

    Attributes
    ----------
    gradient : callable
        ``gradient(X_batch) -> sse``: the momentum update of the velocities,
        ``velocity = momentum * velocity + learning_rate * grad``, fused
        into the kernels that form the batch's gradient; returns the batch's
        summed squared reconstruction error, measured with the parameters
        before the update.
    params, velocities : list of ndarray
        Matching lists; the loop adds ``velocities[i]`` to ``params[i]``
        after each minibatch.
    state : list of ndarray
        Everything a divergence or early-stopping rollback must restore
        (parameters, velocities, persistent chains).
    error : callable
        ``error(X_batch) -> sse``: the squared reconstruction error of the
        current parameters, without randomness or side effects; checks the
        parameters left by an epoch's last update.
    post_update : callable or None
        Called after every parameter update (the L1 proximal step).
    buffer : ndarray
        A ``(batch_size, n_features)`` buffer receiving shuffled rows.
    """

    gradient: callable
    params: list
    velocities: list
    state: list
    error: callable
    post_update: callable = None
    buffer: np.ndarray = field(default=None, repr=False)


@dataclass
class Schedule:
    """How the loop visits the data (the step applies lr and momentum).

    ``learning_rate``, ``persistent`` and ``advice`` are kept for the
    divergence warning: ``advice(X)`` says what may be wrong with the
    training data (:func:`standardization_advice` unless given).
    """

    learning_rate: float
    batch_size: int
    shuffle: bool
    persistent: bool = False
    advice: callable = None


def iter_batches(n_samples, batch_size, order=None):
    """Yield ``(start, stop, rows)`` minibatch bounds over ``n_samples``.

    ``rows`` is ``None`` for a contiguous slice, or the indices taken from
    ``order`` when shuffling.
    """
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        yield start, stop, None if order is None else order[start:stop]


def data_scale(X):
    """The data's second moment per value, plus one (for data all zeros)."""
    flat = X.reshape(-1)
    with np.errstate(over="ignore"):
        return float(np.dot(flat, flat)) / flat.size + 1.0


#: :func:`error_limit` in units of :func:`data_scale`.
ERROR_LIMIT_FACTOR = 1e6


def error_limit(X):
    """Largest squared error per value that still counts as training.

    A million (:data:`ERROR_LIMIT_FACTOR`) times :func:`data_scale`: a
    model that reconstructs that badly has blown up, even if its numbers
    are still finite. The loop checks every minibatch against it;
    :class:`DivergenceGuard` checks each epoch against a much tighter,
    relative bound.
    """
    return ERROR_LIMIT_FACTOR * data_scale(X)


#: Rows of the last minibatch that test the parameters left by an epoch's
#: last update: parameters that blew up reconstruct every row badly, and a
#: whole minibatch would cost two more full-size products per epoch (1% of
#: an epoch at 256 -> 1024 units, batch 256).
CHECK_ROWS = 16


def run_epoch(X, step, schedule, rng, limit=None):
    """One pass over ``X`` in minibatches with momentum updates.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        C-contiguous training data.
    step : Step
    schedule : Schedule
    rng : numpy.random.Generator
        Draws the epoch's permutation when shuffling.
    limit : float, optional
        :func:`error_limit` of ``X``, if the caller has it (it costs a pass
        over ``X``).

    Returns
    -------
    sse : float
        Sum of the minibatch squared errors.
    finite : bool
        False if a minibatch's error was non-finite or above
        :func:`error_limit` (the epoch stops there), or if the parameters
        left by the last update fail the same test on the first
        :data:`CHECK_ROWS` rows of the last minibatch.
    """
    n_samples, n_features = X.shape
    order = rng.permutation(n_samples) if schedule.shuffle else None
    updates = list(zip(step.params, step.velocities, strict=True))
    if limit is None:
        limit = error_limit(X)
    limit *= n_features
    sse = 0.0
    for start, stop, rows in iter_batches(n_samples, schedule.batch_size, order):
        if rows is None:
            batch = X[start:stop]
        else:
            # mode="clip" writes straight into the buffer ("raise" buffers a copy)
            batch = np.take(
                X, rows, axis=0, out=step.buffer[: stop - start], mode="clip"
            )
        error = step.gradient(batch)
        # also false for NaN
        if not error <= limit * (stop - start):
            return sse, False
        sse += error
        for param, velocity in updates:
            param += velocity
        if step.post_update is not None:
            step.post_update()
    rows = batch[:CHECK_ROWS]
    return sse, step.error(rows) <= limit * rows.shape[0]


def _all_finite(arrays):
    return all(np.isfinite(a).all() for a in arrays)


def _copy_state(state):
    # order="K": a copy in the array's own memory order restores in one pass
    return [a.copy(order="K") for a in state]


def _restore_state(state, saved):
    for dst, src in zip(state, saved, strict=True):
        dst[...] = src


#: An epoch whose training reconstruction error exceeds this many times the
#: lowest one seen so far (or than :func:`data_scale`, whichever is larger,
#: so that a model of near-constant data, whose error is near zero, is not
#: flagged for noise) counts as diverged. Sound runs stay far below it:
#: the noisiest measured, PCD at learning rate 0.001 on standardized
#: patches, peaks at 6.6x its best epoch (3 seeds x 100 epochs); runs that
#: blow up grow 4-10x per epoch (PCD at 0.01: 1.9, 15, 66, 513, ...), so
#: the best state is at most a few epochs old when this fires.
DIVERGENCE_FACTOR = 20.0


class DivergenceGuard:
    """The sound state to return to when training blows up.

    Keeps a copy of the state with the lowest training error seen (the
    starting state until an epoch improves on ``best_loss``).

    Parameters
    ----------
    state : list of ndarray
        The live state (parameters, velocities, chains).
    best_loss : float
        Lowest epoch error recorded before this call (``inf`` if none).
    floor : float
        :func:`data_scale` of the training data.
    """

    def __init__(self, state, best_loss, floor):
        self.state = state
        self.best_state = _copy_state(state)
        self.best_loss = best_loss
        self.floor = floor
        self.improved = False
        self.best_epoch = None

    def diverged(self, loss):
        """Whether an epoch with training error ``loss`` blew up."""
        bound = DIVERGENCE_FACTOR * max(self.best_loss, self.floor)
        return not (np.isfinite(loss) and loss <= bound)

    def update(self, loss, epoch):
        """Record a sound epoch; keep its state if it is the best so far."""
        if loss < self.best_loss:
            self.best_loss = loss
            self.best_epoch = epoch
            self.improved = True
            _restore_state(self.best_state, self.state)

    def restore(self):
        """Put the best state back into the live arrays."""
        _restore_state(self.state, self.best_state)


def sample_rows(X, n_rows=10_000):
    """About ``n_rows`` evenly spaced rows of ``X`` (a view, no copy).

    Enough to tell the scale of the features, without a temporary the size
    of ``X`` (``X.var(axis=0)`` makes one).
    """
    return X[:: max(1, X.shape[0] // n_rows)]


def looks_standardized(X):
    """Whether every feature of ``X`` has a mean near 0 and a std near 1.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    standardized : bool
        Means within 0.5 of zero and standard deviations between 0.5 and 2
        (loose bounds: held-out or clipped standardized data pass), on
        :func:`sample_rows` of ``X``.
    """
    rows = sample_rows(X)
    mean, std = rows.mean(axis=0), rows.std(axis=0)
    return bool(np.all(np.abs(mean) <= 0.5) and np.all((std >= 0.5) & (std <= 2)))


def caller_stacklevel():
    """``stacklevel`` for ``warnings.warn`` pointing at the user's line.

    Counts the frames from the caller of this function out to the first one
    that is not in skrbm, scikit-learn or joblib (the code that called
    ``fit``, possibly through a Pipeline or GridSearchCV).
    """
    frame, level = sys._getframe(1), 1
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.partition(".")[0] not in {"skrbm", "sklearn", "joblib"}:
            break
        frame, level = frame.f_back, level + 1
    return level


def standardization_advice(X):
    """The divergence warning's advice on data that do not look standardized."""
    if looks_standardized(X):
        return ""
    return (
        " The data do not look standardized: put a StandardScaler in front "
        "(the visible units have unit variance)."
    )


def mean_variance(X):
    """The squared error per value of predicting every feature by its mean.

    Estimated on :func:`sample_rows` of ``X``, in float64: the error a
    model must beat to have learned anything.
    """
    with np.errstate(all="ignore"):
        return float(np.mean(sample_rows(X).var(axis=0, dtype=np.float64)))


def failure_reason(loss, epoch, variance):
    """Why a model restored after a divergence is unusable, or None.

    Parameters
    ----------
    loss : float or None
        Training reconstruction error of the restored state (None if it was
        never measured: the untrained starting point).
    epoch : int
        Epochs of training behind the restored state (``n_iter_``).
    variance : float
        :func:`mean_variance` of the training data.

    Returns
    -------
    reason : str or None
    """
    if epoch == 0 or loss is None:
        return "it is the untrained starting point"
    if epoch == 1:
        return (
            "it had trained for one epoch only, and the epoch after it blew up "
            "(its parameters may already be far off)"
        )
    if not loss < variance:
        return (
            f"its reconstruction error ({loss:.4g}) is no lower than the "
            f"error of predicting every feature by its mean ({variance:.4g})"
        )
    return None


def _warn_divergence(name, epoch, schedule, X, restored, failure):
    if not np.isfinite(data_scale(X)):
        cause = f"the data are too large to train on: their squares overflow {X.dtype}"
    elif schedule.persistent:
        cause = (
            f"persistent contrastive divergence (PCD) is unstable at "
            f"learning_rate={schedule.learning_rate}; use a lower learning_rate "
            "(learning_rate='auto' gives 0.001 with PCD) or momentum"
        )
    else:
        cause = (
            f"learning_rate={schedule.learning_rate} is too large for this "
            "model and data; lower learning_rate or momentum"
        )
    advice = (schedule.advice or standardization_advice)(X)
    verdict = ""
    if failure is not None:
        verdict = f" The fit failed: the restored model is unusable, as {failure}."
    warnings.warn(
        f"{name} diverged at epoch {epoch}: its reconstruction error grew "
        f"past {DIVERGENCE_FACTOR:g} times the lowest seen (or stopped being "
        f"finite). Training stopped and {restored} was restored.{verdict} "
        f"Cause: {cause}.{advice}",
        ConvergenceWarning,
        stacklevel=caller_stacklevel(),
    )


class EarlyStopping:
    """Validation bookkeeping in the manner of scikit-learn's MLP.

    Parameters
    ----------
    X_val : ndarray
        Held-out data.
    score : callable
        ``score(X_val) -> float``, higher is better.
    tol : float
        Minimum improvement that resets the patience counter.
    n_iter_no_change : int
        Patience in epochs.
    """

    def __init__(self, X_val, score, tol, n_iter_no_change):
        self.X_val = X_val
        self.score = score
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.scores = []
        self.best_score = -np.inf
        self.best_state = None
        self._no_improvement = 0

    def update(self, state):
        """Score the current model; return True when training should stop."""
        current = self.score(self.X_val)
        self.scores.append(current)
        if current < self.best_score + self.tol:
            self._no_improvement += 1
        else:
            self._no_improvement = 0
        if current > self.best_score:
            self.best_score = current
            self.best_state = _copy_state(state)
        # as MLPRegressor: stop after *more than* n_iter_no_change epochs
        return self._no_improvement > self.n_iter_no_change


def train(estimator, X, n_epochs, step, schedule, rng, early_stopping=None):
    """Run up to ``n_epochs`` epochs and record the history on ``estimator``.

    Appends to ``estimator.loss_curve_`` (training reconstruction MSE per
    epoch) and increments ``estimator.n_iter_``. Stops early when
    ``early_stopping`` says so, then restores the best epoch's state. When an
    epoch diverges (non-finite, or an error over :data:`DIVERGENCE_FACTOR`
    times the lowest seen) it restores the state with the lowest training
    error seen in this call (the starting state if none was better), warns
    and stops.

    Parameters
    ----------
    estimator : estimator
        Provides ``verbose`` and receives ``loss_curve_``, ``n_iter_`` and,
        with early stopping, ``validation_scores_`` and
        ``best_validation_score_``.
    X : ndarray of shape (n_samples, n_features)
    n_epochs : int
    step : Step
    schedule : Schedule
    rng : numpy.random.Generator
    early_stopping : EarlyStopping or None

    Returns
    -------
    diverged : bool
    """
    name = type(estimator).__name__
    diverged = False
    shape = schedule.batch_size, *step.params[0].shape
    scale = data_scale(X)
    guard = DivergenceGuard(
        step.state, min(estimator.loss_curve_, default=np.inf), scale
    )
    with np.errstate(all="ignore"), blas_threads(*shape):
        for _ in range(n_epochs):
            tic = time.perf_counter()
            sse, finite = run_epoch(X, step, schedule, rng, ERROR_LIMIT_FACTOR * scale)
            epoch = estimator.n_iter_ + 1
            loss = sse / X.size
            if not (finite and _all_finite(step.params)) or guard.diverged(loss):
                guard.restore()
                if guard.improved:
                    restored = "the epoch with the lowest reconstruction error"
                    loss, trained = guard.best_loss, guard.best_epoch
                else:
                    restored = "the state before this call"
                    loss = estimator.loss_curve_[-1] if estimator.loss_curve_ else None
                    trained = estimator.n_iter_
                failure = failure_reason(loss, trained, mean_variance(X))
                _warn_divergence(name, epoch, schedule, X, restored, failure)
                diverged = True
                break
            guard.update(loss, epoch)
            estimator.n_iter_ = epoch
            estimator.loss_curve_.append(loss)
            stop = early_stopping is not None and early_stopping.update(step.state)
            if estimator.verbose:
                _print_epoch(name, estimator, early_stopping, time.perf_counter() - tic)
            if stop:
                break
    if early_stopping is not None:
        if early_stopping.best_state is not None:
            _restore_state(step.state, early_stopping.best_state)
        estimator.validation_scores_ = early_stopping.scores
        estimator.best_validation_score_ = early_stopping.best_score
    return diverged


def _print_epoch(name, estimator, early_stopping, seconds):
    line = (
        f"[{name}] Epoch {estimator.n_iter_}, reconstruction error = "
        f"{estimator.loss_curve_[-1]:.6f}"
    )
    if early_stopping is not None:
        line += f", validation score = {early_stopping.scores[-1]:.6f}"
    print(f"{line}, time = {seconds:.2f}s")
