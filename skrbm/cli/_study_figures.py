"""The study's pictures, written as PNG files."""

import math

import numpy as np

from ..plotting import plot_loss_curves, plot_patches, plot_reconstructions
from ._images import filter_image, new_figure, save_figure, save_image


def samples_figure(X_val, samples, sample_steps):
    """Validation patches beside samples of each RBM, on one grey scale.

    Grey is symmetric about zero (mid grey is exactly 0, black and white
    the largest absolute value of the validation patches shown), the same
    for every panel so that contrast compares; samples beyond it are
    clipped.

    Parameters
    ----------
    X_val : ndarray of shape (n_samples, n_pixels)
        Validation patches, standardized.
    samples : dict of str to ndarray of shape (n_tiles, n_pixels)
        Penalty name to samples of its RBM. The picture shows the largest
        square number of patches that every panel has.
    sample_steps : int
        Gibbs steps behind the samples, for the title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    n_tiles = min(len(X_val), *(len(s) for s in samples.values()))
    n_tiles = math.isqrt(n_tiles) ** 2
    panels = {"validation patches": np.asarray(X_val[:n_tiles])}
    panels.update({f"{name} RBM": s[:n_tiles] for name, s in samples.items()})
    limit = float(np.abs(panels["validation patches"]).max())
    fig = new_figure(figsize=(2.6 * len(panels), 3.2), layout="constrained")
    for ax, (label, patches) in zip(
        fig.subplots(1, len(panels)), panels.items(), strict=True
    ):
        plot_patches(patches, vmax=limit, ax=ax)
        summary = f"mean {np.mean(patches):+.2f}, std {np.std(patches):.2f}"
        ax.set_title(f"{label}\n{summary}", fontsize="medium")
    fig.suptitle(
        f"RBM samples (with their unit Gaussian noise) after {sample_steps} "
        f"Gibbs steps from noise, one chain each\nOne grey scale for all: "
        f"black -{limit:.2f}, mid grey 0, white +{limit:.2f} (standardized "
        f"units, clipped)",
        fontsize="medium",
    )
    return fig


def write_figures(result, out):
    """Filter grids, loss curves, reconstructions and samples of a study."""
    paths = []
    for name, (rbm, refiner) in result["models"].items():
        if rbm is None:
            continue
        for suffix, model in (("", rbm), ("_refined", refiner)):
            path = out / f"filters_{name}{suffix}.png"
            save_image(path, filter_image(model.components_))
            paths.append(path)
    fig = new_figure(figsize=(11, 4), layout="constrained")
    rbm_ax, refine_ax = fig.subplots(1, 2)
    rbms = {n: m[0] for n, m in result["models"].items() if m[0] is not None}
    refined = {n: m[1] for n, m in result["models"].items()}
    plot_loss_curves(rbms, title="RBM (CD-1, sampled hiddens)", ax=rbm_ax)
    plot_loss_curves(refined, title="autoencoder refinement", ax=refine_ax)
    paths.append(out / "loss_curves.png")
    save_figure(fig, paths[-1], dpi=100)
    reconstructions = {}
    for name, (rbm, refiner) in result["models"].items():
        if rbm is not None:
            reconstructions[f"{name} RBM"] = rbm
        reconstructions[f"{name} refined"] = refiner
    fig = plot_reconstructions(result["X_val"], reconstructions)
    paths.append(out / "reconstructions.png")
    save_figure(fig, paths[-1], dpi=80)
    fig = samples_figure(
        result["X_val"], result["samples"], result["config"].sample_steps
    )
    paths.append(out / "samples.png")
    save_figure(fig, paths[-1], dpi=100)
    return paths
