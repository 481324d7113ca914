"""Snapshots of the three screens at 80×24 (SVG files in __snapshots__/, reviewed by eye).

The clock is frozen so rest countdowns and tempo lines are the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from companion.domain.effects import StepKind

from .appkit import make_app, press_next_until

FROZEN = 1000.0


def frozen_clock() -> float:
    return FROZEN


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
