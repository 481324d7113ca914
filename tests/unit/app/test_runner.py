"""The session runner: effects reach speech out and history; a failing history never stops it."""

from __future__ import annotations

import errno
import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from sample_workouts import RDL, THRUST, straight
from test_history import record

from companion.app.runner import SessionRunner
from companion.domain.effects import Priority, RecordSet
from companion.domain.events import Command
from companion.speech_out.port import Earcon, PlaybackListener, SpeechStatus, StatusListener
from companion.storage.history import History, HistoryBusy

RECORD = record(1)


class Voice:
    """Records what the runner asked speech out to do."""

    def __init__(self) -> None:
        self.said: list[tuple[str, Priority, float | None, str]] = []
        self.cancelled: list[str | None] = []
        self.chimed: list[Earcon] = []

    def say(
        self, text: str, *, priority: Priority, at: float | None = None, group: str = ""
    ) -> None:
        self.said.append((text, priority, at, group))

    def cancel(self, group: str | None = None) -> None:
        self.cancelled.append(group)

    def chime(self, kind: Earcon) -> None:
        self.chimed.append(kind)

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
    assert runner.pending == 1  # the set (the session's row waits with it)
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
    assert runner.session_id is None and runner.pending == 1
    runner.command(Command.STOP)
    runner.command(Command.YES)
    assert runner.session.finished
    assert runner.history_note.startswith("history is incomplete: ")
    assert runner.history_note.endswith("records could not be saved")
    other.execute("ROLLBACK")


def end_set(runner: SessionRunner) -> None:
    """Moves the session on to the end of its next set."""
    while runner.session.step.kind.value != "set":
        runner.command(Command.NEXT)
    runner.command(Command.NEXT)


def locked(db: Path) -> sqlite3.Connection:
    """Another program, writing to the history file: it holds the write lock until it ends."""
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def stored_sets(db: Path) -> list[int]:
    """The set numbers the file holds, as another program (or the next session) reads them."""
    reader = History.read_only(db)
    try:
        return [s.set_number for p in reader.sessions() for s in p.summary.sets]
    finally:
        reader.close()


def test_waiting_records_are_tried_again_on_the_tick_with_a_growing_pause(tmp_path: Path) -> None:
    """The campaign's case: the lock is released, no other record follows (ctrl+q a few seconds
    later): the set must be in the file by then."""
    db = tmp_path / "h.sqlite3"
    now = [0.0]
    runner = SessionRunner(straight(THRUST), Voice(), History.open(db), clock=lambda: now[0])
    runner.start()
    other = locked(db)
    end_set(runner)
    assert runner.pending == 1
    tried = []
    for _ in range(5):  # still locked: each try waits longer than the last
        tried.append(runner._retry_at)
        now[0] = runner._retry_at
        runner.tick()
        assert runner.pending == 1
    pauses = [later - earlier for earlier, later in itertools.pairwise(tried)]
    assert pauses == [1.0, 2.0, 4.0, 8.0]
    other.execute("COMMIT")
    now[0] = runner._retry_at - 0.01
    runner.tick()
    assert runner.pending == 1  # not before its time
    now[0] += 0.01
    runner.tick()
    assert runner.pending == 0 and runner.history_note == ""
    assert stored_sets(db) == [1]
    assert not runner.journal or not runner.journal.path.exists()  # nothing waits: no journal


def test_quitting_waits_a_bounded_time_for_records_then_writes_them(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    runner = SessionRunner(straight(THRUST), Voice(), History.open(db))
    runner.start()
    other = locked(db)
    end_set(runner)
    started = time.monotonic()
    assert runner.flush(0.3) is False  # still locked
    assert time.monotonic() - started < 1.5
    assert runner.pending == 1
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    assert runner.flush(5.0) is True
    assert stored_sets(db) == [1]


def test_records_waiting_when_the_app_ends_are_written_by_the_next_session(
    tmp_path: Path,
) -> None:
    db = tmp_path / "h.sqlite3"
    first = SessionRunner(straight(THRUST), Voice(), History.open(db))
    first.start()
    other = locked(db)
    end_set(first)
    end_set(first)
    first.command(Command.STOP)
    first.command(Command.YES)
    assert first.pending == 3  # two sets and the end: all kept in the journal
    assert first.history_note.endswith("so far 3 records could not be saved")
    assert first.journal is not None and first.journal.path.exists()
    other.execute("ROLLBACK")
    del first  # the app quits (or crashes) without writing them
    assert stored_sets(db) == []
    following = SessionRunner(straight(THRUST), Voice(), History.open(db))
    assert following.pending == 3
    following.start()
    assert following.pending == 0 and following.history_note == ""
    reader = History.read_only(db)
    # The following session did nothing yet, so it is no history (issue 26).
    (earlier,) = reader.sessions()
    assert [s.set_number for s in earlier.summary.sets] == [1, 2]
    assert earlier.ended_at is not None
    assert following.journal is not None and not following.journal.path.exists()


def test_a_replayed_journal_writes_nothing_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crash after SQLite took the records but before the journal was removed: the next
    session, and `companion history`, replay it; nothing is written twice."""
    from companion import paths
    from companion.cli import main

    db = paths.history_db()
    runner = SessionRunner(straight(THRUST), Voice(), History.open(db))
    other = locked(db)
    runner.start()
    end_set(runner)
    assert runner.journal is not None
    journal = runner.journal.path
    kept = journal.read_bytes()
    assert len(kept.splitlines()) == 2  # the start and set 1, each on its own line
    other.execute("COMMIT")
    end_set(runner)
    assert stored_sets(db) == [1, 2] and not journal.exists()
    for replaying in range(2):
        journal.write_bytes(kept)
        if replaying:
            assert main(["history"]) == 0
            assert "sets done 2" in capsys.readouterr().out
        else:
            SessionRunner(straight(THRUST), Voice(), History.open(db)).start()
        assert stored_sets(db) == [1, 2]
        # This one only: the one started above did nothing, so it is no history (issue 26).
        assert len(History.read_only(db).sessions()) == 1
        assert not journal.exists()


def test_a_full_disk_keeps_records_waiting_until_space_returns(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    now = [0.0]
    history = History.open(db)
    runner = SessionRunner(straight(THRUST), Voice(), history, clock=lambda: now[0])
    runner.start()
    fill_disk(history)
    end_set(runner)
    assert runner.history is history and runner.pending == 1
    assert "database or disk is full" in runner.history_note
    history._db.execute("PRAGMA max_page_count = 1000000")  # space comes back
    now[0] = runner._retry_at
    runner.tick()
    assert runner.pending == 0 and runner.history_note == ""
    assert runner.session_id is not None
    assert [s.set_number for s in history.session_sets(runner.session_id)] == [1]


def fill_disk(history: History) -> None:
    """Makes the file's disk full, as SQLite sees it: no page more can be added."""
    pages = history._db.execute("PRAGMA page_count").fetchone()[0]
    history._db.execute(f"PRAGMA max_page_count = {pages}")
    filler = history.start_session(straight(THRUST))
    while True:
        try:
            history.record_set(filler, replace(RECORD, exercise="x" * 200))
        except HistoryBusy:
            return


def test_a_record_the_journal_cannot_keep_still_goes_to_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "h.sqlite3"
    runner = SessionRunner(straight(THRUST), Voice(), History.open(db))
    runner.start()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    other = locked(db)
    end_set(runner)
    assert runner.history_note.endswith(
        "1 record kept until it is free"
        f" ({runner.journal and runner.journal.path} cannot keep it: No space left on device)"
    )
    other.execute("COMMIT")
    end_set(runner)  # written with the next one, as before
    assert stored_sets(db) == [1, 2] and runner.history_note == ""


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
