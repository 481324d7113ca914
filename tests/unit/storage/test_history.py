"""History in a real SQLite file: durable per set, readable back, pain updated in place."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sample_workouts import RDL, THRUST, straight

from companion.cli.history import loads_line, pain_line
from companion.domain.effects import (
    Ending,
    Outcome,
    PainAction,
    PainReport,
    SessionSummary,
    SetRecord,
)
from companion.domain.workout import Unit
from companion.storage import history as history_module
from companion.storage.history import SCHEMA, VERSION, History, HistoryUnavailable


def record(number: int, outcome: Outcome = Outcome.DONE, load: float | None = 95.0) -> SetRecord:
    return SetRecord(
        exercise_id="hip-thrust", exercise="Hip thrust", set_number=number, set_count=2,
        side="", round_number=0, reps_target=(8, 10), reps_done=10, load=load, unit=Unit.LB,
        outcome=outcome,
    )  # fmt: skip


def test_each_set_is_committed_when_recorded(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    session = history.start_session(straight())
    history.record_set(session, record(1), straight())
    # A second connection (another process, or the app after a crash) sees it at once.
    other = sqlite3.connect(tmp_path / "h.sqlite3")
    assert other.execute("SELECT COUNT(*) FROM sets").fetchone() == (1,)
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_crash_loses_no_completed_set(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path[:0] = {sys.path!r}
        from pathlib import Path
        from companion.storage.history import History
        from test_history import record
        from sample_workouts import straight
        history = History.open(Path({str(db)!r}))
        session = history.start_session(straight())
        history.record_set(session, record(1), straight())
        history.record_set(session, record(2), straight())
        os._exit(9)  # no close, no cleanup: as if the process died mid-session
        """
    )
    result = subprocess.run([sys.executable, "-c", script], check=False)
    assert result.returncode == 9
    history = History.open(db)
    (row,) = history.sessions()
    assert row.summary.sets_done == 2
    assert row.ended_at is None


def test_sessions_rows_summarise_sets_loads_skips_and_pain(tmp_path: Path) -> None:
    workout = straight(THRUST, RDL)
    history = History.open(tmp_path / "h.sqlite3")
    session = history.start_session(workout)
    history.record_set(session, record(1), workout)
    history.record_set(session, record(2, load=100.0), workout)
    history.record_set(session, record(3, Outcome.SKIPPED), workout)
    pain = PainReport(
        number=1, exercise_id="hip-thrust", exercise="Hip thrust", set_number=2, side=""
    )
    history.record_pain(session, pain)
    history.record_pain(
        session, PainReport(**{**pain.__dict__, "red_flags": False, "action": PainAction.REDUCE})
    )
    history.finish_session(
        session,
        SessionSummary("test", "Test session", Unit.LB, sets=(), pain=(), ending=Ending.FINISHED),
    )
    (row,) = history.sessions()
    assert (row.summary.sets_done, row.summary.skipped) == (2, 1)
    assert loads_line(row.summary) == "Hip thrust 95–100 lb"
    assert pain_line(row.summary) == "Hip thrust, set 2 (carried on lighter)"
    # Updated, not added.
    assert [p.action for p in history.session_pain(session)] == [PainAction.REDUCE]
    assert {p.exercise_id for p in history.pain_on_record()} == {"hip-thrust"}
    # When, as the POSIX seconds the core compares with the time now (not shifted by a timezone).
    assert all(abs(p.reported_at - time.time()) < 60 for p in history.pain_on_record())
    assert history.last_session_of("test") == session


def test_set_and_pain_records_read_back_as_written(tmp_path: Path) -> None:
    """Every field goes to its own column and comes back from it (no two values swapped)."""
    history = History.open(tmp_path / "h.sqlite3")
    session = history.start_session(straight())
    written = SetRecord(
        exercise_id="hip-thrust", exercise="Hip thrust", set_number=2, set_count=3, side="left",
        round_number=4, reps_target=(5, 6), reps_done=7, load=82.5, unit=Unit.KG,
        outcome=Outcome.FORM, variant="Glute bridge",
    )  # fmt: skip
    uncounted = replace(written, set_number=3, reps_done=None, load=None)
    pain = PainReport(
        number=1, exercise_id="hip-thrust", exercise="Hip thrust", set_number=2, side="left",
        heard="my back hurts", red_flags=False, action=PainAction.REDUCE, new_load=75.0,
    )  # fmt: skip
    unanswered = replace(pain, number=2, red_flags=None, action=None, new_load=None)
    for done in (written, uncounted):
        history.record_set(session, done)
    for report in (pain, unanswered):
        history.record_pain(session, report)
    assert history.session_sets(session) == [written, uncounted]
    assert history.session_pain(session) == [pain, unanswered]
    (past,) = history.sessions()
    assert past.id == session
    assert (past.summary.sets, past.summary.pain) == ((written, uncounted), (pain, unanswered))


def test_pain_actions_and_endings_are_stored_as_older_files_hold_them(tmp_path: Path) -> None:
    """History files written before these were enums hold these strings; they must still read,
    and every value written must read back as itself."""
    assert {a.value for a in PainAction} == {
        "end-session", "continue", "end-exercise", "reduce", "regress", "skip"
    }  # fmt: skip
    assert {e.value for e in Ending} == {
        "", "stopped before the end", "pain with warning signs: see a physical therapist or doctor",
        "not cleared by a physical therapist or doctor after warning signs",
    }  # fmt: skip
    history = History.open(tmp_path / "h.sqlite3")
    session = history.start_session(straight(THRUST))
    actions = [None, *PainAction]
    for number, action in enumerate(actions, start=1):
        history.record_pain(
            session, PainReport(number, "hip-thrust", "Hip thrust", 1, "", action=action)
        )
    assert [p.action for p in history.session_pain(session)] == actions
    for ending in Ending:
        history.finish_session(session, SessionSummary("test", "T", Unit.LB, (), (), ending))
        (row,) = history.sessions()
        assert row.summary.ending is ending


def test_weekly_sets_by_pattern_and_fatigue(tmp_path: Path) -> None:
    workout = straight(THRUST, RDL)
    history = History.open(tmp_path / "h.sqlite3")
    session = history.start_session(workout)
    history.record_set(session, record(1), workout)
    rdl = SetRecord(
        exercise_id="rdl", exercise="Romanian deadlift", set_number=1, set_count=1, side="",
        round_number=0, reps_target=(3, 3), reps_done=3, load=65.0, unit=Unit.LB,
        outcome=Outcome.DONE,
    )  # fmt: skip
    history.record_set(session, rdl, workout)
    history.record_set(session, rdl, workout)
    assert history.weekly_sets() == [("hinge", "high", 2), ("hip-extension", "moderate", 1)]


def file_from_before_versions(db: Path) -> None:
    """A history file as companion wrote it before PRAGMA user_version was kept: one set."""
    before = SCHEMA.replace("reps_done INTEGER,", "reps_done INTEGER NOT NULL,")
    assert before != SCHEMA
    old = sqlite3.connect(db)
    old.executescript(before)
    old.execute(
        "INSERT INTO sessions (workout_id, workout, unit, started_at)"
        " VALUES ('test', 'Test', 'lb', '2026-01-01T00:00:00+00:00')"
    )
    old.execute(
        "INSERT INTO sets (session_id, exercise_id, exercise, set_number, set_count, side,"
        " round_number, reps_low, reps_high, reps_done, load, unit, outcome, variant, recorded_at)"
        " VALUES (1, 'hip-thrust', 'Hip thrust', 1, 2, '', 0, 8, 10, 9, 95, 'lb', 'done', '',"
        " '2026-01-01T00:00:01+00:00')"
    )
    old.commit()
    old.close()


def test_a_file_from_before_versions_is_upgraded_with_its_sets(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    file_from_before_versions(db)
    history = History.open(db)
    uncounted = replace(record(2, Outcome.FORM), reps_done=None)
    history.record_set(1, uncounted, straight())
    assert [(r.set_number, r.reps_done) for r in history.session_sets(1)] == [(1, 9), (2, None)]
    history.close()
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA user_version").fetchone() == (VERSION,)
    assert check.execute("SELECT name FROM sqlite_master WHERE name LIKE 'sets%'").fetchall() == [
        ("sets",),
        ("sets_by_session",),
    ]
    assert check.execute("SELECT COUNT(*) FROM sets").fetchone() == (2,)


def test_an_interrupted_upgrade_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "h.sqlite3"
    file_from_before_versions(db)
    # Fail at the last step of the rebuild, after the old table was renamed and dropped.
    monkeypatch.setattr(history_module, "SETS_INDEX", "CREATE INDEX broken ON nowhere(x)")
    with pytest.raises(HistoryUnavailable, match=r"cannot open history at .*h\.sqlite3"):
        History.open(db)
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA user_version").fetchone() == (0,)
    assert check.execute("SELECT reps_done FROM sets").fetchall() == [(9,)]
    columns = {row[1]: row[3] for row in check.execute("PRAGMA table_info(sets)")}
    assert columns["reps_done"] == 1  # still NOT NULL: the old table, untouched
    assert check.execute("SELECT name FROM sqlite_master WHERE name = 'sets_v0'").fetchall() == []


def test_opening_an_up_to_date_file_does_not_wait_for_a_session_writing(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    History.open(db).close()
    session = sqlite3.connect(db, isolation_level=None)
    session.execute("BEGIN IMMEDIATE")  # a session holds the write lock
    try:
        for reader in (History.open(db), History.read_only(db)):  # would wait 5 s, then fail
            assert reader.sessions() == []
            reader.close()
    finally:
        session.execute("ROLLBACK")


def test_a_file_from_a_newer_companion_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    newer = sqlite3.connect(db)
    newer.execute(f"PRAGMA user_version = {VERSION + 1}")
    newer.execute("CREATE TABLE things (x)")  # its own tables, none of ours
    newer.commit()
    newer.close()
    with pytest.raises(HistoryUnavailable, match=r"history at .*h\.sqlite3 was written by a newer"):
        History.open(db)
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA user_version").fetchone() == (VERSION + 1,)
    assert check.execute("SELECT name FROM sqlite_master").fetchall() == [("things",)]
    assert check.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_companion_history_reads_the_file_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from companion import paths
    from companion.cli import main

    db = paths.history_db()
    db.parent.mkdir(parents=True)
    file_from_before_versions(db)
    before = db.read_bytes()
    assert main(["history"]) == 0
    assert "Test (test)  did not finish" in capsys.readouterr().out
    assert db.read_bytes() == before  # not upgraded, nor turned into a WAL file: only read
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA user_version").fetchone() == (0,)


def test_reading_refuses_a_file_from_a_newer_companion(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    History.open(db).close()
    newer = sqlite3.connect(db)
    newer.execute(f"PRAGMA user_version = {VERSION + 1}")
    newer.commit()
    newer.close()
    with pytest.raises(HistoryUnavailable, match=r"history at .*h\.sqlite3 was written by a newer"):
        History.read_only(db)


def test_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    with pytest.raises(HistoryUnavailable) as raised:
        History.open(blocker / "history.sqlite3")
    assert str(raised.value) == (
        f"cannot open history at {blocker / 'history.sqlite3'}: {blocker} is a file, not a"
        " directory"
    )


def test_history_command_lists_sessions_and_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from companion import paths
    from companion.cli import main

    assert main(["history"]) == 0
    assert "No sessions yet" in capsys.readouterr().out
    workout = straight(THRUST, RDL)
    history = History.open(paths.history_db())
    session = history.start_session(workout)
    history.record_set(session, record(1), workout)
    history.record_set(session, record(2, Outcome.PAIN), workout)
    history.record_pain(
        session,
        PainReport(
            1, "hip-thrust", "Hip thrust", 2, "", red_flags=True, action=PainAction.END_SESSION
        ),
    )
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "Test session (test)" in out
    assert "sets done 1, skipped 0, stopped by pain 1" in out
    warned = "warning signs: session ended, see a physical therapist or doctor"
    assert f"pain: Hip thrust, set 2 ({warned})" in out
    assert main(["history", "--week"]) == 0
    out = capsys.readouterr().out
    assert "hip-extension" in out and "Hinge fatigue total: 0" in out
    assert os.environ["COMPANION_DATA_DIR"] in str(paths.history_db())
