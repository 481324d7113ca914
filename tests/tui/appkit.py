"""Builds the real app for Pilot tests: real library, real SQLite history, silent speech adapters.

The clock is injectable so snapshots are identical on every run; the by-keys runs use the real
monotonic clock.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from rich.console import Console
from textual.pilot import Pilot

from companion import paths
from companion.app.runner import SessionRunner
from companion.app.wiring import clearance_question
from companion.domain.effects import StepKind
from companion.domain.workout import Workout
from companion.library import load_library
from companion.speech_in.port import NoSpeechIn, SpeechIn
from companion.speech_out.port import SilentSpeechOut, SpeechOut
from companion.storage.history import History
from companion.tui.app import CompanionApp
from companion.tui.session_screen import SessionScreen


class MovedClock:
    """A clock that stands still until the test moves it (`now`)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def keys_only() -> SpeechIn:
    return NoSpeechIn("voice commands off: keys only in this test")


def make_app(
    start: str | None = None,
    clock: Callable[[], float] = time.monotonic,
    open_listener: Callable[[], SpeechIn] = keys_only,
    history_off: str = "",
    speech: Callable[[], SpeechOut] | None = None,
    earcons: bool = True,
) -> CompanionApp:
    """`history_off`: run without history, for the reason given (a third banner line).
    `speech`: makes each session's speech out (default: silent); `earcons` as in the settings."""
    library = load_library()

    def open_session(workout: Workout) -> SessionRunner:
        history = None if history_off else History.open(paths.history_db())
        return SessionRunner(
            workout,
            speech() if speech else SilentSpeechOut("speech off: muted for the test"),
            history,
            clearance=clearance_question(workout, history),  # as the wiring asks it
            history_note=history_off,
            earcons=earcons,
            clock=clock,
        )

    return CompanionApp(
        library.workouts, open_session=open_session, open_listener=open_listener, start=start
    )


async def press_next_until(pilot: Pilot[None], kind: StepKind) -> SessionScreen:
    """Press space (next) until the session screen shows a step of `kind`."""
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    while screen.view is None or screen.view.kind is not kind:
        await pilot.press("space")
    return screen


def plain(prompt: object, width: int = 76) -> str:
    """An option's prompt as the list shows it, `width` columns wide, without trailing spaces."""
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(prompt)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())
