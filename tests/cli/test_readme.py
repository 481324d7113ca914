"""The README's workout example is a valid workout, and its test command is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from companion.library import load_file

ROOT = Path(__file__).resolve().parents[2]


def test_readme_workout_example_validates(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"```toml\n(.*?)```", readme, re.S)
    assert match is not None
    path = tmp_path / "my-workout.toml"
    path.write_text(match.group(1))
    result = load_file(path)
    assert result.problems == ()
    assert result.workout is not None and result.workout.exercises[0].tempo.eccentric == 5


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "\n    ./install-and-test\n" in readme
    assert "exec ./install-and-test" in (ROOT / ".ci" / "run").read_text()
