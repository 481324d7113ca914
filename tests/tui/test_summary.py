"""The summary screen's table, rendered as the terminal shows it."""

from __future__ import annotations

import pytest
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

from .appkit import make_app


def thrust(number: int, outcome: Outcome, reps: int | None) -> SetRecord:
    return SetRecord(
        "hip-thrust", "Hip thrust", number, 3, "", 0, (8, 12), reps, 95.0, Unit.LB, outcome
    )


def rows(summary: SessionSummary) -> list[tuple[str, ...]]:
    """The summary table's cells, row by row, as text."""
    table = summary_table(summary)
    cells = ([str(cell) for cell in column.cells] for column in table.columns)
    return list(zip(*cells, strict=True))


def test_a_set_nobody_counted_shows_a_question_mark_not_zero() -> None:
    sets = (thrust(1, Outcome.DONE, 10), thrust(2, Outcome.FORM, None), thrust(3, Outcome.DONE, 0))
    summary = SessionSummary("test", "Test", Unit.LB, sets=sets, pain=(), ending=Ending.FINISHED)
    assert [row[2] for row in rows(summary)] == ["10", "?", "0"]  # reps, set by set
    assert [row[4] for row in rows(summary)] == ["", "ended: position lost", ""]
    console = Console(record=True, width=80)
    console.print(summary_table(summary))
    (row,) = [line for line in console.export_text().splitlines() if "Hip thrust" in line]
    assert "1 of 3" in row and "10" in row  # the name heads its exercise's first set


def test_a_circuit_names_each_set_by_its_round() -> None:
    # Runner circuit: one set of each exercise a round, per side; "1 of 1 left" three times over
    # said nothing about which round a row was.
    bridge = [
        SetRecord("bridge", "Bridge", 1, 1, side, n, (10, 10), 10, None, Unit.LB, Outcome.DONE)
        for n in (1, 2)
        for side in ("left", "right")
    ]
    summary = SessionSummary("c", "C", Unit.LB, sets=tuple(bridge), pain=(), ending=Ending.FINISHED)
    assert [row[1] for row in rows(summary)] == [
        "round 1 left", "round 1 right", "round 2 left", "round 2 right"
    ]  # fmt: skip


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
    assert [row[1:3] + row[4:] for row in rows(summary)] == [
        ("1 of 3", "12", ""),
        ("2 of 3", "–", "stopped by pain"),
        ("2 of 3", "10", ""),
        ("3 of 3", "10", ""),
    ]  # three sets, the second twice: not "3/4"


def test_each_set_shows_its_own_load_and_the_regression_by_name() -> None:
    """After pain the hip thrust read "Sets 2/4 · Reps 12, 0 · Load 85 lb, 95 lb": loads sorted,
    not per set. Each set now has its row, in order, with its load."""
    lighter = SetRecord("hip-thrust", "Hip thrust", 2, 3, "", 0, (8, 12), 9, 85.0, Unit.LB,
                        Outcome.DONE)  # fmt: skip
    bridge = SetRecord("hip-thrust", "Hip thrust", 3, 3, "", 0, (8, 12), 12, None, Unit.LB,
                       Outcome.DONE, variant="Glute bridge")  # fmt: skip
    sets = (thrust(1, Outcome.DONE, 12), thrust(2, Outcome.PAIN, None), lighter, bridge)
    summary = SessionSummary("test", "Test", Unit.LB, sets=sets, pain=(), ending=Ending.FINISHED)
    assert [(row[0], row[3]) for row in rows(summary)] == [
        ("Hip thrust", "95 lb"),
        ("", "95 lb"),
        ("", "85 lb"),
        ("Glute bridge", "bodyweight"),
    ]


def pained(action: PainAction) -> PainReport:
    return PainReport(1, "hip-thrust", "Hip thrust", 2, "", red_flags=False, action=action)


@pytest.mark.parametrize(
    ("ending", "pain", "said"),
    [
        (Ending.FINISHED, (), "Finished."),
        (Ending.FINISHED, (pained(PainAction.REDUCE),), "Finished after a pain report."),
        (Ending.FINISHED, (pained(PainAction.END_EXERCISE),), "Pain ended Hip thrust."),
        (Ending.FINISHED, (pained(PainAction.SKIP),), "Pain ended Hip thrust."),
        (Ending.STOPPED, (), "Ended early: stopped before the end."),
    ],
)
async def test_the_summary_says_how_the_session_ended(
    ending: Ending, pain: tuple[PainReport, ...], said: str
) -> None:
    sets = (thrust(1, Outcome.DONE, 12), thrust(2, Outcome.PAIN, None))
    summary = SessionSummary("test", "Test", Unit.LB, sets=sets, pain=pain, ending=ending)
    app = App[None]()
    async with app.run_test() as pilot:
        await app.push_screen(SummaryScreen(summary))
        await pilot.pause()
        shown = [str(s.render()) for s in app.screen.query(Static)]
    assert shown[1] == said  # under the title


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


async def test_the_summary_ends_with_next_times_loads_and_why() -> None:
    """Issue 26: the summary ends with next time's load per exercise and the reason."""
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.press("y")  # stopped before any set: every set skipped
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SummaryScreen)
        shown = [str(w.render()) for w in screen.query(Static)]
        assert "Next time" in shown
        advice = shown[shown.index("Next time") + 1 :]
        assert any("Barbell hip thrust" in line and "next time" in line for line in advice)
