"""Density models of natural image patches under the protocol of the literature.

The protocol of Theis et al. (2011) and Melchior et al. (2017): 8x8 grey
patches with intensities in [0, 1], ``log(x + 0.01)``, each patch's mean
(DC) removed, whitened on the training patches (PCA or ZCA) into the 63
dimensions that remain, and the held-out log-likelihood in nats per patch
in that 63-dimensional whitened space. The script builds the patch sets,
fits the baselines itself and prints one table per set.

**Photos.** Training photos (the *tuning* photos less the two held aside):
scikit-learn's ``china`` and ``flower`` (:func:`sklearn.datasets.
load_sample_images`) and scikit-image's ``camera``, ``coffee`` and
``brick``. Held aside for checks of generalisation: ``rocket`` and
``grass``. Evaluation photos: natural photographs of ``skimage.data`` that
are neither tuning photos nor another kind of image (see ``EVALUATION`` and
``EXCLUDED`` below for the list and the reasons). Colour is turned into
luminance (``skimage.color.rgb2gray``); every photo is in [0, 1].
``--dequantize`` adds uniform noise of one 8-bit step first, to see how
much of a result comes from the photos' 256 levels.

**Patch sets** (each drawn with its own fixed seed, the same number of
patches from every photo of the set):

* ``train``: ``--n-train`` patches from the training photos, inside the
  training blocks of each photo (the photo is cut into 32x32 blocks, and a
  fixed random fifth of the blocks is kept for testing);
* ``same photos``: ``--n-test`` patches from the held-out blocks of the
  training photos (no pixel shared with a training patch);
* ``held-aside``: ``--n-test`` patches from the two held-aside tuning
  photos, anywhere in them;
* ``evaluation``: ``--n-test`` patches from the evaluation photos.

**Models**, all fitted on the whitened training patches:

* the Gaussian: whitened training data have zero mean and unit covariance
  (maximum-likelihood estimates), so the fitted Gaussian is ``N(0, I)`` and
  scores exactly ``-31.5 ln(2 pi e) = -89.39`` nats on ``train``;
* ICA: :class:`sklearn.decomposition.FastICA` (63 components, on the
  already white data), ``log p(x) = log|det W| + sum_i log p_i(s_i)``,
  ``s = W x``, with Laplace marginals (mean 0, scale fitted by maximum
  likelihood, ``mean |s_i|``) or generalised-Gaussian marginals
  (:data:`scipy.stats.gennorm`, mean 0, shape and scale fitted per component
  by maximum likelihood);
* a quick GaussianRBM with learned variances, scored with AIS
  (:func:`skrbm.metrics.log_partition`): its row gives the nats per patch
  at the AIS estimate of ``log Z`` and, in brackets, the range the AIS
  bracket ``[lower, upper]`` allows;
* any other model through :func:`evaluate` or ``--model MODULE:FUNCTION``.

The column ``share`` is ``(model - gaussian) / (ica - gaussian)``, the share
of ICA's gain over the Gaussian that a model makes, against ICA with
Laplace marginals (``share L``) and with generalised-Gaussian marginals
(``share GG``).

The figure (``--out``) shows the sparse-coding dictionary
(:class:`sklearn.decomposition.MiniBatchDictionaryLearning`, 64 atoms,
``alpha=1``, on the whitened training patches) as basis functions in pixel
space, and the ICA filters (rows of the unmixing matrix, mapped back to
pixel space) and ICA basis functions.

Run from the repository root, with scikit-image installed (the
``experiments`` extra: ``pip install -e ".[experiments]"``), on a shared
machine with::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python experiments/density_protocol.py

References: L. Theis, S. Gerwinn, F. Sinz and M. Bethge, "In all
likelihood, deep belief is not enough", JMLR 12, 2011. J. Melchior, N.
Wang and L. Wiskott, "Gaussian-binary restricted Boltzmann machines for
modeling natural image statistics", PLoS ONE 12(2), 2017.
"""

import argparse
import ast
import importlib
import importlib.util
import math
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.stats import gennorm
from sklearn.datasets import load_sample_images
from sklearn.decomposition import FastICA, MiniBatchDictionaryLearning

PATCH = 8
EPSILON = 0.01
BLOCK = 32
TEST_FRACTION = 0.2

#: The tuning photos; the last two are held aside from training.
TUNING = ("china", "flower", "camera", "coffee", "brick", "rocket", "grass")
HELD_ASIDE = ("rocket", "grass")
TRAINING = tuple(name for name in TUNING if name not in HELD_ASIDE)

#: Natural photographs of ``skimage.data`` that are not tuning photos.
EVALUATION = ("astronaut", "chelsea", "coins", "moon", "gravel", "motorcycle")
#: Images of ``skimage.data`` left out of the evaluation set, and why.
EXCLUDED = {
    "cat": "the same photo as chelsea",
    "page": "a scanned page of text, not a natural scene",
    "text": "a photograph of printed lettering, not a natural scene",
    "clock": "a photograph blurred on purpose by a moving camera",
    "hubble_deep_field": "astronomy: mostly black sky with JPEG noise",
    "immunohistochemistry": "microscopy of stained tissue",
    "retina": "a medical fundus image, half of it black surround",
    "cell": "microscopy",
    "colorwheel": "synthetic",
    "eagle, lily, skin, kidney, ...": "need a download (pooch), not installed",
}

GAUSSIAN_TRAIN = -31.5 * math.log(2 * math.pi * math.e)


def load_photo(name, rng=None):
    """A photo as a grey float64 array with values in [0, 1].

    With a generator ``rng``, each 8-bit value ``k`` of the photo becomes
    ``(k + u) / 256``, ``u`` uniform on [0, 1) (dequantization), before the
    conversion to grey.
    """
    if name in ("china", "flower"):
        bunch = load_sample_images()
        image = next(
            image
            for image, path in zip(bunch.images, bunch.filenames, strict=True)
            if Path(path).stem == name
        )
    else:
        from skimage import data

        image = data.stereo_motorcycle()[0] if name == "motorcycle" else None
        if image is None:
            image = getattr(data, name)()
    from skimage.color import rgb2gray
    from skimage.util import img_as_float

    if rng is not None:
        assert image.dtype == np.uint8, name
        image = (image + rng.uniform(size=image.shape)) / 256
    image = rgb2gray(image[..., :3]) if image.ndim == 3 else img_as_float(image)
    return np.clip(image, 0.0, 1.0)


def block_split(shape, rng):
    """Top-left corners of the training and the held-out 32x32 blocks."""
    corners = np.array(
        [
            (r, c)
            for r in range(0, shape[0] - BLOCK + 1, BLOCK)
            for c in range(0, shape[1] - BLOCK + 1, BLOCK)
        ]
    )
    order = rng.permutation(len(corners))
    n_test = round(TEST_FRACTION * len(corners))
    return corners[order[n_test:]], corners[order[:n_test]]


def draw_patches(image, corners, n, rng):
    """``n`` patches, each inside one of the blocks at ``corners``."""
    block = corners[rng.integers(len(corners), size=n)]
    offset = rng.integers(BLOCK - PATCH + 1, size=(n, 2))
    top, left = (block + offset).T
    rows = top[:, None, None] + np.arange(PATCH)[None, :, None]
    cols = left[:, None, None] + np.arange(PATCH)[None, None, :]
    return image[rows, cols].reshape(n, PATCH * PATCH)


def whole_photo(image):
    """Corners of a grid of blocks covering the photo (with overlap at its end)."""
    rows = np.arange(0, image.shape[0] - BLOCK + 1, BLOCK)
    cols = np.arange(0, image.shape[1] - BLOCK + 1, BLOCK)
    rows = np.unique(np.append(rows, image.shape[0] - BLOCK))
    cols = np.unique(np.append(cols, image.shape[1] - BLOCK))
    return np.array([(r, c) for r in rows for c in cols])


def patch_sets(n_train, n_test, seed, dequantize=False):
    """The four patch sets, as ``{name: (patches, photo of each patch)}``."""
    split_rng = np.random.default_rng(seed)
    noise_rng = np.random.default_rng(seed + 5) if dequantize else None
    photos = {name: load_photo(name, noise_rng) for name in TUNING + EVALUATION}
    split = {name: block_split(photos[name].shape, split_rng) for name in TRAINING}

    def draw(names, n, set_seed, corners_of):
        rng = np.random.default_rng(set_seed)
        counts = np.full(len(names), n // len(names))
        counts[: n % len(names)] += 1
        X = np.vstack(
            [
                draw_patches(photos[name], corners_of(name), k, rng)
                for name, k in zip(names, counts, strict=True)
            ]
        )
        return X, np.repeat(np.array(names), counts)

    return {
        "train": draw(TRAINING, n_train, seed + 1, lambda name: split[name][0]),
        "same photos": draw(TRAINING, n_test, seed + 2, lambda name: split[name][1]),
        "held-aside": draw(
            HELD_ASIDE, n_test, seed + 3, lambda name: whole_photo(photos[name])
        ),
        "evaluation": draw(
            EVALUATION, n_test, seed + 4, lambda name: whole_photo(photos[name])
        ),
    }


class Whitening:
    """``log(x + 0.01)``, DC removal and whitening into the 63 non-DC dimensions.

    PCA whitening ``z = D^-1/2 E^T (x - m)``, ``E`` the 63 leading
    eigenvectors of the (maximum-likelihood) covariance of the log,
    DC-removed training patches and ``D`` their eigenvalues; ZCA rotates
    ``z`` back into the coordinates of an orthonormal basis of the zero-sum
    patches. Either way the training data have zero mean and the identity
    as covariance.
    """

    def __init__(self, kind="pca"):
        self.kind = kind

    @staticmethod
    def _log_dc(X):
        X = np.log(X + EPSILON)
        return X - X.mean(axis=1, keepdims=True)

    def fit(self, X):
        Y = self._log_dc(X)
        self.mean_ = Y.mean(axis=0)
        Y = Y - self.mean_
        values, vectors = np.linalg.eigh(Y.T @ Y / len(Y))
        order = np.argsort(values)[::-1]
        self.dropped_variance_ = values[order[-1]]
        self.variances_ = values[order[:-1]]
        self.vectors_ = vectors[:, order[:-1]]
        if self.kind == "zca":
            basis = np.linalg.qr(np.eye(PATCH * PATCH) - 1.0 / PATCH**2)[0]
            basis = basis[:, : PATCH * PATCH - 1]  # orthonormal, zero-sum columns
            self.rotation_ = self.vectors_.T @ basis
        else:
            self.rotation_ = np.eye(len(self.variances_))
        return self

    def transform(self, X):
        Y = self._log_dc(X) - self.mean_
        return (Y @ self.vectors_ / np.sqrt(self.variances_)) @ self.rotation_

    def filters_to_pixels(self, W):
        """Rows ``w`` acting on whitened data as filters on the log pixels."""
        return (W @ self.rotation_.T / np.sqrt(self.variances_)) @ self.vectors_.T

    def basis_to_pixels(self, A):
        """Rows ``a`` in whitened space as basis functions in log pixels."""
        return (A @ self.rotation_.T * np.sqrt(self.variances_)) @ self.vectors_.T


def gaussian_log_density(Z):
    return -0.5 * (Z**2).sum(axis=1) - 0.5 * Z.shape[1] * math.log(2 * math.pi)


class ICADensity:
    """Linear ICA with Laplace or generalised-Gaussian marginals."""

    def __init__(self, seed):
        self.seed = seed

    def fit(self, Z):
        tic = time.perf_counter()
        self.ica_ = FastICA(
            whiten=False, max_iter=2000, tol=1e-5, random_state=self.seed
        ).fit(Z)
        self.unmixing_ = self.ica_.components_
        self.log_det_ = np.linalg.slogdet(self.unmixing_)[1]
        S = Z @ self.unmixing_.T
        self.ica_seconds_ = time.perf_counter() - tic
        self.laplace_scale_ = np.abs(S).mean(axis=0)
        self.laplace_seconds_ = time.perf_counter() - tic
        tic = time.perf_counter()
        fits = [gennorm.fit(s, floc=0) for s in S.T]
        self.gg_shape_ = np.array([beta for beta, _, _ in fits])
        self.gg_scale_ = np.array([scale for _, _, scale in fits])
        self.gg_seconds_ = self.ica_seconds_ + time.perf_counter() - tic
        return self

    def laplace(self, Z):
        S = Z @ self.unmixing_.T
        b = self.laplace_scale_
        return self.log_det_ + (-np.log(2 * b) - np.abs(S) / b).sum(axis=1)

    def generalised_gaussian(self, Z):
        S = Z @ self.unmixing_.T
        logpdf = gennorm.logpdf(S, self.gg_shape_, 0.0, self.gg_scale_)
        return self.log_det_ + logpdf.sum(axis=1)


def isotropic_student_t(Z_train, seed):
    """A hook example (``--model experiments/density_protocol.py:...``).

    The multivariate Student t with an isotropic shape ``c I``, ``nu`` and
    ``c`` fitted by maximum likelihood: an elliptical model, whose only
    departure from the Gaussian is a spread of contrast (of ``|z|``).
    """
    from scipy.optimize import minimize
    from scipy.special import gammaln

    d = Z_train.shape[1]

    def log_density(Z, log_nu, log_c):
        nu, c = np.exp(log_nu), np.exp(log_c)
        r2 = (Z**2).sum(axis=1)
        return (
            gammaln((nu + d) / 2)
            - gammaln(nu / 2)
            - d / 2 * np.log(nu * np.pi * c)
            - (nu + d) / 2 * np.log1p(r2 / (nu * c))
        )

    def loss(theta):
        return -log_density(Z_train, *theta).mean()

    log_nu, log_c = minimize(loss, np.log([5.0, 0.6]), method="Nelder-Mead").x
    note = f"nu = {np.exp(log_nu):.3f}, c = {np.exp(log_c):.3f}"
    return (lambda Z: log_density(Z, log_nu, log_c)), note


class Row:
    """One model's row: a log density and what the table says about its fit."""

    def __init__(self, name, log_density, seconds, seed, offsets=None, note=""):
        self.name, self.log_density = name, log_density
        self.seconds, self.seed, self.note = seconds, seed, note
        #: ``(low, high)`` added to the nats per patch: the AIS bracket
        self.offsets = offsets


def evaluate(model_log_density, sets, name, seconds=float("nan"), seed=None, **kw):
    """Score ``model_log_density`` (whitened patches -> nats per patch) on ``sets``.

    Parameters
    ----------
    model_log_density : callable
        Maps an array of whitened patches of shape (n, 63) to the log
        density of each, in nats.
    sets : dict
        ``{set name: whitened patches}``.
    name : str
        The row's label.
    seconds, seed : float, int
        Fit time and seed, for the table.
    **kw
        ``offsets=(low, high)`` (nats added at the two ends of a bracket of
        the normalizer) and ``note``, passed to the row.

    Returns
    -------
    row : Row
        With ``scores``, ``{set name: per-patch log densities}``.
    """
    row = Row(name, model_log_density, seconds, seed, **kw)
    row.scores = {key: np.asarray(model_log_density(Z)) for key, Z in sets.items()}
    return row


def grbm_row(Z_train, sets, seed, params, base=None, n_temperatures=2000):
    """A GaussianRBM, scored with AIS (``n_temperatures`` distributions).

    ``base`` holds the parameters ``params`` change: by default the quick
    model, 64 hidden units with learned variances and 20 epochs.
    """
    from skrbm import GaussianRBM
    from skrbm.metrics import log_likelihood, log_partition

    kwargs = {"n_components": 64, "learn_variance": True, "n_iter": 20}
    if base is not None:
        kwargs = dict(base)
    kwargs.update(params)
    kwargs.setdefault("random_state", seed)
    tic = time.perf_counter()
    rbm = GaussianRBM(**kwargs).fit(Z_train.astype(np.float32))
    fit_seconds = time.perf_counter() - tic
    tic = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log_z = log_partition(
            rbm, method="ais", n_temperatures=n_temperatures, random_state=seed
        )
    ais_seconds = time.perf_counter() - tic
    note = (
        f"log Z {log_z.estimate:.2f} [{log_z.lower:.2f}, {log_z.upper:.2f}]"
        f" width {log_z.upper - log_z.lower:.2f}, reverse {log_z.reverse:.2f},"
        f" AIS {ais_seconds:.0f} s"
    )
    if caught:
        note += "; " + "; ".join(str(w.message) for w in caught)
    label = f"GRBM({kwargs['n_components']}, " + ", ".join(
        f"{key}={value}"
        for key, value in kwargs.items()
        if key not in ("n_components", "random_state")
    )
    label += ")"
    if base is not None:
        label = f"GRBM, density_recipe({kwargs['n_components']})"
    row = evaluate(
        lambda Z: log_likelihood(rbm, Z, log_partition=log_z.estimate),
        sets,
        label,
        seconds=fit_seconds,
        seed=kwargs["random_state"],
        offsets=(log_z.estimate - log_z.upper, log_z.estimate - log_z.lower),
        note=note,
    )
    row.model = rbm
    return row


def external_row(spec, Z_train, sets, seed):
    """``MODULE:FUNCTION`` or ``FILE.py:FUNCTION``, called as ``f(Z_train, seed)``.

    The function returns a callable log density of whitened patches (and
    optionally a note, as a pair).
    """
    where, function = spec.rsplit(":", 1)
    if where.endswith(".py"):
        loader = importlib.util.spec_from_file_location(Path(where).stem, where)
        module = importlib.util.module_from_spec(loader)
        loader.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    tic = time.perf_counter()
    result = getattr(module, function)(Z_train, seed)
    seconds = time.perf_counter() - tic
    log_density, note = result if isinstance(result, tuple) else (result, "")
    return evaluate(log_density, sets, function, seconds, seed, note=note)


def print_tables(rows, sets, labels, per_photo=False):
    gaussian, laplace, gg = (row.scores for row in rows[:3])
    for key in sets:
        n = len(sets[key])
        print(f"\n== {key}: {n} patches, nats per patch (63-dim whitened space) ==")
        print(
            f"{'model':44s} {'mean':>8s} {'s.e.':>5s} {'share L':>8s}"
            f" {'share GG':>8s} {'fit s':>6s} {'seed':>4s}"
        )
        base, ica_l, ica_gg = (s[key].mean() for s in (gaussian, laplace, gg))
        for row in rows:
            scores = row.scores[key]
            mean, se = scores.mean(), scores.std(ddof=1) / math.sqrt(n)
            share_l = (mean - base) / (ica_l - base)
            share_gg = (mean - base) / (ica_gg - base)
            print(
                f"{row.name[:44]:44s} {mean:8.2f} {se:5.2f} {share_l:8.3f}"
                f" {share_gg:8.3f} {row.seconds:6.1f} {row.seed!s:>4s}"
            )
            if row.offsets is not None:
                low, high = mean + row.offsets[0], mean + row.offsets[1]
                print(f"{'  AIS bracket':44s} [{low:.2f}, {high:.2f}]")
        if per_photo:
            print("  per photo (mean nats per patch):")
            names = list(dict.fromkeys(labels[key]))
            print("  " + f"{'':44s}" + "".join(f"{name[:10]:>11s}" for name in names))
            for row in rows:
                means = [row.scores[key][labels[key] == name].mean() for name in names]
                print(
                    "  " + f"{row.name[:44]:44s}" + "".join(f"{m:11.2f}" for m in means)
                )


def draw_figure(path, whitening, ica, Z_train, seed, n_patches):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from _figures import save_figure

    from skrbm.plotting import plot_components

    subset = np.random.default_rng(seed).permutation(len(Z_train))[:n_patches]
    tic = time.perf_counter()
    dictionary = MiniBatchDictionaryLearning(
        n_components=64, alpha=1, random_state=seed
    ).fit(Z_train[subset])
    seconds = time.perf_counter() - tic
    print(
        f"\nsparse coding (MiniBatchDictionaryLearning, 64 atoms, alpha=1,"
        f" {len(subset)} whitened train patches, random_state={seed}):"
        f" {seconds:.1f} s, {dictionary.n_iter_} epochs"
    )
    panels = [
        (whitening.basis_to_pixels(dictionary.components_), "sparse coding: atoms"),
        (whitening.filters_to_pixels(ica.unmixing_), "ICA: filters"),
        (whitening.basis_to_pixels(ica.ica_.mixing_.T), "ICA: basis functions"),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.8), layout="constrained")
    for (components, title), ax in zip(panels, axes, strict=True):
        plot_components(components, patch_shape=(PATCH, PATCH), title=title, ax=ax)
    save_figure(fig, path)


def parse_params(items):
    params = {}
    for item in items:
        key, value = item.split("=", 1)
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=(
            "Baselines (Gaussian, ICA) and a GaussianRBM on 8x8 natural image "
            "patches under the protocol of Theis et al. 2011: log intensities, "
            "DC removed, whitened into 63 dimensions, nats per patch."
        )
    )
    parser.add_argument("--n-train", type=int, default=50000)
    parser.add_argument("--n-test", type=int, default=10000, help="patches per set")
    parser.add_argument(
        "--seed", type=int, default=0, help="patch sets, ICA, GRBM, AIS (default 0)"
    )
    parser.add_argument("--whitening", choices=("pca", "zca"), default="pca")
    parser.add_argument(
        "--dequantize",
        action="store_true",
        help="add uniform noise of one 8-bit step to the photos (off by default)",
    )
    parser.add_argument(
        "--grbm",
        nargs="*",
        metavar="KEY=VALUE",
        default=[],
        help="GaussianRBM keywords over n_components=64 learn_variance=True "
        "n_iter=20 (random_state defaults to --seed)",
    )
    parser.add_argument("--no-grbm", action="store_true", help="skip the GRBM row")
    parser.add_argument(
        "--recipe",
        type=int,
        action="append",
        default=[],
        metavar="N_COMPONENTS",
        help="add a row: GaussianRBM(**skrbm.density.density_recipe(N_COMPONENTS)) "
        "(random_state is --seed); repeatable",
    )
    parser.add_argument(
        "--ais-temperatures",
        type=int,
        default=2000,
        help="distributions on the AIS path of the GRBM rows (default %(default)s)",
    )
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="MODULE:FUNCTION",
        help="add a row: FUNCTION(Z_train, seed) returns a log density of "
        "whitened patches (MODULE may be a path to a .py file); repeatable",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("docs/_static/density_protocol_filters.png"),
        help="the filter picture (default: %(default)s)",
    )
    parser.add_argument("--no-figure", action="store_true")
    parser.add_argument(
        "--dictionary-patches",
        type=int,
        default=10000,
        help="random training patches the sparse coding is fitted on "
        "(default %(default)s; it is the slowest step)",
    )
    parser.add_argument("--per-photo", action="store_true", help="means per photo")
    args = parser.parse_args(argv)

    print("training photos:", ", ".join(TRAINING))
    print("held-aside tuning photos:", ", ".join(HELD_ASIDE))
    print("evaluation photos:", ", ".join(EVALUATION))
    if args.dequantize:
        print("dequantized: (k + u) / 256 for each 8-bit value k, u ~ U[0, 1)")
    tic = time.perf_counter()
    raw = patch_sets(args.n_train, args.n_test, args.seed, args.dequantize)
    whitening = Whitening(args.whitening).fit(raw["train"][0])
    sets = {key: whitening.transform(X) for key, (X, _) in raw.items()}
    labels = {key: photo for key, (_, photo) in raw.items()}
    print(
        f"patches and {args.whitening.upper()} whitening: "
        f"{time.perf_counter() - tic:.1f} s; variance along the dropped (DC) "
        f"direction {whitening.dropped_variance_:.1e}, smallest kept "
        f"{whitening.variances_[-1]:.1e}"
    )

    ica = ICADensity(args.seed).fit(sets["train"])
    print(
        f"FastICA: {ica.ica_.n_iter_} iterations, log|det W| = {ica.log_det_:.2e};"
        f" generalised-Gaussian shapes: median {np.median(ica.gg_shape_):.2f},"
        f" range {ica.gg_shape_.min():.2f}-{ica.gg_shape_.max():.2f}"
    )
    rows = [
        evaluate(gaussian_log_density, sets, "Gaussian", 0.0, None),
        evaluate(ica.laplace, sets, "ICA, Laplace marginals", ica.laplace_seconds_),
        evaluate(
            ica.generalised_gaussian,
            sets,
            "ICA, generalised-Gaussian marginals",
            ica.gg_seconds_,
        ),
    ]
    rows[1].seed = rows[2].seed = args.seed
    if not args.no_grbm:
        rows.append(
            grbm_row(
                sets["train"],
                sets,
                args.seed,
                parse_params(args.grbm),
                n_temperatures=args.ais_temperatures,
            )
        )
    for n_components in args.recipe:
        from skrbm.density import density_recipe

        base = density_recipe(n_components)
        rows.append(
            grbm_row(sets["train"], sets, args.seed, {}, base, args.ais_temperatures)
        )
    for spec in args.model:
        rows.append(external_row(spec, sets["train"], sets, args.seed))

    print(f"\nGaussian on train, -31.5 ln(2 pi e) = {GAUSSIAN_TRAIN:.2f}")
    print_tables(rows, sets, labels, per_photo=args.per_photo)
    for row in rows:
        if row.note:
            print(f"{row.name}: {row.note}")
    if not args.no_figure:
        draw_figure(
            args.out, whitening, ica, sets["train"], args.seed, args.dictionary_patches
        )


if __name__ == "__main__":
    main()
