"""A short Pilot session that test_package.py runs with the python of a fresh virtualenv holding
the built wheel (copied beside `tui/appkit.py`, from an empty directory): the installed copy's
picker lists the shipped workouts, its styles load, and a session runs to its summary.

It prints where `companion` was imported from, for the test to check that this was the
installed copy and not the checkout.
"""

from __future__ import annotations

import asyncio

from textual.widgets import OptionList
from tui.appkit import make_app, press_next_until

import companion
from companion.domain.effects import StepKind
from companion.tui.picker import PickerScreen
from companion.tui.session_screen import SessionScreen
from companion.tui.summary import SummaryScreen


async def session() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        picker = app.screen
        assert isinstance(picker, PickerScreen), picker
        assert picker.query_one(OptionList).option_count == 3
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen), app.screen
        await press_next_until(pilot, StepKind.SET)
        await pilot.press("x", "y")  # stop, yes
        assert isinstance(app.screen, SummaryScreen), app.screen


if __name__ == "__main__":
    asyncio.run(session())
    print(companion.__file__)
