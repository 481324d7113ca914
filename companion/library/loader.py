"""Finding, reading and validating workout files; the library of bundled and user workouts.

Used by the `list` and `validate` commands and by whatever starts a session. Nothing here raises
for a bad file: every file ends up either as a valid workout or as a broken file with all its
problems, each with file, line and key path, so callers can report it instead of dropping it.

A user workout whose id is the id of a bundled one replaces the bundled one (so a user can adjust a
shipped workout by copying it); the library records a notice saying so, and callers show it.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion import paths
from companion.domain.workout import Workout
from companion.errors import UserError
from companion.library import schema
from companion.library.locate import key_lines, line_of
from companion.printable import printable


@dataclass(frozen=True)
class Problem:
    """One error in one file. `line` is None when the file could not be read at all."""

    file: Path
    line: int | None
    key: str  # like "exercises[2].tempo.eccentric"; empty for errors about the whole file
    message: str

    def __str__(self) -> str:
        """The problem as one line for a terminal: nothing from the file is printed raw."""
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return printable(text)


@dataclass(frozen=True)
class FileResult:
    """What came of one file: a workout, or the problems that kept it from being one."""

    path: Path
    workout: Workout | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Entry:
    """A valid workout in the library and where it came from."""

    workout: Workout
    path: Path
    user: bool  # from the user workouts directory rather than shipped


@dataclass(frozen=True)
class Library:
    entries: tuple[Entry, ...]
    broken: tuple[FileResult, ...] = ()
    notices: tuple[str, ...] = ()  # worth telling the user, not errors (a user file overriding)

    @property
    def workouts(self) -> tuple[Workout, ...]:
        return tuple(entry.workout for entry in self.entries)

    def get(self, workout_id: str) -> Workout:
        """The workout called `workout_id`; a `UserError` naming the known ids if there is none,
        or naming the broken file that holds it."""
        found = next((e for e in self.entries if e.workout.id == workout_id), None)
        if found is not None and found.user:
            return found.workout
        # A broken file of that name is the user's own version: running the bundled one instead,
        # unannounced, would not be the workout they edited.
        for result in self.broken:
            if result.path.stem == workout_id:
                path = printable(str(result.path))
                raise UserError(
                    f"the workout file {path} has errors; run `companion validate {path}` to see"
                    " them"
                )
        if found is not None:
            return found.workout
        known = ", ".join(entry.workout.id for entry in self.entries) or "none"
        raise UserError(f"no workout called {workout_id!r}; known workouts: {known}")


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


def load_file(path: Path) -> FileResult:
    """Read, parse and validate one workout file; the workout's id must be the file's stem."""
    if path.exists() and not path.is_file() and not path.is_dir():
        # Reading a named pipe would wait for a writer forever.
        return _unreadable(path, "is not a regular file")
    too_big = f"is larger than {schema.MAX_FILE_BYTES // 1_000_000} MB; a workout file is a few kB"
    try:
        with path.open("rb") as file:
            if os.fstat(file.fileno()).st_size > schema.MAX_FILE_BYTES:
                return _unreadable(path, too_big)
            # Read no more than the limit allows, whatever the size said.
            raw = file.read(schema.MAX_FILE_BYTES + 1)
        if len(raw) > schema.MAX_FILE_BYTES:
            return _unreadable(path, too_big)
        # An editor's byte-order mark is not content; tomllib would call it an invalid statement.
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        return _unreadable(path, "no such file")
    except IsADirectoryError:
        return _unreadable(path, "is a directory, not a workout file")
    except PermissionError:
        return _unreadable(path, "cannot be read: permission denied")
    except UnicodeDecodeError as err:
        return _unreadable(path, f"is not UTF-8 text (bad byte at offset {err.start})")
    except OSError as err:
        return _unreadable(path, f"cannot be read: {err.strerror or err}")
    try:
        data = tomllib.loads(text)
    except RecursionError:
        return _unreadable(path, "not valid TOML: arrays or tables nested too deeply")
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = _TOML_POSITION.search(message)
        if match is None:
            line = None
        elif match.group(1) is not None:
            line = int(match.group(1))
        else:
            line = max(1, len(text.splitlines()))
        detail = message[: match.start()] if match else message
        return _unreadable(path, f"not valid TOML: {detail}", line)
    except ValueError:
        # tomllib's only other error: an integer beyond Python's digit limit for conversion.
        digits = sys.get_int_max_str_digits()
        huge = re.search(rf"(?:[0-9]_?){{{digits},}}", text)
        line = text.count("\n", 0, huge.start()) + 1 if huge else None
        return _unreadable(path, f"a number of more than {digits} digits", line)
    if _depth(data) > schema.MAX_DEPTH:
        return _unreadable(path, f"tables and arrays nested more than {schema.MAX_DEPTH} deep")
    issues = schema.check(data, path.stem)
    if issues:
        lines = key_lines(text)
        problems = [
            Problem(path, line_of(lines, issue.path), schema.format_path(issue.path), issue.message)
            for issue in issues
        ]
        # In file order, as an editor shows them; a stable sort keeps same-line problems in the
        # schema's order.
        problems.sort(key=lambda problem: problem.line or 0)
        return FileResult(path, None, tuple(problems))
    return FileResult(path, schema.build(data))


def _depth(data: dict[str, Any]) -> int:
    """How deep tables and arrays nest in `data` (its own keys are at depth 0), counted without
    recursion and only as far as one level past the limit."""
    deepest = 0
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(data, 0)]
    while stack and deepest <= schema.MAX_DEPTH:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _unreadable(path: Path, message: str, line: int | None = None) -> FileResult:
    return FileResult(path, None, (Problem(path, line, "", message),))


def workout_files(directory: Path) -> list[Path]:
    """The `*.toml` files directly in `directory`, by name; none when it does not exist."""
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.toml"))


def load_library(bundled_dir: Path | None = None, user_dir: Path | None = None) -> Library:
    """The bundled workouts, then the user's (a user file replaces a bundled one of the same id).

    The directories default to `companion.paths.bundled_workouts_dir()` and `user_workouts_dir()`.
    """
    bundled_dir = paths.bundled_workouts_dir() if bundled_dir is None else bundled_dir
    user_dir = paths.user_workouts_dir() if user_dir is None else user_dir
    entries: dict[str, Entry] = {}
    broken: list[FileResult] = []
    notices: list[str] = []
    if user_dir.exists() and not user_dir.is_dir():
        broken.append(_unreadable(user_dir, "should be the user workouts directory, not a file"))
    for user, directory in ((False, bundled_dir), (True, user_dir)):
        for path in workout_files(directory):
            result = load_file(path)
            if result.workout is None:
                broken.append(result)
                continue
            replaced = entries.get(result.workout.id)
            if replaced is not None:
                notices.append(
                    f"{path} replaces the bundled workout {result.workout.id!r} ({replaced.path})"
                )
            entries[result.workout.id] = Entry(result.workout, path, user)
    return Library(tuple(entries.values()), tuple(broken), tuple(notices))


def get_workout(workout_id: str) -> Workout:
    """The workout `workout_id` from the bundled and user workouts (`UserError` when unknown)."""
    return load_library().get(workout_id)
