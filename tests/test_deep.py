"""Deep autoencoders from stacks of RBMs: unrolling and the backprop step."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrbm._deep import (
    DeepWorkspace,
    deep_backprop_gradient,
    forward,
    random_coefs,
    unroll_stack,
)


def _loss(X, coefs, intercepts, activations):
    Y = forward(X, coefs, intercepts, activations)[-1]
    return 0.5 * np.sum((Y - X) ** 2) / X.shape[0]


@pytest.mark.parametrize("code_activation", ["logistic", "identity"])
def test_deep_gradient_matches_finite_differences(code_activation):
    rng = np.random.RandomState(0)
    sizes = [5, 4, 3, 2, 3, 4, 5]
    coefs, intercepts = random_coefs(sizes, rng)
    activations = ["logistic"] * 6
    activations[2], activations[-1] = code_activation, "identity"
    X = rng.standard_normal((7, 5))
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
    coefs, intercepts = random_coefs(sizes, rng)
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
        [(W1, c1, b1, s1), (W2, c2, b2, None)]
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
    _, _, linear = unroll_stack([(W1, c1, b1, s1), (W2, c2, b2, None)], "identity")
    assert linear == ["logistic", "identity", "logistic", "identity"]
