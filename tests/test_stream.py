"""Out-of-core training with partial_fit over row chunks."""

import hashlib

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from skrbm import ChunkProgress, GaussianRBM, iter_chunks, partial_fit_chunks

CHUNK = 300
N_EPOCHS = 2


@pytest.fixture
def X_stream():
    """1000 rows, so the last chunk of 300 is a short one."""
    return np.random.RandomState(0).standard_normal((1000, 16))


def rbm(**params):
    defaults = dict(n_components=6, batch_size=50, random_state=0)
    return GaussianRBM(**{**defaults, **params})


def in_memory(estimator, X, chunk_size=CHUNK, n_epochs=N_EPOCHS, transform=None):
    """The reference: partial_fit on chunks sliced from an in-memory array."""
    X = np.array(X)
    for _ in range(n_epochs):
        for start in range(0, X.shape[0], chunk_size):
            chunk = X[start : start + chunk_size]
            estimator.partial_fit(chunk if transform is None else transform(chunk))
    return estimator


def assert_same_model(a, b):
    for name in ("components_", "intercept_hidden_", "intercept_visible_"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert getattr(a, name).dtype == getattr(b, name).dtype
    assert a.loss_curve_ == b.loss_curve_
    assert a.n_iter_ == b.n_iter_


def save_npy(path, X):
    np.save(path, X)
    return np.load(path, mmap_mode="r")


def file_digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_iter_chunks_covers_every_row_in_order(X_stream):
    chunks = list(iter_chunks(X_stream, CHUNK))
    assert [len(c) for c in chunks] == [300, 300, 300, 100]
    np.testing.assert_array_equal(np.concatenate(chunks), X_stream)


@pytest.mark.parametrize("chunk_size", [0, -3])
def test_chunk_size_must_be_positive(X_stream, chunk_size):
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        partial_fit_chunks(rbm(), X_stream, chunk_size=chunk_size)


def test_n_epochs_must_be_positive(X_stream):
    with pytest.raises(ValueError, match="n_epochs must be a positive integer"):
        partial_fit_chunks(rbm(), X_stream, chunk_size=CHUNK, n_epochs=0)


def test_one_partial_fit_epoch_per_chunk(X_stream):
    model = partial_fit_chunks(rbm(), X_stream, chunk_size=CHUNK, n_epochs=N_EPOCHS)
    assert model.n_iter_ == len(model.loss_curve_) == 4 * N_EPOCHS


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "params",
    [{}, {"penalty": "l1", "alpha": 0.05}, {"persistent": True, "cd_steps": 2}],
    ids=["l2", "l1", "pcd"],
)
def test_memmap_training_equals_in_memory_chunks(tmp_path, X_stream, dtype, params):
    X = X_stream.astype(dtype)
    X_map = save_npy(tmp_path / "X.npy", X)
    streamed = partial_fit_chunks(
        rbm(**params), X_map, chunk_size=CHUNK, n_epochs=N_EPOCHS
    )
    assert_same_model(streamed, in_memory(rbm(**params), X))
    assert streamed.components_.dtype == dtype


def test_memmap_chunks_map_only_their_own_rows_read_only(tmp_path, X_stream):
    X_map = save_npy(tmp_path / "X.npy", X_stream.astype(np.float32))
    row_bytes = X_map.strides[0]
    for k, chunk in enumerate(iter_chunks(X_map, CHUNK)):
        mapping = chunk.base
        assert isinstance(mapping, np.memmap) and mapping.mode == "r"
        assert not chunk.flags.writeable
        assert mapping.filename == X_map.filename
        assert mapping.offset == X_map.offset + k * CHUNK * row_bytes
        assert mapping.shape == chunk.shape
        np.testing.assert_array_equal(chunk, X_map[k * CHUNK : (k + 1) * CHUNK])


@pytest.mark.parametrize(
    "view",
    [lambda X: X[100:], lambda X: X[:, :5], lambda X: X.T.T[::2]],
    ids=["row-slice", "column-slice", "strided"],
)
def test_views_of_a_memmap_are_sliced_as_they_are(tmp_path, X_stream, view):
    X_map = view(save_npy(tmp_path / "X.npy", X_stream))
    chunks = list(iter_chunks(X_map, CHUNK))
    np.testing.assert_array_equal(np.concatenate(chunks), X_map)
    assert all(np.shares_memory(chunk, X_map) for chunk in chunks)


def test_fortran_ordered_file_is_read_correctly(tmp_path, X_stream):
    X_map = save_npy(tmp_path / "X.npy", np.asfortranarray(X_stream))
    np.testing.assert_array_equal(np.concatenate(list(iter_chunks(X_map, 7))), X_stream)


def test_memmap_file_is_unchanged_by_training(tmp_path, X_stream):
    path = tmp_path / "X.npy"
    X_map = save_npy(path, X_stream.astype(np.float32))
    before = file_digest(path)
    partial_fit_chunks(rbm(), X_map, chunk_size=CHUNK, transform=lambda c: c * 2.0)
    assert X_map.mode == "r"
    assert file_digest(path) == before


def test_dask_array_training_equals_in_memory_chunks(X_stream):
    da = pytest.importorskip("dask.array", reason="the dask extra is not installed")
    # dask blocks deliberately misaligned with the training chunks
    X_dask = da.from_array(X_stream.astype(np.float32), chunks=(170, 16))
    streamed = partial_fit_chunks(rbm(), X_dask, chunk_size=CHUNK, n_epochs=N_EPOCHS)
    assert_same_model(streamed, in_memory(rbm(), X_stream.astype(np.float32)))


def test_streamed_scaler_then_rbm_equals_in_memory(tmp_path, X_stream):
    X = 3.0 * X_stream + 1.0
    X_map = save_npy(tmp_path / "X.npy", X)
    scaler = partial_fit_chunks(StandardScaler(), X_map, chunk_size=CHUNK)
    reference = in_memory(StandardScaler(), X, n_epochs=1)
    np.testing.assert_array_equal(scaler.mean_, reference.mean_)
    np.testing.assert_array_equal(scaler.scale_, reference.scale_)
    np.testing.assert_allclose(scaler.mean_, X.mean(axis=0), rtol=1e-12)
    streamed = partial_fit_chunks(
        rbm(), X_map, chunk_size=CHUNK, n_epochs=N_EPOCHS, transform=scaler.transform
    )
    assert_same_model(streamed, in_memory(rbm(), X, transform=reference.transform))


def test_callback_sees_every_chunk_with_the_estimators_loss(X_stream):
    seen = []
    model = partial_fit_chunks(
        rbm(), X_stream, chunk_size=CHUNK, n_epochs=N_EPOCHS, callback=seen.append
    )
    assert all(isinstance(info, ChunkProgress) for info in seen)
    # 1000 rows in chunks of 300: 4 chunks per pass
    assert [(i.epoch, i.chunk) for i in seen] == [
        (epoch, chunk) for epoch in (1, 2) for chunk in (1, 2, 3, 4)
    ]
    assert {(i.n_epochs, i.n_chunks) for i in seen} == {(N_EPOCHS, 4)}
    assert [i.loss for i in seen] == model.loss_curve_
    assert len(set(model.loss_curve_)) == 8


def test_callback_runs_after_each_partial_fit_call(X_stream):
    model = rbm()
    epochs_done = []
    partial_fit_chunks(
        model,
        X_stream,
        chunk_size=CHUNK,
        n_epochs=N_EPOCHS,
        callback=lambda info: epochs_done.append(model.n_iter_),
    )
    assert epochs_done == list(range(1, 9))


def test_callback_loss_is_nan_for_an_estimator_without_a_loss_curve(X_stream):
    seen = []
    partial_fit_chunks(
        StandardScaler(), X_stream, chunk_size=CHUNK, callback=seen.append
    )
    assert len(seen) == 4
    assert all(np.isnan(info.loss) for info in seen)


class _Recorder:
    """What the deprecated ``progress`` argument received, call by call."""

    def __init__(self):
        self.calls = []

    def start(self, label, total, unit):
        self.calls.append(("start", label, total, unit))

    def advance(self, loss):
        self.calls.append(("advance", loss))

    def finish(self):
        self.calls.append(("finish",))


def test_progress_argument_is_deprecated_but_still_reported_to(X_stream):
    recorder = _Recorder()
    with pytest.warns(FutureWarning, match="progress .* removed in 0.4.*callback"):
        model = partial_fit_chunks(
            rbm(), X_stream, chunk_size=CHUNK, n_epochs=N_EPOCHS, progress=recorder
        )
    losses = iter(model.loss_curve_)
    expected = []
    for epoch in (1, 2):
        expected.append(("start", f"pass {epoch}/2 over the data", 4, "chunk"))
        expected += [("advance", next(losses)) for _ in range(4)]
        expected.append(("finish",))
    assert recorder.calls == expected
