"""A damaged history never blocks training: the campaign's damaged files, each opened as
`companion start` opens history (the wiring) and read by `companion history`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sample_workouts import THRUST, straight
from test_history import file_from_before_versions, record

from companion import paths
from companion.app.wiring import Wiring
from companion.cli import main
from companion.domain.effects import Ending, PainAction, PainReport, SessionSummary
from companion.domain.workout import Unit
from companion.library import load_library
from companion.speech_in.settings import ListenSettings
from companion.speech_out.settings import SpeechSettings
from companion.storage.history import History


def history_of_two_sets(db: Path) -> None:
    history = History.open(db)
    session = history.start_session(straight(THRUST))
    for number in (1, 2):
        history.record_set(session, record(number), straight(THRUST))
    history.close()


def bad_schema_byte(db: Path) -> None:
    """One byte of the stored CREATE TABLE text is not UTF-8: SQLite's message about it is not
    text, and Python raised UnicodeDecodeError from `PRAGMA journal_mode`."""
    history_of_two_sets(db)
    data = bytearray(db.read_bytes())
    at = data.index(b"CREATE TABLE sessions")
    data[at + 7] = 0xFF
    db.write_bytes(bytes(data))


def no_reps_done(db: Path) -> None:
    """An old file (no user_version) whose sets table lacks reps_done: a KeyError in the upgrade."""
    file_from_before_versions(db)
    old = sqlite3.connect(db)
    old.execute("ALTER TABLE sets DROP COLUMN reps_done")
    old.commit()
    old.close()


def edited(sql: str) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        history_of_two_sets(db)
        other = sqlite3.connect(db)
        other.execute(sql)
        other.commit()
        other.close()

    return damage


UNREADABLE = {
    "bad schema byte": bad_schema_byte,
    "no reps_done": no_reps_done,
}
SET_ROWS = {  # one row each; loads are planned from sets
    "unknown outcome": edited("UPDATE sets SET outcome = 'sideways' WHERE set_number = 2"),
    "unknown unit": edited("UPDATE sets SET unit = 'stone' WHERE set_number = 2"),
    "text in load": edited("UPDATE sets SET load = 'heavy' WHERE set_number = 2"),
}
BAD_ROWS = {
    **SET_ROWS,
    "unknown ending": edited("UPDATE sessions SET ended_early = 'bored'"),
    "unparseable started_at": edited("UPDATE sessions SET started_at = 'yesterday-ish'"),
}


def open_as_start() -> Wiring:
    """History and the planned loads, as `companion start` opens them."""
    wired = Wiring(SpeechSettings(mute=True), ListenSettings(enabled=False))
    wired.ui_ready.set()
    return wired


@pytest.mark.parametrize("damage", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_history_that_cannot_be_read_turns_history_off_and_is_left_as_it_was(
    damage: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    db = paths.history_db()
    db.parent.mkdir(parents=True)
    damage(db)
    before = db.read_bytes()
    wired = open_as_start()
    runner = wired.open_session(load_library().get("hip-thrust"))
    assert runner.history is None
    assert runner.history_note.startswith(f"history is off: cannot open history at {db}: ")
    assert "the file is damaged: keep a copy, then move it aside" in runner.history_note
    runner.start()  # training goes on
    wired.close()
    assert db.read_bytes() == before  # nothing written into it
    assert main(["history"]) == 2
    err = capsys.readouterr().err
    assert f"cannot read history at {db}" in err and "keep a copy" in err


@pytest.mark.parametrize("damage", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_rows_that_cannot_be_read_are_skipped_and_counted(
    damage: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    db = paths.history_db()
    db.parent.mkdir(parents=True)
    damage(db)
    workout = straight(THRUST)
    wired = open_as_start()
    runner = wired.open_session(workout)
    assert runner.history is not None  # the readable rows still count
    if damage in SET_ROWS.values():
        assert runner.history_note.startswith(f"1 row of history at {db} could not be read")
        assert runner.history_note.endswith("planned without them; keep a copy of the file")
    runner.start()
    wired.close()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert f"1 row of {db} could not be read" in out
    assert main(["history", "--week"]) == 0


def test_stored_text_with_control_characters_is_printed_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 27: a workout name with ESC or BEL (a row from before control characters were
    refused, or edited by hand) would set the terminal's title when `companion history` ran."""
    db = paths.history_db()
    db.parent.mkdir(parents=True)
    history = History.open(db)
    session = history.start_session(straight(THRUST))
    history.record_set(session, replace(record(1), variant="Glute bridge"), straight(THRUST))
    pain = PainReport(1, "hip-thrust", "Hip thrust", 1, "", "", False, PainAction.END_EXERCISE)
    history.record_pain(session, pain)
    history.finish_session(
        session, SessionSummary("test", "Test", Unit.LB, (), (), Ending.FINISHED)
    )
    history.close()
    hostile = "'Hip \x1b]0;owned\x07' || char(27) || '[2J' || char(7)"
    edit = sqlite3.connect(db)
    for sql in (
        f"UPDATE sessions SET workout = {hostile.replace('Hip', 'Day')}, workout_id = {hostile}",
        f"UPDATE sets SET variant = {hostile.replace('Hip', 'Bridge')}",
        f"UPDATE pain SET exercise = {hostile.replace('Hip', 'Pain')}",
    ):
        edit.execute(sql)
    edit.commit()
    edit.close()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    for name in ("Day", "Hip", "Bridge", "Pain"):  # the workout, its id, a set's and pain's
        assert f"{name} \\x1b]0;owned\\x07\\x1b[2J\\x07" in out, name


def test_an_unknown_fatigue_is_counted_by_the_week(capsys: pytest.CaptureFixture[str]) -> None:
    db = paths.history_db()
    db.parent.mkdir(parents=True)
    edited("UPDATE sets SET fatigue = 'extreme' WHERE set_number = 2")(db)
    assert main(["history", "--week"]) == 0
    out = capsys.readouterr().out
    assert "hip-extension" in out and f"1 row of {db} could not be read" in out


def test_a_0_byte_history_reads_as_no_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    db = paths.history_db()
    db.parent.mkdir(parents=True)
    db.write_bytes(b"")
    assert main(["history"]) == 0
    assert "No sessions yet" in capsys.readouterr().out
    wired = open_as_start()
    runner = wired.open_session(straight(THRUST))
    assert runner.history is not None and runner.history_note == ""
    wired.close()


UNSHARE = shutil.which("unshare")


@pytest.mark.parametrize("checkpointed", [True, False], ids=["checkpointed", "sets in the WAL"])
def test_companion_history_reads_a_history_in_a_read_only_directory(
    checkpointed: bool, tmp_path: Path
) -> None:
    """The directory mounted read-only (a private mount namespace: root may write anywhere
    else): SQLite cannot make a WAL file's shared-memory index beside it."""
    if UNSHARE is None or subprocess.run(
        [UNSHARE, "-m", "true"], check=False, capture_output=True
    ).returncode:
        pytest.skip("needs unshare -m (a mount namespace) to mount a directory read-only")
    data = paths.data_dir()
    data.mkdir(parents=True)
    script = (
        "import os, sys; sys.path[:0] = sys.argv[1].split(os.pathsep);"
        " from pathlib import Path; from companion.storage.history import History;"
        " from test_history import record; from sample_workouts import straight;"
        " h = History.open(Path(sys.argv[2])); s = h.start_session(straight());"
        " h.record_set(s, record(1), straight()); h.record_set(s, record(2), straight());"
        " (h.close(), os._exit(0)) if sys.argv[3] == '1' else os._exit(9)"
    )
    tests = os.pathsep.join(sys.path)  # this test's import path, pytest's `pythonpath` with it
    subprocess.run(
        [sys.executable, "-c", script, tests, str(paths.history_db()), str(int(checkpointed))],
        check=False,
    )
    assert Path(f"{paths.history_db()}-wal").exists() is not checkpointed
    shell = (
        f'mount --bind "{data}" "{data}" && mount -o remount,ro,bind "{data}"'
        f' && ! touch "{data}/probe" 2>/dev/null && exec "$@"'
    )
    result = subprocess.run(
        [UNSHARE, "-m", "--propagation", "private", "sh", "-c", shell, "sh", sys.executable,
         "-c", "import sys; from companion.cli import main; sys.exit(main(['history']))"],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "sets done 2" in result.stdout
