"""skrbm._autoencoder: unrolling, initialisation and both backprop kernels."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrbm._autoencoder import (
    AEGradient,
    AEWorkspace,
    DeepWorkspace,
    backprop_gradient,
    deep_backprop_gradient,
    forward,
    random_autoencoder,
    random_layers,
    unroll_stack,
)
from skrbm._params import RBMParameters


def _loss(X, coefs, intercepts, activations):
    Y = forward(X, coefs, intercepts, activations)[-1]
    return 0.5 * np.sum((Y - X) ** 2) / X.shape[0]


@pytest.mark.parametrize("out_activation", ["identity", "logistic"])
@pytest.mark.parametrize("code_activation", ["logistic", "identity"])
def test_deep_gradient_matches_finite_differences(code_activation, out_activation):
    rng = np.random.RandomState(0)
    sizes = [5, 4, 3, 2, 3, 4, 5]
    coefs, intercepts = random_layers(sizes, rng)
    activations = ["logistic"] * 6
    activations[2], activations[-1] = code_activation, out_activation
    X = rng.standard_normal((7, 5))
    if out_activation == "logistic":
        X = (X > 0).astype(float)
    ws = DeepWorkspace(7, sizes, np.float64)
    grad_C = [np.zeros_like(C) for C in coefs]
    grad_d = [np.zeros_like(d) for d in intercepts]
    sse = deep_backprop_gradient(
        X, coefs, intercepts, activations, ws, grad_C, grad_d, 1.0, 0.0
    )
    assert sse == pytest.approx(
        2 * X.shape[0] * _loss(X, coefs, intercepts, activations)
    )
    eps = 1e-6
    for params, grads in [(coefs, grad_C), (intercepts, grad_d)]:
        for P, G in zip(params, grads, strict=True):
            numeric = np.empty_like(P)
            for index in np.ndindex(P.shape):
                saved = P[index]
                P[index] = saved + eps
                up = _loss(X, coefs, intercepts, activations)
                P[index] = saved - eps
                down = _loss(X, coefs, intercepts, activations)
                P[index] = saved
                numeric[index] = -(up - down) / (2 * eps)
            assert_allclose(G, numeric, atol=1e-8)


def test_momentum_is_folded_into_the_output():
    rng = np.random.RandomState(1)
    sizes = [4, 3, 4]
    coefs, intercepts = random_layers(sizes, rng)
    activations = ["logistic", "identity"]
    X = rng.standard_normal((6, 4))
    ws = DeepWorkspace(6, sizes, np.float64)
    plain = ([np.zeros_like(C) for C in coefs], [np.zeros_like(d) for d in intercepts])
    deep_backprop_gradient(X, coefs, intercepts, activations, ws, *plain, 1.0, 0.0)
    velocity = ([np.ones_like(C) for C in coefs], [np.ones_like(d) for d in intercepts])
    deep_backprop_gradient(X, coefs, intercepts, activations, ws, *velocity, 0.1, 0.9)
    for v, g in zip(velocity[0] + velocity[1], plain[0] + plain[1], strict=True):
        assert_allclose(v, 0.9 + 0.1 * g, rtol=1e-12)


def test_unrolled_stack_encodes_like_the_rbms_and_mirrors_them():
    rng = np.random.RandomState(2)
    W1, c1, b1, s1 = rng.randn(4, 6), rng.randn(4), rng.randn(6), rng.uniform(0.5, 2, 6)
    W2, c2, b2 = rng.randn(3, 4), rng.randn(3), rng.randn(4)
    coefs, intercepts, activations = unroll_stack(
        [RBMParameters(W1, b1, c1, s1), RBMParameters(W2, b2, c2, None)]
    )
    assert activations == ["logistic", "logistic", "logistic", "identity"]
    X = rng.randn(5, 6)
    A = forward(X, coefs, intercepts, activations)
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    H1 = sig((X / s1) @ W1.T + c1)
    H2 = sig(H1 @ W2.T + c2)
    assert_allclose(A[1], H2, rtol=1e-12)
    # decoder: binary layer's mean, then the Gaussian layer's mean
    V1 = sig(H2 @ W2 + b2)
    assert_allclose(A[2], V1, rtol=1e-12)
    assert_allclose(A[3], b1 + s1 * (V1 @ W1), rtol=1e-12)
    layers = [RBMParameters(W1, b1, c1, s1), RBMParameters(W2, b2, c2, None)]
    _, _, linear = unroll_stack(layers, "identity")
    assert linear == ["logistic", "identity", "logistic", "identity"]
    top = [RBMParameters(W2, b2, c2, None)]
    _, _, binary = unroll_stack(top, out_activation="logistic")
    assert binary == ["logistic", "logistic"]


def _sig(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("tied", [False, True])
def test_single_layer_gradient_with_a_logistic_output_matches_finite_differences(tied):
    rng = np.random.RandomState(5)
    X = (rng.standard_normal((7, 4)) > 0).astype(float)
    params = [rng.normal(0, 0.5, shape) for shape in [(3, 4), 3, (3, 4), 4]]

    def loss(enc_W, enc_b, dec_W, dec_b):
        H = _sig(X @ enc_W.T + enc_b)
        Y = _sig(H @ (enc_W if tied else dec_W) + dec_b)
        return np.sum((Y - X) ** 2) / (2 * X.shape[0])

    ws = AEWorkspace(7, 4, 3, np.float64, out_activation="logistic")
    grads = [np.empty_like(p) for p in params]
    sse = backprop_gradient(X, *params, ws, AEGradient(*grads), tied=tied)
    assert sse / (2 * 7) == pytest.approx(loss(*params), rel=1e-12)
    eps = 1e-6
    for i in [0, 1, 3] if tied else [0, 1, 2, 3]:
        numeric = np.zeros_like(params[i])
        for idx in np.ndindex(params[i].shape):
            plus = [p.copy() for p in params]
            minus = [p.copy() for p in params]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            numeric[idx] = (loss(*plus) - loss(*minus)) / (2 * eps)
        # descent directions, of a size a linear output would not give
        assert_allclose(-grads[i], numeric, rtol=1e-6, atol=1e-10)
        assert np.abs(numeric).max() > 1e-3


def test_single_layer_kernel_is_the_deep_kernel_of_one_hidden_layer():
    # the two representations of an untied single-layer model compute the
    # same gradient: coefs_ are (W_enc^T, W_dec), intercepts_ (c, b)
    rng = np.random.RandomState(3)
    X = (rng.standard_normal((6, 5)) > 0).astype(float)
    W_enc, c, W_dec, b = random_autoencoder(5, 3, rng)
    for activation in ("identity", "logistic"):
        single = AEGradient(*(np.zeros_like(p) for p in (W_enc, c, W_dec, b)))
        ws = AEWorkspace(6, 5, 3, np.float64, out_activation=activation)
        sse = backprop_gradient(X, W_enc, c, W_dec, b, ws, single)
        coefs, intercepts = [W_enc.T, W_dec], [c, b]
        deep = (
            [np.zeros_like(C) for C in coefs],
            [np.zeros_like(d) for d in intercepts],
        )
        deep_ws = DeepWorkspace(6, [5, 3, 5], np.float64)
        activations = ["logistic", activation]
        deep_sse = deep_backprop_gradient(
            X, coefs, intercepts, activations, deep_ws, *deep, 1.0, 0.0
        )
        assert deep_sse == pytest.approx(sse, rel=1e-12)
        assert_allclose(deep[0][0], single.enc_W.T, rtol=1e-10, atol=1e-14)
        assert_allclose(deep[0][1], single.dec_W, rtol=1e-10, atol=1e-14)
        assert_allclose(deep[1][0], single.enc_b, rtol=1e-10, atol=1e-14)
        assert_allclose(deep[1][1], single.dec_b, rtol=1e-10, atol=1e-14)


def test_one_initialisation_for_single_layer_and_deep_models():
    # the single-layer encoder is drawn in the RBM's orientation; every other
    # draw (bounds, order, decoder and biases) is the deep model's
    W_enc, c, W_dec, b = random_autoencoder(6, 4, np.random.RandomState(0))
    coefs, intercepts = random_layers([6, 4, 6], np.random.RandomState(0))
    bound = np.sqrt(2.0 / 10)
    assert W_enc.shape == W_dec.shape == (4, 6)
    assert_allclose(W_enc.ravel(), coefs[0].ravel(), rtol=0)
    for single, deep in [(c, intercepts[0]), (W_dec, coefs[1]), (b, intercepts[1])]:
        assert_allclose(single, deep, rtol=0)
    assert max(np.abs(W_enc).max(), np.abs(b).max()) <= bound
