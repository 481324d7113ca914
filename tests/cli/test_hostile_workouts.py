"""`companion list` and `validate` with a hostile user workout file: the file's own error, the
other workouts still listed, and nothing from the file printed raw."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion import paths
from companion.cli import main
from companion.library.schema import MAX_LINE, MAX_SET_MINUTES, MAX_WORKOUT_MINUTES

THRUST = (paths.bundled_workouts_dir() / "hip-thrust.toml").read_text(encoding="utf-8")
SHIPPED = ("hinge-back", "hip-thrust", "runner-posterior-chain")

HOSTILE = {
    "big-integer": THRUST.replace("reps = [8, 12]", "reps = " + "9" * 5000),
    "deep-arrays": THRUST.replace("reps = [8, 12]", "reps = " + "[" * 400 + "]" * 400),
    "escape-codes": THRUST.replace(
        'title = "Barbell hip thrust"', 'title = "\\u001b]0;owned\\u0007\\u001b[2J"'
    ) + '"\\u001b[31mred" = 1\n',
}


def user_file(name: str, text: str) -> Path:
    directory = paths.user_workouts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_nothing_raw(text: str) -> None:
    assert not any(char in text for char in "\x1b\x07\x9b"), repr(text)
    assert "Traceback" not in text and "unexpected error" not in text


@pytest.mark.parametrize("kind", HOSTILE)
def test_list_names_the_hostile_file_and_lists_the_rest(
    capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = user_file(f"{kind}.toml", HOSTILE[kind])
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines()[1:]] == list(SHIPPED)
    assert f"skipped broken workout file {path}:" in err
    assert_nothing_raw(out + err)


@pytest.mark.parametrize("kind", HOSTILE)
def test_validate_reports_the_hostile_file_and_checks_the_rest(
    capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = user_file(f"{kind}.toml", HOSTILE[kind])
    assert main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert all(line.startswith(f"{path}") for line in out.splitlines()), out
    assert "1 of 4 workout files" in err
    assert_nothing_raw(out + err)


def test_validate_escapes_a_file_name_and_what_it_echoes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "\x1b]0;name\x07.toml"
    path.write_text(HOSTILE["escape-codes"], encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert_nothing_raw(out + err)
    assert f"{tmp_path}/\\x1b]0;name\\x07.toml:" in out
    assert "title: expected text without control characters, got \\x1b at character 1" in out
    assert '"\\x1b[31mred": unknown key' not in out and "\\x1b[31mred: unknown key" in out


def test_starting_another_workout_is_not_blocked_by_a_broken_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    user_file("hip-thrust.toml", HOSTILE["big-integer"])
    from companion.library import load_library

    library = load_library()
    assert library.get("hinge-back").id == "hinge-back"
    # Its own id names the broken file (escaped) rather than running the bundled one.
    with pytest.raises(Exception, match="has errors; run `companion validate"):
        library.get("hip-thrust")


def test_validate_keys_says_the_limits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--keys"]) == 0
    out = capsys.readouterr().out
    limits = out.split("Limits:\n", 1)[1]
    assert f"one line of at most {MAX_LINE}" in limits
    assert "no control characters" in limits
    assert f"one set: at most {MAX_SET_MINUTES} minutes" in limits
    assert f"a workout: at most {MAX_WORKOUT_MINUTES} minutes" in limits
    assert "a workout file: at most 1 MB" in limits
    keys = out.split("Limits:")[0].splitlines()[1:]
    rows = {line.split()[0]: line.split(maxsplit=2)[1:] for line in keys}
    assert rows["exercises[]"] == ["required", "an array of tables, up to 30"]
    assert "  reps" not in limits
