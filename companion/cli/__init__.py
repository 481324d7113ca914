"""The `companion` command: parses arguments and hands each subcommand to its module.

Each subcommand lives in `companion/cli/<name>.py` with `add_parser(subparsers)`, which sets the
parser's `run` default to a function `(args) -> int`. Modules import their heavy dependencies
inside `run`, so `companion start` reaches the session screen quickly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from companion import __version__
from companion.errors import UserError

# Order is the order shown in --help.
COMMANDS = ("start", "list", "validate", "history", "say", "voices", "listen", "models", "doctor")

Runner = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="companion",
        description="A voice-guided workout companion for the terminal. "
        "With no command, opens the workout picker (with the speech and listening options "
        "below).",
    )
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    # The picker starts sessions too, so it takes the same speech and listening settings.
    from companion.cli.start import add_session_arguments

    add_session_arguments(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"companion.cli.{name}")
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Runner | None = getattr(args, "run", None)
    if run is None:
        from companion.cli.start import run_picker

        run = run_picker
    try:
        return run(args)
    except UserError as err:
        print(f"companion: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`companion history | head -1`): nothing is wrong, and nothing
        # more can be written. Python would report the pipe again when it flushes stdout at
        # exit, so stdout goes to /dev/null first. 141 is what a shell shows for SIGPIPE.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as err:  # the last line of defence: no traceback reaches the user
        from companion.crash import crash_message

        print(crash_message(err), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
