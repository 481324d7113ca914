"""`companion validate [FILE ...]`: check workout files against the schema.

With no FILE it checks the bundled workouts and the user workouts directory. Every error goes to
stdout on its own line as `FILE:LINE: KEY.PATH: message` (`FILE: message` when the file could not
be read at all, `FILE:LINE: message` for TOML syntax errors). Fatigue and ordering advice from
`companion.domain.fatigue` is printed as `FILE: warning: ...` and never fails the check. Exit
status: 0 when every file is valid, 1 when any has an error. Nothing read from a file, nor a
file's name, is printed raw (`companion.printable`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check workout files for errors",
        description="Check workout files against the workout schema. With no FILE, checks the "
        "bundled workouts and your user workouts directory. Exits 1 if any file has an error.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", type=Path, help="workout .toml files")
    parser.add_argument(
        "--keys", action="store_true", help="list every key a workout file may hold, and exit"
    )
    parser.set_defaults(run=run)


def print_keys() -> None:
    from companion.library.schema import key_reference, limits

    rows = list(key_reference())
    width = max(len(path) for path, _ in rows)
    print("Keys of a workout file ([] marks an array of tables, [[exercises]] in the file):")
    for path, field in rows:
        need = "required" if field.required else "optional"
        print(f"  {path:<{width}}  {need}  {field.expected}")
    print("Limits:")
    for limit in limits():
        print(f"  {limit}")


def run(args: argparse.Namespace) -> int:
    if args.keys:
        print_keys()
        return 0
    from companion.domain.fatigue import fatigue_warnings
    from companion.library import FileResult, load_file, load_library
    from companion.printable import printable

    notices: tuple[str, ...] = ()
    if args.files:
        results = [load_file(path) for path in args.files]
    else:
        library = load_library()
        results = [FileResult(entry.path, entry.workout) for entry in library.entries]
        results += library.broken
        notices = library.notices

    for result in results:
        for problem in result.problems:
            print(problem)
        if result.workout is not None:
            for warning in fatigue_warnings(result.workout):
                print(printable(f"{result.path}: warning: {warning}"))
    for notice in notices:
        print(f"note: {printable(notice)}")

    broken = sum(1 for result in results if result.problems)
    if not results:
        print("no workout files to check", file=sys.stderr)
    elif broken:
        has = "has" if broken == 1 else "have"
        print(f"{broken} of {_files(len(results))} {has} errors", file=sys.stderr)
    else:
        are = "is" if len(results) == 1 else "are"
        print(f"{_files(len(results))} {are} valid", file=sys.stderr)
    return 1 if broken else 0


def _files(count: int) -> str:
    return f"{count} workout file" + ("" if count == 1 else "s")
