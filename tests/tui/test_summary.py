"""The summary screen's table, rendered as the terminal shows it."""

from __future__ import annotations

from rich.console import Console

from companion.domain.effects import Outcome, SessionSummary, SetRecord
from companion.domain.workout import Unit
from companion.tui.summary import summary_table


def thrust(number: int, outcome: Outcome, reps: int | None) -> SetRecord:
    return SetRecord(
        "hip-thrust", "Hip thrust", number, 3, "", 0, (8, 12), reps, 95.0, Unit.LB, outcome
    )


def test_a_set_nobody_counted_shows_a_question_mark_not_zero() -> None:
    sets = (thrust(1, Outcome.DONE, 10), thrust(2, Outcome.FORM, None), thrust(3, Outcome.DONE, 0))
    summary = SessionSummary("test", "Test", Unit.LB, sets=sets, pain=(), ended_early="")
    console = Console(record=True, width=80)
    console.print(summary_table(summary))
    (row,) = [line for line in console.export_text().splitlines() if "Hip thrust" in line]
    assert "10, ?, 0" in row
    assert "1 form" in row
