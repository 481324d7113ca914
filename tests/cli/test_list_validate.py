"""`companion list` and `companion validate`, run through `companion.cli.main` as a user would:
output, exit codes, broken user files reported (never dropped) and no tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion import paths
from companion.cli import main

SHIPPED = ("hinge-back", "hip-thrust", "runner-posterior-chain")

# A valid workout whose one high-fatigue hinge has no warm-up: valid, with one warning.
PULL = """\
id = "pull"
title = "Heavy pull"
summary = "One heavy hinge."
format = "straight-sets"
unit = "kg"

[[sources]]
id = "src"
title = "Source article"
file = "001.txt"

[[exercises]]
id = "deadlift"
name = "Deadlift"
pattern = "hinge"
fatigue = "high"
sets = 3
reps = 5
rest_seconds = 180
load = 100
"""


def user_file(stem: str, text: str) -> Path:
    directory = paths.user_workouts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_list_shows_every_workout_with_duration_and_equipment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "MINUTES", "FROM", "EQUIPMENT"]
    assert [line.split()[0] for line in lines[1:]] == list(SHIPPED)
    thrust = next(line for line in lines if line.startswith("hip-thrust "))
    assert "Barbell hip thrust" in thrust and "bundled" in thrust
    assert "~" in thrust and "barbell, weight plates, bench, bar pad" in thrust
    runner = next(line for line in lines if line.startswith("runner-posterior-chain"))
    assert "exercise mat (optional)" in runner
    # Columns line up: every row's title starts where the header's does.
    column = lines[0].index("TITLE")
    assert all(line[column - 2 : column] == "  " for line in lines)
    assert err == ""


def test_list_reports_a_broken_user_file_and_still_lists_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = user_file("pull", PULL.replace("sets = 3", "sets = 0"))
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "hip-thrust" in out and "pull" not in out
    assert f"skipped broken workout file {broken}" in err
    assert f"{broken}:17: exercises[0].sets: expected a whole number from 1 to 20, got 0" in err
    assert "companion validate" in err


def test_list_marks_user_workouts_and_notes_an_override(
    capsys: pytest.CaptureFixture[str],
) -> None:
    user_file("pull", PULL)
    override = user_file("hip-thrust", PULL.replace('id = "pull"', 'id = "hip-thrust"'))
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    pull = next(line for line in out.splitlines() if line.startswith("pull "))
    assert "user" in pull
    assert f"{override} replaces the bundled workout 'hip-thrust'" in err


def test_validate_with_no_files_checks_bundled_and_user_workouts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "3 workout files are valid" in err
    assert main(["validate", str(paths.bundled_workouts_dir() / "hip-thrust.toml")]) == 0
    assert capsys.readouterr().err == "1 workout file is valid\n"


def test_validate_fails_on_a_broken_user_file_with_one_line_per_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = user_file("pull", PULL.replace('fatigue = "high"', 'fatigue = "huge"\ncolour = 1'))
    assert main(["validate"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:16: exercises[0].fatigue: expected one of low, moderate, high, got 'huge'",
        f"{path}:17: exercises[0].colour: unknown key; expected one of: "
        "id, name, pattern, fatigue, sets, reps, rest_seconds, per_side, sides, load, tempo, "
        "setup, steps, cues, mistakes, end_set_when, switch_sides, regression, progression, "
        "equipment",
    ]
    assert "1 of 4 workout files has errors" in err  # one of them has (issue 26)


def test_validate_named_files_prints_warnings_without_failing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "pull.toml"
    path.write_text(PULL)
    assert main(["validate", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith(f"{path}: warning: no warm-up before heavy work (Deadlift)")


def test_validate_reports_malformed_toml_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "pull.toml"
    path.write_text(PULL.replace("reps = 5", "reps = [5,"))
    assert main(["validate", str(path)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"{path}:1")
    assert ": not valid TOML: " in out


def test_validate_missing_file_and_directory_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = paths.bundled_workouts_dir() / "hip-thrust.toml"
    (tmp_path / "dir.toml").mkdir()
    code = main(["validate", str(good), str(tmp_path / "absent.toml"), str(tmp_path / "dir.toml")])
    assert code == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{tmp_path / 'absent.toml'}: no such file",
        f"{tmp_path / 'dir.toml'}: is a directory, not a workout file",
    ]
    assert "Traceback" not in out + err
    assert "2 of 3 workout files have errors" in err


def test_validate_keys_lists_every_key_with_what_it_holds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--keys"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split(maxsplit=2)[1:] for line in lines[1:]}
    assert rows["id"][0] == "required"
    assert rows["exercises[]"][0] == "required"
    assert rows["exercises[].tempo.note"] == ["optional", "a non-empty string"]
    assert rows["equipment[].substitutes"][0] == "optional"
    assert "workout's unit" in rows["exercises[].progression.increment_per_side"][1]
    assert rows["exercises[].cues[].moment"][1].startswith("one of before-set, concentric")
    assert rows["warmup[].load_share"][0] == "optional"
    assert "above 0 and below 1" in rows["warmup[].load_share"][1]
    assert rows["warmup[].exercise"][0] == "optional"


def test_every_key_the_readme_explains_is_a_real_key() -> None:
    import re

    from companion.library.schema import key_reference

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Writing a workout", 1)[1].split("\n## ", 1)[0]
    assert "`companion validate --keys` lists every key" in section
    explained = re.findall(r"^- `([a-z_\[\].]+)`", section, re.M)
    assert len(explained) >= 10
    keys = {path for path, _ in key_reference()}
    assert set(explained) <= keys
