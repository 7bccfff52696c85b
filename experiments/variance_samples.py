"""Samples of the learned-variance GaussianRBM beside natural patches.

Trains, on the standardized 8x8 natural patches of ``variance_check.py``
(5000 training patches, seed 0), a unit-variance GaussianRBM with the
defaults and learned-variance GaussianRBMs (the recipe of the likelihood
page, the recipe at a lower learning rate for longer, and the recipe with
momentum 0.5), draws Gibbs
samples from each, prints how patch-like the samples are and saves a
figure of data patches beside samples.

The samples are the visible states that :meth:`skrbm.GaussianRBM.sample`
returns (with their Gaussian noise), not mean visible states, except in
the rows and the panel marked "means of p(v | h)". Every panel
of the figure uses one grey scale, -3 (black) to +3 (white) in
standardized units.

Measures, computed on each set of patches (rows of the table):

``std``
    Standard deviation of each pixel over the patches, averaged over the
    64 pixels (the data's is 1 by construction).
``h-corr``
    Correlation of horizontally adjacent pixels, averaged over the 56
    pairs.
``top-5``
    Share of the patches' total variance along the top 5 principal
    components of the *data's* covariance.
``kurt``
    Excess kurtosis of a pixel, averaged over the pixels (0 for a
    Gaussian).
``kurt-diff``
    Excess kurtosis of the difference of two horizontally adjacent
    pixels, averaged over the pairs: the edges of natural images make it
    heavy-tailed.

With 14 hidden units the model's distribution can be sampled exactly (the
``2^14`` hidden states are enumerated), which says whether the Gibbs
chains have reached it.

Run it from the repository root (about 3.5 minutes on one core)::

    python experiments/variance_samples.py [--out FILE]

``--out`` is where the figure goes, ``docs/_static/variance_samples.png``
by default.
"""

import argparse
import time
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from _figures import save_figure
from scipy.special import logsumexp
from scipy.stats import kurtosis
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from variance_check import RECIPE  # the learned-variance recipe, beside this file

from skrbm import GaussianRBM
from skrbm.datasets import load_natural_patches
from skrbm.plotting import plot_patches

OUT = Path(__file__).resolve().parents[1] / "docs" / "_static" / "variance_samples.png"

#: The recipe at PCD's default learning rate, trained three times longer.
SLOW = {**RECIPE, "learning_rate": 0.001}
#: The recipe with momentum 0.5 instead of 0.9.
CALM = {**RECIPE, "momentum": 0.5}

N_SAMPLES = 1000  # samples (and chains) per row of the table
VMAX = 3.0  # grey scale of every panel
N_SHOWN = 36  # patches per panel


def load():
    """The 5000 standardized training patches of variance_check.py."""
    raw = load_natural_patches(6000, standardize=False)[:5000]
    return StandardScaler().fit_transform(raw)


def principal_directions(X, k=5):
    """The top ``k`` eigenvectors of the covariance of ``X``, as columns."""
    _, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
    return vectors[:, ::-1][:, :k]


def measure(S, top):
    """std, h-corr, top-5, kurt and kurt-diff of patches ``S`` (one per row)."""
    S = np.asarray(S, dtype=np.float64)
    images = S.reshape(-1, 8, 8)
    left = images[:, :, :-1].reshape(len(S), -1)
    right = images[:, :, 1:].reshape(len(S), -1)
    a, b = left - left.mean(axis=0), right - right.mean(axis=0)
    h_corr = np.mean((a * b).mean(axis=0) / (a.std(axis=0) * b.std(axis=0)))
    cov = np.cov(S, rowvar=False)
    return {
        "std": S.std(axis=0).mean(),
        "h-corr": h_corr,
        "top-5": np.trace(top.T @ cov @ top) / np.trace(cov),
        "kurt": kurtosis(S, axis=0).mean(),
        "kurt-diff": kurtosis(left - right, axis=0).mean(),
    }


def exact_samples(rbm, n_samples, seed):
    """Independent samples of a small RBM: ``h ~ p(h)``, then ``v ~ p(v | h)``.

    In the units ``u = v / sigma`` the model is a unit-variance RBM with
    visible bias ``b / sigma``, whose hidden marginal is
    ``log p(h) = c.h + (b / sigma).(h W) + |h W|^2 / 2 - const``.
    """
    rng = np.random.default_rng(seed)
    W, c = rbm.components_, rbm.intercept_hidden_
    sigma = np.sqrt(rbm.visible_variance_)
    b = rbm.intercept_visible_ / sigma
    n_hidden = W.shape[0]
    states = (np.arange(2**n_hidden)[:, None] >> np.arange(n_hidden)) & 1
    U = states @ W
    log_p = states @ c + U @ b + 0.5 * np.einsum("ij,ij->i", U, U)
    p = np.exp(log_p - logsumexp(log_p))
    h = rng.choice(len(p), size=n_samples, p=p)
    V = U[h] + b + rng.standard_normal((n_samples, W.shape[1]))
    return V * sigma, p.max()


def persistent_samples(rbm, seed):
    """``v ~ p(v | h)`` for the hidden states of the PCD chains (one per chain)."""
    rng = np.random.default_rng(seed)
    sigma = np.sqrt(rbm.visible_variance_)
    mean = rbm.intercept_visible_ + sigma * (rbm.h_samples_ @ rbm.components_)
    return mean + sigma * rng.standard_normal(mean.shape)


def mean_states(rbm, S, seed):
    """Means of ``p(v | h)`` for ``h ~ p(h | v)`` drawn at the samples ``S``.

    The chains' next half step, without the visible noise: what the hidden
    units make of each sample.
    """
    rng = np.random.default_rng(seed)
    H = rng.random((len(S), rbm.n_components)) < rbm.transform(S)
    return rbm.inverse_transform(H.astype(np.float64))


def fit(n_components, n_iter, seed, X, **params):
    """Fit a GaussianRBM; also say whether training stopped on divergence."""
    rbm = GaussianRBM(n_components, n_iter=n_iter, random_state=seed, **params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        rbm.fit(X)
    diverged = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    note = f"diverged at epoch {rbm.n_iter_ + 1}" if diverged else f"{n_iter} epochs"
    if rbm.learn_variance:
        note += f", mean variance {rbm.visible_variance_.mean():.2f}"
    return rbm, note


def main(out):
    start = time.perf_counter()
    X = load()
    top = principal_directions(X)
    rows, shown = [], {}

    def row(name, S):
        rows.append((name, measure(S, top)))
        print(f"{name:70s} " + _format(rows[-1][1]), flush=True)

    header = f"{'patches':70s} " + " ".join(
        f"{k:>9s}" for k in ("std", "h-corr", "top-5", "kurt", "kurt-diff")
    )
    print(header)
    row("data (5000 standardized training patches)", X)
    shown["data: training patches"] = X

    unit, _ = fit(100, 100, 0, X)
    S = unit.sample(N_SAMPLES, n_steps=1000, random_state=1)
    row("unit variance, defaults, 100 hidden: noise, 1000", S)
    shown["unit variance (defaults)"] = S

    lv, note = fit(100, 100, 0, X, **RECIPE)
    print(f"  recipe, 100 hidden, seed 0: {note}")
    S = lv.sample(N_SAMPLES, n_steps=1000, random_state=1)
    row("learned variance, recipe, 100 hidden: noise, 1000", S)
    shown["learned variance, recipe"] = S
    row(
        "  same model: noise, 10000",
        lv.sample(N_SAMPLES, n_steps=10000, random_state=2),
    )
    row(
        "  same model: from data, 1000",
        lv.sample(N_SAMPLES, n_steps=1000, init=X[:N_SAMPLES], random_state=3),
    )
    row(
        "  same model: from data, 10000",
        lv.sample(N_SAMPLES, n_steps=10000, init=X[:N_SAMPLES], random_state=4),
    )
    row("  same model: its 100 persistent chains", persistent_samples(lv, 5))
    for seed in (1, 2):
        other, note = fit(100, 100, seed, X, **RECIPE)
        row(
            f"  seed {seed} ({note}): noise, 1000",
            other.sample(N_SAMPLES, n_steps=1000, random_state=1),
        )

    small, note = fit(14, 100, 0, X, **RECIPE)
    print(f"  recipe, 14 hidden, seed 0: {note}")
    row(
        "learned variance, recipe, 14 hidden: noise, 1000",
        small.sample(N_SAMPLES, n_steps=1000, random_state=1),
    )
    row(
        "  same model: from data, 1000",
        small.sample(N_SAMPLES, n_steps=1000, init=X[:N_SAMPLES], random_state=3),
    )
    S, mass = exact_samples(small, N_SAMPLES, 6)
    row(f"  same model: exact, top hidden state {mass:.2f} of the mass", S)
    for seed in range(1, 5):
        other, note = fit(14, 100, seed, X, **RECIPE)
        S, mass = exact_samples(other, N_SAMPLES, 6)
        row(f"  seed {seed} ({note}): exact, top state {mass:.2f}", S)

    slow, note = fit(100, 300, 0, X, **SLOW)
    print(f"  lr 0.001, 300 epochs, 100 hidden, seed 0: {note}")
    S = slow.sample(N_SAMPLES, n_steps=1000, random_state=1)
    row("learned variance, lr 0.001, 300 epochs, 100 hidden: noise, 1000", S)
    shown["learned variance, lr 0.001, 300 epochs"] = S
    row(
        "  same model: noise, 10000",
        slow.sample(N_SAMPLES, n_steps=10000, random_state=2),
    )
    row(
        "  same model: from data, 10000",
        slow.sample(N_SAMPLES, n_steps=10000, init=X[:N_SAMPLES], random_state=4),
    )
    for seed in (1, 2):
        other, note = fit(100, 300, seed, X, **SLOW)
        row(
            f"  seed {seed} ({note}): noise, 10000",
            other.sample(N_SAMPLES, n_steps=10000, random_state=2),
        )

    for seed in (0, 1, 2):
        calm, note = fit(100, 100, seed, X, **CALM)
        S = calm.sample(N_SAMPLES, n_steps=1000, random_state=1)
        M = mean_states(calm, S, 7)
        row(f"learned variance, momentum 0.5, seed {seed} ({note}): noise, 1000", S)
        row("  their means of p(v | h)", M)
        if seed == 0:
            shown["learned variance, momentum 0.5"] = S
            shown["the same: means of p(v | h)"] = M
    row(
        "data: means of p(v | h) of the momentum-0.5 model, seed 2",
        mean_states(calm, X, 8),
    )

    figure(shown, out)
    print(f"figure: {out}; {time.perf_counter() - start:.0f} s")


def _format(m):
    return " ".join(f"{m[k]:9.3f}" if k != "kurt-diff" else f"{m[k]:9.2f}" for k in m)


def figure(shown, out):
    fig, axes = plt.subplots(1, len(shown), figsize=(2.8 * len(shown), 3.4))
    for ax, (title, S) in zip(axes, shown.items(), strict=True):
        plot_patches(S[:N_SHOWN], n_cols=6, vmax=VMAX, ax=ax)
        ax.set_title(title, fontsize=9)
    fig.suptitle(
        "Standardized 8x8 patches. Samples: visible states (noise included) after "
        "1000 Gibbs steps from noise, 100 hidden units, seed 0; last panel: "
        "the means of p(v | h) at the next hidden state of the same chains.\n"
        f"One grey scale in every panel: -{VMAX:g} black, +{VMAX:g} white.",
        fontsize=9,
    )
    fig.tight_layout()
    save_figure(fig, out, dpi=100)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="figure file")
    main(parser.parse_args().out)
