"""Warning signs and the answers about clearance in a real history file: written through the
journal whatever the session comes to, read back, in files from before they were kept."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from sample_workouts import BACK_EXT, RDL, THRUST, straight
from test_history import file_from_before_versions, record
from test_runner import Voice

from companion import paths
from companion.app.runner import SessionRunner
from companion.app.wiring import Wiring, clearance_question
from companion.domain.clearance import ClearanceQuestion, RedFlagOnRecord
from companion.domain.effects import Clearance, PainAction, PainReport, SetRecord
from companion.domain.events import Command
from companion.domain.session import Mode
from companion.domain.workout import Area, Pattern
from companion.speech_in.settings import ListenSettings
from companion.speech_out.settings import SpeechSettings
from companion.storage.history import History, clearance_entry
from companion.storage.journal import Journal, journal_path, replay

LOWER_BACK = Area.LOWER_BACK_AND_LEGS
QUESTION = ClearanceQuestion("Romanian deadlift", 3, 1_780_000_000.0, (LOWER_BACK,))


def rdl_set() -> SetRecord:
    return replace(record(1), exercise_id="rdl", exercise="Romanian deadlift")


def red_flag_session(history: History, exercise_id: str = "rdl") -> None:
    """A session of THRUST and RDL that warning signs ended, as the session records it: every set
    (the ones not reached skipped), and the report, at the RDL or before the first exercise."""
    workout = straight(THRUST, RDL)
    session = history.start_session(workout)
    history.record_set(session, record(1), workout)
    history.record_set(session, rdl_set(), workout)
    name = "Romanian deadlift" if exercise_id else ""
    report = PainReport(1, exercise_id, name, 1, "", red_flags=True, action=PainAction.END_SESSION)
    history.record_pain(session, report)


def asked(history: History, cleared: bool) -> SessionRunner:
    runner = SessionRunner(straight(THRUST), Voice(), history, clearance=QUESTION)
    runner.start()
    runner.command(Command.YES if cleared else Command.NO)
    return runner


def test_no_is_stored_and_the_session_is_no_history(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    runner = asked(history, cleared=False)
    assert runner.session.finished
    assert history.clearances() == [Clearance(LOWER_BACK, QUESTION.red_flag_at, cleared=False)]
    assert history.sessions() == [] and runner.session_id is None
    # Written: the journal goes, and is not kept aside as holding a line of a lost session.
    assert not list(tmp_path.glob("h.sqlite3.waiting.jsonl*"))
    row = sqlite3.connect(tmp_path / "h.sqlite3").execute("SELECT * FROM clearances").fetchone()
    assert row[1:5] == ("test", LOWER_BACK.value, "2026-05-28T20:26:40+00:00", 0)


def test_yes_is_stored_even_when_nothing_is_done_after_it(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    runner = asked(history, cleared=True)
    assert runner.session.mode is Mode.RUNNING
    assert history.clearances() == [Clearance(LOWER_BACK, QUESTION.red_flag_at, cleared=True)]
    assert history.sessions() == []  # launched, answered, quit: still no session row


def test_yes_then_a_set_makes_the_session_history_as_before(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    runner = asked(history, cleared=True)
    while runner.session.step.kind.value != "set":
        runner.command(Command.NEXT)
    runner.command(Command.FORM)
    assert runner.session_id is not None
    assert [s.outcome.value for s in history.session_sets(runner.session_id)] == ["form"]


def test_red_flags_are_read_with_the_patterns_they_are_about(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    red_flag_session(history)
    red_flag_session(history, exercise_id="")  # at the briefing: every exercise of the session
    workout = straight(THRUST)
    calm = history.start_session(workout)
    history.record_set(calm, record(1), workout)
    history.record_pain(calm, PainReport(1, "hip-thrust", "Hip thrust", 1, "", red_flags=False))
    at_rdl, at_briefing = history.red_flags_on_record()
    assert at_rdl.exercise == "Romanian deadlift"
    assert at_rdl.patterns == {Pattern.HINGE}
    assert at_briefing.exercise == ""
    assert at_briefing.patterns == {Pattern.HINGE, Pattern.HIP_EXTENSION}


def test_the_wiring_asks_until_a_yes_is_stored(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    red_flag_session(history)
    workout = straight(BACK_EXT)  # another workout, the same area
    first = clearance_question(workout, history)
    assert first is not None and first.exercise == "Romanian deadlift" and first.days_ago == 0
    asked_with = SessionRunner(workout, Voice(), history, clearance=first)
    asked_with.start()
    asked_with.command(Command.NO)
    assert clearance_question(workout, history) == first  # asked again
    asked_with = SessionRunner(workout, Voice(), history, clearance=first)
    asked_with.start()
    asked_with.command(Command.YES)
    assert clearance_question(workout, history) is None


def test_a_session_opened_by_the_wiring_asks_first() -> None:
    db = paths.history_db()
    db.parent.mkdir(parents=True)
    history = History.open(db)
    red_flag_session(history)
    history.close()
    wired = Wiring(SpeechSettings(mute=True), ListenSettings(enabled=False))
    wired.ui_ready.set()
    runner = wired.open_session(straight(THRUST))
    runner.start()
    assert runner.session.mode is Mode.ASKING_CLEARANCE
    wired.close()


def test_a_file_from_before_answers_reads_none_and_takes_one(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    file_from_before_versions(db)
    reading = History.read_only(db)
    assert reading.clearances() == [] and reading.red_flags_on_record() == []
    assert not reading.holds("s#1")
    reading.close()
    check = sqlite3.connect(db)
    tables = check.execute("SELECT name FROM sqlite_master WHERE name = 'clearances'")
    assert tables.fetchall() == []
    check.close()
    history = History.open(db)  # upgraded as before; the answers' table comes with the first
    assert history.clearances() == []
    answer = Clearance(LOWER_BACK, 1_780_000_000.0, cleared=True)
    assert history.apply(clearance_entry("s", 1, answer, straight(THRUST))) == 0
    assert history.apply(clearance_entry("s", 1, answer, straight(THRUST))) == 0  # replayed
    assert history.clearances() == [answer] and history.holds("s#1")
    assert [s.reps_done for s in history.session_sets(1)] == [9]  # its set as it was


def test_a_replayed_answer_of_a_session_that_left_no_row_is_written_once(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    journal = Journal(journal_path(db))
    answer = Clearance(LOWER_BACK, 1_780_000_000.0, cleared=False)
    journal.append(clearance_entry("s", 1, answer, straight(THRUST)))
    history = History.open(db)
    assert replay(history, journal).written == 1
    assert replay(history, journal).written == 0  # the file is gone: nothing twice
    assert history.clearances() == [answer]
    assert not list(tmp_path.glob("h.sqlite3.waiting.jsonl*"))  # none kept aside as unreadable


def test_an_answer_that_cannot_be_read_is_skipped_and_asked_again(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    red_flag_session(history)
    (report,) = history.red_flags_on_record()
    answer = Clearance(LOWER_BACK, report.reported_at, cleared=True)
    history.apply(clearance_entry("s", 1, answer, straight(THRUST)))
    assert clearance_question(straight(THRUST), history) is None
    edit = sqlite3.connect(tmp_path / "h.sqlite3")
    edit.execute("UPDATE clearances SET area = 'elbows'")
    edit.commit()
    edit.close()
    assert history.clearances() == [] and history.unreadable == 1
    assert clearance_question(straight(THRUST), history) is not None


def test_patterns_history_does_not_know_count_for_every_area(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    session = history.start_session(straight(THRUST))
    history.record_set(session, record(1))  # stored without its workout: no pattern
    history.record_pain(session, PainReport(1, "hip-thrust", "Hip thrust", 1, "", red_flags=True))
    (report,) = history.red_flags_on_record()
    assert report == RedFlagOnRecord("Hip thrust", report.reported_at, frozenset())
    assert report.areas == frozenset(Area)
