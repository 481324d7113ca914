"""The workout picker: every valid workout, and every file that could not be read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from companion.domain.fatigue import estimate_minutes
from companion.domain.workout import Workout


class PickerScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def __init__(self, workouts: Sequence[Workout], problems: Sequence[str]) -> None:
        super().__init__()
        self.workouts = list(workouts)
        self.problems = list(problems)

    def compose(self) -> ComposeResult:
        yield Static("Choose a workout (enter to start)", id="title")
        # Titles and names are shown as written in the workout files: "[" in them is not markup.
        options = [
            Option(
                Text.assemble(
                    f"{w.title}  ·  about {estimate_minutes(w)} min\n  ",
                    (f"{w.id} · {', '.join(e.name for e in w.equipment) or 'no equipment'}", "dim"),
                ),
                id=w.id,
            )
            for w in self.workouts
        ]
        yield OptionList(*options)
        if self.problems:
            yield Static("\n".join(self.problems), id="problems", markup=False)
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.call_later(self.app.run_action, f"start('{event.option.id}')")
