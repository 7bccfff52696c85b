"""Edge filters and held-out likelihood: the edge recipe against its baselines.

For each seed, the edge recipe's 20000 training patches are cut from the
photos that ship with scikit-learn exactly as ``run_edges`` and ``python -m
skrbm edges --seed SEED`` cut them (``load_natural_patches(20000,
random_state=seed)``), and 5000 test patches are drawn anew
(``random_state=seed + 100``). Every model sees the data the
edge recipe's RBM sees: ZCA-whitened (per-patch mean removed) and scaled to
a common per-patch RMS, both fitted on the training patches. The script
prints, per seed and averaged over the seeds,

* the share of Gabor-like filters (:func:`skrbm.metrics.gabor_fit`) of the
  edge recipe (``edges_recipe()``, learned visible variances), of the
  unit-variance recipe it replaced (the same with ``learn_variance=False``),
  of FastICA's unmixing filters on the same (whitened, scaled) patches
  (``ica``) and of FastICA on its own standard preprocessing, the
  mean-removed pixel patches (``ica, pixels``: ``fit_ica`` of
  ``edges_heldout.py`` beside this file, 63 components,
  ``whiten="unit-variance"``), the fair comparison for the filters;
* the held-out log-likelihood in nats per patch of the two RBMs (AIS), of a
  full-covariance Gaussian and of ICA with a Laplace source prior.

**Where the densities live.** Removing each patch's mean leaves the data
in the 63-dimensional subspace of zero-sum patches, where a Gaussian or
ICA fitted to them is nondegenerate. All four densities are therefore
compared on that subspace, in orthonormal coordinates ``u = Q x``. The
Gaussian and ICA are fitted there. The RBM's density ``p(x)`` is one on
all 64 dimensions; its marginal on the subspace is
``p(u) = p(x) / p(t = 0 | u)``, ``t`` the coordinate along the constant
patch. Given ``h``, ``t`` and ``u`` are jointly Gaussian, so ``t | u, h``
is normal with variance ``s^2 = 1 / mean(1 / sigma^2)`` and a mean
``m_h`` linear in ``h``; Bayes' rule gives
``1 / p(t = 0 | u) = E[sqrt(2 pi s^2) exp(m_h^2 / (2 s^2))]`` over the
exact factorial posterior ``h ~ p(h | x)``, estimated from
``--posterior-draws`` draws per patch. The correction is printed; it is a
few hundredths of a nat when the filters carry no constant component.
``--check`` compares it, on a 4-pixel model whose filters do carry one,
with the marginal integrated numerically along the constant direction.

Run on a shared machine with::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 \\
        python experiments/edges_variance.py [--seeds 0 1 2]

About a minute per seed on a 2-core machine.
"""

import argparse
import time

import numpy as np
from edges_heldout import fit_ica  # FastICA on mean-removed pixel patches
from scipy.linalg import null_space
from scipy.stats import multivariate_normal
from sklearn.decomposition import FastICA

from skrbm.datasets import load_natural_patches
from skrbm.edges import edges_recipe, make_edges_pipeline
from skrbm.metrics import gabor_fit, log_partition

N_TRAIN, N_TEST, TEST_SEED_OFFSET = 20000, 5000, 100

#: Continue the fitted recipe with PCD, no sparsity target, for
#: :data:`CALIBRATION_EPOCHS` epochs (``partial_fit``): the CD-1 recipe
#: with its strong sparsity target learns the filters but a poor density.
CALIBRATION = {
    "persistent": True,
    "sparsity_target": None,
    "learning_rate": 0.003,
    "momentum": 0.5,
    "variance_rate": 1.0,
}
CALIBRATION_EPOCHS = 20


def zero_sum_basis(n_features):
    """Orthonormal rows spanning the patches whose pixels sum to zero."""
    return null_space(np.ones((1, n_features))).T


def subspace_correction(rbm, X, n_draws, rng):
    """``-log p(t = 0 | u)`` per row of ``X`` (see the module docstring).

    Parameters
    ----------
    rbm : GaussianRBM
        Fitted, on data whose rows sum to zero.
    X : ndarray of shape (n_samples, n_features)
        Rows summing to zero, in the RBM's input units.
    n_draws : int
        Draws of ``h ~ p(h | x)`` per row.
    rng : numpy.random.Generator

    Returns
    -------
    correction : ndarray of shape (n_samples,)
        Add it to the RBM's log-likelihood to get the subspace's.
    """
    W = rbm.components_.astype(np.float64)
    b = rbm.intercept_visible_.astype(np.float64)
    sigma = np.sqrt(rbm.visible_variance_.astype(np.float64))
    n_features = W.shape[1]
    # t = sum(x) / sqrt(n); its conditional given u and h has precision
    # sum(1 / sigma^2) / n and mean s^2 / sqrt(n) * sum((mu_h - x) / sigma^2)
    s2 = n_features / np.sum(1.0 / sigma**2)
    offset = ((b - X) / sigma**2).sum(axis=1)
    gain = W @ (1.0 / sigma)
    P = rbm.transform(X).astype(np.float64)
    correction = np.empty(X.shape[0])
    for i, (p, a) in enumerate(zip(P, offset, strict=True)):
        h = rng.random((n_draws, p.size)) < p
        m = s2 / np.sqrt(n_features) * (a + h @ gain)
        log_mean = np.logaddexp.reduce(m**2 / (2 * s2)) - np.log(n_draws)
        correction[i] = 0.5 * np.log(2 * np.pi * s2) + log_mean
    return correction


def check_correction(n_draws=200000):
    """Print the subspace log-likelihood two ways for a tiny model.

    ``log p(x) + correction`` (:func:`subspace_correction`) against
    ``log`` of the integral of ``p(x + t e)`` over ``t`` (quadrature), for
    five zero-sum points of a 4-pixel, 3-unit model with learned variances
    and filters given a constant component.
    """
    from scipy.integrate import quad

    from skrbm import GaussianRBM

    rng = np.random.RandomState(0)
    X = rng.standard_normal((500, 4))
    X -= X.mean(axis=1, keepdims=True)
    rbm = GaussianRBM(3, n_iter=30, learn_variance=True, random_state=0)
    rbm.fit(X)
    rbm.components_ += 0.3
    log_z = log_partition(rbm, method="exact")
    e = np.ones(4) / 2.0
    points = X[:5]
    full = rbm.log_likelihood(points, log_partition=log_z)
    corrected = full + subspace_correction(
        rbm, points, n_draws, np.random.default_rng(0)
    )
    for x, value in zip(points, corrected, strict=True):

        def density(t, x=x):
            return np.exp(rbm.log_likelihood((x + t * e)[None], log_partition=log_z)[0])

        integral, _ = quad(density, -30, 30, limit=200)
        print(f"quadrature {np.log(integral):9.5f}   correction {value:9.5f}")


def rbm_log_likelihood(rbm, X, seed, n_draws):
    """Held-out log-likelihood of ``rbm`` on the zero-sum subspace, per row."""
    log_z = log_partition(rbm, method="ais", random_state=seed)
    full = rbm.log_likelihood(X, log_partition=log_z)
    rng = np.random.default_rng(seed)
    return full + subspace_correction(rbm, X, n_draws, rng), log_z


def ica_laplace(U_train, seed):
    """FastICA on ``U_train`` and its Laplace-prior log-density.

    Returns
    -------
    ica : FastICA
        Fitted; ``components_`` is the square unmixing matrix ``A``.
    log_density : callable
        ``U -> sum_i log Laplace(s_i; 0, b_i) + log |det A|`` with
        ``s = A (u - mean)`` and ``b_i`` the training mean of ``|s_i|`` (the
        maximum-likelihood scale).
    """
    ica = FastICA(
        n_components=U_train.shape[1],
        whiten="unit-variance",
        max_iter=1000,
        tol=1e-4,
        random_state=seed,
    ).fit(U_train)
    scale = np.mean(np.abs(ica.transform(U_train)), axis=0)
    log_det = np.linalg.slogdet(ica.components_)[1]

    def log_density(U):
        S = ica.transform(U)
        return np.sum(-np.log(2 * scale) - np.abs(S) / scale, axis=1) + log_det

    return ica, log_density


def measure(rbm, Z_test, seed, n_draws, seconds):
    """Gabor fraction, held-out log-likelihood and its parts, as a dict."""
    ll, log_z = rbm_log_likelihood(rbm, Z_test, seed, n_draws)
    return {
        "gabor": gabor_fit(rbm.components_, (8, 8)).fraction,
        "ll": float(np.mean(ll)),
        "correction": float(
            np.mean(ll - rbm.log_likelihood(Z_test, log_partition=log_z))
        ),
        "ais_gap": log_z.upper - log_z.lower,
        "seconds": seconds,
    }


def run_seed(seed, n_draws, rbm_params):
    """Fractions and held-out log-likelihoods of one seed, as a dict."""
    X_train, X_test = (
        load_natural_patches(n, standardize=False, random_state=state).astype(
            np.float32
        )
        for n, state in [(N_TRAIN, seed), (N_TEST, seed + TEST_SEED_OFFSET)]
    )
    out = {}
    recipes = {
        "recipe": {**rbm_params},
        "unit recipe": {**rbm_params, "learn_variance": False},
    }
    for name, params in recipes.items():
        start = time.perf_counter()
        pipe = make_edges_pipeline(random_state=seed, **params).fit(X_train)
        seconds = time.perf_counter() - start
        rbm = pipe["rbm"]
        Z_train = pipe[:-1].transform(X_train)
        Z_test = pipe[:-1].transform(X_test).astype(np.float64)
        out[name] = measure(rbm, Z_test, seed, n_draws, seconds)
        start = time.perf_counter()
        rbm.set_params(**CALIBRATION)
        for _ in range(CALIBRATION_EPOCHS):
            rbm.partial_fit(Z_train)
        seconds = time.perf_counter() - start
        out[f"{name} + PCD"] = measure(rbm, Z_test, seed, n_draws, seconds)
    Z_train = Z_train.astype(np.float64)
    Q = zero_sum_basis(Z_train.shape[1])
    U_train, U_test = Z_train @ Q.T, Z_test @ Q.T
    gaussian = multivariate_normal(U_train.mean(axis=0), np.cov(U_train.T, bias=True))
    out["gaussian"] = {"ll": float(np.mean(gaussian.logpdf(U_test)))}
    ica, ica_log_density = ica_laplace(U_train, seed)
    out["ica"] = {
        "gabor": gabor_fit(ica.components_ @ Q, (8, 8)).fraction,
        "ll": float(np.mean(ica_log_density(U_test))),
    }
    pixels = fit_ica(X_train.astype(np.float64), seed)
    out["ica, pixels"] = {"gabor": gabor_fit(pixels, (8, 8)).fraction}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--posterior-draws", type=int, default=500)
    parser.add_argument(
        "--check", action="store_true", help="check the subspace correction only"
    )
    args = parser.parse_args()
    if args.check:
        check_correction()
        return
    rbm_params = edges_recipe()["rbm"]
    rows = []
    for seed in args.seeds:
        result = run_seed(seed, args.posterior_draws, rbm_params)
        rows.append(result)
        print(f"seed {seed}:", flush=True)
        for name, figures in result.items():
            text = ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
            print(f"  {name:18s} {text}", flush=True)
    print(f"mean over seeds {args.seeds}:")
    for name in rows[0]:
        text = ", ".join(
            f"{key} {np.mean([row[name][key] for row in rows]):.3f}"
            for key in rows[0][name]
        )
        print(f"  {name:18s} {text}")


if __name__ == "__main__":
    main()
