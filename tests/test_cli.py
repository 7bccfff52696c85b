"""The study command end to end, and its error handling."""

import json
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.image import imread

from skrbm.cli import main
from skrbm.cli._images import BACKGROUND
from skrbm.cli._study import QUICK, StudyConfig, run_study
from skrbm.metrics import LogPartition, summarize_filters

QUICK_ARGS = ["study", "--quick", "--quiet", "--seed", "3"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("study")
    assert main([*QUICK_ARGS, "--out", str(out)]) == 0
    return out


def test_quick_study_writes_every_file(quick_run):
    names = {p.name for p in quick_run.iterdir()}
    expected = {
        f"filters_{p}{s}.png" for p in ("none", "l1", "l2") for s in ("", "_refined")
    }
    expected |= {"loss_curves.png", "reconstructions.png", "samples.png"}
    expected |= {"summary.json", "summary.md"}
    assert expected <= names


def test_filter_image_is_a_ten_by_ten_grid_of_tiles(quick_run):
    image = imread(quick_run / "filters_l1.png")[..., :3]
    scale, tile = 8, 8
    side = (10 * (tile + 1) - 1) * scale
    assert image.shape[:2] == (side, side)
    # the gaps between tiles are background, tile interiors are grey levels
    gap_rows = [(k * (tile + 1) - 1) * scale for k in range(1, 10)]
    for row in gap_rows:
        np.testing.assert_allclose(
            image[row + 3, :], np.tile(BACKGROUND, (side, 1)), atol=1 / 255
        )
    inside = image[: tile * scale, : tile * scale]
    assert np.allclose(inside[..., 0], inside[..., 1])


def test_summary_matches_the_models(quick_run):
    summary = json.loads((quick_run / "summary.json").read_text())
    rows = {row["penalty"]: row for row in summary["penalties"]}
    assert set(rows) == {"none", "l1", "l2"}
    config = StudyConfig(seed=3, **QUICK)
    result = run_study(config)
    for name, (rbm, refiner) in result["models"].items():
        if rbm is None:
            continue
        row = rows[name]
        assert (
            row["zero_fraction"] == summarize_filters(rbm.components_)["zero_fraction"]
        )
        assert row["val_mse"] == pytest.approx(-rbm.score(result["X_val"]), rel=1e-6)
        assert row["val_mse_refined"] == pytest.approx(
            -refiner.score(result["X_val"]), rel=1e-6
        )
        assert summary["loss_curves"][name]["rbm"] == pytest.approx(rbm.loss_curve_)
        log_z = row["log_partition"]
        for key, bound in (("", "estimate"), ("_lower", "upper"), ("_upper", "lower")):
            expected = rbm.log_likelihood(result["X_val"], log_partition=log_z[bound])
            assert row[f"val_log_likelihood{key}"] == pytest.approx(expected.mean())
        assert result["samples"][name].shape == (64, 64)
        assert result["samples"][name].dtype == np.float32
    assert rows["l1"]["zero_fraction"] > rows["none"]["zero_fraction"] == 0.0
    assert rows["l2"]["roughness"] < rows["none"]["roughness"]
    for row in rows.values():
        assert row["val_mse_refined"] < row["val_mse"]
    assert len(summary["loss_curves"]["none"]["rbm"]) == QUICK["epochs"]


def test_summary_brackets_the_held_out_log_likelihood(quick_run):
    summary = json.loads((quick_run / "summary.json").read_text())
    for row in summary["penalties"]:
        assert row["log_partition"]["method"] == "ais"
        reliable = LogPartition(
            **{k: v for k, v in row["log_partition"].items() if k != "reliable"}
        ).reliable
        assert row["log_partition"]["reliable"] is reliable is True
        lower, upper = row["val_log_likelihood_lower"], row["val_log_likelihood_upper"]
        assert lower < row["val_log_likelihood"] < upper
        assert upper - lower < 3.0
    # the RBM, with unit visible variance, is far below a correlated Gaussian
    gaussian = summary["gaussian"]["val_log_likelihood"]
    assert all(
        row["val_log_likelihood_upper"] < gaussian for row in summary["penalties"]
    )


def test_summary_markdown_shows_likelihood_and_gaussian(quick_run):
    summary = json.loads((quick_run / "summary.json").read_text())
    text = (quick_run / "summary.md").read_text()
    l1 = next(line for line in text.splitlines() if line.startswith("| l1 |"))
    row = summary["penalties"][1]
    bracket = (
        f"[{row['val_log_likelihood_lower']:.2f}, "
        f"{row['val_log_likelihood_upper']:.2f}]"
    )
    assert f"| {row['val_log_likelihood']:.2f} | {bracket} |" in l1
    assert "AIS (500 temperatures, 50 chains)" in text
    gaussian = summary["gaussian"]["val_log_likelihood"]
    assert f"training patches: {gaussian:+.2f}." in text


def test_summary_markdown_has_a_row_per_penalty(quick_run):
    lines = (quick_run / "summary.md").read_text().splitlines()
    table = [line for line in lines if line.startswith("| ")]
    assert len(table) == 4
    assert table[2].startswith("| l1 | 0.01 |")


def test_quiet_prints_nothing(tmp_path, capsys):
    assert (
        main(
            [
                *QUICK_ARGS,
                "--epochs",
                "2",
                "--refine-epochs",
                "2",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


def test_plain_progress_lines_when_not_a_terminal(tmp_path, capsys):
    args = [
        "study",
        "--quick",
        "--epochs",
        "3",
        "--refine-epochs",
        "2",
        "--no-baseline",
        "--penalties",
        "l2",
        "--alphas",
        "0.1",
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "l2: RBM: 3 epochs"
    assert err[1].startswith("l2: RBM: done in ")
    assert "\r" not in "".join(err)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--images", "/no/such/photo.jpg"], "No such image file or folder"),
        (["--penalties", "l1", "l2", "--alphas", "0.1"], "same length"),
        (["--patch-size", "900"], "larger than an image"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, capsys, args, message):
    code = main(["study", "--quick", "--quiet", "--out", str(tmp_path), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("skrbm: error:") and message in err


def test_unreadable_image_is_refused(tmp_path, capsys):
    bad = tmp_path / "notes.png"
    bad.write_text("this is not a picture")
    code = main(
        ["study", "--quick", "--quiet", "--images", str(bad), "--out", str(tmp_path)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "Cannot read" in err and err.count("\n") == 1


def test_own_images_from_a_folder_are_used(tmp_path, capsys):
    from PIL import Image

    rng = np.random.RandomState(0)
    folder = tmp_path / "photos"
    folder.mkdir()
    for k in range(2):
        pixels = (rng.rand(40, 50, 3) * 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"p{k}.png")
    out = tmp_path / "out"
    args = [
        "study",
        "--quick",
        "--quiet",
        "--images",
        str(folder),
        "--epochs",
        "2",
        "--refine-epochs",
        "2",
        "--n-patches",
        "100",
        "--n-validation",
        "20",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"]["images"] == [str(folder)]


def test_zero_processes_are_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["study", "--n-jobs", "0"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --n-jobs: expected a non-zero integer" in err


def test_help_explains_every_option():
    result = subprocess.run(
        [sys.executable, "-m", "skrbm", "study", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in (
        "--images",
        "--patch-size",
        "--n-patches",
        "--n-components",
        "--epochs",
        "--refine-epochs",
        "--penalties",
        "--alphas",
        "--seed",
        "--quick",
        "--n-jobs",
        "--out",
        "--quiet",
    ):
        assert option in result.stdout
    top = subprocess.run(
        [sys.executable, "-m", "skrbm", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "study" in top.stdout


def test_edges_command_writes_filters_and_the_gabor_fraction(tmp_path, capsys):
    out = tmp_path / "edges"
    assert main(["edges", "--quick", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert {p.name for p in out.iterdir()} == {
        "filters.png",
        "gabor_summary.png",
        "summary.json",
        "summary.md",
    }
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_filters"] == 100
    assert summary["n_gabor"] == sum(summary["filters"]["is_gabor"])
    assert summary["gabor_fraction"] == pytest.approx(summary["n_gabor"] / 100)
    assert f"Gabor-like filters: {summary['n_gabor']} of 100" in printed
    r2 = np.array(summary["filters"]["r2"])
    assert np.all((r2 <= 1) | np.isnan(r2))
    assert summary["r2_at_least_0.8"] == pytest.approx(np.mean(r2 >= 0.8))
    image = imread(out / "filters.png")
    assert image.shape[:2] == ((10 * 9 - 1) * 8, (10 * 9 - 1) * 8)


def test_too_small_images_are_refused_clearly(tmp_path, capsys):
    from PIL import Image

    small = tmp_path / "small.png"
    Image.fromarray(np.zeros((12, 12, 3), dtype=np.uint8)).save(small)
    code = main(
        ["study", "--quick", "--quiet", "--images", str(small), "--out", str(tmp_path)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "holds only 25 distinct 8x8 patches" in err and err.count("\n") == 1
