"""The summary screen's table, rendered as the terminal shows it."""

from __future__ import annotations

from rich.console import Console
from textual.app import App
from textual.widgets import Static

from companion.domain.effects import (
    Ending,
    Outcome,
    PainAction,
    PainReport,
    SessionSummary,
    SetRecord,
)
from companion.domain.workout import Unit
from companion.tui.summary import SummaryScreen, pain_lines, summary_table


def thrust(number: int, outcome: Outcome, reps: int | None) -> SetRecord:
    return SetRecord(
        "hip-thrust", "Hip thrust", number, 3, "", 0, (8, 12), reps, 95.0, Unit.LB, outcome
    )


def test_a_set_nobody_counted_shows_a_question_mark_not_zero() -> None:
    sets = (thrust(1, Outcome.DONE, 10), thrust(2, Outcome.FORM, None), thrust(3, Outcome.DONE, 0))
    summary = SessionSummary("test", "Test", Unit.LB, sets=sets, pain=(), ending=Ending.FINISHED)
    console = Console(record=True, width=80)
    console.print(summary_table(summary))
    (row,) = [line for line in console.export_text().splitlines() if "Hip thrust" in line]
    assert "10, ?, 0" in row
    assert "1 form" in row


def test_each_pain_report_says_where_and_what_came_of_it() -> None:
    reports = (
        PainReport(1, "hip-thrust", "Hip thrust", 2, "", red_flags=False, action=PainAction.REDUCE,
                   new_load=85.0),
        PainReport(2, "", "", 0, "", red_flags=False, action=PainAction.CONTINUE),
        PainReport(3, "rdl", "Romanian deadlift", 1, ""),
        PainReport(4, "rdl", "Romanian deadlift", 1, "", red_flags=True,
                   action=PainAction.END_SESSION),
    )  # fmt: skip
    summary = SessionSummary("test", "Test", Unit.KG, sets=(), pain=reports, ending=Ending.FINISHED)
    assert pain_lines(summary) == [
        "Pain: Hip thrust, set 2: carried on lighter, 85 kg",
        "Pain: before the first exercise: carried on",
        "Pain: Romanian deadlift, set 1: not answered",
        "Pain: Romanian deadlift, set 1: warning signs: session ended, see a physical therapist"
        " or doctor",
    ]


def test_a_set_stopped_by_pain_is_not_a_set_done() -> None:
    # Pain in set 2, carried on lighter: set 2 again, then set 3.
    sets = (
        thrust(1, Outcome.DONE, 12),
        thrust(2, Outcome.PAIN, None),
        thrust(2, Outcome.DONE, 10),
        thrust(3, Outcome.DONE, 10),
    )
    summary = SessionSummary("test", "Test", Unit.LB, sets=sets, pain=(), ending=Ending.FINISHED)
    assert (summary.sets_done, summary.skipped, summary.stopped_by_pain) == (3, 0, 1)
    console = Console(record=True, width=80)
    console.print(summary_table(summary))
    (row,) = [line for line in console.export_text().splitlines() if "Hip thrust" in line]
    assert "3/4" in row and "12, 10, 10" in row and "1 pain" in row


async def test_the_title_counts_sets_done_skipped_and_stopped_by_pain() -> None:
    sets = (thrust(1, Outcome.PAIN, None), thrust(2, Outcome.SKIPPED, None))
    summary = SessionSummary("test", "Test", Unit.LB, sets=sets, pain=(), ending=Ending.FINISHED)
    note = "history is off: /data/MyStuff/history.sqlite3: [Errno 17] File exists"
    app = App[None]()
    async with app.run_test() as pilot:
        await app.push_screen(SummaryScreen(summary, note))
        await pilot.pause()
        shown = [str(s.render()) for s in app.screen.query(Static)]
    assert shown[0] == "Test: 0 sets done, 1 skipped, 1 stopped by pain"
    # The note as written, capital first letter: a path keeps its own case.
    assert "History is off: /data/MyStuff/history.sqlite3: [Errno 17] File exists." in shown
