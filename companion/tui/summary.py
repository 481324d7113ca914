"""The summary screen: what was done, what was skipped, and any pain reported."""

from __future__ import annotations

from collections import defaultdict
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


def summary_table(summary: SessionSummary) -> Table:
    table = Table(expand=True, box=None, pad_edge=False)
    table.add_column("Exercise", ratio=3)
    table.add_column("Sets", justify="right")
    table.add_column("Reps", justify="right")
    table.add_column("Load", ratio=2)
    table.add_column("Notes", ratio=2)
    by_exercise: dict[str, list[SetRecord]] = defaultdict(list)
    for record in summary.sets:
        by_exercise[record.variant or record.exercise].append(record)
    for name, records in by_exercise.items():
        done = [r for r in records if r.outcome.counts_as_done]
        lifted = [r for r in records if r.outcome is not Outcome.SKIPPED]
        loads = sorted({script.format_load(r.load, r.unit) for r in lifted})
        notes = []
        for outcome in (Outcome.SKIPPED, Outcome.ENDED, Outcome.PAIN, Outcome.FORM):
            count = sum(1 for r in records if r.outcome is outcome)
            if count:
                notes.append(f"{count} {outcome.value}")
        table.add_row(
            Text(name),  # as written in the workout file, not markup
            f"{len(done)}/{len(records)}",
            ", ".join("?" if r.reps_done is None else str(r.reps_done) for r in done) or "–",
            ", ".join(loads) or "–",
            ", ".join(notes),
        )
    return table


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

    def __init__(self, summary: SessionSummary, history_note: str = "") -> None:
        super().__init__()
        self.summary = summary
        self.history_note = history_note

    def compose(self) -> ComposeResult:
        summary = self.summary
        done = summary.sets_done
        counts = [f"{done} set{'' if done == 1 else 's'} done", f"{summary.skipped} skipped"]
        if summary.stopped_by_pain:
            counts.append(f"{summary.stopped_by_pain} stopped by pain")
        title = f"{summary.workout}: {', '.join(counts)}"
        yield Static(title, id="title", markup=False)
        with VerticalScroll(id="table"):
            if summary.ending.early:
                yield Static(
                    f"Ended early: {summary.ending.value}", classes="warning", markup=False
                )
            yield Static(summary_table(summary))
            for line in pain_lines(summary):
                yield Static(line, classes="warning", markup=False)
            if self.history_note:
                yield Static(script.sentence(self.history_note), markup=False)
            for note in summary.notes:
                yield Static(note, markup=False)
        yield Footer()
