"""The session runner: effects reach speech out and history; a failing history never stops it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sample_workouts import THRUST, straight

from companion.domain.effects import Priority, RecordSet
from companion.domain.events import Command
from companion.runner import SessionRunner
from companion.speech_out.port import PlaybackListener, SpeechStatus, StatusListener
from companion.storage.history import History


class Voice:
    """Records what the runner asked speech out to do."""

    def __init__(self) -> None:
        self.said: list[tuple[str, Priority, float | None, str]] = []
        self.cancelled: list[str | None] = []

    def say(
        self, text: str, *, priority: Priority, at: float | None = None, group: str = ""
    ) -> None:
        self.said.append((text, priority, at, group))

    def cancel(self, group: str | None = None) -> None:
        self.cancelled.append(group)

    def prepare(self, phrases: Iterable[str]) -> None:
        pass

    def status(self) -> SpeechStatus:
        return SpeechStatus(on=True, detail="test")

    def subscribe(self, on_playback: PlaybackListener, on_status: StatusListener) -> None:
        pass

    def close(self) -> None:
        pass


def test_effects_go_to_speech_and_history(tmp_path: Path) -> None:
    now = [0.0]
    voice = Voice()
    history = History.open(tmp_path / "h.sqlite3")
    runner = SessionRunner(straight(THRUST), voice, history, clock=lambda: now[0])
    runner.start()
    assert voice.said[0][0].startswith("Test session.")
    while runner.session.step.exercise is None or runner.session.step.kind.value != "set":
        runner.command(Command.NEXT)
    cancelled_before = len(voice.cancelled)
    runner.command(Command.PAIN, heard="my back hurts")
    assert voice.cancelled[cancelled_before] is None  # pain first cuts off everything
    assert runner.session_id is not None
    (pain,) = history.session_pain(runner.session_id)
    assert pain.heard == "my back hurts"
    assert [s.outcome.value for s in history.session_sets(runner.session_id)] == ["pain"]


def test_history_failing_mid_session_turns_history_off_and_the_session_goes_on(
    tmp_path: Path,
) -> None:
    db = tmp_path / "h.sqlite3"
    history = History.open(db)
    runner = SessionRunner(straight(THRUST), Voice(), history)
    runner.start()
    # The disk goes read-only under the running session.
    history._db.close()
    history._db = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    while runner.session.step.kind.value != "set":
        runner.command(Command.NEXT)
    effects = runner.command(Command.NEXT)
    assert any(isinstance(e, RecordSet) for e in effects)
    assert runner.history is None
    assert runner.history_note.startswith("history is off: cannot write history at")
    assert runner.session.step.kind.value == "rest"  # the session carries on
    runner.command(Command.NEXT)
    assert (runner.session.step.kind.value, runner.session.step.set_number) == ("set", 2)
