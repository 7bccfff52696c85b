"""
================================
Is my RBM a good density model?
================================

:meth:`GaussianRBM.score <skrbm.GaussianRBM.score>` is minus the
reconstruction error: it says how well the hidden layer *encodes* a patch.
An RBM is also a probability model, and
:meth:`GaussianRBM.log_likelihood <skrbm.GaussianRBM.log_likelihood>` says
how probable held-out patches are under it, in nats. This example follows
both during training, beside the samples the model draws, and compares the
likelihood with two Gaussian baselines.

To keep the documentation build fast it trains 36 hidden units for 40
epochs on 2000 patches, and runs AIS with 1000 temperatures.
"""

# %%
# Data and baselines
# ------------------
# The scaler is fitted on the training patches only. The likelihoods below
# are in standardized units; the two Gaussians give the scale: independent
# standard normal pixels, and a Gaussian with the training patches' full
# covariance (:class:`~sklearn.covariance.EmpiricalCovariance`).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.covariance import EmpiricalCovariance
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm.datasets import load_natural_patches
from skrbm.metrics import log_partition

X = load_natural_patches(2500, standardize=False, random_state=0)
scaler = StandardScaler().fit(X[:2000])
X_train, X_test = scaler.transform(X[:2000]), scaler.transform(X[2000:])

white = -0.5 * np.mean(np.sum(X_test**2, axis=1)) - 32 * np.log(2 * np.pi)
gaussian = EmpiricalCovariance().fit(X_train).score(X_test)
print(f"N(0, I):                  {white:7.1f} nats per patch")
print(f"full-covariance Gaussian: {gaussian:7.1f} nats per patch")

# %%
# Training, measured along the way
# --------------------------------
# With 36 hidden units the partition function is estimated by annealed
# importance sampling (:func:`~skrbm.metrics.log_partition`). Its
# ``estimate`` underestimates ``log Z`` in expectation and ``upper``
# overestimates it, so the log-likelihood lies between ``-F - upper`` and
# about ``-F - estimate``.
rbm = GaussianRBM(36, random_state=0)
checkpoints = [1, 2, 5, 10, 20, 40]
rows = []
for epoch in range(1, checkpoints[-1] + 1):
    rbm.partial_fit(X_train)
    if epoch in checkpoints:
        log_z = log_partition(rbm, n_temperatures=1000, random_state=0)
        ll = rbm.log_likelihood(X_test, log_partition=log_z).mean()
        rows.append((epoch, -rbm.score(X_test), ll, ll + log_z.estimate - log_z.upper))
        print(
            f"epoch {epoch:2d}: test MSE {rows[-1][1]:.3f}, log-likelihood "
            f"{rows[-1][2]:.1f} nats (conservative {rows[-1][3]:.1f})"
        )

# %%
# Reconstruction error and likelihood side by side
# ------------------------------------------------
epochs, mse, ll, ll_low = np.array(rows).T
fig, (ax_mse, ax_ll) = plt.subplots(1, 2, figsize=(9, 3.5))
ax_mse.plot(epochs, mse, "o-")
ax_mse.set(xscale="log", xlabel="epoch", ylabel="test reconstruction MSE")
ax_ll.fill_between(epochs, ll_low, ll, alpha=0.3, label="AIS bracket")
ax_ll.plot(epochs, ll, "o-", label="RBM (AIS estimate)")
ax_ll.axhline(white, color="grey", linestyle=":", label="N(0, I)")
ax_ll.set(xscale="log", xlabel="epoch", ylabel="test log-likelihood (nats)")
ax_ll.legend(loc="lower right", fontsize="small")
fig.tight_layout()

# %%
# Both measures improve with training, but they need not move together: a
# checkpoint with a lower reconstruction error can have a lower likelihood.
# The full-covariance Gaussian is far above the plot (printed above). With
# its visible variance fixed at one, the RBM gives every standardized pixel
# unit noise around its reconstruction, while the pixels of a natural
# patch share most of their variance: a second-order model describes them
# much better. A good code (low reconstruction error) is not a good
# density model.
#
# Samples
# -------
# 1000 Gibbs steps from noise (bottom rows), beside test patches (top
# rows), on one grey scale from -3 (black) to +3 (white). The samples show
# what the model believes patches look like: unit noise on every pixel
# hides whatever structure the hidden units add.
samples = rbm.sample(16, n_steps=1000, random_state=0)
print(f"data:    mean {X_test.mean():+.2f}, std {X_test.std():.2f}")
print(f"samples: mean {samples.mean():+.2f}, std {samples.std():.2f}")
fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
for ax, patch in zip(axes.flat, np.concatenate([X_test[:16], samples]), strict=True):
    ax.imshow(patch.reshape(8, 8), cmap="gray", vmin=-3, vmax=3)
    ax.set(xticks=[], yticks=[])
axes[0, 0].set_title("test patches", loc="left")
axes[2, 0].set_title("model samples", loc="left")
plt.show()
