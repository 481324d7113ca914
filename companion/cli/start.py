"""`companion start WORKOUT` (and `companion` alone, which opens the picker).

This is where the concrete adapters are chosen and wired: the library, history, speech out and
speech in. The session screen comes up first; speech and listening load in background threads
and attach when ready, so start-up never waits for pyttsx3, PortAudio or a speech model.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

from companion.errors import UserError


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
    parser.add_argument("--mute", action="store_true", help="run silently: cues on screen only")
    parser.add_argument("--no-listen", action="store_true", help="no voice commands: keys only")


def run(args: argparse.Namespace) -> int:
    return _run_app(args, args.workout)


def run_picker(args: argparse.Namespace) -> int:
    return _run_app(args, None)


def _run_app(args: argparse.Namespace, workout_id: str | None) -> int:
    from companion.library import load_library

    library = load_library()
    if workout_id is not None:
        library.get(workout_id)  # an unknown id fails here, before the screen is taken over
    problems = [str(p) for result in library.broken for p in result.problems]
    problems.extend(library.notices)
    wiring = Wiring(args)
    from companion.tui.app import CompanionApp

    app = CompanionApp(
        library.workouts,
        open_session=wiring.open_session,
        open_listener=wiring.open_listener,
        problems=problems,
        start=workout_id,
    )
    try:
        app.run()
    finally:
        wiring.close()
    return 0


class Wiring:
    """Builds each session's adapters from the command-line settings."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._closers: list[Any] = []

    def open_session(self, workout: Any) -> Any:
        from companion import paths
        from companion.runner import DeferredSpeechOut, SessionRunner
        from companion.storage.history import History, HistoryUnavailable

        history: History | None
        note = ""
        try:
            history = History.open(paths.history_db())
            self._closers.append(history)
        except HistoryUnavailable as err:
            history, note = None, f"history is off: {err}"
        loads = plan_loads(workout, history)
        speech = DeferredSpeechOut()
        runner = SessionRunner(workout, speech, history, loads=loads, history_note=note)
        self._closers.append(speech)
        threading.Thread(
            target=self._attach_speech,
            args=(speech, workout),
            name="speech-out-loader",
            daemon=True,
        ).start()
        return runner

    def _attach_speech(self, speech: Any, workout: Any) -> None:
        from companion.domain.script import speakable_phrases
        from companion.speech_out.port import SilentSpeechOut

        real = SilentSpeechOut("muted" if self.args.mute else "speech output not built yet")
        speech.attach(real)
        speech.prepare(sorted(speakable_phrases(workout)))

    def open_listener(self) -> Any:
        from companion.speech_in.port import NoSpeechIn

        return NoSpeechIn(
            "voice commands off (--no-listen)"
            if self.args.no_listen
            else "voice commands not built yet"
        )

    def close(self) -> None:
        for closer in self._closers:
            closer.close()


def plan_loads(workout: Any, history: Any) -> dict[str, Any]:
    return {}


__all__ = ["UserError", "add_parser", "run", "run_picker"]
