"""`companion start WORKOUT` (and `companion` alone, which opens the picker).

Parses the speech and listening settings and hands them to the composition root,
`companion.app.wiring`, which chooses the adapters and runs the Textual app.
"""

from __future__ import annotations

import argparse
from typing import Any

from companion.speech_in.settings import add_listen_arguments
from companion.speech_in.settings import settings_from_args as listen_settings_from_args
from companion.speech_out.settings import add_speech_arguments
from companion.speech_out.settings import settings_from_args as speech_settings_from_args


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "start",
        help="go straight into a session of one workout",
        description="Start a session of WORKOUT (see `companion list` for the ids).",
    )
    parser.add_argument("workout", help="workout id, e.g. hip-thrust")
    add_session_arguments(parser)
    parser.set_defaults(run=run)


def add_session_arguments(parser: argparse.ArgumentParser) -> None:
    add_speech_arguments(parser)
    add_listen_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return _run_app(args, args.workout)


def run_picker(args: argparse.Namespace) -> int:
    return _run_app(args, None)


def _run_app(args: argparse.Namespace, workout_id: str | None) -> int:
    # A bad settings file fails here, before the screen is taken over.
    speech, listen = speech_settings_from_args(args), listen_settings_from_args(args)
    from companion.app.wiring import run_app

    return run_app(speech, listen, workout_id)
