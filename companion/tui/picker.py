"""The workout picker: every valid workout with its last session, and every file that could not
be read. The composition root reads history and hands the last sessions in as plain values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from companion.domain.fatigue import estimate_minutes
from companion.domain.workout import Workout


@dataclass(frozen=True)
class LastSession:
    """A workout's latest session, as the picker shows it."""

    started: datetime  # local time
    ending: str  # how it ended, in words (`companion.tui.ending`)

    def line(self) -> str:
        return f"last: {self.started:%Y-%m-%d} · {self.ending}"


class PickerScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def __init__(
        self,
        workouts: Sequence[Workout],
        problems: Sequence[str],
        last: Mapping[str, LastSession] | None = None,
    ) -> None:
        """`last`: each workout's latest session by workout id; a workout never done has none."""
        super().__init__()
        self.workouts = list(workouts)
        self.problems = list(problems)
        self.last = dict(last or {})

    def compose(self) -> ComposeResult:
        yield Static("Choose a workout (enter to start)", id="title")
        # Titles and names are shown as written in the workout files: "[" in them is not markup.
        options = [Option(self._label(w), id=w.id) for w in self.workouts]
        yield OptionList(*options)
        if self.problems:
            yield Static("\n".join(self.problems), id="problems", markup=False)
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.call_later(self.app.run_action, f"start('{event.option.id}')")

    def _label(self, workout: Workout) -> Group:
        equipment = ", ".join(e.name for e in workout.equipment) or "no equipment"
        details = Text(f"{workout.id} · {equipment}", "dim")
        last = self.last.get(workout.id)
        if last is not None:
            details.append(f"\n{last.line()}", "dim italic")
        # Indented as a block, so a long line wraps under its own start, not at the margin.
        return Group(
            Text(f"{workout.title}  ·  about {estimate_minutes(workout)} min"),
            Padding(details, (0, 0, 0, 2)),
        )
