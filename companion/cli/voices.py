"""`companion voices`: the voice ids pyttsx3 offers here, for `--voice` and `[speech] voice`."""

from __future__ import annotations

import argparse
from typing import Any

from companion.errors import UserError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "voices",
        help="list the voices speech can use",
        description="List the text-to-speech voices on this machine (use the ID with --voice).",
    )
    parser.add_argument("--language", help="only voices for this language, e.g. en")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from companion.speech_out.render import WorkerError, list_voices

    try:
        voices = list_voices()
    except WorkerError as err:
        raise UserError(str(err)) from err
    if args.language:
        wanted = args.language.lower()
        voices = [
            v for v in voices
            if any(lang.lower().startswith(wanted) for lang in v.languages)
            or v.id.lower().endswith("/" + wanted)
        ]
    if not voices:
        raise UserError("no voices found" + (f" for {args.language}" if args.language else ""))
    width = max(len(v.id) for v in voices)
    print(f"{'ID':<{width}}  NAME  (LANGUAGES)")
    for voice in voices:
        languages = ", ".join(voice.languages)
        print(f"{voice.id:<{width}}  {voice.name}" + (f"  ({languages})" if languages else ""))
    return 0
