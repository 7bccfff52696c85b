"""How Gabor-like learned filters are: a least-squares 2-D Gabor fit.

A 2-D Gabor function is a plane wave (the carrier) under a Gaussian
envelope. With pixel coordinates ``(x, y)`` (column, row), centre
``(x0, y0)`` and orientation ``theta`` (the direction of the wave vector,
perpendicular to the stripes),

.. code-block:: text

    u =  (x - x0) cos(theta) + (y - y0) sin(theta)      across the stripes
    v = -(x - x0) sin(theta) + (y - y0) cos(theta)      along the stripes
    g = A exp(-u^2 / (2 sigma_x^2) - v^2 / (2 sigma_y^2))
          * cos(2 pi f u + phase) + offset

with ``f`` the spatial frequency in cycles per pixel. Edge detectors are
odd Gabors (``phase`` near +-pi/2), bar detectors even ones.
"""

from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import least_squares

from ._filters import as_filters

PARAMETER_NAMES = (
    "amplitude",
    "x0",
    "y0",
    "theta",
    "sigma_x",
    "sigma_y",
    "frequency",
    "phase",
    "offset",
)

MIN_SIGMA = 0.3
NYQUIST = 0.5


def gabor(params, x, y):
    """Evaluate a 2-D Gabor function.

    Parameters
    ----------
    params : array-like of shape (9,)
        ``amplitude, x0, y0, theta, sigma_x, sigma_y, frequency, phase,
        offset`` (see the module docstring).
    x, y : ndarray
        Pixel coordinates (column and row), of the same shape.

    Returns
    -------
    values : ndarray of the shape of ``x``
    """
    return _gabor_parts(params, x, y)[0]


def _gabor_parts(params, x, y):
    amplitude, x0, y0, theta, sx, sy, freq, phase, offset = params
    cos, sin = np.cos(theta), np.sin(theta)
    dx, dy = x - x0, y - y0
    u = dx * cos + dy * sin
    v = -dx * sin + dy * cos
    envelope = np.exp(-0.5 * (u**2 / sx**2 + v**2 / sy**2))
    angle = 2 * np.pi * freq * u + phase
    carrier = np.cos(angle)
    values = amplitude * envelope * carrier + offset
    return values, u, v, envelope, carrier, np.sin(angle)


def gabor_jacobian(params, x, y):
    """Derivatives of :func:`gabor` with respect to its 9 parameters.

    Parameters
    ----------
    params : array-like of shape (9,)
    x, y : ndarray of shape (n_pixels,)

    Returns
    -------
    jacobian : ndarray of shape (n_pixels, 9)
    """
    amplitude, _, _, theta, sx, sy, freq, _, _ = params
    _, u, v, envelope, carrier, sine = _gabor_parts(params, x, y)
    cos, sin = np.cos(theta), np.sin(theta)
    a_env = amplitude * envelope
    d_u = a_env * (-u / sx**2 * carrier - 2 * np.pi * freq * sine)
    d_v = a_env * (-v / sy**2 * carrier)
    return np.column_stack(
        [
            envelope * carrier,
            -cos * d_u + sin * d_v,
            -sin * d_u - cos * d_v,
            v * d_u - u * d_v,
            a_env * carrier * u**2 / sx**3,
            a_env * carrier * v**2 / sy**3,
            -a_env * sine * 2 * np.pi * u,
            -a_env * sine,
            np.ones_like(u),
        ]
    )


def spectral_peaks(image, n_peaks=2, pad=4):
    """Strongest spatial frequencies of an image, from its zero-padded FFT.

    Parameters
    ----------
    image : ndarray of shape (height, width)
    n_peaks : int, default=2
        Number of peaks returned.
    pad : int, default=4
        Zero-padding factor, for a finer frequency grid.

    Returns
    -------
    peaks : list of (frequency, theta)
        Frequency in cycles per pixel and the direction of the wave vector,
        strongest first. Only one of each pair of mirror frequencies
        ``k, -k`` is listed.
    """
    h, w = image.shape
    shape = (pad * h, pad * w)
    power = np.abs(np.fft.fft2(image - image.mean(), s=shape)) ** 2
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.fftfreq(shape[1])[None, :]
    # Keep the half-plane fx > 0 or (fx == 0 and fy >= 0): power is symmetric.
    half = (fx > 0) | ((fx == 0) & (fy >= 0))
    power = np.where(half, power, -1.0)
    peaks = []
    for index in np.argsort(power, axis=None)[::-1]:
        r, c = np.unravel_index(index, shape)
        freq, theta = np.hypot(fx[0, c], fy[r, 0]), np.arctan2(fy[r, 0], fx[0, c])
        if all(np.hypot(freq - f, theta - t) > 0.1 for f, t in peaks):
            peaks.append((freq, theta))
        if len(peaks) == n_peaks:
            break
    return peaks


def _energy_moments(image, x, y):
    energy = (image - image.mean()) ** 2
    total = energy.sum()
    if total == 0:
        return x.mean(), y.mean(), 1.0
    cx, cy = (energy * x).sum() / total, (energy * y).sum() / total
    radius = np.sqrt((energy * ((x - cx) ** 2 + (y - cy) ** 2)).sum() / total)
    return cx, cy, radius


def _linear_amplitude(image, x, y, guess):
    """Amplitude, phase and offset that best fit, the rest held fixed."""
    _, u, _, envelope, _, _ = _gabor_parts(guess, x, y)
    angle = 2 * np.pi * guess[6] * u
    design = np.column_stack(
        [envelope * np.cos(angle), -envelope * np.sin(angle), np.ones_like(u)]
    )
    (a, b, offset), *_ = np.linalg.lstsq(design, image, rcond=None)
    guess = guess.copy()
    guess[[0, 7, 8]] = np.hypot(a, b), np.arctan2(b, a), offset
    return guess


def starting_points(image, x, y):
    """Initial parameter vectors for the least-squares fit of one filter.

    The carrier comes from the two strongest peaks of the filter's 2-D
    spectrum, the centre from its energy centroid and the envelope from
    the spread of its energy (two sizes); amplitude, phase and offset are
    then solved for exactly, the model being linear in them.

    Parameters
    ----------
    image : ndarray of shape (n_pixels,)
        The filter, flattened.
    x, y : ndarray of shape (n_pixels,)
        Pixel coordinates.

    Returns
    -------
    starts : list of ndarray of shape (9,)
    """
    h, w = int(y.max()) + 1, int(x.max()) + 1
    cx, cy, radius = _energy_moments(image, x, y)
    starts = []
    for freq, theta in spectral_peaks(image.reshape(h, w)):
        for sigma in (0.6 * radius, 1.2 * radius):
            sigma = float(np.clip(sigma, 0.5, max(h, w) / 2))
            guess = np.array([1.0, cx, cy, theta, sigma, sigma, freq, 0.0, 0.0])
            starts.append(_linear_amplitude(image, x, y, guess))
    return starts


def _bounds(h, w):
    size = float(max(h, w))
    lower = np.array([-1.0, -1.0, MIN_SIGMA, MIN_SIGMA, 0.0])
    upper = np.array([w, h, size, size, NYQUIST])
    return lower, upper


# x0, y0, sigma_x, sigma_y and frequency are bounded; the fit works on
# unbounded variables q with p = lower + (upper - lower) (1 + sin q) / 2, so
# that MINPACK's fast unconstrained Levenberg-Marquardt can be used.
_BOUNDED = np.array([1, 2, 4, 5, 6])


def to_unbounded(params, bounds):
    """Map parameters to the fit's unbounded variables (see :func:`to_bounded`)."""
    lower, upper = bounds
    q = np.array(params, dtype=np.float64)
    # Starting on a bound, where dp/dq = 0, would freeze that parameter.
    scaled = np.clip(2 * (q[_BOUNDED] - lower) / (upper - lower) - 1, -0.98, 0.98)
    q[_BOUNDED] = np.arcsin(scaled)
    return q


def to_bounded(q, bounds):
    """Parameters from unbounded variables, and the derivatives ``dp/dq``.

    Parameters
    ----------
    q : ndarray of shape (9,)
    bounds : tuple of ndarray of shape (5,)
        Lower and upper bounds of ``x0, y0, sigma_x, sigma_y, frequency``.

    Returns
    -------
    params, dparams : ndarray of shape (9,)
    """
    lower, upper = bounds
    params, dparams = q.copy(), np.ones_like(q)
    half = (upper - lower) / 2
    params[_BOUNDED] = lower + half * (1 + np.sin(q[_BOUNDED]))
    dparams[_BOUNDED] = half * np.cos(q[_BOUNDED])
    return params, dparams


def canonical_params(params):
    """The same Gabor with amplitude >= 0, theta in [0, pi), phase in (-pi, pi].

    Parameters
    ----------
    params : ndarray of shape (9,)

    Returns
    -------
    params : ndarray of shape (9,)
    """
    amplitude, x0, y0, theta, sx, sy, freq, phase, offset = params
    if amplitude < 0:
        amplitude, phase = -amplitude, phase + np.pi
    turns, theta = divmod(theta, np.pi)
    if int(turns) % 2:
        # theta + pi flips u, so cos(2 pi f u + phase) needs -phase.
        phase = -phase
    phase = np.pi - (np.pi - phase) % (2 * np.pi)
    return np.array([amplitude, x0, y0, theta, sx, sy, freq, phase, offset])


def fit_one(image, x, y, bounds, max_nfev=50, good_r2=0.95):
    """Least-squares Gabor fit of one flattened filter from several starts.

    Parameters
    ----------
    image, x, y : ndarray of shape (n_pixels,)
    bounds : tuple of ndarray of shape (5,)
        Lower and upper bounds of ``x0, y0, sigma_x, sigma_y, frequency``.
    max_nfev : int, default=50
        Function evaluations allowed per start.
    good_r2 : float, default=0.95
        Skip the remaining starts once a fit is this good.

    Returns
    -------
    params : ndarray of shape (9,)
        Best parameters, in canonical form.
    r2 : float
        Coefficient of determination of the fit (``nan`` for a constant
        filter).
    """
    total = np.sum((image - image.mean()) ** 2)
    if total == 0:
        return np.full(9, np.nan), np.nan

    def residuals(q):
        return gabor(to_bounded(q, bounds)[0], x, y) - image

    def jacobian(q):
        params, dparams = to_bounded(q, bounds)
        return gabor_jacobian(params, x, y) * dparams

    best, best_cost = None, np.inf
    for start in starting_points(image, x, y):
        fit = least_squares(
            residuals,
            to_unbounded(start, bounds),
            jac=jacobian,
            method="lm",
            ftol=1e-6,
            xtol=1e-6,
            max_nfev=max_nfev,
        )
        if fit.cost < best_cost:
            best, best_cost = to_bounded(fit.x, bounds)[0], fit.cost
        if 1.0 - 2.0 * best_cost / total >= good_r2:
            break
    return canonical_params(best), 1.0 - 2.0 * best_cost / total


@dataclass
class GaborFit:
    """Per-filter result of :func:`gabor_fit`; every field has one entry per filter.

    Parameters
    ----------
    r2 : ndarray of shape (n_filters,)
        Coefficient of determination of the fit, ``1 - SS_res / SS_tot``
        (``nan`` for a constant filter).
    sigma : ndarray of shape (n_filters,)
        Envelope size in pixels, ``sqrt(sigma_x * sigma_y)``.
    sigma_x, sigma_y : ndarray of shape (n_filters,)
        Envelope standard deviations across and along the stripes.
    orientation : ndarray of shape (n_filters,)
        Direction of the carrier's wave vector, radians in ``[0, pi)``
        (0: vertical stripes, varying along x).
    frequency : ndarray of shape (n_filters,)
        Carrier frequency, cycles per pixel, in ``[0, 0.5]``.
    phase : ndarray of shape (n_filters,)
        Carrier phase at the centre, radians in ``(-pi, pi]``.
    x0, y0 : ndarray of shape (n_filters,)
        Centre of the envelope, pixels (column, row).
    amplitude, offset : ndarray of shape (n_filters,)
        Peak of the envelope (``>= 0``) and constant term.
    cycles : ndarray of shape (n_filters,)
        ``2 * sigma_x * frequency``: carrier cycles across the envelope's
        central ``+-sigma_x``.
    is_gabor : ndarray of bool of shape (n_filters,)
        ``r2 >= min_r2``, ``sigma >= min_sigma`` and ``cycles >=
        min_cycles``: the fit is good, and the filter is neither a spot
        (too small an envelope) nor a blob with no stripe (too few cycles).
    """

    r2: np.ndarray
    sigma: np.ndarray
    sigma_x: np.ndarray
    sigma_y: np.ndarray
    orientation: np.ndarray
    frequency: np.ndarray
    phase: np.ndarray
    x0: np.ndarray
    y0: np.ndarray
    amplitude: np.ndarray
    offset: np.ndarray
    cycles: np.ndarray
    is_gabor: np.ndarray

    def __len__(self):
        return len(self.r2)

    @property
    def fraction(self):
        """Fraction of the filters that are Gabor-like (``is_gabor``)."""
        return float(np.mean(self.is_gabor)) if len(self) else float("nan")

    def as_dict(self):
        """The fields as a dict of arrays, e.g. for ``pandas.DataFrame``.

        Returns
        -------
        table : dict of str to ndarray
            One entry per field, each with one value per filter.
        """
        return asdict(self)


def gabor_fit(
    components, patch_shape=None, *, min_r2=0.8, min_sigma=1.0, min_cycles=0.5
):
    """Fit a 2-D Gabor function to each filter by least squares.

    Each filter is fitted with :func:`scipy.optimize.least_squares` from four
    starting points (two spectral peaks times two envelope sizes, with the
    amplitude, phase and offset solved exactly for each) and the best fit is
    kept. The fitted model is described in the module docstring of
    ``skrbm._gabor``. The envelope widths are kept between 0.3 pixels and
    the patch side, the frequency between 0 and the Nyquist limit of 0.5
    cycles per pixel, and the centre within one pixel of the patch.

    Parameters
    ----------
    components : array-like of shape (n_filters, n_pixels)
        Filters as rows, e.g. ``GaussianRBM.components_``.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a filter; square by default.
    min_r2 : float, default=0.8
        Smallest coefficient of determination of a Gabor-like filter.
    min_sigma : float, default=1.0
        Smallest envelope size ``sqrt(sigma_x * sigma_y)``, in pixels, of a
        Gabor-like filter: single-pixel spots fit a Gabor well, with a
        tiny envelope.
    min_cycles : float, default=0.5
        Smallest ``2 * sigma_x * frequency`` of a Gabor-like filter: at
        least half a cycle of the carrier must lie within the envelope, so
        that a plain blob does not count.

    Returns
    -------
    fit : GaborFit
        Per-filter arrays (``r2``, ``sigma``, ``orientation``,
        ``frequency``, ``is_gabor``, ...) and the ``fraction`` of Gabor-like
        filters.

    See Also
    --------
    gabor_fraction : Just the fraction of Gabor-like filters.
    skrbm.metrics.localization : A cheaper, shape-agnostic measure.

    References
    ----------
    J. Jones and L. Palmer, "An evaluation of the two-dimensional Gabor
    filter model of simple receptive fields in cat striate cortex", Journal
    of Neurophysiology 58(6), 1987.

    Examples
    --------
    An odd Gabor (an edge) at orientation 0.5 and 0.2 cycles per pixel,
    and a single-pixel spot:

    >>> import numpy as np
    >>> from skrbm.metrics import gabor_fit
    >>> y, x = np.indices((8, 8)).reshape(2, -1) - 3.5
    >>> u = x * np.cos(0.5) + y * np.sin(0.5)  # across the stripes
    >>> v = -x * np.sin(0.5) + y * np.cos(0.5)  # along the stripes
    >>> envelope = np.exp(-(u**2) / (2 * 1.5**2) - v**2 / (2 * 2.0**2))
    >>> edge = -envelope * np.sin(2 * np.pi * 0.2 * u)
    >>> spot = np.eye(1, 64, 27)
    >>> fit = gabor_fit(np.vstack([edge, spot]))
    >>> fit.is_gabor
    array([ True, False])
    >>> round(float(fit.orientation[0]), 2), round(float(fit.frequency[0]), 2)
    (0.5, 0.2)
    """
    F = as_filters(components, patch_shape)
    h, w = F.shape[1:]
    y, x = np.indices((h, w)).reshape(2, -1).astype(np.float64)
    bounds = _bounds(h, w)
    results = [fit_one(f.ravel(), x, y, bounds) for f in F]
    params = np.array([p for p, _ in results]).reshape(-1, 9)
    r2 = np.array([r for _, r in results])
    columns = dict(zip(PARAMETER_NAMES, params.T, strict=True))
    sigma = np.sqrt(columns["sigma_x"] * columns["sigma_y"])
    cycles = 2 * columns["sigma_x"] * columns["frequency"]
    with np.errstate(invalid="ignore"):
        is_gabor = (r2 >= min_r2) & (sigma >= min_sigma) & (cycles >= min_cycles)
    return GaborFit(
        r2=r2,
        sigma=sigma,
        sigma_x=columns["sigma_x"],
        sigma_y=columns["sigma_y"],
        orientation=columns["theta"],
        frequency=columns["frequency"],
        phase=columns["phase"],
        x0=columns["x0"],
        y0=columns["y0"],
        amplitude=columns["amplitude"],
        offset=columns["offset"],
        cycles=cycles,
        is_gabor=is_gabor,
    )


def gabor_fraction(components, patch_shape=None, **criteria):
    """Fraction of the filters that are Gabor-like.

    Parameters
    ----------
    components : array-like of shape (n_filters, n_pixels)
        Filters as rows, e.g. ``GaussianRBM.components_``.
    patch_shape : tuple of int, optional
        ``(height, width)`` of a filter; square by default.
    **criteria
        ``min_r2``, ``min_sigma``, ``min_cycles``, passed to
        :func:`gabor_fit`.

    Returns
    -------
    fraction : float
        Share of filters with ``is_gabor`` True.

    Examples
    --------
    >>> import numpy as np
    >>> from skrbm.metrics import gabor_fraction
    >>> noise = np.random.RandomState(0).standard_normal((10, 64))
    >>> gabor_fraction(noise)
    0.0
    """
    return gabor_fit(components, patch_shape, **criteria).fraction
