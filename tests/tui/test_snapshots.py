"""Snapshots of the three screens at 80×24, and of the board (a counted set's rep, a rest's
countdown) at 120×40 too (SVG files in __snapshots__/, reviewed by eye).

The clock is frozen so rest countdowns and rep counts are the same on every run; where time must
pass, the test moves it to a set moment.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Digits, Static

from companion.domain.effects import StepKind

from .appkit import MovedClock, make_app, press_next_until

FROZEN = 1000.0


def frozen_clock() -> float:
    return FROZEN


# At 80×24 and at 120×40 (a laptop's full-screen terminal) the numbers stay in the middle.
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def test_picker(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(make_app(clock=frozen_clock), terminal_size=(80, 24))


def test_session_first_working_set(snap_compare: Callable[..., bool]) -> None:
    # briefing → warm-up items → setup checks → first hip-thrust set
    async def to_first_set(pilot: Pilot[None]) -> None:
        await press_next_until(pilot, StepKind.SET)

    app = make_app(start="hip-thrust", clock=frozen_clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=to_first_set)


def test_session_rest_countdown(snap_compare: Callable[..., bool]) -> None:
    async def to_rest(pilot: Pilot[None]) -> None:
        await press_next_until(pilot, StepKind.REST)

    app = make_app(start="hip-thrust", clock=frozen_clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=to_rest)


def test_summary(snap_compare: Callable[..., bool]) -> None:
    async def to_summary(pilot: Pilot[None]) -> None:
        for _ in range(400):
            if type(pilot.app.screen).__name__ == "SummaryScreen":
                return
            await pilot.press("space")
        raise AssertionError("no summary after 400 presses")

    app = make_app(start="hip-thrust", clock=frozen_clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=to_summary)


@pytest.mark.parametrize("size", SIZES)
def test_session_counted_rep(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    clock = MovedClock(FROZEN)

    async def to_rep_three(pilot: Pilot[None]) -> None:
        screen = await press_next_until(pilot, StepKind.SET)
        # The set starts at FROZEN; its intro is said, then rep 1 goes up, and rep 3 is lowered
        # 25.25 s in (at the speech rate the session estimates).
        clock.now = FROZEN + 25.5
        await pilot.pause(0.3)  # a few ticks
        assert screen.query_one("#rep-number", Digits).value == "3"
        assert str(screen.query_one("#phase", Static).render()) == "LOWER 1"

    app = make_app(start="hip-thrust", clock=clock)
    assert snap_compare(app, terminal_size=size, run_before=to_rep_three)


def test_session_rest_countdown_120x40(snap_compare: Callable[..., bool]) -> None:
    clock = MovedClock(FROZEN)

    async def into_rest(pilot: Pilot[None]) -> None:
        screen = await press_next_until(pilot, StepKind.REST)
        clock.now = FROZEN + 25  # 65 of 90 seconds left
        await pilot.pause(0.3)
        assert screen.query_one("#rest-seconds", Digits).value == "65"

    app = make_app(start="hip-thrust", clock=clock)
    assert snap_compare(app, terminal_size=(120, 40), run_before=into_rest)
