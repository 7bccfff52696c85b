"""Argument types and choices shared by the command-line subcommands."""

import argparse

# Command-line spelling of the ``penalty`` parameter.
PENALTIES = {"none": None, "l1": "l1", "l2": "l2", "elasticnet": "elasticnet"}


def _number(text, convert, accept, expected):
    value = convert(text)
    if not accept(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text}")
    return value


def positive_int(text):
    """argparse type: an integer >= 1."""
    return _number(text, int, lambda v: v >= 1, "a positive integer")


def positive_float(text):
    """argparse type: a number > 0."""
    return _number(text, float, lambda v: v > 0, "a number > 0")


def non_negative_float(text):
    """argparse type: a number >= 0."""
    return _number(text, float, lambda v: v >= 0, "a number >= 0")
