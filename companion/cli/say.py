"""`companion say "ribs down"`: speak one phrase with the session's voice settings, and wait.

Handy to try a voice, rate or output device before a session.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

from companion.errors import UserError
from companion.speech_out.settings import add_speech_arguments, settings_from_args

# Rendering a phrase takes well under a second; this covers a cold start and a long phrase.
# Once the phrase plays, its end is awaited however long it is: a stalled device turns speech
# off (`player.STALL_S`), which ends the wait too.
TIMEOUT_S = 60.0


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "say",
        help="speak a phrase (to try a voice, rate or device)",
        description="Speak TEXT through the companion's voice and output, then exit.",
    )
    parser.add_argument("text", help='what to say, e.g. "ribs down"')
    add_speech_arguments(parser, mute=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from companion.domain.effects import Priority
    from companion.speech_out.port import Playback, SpeechStatus
    from companion.speech_out.speaker import open_speech_out

    text = args.text.strip()
    if not text:
        raise UserError("nothing to say: give a phrase, e.g. companion say \"ribs down\"")
    speech = open_speech_out(settings_from_args(args))
    started = threading.Event()
    done = threading.Event()
    problem: list[str] = []

    def on_playback(playback: Playback) -> None:
        started.set()
        if playback.ended is not None:
            done.set()

    def on_status(status: SpeechStatus) -> None:
        if not status.on or status.unsaid == text:
            problem.append(status.detail)
            done.set()
            started.set()

    try:
        if not speech.status().on:
            raise UserError(speech.status().detail)
        speech.subscribe(on_playback, on_status)
        speech.say(text, priority=Priority.INSTRUCTION)
        if not started.wait(TIMEOUT_S):
            raise UserError(f"the phrase did not start playing within {TIMEOUT_S:.0f} s")
        done.wait()
        if problem:
            raise UserError(problem[0])
    finally:
        speech.close()
    return 0
