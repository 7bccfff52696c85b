"""Every python block of the README runs on its own in a fresh interpreter.

A reader copies one block, not the page: each block brings its own imports
and data. A block states an output with a ``# prints ...`` comment on the
line of its ``print`` call, and the test checks that the block prints it.
"""

import re
import subprocess
import sys
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


@pytest.fixture(
    scope="module",
    params=[code for _, code in BLOCKS],
    ids=[title for title, _ in BLOCKS],
)
def block_run(request, tmp_path_factory):
    """A block run once, warnings as errors, in an empty folder of its own."""
    folder = tmp_path_factory.mktemp("readme_block")
    script = folder / "block.py"
    script.write_text(request.param, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return request.param, result


def test_every_python_block_of_the_readme_is_found():
    assert len(BLOCKS) == README_TEXT.count("```python") > 0


def test_readme_block_runs_in_a_fresh_interpreter(block_run):
    _, result = block_run
    assert result.returncode == 0, result.stderr


def test_readme_block_prints_what_it_states(block_run):
    code, result = block_run
    expected = stated_outputs(code)
    if not expected:
        pytest.skip("the block states no output")
    printed = result.stdout.splitlines()
    for output in expected:
        assert output in printed, result.stdout + result.stderr
