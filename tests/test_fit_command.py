"""``skrbm fit``: streamed training from a .npy file, end to end."""

import joblib
import numpy as np
import pytest
from matplotlib.image import imread
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skrbm import GaussianRBM
from skrbm.cli import main
from skrbm.datasets import load_natural_patches

N_ROWS, CHUNK, EPOCHS = 1500, 400, 2
RBM = dict(n_components=9, batch_size=50, learning_rate=0.02, random_state=1)
OPTIONS = [
    "--n-components", "9", "--batch-size", "50", "--learning-rate", "0.02",
    "--seed", "1", "--epochs", str(EPOCHS), "--chunk-size", str(CHUNK),
]  # fmt: skip


@pytest.fixture(scope="module")
def raw_patches():
    """Unstandardized 8x8 patches, float32: 64 features, a square patch."""
    X = load_natural_patches(N_ROWS, patch_size=8, standardize=False, random_state=0)
    return X.astype(np.float32)


@pytest.fixture
def data_file(tmp_path, raw_patches):
    path = tmp_path / "patches.npy"
    np.save(path, raw_patches)
    return path


def chunks(X):
    return [X[start : start + CHUNK] for start in range(0, len(X), CHUNK)]


def train_in_memory(X, standardize=True, **params):
    """What the command should do, with the chunks held in memory."""
    scaler = StandardScaler()
    if standardize:
        for chunk in chunks(X):
            scaler.partial_fit(chunk)
    rbm = GaussianRBM(**{**RBM, **params})
    for _ in range(EPOCHS):
        for chunk in chunks(X):
            rbm.partial_fit(scaler.transform(chunk) if standardize else chunk)
    return scaler, rbm


def run(*args):
    return main(["fit", *map(str, args)])


def assert_error(capsys, code, message):
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("skrbm: error:") and message in err


def test_saved_pipeline_equals_in_process_streaming(tmp_path, data_file, raw_patches):
    out = tmp_path / "model.joblib"
    assert run(data_file, "--out", out, "--quiet", *OPTIONS) == 0
    pipeline = joblib.load(out)
    assert isinstance(pipeline, Pipeline)
    assert list(pipeline.named_steps) == ["standardscaler", "gaussianrbm"]
    scaler, rbm = train_in_memory(raw_patches)
    saved_scaler, saved_rbm = pipeline.named_steps.values()
    np.testing.assert_array_equal(saved_scaler.mean_, scaler.mean_)
    np.testing.assert_array_equal(saved_scaler.scale_, scaler.scale_)
    for name in ("components_", "intercept_hidden_", "intercept_visible_"):
        np.testing.assert_array_equal(getattr(saved_rbm, name), getattr(rbm, name))
    assert saved_rbm.components_.dtype == np.float32
    assert saved_rbm.n_iter_ == EPOCHS * len(chunks(raw_patches))
    new = raw_patches[:50] + 0.5
    np.testing.assert_array_equal(
        pipeline.transform(new), rbm.transform(scaler.transform(new))
    )


def test_filter_picture_is_a_grid_of_the_filters(tmp_path, data_file):
    out = tmp_path / "model.joblib"
    assert run(data_file, "--out", out, "--quiet", *OPTIONS) == 0
    image = imread(tmp_path / "model_filters.png")
    # 9 filters of 8x8 in a 3x3 grid, one-pixel gaps, 8 screen pixels each
    side = (3 * (8 + 1) - 1) * 8
    assert image.shape[:2] == (side, side)


def test_no_standardize_saves_only_the_rbm(tmp_path, raw_patches):
    X = StandardScaler().fit_transform(raw_patches[:, :10]).astype(np.float32)
    path = tmp_path / "standardized.npy"
    np.save(path, X)
    out = tmp_path / "out" / "rbm.joblib"
    assert run(path, "--out", out, "--quiet", "--no-standardize", *OPTIONS) == 0
    pipeline = joblib.load(out)
    assert list(pipeline.named_steps) == ["gaussianrbm"]
    _, rbm = train_in_memory(X, standardize=False)
    np.testing.assert_array_equal(pipeline[-1].components_, rbm.components_)


def test_options_reach_the_rbm(tmp_path, data_file):
    out = tmp_path / "model.joblib"
    args = ["--penalty", "none", "--alpha", "0.3", "--quiet", *OPTIONS]
    assert run(data_file, "--out", out, *args) == 0
    params = joblib.load(out)[-1].get_params()
    expected = dict(RBM, penalty=None, alpha=0.3)
    assert {k: params[k] for k in expected} == expected


def test_non_square_features_skip_the_picture_with_a_note(tmp_path, capsys):
    path = tmp_path / "ten.npy"
    np.save(path, np.random.RandomState(0).standard_normal((300, 10)))
    out = tmp_path / "model.joblib"
    assert run(path, "--out", out, "--epochs", "1") == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[-1] == "10 features do not form a square patch; no filter picture written"
    )
    assert lines[-2] == f"Wrote {out}"
    assert lines[0].startswith(
        "Trained on 300 x 10 float64 samples; passes: 1, chunks per pass: 1; "
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.joblib", "ten.npy"]


def test_progress_goes_to_stderr_once_per_pass(tmp_path, data_file, capsys):
    assert run(data_file, "--out", tmp_path / "m.joblib", *OPTIONS) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err] == [
        f"pass {k}/{EPOCHS} over the data" for k in (1, 1, 2, 2)
    ]
    chunks_per_pass = len(chunks(np.zeros(N_ROWS)))
    assert err[0] == f"pass 1/{EPOCHS} over the data: {chunks_per_pass} chunks"
    assert err[1].startswith(f"pass 1/{EPOCHS} over the data: done in ")


def test_quiet_prints_nothing(tmp_path, data_file, capsys):
    assert run(data_file, "--out", tmp_path / "m.joblib", "--quiet", *OPTIONS) == 0
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


def _write(path, content):
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, dict):
        np.savez(path, **content)
    else:
        np.save(path, content)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.npy", None, "No such data file"),
        ("notes.npy", "just some text", "is not a .npy file"),
        ("table.csv", "1,2\n3,4\n", "np.save('data.npy', np.loadtxt('data.csv'"),
        ("bundle.npz", {"a": np.zeros((3, 3))}, "is not a .npy file"),
        ("vector.npy", np.zeros(5), "expected a 2-D array"),
        ("cube.npy", np.zeros((2, 3, 4)), "expected a 2-D array"),
        ("words.npy", np.array([["a", "b"]]), "expected integers or floats"),
        ("flags.npy", np.ones((4, 4), dtype=bool), "expected integers or floats"),
        ("empty.npy", np.zeros((0, 4)), "empty array"),
        ("holes.npy", np.full((20, 4), np.nan), "NaN or infinite value at row 0,"),
    ],
)
def test_bad_data_is_one_line_and_exit_code_2(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        _write(path, content)
    code = run(path, "--out", tmp_path / "m.joblib", "--quiet")
    assert_error(capsys, code, message)
    assert not (tmp_path / "m.joblib").exists()


def test_nan_without_standardizing_is_one_line(tmp_path, capsys):
    path = tmp_path / "holes.npy"
    X = np.zeros((20, 4))
    X[13, 2] = np.inf
    np.save(path, X)
    code = run(path, "--out", tmp_path / "m.joblib", "--quiet", "--no-standardize")
    assert_error(capsys, code, "NaN or infinite value at row 13, column 2")


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--out", "--n-components", "--epochs", "--chunk-size", "--batch-size",
        "--learning-rate", "--penalty", "--alpha", "--standardize",
        "--no-standardize", "--seed", "--quiet",
    ):  # fmt: skip
        assert option in text


def test_a_nan_in_a_later_chunk_is_reported_where_it_is(tmp_path, capsys):
    path = tmp_path / "late.npy"
    X = np.random.RandomState(0).standard_normal((50, 4))
    X[37, 1] = np.nan
    np.save(path, X)
    code = run(path, "--out", tmp_path / "m.joblib", "--quiet", "--chunk-size", "8")
    assert_error(capsys, code, "NaN or infinite value at row 37, column 1")
    assert not (tmp_path / "m.joblib").exists()
