"""What ``--help`` of every subcommand says about defaults."""

import pytest

from skrbm.cli import build_parser


def _subcommand_help(name):
    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.choices and name in a.choices]
    return subparsers.choices[name].format_help()


@pytest.mark.parametrize("name", ["study", "fit", "edges"])
def test_help_shows_no_meaningless_defaults(name):
    text = " ".join(_subcommand_help(name).split())
    assert "(default: None)" not in text
    assert "(default: False)" not in text
    # a flag such as --no-baseline has no default worth printing
    assert "baseline (default: True)" not in text


def test_help_keeps_real_defaults():
    text = " ".join(_subcommand_help("fit").split())
    assert "(default: 0.0001)" in text
    assert "random seed (default: 0)" in text
    assert "a .joblib file) (default" not in text
