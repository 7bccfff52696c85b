"""The study: its samples picture, its models and where it writes."""

import numpy as np
import pytest

from skrbm.cli._study_figures import samples_figure
from skrbm.plotting import plot_patches


def _drawn(ax):
    return ax.images[0].get_array().data


def test_samples_figure_shares_one_grey_scale_set_by_the_data():
    rng = np.random.RandomState(0)
    X_val = rng.uniform(-1.5, 1.5, size=(20, 64))
    samples = {"l1": 5.0 * rng.standard_normal((16, 64)), "l2": np.zeros((16, 64))}
    fig = samples_figure(X_val, samples, sample_steps=7)
    limit = np.abs(X_val[:16]).max()
    assert len(fig.axes) == 3
    for ax, patches in zip(
        fig.axes, [X_val[:16], samples["l1"], samples["l2"]], strict=True
    ):
        image = ax.images[0]
        assert image.get_clim() == pytest.approx((-limit, limit))
        np.testing.assert_array_equal(_drawn(ax), _drawn(plot_patches(patches).axes[0]))
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == [
        "validation patches",
        "l1 RBM",
        "l2 RBM",
    ]
    title = fig._suptitle.get_text()
    assert "7 Gibbs steps" in title and f"black -{limit:.2f}" in title


def test_samples_figure_shows_a_square_that_every_panel_fills():
    rng = np.random.RandomState(0)
    fig = samples_figure(rng.randn(20, 64), {"l1": rng.randn(64, 64)}, 10)
    for ax in fig.axes:
        assert ax.images[0].get_array().shape == (4 * 9 - 1, 4 * 9 - 1)


def test_study_keys_carry_alpha_when_a_penalty_repeats():
    from skrbm.cli._study import study_settings

    settings = study_settings(("l2", "l2", "l1", "none"), (0.01, 1.0, 0.01, 0.1))
    assert settings == {
        "l2-0.01": ("l2", 0.01),
        "l2-1": ("l2", 1.0),
        "l1": ("l1", 0.01),
        "none": ("none", 0.0),
    }
    with pytest.raises(ValueError, match="same penalty and alpha appear twice"):
        study_settings(("l2", "l2"), (0.1, 0.1))


#: A study small enough for a test: seconds, not minutes.
TINY_STUDY = dict(
    n_patches=300,
    n_validation=100,
    epochs=2,
    refine_epochs=2,
    ais_temperatures=50,
    ais_chains=10,
    n_model_samples=4,
    sample_steps=2,
)


def test_a_repeated_penalty_gives_two_models_and_two_sets_of_figures(tmp_path):
    from skrbm.cli._study import StudyConfig, run_study, write_outputs

    config = StudyConfig(
        penalties=("l2", "l2"), alphas=(0.01, 1.0), baseline=False, **TINY_STUDY
    )
    result = run_study(config)
    (rbm_a, _), (rbm_b, _) = result["models"].values()
    assert list(result["models"]) == ["l2-0.01", "l2-1"]
    assert rbm_a.alpha == 0.01 and rbm_b.alpha == 1.0
    assert [row["alpha"] for row in result["rows"]] == [0.01, 1.0]
    names = {p.name for p in write_outputs(result, tmp_path)}
    assert {"filters_l2-0.01.png", "filters_l2-1.png"} <= names


def test_a_quick_study_never_overwrites_a_full_one(tmp_path, monkeypatch):
    from skrbm.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "skrbm-study").mkdir()
    (tmp_path / "skrbm-study" / "summary.md").write_text("a full run")
    assert main(["study", "--quick", "--quiet", "--no-baseline"]) == 0
    assert (tmp_path / "skrbm-study" / "summary.md").read_text() == "a full run"
    assert (tmp_path / "skrbm-study-quick" / "summary.md").is_file()


def test_models_trained_in_two_processes_equal_those_trained_in_one():
    import io

    from skrbm.cli._progress import Progress
    from skrbm.cli._study import StudyConfig, run_study

    common = {**TINY_STUDY, "epochs": 3}
    one = run_study(StudyConfig(**common))
    stream = io.StringIO()
    two = run_study(StudyConfig(n_jobs=2, **common), Progress(stream=stream))
    assert list(two["models"]) == list(one["models"]) == ["none", "l1", "l2", "random"]
    for key, (rbm, refiner) in one["models"].items():
        rbm2, refiner2 = two["models"][key]
        if rbm is not None:
            np.testing.assert_array_equal(rbm2.components_, rbm.components_)
            np.testing.assert_array_equal(two["samples"][key], one["samples"][key])
        np.testing.assert_array_equal(refiner2.components_, refiner.components_)
        assert refiner2.loss_curve_ == refiner.loss_curve_
    for row, row2 in zip(one["rows"], two["rows"], strict=True):
        for name, value in row.items():
            if not name.endswith("seconds"):
                assert row2[name] == value, name
    assert two["baseline"] == one["baseline"]
    lines = stream.getvalue().splitlines()
    assert lines[0] == (
        "training 4 models in 2 processes: none, l1, l2, random-init autoencoder"
    )
    assert [line.split(":")[0] for line in lines[1:]] == [
        "none",
        "l1",
        "l2",
        "random-init autoencoder",
    ]
