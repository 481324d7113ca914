"""Hostile and oversized workout files: each is that file's error, with the limits a person could
mean, and nothing in it reaches the terminal raw."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import test_library
from test_library import problems_of

from companion import paths
from companion.library import load_file, load_library
from companion.library.schema import (
    MAX_DEPTH,
    MAX_EXERCISES,
    MAX_FILE_BYTES,
    MAX_LINE,
    MAX_LOAD,
    MAX_SET_MINUTES,
    MAX_TEXT,
    MAX_WORKOUT_MINUTES,
)
from companion.printable import printable

THRUST = (paths.bundled_workouts_dir() / "hip-thrust.toml").read_text(encoding="utf-8")
TITLE = 'title = "Barbell hip thrust"'
REPS = "reps = [8, 12]"
SUMMARY = tomllib.loads(THRUST)["summary"]


def write(directory: Path, text: str, stem: str = "hip-thrust") -> Path:
    return test_library.write(directory, text, stem)


def test_the_base_file_is_valid(tmp_path: Path) -> None:
    assert load_file(write(tmp_path, THRUST)).workout is not None


# --- what the parser or Python cannot take ------------------------------------------------------


def test_an_integer_beyond_pythons_digit_limit_is_the_files_error(tmp_path: Path) -> None:
    path = write(tmp_path, THRUST.replace(REPS, "reps = " + "9" * 5000))
    (problem,) = problems_of(path)
    assert problem.message == "a number of more than 4300 digits"
    assert problem.line == THRUST.splitlines().index(REPS) + 1


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 330, 400, 490])
def test_arrays_nested_deeper_than_any_workout_are_the_files_error(
    tmp_path: Path, depth: int
) -> None:
    # 330 to 490 deep: tomllib parses it (unless the stack is already deep, as under pytest),
    # and describing it used to exhaust Python's recursion.
    path = write(tmp_path, THRUST.replace(REPS, "reps = " + "[" * depth + "]" * depth))
    (problem,) = problems_of(path)
    assert problem.message in (
        f"tables and arrays nested more than {MAX_DEPTH} deep",
        "not valid TOML: arrays or tables nested too deeply",
    )
    if depth < 400:
        assert problem.message.startswith("tables and arrays")


def test_a_long_number_in_range_of_the_digit_limit_is_described_briefly(tmp_path: Path) -> None:
    path = write(tmp_path, THRUST.replace(REPS, "reps = " + "9" * 4000))
    (problem,) = problems_of(path)
    assert problem.message.endswith("got a number of 4000 digits")


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(text: str) -> object:
        raise AssertionError("an oversized file was parsed")

    monkeypatch.setattr(tomllib, "loads", never)
    for size in (MAX_FILE_BYTES + 1, 10_000_000):
        path = write(tmp_path, THRUST + "#" * (size - len(THRUST.encode())))
        (problem,) = problems_of(path)
        assert problem.message == "is larger than 1 MB; a workout file is a few kB"


def test_a_file_just_under_the_size_limit_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, THRUST + "#" * (MAX_FILE_BYTES - len(THRUST.encode()) - 1) + "\n")
    assert load_file(path).workout is not None


# --- limits a person could mean -----------------------------------------------------------------


def test_a_workout_at_every_limit_of_its_keys_is_still_too_long(tmp_path: Path) -> None:
    """Each value in range, together over six days: the duration limit refuses it."""
    exercise = (
        '[[exercises]]\nid = "e{n}"\nname = "E{n}"\npattern = "hinge"\nfatigue = "low"\n'
        # A load: the shipped warm-up's lighter set is a share of the first exercise's.
        f"sets = 20\nreps = 1\nrest_seconds = 900\nload = {MAX_LOAD:g}\n"
    )
    head = THRUST.split("[[exercises]]", 1)[0]
    text = head + "".join(exercise.format(n=n) for n in range(MAX_EXERCISES))
    (problem,) = problems_of(write(tmp_path, text))
    assert problem.key == "" and problem.line == 1
    assert problem.message.startswith("the workout would last about 9")
    assert f"a workout may last at most {MAX_WORKOUT_MINUTES}" in problem.message


def test_a_set_longer_than_anyone_means_is_refused(tmp_path: Path) -> None:
    text = THRUST.replace(REPS, "reps = 100").replace("concentric = 1", "concentric = 20")
    problems = problems_of(write(tmp_path, text))
    problem = next(p for p in problems if p.key == "exercises[0].reps")
    assert problem.message.startswith("one set would last about ")
    assert f"a set may last at most {MAX_SET_MINUTES}" in problem.message


def test_more_exercises_than_the_limit_are_refused(tmp_path: Path) -> None:
    exercise = "[[exercises]]" + THRUST.split("[[exercises]]", 1)[1]
    head = THRUST.split("[[exercises]]", 1)[0]
    count = MAX_EXERCISES + 1
    copies = [exercise.replace('id = "hip-thrust"', f'id = "t{n}"') for n in range(count)]
    problems = problems_of(write(tmp_path, head + "\n".join(copies)))
    problem = next(p for p in problems if p.key == "exercises")
    assert problem.message == f"expected at most {MAX_EXERCISES} entries, got {MAX_EXERCISES + 1}"


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            TITLE,
            f'title = "{"T" * (MAX_LINE + 1)}"',
            "title",
            f"expected at most {MAX_LINE} characters, got {MAX_LINE + 1}",
        ),
        (
            'summary = "',
            f'summary = "{"s" * MAX_TEXT}',
            "summary",
            f"expected at most {MAX_TEXT} characters, got {MAX_TEXT + len(SUMMARY)}",
        ),
        (
            'substitutes = ["sturdy plyo box"]',
            f"substitutes = {['box'] * 31}",
            "equipment[2].substitutes",
            "expected at most 30 entries, got 31",
        ),
    ],
)
def test_texts_and_lists_have_limits(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    assert old in THRUST
    problems = problems_of(write(tmp_path, THRUST.replace(old, new, 1)))
    assert [p.message for p in problems if p.key == key] == [message]


# --- control characters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            TITLE,
            'title = "Hip \\u001b]0;owned\\u0007 thrust"',
            "title",
            "expected text without control characters, got \\x1b at character 5",
        ),
        (
            TITLE,
            'title = "Hip \\u0007thrust"',
            "title",
            "expected text without control characters, got \\x07 at character 5",
        ),
        (
            TITLE,
            'title = "Hip \\u009bthrust"',
            "title",
            "expected text without control characters, got \\x9b at character 5",
        ),
        (
            TITLE,
            'title = "Hip\\nthrust"',
            "title",
            "expected one line, got a line break or tab at character 4",
        ),
        (
            'summary = "',
            'summary = "\\r',
            "summary",
            "expected text without control characters, got \\x0d at character 1",
        ),
        (
            'name = "barbell"',
            'name = "bar\\u007fbell"',
            "equipment[0].name",
            "expected text without control characters, got \\x7f at character 4",
        ),
    ],
)
def test_control_characters_in_text_are_refused(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    assert old in THRUST
    problems = problems_of(write(tmp_path, THRUST.replace(old, new, 1)))
    assert [p.message for p in problems if p.key == key] == [message]


def test_text_of_several_lines_may_hold_line_breaks_and_tabs(tmp_path: Path) -> None:
    text = THRUST.replace('summary = "', 'summary = "Two\\n\\tlines. ', 1)
    workout = load_file(write(tmp_path, text)).workout
    assert workout is not None and workout.summary.startswith("Two\n\tlines. ")


def test_a_problem_prints_nothing_from_the_file_raw(tmp_path: Path) -> None:
    path = write(tmp_path / "a\x1b[31m", THRUST + '"\\u001b]0;x\\u0007" = 1\n')
    (problem,) = problems_of(path)
    assert "\x1b" in problem.key  # the data keeps what the file says ...
    assert str(problem) == printable(str(problem))  # ... printing escapes it
    assert "\x1b" not in str(problem) and "\x07" not in str(problem)
    assert "a\\x1b[31m" in str(problem) and "\\x1b]0;x\\x07" in str(problem)


def test_printable_escapes_controls_and_keeps_every_script() -> None:
    assert printable("Hüftheben 힙 쓰러스트") == "Hüftheben 힙 쓰러스트"
    assert printable("a\x1b[2Jb\x07\x9b\u202e\n") == "a\\x1b[2Jb\\x07\\x9b\\u202e\\n"


# --- the rest of the library stays usable -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        THRUST.replace(REPS, "reps = " + "9" * 5000),
        THRUST.replace(REPS, "reps = " + "[" * 400 + "]" * 400),
        THRUST.replace(TITLE, 'title = "\\u001b]0;owned\\u0007"'),
    ],
    ids=["big-integer", "deep-arrays", "escape-codes"],
)
def test_one_hostile_user_file_leaves_the_other_workouts_usable(text: str) -> None:
    path = write(paths.user_workouts_dir(), text, stem="mine")
    library = load_library()
    assert [broken.path for broken in library.broken] == [path]
    assert {"hinge-back", "hip-thrust", "runner-posterior-chain"} <= {
        workout.id for workout in library.workouts
    }
    assert library.get("hip-thrust").id == "hip-thrust"
