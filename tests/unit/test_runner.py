"""The session runner: effects reach speech out and history; a failing history never stops it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sample_workouts import RDL, THRUST, straight

from companion.app.runner import SessionRunner
from companion.domain.effects import Priority, RecordSet
from companion.domain.events import Command
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


def test_a_write_lock_held_by_another_program_delays_records_without_losing_them(
    tmp_path: Path,
) -> None:
    db = tmp_path / "h.sqlite3"
    history = History.open(db)
    other = sqlite3.connect(db, isolation_level=None)
    runner = SessionRunner(straight(THRUST), Voice(), history)
    runner.start()
    other.execute("BEGIN IMMEDIATE")  # another program starts writing
    while runner.session.step.kind.value != "set":
        runner.command(Command.NEXT)
    runner.command(Command.NEXT)  # set 1 ends: its record must wait
    assert runner.history is history
    assert len(runner.unwritten) == 1
    assert runner.history_note == (
        f"history is waiting: {db} is locked by another program that is writing to it;"
        " 1 record kept until it is free"
    )
    assert runner.session.step.kind.value == "rest"  # the session carries on
    other.execute("COMMIT")
    runner.command(Command.NEXT)
    runner.command(Command.NEXT)  # set 2 ends: both records are written, in order
    assert runner.unwritten == [] and runner.history_note == ""
    assert runner.session_id is not None
    sets = history.session_sets(runner.session_id)
    assert [s.set_number for s in sets] == [1, 2]


def test_records_still_locked_out_at_the_end_are_reported_lost(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    history = History.open(db)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    runner = SessionRunner(straight(THRUST), Voice(), history)
    runner.start()
    # The session's row is written with its first set (a session with nothing done is no
    # history), so a set is done before the end.
    while runner.session.step.kind.value != "set":
        runner.command(Command.NEXT)
    runner.command(Command.NEXT)
    assert runner.session_id is None and len(runner.unwritten) == 1
    runner.command(Command.STOP)
    runner.command(Command.YES)
    assert runner.session.finished
    assert runner.history_note.startswith("history is incomplete: ")
    assert runner.history_note.endswith("records could not be saved")
    other.execute("ROLLBACK")


def test_a_session_with_nothing_done_is_not_history(tmp_path: Path) -> None:
    """Launch and quit, or stop before any set: no "did not finish · sets done 0" row."""
    history = History.open(tmp_path / "h.sqlite3")
    SessionRunner(straight(THRUST), Voice(), history).start()  # launched, then closed
    stopped = SessionRunner(straight(THRUST), Voice(), history)
    stopped.start()
    stopped.command(Command.STOP)
    stopped.command(Command.YES)  # every set recorded skipped
    assert stopped.session.finished
    assert history.sessions() == [] and stopped.session_id is None


def test_the_session_row_comes_with_the_first_thing_done(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    runner = SessionRunner(straight(THRUST, RDL), Voice(), history)
    runner.start()
    while runner.session.step.kind.value != "set":
        runner.command(Command.NEXT)
    assert history.sessions() == []
    runner.command(Command.SKIP)  # hip thrust sets 1 and 2 skipped: held
    assert history.sessions() == []
    runner.command(Command.PAIN, heard="ouch")  # in the RDL set: worth keeping
    (past,) = history.sessions()
    assert runner.started_at is not None
    assert past.started_at == runner.started_at.replace(microsecond=0)
    assert [s.outcome.value for s in past.summary.sets] == ["skipped", "skipped", "pain"]
