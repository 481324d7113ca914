"""`companion list`: the workouts you can start, and any workout file that is broken.

Prints a plain aligned table (id, title, estimated minutes, where it comes from, equipment) on
stdout. Broken files are reported on stderr with every problem, and a user file that replaces a
bundled workout is mentioned there too; neither changes the exit status, which is 0 whenever the
library could be read, so a single bad user file never hides the good workouts. Nothing read from
a file, nor a file's name, is printed raw (`companion.printable`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

HEADERS = ("ID", "TITLE", "MINUTES", "FROM", "EQUIPMENT")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list the bundled and your own workouts",
        description="List the workouts (bundled and from your user workouts directory) with "
        "their estimated duration and equipment. Broken workout files are reported on stderr.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from companion import paths
    from companion.domain.fatigue import estimate_minutes
    from companion.library import load_library
    from companion.printable import printable

    library = load_library()
    rows = [
        tuple(
            printable(cell)
            for cell in (
                entry.workout.id,
                entry.workout.title,
                f"~{estimate_minutes(entry.workout)}",
                "user" if entry.user else "bundled",
                ", ".join(
                    f"{item.name} (optional)" if item.optional else item.name
                    for item in entry.workout.equipment
                )
                or "none",
            )
        )
        for entry in library.entries
    ]
    if rows:
        widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
        for row in [HEADERS, *rows]:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            print("  ".join(cells).rstrip())
    else:
        print(f"No workouts found. Add .toml workout files to {paths.user_workouts_dir()}")

    for notice in library.notices:
        print(f"companion: note: {printable(notice)}", file=sys.stderr)
    for broken in library.broken:
        print(f"companion: skipped broken workout file {printable(str(broken.path))}:",
              file=sys.stderr)
        for problem in broken.problems:
            print(f"  {problem}", file=sys.stderr)
    if library.broken:
        print("companion: fix the files above; `companion validate` checks them", file=sys.stderr)
    return 0
