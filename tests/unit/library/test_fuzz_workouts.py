"""Seeded fuzzing of workout files: mutations of the shipped workouts through the loader and the
validator. Every outcome is a valid workout or that file's own problems, printable as they are;
never another exception. Bounded: a fixed number of trials with a fixed seed, a few seconds."""

from __future__ import annotations

from pathlib import Path

from fuzz_text import run_trials

from companion import paths
from companion.domain.fatigue import estimate_minutes, fatigue_warnings
from companion.library import load_file

SEED = 27
TRIALS = 1200


def outcome_problem(path: Path) -> str | None:
    """What is wrong with how `path` was handled, or None when it was handled well."""
    result = load_file(path)
    if result.path != path:
        return f"the result names {result.path}"
    if result.workout is not None:
        estimate_minutes(result.workout)  # what `list` shows, `validate` warns about
        fatigue_warnings(result.workout)
        return f"a workout with problems {result.problems}" if result.problems else None
    if not result.problems:
        return "neither a workout nor a problem"
    for problem in result.problems:
        if problem.file != path:
            return f"a problem names {problem.file}"
        if not str(problem).isprintable():
            return f"a problem prints raw: {str(problem)!r}"
    return None


def test_mutated_workout_files_are_a_workout_or_that_files_error(tmp_path: Path) -> None:
    # Each workout keeps its own file name, so that a mutation that changes nothing stays valid.
    failures = []
    for source in sorted(paths.bundled_workouts_dir().glob("*.toml")):
        failures += run_trials(
            SEED, TRIALS // 3, [source.read_bytes()], tmp_path / source.name, outcome_problem
        )
    assert failures == [], f"{len(failures)} of {TRIALS} failed:\n" + "\n".join(failures[:20])
