"""BinaryRBM: its CD step, partition function, sampler and training on digits."""

import itertools
import warnings

import numpy as np
import pytest
from _helpers import cd_gradient, central_differences
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, logsumexp
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import BernoulliRBM

import skrbm._kernels
import skrbm._units
from skrbm import BinaryRBM
from skrbm._kernels import CDWorkspace, Gradient
from skrbm._likelihood import log_unnormalized as _log_unnormalized
from skrbm._units import BINARY
from skrbm.metrics import log_likelihood, log_partition

free_energy = BINARY.free_energy
log_partition_exact = BINARY.log_partition_exact
sample_hidden_exact = BINARY.sample_hidden_exact


def log_unnormalized(X, W, b, c):
    return _log_unnormalized(X, W, b, c, units=BINARY)


def tiny_model(n_features=4, n_components=3, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 1.0, (n_components, n_features))
    return W, rng.normal(0, 1.0, n_features), rng.normal(0, 1.0, n_components)


def states(n_bits):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n_bits)))


def neg_energies(V, H, W, b, c):
    """``-E(v, h) = b.v + c.h + v.W^T h`` for every pair of rows."""
    return (V @ b)[:, None] + (H @ c)[None, :] + V @ W.T @ H.T


@pytest.fixture(scope="module")
def digits():
    """Digits scaled to [0, 1]: (train, test), 1500 and 297 images."""
    X = load_digits().data / 16
    order = np.random.RandomState(0).permutation(len(X))
    return X[order[:1500]], X[order[1500:]]


@pytest.fixture(params=["small", "large"])
def model_size(request, monkeypatch):
    """Run a test on both code paths of the CD step (see SMALL_MODEL_SIZE)."""
    if request.param == "large":
        monkeypatch.setattr(skrbm._kernels, "SMALL_MODEL_SIZE", 0)
    return request.param


# --- energies and the partition function --------------------------------------


def test_free_energy_matches_brute_force_sum_over_hidden_states():
    W, b, c = tiny_model()
    V = np.random.RandomState(1).rand(5, 4)
    expected = -logsumexp(neg_energies(V, states(3), W, b, c), axis=1)
    assert_allclose(free_energy(V, W, b, c), expected, rtol=1e-12)


@pytest.mark.parametrize("block_entries", [None, 8])
@pytest.mark.parametrize("n_components", [1, 3, 6])
def test_exact_log_partition_matches_brute_force(
    n_components, block_entries, monkeypatch
):
    if block_entries is not None:
        # blocks of two hidden states: the blocked sum, many times over
        monkeypatch.setattr(skrbm._units, "_BLOCK_ENTRIES", block_entries)
    W, b, c = tiny_model(4, n_components, seed=n_components)
    brute_force = logsumexp(neg_energies(states(4), states(n_components), W, b, c))
    assert log_partition_exact(W, b, c) == pytest.approx(brute_force, rel=1e-12)


def test_probabilities_of_every_binary_vector_sum_to_one():
    # two prototypes, [1, 1, 1, 0, 0, 0] and its complement, 5% of bits flipped
    rng = np.random.RandomState(0)
    half = np.repeat(rng.randint(2, size=(200, 1)), 3, axis=1)
    X = np.abs(np.c_[half, 1 - half] - (rng.rand(200, 6) < 0.05))
    rbm = BinaryRBM(4, n_iter=50, batch_size=10, learning_rate=0.1, random_state=0)
    log_p = rbm.fit(X).log_likelihood(states(6))
    assert np.exp(log_p).sum() == pytest.approx(1.0, rel=1e-12)
    # the data's entropy is 1.9 nats; independent pixels give 4.2
    assert rbm.log_likelihood(X).mean() > -2.2


@pytest.fixture(scope="module")
def rbm12(digits):
    return BinaryRBM(12, n_iter=10, random_state=0).fit(digits[0])


@pytest.mark.parametrize("seed", [0, 1])
def test_ais_brackets_the_exact_log_partition(rbm12, seed):
    exact = log_partition(rbm12, method="exact").estimate
    ais = log_partition(rbm12, method="ais", n_temperatures=1000, random_state=seed)
    assert ais.lower <= exact <= ais.upper
    # measured: forward and reverse AIS within 0.001 nats of the exact value
    assert abs(ais.estimate - exact) < 0.01
    assert abs(ais.reverse - exact) < 0.01


# --- the CD step ------------------------------------------------------------------


def test_cd1_step_uses_visible_probabilities(model_size):
    W, b, c = tiny_model()
    v0 = np.random.RandomState(2).rand(6, 4)
    ws = CDWorkspace(6, 4, 3, None, np.float64)
    out = Gradient(np.empty_like(W), np.empty_like(b), np.empty_like(c))
    sse, _ = cd_gradient(v0, W, b, c, np.random.default_rng(7), ws, out, units=BINARY)

    rng = np.random.default_rng(7)
    h0 = expit(v0 @ W.T + c)
    hs = (rng.random(h0.shape, dtype=np.float32) < h0).astype(float)
    v1 = expit(hs @ W + b)
    h1 = expit(v1 @ W.T + c)
    assert_allclose(out.W, (h0.T @ v0 - h1.T @ v1) / 6, rtol=1e-12)
    assert_allclose(out.b, (v0 - v1).mean(axis=0), rtol=1e-12)
    assert_allclose(out.c, (h0 - h1).mean(axis=0), rtol=1e-12)
    assert sse == pytest.approx(np.sum((v0 - v1) ** 2), rel=1e-12)


def test_pcd_step_samples_binary_visibles(model_size):
    W, b, c = tiny_model()
    v0 = np.random.RandomState(3).rand(5, 4)
    chains = np.zeros((8, 3))
    ws = CDWorkspace(5, 4, 3, 8, np.float64)
    out = Gradient(np.empty_like(W), np.empty_like(b), np.empty_like(c))
    rng = np.random.default_rng(11)
    cd_gradient(v0, W, b, c, rng, ws, out, chains=chains, units=BINARY)

    rng = np.random.default_rng(11)
    h0 = expit(v0 @ W.T + c)
    rng.random(h0.shape, dtype=np.float32)  # the reconstruction-error draw
    p_v = expit(np.zeros((8, 3)) @ W + b)
    v_neg = (rng.random(p_v.shape, dtype=np.float32) < p_v).astype(float)
    h_neg = expit(v_neg @ W.T + c)
    expected_chains = (rng.random(h_neg.shape, dtype=np.float32) < h_neg).astype(float)
    assert_array_equal(chains, expected_chains)
    assert_allclose(out.W, h0.T @ v0 / 5 - h_neg.T @ v_neg / 8, rtol=1e-12)
    assert_allclose(out.b, v0.mean(0) - v_neg.mean(0), rtol=1e-12)


def mean_log_likelihood(X, W, b, c):
    return np.mean(log_unnormalized(X, W, b, c)) - log_partition_exact(W, b, c)


@pytest.mark.parametrize("seed", [1, 2])
def test_pcd_gradient_from_exact_chains_matches_the_exact_log_likelihood(seed):
    W, b, c = tiny_model(seed=seed)
    model = {"W": W, "b": b, "c": c}
    rng = np.random.default_rng(seed)
    # probabilities, not binary vectors: the data CD sees in a stack
    X = rng.random((50, 4)) ** 3
    # PCD chains holding exact samples of p(h): one step of the kernel
    # then draws v ~ p(v | h), exact model samples, for the negative phase
    chains = sample_hidden_exact(W, b, c, 400_000, rng)
    ws = CDWorkspace(50, 4, 3, len(chains), np.float64)
    out = Gradient(np.empty_like(W), np.empty_like(b), np.empty_like(c))
    cd_gradient(X, W, b, c, rng, ws, out, chains=chains, units=BINARY)
    for name in ("b", "c", "W"):
        exact = central_differences(
            lambda **params: mean_log_likelihood(X, **params), model, name
        )
        assert np.abs(exact).max() > 0.1, name  # a gradient worth checking
        # Monte Carlo error of 400k model samples: about 0.001
        assert_allclose(getattr(out, name), exact, atol=0.005, err_msg=name)


# --- the estimator ----------------------------------------------------------------


def test_methods_are_the_binary_conditionals(digits):
    X = digits[1][:20]
    rbm = BinaryRBM(8, n_iter=2, random_state=0).fit(digits[0])
    W, b, c = rbm.components_, rbm.intercept_visible_, rbm.intercept_hidden_
    H = rbm.transform(X)
    assert_allclose(H, expit(X @ W.T + c), rtol=1e-12)
    assert_allclose(rbm.inverse_transform(H), expit(H @ W + b), rtol=1e-12)
    assert_allclose(rbm.free_energy(X), free_energy(X, W, b, c), rtol=1e-12)
    assert set(np.unique(rbm.gibbs(X))) == {0.0, 1.0}


def test_visible_bias_starts_at_the_logit_of_the_clipped_base_rate():
    X = np.array([[0.0, 1.0, 0.5], [0.0, 1.0, 0.25]] * 10)
    rbm = BinaryRBM(2, n_iter=1, learning_rate=1e-12, random_state=0).fit(X)
    rate = np.array([1e-3, 1 - 1e-3, 0.375])
    assert_allclose(rbm.intercept_visible_, np.log(rate / (1 - rate)), rtol=1e-6)


def test_matches_or_beats_scikit_learns_bernoulli_rbm_on_digits(digits):
    X_train, X_test = digits
    # BernoulliRBM's defaults; BernoulliRBM has no momentum
    settings = dict(learning_rate=0.1, batch_size=10, n_iter=10, random_state=0)
    theirs = BernoulliRBM(16, **settings).fit(X_train)
    ours = BinaryRBM(16, momentum=0.0, **settings).fit(X_train)
    ll_theirs = log_likelihood(theirs, X_test).mean()
    ll_ours = ours.log_likelihood(X_test).mean()
    # measured, seeds 0-3: -25.18 against -26.30 nats on average, and
    # better on every seed (here -25.10 against -26.86)
    assert ll_ours >= ll_theirs + 0.5
    # a tenth of the rate with momentum 0.9, the same effective step:
    # measured -25.14 on average over seeds 0-3 (at 0.1 with momentum 0.9,
    # a step ten times as large: -26.44, worse than BernoulliRBM)
    tuned = BinaryRBM(16, **{**settings, "learning_rate": 0.01}).fit(X_train)
    assert tuned.log_likelihood(X_test).mean() >= ll_theirs + 0.5


def test_l1_gives_exact_zeros(digits):
    fits = {
        penalty: BinaryRBM(
            16, penalty=penalty, alpha=0.01, n_iter=10, random_state=0
        ).fit(digits[0])
        for penalty in (None, "l1")
    }
    assert np.mean(fits[None].components_ == 0) == 0
    assert np.mean(fits["l1"].components_ == 0) > 0.3


@pytest.mark.parametrize("persistent", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(digits, dtype, persistent):
    X = digits[1].astype(dtype)
    rbm = BinaryRBM(4, n_iter=2, persistent=persistent, random_state=0).fit(X)
    outputs = {
        "components_": rbm.components_,
        "intercept_visible_": rbm.intercept_visible_,
        "transform": rbm.transform(X),
        "inverse_transform": rbm.inverse_transform(rbm.transform(X)),
        "free_energy": rbm.free_energy(X),
        "gibbs": rbm.gibbs(X),
        "sample": rbm.sample(3, n_steps=2, random_state=0),
    }
    for name, array in outputs.items():
        assert array.dtype == dtype, name


@pytest.mark.parametrize("persistent", [False, True])
def test_fit_equals_repeated_partial_fit(digits, persistent):
    X = digits[1]
    params = dict(n_iter=3, persistent=persistent, random_state=0)
    fitted = BinaryRBM(6, **params).fit(X)
    partial = BinaryRBM(6, **params)
    for _ in range(3):
        partial.partial_fit(X)
    assert_array_equal(partial.components_, fitted.components_)
    assert_array_equal(partial.intercept_visible_, fitted.intercept_visible_)
    assert partial.loss_curve_ == fitted.loss_curve_


def test_samples_have_the_pixel_means_of_the_data(digits):
    X_train = digits[0]
    rbm = BinaryRBM(16, n_iter=30, persistent=True, random_state=0).fit(X_train)
    samples = rbm.sample(1000, n_steps=200, random_state=0)
    assert set(np.unique(samples)) == {0.0, 1.0}
    difference = np.abs(samples.mean(axis=0) - X_train.mean(axis=0))
    # measured: 0.009 on average over the 64 pixels, 0.03 at most
    assert difference.mean() < 0.02
    assert difference.max() < 0.08


def test_gibbs_samples_follow_the_exact_distribution():
    W, b, c = tiny_model(4, 3, seed=4)
    rbm = BinaryRBM(3, n_iter=1, random_state=0).fit(states(4))
    rbm.components_, rbm.intercept_visible_, rbm.intercept_hidden_ = W, b, c
    samples = rbm.sample(20_000, n_steps=50, init=np.zeros((2000, 4)), random_state=0)
    codes = samples @ 2.0 ** np.arange(3, -1, -1)
    frequencies = np.bincount(codes.astype(int), minlength=16) / len(samples)
    exact = np.exp(rbm.log_likelihood(states(4)))
    # 20k samples (10 per chain, thinned): binomial errors below 0.004
    assert_allclose(frequencies, exact, atol=0.015)


def test_real_valued_input_is_accepted_and_documented():
    # scikit-learn's checks need it (see the class docstring)
    X = np.random.RandomState(0).standard_normal((40, 5))
    rbm = BinaryRBM(3, n_iter=2, random_state=0).fit(X)
    assert np.isfinite(rbm.components_).all()
    assert "accepts any real values" in " ".join(BinaryRBM.__doc__.split())


def test_divergence_restores_the_model_and_advises_scaling_to_the_unit_interval():
    # binary units run away only on astronomically large data (see Notes)
    X = np.random.RandomState(0).rand(40, 6) * 1e300
    rbm = BinaryRBM(3, n_iter=20, batch_size=8, learning_rate=1e10, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rbm.fit(X)
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert len(messages) == 1
    assert messages[0].startswith("BinaryRBM diverged at epoch 1")
    assert "scale each feature to [0, 1]" in messages[0]
    assert rbm.n_iter_ == 0
    assert np.isfinite(rbm.components_).all()
