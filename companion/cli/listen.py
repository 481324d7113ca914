"""`companion listen`: hear commands from the microphone, or from WAV files through the same
pipeline (one JSON line per file with --json)."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from companion.domain.events import Command
from companion.speech_in.settings import add_listen_arguments


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "listen",
        help="print spoken commands heard from the microphone or from WAV files",
        description="With no FILE, listen to the microphone and print commands as they are "
        "heard (Ctrl-C stops). With WAV files, run each through a fresh recognizer.",
    )
    add_listen_arguments(parser, allow_off=False)
    parser.add_argument("--json", action="store_true", help="one JSON line per file or command")
    parser.add_argument(
        "--listen-for",
        type=commands_listened_for,
        metavar="COMMANDS",
        help="listen only for these commands (comma-separated, e.g. yes,no) and the safety ones "
        "(pain, halt, stop), as a session does at each step; default: every command",
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="WAV files (any rate, mono or stereo)"
    )
    parser.set_defaults(run=run)


def commands_listened_for(text: str) -> frozenset[Command]:
    """`--listen-for`'s value: command names, comma-separated."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    known = {c.value: c for c in Command}
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"not a command: {', '.join(unknown) or repr(text)}; the commands are "
            + ", ".join(known)
        )
    return frozenset(known[name] for name in names)


def run(args: argparse.Namespace) -> int:
    from companion.speech_in.listener import choose_engine
    from companion.speech_in.settings import settings_from_args

    choice = choose_engine(settings_from_args(args))
    if not args.files:
        return _listen_live(args)
    from companion.speech_in.pipeline import recognise_file

    engine = choice.load()
    if engine.missing:
        print(f"companion: words the model lacks: {', '.join(engine.missing)}", file=sys.stderr)
    unread = 0
    for path in args.files:
        line = recognise_file(engine, path, args.listen_for)
        unread += "error" in line
        if args.json:
            print(json.dumps(line, ensure_ascii=False), flush=True)
        elif "error" in line:
            print(f"{path}: {line['error']}", flush=True)
        else:
            heard = ", ".join(
                f"{c.get('command', 'number')} ({c['heard']!r} at {c['at_s']:.2f} s)"
                for c in line["commands"]
            )
            print(f"{path}: {heard or 'no command'}", flush=True)
    if unread:  # each was named on its own line above
        print(f"companion: {unread} of {len(args.files)} files could not be read", file=sys.stderr)
        return 1
    return 0


def _listen_live(args: argparse.Namespace) -> int:
    from companion.speech_in.listener import open_speech_in
    from companion.speech_in.port import Heard, ListenState, ListenStatus
    from companion.speech_in.settings import settings_from_args

    speech_in = open_speech_in(settings_from_args(args))
    if args.listen_for is not None:
        speech_in.listen_for(args.listen_for)
    last_detail = [""]
    done = threading.Event()

    def heard(item: Heard) -> None:
        value: int | str | None
        if item.command is None:
            key, value, said = "number", item.number, "number"
        elif item.sure:
            key, value, said = "command", item.command.value, item.command.value
        else:  # a near miss: the session acts on nothing, it only sounds the "not taken" tone
            key, value, said = "near_miss", item.command.value, f"not sure: {item.command.value}"
        if args.json:
            print(json.dumps({key: value, "heard": item.text}), flush=True)
        else:
            print(f"{said}  ({item.text})", flush=True)

    def status(item: ListenStatus) -> None:
        # Levels change ten times a second; only new details are worth a line.
        if item.detail != last_detail[0]:
            last_detail[0] = item.detail
            print(f"[{item.detail}]", file=sys.stderr, flush=True)
            if item.state is ListenState.OFF:
                done.set()

    speech_in.start(heard, status)
    try:
        while not done.wait(0.5):
            pass
    finally:
        speech_in.close()
    return 1
