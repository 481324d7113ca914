"""The journal beside the history file: kept lines survive a torn append, damaged ones are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_workouts import THRUST, straight
from test_history import record

from companion.app.runner import SessionRunner
from companion.app.wiring import flush_history
from companion.storage.history import History, set_entry, start_entry
from companion.storage.journal import Journal, journal_path, replay


def test_a_line_cut_short_by_a_crash_loses_only_itself(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    journal = Journal(journal_path(db))
    journal.append(start_entry("s", straight(THRUST)))
    with journal.path.open("a") as torn:
        torn.write('{"session": "s", "number": 1, "ki')  # the crash came mid-append
    journal.append(set_entry("s", 2, record(2), straight(THRUST)))
    entries, unreadable = journal.entries()
    assert [e.number for e in entries] == [0, 2] and unreadable == 1
    history = History.open(db)
    assert replay(history, journal).unreadable == 1
    (past,) = history.sessions()
    assert [s.set_number for s in past.summary.sets] == [2]
    assert not journal.path.exists()
    (kept,) = tmp_path.glob("h.sqlite3.waiting.jsonl.unreadable-*")
    assert '"ki' in kept.read_text()


def test_quitting_says_how_long_it_waits_and_where_records_stay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_runner import Voice, end_set, locked

    db = tmp_path / "h.sqlite3"
    runner = SessionRunner(straight(THRUST), Voice(), History.open(db))
    runner.start()
    other = locked(db)
    end_set(runner)
    flush_history(runner, timeout=0.2)
    err = capsys.readouterr().err
    assert f"Writing 1 record that waited for {db} (up to 0.2 s)…" in err
    assert f"They are kept in {journal_path(db)}: the next session" in err
    other.execute("COMMIT")
    flush_history(runner, timeout=0.2)
    assert "History is complete." in capsys.readouterr().err
