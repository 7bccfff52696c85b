"""The numerical kernels, each checked alone against a direct computation."""

import itertools

import numpy as np
import pytest
from _helpers import cd_gradient
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, logsumexp

import skrbm._kernels
from skrbm._autoencoder import (
    AEGradient,
    AEWorkspace,
    backprop_gradient,
    cross_product,
    weight_order,
)
from skrbm._kernels import (
    CDWorkspace,
    Gradient,
    add_l2_gradient,
    add_sparsity_gradient,
    column_sum,
    l1_threshold,
    mean_hiddens,
    sample_bernoulli,
    sigmoid,
    soft_threshold,
    split_statistics,
    stacked_statistics,
    uniform16,
)
from skrbm._units import GAUSSIAN


def tiny_model(n_features=4, n_components=3, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    W = rng.normal(0, 0.5, (n_components, n_features)).astype(dtype)
    b = rng.normal(0, 0.3, n_features).astype(dtype)
    c = rng.normal(0, 0.3, n_components).astype(dtype)
    return W, b, c


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_matches_expit_without_overflow_warnings(dtype):
    x = np.linspace(-200, 200, 2001).astype(dtype)
    with np.errstate(all="raise"):
        got = sigmoid(x)
    assert got.dtype == dtype
    assert_allclose(got, expit(x), atol=2e-7 if dtype == np.float32 else 1e-15)


def test_free_energy_matches_brute_force_sum_over_hidden_states():
    W, b, c = tiny_model()
    V = np.random.RandomState(1).standard_normal((5, 4))
    # F(v) = -log sum_h exp(-E(v, h)), E = 1/2|v-b|^2 - c.h - v.W^T h
    states = np.array(list(itertools.product([0, 1], repeat=3)), dtype=float)
    energies = (
        0.5 * np.sum((V - b) ** 2, axis=1)[:, None] - states @ c - (V @ W.T) @ states.T
    )
    expected = -logsumexp(-energies, axis=1)
    assert_allclose(GAUSSIAN.free_energy(V, W, b, c), expected, rtol=1e-12)


@pytest.fixture(params=["small", "large"])
def model_size(request, monkeypatch):
    """Run a test on both code paths of the CD step (see SMALL_MODEL_SIZE)."""
    if request.param == "large":
        monkeypatch.setattr(skrbm._kernels, "SMALL_MODEL_SIZE", 0)
    return request.param


def test_cd1_gradient_matches_textbook_formula_with_same_draws(model_size):
    W, b, c = tiny_model()
    v0 = np.random.RandomState(2).standard_normal((6, 4))
    ws = CDWorkspace(6, 4, 3, None, np.float64)
    grad_W, grad_b, grad_c = np.empty_like(W), np.empty_like(b), np.empty_like(c)
    out = Gradient(W=grad_W, b=grad_b, c=grad_c)
    sse, _ = cd_gradient(v0, W, b, c, np.random.default_rng(7), ws, out)

    rng = np.random.default_rng(7)
    h0 = expit(v0 @ W.T + c)
    hs = (rng.random(h0.shape, dtype=np.float32) < h0).astype(float)
    v1 = hs @ W + b
    h1 = expit(v1 @ W.T + c)
    assert_allclose(grad_W, (h0.T @ v0 - h1.T @ v1) / 6, rtol=1e-12)
    assert_allclose(grad_b, (v0 - v1).mean(axis=0), rtol=1e-12)
    assert_allclose(grad_c, (h0 - h1).mean(axis=0), rtol=1e-12)
    assert sse == pytest.approx(np.sum((v0 - v1) ** 2), rel=1e-12)


def test_pcd_gradient_advances_chains_with_sampled_visibles(model_size):
    W, b, c = tiny_model()
    v0 = np.random.RandomState(3).standard_normal((5, 4))
    chains = np.zeros((8, 3))
    ws = CDWorkspace(5, 4, 3, 8, np.float64)
    grad_W, grad_b, grad_c = np.empty_like(W), np.empty_like(b), np.empty_like(c)
    rng = np.random.default_rng(11)
    out = Gradient(W=grad_W, b=grad_b, c=grad_c)
    cd_gradient(v0, W, b, c, rng, ws, out, chains=chains)

    rng = np.random.default_rng(11)
    h0 = expit(v0 @ W.T + c)
    rng.random(h0.shape, dtype=np.float32)  # the reconstruction-error draw
    noise = rng.standard_normal((8, 4), dtype=np.float32)
    v_neg = np.zeros((8, 3)) @ W + b + noise
    h_neg = expit(v_neg @ W.T + c)
    expected_chains = (rng.random(h_neg.shape, dtype=np.float32) < h_neg).astype(float)
    assert_array_equal(chains, expected_chains)
    assert_allclose(grad_W, h0.T @ v0 / 5 - h_neg.T @ v_neg / 8, rtol=1e-12)
    assert_allclose(grad_b, v0.mean(0) - v_neg.mean(0), rtol=1e-12)
    # the hidden-bias gradient averages each phase over its own rows
    assert_allclose(grad_c, h0.mean(0) - h_neg.mean(0), rtol=1e-12)


def test_cd3_gradient_matches_three_gibbs_steps_with_same_draws(model_size):
    W, b, c = tiny_model()
    v0 = np.random.RandomState(9).standard_normal((6, 4))
    ws = CDWorkspace(6, 4, 3, None, np.float64)
    out = Gradient(np.empty_like(W), np.empty_like(b), np.empty_like(c))
    cd_gradient(v0, W, b, c, np.random.default_rng(5), ws, out, cd_steps=3)

    # k alternations of sampled hiddens and mean visibles, from the data
    rng = np.random.default_rng(5)
    h0 = expit(v0 @ W.T + c)
    h = h0
    for _ in range(3):
        hs = (rng.random(h.shape, dtype=np.float32) < h).astype(float)
        v = hs @ W + b
        h = expit(v @ W.T + c)
    assert_allclose(out.W, (h0.T @ v0 - h.T @ v) / 6, rtol=1e-12)
    assert_allclose(out.b, (v0 - v).mean(axis=0), rtol=1e-12)
    assert_allclose(out.c, (h0 - h).mean(axis=0), rtol=1e-12)


@pytest.mark.parametrize("n_components", [2, 8])
def test_stacked_statistics_weight_each_row(n_components):
    rng = np.random.RandomState(4)
    V, H = rng.rand(10, 5), rng.rand(10, n_components)
    weights = np.r_[np.full(3, 0.5 / 3), np.full(7, -0.5 / 7)]
    out = np.full((n_components, 5), np.nan)
    stacked_statistics(V, H, weights, out, np.empty_like(V), np.empty_like(H))
    # 0.5 * (positive phase mean - negative phase mean)
    expected = 0.5 * (H[:3].T @ V[:3] / 3 - H[3:].T @ V[3:] / 7)
    assert_allclose(out, expected, rtol=1e-12)


def test_split_statistics_accumulate_scaled_phases():
    rng = np.random.RandomState(6)
    ph, pv, nh, nv = rng.rand(3, 2), rng.rand(3, 4), rng.rand(7, 2), rng.rand(7, 4)
    out = rng.rand(2, 4)
    expected = 0.5 * out + 0.01 * (ph.T @ pv / 3 - nh.T @ nv / 7)
    scratch = (np.empty_like(out), np.empty_like(out))
    split_statistics(ph, pv, nh, nv, out, scratch, scale=0.01, beta=0.5)
    assert_allclose(out, expected, rtol=1e-12)


def test_soft_threshold_zeroes_small_weights_and_shrinks_the_rest():
    W = np.array([[-0.3, -0.05, 0.0, 0.04, 0.5]])
    soft_threshold(W, 0.1, np.empty_like(W))
    assert_allclose(W, [[-0.2, 0.0, 0.0, 0.0, 0.4]])
    assert np.sum(W == 0.0) == 3


def test_l1_threshold_is_the_effective_step_under_momentum():
    assert l1_threshold(0.01, 0.01, 0.9) == pytest.approx(1e-3)
    assert l1_threshold(0.01, 0.01, 0.0) == pytest.approx(1e-4)


def test_momentum_velocity_reaches_the_geometric_limit(model_size):
    # velocity = momentum * velocity + lr * grad, with a constant gradient
    W, b, c = tiny_model()
    v0 = np.random.RandomState(2).standard_normal((6, 4))
    ws = CDWorkspace(6, 4, 3, None, np.float64)
    plain = Gradient(np.empty_like(W), np.empty_like(b), np.empty_like(c))
    velocity = Gradient(np.zeros_like(W), np.zeros_like(b), np.zeros_like(c))
    for _ in range(400):
        cd_gradient(v0, W, b, c, np.random.default_rng(7), ws, plain)
        cd_gradient(
            v0,
            W,
            b,
            c,
            np.random.default_rng(7),
            ws,
            velocity,
            learning_rate=0.1,
            momentum=0.9,
        )
    # the velocity settles at lr * g / (1 - momentum)
    for v, g in zip(velocity, plain, strict=True):
        assert_allclose(v, g, rtol=1e-9)


def test_scaled_gradient_accumulates_onto_the_output(model_size):
    W, b, c = tiny_model()
    v0 = np.random.RandomState(6).standard_normal((3, 4))
    ws = CDWorkspace(3, 4, 3, None, np.float64)
    plain = Gradient(np.empty_like(W), np.empty_like(b), np.empty_like(c))
    cd_gradient(v0, W, b, c, np.random.default_rng(1), ws, plain)
    rng = np.random.RandomState(7)
    start = Gradient(rng.rand(3, 4), rng.rand(4), rng.rand(3))
    out = Gradient(*(a.copy() for a in start))
    cd_gradient(
        v0, W, b, c, np.random.default_rng(1), ws, out, learning_rate=0.01, momentum=0.5
    )
    for o, s0, g in zip(out, start, plain, strict=True):
        assert_allclose(o, 0.5 * s0 + 0.01 * g, rtol=1e-12)


def test_l2_gradient_subtracts_alpha_times_weights():
    W = np.arange(6.0).reshape(2, 3)
    grad = np.ones((2, 3))
    add_l2_gradient(grad, W, 0.5, np.empty_like(W))
    assert_allclose(grad, 1 - 0.5 * W)


@pytest.mark.parametrize("tied", [False, True])
def test_backprop_gradient_matches_finite_differences(tied, model_size):
    rng = np.random.RandomState(5)
    X = rng.standard_normal((7, 4))
    params = [
        rng.normal(0, 0.5, (3, 4)),
        rng.normal(0, 0.5, 3),
        rng.normal(0, 0.5, (3, 4)),
        rng.normal(0, 0.5, 4),
    ]

    def loss(enc_W, enc_b, dec_W, dec_b):
        H = expit(X @ enc_W.T + enc_b)
        Y = H @ (enc_W if tied else dec_W) + dec_b
        return np.sum((Y - X) ** 2) / (2 * X.shape[0])

    ws = AEWorkspace(7, 4, 3, np.float64)
    grads = [np.empty_like(p) for p in params]
    sse = backprop_gradient(X, *params, ws, AEGradient(*grads), tied=tied)
    assert sse / (2 * 7) == pytest.approx(loss(*params), rel=1e-12)
    checked = [0, 1, 3] if tied else [0, 1, 2, 3]
    eps = 1e-6
    for i in checked:
        numeric = np.zeros_like(params[i])
        for idx in np.ndindex(params[i].shape):
            plus = [p.copy() for p in params]
            minus = [p.copy() for p in params]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            numeric[idx] = (loss(*plus) - loss(*minus)) / (2 * eps)
        # the kernel returns descent directions
        assert_allclose(-grads[i], numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("order", ["C", "F"])
def test_cross_product_writes_in_the_order_of_its_output(order):
    rng = np.random.RandomState(0)
    A, B = rng.normal(size=(6, 3)), rng.normal(size=(6, 5))
    out = np.zeros((3, 5), order=order)
    assert cross_product(A, B, out) is out
    assert_allclose(out, A.T @ B, rtol=1e-13)
    assert out.flags[f"{order}_CONTIGUOUS"]


def test_weight_order_is_f_for_large_float32_models_with_more_features():
    # the measured rule (benchmarks/bench_layout.py)
    for shape in [(784, 500), (1024, 256), (1024, 512), (2**10 + 1, 2**8)]:
        assert weight_order(*shape, np.float32) == "F"
    assert weight_order(784, 500, np.float64) == "C"
    for shape in [(256, 1024), (600, 600), (784, 256), (2**10, 2**8 - 1)]:
        assert weight_order(*shape, np.float32) == "C"


@pytest.mark.parametrize("tied", [False, True])
def test_backprop_gradient_is_the_same_in_either_weight_order(tied):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(9, 6))
    params = [
        rng.normal(0, 0.5, (4, 6)),
        rng.normal(0, 0.5, 4),
        rng.normal(0, 0.5, (4, 6)),
        rng.normal(0, 0.5, 6),
    ]
    results = {}
    for order in ("C", "F"):
        weights = [np.array(p, order=order) for p in params]
        ws = AEWorkspace(9, 6, 4, np.float64, order)
        velocities = AEGradient(*(np.full_like(p, 0.1) for p in weights))
        sse = backprop_gradient(
            X, *weights, ws, velocities, tied=tied, scale=0.5, beta=0.9
        )
        results[order] = sse, velocities
        assert velocities.enc_W.flags[f"{order}_CONTIGUOUS"]
        assert ws.grad.dec_W.flags[f"{order}_CONTIGUOUS"]
    assert results["F"][0] == pytest.approx(results["C"][0], rel=1e-13)
    for f_order, c_order in zip(results["F"][1], results["C"][1], strict=True):
        assert_allclose(f_order, c_order, rtol=1e-12, atol=1e-15)


def test_mean_hiddens_writes_into_the_given_buffer():
    W, _, c = tiny_model(dtype=np.float32)
    V = np.ones((2, 4), dtype=np.float32)
    out = np.empty((2, 3), dtype=np.float32)
    result = mean_hiddens(V, W, c, out=out)
    assert result is out
    assert_allclose(out, expit(V @ W.T + c), rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_column_sum_is_a_weighted_sum_of_rows(dtype):
    M = np.arange(12, dtype=dtype).reshape(4, 3)
    out = np.empty(3, dtype=dtype)
    weights = np.array([1, 2, 0, -1], dtype=dtype)
    column_sum(M, weights, out)
    assert_allclose(out, M[0] + 2 * M[1] - M[3])


def test_sparsity_gradient_pulls_mean_activity_towards_the_target():
    h0 = np.array([[0.9, 0.1], [0.7, 0.1]])
    grad = np.zeros(2)
    add_sparsity_gradient(grad, h0, 0.1, 0.5, np.ones(5), np.empty(2))
    assert_allclose(grad, 0.5 * (0.1 - np.array([0.8, 0.1])))


def test_cd1_with_16_bit_uniforms_matches_textbook_formula(monkeypatch):
    monkeypatch.setattr(skrbm._kernels, "UNIFORM16_SIZE", 0)
    W, b, c = tiny_model()
    v0 = np.random.RandomState(2).standard_normal((6, 4))
    ws = CDWorkspace(6, 4, 3, None, np.float64)
    out = Gradient(W=np.empty_like(W), b=np.empty_like(b), c=np.empty_like(c))
    cd_gradient(v0, W, b, c, np.random.default_rng(7), ws, out)

    raw = np.random.default_rng(7).bit_generator.random_raw(5)
    u = raw.view(np.uint16)[:18].reshape(6, 3) / 65536
    h0 = expit(v0 @ W.T + c)
    v1 = (u < h0) @ W + b
    h1 = expit(v1 @ W.T + c)
    assert_allclose(out.W, (h0.T @ v0 - h1.T @ v1) / 6, rtol=1e-12)


def test_uniform16_gives_raw_16_bit_pieces_in_order():
    out = np.empty((1000, 400), dtype=np.float32)
    uniform16(np.random.default_rng(3), out)
    raw = np.random.default_rng(3).bit_generator.random_raw(100_000)
    assert_array_equal(out.reshape(-1) * 65536, raw.view(np.uint16))


def test_uniform16_draws_a_partial_last_word():
    # 10 draws: two whole words and half of a third
    out = np.empty(10, dtype=np.float32)
    uniform16(np.random.default_rng(4), out)
    raw = np.random.default_rng(4).bit_generator.random_raw(3)
    assert_array_equal(out * 65536, raw.view(np.uint16)[:10])
    with pytest.raises(ValueError, match="C-contiguous"):
        uniform16(np.random.default_rng(4), np.empty((4, 4), np.float32).T)


def test_small_draws_keep_numpys_float32_stream():
    P = np.random.RandomState(0).rand(100, 100)
    samples = sample_bernoulli(
        P, np.random.default_rng(5), np.empty_like(P), np.empty(P.shape, np.float32)
    )
    expected = np.random.default_rng(5).random(P.shape, dtype=np.float32) < P
    assert_array_equal(samples, expected)


def test_large_draws_hit_their_probabilities_in_both_dtypes():
    levels = np.array([0.0, 1e-3, 0.25, 0.5, 0.9, 1.0])
    P = np.resize(levels, (1000, 400))
    assert P.size >= skrbm._kernels.UNIFORM16_SIZE
    draws = []
    for dtype in (np.float32, np.float64):
        P_d = P.astype(dtype)
        scratch = np.empty(P.shape, np.float32)
        draws.append(
            sample_bernoulli(P_d, np.random.default_rng(6), np.empty_like(P_d), scratch)
        )
    assert_array_equal(draws[0], draws[1])
    flat_P, flat_h = P.reshape(-1), draws[0].reshape(-1)
    for p in levels:
        h = flat_h[flat_P == p]
        if p in (0.0, 1.0):
            assert np.all(h == p)
        else:
            # within five standard errors of p (resolution 1/65536)
            assert abs(h.mean() - p) < 5 * np.sqrt(p * (1 - p) / h.size)
