"""
=======================================
Weight decay: none, L1 and L2 filters
=======================================

The weight-decay study of skrbm's reference experiment: three
Gaussian-Bernoulli RBMs with 100 hidden units, trained on 8x8 grey patches
of natural photos, with no weight decay, L1 decay (``alpha=0.01``) and L2
decay (``alpha=0.1``). Each hidden unit's weights form an 8x8 *filter*;
the grids show all 100 of them, each scaled so that mid grey is 0.

To keep the documentation build fast this runs **100 epochs** instead of
the reference's 1000 (5000 patches, batch 100, learning rate 0.01,
momentum 0.9, as in the reference). The qualitative picture is already
there after 100 epochs; the filters sharpen with more.
"""

# %%
# Data: 5000 standardized 8x8 patches
# ------------------------------------
# :func:`~skrbm.datasets.load_natural_patches` cuts the patches from the
# two photos that ship with scikit-learn and standardizes every pixel
# position to mean 0 and standard deviation 1, as the Gaussian visible
# units (fixed unit variance) require.
import matplotlib.pyplot as plt
import numpy as np

from skrbm import GaussianRBM
from skrbm.datasets import load_natural_patches
from skrbm.metrics import localization, roughness, zero_fraction
from skrbm.plotting import plot_components

X = load_natural_patches(5000, patch_size=8, random_state=0)
print(X.shape)

# %%
# Three RBMs
# ----------
# Only the penalty differs. The decay strength is multiplied by the
# learning rate in the update, like the gradient.
settings = {
    "no decay": {"penalty": None},
    "L1, alpha=0.01": {"penalty": "l1", "alpha": 0.01},
    "L2, alpha=0.1": {"penalty": "l2", "alpha": 0.1},
}
rbms = {
    name: GaussianRBM(
        n_components=100,
        learning_rate=0.01,
        momentum=0.9,
        batch_size=100,
        n_iter=100,
        random_state=0,
        **params,
    ).fit(X)
    for name, params in settings.items()
}

# %%
# The filters
# -----------
# No decay gives noisy, unstructured filters. L1 gives sparse, localised
# "spots": most weights are exactly zero (the blue-grey background is the
# gap between tiles; a zero weight is mid grey). L2 gives smooth,
# low-frequency filters.
fig, axes = plt.subplots(1, 3, figsize=(11, 4), layout="constrained")
for ax, (name, rbm) in zip(axes, rbms.items(), strict=True):
    plot_components(rbm, title=name, ax=ax)
plt.show()

# %%
# The same in numbers
# -------------------
# The :ref:`filter metrics <filter-metrics>` make the comparison
# quantitative: the fraction of weights that are exactly zero, roughness
# (summed squared neighbour differences over the filter's energy; noise
# scores about 4) and localization (1 for a single-pixel spot, 0 for a
# filter spread evenly). All-zero filters are skipped by the means.
header = ("", "zero fraction", "roughness", "localization", "MSE")
print("{:16} {:>14} {:>10} {:>13} {:>7}".format(*header))
for name, rbm in rbms.items():
    W = rbm.components_
    print(
        f"{name:16} {zero_fraction(W).mean():14.3f} "
        f"{np.nanmean(roughness(W)):10.3f} {np.nanmean(localization(W)):13.3f} "
        f"{-rbm.score(X):7.4f}"
    )

# %%
# The last column is the reconstruction MSE of the training patches
# (minus :meth:`~skrbm.GaussianRBM.score`). Decay costs reconstruction
# accuracy: it trades fidelity for simpler weights. How much to trade is
# a choice; :ref:`sphx_glr_auto_examples_plot_tune_decay.py` lets
# cross-validation make it.
#
# With L1, a weight stays exactly zero while its gradient is smaller than
# ``alpha``: skrbm applies the penalty as a soft-threshold step after each
# momentum update (see :ref:`weight-decay`), which is why the zero
# fraction is a real count and not a tolerance.
