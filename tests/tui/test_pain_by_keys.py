"""A pain report walked through to each outcome with keys, on the real app and real history."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from companion import paths
from companion.domain.effects import Outcome, StepKind
from companion.storage.history import History
from companion.tui.session_screen import SessionScreen
from companion.tui.summary import SummaryScreen

from .appkit import make_app, press_next_until


async def to_first_set(pilot: Pilot[None]) -> SessionScreen:
    return await press_next_until(pilot, StepKind.SET)


def stored_pain() -> list[tuple[bool | None, str]]:
    history = History.open(paths.history_db())
    (row,) = history.sessions()
    # As stored: the action's value, "" before one is chosen.
    return [(p.red_flags, p.action.value if p.action else "") for p in history.session_pain(row.id)]


async def test_pain_with_warning_signs_ends_the_session() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_first_set(pilot)
        await pilot.press("h")
        assert screen.view is not None and screen.view.kind is StepKind.QUESTION
        assert "numbness or tingling" in screen.view.instruction
        assert stored_pain() == [(None, "")]  # stored before the answer
        await pilot.press("y")
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen.summary
        assert "physical therapist or doctor" in summary.ending.value
        # The set pain stopped, then every set never reached, on record as skipped.
        first, *rest = [s.outcome for s in summary.sets]
        assert first is Outcome.PAIN
        assert rest and set(rest) == {Outcome.SKIPPED}
    assert stored_pain() == [(True, "end-session")]


async def test_pain_then_lighter_restarts_the_set_at_the_stated_load() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_first_set(pilot)
        assert screen.view is not None
        before = screen.view.load
        assert before is not None
        await pilot.press("h", "n")
        assert screen.view.options == ("lighter", "easier", "skip")
        await pilot.press("l")
        assert screen.view.kind is StepKind.SET and screen.view.set_number == 1
        assert screen.view.load is not None and screen.view.load < before
        assert f"{screen.view.load:g} pounds" in screen.view.instruction
    assert stored_pain() == [(False, "reduce")]


async def test_pain_then_easier_swaps_in_the_regression() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_first_set(pilot)
        await pilot.press("h", "n", "e")
        assert screen.view is not None and screen.view.kind is StepKind.SET
        assert "bridge" in screen.view.exercise.lower()
        assert screen.view.load is None
    assert stored_pain() == [(False, "regress")]


async def test_pain_then_skip_moves_past_the_exercise() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_first_set(pilot)
        await pilot.press("h", "n", "s")
        assert isinstance(app.screen, SummaryScreen)  # hip thrust is the only exercise
        outcomes = [s.outcome for s in app.screen.summary.sets]
        assert outcomes == [Outcome.PAIN, Outcome.SKIPPED, Outcome.SKIPPED]
    assert stored_pain() == [(False, "skip")]


async def test_second_pain_in_an_exercise_ends_it() -> None:
    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_first_set(pilot)
        await pilot.press("h", "n", "l")
        assert screen.view is not None and screen.view.kind is StepKind.SET
        await pilot.press("h", "n")
        assert isinstance(app.screen, SummaryScreen)
        outcomes = [s.outcome for s in app.screen.summary.sets]
        assert outcomes == [Outcome.PAIN, Outcome.PAIN, Outcome.SKIPPED, Outcome.SKIPPED]
    assert stored_pain() == [(False, "reduce"), (False, "end-exercise")]


async def test_a_session_pain_ended_is_not_called_finished(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Pain, lighter, pain again: the hip thrust ends there, and so does the session. The summary
    and `companion history` say pain ended it, not that it finished."""
    from companion.cli import main

    app = make_app(start="hip-thrust")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_first_set(pilot)
        await pilot.press("h", "n", "l", "h", "n")
        assert isinstance(app.screen, SummaryScreen)
        shown = [str(s.render()) for s in app.screen.query(Static)]
        assert shown[1] == "Pain ended Barbell hip thrust."
    capsys.readouterr()
    assert main(["history"]) == 0
    (headline, *_) = capsys.readouterr().out.splitlines()
    assert headline.endswith("(hip-thrust)  pain ended Barbell hip thrust")
    assert "finished" not in headline
