"""The Textual application: picker → session → summary.

The composition root (`companion.app.wiring`) builds it with what it needs to open a session
(`open_session` makes a `SessionRunner` with its speech out and history; `open_listener` makes the
speech-in adapter), so the UI never knows which concrete adapters are in use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from rich.text import Text
from textual.app import App

from companion.app.runner import SessionRunner
from companion.crash import crash_message
from companion.domain.workout import Workout
from companion.speech_in.port import SpeechIn
from companion.tui.picker import LastSession, PickerScreen
from companion.tui.session_screen import SessionScreen

OpenSession = Callable[[Workout], SessionRunner]
OpenListener = Callable[[], SpeechIn]
LastSessions = Callable[[], Mapping[str, LastSession]]


def no_history() -> Mapping[str, LastSession]:
    return {}


class CompanionApp(App[None]):
    CSS_PATH = Path(__file__).with_name("companion.tcss")
    TITLE = "companion"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        workouts: Sequence[Workout],
        *,
        open_session: OpenSession,
        open_listener: OpenListener,
        problems: Sequence[str] = (),
        start: str | None = None,
        on_ready: Callable[[], None] | None = None,
        last_sessions: LastSessions = no_history,
    ) -> None:
        """`last_sessions` is asked each time the picker shows, so a session just done is there."""
        super().__init__()
        self.workouts = {w.id: w for w in workouts}
        self.problems = list(problems)
        self.open_session = open_session
        self.open_listener = open_listener
        self.start_with = start
        self.runner: SessionRunner | None = None
        self._on_ready = on_ready
        self.last_sessions = last_sessions

    def on_ready(self) -> None:
        """The first screen is on the terminal: background loading may compete for the CPU now."""
        if self._on_ready is not None:
            self._on_ready()

    def on_mount(self) -> None:
        if self.start_with is not None:
            self.action_start(self.start_with)
        else:
            self.push_screen(self._picker())

    def action_start(self, workout_id: str) -> None:
        runner = self.open_session(self.workouts[workout_id])
        self.runner = runner
        screen = SessionScreen(runner, self.open_listener())
        if self.screen_stack and len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_pick(self) -> None:
        self.switch_screen(self._picker())

    def _picker(self) -> PickerScreen:
        return PickerScreen(list(self.workouts.values()), self.problems, self.last_sessions())

    def _fatal_error(self) -> None:
        """Log the traceback and leave with one line instead of Textual's traceback print-out."""
        error = self._exception or RuntimeError("unknown error")
        self.bell()
        self.panic(Text(crash_message(error)))  # plain: the error's words may hold a "["
