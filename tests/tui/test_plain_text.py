"""Text from a workout file is shown as written: square brackets in it are not screen markup.

A title like "Legs [/] day" used to leave the picker blank and the app unable to quit, and
"Brace [core]" lost its last word.
"""

from __future__ import annotations

from rich.console import Console
from textual.widgets import OptionList, Static

from companion import paths
from companion.domain.effects import StepKind
from companion.library import load_library
from companion.tui.session_screen import SessionScreen
from companion.tui.summary import SummaryScreen, summary_table

from .appkit import make_app, plain, press_next_until

TITLE = "Legs [/] day"
NAME = "Hip thrust [bold]barbell"
CUE = "Brace [core] and go."


def write_bracketed_workout() -> None:
    text = (paths.bundled_workouts_dir() / "hip-thrust.toml").read_text(encoding="utf-8")
    for old, new in [
        ('id = "hip-thrust"', 'id = "brackets"'),
        ('title = "Barbell hip thrust"', f'title = "{TITLE}"'),
        ('name = "Barbell hip thrust"', f'name = "{NAME}"'),
        ('text = "Ribs down toward your hips before the first rep."', f'text = "{CUE}"'),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    directory = paths.user_workouts_dir()
    directory.mkdir(parents=True)
    (directory / "brackets.toml").write_text(text, encoding="utf-8")


async def test_brackets_in_a_workout_are_shown_as_written() -> None:
    write_bracketed_workout()
    ids = [w.id for w in load_library().workouts]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        options = app.screen.query_one(OptionList)
        prompt = plain(options.get_option_at_index(ids.index("brackets")).prompt)
        assert prompt.startswith(f"{TITLE}  ·  about ")
        await pilot.press(*["down"] * ids.index("brackets"), "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        await press_next_until(pilot, StepKind.SET)
        where = str(screen.query_one("#where", Static).render())
        assert where.startswith(f"{NAME} · set 1 of 3")
        assert CUE in str(screen.query_one("#instruction", Static).render())
        await pilot.press("x", "y")  # stop, yes
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        console = Console(record=True, width=100)
        console.print(summary_table(summary.summary))
        assert NAME in console.export_text()
