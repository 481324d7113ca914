"""The summary screen: how the session ended, every set with its reps and load, and any pain
reported."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from companion.domain import script
from companion.domain.effects import Outcome, SessionSummary, SetRecord
from companion.domain.progression import LoadAdvice
from companion.tui.ending import ending_words, plainly_finished

# What the notes column says of a set that did not simply run to its end.
NOTES = {
    Outcome.DONE: "",
    Outcome.FORM: "ended: position lost",
    Outcome.PAIN: "stopped by pain",
    Outcome.SKIPPED: "skipped",
    Outcome.ENDED: "ended early",
}


def summary_table(summary: SessionSummary) -> Table:
    """Every set, exercise by exercise in the order they came, each with its reps and load: a set
    stopped by pain and done again lighter shows twice, at each load."""
    table = Table(expand=True, box=None, pad_edge=False)
    table.add_column("Exercise", ratio=3)
    table.add_column("Set")
    table.add_column("Reps", justify="right")
    table.add_column("Load", justify="right")
    table.add_column("Notes", ratio=2)
    by_exercise: dict[str, list[SetRecord]] = {}
    for record in summary.sets:
        by_exercise.setdefault(record.exercise_id, []).append(record)
    for records in by_exercise.values():
        named = ""
        for record in records:
            # The name heads its exercise's rows, and again where a regression took over.
            name = record.variant or record.exercise
            side = f" {record.side}" if record.side else ""
            table.add_row(
                Text("" if name == named else name),  # as written in the workout file
                f"{_which_set(record)}{side}",
                _reps(record),
                "–"
                if record.outcome is Outcome.SKIPPED
                else script.format_load(record.load, record.unit),
                NOTES[record.outcome],
            )
            named = name
    return table


def _which_set(record: SetRecord) -> str:
    """"2 of 3"; in a circuit, its round: "round 2" (each round has one set of each exercise)."""
    of = f"{record.set_number} of {record.set_count}"
    if not record.round_number:
        return of
    return f"round {record.round_number}" + ("" if record.set_count == 1 else f", {of}")


def _reps(record: SetRecord) -> str:
    if record.outcome.counts_as_done:
        return "?" if record.reps_done is None else str(record.reps_done)  # "?": nobody counted
    return str(record.reps_done) if record.reps_done else "–"


def pain_lines(summary: SessionSummary) -> list[str]:
    return [
        f"Pain: {script.pain_place(r)}: {script.pain_outcome(r, summary.unit)}"
        for r in summary.pain
    ]


class SummaryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit"),
        Binding("enter", "app.pick", "Workouts"),
    ]

    def __init__(
        self,
        summary: SessionSummary,
        history_note: str = "",
        next_time: Sequence[LoadAdvice] = (),
    ) -> None:
        """`next_time`: each exercise's load next time and why, said under the sets."""
        super().__init__()
        self.summary = summary
        self.history_note = history_note
        self.next_time = next_time

    def compose(self) -> ComposeResult:
        summary = self.summary
        done = summary.sets_done
        counts = [f"{done} set{'' if done == 1 else 's'} done", f"{summary.skipped} skipped"]
        if summary.stopped_by_pain:
            counts.append(f"{summary.stopped_by_pain} stopped by pain")
        title = f"{summary.workout}: {', '.join(counts)}"
        yield Static(title, id="title", markup=False)
        with VerticalScroll(id="table"):
            ended = "" if plainly_finished(summary) else "warning"
            yield Static(script.sentence(ending_words(summary)), classes=ended, markup=False)
            yield Static(summary_table(summary))
            for line in pain_lines(summary):
                yield Static(line, classes="warning", markup=False)
            if self.next_time:
                yield Static("Next time", classes="heading", markup=False)
                for advice in self.next_time:
                    yield Static(advice.text, markup=False)
            if self.history_note:
                yield Static(script.sentence(self.history_note), markup=False)
            for note in summary.notes:
                yield Static(note, markup=False)
        yield Footer()
