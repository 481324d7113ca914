"""The README's workout example is a valid workout, and its test command is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from companion.library import load_file
from companion.speech_in.settings import load_listen_settings
from companion.speech_out.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def toml_block(starting: str) -> str:
    blocks: list[str] = re.findall(r"```toml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    (block,) = [b for b in blocks if b.startswith(starting)]
    return block


def test_readme_workout_example_validates(tmp_path: Path) -> None:
    path = tmp_path / "my-workout.toml"
    path.write_text(toml_block("id = "))
    result = load_file(path)
    assert result.problems == ()
    assert result.workout is not None and result.workout.exercises[0].tempo.eccentric == 5


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "\n    ./install-and-test\n" in readme
    assert "exec ./install-and-test" in (ROOT / ".ci" / "run").read_text()


def test_readme_settings_example_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml_block("[speech]"))
    speech = load_settings(path)
    assert (speech.voice, speech.rate, speech.device) == ("gmw/en-us", 175, "pulse")
    assert speech.earcons
    listen = load_listen_settings(path)
    assert listen.engine == "auto" and listen.self_voice_tail == 0.3
