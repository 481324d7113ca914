"""The workout library: TOML workout files, validated against one schema.

Used by the CLI (`companion list`, `companion validate`) and by whatever starts a session.
`load_library()` gives the valid bundled and user workouts plus every broken file with its
problems; `get_workout(id)` finds one workout or raises a `UserError` naming the known ids.
"""

from __future__ import annotations

from companion.library.loader import (
    Entry,
    FileResult,
    Library,
    Problem,
    get_workout,
    load_file,
    load_library,
    workout_files,
)

__all__ = [
    "Entry",
    "FileResult",
    "Library",
    "Problem",
    "get_workout",
    "load_file",
    "load_library",
    "workout_files",
]
