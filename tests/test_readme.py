"""Every python block of the README runs on its own in a fresh interpreter.

A reader copies one block, not the page: each block brings its own imports
and data. A block states an output with a ``# prints ...`` comment on the
line of its ``print`` call, and the test checks that the block prints it.
"""

import functools
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
README_TEXT = README.read_text(encoding="utf-8")
# The blocks take seconds each; the margin is for a slow, busy CI runner.
TIMEOUT = 300


def python_blocks(text):
    """(title of the enclosing section, code) of every python block."""
    blocks, title = [], "top"
    for heading, code in re.findall(
        r"^#+ ([^\n]+)$|^```python\n(.*?)^```$", text, flags=re.M | re.S
    ):
        if heading:
            title = heading
        else:
            blocks.append((title, code))
    return blocks


def stated_outputs(code):
    """The outputs a block states in ``print(...)  # prints <output>`` lines."""
    return re.findall(r"^\s*print\(.*\)\s+# prints (.+)$", code, flags=re.M)


BLOCKS = python_blocks(README_TEXT)
STATING = [(title, code) for title, code in BLOCKS if stated_outputs(code)]


@functools.cache
def run_block(code):
    """A block run once, warnings as errors, in an empty folder of its own."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "block.py"
        script.write_text(code, encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-W", "error", str(script)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )


def test_every_python_block_of_the_readme_is_found():
    assert len(BLOCKS) == README_TEXT.count("```python") > 0
    assert STATING, "no block states its output"


@pytest.mark.parametrize("code", [c for _, c in BLOCKS], ids=[t for t, _ in BLOCKS])
def test_readme_block_runs_in_a_fresh_interpreter(code):
    result = run_block(code)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("code", [c for _, c in STATING], ids=[t for t, _ in STATING])
def test_readme_block_prints_what_it_states(code):
    result = run_block(code)
    printed = result.stdout.splitlines()
    for output in stated_outputs(code):
        assert output in printed, result.stdout + result.stderr
